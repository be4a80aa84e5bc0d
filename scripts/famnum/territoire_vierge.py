"""A new territory starts blank where the data is its own: QPV, schools, stock, budget, distribution
phases, commission, site name and contacts. The model's values are Le Mans's (the demo keeps them);
`vider` replaces them in a territory made by `famnum init`, leaving commented examples, and
`a_completer` lists what is still to fill in (printed after init, warned by `famnum verifier`)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .erreurs import Probleme
from .formats import compte

A_COMPLETER = "À compléter"
NOM_DU_MODELE = "Le Mans"  # the demo territory's name, still written in pages a territory must adapt
EXEMPLE_QPV = "bellevue-carnac,Bellevue – Carnac,"
EXEMPLE_ETABLISSEMENT = "gs-albert-camus,Groupe scolaire Albert Camus,groupe_scolaire,primaire,bellevue-carnac,8,complet"
EXEMPLE_MATERIEL = "DSI-0001,ordinateur_fixe,dsi,PC de bureau reconditionné,CZC205BF2E,en_service,"
HORS_QPV = "hors-qpv,Hors QPV,Familles suivies hors des quartiers prioritaires"


def _entete(chemin: Path) -> str:
    return chemin.read_text(encoding="utf-8").splitlines()[0] + "\n"


def vider(racine: Path) -> None:
    """Blanks the territory's own data in a freshly copied model (nothing is committed yet)."""
    referentiels = racine / "data" / "referentiels"
    for nom in ("etablissements.csv", "materiels.csv", "autres_noms.csv"):
        (referentiels / nom).write_text(_entete(referentiels / nom), encoding="utf-8")
    qpv = referentiels / "qpv.csv"
    qpv.write_text(_entete(qpv) + HORS_QPV + "\n", encoding="utf-8")
    _vider_grille(racine / "data" / "attribution.yaml")
    _vider_site(racine / "mkdocs.yml")


def _vider_grille(chemin: Path) -> None:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML(typ="rt")
    yaml.width, yaml.preserve_quotes = 110, True
    yaml.indent(mapping=2, sequence=4, offset=2)  # the model's own layout
    grille = yaml.load(chemin.read_text(encoding="utf-8"))
    grille["territoire"] = f"{A_COMPLETER} : nom de la collectivité – Programme de Réussite Éducative"
    grille["budget"]["achats"], grille["budget"]["total"] = 0, 0
    grille.yaml_set_comment_before_after_key("budget", before="À compléter : le budget voté, en euros. Exemple (Le Mans, "
                                        "2020) :\n  achats: 247847\n  total: 263347")
    for materiel in grille["materiels"].values():
        materiel["achat"] = False  # no purchase without a budget; set true with the budget
    grille.yaml_set_comment_before_after_key("materiels", before="À compléter avec le budget : « achat: true » pour un "
                                        "matériel que le PRE achète quand le stock ne suffit pas.")
    phase = CommentedMap(numero=1, libelle=f"Phase 1 – {A_COMPLETER.lower()}", qpv=CommentedSeq(["hors-qpv"]))
    grille["phases"] = CommentedSeq([phase])
    grille.yaml_set_comment_before_after_key("phases", before="À compléter : chaque QPV de data/referentiels/qpv.csv dans "
                                        "une phase. Exemple :\n  - numero: 1\n    libelle: Phase 1 – février\n"
                                        "    qpv: [bellevue-carnac, hors-qpv]")
    grille.yaml_set_comment_before_after_key("departage", before="Départage des ex aequo, dans cet ordre (jamais l'ordre "
                                        "des fichiers).")
    grille["commission"]["membres"] = CommentedSeq([f"{A_COMPLETER} : la fonction de chaque membre (jamais un nom), "
                                               "par exemple « Élus en charge de la Politique de la Ville »"])
    sortie = io.StringIO()
    yaml.dump(grille, sortie)
    chemin.write_text(sortie.getvalue(), encoding="utf-8")


def _vider_site(chemin: Path) -> None:
    texte = chemin.read_text(encoding="utf-8").replace("Le Mans Métropole", f"{A_COMPLETER} : nom du territoire")
    chemin.write_text(texte, encoding="utf-8")


# --- what is still to fill in ---------------------------------------------------------------------

def a_completer(racine: Path) -> list[Probleme]:
    """Every placeholder still in the territory's own data, each with what to type instead."""
    return (_referentiels_vides(racine) + _grille_a_completer(racine) + _site_a_completer(racine)
            + _pages_du_modele(racine))


