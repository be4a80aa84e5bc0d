"""The proposal in the terminal (pseudonyms only), and the préconisation events it can record."""
from __future__ import annotations

import copy

from ..dossiers import evenement
from ..formats import compte, date_fr, euros, nombre
from .commission import niveau_scolaire
from .proposition import Proposition


def texte_proposition(p: Proposition, limite: int | None = 20) -> str:
    grille = p.grille
    lignes = [f"Proposition de la grille au {date_fr(p.jour)} : {compte(len(p.candidatures), 'famille examinée', 'familles examinées')}, "
              f"{compte(len(p.retenues), 'proposée')}, {len(p.attente)} en liste d'attente, {len(p.sans_proposition)} sans matériel à proposer.",
              *[f"Attention : {a}" for a in p.avertissements], ""]
    lignes.append(f"{'Rang':>4}  {'Famille':<10} {'Points':>6}  {'Niveau':<20} Proposition")
    for c in p.retenues[:limite] if limite else p.retenues:
        materiel = ", ".join(grille.libelle_materiel(t) for t in c.materiels)
        lignes.append(f"{c.rang:>4}  {c.pseudonyme:<10} {nombre(c.score):>6}  {niveau_scolaire(c):<20} {materiel} — {grille.libelle_mode(c.mode)}")
    if limite and len(p.retenues) > limite:
        lignes.append(f"      … et {compte(len(p.retenues) - limite, 'autre')} (--tout pour tout voir).")
    if p.attente:
        lignes += ["", "Liste d'attente :"]
        lignes += [f"{c.place_attente:>4}. {c.pseudonyme} ({nombre(c.score)} points, rang {c.rang})" for c in p.attente]
    lignes += ["", "Plan d'achat par phase :"]
    for phase in grille.donnees["phases"]:
        morceaux = [f"{grille.libelle_materiel(t)} : {v['stock']} du stock, {v['achats']} à acheter ({euros(v['cout'])})"
                    for t, v in sorted(p.plan[phase["numero"]].items()) if t != "connexion_internet"]
        connexion = p.plan[phase["numero"]].get("connexion_internet")
        if connexion:
            morceaux.append(f"aide à la connexion : {compte(connexion['achats'], 'famille')} ({euros(connexion['cout'])} sur la durée)")
        lignes.append(f"  {phase['libelle']} : " + (" ; ".join(morceaux) or "rien"))
    lignes += ["", f"Budget des achats : {euros(p.budget_achats)} ; déjà engagé : {euros(p.engage_avant)} ; "
                   f"proposé : {euros(p.cout_achats)} ; reste : {euros(p.budget_restant)}.",
               "Stock restant : " + ", ".join(f"{grille.libelle_materiel(t)} {n}" for t, n in p.stock_restant.items()) + "."]
    return "\n".join(lignes)


def preconisations(p: Proposition, dossiers: dict[str, dict], par: str) -> list[dict]:
    """A copy of each ranked family's dossier with the grid's préconisation added to its journal."""
    modifies = []
    for c in p.candidatures:
        if not c.a_proposer:
            continue
        details = {"materiels": list(c.materiels) if c.retenue else list(c.besoin.materiels) + (["connexion_internet"] if c.besoin.connexion else []),
                   "score": c.score, "rang": c.rang, "seance": p.jour.isoformat()}
        mode = c.mode if c.retenue else c.besoin.mode_selon_capacite if c.besoin.materiels else ""
        if mode:
            details["mode"] = mode
        if c.retenue:
            details["reserves"] = sorted(tag for _, tag in c.attribution if tag != "achat")
            details["cout_achats"] = c.cout_achats
        else:
            details["liste_attente"] = c.place_attente
        dossier = copy.deepcopy(dossiers[c.identifiant])
        dossier["journal"].append(evenement("preconisation", par, p.jour, details))
        modifies.append(dossier)
    return modifies


def texte_parc(parc: list, grille, appareils: bool = False) -> str:
    """Devices by type and state (read in the dossiers), then, on request, each device: no family named."""
    from .stock import ETATS, TYPES

    libelles = {"disponible": "disponibles", "pret": "chez une famille", "en_preparation": "en préparation",
                "hors_service": "hors service", "reforme": "réformés"}
    un = {**libelles, "disponible": "disponible", "reforme": "réformé"}
    lignes = [f"Parc de matériel : {compte(len(parc), 'appareil')}."]
    for t in TYPES:
        du_type = [a for a in parc if a.type == t]
        if du_type:
            comptes = ", ".join(f"{sum(a.etat == e for a in du_type)} {libelles[e]}" for e in ETATS
                                if any(a.etat == e for a in du_type))
            lignes.append(f"  {grille.libelle_materiel(t)} : {comptes}")
    if appareils:
        lignes += ["", f"{'Inventaire':<12} {'Type':<28} État"]
        lignes += [f"{a.inventaire:<12} {grille.libelle_materiel(a.type):<28} {un[a.etat]}" for a in parc]
    return "\n".join(lignes)
