"""From the posted local form back to a fiche: the dotted field names as a tree, the strings typed
converted to the schema's types (an empty answer left out), the « Ajouter » / « Retirer » buttons,
and the values as typed, to show the form again when something must be corrected."""
from __future__ import annotations

import re

from ..saisie import normaliser_saisie
from .terminal import condition_remplie


def arbre(formulaire, hors: tuple = ("par",)) -> dict:
    """'enfants.0.prenom' = 'Léa' → {'enfants': {'0': {'prenom': 'Léa'}}} (lists keep every value).

    `hors`: fields of the page that are not the form's node (the diagnostic's « Votre fonction »)."""
    racine: dict = {}
    for cle in formulaire.keys():
        if cle.startswith("_") or cle == "csrf_token" or cle in hors:
            continue
        noeud = racine
        morceaux = cle.split(".")
        for m in morceaux[:-1]:
            noeud = noeud.setdefault(m, {})
        noeud[morceaux[-1]] = formulaire.getlist(cle)
    return racine


def convertir(valeur, noeud: dict):
    """Posted strings → the stored types, by the schema; empty answers are left out (None)."""
    nature = noeud.get("type")
    if nature == "object":
        return _objet(valeur or {}, noeud.get("properties", {}))
    if nature == "array":
        return _tableau(valeur, noeud.get("items", {}))
    return _simple(_premier(valeur), nature, noeud)


def _objet(valeur: dict, proprietes: dict) -> dict | None:
    sortie = {}
    for cle, enfant in proprietes.items():
        converti = convertir(valeur[cle], enfant) if cle in valeur else None
        if converti not in (None, [], {}):
            sortie[cle] = converti
    _retirer_hors_sujet(sortie, proprietes)
    return sortie or None


def _retirer_hors_sujet(sortie: dict, proprietes: dict) -> None:
    """An answer to a question that does not apply (x-demander-si) is dropped, in the schema's order."""
    for cle, enfant in proprietes.items():
        if cle in sortie and not condition_remplie(enfant, sortie):
            del sortie[cle]


def _tableau(valeur, elements: dict) -> list:
    if elements.get("type") == "object":
        convertis = [convertir(valeur[i], elements) for i in sorted(valeur or {}, key=int)]
        return [e for e in convertis if e]
    if "enum" in elements:
        return [v for v in (valeur or []) if v]
    # numbers or words typed in one field, separated by commas
    texte = (valeur or [""])[0] if isinstance(valeur, list) else str(valeur or "")
    return [convertir([m], elements) for m in re.split(r"[,;\s]+", texte) if m]


def _premier(valeur) -> str:
    return ((valeur or [""])[0] if isinstance(valeur, list) else str(valeur or "")).strip()


def _simple(texte: str, nature: str | None, noeud: dict):
    if not texte:
        return None
    if nature == "boolean":
        return {"oui": True, "non": False}.get(texte, texte)
    if nature in ("integer", "number"):
        return _lire_nombre(texte, nature)
    return normaliser_saisie(texte, noeud)


def _lire_nombre(texte: str, nature: str):
    try:
        return int(texte) if nature == "integer" else float(texte.replace(",", "."))
    except ValueError:
        return texte  # the schema's validation names the field


def modifier_listes(brut: dict, action: str) -> dict:
    """The « Ajouter » / « Retirer » buttons: one more empty item, or one item less."""
    genre, _, chemin = action.partition(":")
    morceaux = chemin.split(".")
    if genre == "ajouter":
        noeud = brut
        for m in morceaux:
            noeud = noeud.setdefault(m, {})
        noeud[str(len(noeud))] = {"_nouveau": [""]}
    elif genre == "retirer":
        noeud = brut
        for m in morceaux[:-1]:
            noeud = noeud.setdefault(m, {})
        restants = [v for k, v in sorted(noeud.items(), key=lambda kv: int(kv[0])) if k != morceaux[-1]]
        noeud.clear()
        noeud.update({str(i): v for i, v in enumerate(restants)})
    return brut


def fiche_brouillon(brut: dict, noeud: dict):
    """The posted values as typed, to show the form again with them (lists keep their order)."""
    if noeud.get("type") == "object":
        return {k: fiche_brouillon(v, noeud.get("properties", {}).get(k, {})) for k, v in (brut or {}).items()}
    if noeud.get("type") == "array" and noeud.get("items", {}).get("type") == "object":
        return [fiche_brouillon(brut[k], noeud["items"]) for k in sorted(brut or {}, key=int)]
    if noeud.get("type") == "array":
        return list(brut or [])
    return (brut or [""])[0] if isinstance(brut, list) else brut