def _lignes(chemin: Path) -> list[dict]:
    if not chemin.is_file():
        return []
    with chemin.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def referentiels_de_l_import(racine: Path) -> list[Probleme]:
    """What an import of census lists lacks to attach a family to its QPV: no quartier, no school."""
    return [p for p in _referentiels_vides(racine) if not p.fichier.endswith("materiels.csv")]


def _referentiels_vides(racine: Path) -> list[Probleme]:
    dossier = racine / "data" / "referentiels"
    problemes = []
    if not [q for q in _lignes(dossier / "qpv.csv") if q.get("code") != "hors-qpv"]:
        problemes.append(Probleme("data/referentiels/qpv.csv", "aucun quartier prioritaire", "",
                                  correction=f"une ligne par QPV du territoire (code,nom,note), par exemple : {EXEMPLE_QPV}", code="vierge.qpv_vide"))
    if not _lignes(dossier / "etablissements.csv"):
        problemes.append(Probleme("data/referentiels/etablissements.csv", "aucun établissement", "",
                                  correction="une ligne par école ou collège (code,nom,type,niveau,qpv,prevision_2020,"
                                             f"etat_recensement_2020), par exemple : {EXEMPLE_ETABLISSEMENT}", code="vierge.etablissements_vide"))
    if not _lignes(dossier / "materiels.csv"):
        problemes.append(Probleme("data/referentiels/materiels.csv", "stock vide", "",
                                  correction="une ligne par appareil que le PRE détient (inventaire,type,source,modele,"
                                             f"numero_serie,etat,etat_depuis ; etat : en_service, en_preparation, hors_service ou reforme, jamais "
                                             f"qui l'a), par exemple : {EXEMPLE_MATERIEL} ; sans aucun "
                                             "appareil, tout le matériel sera acheté sur le budget", code="vierge.stock_vide"))
    return problemes


def _grille_a_completer(racine: Path) -> list[Probleme]:
    from ruamel.yaml import YAML, YAMLError

    chemin = racine / "data" / "attribution.yaml"
    try:
        grille = YAML(typ="safe").load(chemin.read_text(encoding="utf-8")) or {}
    except (OSError, YAMLError):
        return []  # unreadable: the grid's own check says so
    fichier, problemes = "data/attribution.yaml", []
    if not (grille.get("budget") or {}).get("achats") and not (grille.get("budget") or {}).get("total"):
        problemes.append(Probleme(fichier, "budget à zéro", "Budget", "0",
                                  "écrivez le budget voté (achats et total, en euros) et « achat: true » pour le "
                                  "matériel que le PRE achète", code="vierge.budget_nul"))
    for champ, titre, valeur in (("territoire", "Territoire", grille.get("territoire")),
                                 ("phases", "Phases de distribution", grille.get("phases")),
                                 ("commission", "Commission d'attribution", grille.get("commission"))):
        if A_COMPLETER.lower() in str(valeur).lower():
            problemes.append(Probleme(fichier, "valeur d'exemple à remplacer", titre, "",
                                      f"remplacez « {A_COMPLETER} » par la valeur du territoire (« {champ} »)", code="vierge.valeur_exemple"))
    return problemes


def _site_a_completer(racine: Path) -> list[Probleme]:
    chemin = racine / "mkdocs.yml"
    if not chemin.is_file():
        return []
    lignes = [ligne.strip() for ligne in chemin.read_text(encoding="utf-8").splitlines()
              if "compléter" in ligne.lower() and not ligne.lstrip().startswith("#")]
    if not lignes:
        return []
    return [Probleme("mkdocs.yml", f"{compte(len(lignes), 'valeur', 'valeurs')} d'exemple à remplacer (nom du territoire, contacts)",
                     "extra.territoire, extra.contacts, copyright", lignes[0][:80],
                     "remplacez chaque « à compléter » par le nom, le téléphone, le courriel, le lieu et les horaires "
                     "du territoire", code="vierge.mkdocs_exemple")]


def _pages_du_modele(racine: Path) -> list[Probleme]:
    content = racine / "content"
    pages = sorted(p for p in content.rglob("*.md") if NOM_DU_MODELE in p.read_text(encoding="utf-8", errors="ignore"))
    if not pages:
        return []
    noms = ", ".join(str(p.relative_to(racine)) for p in pages[:6]) + (" …" if len(pages) > 6 else "")
    return [Probleme("content/", f"{compte(len(pages), 'page parle', 'pages parlent')} encore de « {NOM_DU_MODELE} »", "", noms,
                     "adaptez ces pages au territoire (quartiers, partenaires, exemples)", code="vierge.pages_du_modele")]
