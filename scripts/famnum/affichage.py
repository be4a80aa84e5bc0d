"""Showing a dossier to a person: French titles and labels in the form's order, dates jj/mm/aaaa,
phones as dialled, schools and QPV by their names."""
from __future__ import annotations

from .referentiels import Referentiels
from .formats import date_fr
from .saisie import telephone_lisible
from .schemas import SchemaFamille, libelle
from .statuts import STATUTS, statut


class Afficheur:
    def __init__(self, schema: SchemaFamille, referentiels: Referentiels | None = None):
        self.schema = schema
        self.referentiels = referentiels

    def valeur(self, valeur, noeud: dict) -> str:
        if isinstance(valeur, list):
            return ", ".join(self.valeur(v, noeud.get("items", {})) for v in valeur) or "—"
        if isinstance(valeur, bool):
            return "oui" if valeur else "non"
        if "enum" in noeud:
            return libelle(noeud, valeur)
        if noeud.get("format") == "date":
            return date_fr(valeur)
        if noeud.get("x-saisie") == "telephone":
            return telephone_lisible(valeur)
        table = noeud.get("x-reference")
        if table and self.referentiels:
            return self.referentiels.table(table).get(valeur, {}).get("nom", f"{valeur} (code inconnu)")
        return str(valeur)

    def lignes(self, valeur, noeud: dict, niveau: int = 0) -> list[str]:
        retrait = "  " * niveau
        if isinstance(valeur, list) and noeud.get("items", {}).get("type") == "object":
            sortie = []
            for i, element in enumerate(valeur, 1):
                sortie.append(f"{retrait}{noeud['items'].get('title', 'Élément')} n°{i} :")
                sortie += self.lignes(element, noeud["items"], niveau + 1)
            return sortie
        if not isinstance(valeur, dict):
            return [f"{retrait}{self.valeur(valeur, noeud)}"]
        proprietes = noeud.get("properties", {})
        ordre = [c for c in proprietes if c in valeur] + sorted(c for c in valeur if c not in proprietes)
        sortie = []
        for cle in ordre:
            enfant, v = proprietes.get(cle, {}), valeur[cle]
            titre = enfant.get("title", cle)
            if isinstance(v, dict) or (isinstance(v, list) and enfant.get("items", {}).get("type") == "object"):
                sortie.append(f"{retrait}{titre} :")
                sortie += self.lignes(v, enfant, niveau + 1)
            else:
                sortie.append(f"{retrait}{titre} : {self.valeur(v, enfant)}")
        return sortie

    def fiche(self, fiche: dict) -> str:
        return "\n".join(self.lignes(fiche, self.schema.sous_schema(("fiche",))))

    def type_evenement(self, e: dict) -> str:
        types = self.schema.schema.get("definitions", {}).get("evenement", {}).get("properties", {}).get("type", {})
        return libelle(types, e.get("type"))

    def details(self, e: dict) -> list[str]:
        """An event's details, one « Titre : valeur » line each (a part's title ends with « : »)."""
        noeud = self.schema.schema.get("definitions", {}).get(f"details_{e.get('type')}", {})
        return [d.strip() for d in self.lignes(e.get("details") or {}, noeud)]

    def journal(self, journal: list[dict]) -> str:
        sortie = []
        for e in journal:
            ligne = f"  {date_fr(e.get('date'))}  {self.type_evenement(e)} — par {e.get('par', '?')}"
            details = self.details(e)
            if details:
                ligne += " — " + " ; ".join(details)
            if e.get("note"):
                ligne += f" — note : {e['note']}"
            sortie.append(ligne)
        return "\n".join(sortie) or "  (vide)"


def liste_des_familles(dossiers: dict[str, dict], referentiels: Referentiels, qpv: str | None = None,
                       etablissement: str | None = None, etape: str | None = None) -> list[str]:
    """`famnum familles lister`: one line per family (id, QPV, first child's school, stage), nothing
    nominative, keeping only the families of a QPV, a school or a stage when asked."""
    lignes = []
    for identifiant, dossier in sorted(dossiers.items()):
        fiche = dossier["fiche"]
        ecole = (fiche.get("enfants") or [{}])[0].get("etablissement", "")
        if (qpv and fiche.get("qpv") != qpv) or (etablissement and ecole != etablissement) \
                or (etape and statut(dossier) != etape):
            continue
        nom_ecole = referentiels.etablissements.get(ecole, {}).get("nom", "établissement non renseigné")
        lignes.append(f"{identifiant}  {referentiels.qpv.get(fiche.get('qpv'), {}).get('nom', '?'):<32}  "
                      f"{nom_ecole:<40}  {STATUTS[statut(dossier)]}")
    return lignes
