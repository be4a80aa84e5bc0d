"""Checking derived tables against the table schemas of data/datapackage.yaml, fast.

frictionless validates about 10,000 rows a second: 45,000 census rows of 10,000 families would take
longer than decrypting them. The tables come from validated dossiers, so this check applies the same
rules of the same descriptor (types, required, enum, bounds, pattern, primary keys, foreign keys)
in plain Python; frictionless itself validates every package famnum writes to disk, and a test
proves both agree.
"""
from __future__ import annotations

import re

from .erreurs import Probleme

_TYPES = {"string": str, "integer": int, "boolean": bool, "number": (int, float)}


def _controle_champ(champ: dict):
    contraintes = champ.get("constraints", {})
    attendu = _TYPES.get(champ.get("type", "string"), object)
    motif = re.compile(contraintes["pattern"]) if "pattern" in contraintes else None
    permis = set(contraintes["enum"]) if "enum" in contraintes else None
    minimum, maximum = contraintes.get("minimum"), contraintes.get("maximum")
    requis = contraintes.get("required", False)

    def controler(valeur) -> str | None:
        if valeur is None or valeur == "":
            return "valeur obligatoire manquante" if requis else None
        if not isinstance(valeur, attendu) or (attendu is int and isinstance(valeur, bool)):
            return f"type incorrect (attendu : {champ.get('type')})"
        if permis is not None and valeur not in permis:
            return f"valeur non permise « {valeur} »"
        if motif is not None and not motif.fullmatch(valeur):
            return "format incorrect"
        if minimum is not None and valeur < minimum:
            return f"inférieur au minimum {minimum}"
        if maximum is not None and valeur > maximum:
            return f"supérieur au maximum {maximum}"
        return None

    return controler


def valider_tables(descripteur: dict, tables: dict[str, list[dict]], references: dict[str, set]) -> list[Probleme]:
    """`references`: the key values of the reference tables ({"qpv": {...}, "etablissements": {...}})."""
    problemes: list[Probleme] = []
    cles = dict(references)
    ressources = [r for r in descripteur["resources"] if r["name"] in tables]
    for ressource in ressources:  # primary keys first, so foreign keys can point at any derived table
        cle = ressource["schema"].get("primaryKey", [])
        if cle:
            cles[ressource["name"]] = {tuple(ligne[c] for c in cle) if len(cle) > 1 else ligne[cle[0]]
                                      for ligne in tables[ressource["name"]]}
    for ressource in ressources:
        nom, schema = ressource["name"], ressource["schema"]
        controles = [(c["name"], c.get("title", c["name"]), _controle_champ(c)) for c in schema["fields"]]
        cle = schema.get("primaryKey", [])
        vues = set()
        for numero, ligne in enumerate(tables[nom], 2):  # row 1 is the header, as in frictionless
            lieu = f"table {nom}, ligne {numero}"
            for champ, titre, controler in controles:
                erreur = controler(ligne.get(champ))
                if erreur:
                    problemes.append(Probleme(lieu, erreur, titre, correction="corrigez le dossier en cause", code="tables.valeur_refusee"))
            if cle:
                valeur = tuple(ligne[c] for c in cle)
                if valeur in vues:
                    problemes.append(Probleme(lieu, "clé primaire en double", ", ".join(cle), code="tables.cle_en_double"))
                vues.add(valeur)
            for etrangere in schema.get("foreignKeys", []):
                champs = etrangere["fields"]
                valeur = ligne[champs[0]] if len(champs) == 1 else tuple(ligne[c] for c in champs)
                if valeur in (None, "") or valeur in cles.get(etrangere["reference"]["resource"], ()):
                    continue
                problemes.append(Probleme(lieu, f"référence inconnue dans {etrangere['reference']['resource']}",
                                          ", ".join(champs), correction="corrigez le dossier ou le référentiel", code="tables.reference_inconnue"))
    return problemes
