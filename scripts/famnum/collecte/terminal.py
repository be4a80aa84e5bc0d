"""The diagnostic form in the terminal: one question per field, generated from the schema.

French titles and help come from data/schemas/famille.schema.json; enums are numbered choices;
each answer is checked as it is typed (dates jj/mm/aaaa, phone numbers, e-mails, the schema's own
rules) and against the business rules that name its field (a consent date in the future is refused
at its question, not after sixty answers); optional fields are skipped with Entrée.

The schema also says which questions to ask: `x-demander-si` (a question only when the answers
beside it satisfy a schema fragment: no « Fonctionnent-ils ? » for zero computers) and
`x-nombre-elements` (as many ages as children). The web form reads the same keywords.

Every answer lives in an `Entretien` (the fiche being filled, plus the questions skipped or
answered yes/no): a question already answered is not asked again. So the same walk resumes a
draft, completes a census-only dossier (only what is missing), and, when a rule still fails at the
end, asks again only the questions it names, every other answer kept.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..erreurs import Probleme
from ..referentiels import Referentiels
from ..saisie import (SaisieInvalide, choisir_nom, lire_classe, lire_code_postal, lire_date, lire_oui_non,
                      lire_telephone)
from ..schemas import SchemaFamille, libelle


@dataclass
class Console:
    """What the questionnaire needs from a terminal (click in real life, a script in tests)."""

    demander: Callable[[str], str]
    ecrire: Callable[[str], None]


@dataclass
class Entretien:
    """An interview in progress: what can be kept in a draft and resumed."""

    fiche: dict = field(default_factory=dict)
    passees: set[str] = field(default_factory=set)  # optional questions answered with Entrée
    oui_non: dict[str, bool] = field(default_factory=dict)  # « Renseigner … ? », « Ajouter … ? »

    def en_dict(self) -> dict:
        return {"fiche": self.fiche, "passees": sorted(self.passees), "oui_non": self.oui_non}

    @classmethod
    def depuis(cls, donnees: dict) -> Entretien:
        return cls(donnees.get("fiche", {}), set(donnees.get("passees", [])), dict(donnees.get("oui_non", {})))

    def nombre_de_reponses(self) -> int:
        return len(list(feuilles(self.fiche))) + len(self.passees) + len(self.oui_non)


def cle(chemin: tuple) -> str:
    return ".".join(map(str, chemin))


def feuilles(valeur, chemin: tuple = ()):
    """Paths of the answered questions: scalars, and lists of scalars (ages, languages) as one answer."""
    if isinstance(valeur, dict):
        for k, v in valeur.items():
            yield from feuilles(v, chemin + (k,))
    elif isinstance(valeur, list) and valeur and all(isinstance(v, dict) for v in valeur):
        for i, v in enumerate(valeur):
            yield from feuilles(v, chemin + (i,))
    elif chemin:
        yield chemin


def lire(fiche: dict, chemin: tuple):
    noeud = fiche
    for morceau in chemin:
        try:
            noeud = noeud[morceau]
        except (KeyError, IndexError, TypeError):
            return None
    return noeud


def ecrire(fiche: dict, chemin: tuple, valeur) -> None:
    noeud = fiche
    for morceau in chemin[:-1]:
        noeud = noeud[morceau]
    noeud[chemin[-1]] = valeur


def effacer(fiche: dict, chemin: tuple) -> None:
    parent = lire(fiche, chemin[:-1]) if len(chemin) > 1 else fiche
    if isinstance(parent, dict):
        parent.pop(chemin[-1], None)


def condition_remplie(noeud: dict, parent: dict) -> bool:
    """`x-demander-si`: the question is asked only when its siblings satisfy the schema fragment."""
    condition = noeud.get("x-demander-si")
    if not condition:
        return True
    import jsonschema

    return jsonschema.Draft7Validator(condition["schema"]).is_valid(parent)


class Questionnaire:
    def __init__(self, schema: SchemaFamille, referentiels: Referentiels, console: Console,
                 entretien: Entretien | None = None, regles: Callable[[dict], list[Probleme]] | None = None):
        """`regles(fiche)`: the business rules, run after each answer; a problem naming the field just
        answered sends the question back (with its message)."""
        self.schema = schema
        self.referentiels = referentiels
        self.console = console
        self.entretien = entretien or Entretien()
        self.regles = regles
        self.racine: tuple = ("fiche",)
        self.suggestions: dict[str, str] = {}  # path → a value Entrée accepts (the census list's phone)
        self._entetes: list[list] = []  # group titles, printed only before a question is asked inside
        self._listes_montrees: set[str] = set()  # a long list (the schools) is printed once, « ? » shows it again

    @property
    def fiche(self) -> dict:
        return self.entretien.fiche

    def remplir(self, chemin: tuple = ("fiche",)) -> dict:
        """Asks every question not yet answered, then returns the fiche (empty groups removed)."""
        self.racine = chemin
        self._objet(self.schema.sous_schema(chemin), (), 0)
        return nettoyer(self.fiche)

    def remplir_noeud(self, noeud: dict) -> dict:
        """A free-standing part (an event's details, a follow-up questionnaire), in a fresh interview."""
        self.entretien, self.racine = Entretien(), ()
        self._objet(noeud, (), 0)
        return nettoyer(self.fiche)

    # --- going back to a question -----------------------------------------------------------

    def titre(self, chemin: tuple) -> str:
        return self.schema.titre_chemin(self.racine + chemin)

    def oublier(self, problemes: list[Probleme]) -> list[Probleme]:
        """Forgets the answers the problems name, so that `remplir` asks them again; returns the
        problems that name no question of the form (nothing to ask again for them)."""
        par_titre = {self.titre(c): c for c in feuilles(self.fiche)}
        par_titre.update({self.titre(tuple(_morceau(m) for m in k.split("."))): k for k in self.entretien.passees})
        restants = []
        for probleme in problemes:
            chemin = par_titre.get(probleme.champ)
            if chemin is None:
                restants.append(probleme)
            elif isinstance(chemin, str):
                self.entretien.passees.discard(chemin)
            else:
                effacer(self.fiche, chemin)
        return restants

    # --- by kind of field -----------------------------------------------------------------

    def _valeur(self, noeud: dict, chemin: tuple, obligatoire: bool, niveau: int) -> None:
        nature = noeud.get("type")
        if nature == "object":
            self._groupe(noeud, chemin, obligatoire, niveau)
        elif nature == "array" and "enum" not in noeud.get("items", {}):
            self._liste(noeud, chemin, obligatoire, niveau)
        elif lire(self.fiche, chemin) is None and cle(chemin) not in self.entretien.passees:
            self._question_simple(noeud, chemin, obligatoire, niveau)

    def _groupe(self, noeud: dict, chemin: tuple, obligatoire: bool, niveau: int) -> None:
        if lire(self.fiche, chemin) is None:
            if not obligatoire and not self._oui_non_garde(f"{cle(chemin)}?", f"Renseigner « {noeud.get('title')} » ?", niveau):
                return
            ecrire(self.fiche, chemin, {})
        with self._entete(f"{'  ' * niveau}— {noeud.get('title')} —"):
            self._objet(noeud, chemin, niveau + 1)

    def _objet(self, noeud: dict, chemin: tuple, niveau: int) -> None:
        requis = set(noeud.get("required", [])) | set(noeud.get("x-requis-diagnostic", []))
        objet = lire(self.fiche, chemin) if chemin else self.fiche
        for nom, enfant in noeud.get("properties", {}).items():
            if enfant.get("readOnly"):  # filled by an import (the census list), never asked
                continue
            if not condition_remplie(enfant, objet):
                objet.pop(nom, None)  # an answer that no longer applies (0 computers now)
                self.entretien.passees.discard(cle(chemin + (nom,)))
                continue
            self._valeur(enfant, chemin + (nom,), nom in requis, niveau)

    def _liste(self, noeud: dict, chemin: tuple, obligatoire: bool, niveau: int) -> None:
        if noeud.get("x-nombre-elements"):
            self._liste_comptee(noeud, chemin, niveau)
            return
        elements = noeud.get("items", {})
        valeurs = lire(self.fiche, chemin)
        if valeurs is None:
            valeurs = []
            ecrire(self.fiche, chemin, valeurs)
        i = 0
        while i < noeud.get("maxItems", 50):
            titre = f"{elements.get('title', 'Élément')} n°{i + 1}"
            if i >= len(valeurs):
                if i >= noeud.get("minItems", 1 if obligatoire else 0) and \
                        not self._oui_non_garde(f"{cle(chemin)}+{i}", f"Ajouter « {titre} » ?", niveau):
                    break
                valeurs.append({} if elements.get("type") == "object" else None)
            with self._entete(f"{'  ' * niveau}— {titre} —"):
                if elements.get("type") == "object":
                    self._objet(elements, chemin + (i,), niveau + 1)
                elif valeurs[i] is None:
                    self._question_simple(elements, chemin + (i,), True, niveau + 1)
            i += 1

    def _liste_comptee(self, noeud: dict, chemin: tuple, niveau: int) -> None:
        """As many items as a sibling count says (one age per child): no « Ajouter ? » question."""
        parent = lire(self.fiche, chemin[:-1]) or {}
        nombre = parent.get(noeud["x-nombre-elements"])
        if not isinstance(nombre, int) or cle(chemin) in self.entretien.passees:
            return
        valeurs = (lire(self.fiche, chemin) or [])[:nombre]
        elements = noeud.get("items", {})
        if valeurs or nombre == 0:
            ecrire(self.fiche, chemin, valeurs)
        for i in range(len(valeurs), nombre):
            titre = {**elements, "title": f"{elements.get('title', 'Élément')} n°{i + 1}"}
            valeur = self._saisir(titre, chemin, obligatoire=i > 0, niveau=niveau)
            if valeur is None:  # Entrée at the first one: the whole list is skipped
                self.entretien.passees.add(cle(chemin))
                return
            valeurs.append(valeur)
            ecrire(self.fiche, chemin, valeurs)

    def _question_simple(self, noeud: dict, chemin: tuple, obligatoire: bool, niveau: int) -> None:
        """One answer, checked as typed and against the business rules that name this field."""
        while True:
            valeur = self._saisir(noeud, chemin, obligatoire, niveau)
            if valeur is None or valeur == []:
                self.entretien.passees.add(cle(chemin))
                return
            ecrire(self.fiche, chemin, valeur)
            refus = self._regles_du_champ(chemin)
            if not refus:
                return
            effacer(self.fiche, chemin) if not isinstance(chemin[-1], int) else ecrire(self.fiche, chemin, None)
            for p in refus:
                self._erreur(f"{p.message} : {p.correction}" if p.correction else p.message, niveau)

    def _regles_du_champ(self, chemin: tuple) -> list[Probleme]:
        if not self.regles:
            return []
        titre = self.titre(chemin)
        return [p for p in self.regles(nettoyer(self.fiche)) if p.champ == titre]

    def _saisir(self, noeud: dict, chemin: tuple, obligatoire: bool, niveau: int):
        """Asks until the typed text reads as a value of this field (None: skipped)."""
        if noeud.get("type") == "array":
            return self._choix_multiples(noeud, noeud["items"], obligatoire, niveau)
        if noeud.get("x-reference"):
            return self._reference(noeud, obligatoire, niveau)
        if "enum" in noeud:
            self._montrer_choix(noeud, niveau)
        suggestion = self.suggestions.get(cle(chemin))
        montree = libelle(noeud, suggestion) if "enum" in noeud else suggestion
        indication = self._indication(noeud) + (f" ; Entrée : {montree}" if suggestion else "")
        premiere = True
        while True:
            reponse = self._question(noeud, obligatoire and not suggestion, niveau, indication.strip(" ;"),
                                     passer=not suggestion, aide=premiere) or suggestion
            premiere = False
            if not reponse:
                return None
            try:
                valeur = self._convertir(reponse, noeud)
                self._verifier(valeur, noeud)
                return valeur
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    @staticmethod
    def _indication(noeud: dict) -> str:
        if noeud.get("type") == "boolean":
            return "o/n"
        if "enum" in noeud:
            return "numéro"
        if noeud.get("format") == "date":
            return "jj/mm/aaaa"
        return ""

    def _choix_multiples(self, noeud, elements, obligatoire, niveau):
        codes = elements["enum"]
        self._montrer_choix(elements, niveau)
        while True:
            reponse = self._question(noeud, obligatoire, niveau, "numéros séparés par des virgules")
            if not reponse:
                return None
            try:
                return [self._un_choix(morceau.strip(), codes) for morceau in reponse.split(",") if morceau.strip()]
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    def _reference(self, noeud, obligatoire, niveau):
        table = self.referentiels.table(noeud["x-reference"])
        noms = {code: ligne.get("nom", code) for code, ligne in table.items()}
        if not noms:
            self._erreur(f"la liste « {noeud.get('title')} » du territoire est vide : question passée "
                         "(le coordinateur la remplit dans data/referentiels/)", niveau)
            return None
        deja_vue = noeud["x-reference"] in self._listes_montrees
        if not deja_vue:
            self._montrer_liste(noms, niveau)
            self._listes_montrees.add(noeud["x-reference"])
        while True:
            reponse = self._question(noeud, obligatoire, niveau,
                                     "numéro ou début du nom" + (" ; ? pour revoir la liste" if deja_vue else ""))
            if reponse == "?":
                self._montrer_liste(noms, niveau)
                continue
            if not reponse:
                return None
            try:
                code = choisir_nom(reponse, noms, noeud.get("title", "choix").lower())
            except SaisieInvalide as e:
                self._erreur(e, niveau)
                continue
            self._ecrire(f"{'  ' * niveau}  → {noms[code]}")
            return code

    def _montrer_liste(self, noms: dict[str, str], niveau: int) -> None:
        for i, nom in enumerate(noms.values(), 1):
            self._ecrire(f"{'  ' * niveau}  {i:>2}. {nom}")

    # --- helpers --------------------------------------------------------------------------

    @contextmanager
    def _entete(self, texte: str):
        self._entetes.append([texte, False])
        try:
            yield
        finally:
            self._entetes.pop()

    def _ecrire(self, texte: str) -> None:
        self._ecrire_entetes()
        self.console.ecrire(texte)

    def _demander(self, texte: str) -> str:
        self._ecrire_entetes()
        return self.console.demander(texte)

    def _ecrire_entetes(self) -> None:
        for entete in self._entetes:
            if not entete[1]:
                self.console.ecrire(entete[0])
                entete[1] = True

    def _question(self, noeud, obligatoire, niveau, indication="", passer=True, aide=True):
        """Asks once (the help is shown at the first try only, not after each refusal)."""
        aide = noeud.get("description") if aide else None
        if aide:
            self._ecrire(f"{'  ' * niveau}  ({aide})")
        suffixe = [] if obligatoire or not passer else ["Entrée pour passer"]
        if indication:
            suffixe.insert(0, indication)
        texte = f"{'  ' * niveau}{noeud.get('title', '?')}" + (f" [{' ; '.join(suffixe)}]" if suffixe else "")
        while True:
            reponse = self._demander(texte).strip()
            if reponse or not obligatoire:
                return reponse
            self._ecrire(f"{'  ' * niveau}  ⚠ Ce champ est obligatoire : tapez une réponse.")

    def _oui_non_garde(self, marque: str, question: str, niveau: int) -> bool:
        """A yes/no about the form itself, remembered so that a resumed interview does not ask it again."""
        if marque not in self.entretien.oui_non:
            self.entretien.oui_non[marque] = self._oui_non(question, niveau)
        return self.entretien.oui_non[marque]

    def _oui_non(self, question: str, niveau: int) -> bool:
        while True:
            try:
                return lire_oui_non(self._demander(f"{'  ' * niveau}{question} [o/n]"))
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    def _montrer_choix(self, porteur, niveau):
        for i, code in enumerate(porteur["enum"], 1):
            self._ecrire(f"{'  ' * niveau}  {i}. {libelle(porteur, code)}")

    @staticmethod
    def _un_choix(reponse: str, codes: list) -> str:
        if reponse.isdigit() and 1 <= int(reponse) <= len(codes):
            return codes[int(reponse) - 1]
        if reponse in codes:
            return reponse
        raise SaisieInvalide(f"choix inconnu « {reponse} » : tapez un numéro entre 1 et {len(codes)}", code="saisie.choix_inconnu")

    def _convertir(self, reponse: str, noeud: dict):
        nature = noeud.get("type")
        if "enum" in noeud:
            return self._un_choix(reponse, noeud["enum"])
        if nature == "boolean":
            return lire_oui_non(reponse)
        if nature in ("integer", "number"):
            try:
                return int(reponse) if nature == "integer" else float(reponse.replace(",", "."))
            except ValueError:
                raise SaisieInvalide(f"« {reponse} » n'est pas un nombre : tapez des chiffres, par exemple 2", code="saisie.nombre") from None
        if noeud.get("format") == "date":
            return lire_date(reponse)
        if noeud.get("x-saisie") == "telephone":
            numero, avertissement = lire_telephone(reponse)
            if avertissement:
                self._ecrire(f"  ⚠ {avertissement}")
            return numero
        if noeud.get("x-saisie") == "code_postal":
            return lire_code_postal(reponse)
        if noeud.get("x-saisie") == "classe":
            return lire_classe(reponse, noeud.get("x-classes", []))
        return reponse

    @staticmethod
    def _verifier(valeur, noeud: dict) -> None:
        """The schema's own rule for this one field (pattern, length, bounds)."""
        import jsonschema

        erreur = jsonschema.exceptions.best_match(
            jsonschema.Draft7Validator(noeud, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER).iter_errors(valeur))
        if erreur is None:
            return
        if erreur.validator in ("pattern", "format"):
            if noeud.get("x-personnel") in ("nom", "prenom"):
                raise SaisieInvalide("un nom s'écrit sans chiffre ni symbole (un numéro de téléphone va dans le champ Téléphone)", code="saisie.nom")
            if noeud.get("x-personnel") == "courriel":
                raise SaisieInvalide(f"adresse e-mail incorrecte « {valeur} » : tapez-la comme prenom.nom@exemple.fr", code="saisie.email")
            raise SaisieInvalide(f"« {valeur} » n'a pas le format attendu : {noeud.get('description', 'corrigez la saisie')}", code="saisie.format")
        if erreur.validator in ("minimum", "maximum"):
            raise SaisieInvalide(f"{valeur} est hors limites : tapez un nombre entre {noeud.get('minimum', '…')} "
                                 f"et {noeud.get('maximum', '…')}", code="saisie.hors_limites")
        if erreur.validator in ("maxLength", "minLength"):
            raise SaisieInvalide(f"texte trop long : au plus {noeud.get('maxLength')} signes, raccourcissez-le", code="saisie.trop_long")
        raise SaisieInvalide(erreur.message, code="saisie.schema")

    def _erreur(self, e, niveau: int) -> None:
        self._ecrire(f"{'  ' * niveau}  ⚠ {e}")


def _morceau(texte: str):
    return int(texte) if texte.isdigit() else texte


def nettoyer(valeur):
    """The fiche without the empty groups and lists a walk leaves behind (a skipped address)."""
    if isinstance(valeur, dict):
        propre = {k: nettoyer(v) for k, v in valeur.items()}
        return {k: v for k, v in propre.items() if v not in (None, {}, [], "")}
    if isinstance(valeur, list):
        return [v for v in (nettoyer(v) for v in valeur) if v not in (None, {}, "")]
    return valeur
