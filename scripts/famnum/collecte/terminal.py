"""The diagnostic form in the terminal: one question per field, generated from the schema.

French titles and help come from data/schemas/famille.schema.json; enums are numbered choices;
each answer is checked as it is typed (dates jj/mm/aaaa, phone numbers, e-mails, the schema's own
rules); optional fields are skipped with Entrée; a summary is shown before anything is saved.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from ..referentiels import Referentiels
from ..saisie import SaisieInvalide, lire_date, lire_oui_non, lire_telephone
from ..schemas import SchemaFamille, libelle


@dataclass
class Console:
    """What the questionnaire needs from a terminal (click in real life, a script in tests)."""

    demander: Callable[[str], str]
    ecrire: Callable[[str], None]


class Questionnaire:
    def __init__(self, schema: SchemaFamille, referentiels: Referentiels, console: Console):
        self.schema = schema
        self.referentiels = referentiels
        self.console = console

    def remplir(self, chemin: tuple = ("fiche",)) -> dict:
        noeud = self.schema.sous_schema(chemin)
        return self._objet(noeud, niveau=0)

    # --- by kind of field -----------------------------------------------------------------

    def _valeur(self, noeud: dict, obligatoire: bool, niveau: int):
        nature = noeud.get("type")
        if nature == "object":
            if not obligatoire and not self._oui_non(f"Renseigner « {noeud.get('title')} » ?", niveau):
                return None
            self.console.ecrire(f"{'  ' * niveau}— {noeud.get('title')} —")
            return self._objet(noeud, niveau + 1)
        if nature == "array":
            return self._liste(noeud, obligatoire, niveau)
        return self._scalaire(noeud, obligatoire, niveau)

    def _objet(self, noeud: dict, niveau: int) -> dict:
        requis = set(noeud.get("required", [])) | set(noeud.get("x-requis-diagnostic", []))
        resultat = {}
        for cle, enfant in noeud.get("properties", {}).items():
            if enfant.get("readOnly"):  # filled by an import (the census list), never asked
                continue
            valeur = self._valeur(enfant, cle in requis, niveau)
            if valeur is not None and valeur != [] and valeur != "":
                resultat[cle] = valeur
        return resultat

    def _liste(self, noeud: dict, obligatoire: bool, niveau: int):
        elements = noeud.get("items", {})
        if "enum" in elements:
            return self._choix_multiples(noeud, elements, obligatoire, niveau)
        minimum = noeud.get("minItems", 0)
        valeurs = []
        while len(valeurs) < noeud.get("maxItems", 50):
            titre = elements.get("title", "élément")
            if len(valeurs) >= minimum and not self._oui_non(f"Ajouter {'un autre' if valeurs else 'un'} « {titre} » ?", niveau):
                break
            self.console.ecrire(f"{'  ' * niveau}— {titre} n°{len(valeurs) + 1} —")
            if elements.get("type") == "object":
                valeurs.append(self._objet(elements, niveau + 1))
            else:
                valeurs.append(self._scalaire(elements, True, niveau + 1))
        return valeurs

    def _choix_multiples(self, noeud, elements, obligatoire, niveau):
        codes = elements["enum"]
        self._montrer_choix(noeud, elements, niveau)
        while True:
            reponse = self._question(noeud, obligatoire, niveau, "numéros séparés par des virgules")
            if not reponse:
                return []
            try:
                return [self._un_choix(morceau.strip(), codes) for morceau in reponse.split(",") if morceau.strip()]
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    def _scalaire(self, noeud: dict, obligatoire: bool, niveau: int):
        if noeud.get("x-reference"):
            return self._reference(noeud, obligatoire, niveau)
        if "enum" in noeud:
            self._montrer_choix(noeud, noeud, niveau)
        while True:
            reponse = self._question(noeud, obligatoire, niveau)
            if not reponse:
                return None
            try:
                valeur = self._convertir(reponse, noeud)
                self._verifier(valeur, noeud)
                return valeur
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    def _reference(self, noeud, obligatoire, niveau):
        table = self.referentiels.table(noeud["x-reference"])
        codes = list(table)
        for i, code in enumerate(codes, 1):
            self.console.ecrire(f"{'  ' * niveau}  {i:>2}. {table[code].get('nom', code)}")
        while True:
            reponse = self._question(noeud, obligatoire, niveau, "numéro ou début du nom")
            if not reponse:
                return None
            try:
                return self._un_choix(reponse, codes, {c: table[c].get("nom", c) for c in codes})
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    # --- helpers --------------------------------------------------------------------------

    def _question(self, noeud, obligatoire, niveau, indication=""):
        aide = noeud.get("description")
        if aide:
            self.console.ecrire(f"{'  ' * niveau}  ({aide})")
        suffixe = [] if obligatoire else ["Entrée pour passer"]
        if indication:
            suffixe.insert(0, indication)
        texte = f"{'  ' * niveau}{noeud.get('title', '?')}" + (f" [{' ; '.join(suffixe)}]" if suffixe else "")
        while True:
            reponse = self.console.demander(texte).strip()
            if reponse or not obligatoire:
                return reponse
            self.console.ecrire(f"{'  ' * niveau}  ⚠ Ce champ est obligatoire.")

    def _oui_non(self, question: str, niveau: int) -> bool:
        while True:
            try:
                return lire_oui_non(self.console.demander(f"{'  ' * niveau}{question} [o/n]"))
            except SaisieInvalide as e:
                self._erreur(e, niveau)

    def _montrer_choix(self, noeud, porteur, niveau):
        for i, code in enumerate(porteur["enum"], 1):
            self.console.ecrire(f"{'  ' * niveau}  {i}. {libelle(porteur, code)}")

    @staticmethod
    def _un_choix(reponse: str, codes: list, noms: dict | None = None) -> str:
        if reponse.isdigit() and 1 <= int(reponse) <= len(codes):
            return codes[int(reponse) - 1]
        if reponse in codes:
            return reponse
        if noms:
            debut = [c for c in codes if noms[c].lower().startswith(reponse.lower())
                     or reponse.lower() in noms[c].lower()]
            if len(debut) == 1:
                return debut[0]
        raise SaisieInvalide(f"choix inconnu : tapez un numéro entre 1 et {len(codes)}")

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
                raise SaisieInvalide("tapez un nombre") from None
        if noeud.get("format") == "date":
            jour = lire_date(reponse)
            if noeud.get("x-personnel") == "date_naissance" and jour > date.today().isoformat():
                raise SaisieInvalide("cette date de naissance est dans le futur : vérifiez l'année")
            return jour
        if noeud.get("x-saisie") == "telephone":
            numero, avertissement = lire_telephone(reponse)
            if avertissement:
                self.console.ecrire(f"  ⚠ {avertissement}")
            return numero
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
                raise SaisieInvalide("un nom s'écrit sans chiffre ni symbole (un numéro de téléphone va dans le champ Téléphone)")
            if noeud.get("x-personnel") == "courriel":
                raise SaisieInvalide("adresse e-mail incorrecte : par exemple prenom.nom@exemple.fr")
            raise SaisieInvalide("format incorrect")
        if erreur.validator in ("minimum", "maximum"):
            raise SaisieInvalide(f"nombre hors limites (entre {noeud.get('minimum', '…')} et {noeud.get('maximum', '…')})")
        if erreur.validator in ("maxLength", "minLength"):
            raise SaisieInvalide(f"texte trop long (au plus {noeud.get('maxLength')} signes)")
        raise SaisieInvalide(erreur.message)

    def _erreur(self, e: Exception, niveau: int) -> None:
        self.console.ecrire(f"{'  ' * niveau}  ⚠ {e}")
