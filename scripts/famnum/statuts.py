"""Where a family stands, derived from its journal (never stored, so never out of date), and the
French name of each stage."""
from __future__ import annotations


def statut(dossier: dict) -> str:
    """Where a family stands, derived from its journal (never stored, so never out of date)."""
    types = [e.get("type") for e in dossier.get("journal", [])]
    decisions = [e for e in dossier.get("journal", []) if e.get("type") == "decision"]
    if "retour" in types and types[-1] == "retour":
        return "clos"
    if "livraison" in types:
        return "equipe"
    if decisions:
        return {"accorde": "accorde", "ajourne": "ajourne", "refuse": "refuse"}.get(
            decisions[-1].get("details", {}).get("avis"), "decide")
    if "preconisation" in types:
        return "preconise"
    if "diagnostic" in types:
        return "diagnostique"
    return "recense"


STATUTS = {
    "recense": "Recensée", "diagnostique": "Diagnostiquée", "preconise": "Préconisation faite",
    "decide": "Décision prise", "accorde": "Équipement accordé", "ajourne": "Décision ajournée",
    "refuse": "Demande refusée",
    "equipe": "Équipée", "clos": "Dossier clos (matériel rendu)",
}
