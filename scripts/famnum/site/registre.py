"""The *registre des traitements* (RGPD art. 30) page, generated from the public files of the territory:
the categories of data come from the dossier schema (its French titles and `x-personnel` marks), the
retention periods from data/conservation.yaml. It reads no dossier."""
from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..schemas import noeuds
from .libelles import FRANCAIS, Libelles, N_, pour
from .marqueurs import marqueur

NATURES = {
    "identifiant": N_("identifiant du dossier (tiré au hasard)"),
    "prenom": N_("prénoms"), "nom": N_("noms"), "date_naissance": N_("dates de naissance des enfants"),
    "telephone": N_("numéros de téléphone"), "courriel": N_("adresses e-mail"), "adresse": N_("adresse du domicile"),
}
FINALITES = [
    N_("recenser les familles des quartiers prioritaires qui manquent d'équipement numérique (listes des écoles, "
       "des collèges et de l'équipe PRE) ;"),
    N_("étudier chaque demande (fiche de diagnostic), la présenter à la commission d'attribution et lui notifier la décision ;"),
    N_("remettre, prêter ou louer le matériel, et suivre les prêts ;"),
    N_("proposer des formations et des ateliers aux parents ;"),
    N_("évaluer l'effet du programme (indicateurs publiés sans aucune donnée personnelle, jamais sur moins de 11 foyers)."),
]


def _racine(config: Mapping[str, Any]) -> Path:
    return Path(str(config.get("config_file_path") or "mkdocs.yml")).resolve().parent


def _categories(schema: dict, t: Libelles) -> list[str]:
    """One line per part of the fiche, with the kinds of personal data it holds."""
    fiche = schema["properties"]["fiche"]
    lignes = []
    for cle, noeud in fiche["properties"].items():
        natures = sorted({t.brut(NATURES.get(n["x-personnel"], n["x-personnel"]))
                          for n in noeuds(noeud) if n.get("x-personnel")})
        detail = " — " + t("données d'identification : {natures}", natures=", ".join(natures)) if natures else ""
        lignes.append(f"- **{t.brut(noeud.get('title', cle))}**{detail}")
    journal = t.brut(schema["properties"]["journal"].get("title", "Journal"))
    lignes.append(f"- **{journal}** — " + t("la date et la nature de chaque étape (recensement, diagnostic, décision, "
                                             "livraison, suivi…) et la fonction de la personne qui l'a notée, jamais son nom"))
    return lignes


def _conservation(racine: Path, t: Libelles) -> list[str]:
    from ruamel.yaml import YAML

    chemin = racine / "data" / "conservation.yaml"
    if not chemin.is_file():
        return ["- " + t("*Durées à fixer dans data/conservation.yaml.*")]
    regles = (YAML(typ="safe").load(chemin.read_text(encoding="utf-8")) or {}).get("regles") or []
    return [f"- {_duree(r.get('annees'), t)} — {t.brut(r.get('pourquoi') or r.get('statut'))}" for r in regles]


def _duree(annees, t: Libelles) -> str:
    return t("{annees} ans", annees=annees) if (annees or 0) > 1 else t("{annees} an", annees=annees)


def registre_markdown(racine: Path, t: Libelles = FRANCAIS) -> str:
    """The register's Markdown, in `t`'s language."""
    schema = json.loads((racine / "data" / "schemas" / "famille.schema.json").read_text(encoding="utf-8"))
    parties = [
        "## " + t("Responsable du traitement"), "",
        t("*À compléter par le territoire : la collectivité ou le GIP qui porte le Programme de Réussite Éducative, "
          "son adresse, son délégué à la protection des données.*"), "",
        "## " + t("Finalités"), "", *[f"- {t.brut(f)}" for f in FINALITES], "",
        "## " + t("Personnes concernées"), "",
        t("Les familles des quartiers prioritaires repérées par les écoles, les collèges et l'équipe PRE : les enfants "
          "et leurs représentants légaux."), "",
        "## " + t("Catégories de données"), "",
        t("Chaque dossier suit la fiche nominative de diagnostic :"), "", *_categories(schema, t), "",
        t("Aucun mot de passe, aucun identifiant de connexion des familles n'est jamais enregistré."), "",
        "## " + t("Destinataires"), "",
        "- " + t("les référents de parcours et la coordination du PRE, qui détiennent une clé de déchiffrement ;"),
        "- " + t("la commission d'attribution, qui lit des dossiers pseudonymisés ;"),
        "- " + t("*à compléter par le territoire : partenaires qui reçoivent une information (fournisseur du matériel, "
                 "structure qui forme les parents…).*"), "",
        "## " + t("Durées de conservation"), "", *_conservation(racine, t), "",
        t("Un dossier effacé ne laisse, pour que les chiffres déjà publiés ne changent pas, qu'un reste anonyme "
          "chiffré comme les dossiers : le quartier, le niveau scolaire (école ou collège), les étapes du parcours "
          "datées au mois et les réponses codées des suivis ; ni nom, ni adresse, ni date de naissance, ni "
          "identifiant. Le registre des effacements, public, ne note que la date et le motif de chaque effacement."), "",
        "## " + t("Sécurité"), "",
        t("Chaque dossier est chiffré (age) pour les seuls détenteurs de clé ; l'historique des modifications est "
          "gardé par git ; les chiffres publiés sont anonymes."), "",
        "## " + t("Droits des familles"), "",
        t("Accès, rectification, effacement, limitation : auprès du référent de parcours. Réclamation : CNIL."),
    ]
    return "\n".join(parties)


@marqueur("registre-traitements")
def registre(config: Mapping[str, Any]) -> str:
    return registre_markdown(_racine(config), pour(config))
