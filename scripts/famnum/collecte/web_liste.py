"""The local form's list of dossiers, with a search box (name, first name, id, school, QPV, state).

The search is sent by POST (with the form's CSRF token), never in the address: a family's name
typed there stays out of the browser's history. Everything is searched in memory.
"""
from __future__ import annotations

from ..statuts import STATUTS, statut
from ..formats import sans_accents


def texte_cherchable(dossier: dict, referentiels) -> str:
    """What a search matches in one dossier, without accents or case."""
    fiche = dossier.get("fiche", {})
    personnes = [*(fiche.get("enfants") or []), *(fiche.get("representants_legaux") or [])]
    morceaux = [dossier.get("id", ""), STATUTS[statut(dossier)],
                referentiels.qpv.get(fiche.get("qpv"), {}).get("nom", ""),
                (fiche.get("contact_recensement") or {}).get("responsable", "")]
    morceaux += [referentiels.etablissements.get(e.get("etablissement", ""), {}).get("nom", "")
                 for e in fiche.get("enfants") or []]
    morceaux += [f"{p.get('prenom', '')} {p.get('nom', '')}" for p in personnes]
    return sans_accents(" ".join(morceaux))


def correspond(dossier: dict, referentiels, recherche: str) -> bool:
    texte = texte_cherchable(dossier, referentiels)
    return all(mot in texte for mot in sans_accents(recherche).split())


def liste_des_dossiers(dossiers: dict[str, dict], referentiels, recherche: str) -> dict:
    """What `formulaire/liste.html` shows: the rows the search keeps (id, school, state) and what it found,
    in a sentence said to screen readers too."""
    retenus = {i: d for i, d in sorted(dossiers.items()) if not recherche or correspond(d, referentiels, recherche)}
    total = len(dossiers)
    if recherche:
        compte = (f"{len(retenus)} dossier{'s' if len(retenus) > 1 else ''} sur {total} "
                  f"correspond{'ent' if len(retenus) > 1 else ''} à « {recherche} ».")
    else:
        compte = f"{total} dossier{'s' if total > 1 else ''}."
    lignes = [(identifiant, _ecole(d, referentiels), STATUTS[statut(d)]) for identifiant, d in retenus.items()]
    return {"total": total, "compte": compte, "lignes": lignes, "recherche": recherche}


def _ecole(dossier: dict, referentiels) -> str:
    """The first child's school, by its name."""
    code = (dossier["fiche"].get("enfants") or [{}])[0].get("etablissement", "")
    return referentiels.etablissements.get(code, {}).get("nom", "—")
