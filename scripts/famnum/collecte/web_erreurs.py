"""The local form's errors, placed as the French State design system (DSFR) and GOV.UK place them.

One message per field, beside it and in a summary at the top of the page; the summary lists its
items in the order of the form, each a link to its field, and takes the focus when the page opens
(`autofocus`: the pages run no script). A problem that names a whole group (« Foyer : champ
obligatoire manquant ») is given to each required field of the group, so every link lands on
something to type in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..saisie import erreurs_de_saisie
from ..schemas import par_cle_manquante


@dataclass
class Erreur:
    chemin: tuple | None  # the field, relative to the form's node; None: no field of this form
    message: str  # what is wrong: « champ obligatoire manquant »
    correction: str = ""  # what to do: « ajoutez ce champ… »
    champ: str = ""  # the field's title when `chemin` is None (the summary names it)
    lien: str = ""  # an anchor of the page for a field outside the node (« Votre fonction »)

    @property
    def detail(self) -> str:
        """Beside the field: the message and how to fix it."""
        return f"{self.message} ({self.correction})" if self.correction else self.message


def ident(chemin: tuple) -> str:
    return "c-" + "-".join(map(str, chemin))


def sous_noeud(noeud: dict, chemin: tuple) -> dict:
    for morceau in chemin:
        noeud = noeud.get("items", {}) if isinstance(morceau, int) else noeud.get("properties", {}).get(morceau, {})
    return noeud


def requis(noeud: dict) -> set[str]:
    return set(noeud.get("required", [])) | set(noeud.get("x-requis-diagnostic", []))


def ordre_des_champs(noeud: dict, valeur, chemin: tuple = ()):
    """Every path of the form (groups, then their fields), in the order the page shows them."""
    if noeud.get("readOnly"):
        return
    nature, elements = noeud.get("type"), noeud.get("items", {})
    if chemin:
        yield chemin
    if nature == "object":
        valeur = valeur if isinstance(valeur, dict) else {}
        for cle, enfant in noeud.get("properties", {}).items():
            yield from ordre_des_champs(enfant, valeur.get(cle), chemin + (cle,))
    elif nature == "array" and elements.get("type") == "object":
        nombre = max(len(valeur) if isinstance(valeur, list) else 0, noeud.get("minItems", 0), 1)
        for i in range(nombre):
            element = valeur[i] if isinstance(valeur, list) and i < len(valeur) else {}
            yield from ordre_des_champs(elements, element, chemin + (i,))


def champs_a_remplir(noeud: dict, chemin: tuple) -> list[tuple]:
    """The fields to type in for a missing group: its required fields, down to single answers."""
    nature, elements = noeud.get("type"), noeud.get("items", {})
    if nature == "array" and elements.get("type") == "object":
        return champs_a_remplir(elements, chemin + (0,))
    if nature != "object":
        return [chemin]
    obligatoires = [cle for cle in noeud.get("properties", {}) if cle in requis(noeud)]
    dedans = [c for cle in obligatoires for c in champs_a_remplir(noeud["properties"][cle], chemin + (cle,))]
    return dedans or [chemin]


def cible(noeud: dict, chemin: tuple) -> str:
    """The element a summary link moves to: the input itself, or a choice group's first choice."""
    elements = noeud.get("items", {})
    if "enum" in noeud or noeud.get("type") == "boolean" or "enum" in elements:
        return ident(chemin) + "-0"
    return ident(chemin)


def erreurs_du_dossier(dossier: dict, coffre, racine: tuple, noeud: dict, valeurs,
                       titres_en_plus: dict[str, tuple] | None = None) -> list[Erreur]:
    """The dossier's problems for a form showing the part at `racine` with `noeud` (values as typed in
    `valeurs`): what a reader refused first, then the schema's errors, then the business rules'."""
    from ..validation import _message, erreurs_metier

    schema = coffre.schema
    erreurs = [Erreur(c, m) for c, m in erreurs_de_saisie(lire(dossier, racine), noeud).items()]
    for erreur, manquant in par_cle_manquante(schema.validateur_detaille.iter_errors(dossier)):
        if erreur.validator in ("allOf", "if"):
            continue
        champ, message, correction = _message(erreur, schema, manquant)
        chemin = tuple(erreur.absolute_path) + ((manquant,) if manquant else ())
        dedans = chemin[:len(racine)] == racine
        erreurs.append(Erreur(chemin[len(racine):] if dedans else None, message, correction, champ))
    titres = {schema.titre_chemin(racine + c): c for c in ordre_des_champs(noeud, valeurs)}
    titres.update(titres_en_plus or {})
    for p in erreurs_metier(dossier, schema, coffre.referentiels, "formulaire", date.today()):
        erreurs.append(Erreur(titres.get(p.champ), p.message, p.correction, p.champ))
    return ranger(erreurs, noeud, valeurs, schema)


def lire(valeur, chemin: tuple):
    for morceau in chemin:
        valeur = valeur[morceau] if isinstance(valeur, (dict, list)) and _contient(valeur, morceau) else None
    return valeur


def _contient(valeur, morceau) -> bool:
    return morceau in valeur if isinstance(valeur, dict) else isinstance(morceau, int) and morceau < len(valeur)


def ranger(erreurs: list[Erreur], noeud: dict, valeurs, schema) -> list[Erreur]:
    """One error per field (the first found), groups given to their fields, in the order of the form."""
    ordre = {c: i for i, c in enumerate(ordre_des_champs(noeud, valeurs))}
    par_champ: dict[tuple, Erreur] = {}
    sans_champ = []
    for erreur in erreurs:
        if erreur.chemin is None:
            sans_champ.append(erreur)
            continue
        groupe = sous_noeud(noeud, erreur.chemin)
        champs = champs_a_remplir(groupe, erreur.chemin) if groupe.get("type") in ("object", "array") and \
            "enum" not in groupe.get("items", {}) else [erreur.chemin]
        for chemin in champs:
            if chemin not in par_champ:
                par_champ[chemin] = Erreur(chemin, erreur.message, erreur.correction, schema.titre_chemin(chemin, noeud))
    ranges = sorted(par_champ.values(), key=lambda e: ordre.get(e.chemin, len(ordre)))
    return sans_champ + ranges


def par_champ(erreurs: list[Erreur]) -> dict[tuple, list[str]]:
    return {e.chemin: [e.detail] for e in erreurs if e.chemin is not None}


def resume(erreurs: list[Erreur], noeud: dict) -> list[tuple[str, str]]:
    """The summary's items, in order: the text, and the anchor of its field ("" when there is none);
    the macro `resume` of `formulaire/champs.html` writes them as a titled list of links."""
    return [(f"{e.champ} : {e.message}" if e.champ else e.message,
             e.lien or (cible(sous_noeud(noeud, e.chemin), e.chemin) if e.chemin is not None else ""))
            for e in erreurs]
