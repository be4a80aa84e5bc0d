"""The local form's list of dossiers, with a search box (name, first name, id, school, QPV, state).

The search is sent by POST (with the form's CSRF token), never in the address: a family's name
typed there stays out of the browser's history. Everything is searched in memory.
"""
from __future__ import annotations

from markupsafe import escape

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


def formulaire_de_recherche(action: str, csrf: str, recherche: str) -> str:
    return (f'<form method="post" action="{action}" role="search" class="recherche">'
            f'<input type="hidden" name="csrf_token" value="{csrf}">'
            '<label for="recherche">Rechercher un dossier</label>'
            '<p class="aide" id="recherche-aide">Nom ou prénom d\'un enfant ou d\'un parent, identifiant, '
            'établissement, quartier ou état (par exemple « Recensée »).</p>'
            f'<input type="search" id="recherche" name="recherche" value="{escape(recherche)}" '
            'aria-describedby="recherche-aide"> <button type="submit">Rechercher</button></form>')


def tableau_des_dossiers(dossiers: dict[str, dict], referentiels, jeton: str, recherche: str, csrf: str) -> str:
    """The search box, what it found (said to screen readers too), and the table of dossiers."""
    retenus = {i: d for i, d in sorted(dossiers.items()) if not recherche or correspond(d, referentiels, recherche)}
    total = len(dossiers)
    if recherche:
        compte = (f"{len(retenus)} dossier{'s' if len(retenus) > 1 else ''} sur {total} "
                  f"correspond{'ent' if len(retenus) > 1 else ''} à « {recherche} ».")
        statut_recherche = (f'<p role="status">{escape(compte)} <a href="/{jeton}/">Afficher tous les dossiers</a></p>')
    else:
        statut_recherche = f'<p role="status">{total} dossier{"s" if total > 1 else ""}.</p>'
    lignes = []
    for identifiant, d in retenus.items():
        ecole = (d["fiche"].get("enfants") or [{}])[0].get("etablissement", "")
        nom_ecole = referentiels.etablissements.get(ecole, {}).get("nom", "—")
        lignes.append(f'<tr><td data-titre="Dossier"><a href="/{jeton}/dossier/{identifiant}">{identifiant}</a></td>'
                      f'<td data-titre="Établissement">{escape(nom_ecole)}</td>'
                      f'<td data-titre="État">{escape(STATUTS[statut(d)])}</td></tr>')
    if not dossiers:
        return "<p>Aucun dossier pour l'instant.</p>"
    tableau = ('<table class="journal"><caption>Les dossiers du territoire</caption><thead><tr><th scope="col">Dossier</th>'
               "<th scope=\"col\">Établissement</th><th scope=\"col\">État</th></tr></thead><tbody>"
               + "".join(lignes) + "</tbody></table>") if lignes else ""
    return formulaire_de_recherche(f"/{jeton}/", csrf, recherche) + statut_recherche + tableau
