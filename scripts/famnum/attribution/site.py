"""The public page of the grid: `<!-- famnum:grille-attribution -->` → Markdown made from
data/attribution.yaml (and its schema), the only file it reads. Never a dossier."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..formats import nombre
from ..referentiels import Referentiels
from ..site.libelles import FRANCAIS, Libelles, N_, pour
from ..site.marqueurs import marqueur
from ..workspace import Territoire
from .grille import Grille, charger_grille

VALEURS = {"aucun": N_("aucun abonnement"), "mobile": N_("forfait mobile seulement"), "box": N_("box internet"),
           "oui": N_("oui"), "partiellement": N_("en partie"), "non": N_("non"), "ne_sait_pas": N_("ne sait pas")}
ETATS_IMPRIMANTE = {"aucune": N_("pas d'imprimante"), "non": N_("une imprimante qui ne marche pas"),
                    "sans_encre": N_("une imprimante sans encre"), "oui": N_("une imprimante qui marche")}


def _montant(x, t: Libelles = FRANCAIS) -> str:
    return t("{montant} €", montant=nombre(x))


def racine_du_site(config: Mapping[str, Any]) -> Path:
    chemin = config.get("config_file_path")
    return Path(chemin).resolve().parent if chemin else Path.cwd()


def _poids(critere: dict, t: Libelles) -> str:
    if "points_par_valeur" in critere:
        return "<br>".join(t("{valeur} : **{points}**", valeur=t.brut(VALEURS.get(v, v)), points=nombre(p))
                           for v, p in critere["points_par_valeur"].items())
    texte = f"**{nombre(critere['points'])}**"
    if "plafond" in critere:
        texte += " " + t("par enfant (au plus {plafond} enfants comptés)", plafond=critere["plafond"])
    return texte


def _materiel(grille: dict, regle: dict, t: Libelles) -> list[str]:
    """Which devices a family gets, from the grid's age and household rules."""
    second = regle["second_ordinateur"]
    return [
        "- " + t("Tous les enfants ont moins de {age} ans : un **ordinateur fixe**.", age=regle["age_portable"]),
        "- " + t("Un enfant a {age} ans ou plus : un **ordinateur portable**.", age=regle["age_portable"]),
        "- " + t("Un seul ordinateur par famille.")
        + (" " + t("Deux (un fixe et un portable) si le foyer compte au moins {personnes} personnes, sans ordinateur, "
                   "avec des petits et des grands enfants.", personnes=second["personnes_min"]) if second["autorise"] else ""),
        "- " + t("Une **imprimante** si vous la demandez, si vous avez un ordinateur, et si chez vous il y a : {etats}.",
                 etats=t(" ou ").join(t.brut(ETATS_IMPRIMANTE[e]) for e in grille["imprimante"]["si_etat"])),
        "- " + t("Une **aide pour Internet** ({montant} par mois pendant {mois} mois) si vous la demandez et si vous "
                 "avez : {abonnements}.", montant=_montant(grille["connexion"]["aide_mensuelle"], t),
                 mois=grille["connexion"]["duree_mois"],
                 abonnements=t(" ou ").join(t.brut(VALEURS[a]) for a in grille["connexion"]["si_abonnement"])),
    ]


def markdown_grille(grille: Grille, noms_qpv: Mapping[str, str] = {}, t: Libelles = FRANCAIS) -> str:
    """The grid's public page, in `t`'s language (its labels through the site's catalog)."""
    regles = grille.donnees
    regle, location = regles["regle_age"], regles["location"]
    modes = regles["modes"]["selon_capacite"]
    entetes = (t("Ce que regarde la grille"), t("Points"), t("D'où vient l'information"))
    lignes = ["| " + " | ".join(entetes) + " |", "| --- | --- | --- |"]
    lignes += [f"| {t.brut(c['libelle'])} | {_poids(c, t)} | {t.brut(c['source'])} |" for c in regles["criteres"].values()]
    loyers = [f"| {t('Matériel')} | {t('Loyer par mois')} | {t('Payé par le PRE en location aidée')} |", "| --- | --- | --- |"]
    loyers += [f"| {t.brut(regles['materiels'][ty]['libelle'])} | {_montant(v, t)} | "
               f"{_montant(round(v * location['taux_aide_pre'], 2), t)} |" for ty, v in location["loyer_mensuel"].items()]
    phases = [f"- **{t.brut(p['libelle'])}** : " + ", ".join(noms_qpv.get(q, q) for q in p["qpv"]) for p in regles["phases"]]
    mode = lambda capacite: t.brut(grille.libelle_mode(modes[capacite]))  # noqa: E731
    return "\n".join([
        "*" + t("{territoire} — grille en vigueur, tirée du fichier public `data/attribution.yaml`.",
                territoire=regles["territoire"]) + "*",
        "",
        "## " + t("Les points"),
        "",
        t("Chaque ligne donne des points. On additionne les points. Plus il y a de points, plus la demande passe tôt."),
        "",
        *lignes,
        "",
        t("Les enfants comptent de {min} à {max} ans. Un ordinateur est « partagé » quand il sert à plus de {personnes} "
          "personnes.", min=regles["age_scolaire"]["min"], max=regles["age_scolaire"]["max"],
          personnes=regles["seuils"]["personnes_par_ordinateur"]),
        "",
        t.brut(regles["departage"]),
        "",
        "## " + t("Quel matériel ?"),
        "",
        *_materiel(regles, regle, t),
        "",
        "## " + t("Don, prêt ou location ?"),
        "",
        t("Pendant l'entretien, on vous demande si vous pouvez payer une petite location chaque mois."),
        "",
        "- " + t("Oui : **{mode}**.", mode=mode("oui")),
        "- " + t("En partie : **{mode}**.", mode=mode("partiellement")),
        "- " + t("Non : **{mode}**. Un ordinateur remis à neuf est **donné**.", mode=mode("non")),
        "",
        t("Un prêt dure {pret} mois, une location {location} mois. On peut renouveler.",
          pret=regles["durees"]["pret_mois"], location=regles["durees"]["location_mois"]),
        "",
        *loyers,
        "",
        "## " + t("Le budget et les étapes"),
        "",
        t("Budget pour acheter du matériel : **{achats}** (budget total de l'action : {total}). On donne d'abord le "
          "matériel en stock (ordinateurs remis à neuf, dons), puis on achète, tant que le budget le permet. Quand il ne "
          "suffit plus, les demandes suivantes passent sur une liste d'attente.",
          achats=_montant(regles["budget"]["achats"], t), total=_montant(regles["budget"]["total"], t)),
        "",
        t("Le matériel est remis quartier par quartier :"),
        "",
        *phases,
        "",
        "## " + t("Qui décide ?"),
        "",
        t.brut(regles["portee"]),
        "",
        t("La commission d'attribution réunit :"),
        "",
        *[f"- {t.brut(m)}" for m in regles["commission"]["membres"]],
        "",
        t("Vous pouvez demander comment votre demande a été examinée : vos points, critère par critère, et votre place "
          "dans le classement (article L311-3-1 du code des relations entre le public et l'administration). "
          "Demandez-le à votre référent."),
        "",
    ])


@marqueur("grille-attribution")
def grille_attribution(config: Mapping[str, Any]) -> str:
    territoire = Territoire(racine_du_site(config))
    noms = {code: ligne["nom"] for code, ligne in Referentiels.charger(territoire).qpv.items()}
    return markdown_grille(charger_grille(territoire, set(noms)), noms, pour(config))
