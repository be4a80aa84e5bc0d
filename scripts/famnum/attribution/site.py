"""The public page of the grid: `<!-- famnum:grille-attribution -->` → Markdown made from
data/attribution.yaml (and its schema), the only file it reads. Never a dossier."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..referentiels import Referentiels
from ..site.marqueurs import marqueur
from ..workspace import Territoire
from .bareme import nombre
from .grille import Grille, charger_grille

VALEURS = {"aucun": "aucun abonnement", "mobile": "forfait mobile seulement", "box": "box internet", "oui": "oui",
           "partiellement": "en partie", "non": "non", "ne_sait_pas": "ne sait pas"}
ETATS_IMPRIMANTE = {"aucune": "pas d'imprimante", "non": "une imprimante qui ne marche pas",
                    "sans_encre": "une imprimante sans encre", "oui": "une imprimante qui marche"}


def euros(x) -> str:
    return f"{nombre(x)} €"


def racine_du_site(config: Mapping[str, Any]) -> Path:
    chemin = config.get("config_file_path")
    return Path(chemin).resolve().parent if chemin else Path.cwd()


def _poids(critere: dict) -> str:
    if "points_par_valeur" in critere:
        return "<br>".join(f"{VALEURS.get(v, v)} : **{nombre(p)}**" for v, p in critere["points_par_valeur"].items())
    texte = f"**{nombre(critere['points'])}**"
    return texte + (f" par enfant (au plus {critere['plafond']} enfants comptés)" if "plafond" in critere else "")


def markdown_grille(grille: Grille, noms_qpv: Mapping[str, str] = {}) -> str:
    g = grille.donnees
    regle, location = g["regle_age"], g["location"]
    modes = g["modes"]["selon_capacite"]
    lignes = ["| Ce que regarde la grille | Points | D'où vient l'information |", "| --- | --- | --- |"]
    lignes += [f"| {c['libelle']} | {_poids(c)} | {c['source']} |" for c in g["criteres"].values()]
    loyers = ["| Matériel | Loyer par mois | Payé par le PRE en location aidée |", "| --- | --- | --- |"]
    loyers += [f"| {g['materiels'][t]['libelle']} | {euros(v)} | {euros(round(v * location['taux_aide_pre'], 2))} |"
               for t, v in location["loyer_mensuel"].items()]
    phases = [f"- **{p['libelle']}** : " + ", ".join(noms_qpv.get(q, q) for q in p["qpv"]) for p in g["phases"]]
    second = regle["second_ordinateur"]
    return "\n".join([
        f"*{g['territoire']} — grille en vigueur, tirée du fichier public `data/attribution.yaml`.*",
        "",
        "## Les points",
        "",
        "Chaque ligne donne des points. On additionne les points. Plus il y a de points, plus la demande passe tôt.",
        "",
        *lignes,
        "",
        f"Les enfants comptent de {g['age_scolaire']['min']} à {g['age_scolaire']['max']} ans. "
        f"Un ordinateur est « partagé » quand il sert à plus de {g['seuils']['personnes_par_ordinateur']} personnes.",
        "",
        g["departage"],
        "",
        "## Quel matériel ?",
        "",
        f"- Tous les enfants ont moins de {regle['age_portable']} ans : un **ordinateur fixe**.",
        f"- Un enfant a {regle['age_portable']} ans ou plus : un **ordinateur portable**.",
        "- Un seul ordinateur par famille."
        + (f" Deux (un fixe et un portable) si le foyer compte au moins {second['personnes_min']} personnes, "
           "sans ordinateur, avec des petits et des grands enfants." if second["autorise"] else ""),
        "- Une **imprimante** si vous la demandez, si vous avez un ordinateur, et si chez vous il y a : "
        + " ou ".join(ETATS_IMPRIMANTE[e] for e in g["imprimante"]["si_etat"]) + ".",
        f"- Une **aide pour Internet** ({euros(g['connexion']['aide_mensuelle'])} par mois pendant {g['connexion']['duree_mois']} mois) "
        "si vous la demandez et si vous avez : " + " ou ".join(VALEURS[a] for a in g["connexion"]["si_abonnement"]) + ".",
        "",
        "## Don, prêt ou location ?",
        "",
        "Pendant l'entretien, on vous demande si vous pouvez payer une petite location chaque mois.",
        "",
        f"- Oui : **{grille.libelle_mode(modes['oui'])}**.",
        f"- En partie : **{grille.libelle_mode(modes['partiellement'])}**.",
        f"- Non : **{grille.libelle_mode(modes['non'])}**. Un ordinateur remis à neuf est **donné**.",
        "",
        f"Un prêt dure {g['durees']['pret_mois']} mois, une location {g['durees']['location_mois']} mois. On peut renouveler.",
        "",
        *loyers,
        "",
        "## Le budget et les étapes",
        "",
        f"Budget pour acheter du matériel : **{euros(g['budget']['achats'])}** (budget total de l'action : {euros(g['budget']['total'])}). "
        "On donne d'abord le matériel en stock (ordinateurs remis à neuf, dons), puis on achète, tant que le budget le permet. "
        "Quand il ne suffit plus, les demandes suivantes passent sur une liste d'attente.",
        "",
        "Le matériel est remis quartier par quartier :",
        "",
        *phases,
        "",
        "## Qui décide ?",
        "",
        g["portee"],
        "",
        "La commission d'attribution réunit :",
        "",
        *[f"- {m}" for m in g["commission"]["membres"]],
        "",
        "Vous pouvez demander comment votre demande a été examinée : vos points, critère par critère, "
        "et votre place dans le classement (article L311-3-1 du code des relations entre le public et l'administration). "
        "Demandez-le à votre référent.",
        "",
    ])


@marqueur("grille-attribution")
def grille_attribution(config: Mapping[str, Any]) -> str:
    territoire = Territoire(racine_du_site(config))
    noms = {code: ligne["nom"] for code, ligne in Referentiels.charger(territoire).qpv.items()}
    return markdown_grille(charger_grille(territoire, set(noms)), noms)
