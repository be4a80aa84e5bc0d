"""stock.csv: the devices the PRE holds, by type and state, on a hand-built materiels.csv and dossiers with
known answers (who holds a device is read in the dossiers, never in the public file); never a device lent
to a family. And the euro amounts the disclosure control hides (montants_masques)."""
from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from datetime import date

import pytest

from famnum.attribution.parc import etat_du_parc
from famnum.attribution.stock import StockInvalide, charger_stock
from famnum.evaluation import paquet, secret
from famnum.dossiers import evenement
from famnum.workspace import Territoire

from fabrique import codes, dossier

from test_evaluation_indicateurs import demo_publiee, defs, ref, schema  # noqa: F401  (shared fixtures)

MATERIELS = """inventaire,type,source,modele,numero_serie,etat,etat_depuis
P-1,ordinateur_portable,achat,Portable A,S1,en_service,
P-2,ordinateur_portable,achat,Portable A,S2,en_service,
P-3,ordinateur_portable,donateur,"Portable B, 14 pouces",S3,en_service,
P-4,ordinateur_portable,achat,Portable A,S4,en_service,
F-1,ordinateur_fixe,dsi,Fixe,S5,en_preparation,
F-2,ordinateur_fixe,dsi,Fixe,S6,en_service,2026-01-05
F-3,ordinateur_fixe,dsi,Fixe,S7,hors_service,
I-1,imprimante,achat,Imprimante,S8,reforme,
I-2,imprimante,achat,Imprimante,S9,en_service,
I-3,imprimante,achat,Imprimante,S10,en_service,
"""


def livre(*tags: str, rendu: tuple[str, str, str] | None = None) -> dict:
    """A dossier that received these devices (and gave one back, if `rendu` = (tag, date, state))."""
    d = dossier()
    d["journal"] += [evenement("livraison", "référent", date(2025, 11, 3), {"materiel": t, "lieu": "domicile"}) for t in tags]
    if rendu:
        d["journal"].append(evenement("retour", "référent", date.fromisoformat(rendu[1]), {"materiel": rendu[0], "etat": rendu[2]}))
    return d


# The dossiers: P-4, I-2 and I-3 with families; F-2 came back to repair after it was last set in service.
DOSSIERS = [livre("P-4", "I-2"), livre("I-3"), livre("F-2", rendu=("F-2", "2026-02-10", "a_reparer"))]

# Counted by hand from MATERIELS and DOSSIERS: the 3 devices lent (pret) are nowhere.
ATTENDU = {
    ("ordinateur_portable", "disponible"): 3, ("ordinateur_portable", "en_preparation"): 0,
    ("ordinateur_portable", "hors_service"): 0, ("ordinateur_portable", "reforme"): 0, ("ordinateur_portable", "ensemble"): 3,
    ("ordinateur_fixe", "disponible"): 0, ("ordinateur_fixe", "en_preparation"): 2,
    ("ordinateur_fixe", "hors_service"): 1, ("ordinateur_fixe", "reforme"): 0, ("ordinateur_fixe", "ensemble"): 3,
    ("imprimante", "disponible"): 0, ("imprimante", "en_preparation"): 0,
    ("imprimante", "hors_service"): 0, ("imprimante", "reforme"): 1, ("imprimante", "ensemble"): 1,
    ("ensemble", "disponible"): 3, ("ensemble", "en_preparation"): 2,
    ("ensemble", "hors_service"): 1, ("ensemble", "reforme"): 1, ("ensemble", "ensemble"): 7,
}


@pytest.fixture
def stock(tmp_path):
    (tmp_path / "data" / "referentiels").mkdir(parents=True)
    (tmp_path / "data" / "referentiels" / "materiels.csv").write_text(MATERIELS, encoding="utf-8")
    return etat_du_parc(charger_stock(Territoire(tmp_path)), {d["id"]: d for d in DOSSIERS})


@pytest.fixture
def publie(demo_publiee, defs, stock, tmp_path):  # noqa: F811
    res, controle = demo_publiee[0], demo_publiee[1]
    dossier = tmp_path / "public"
    paquet.ecrire(dossier, paquet.fichiers(res, defs, controle, "Territoire fictif", stock=stock))
    return dossier


def test_le_stock_detenu_par_type_et_par_etat_est_compte_a_la_main(publie):
    lignes = list(csv.DictReader(open(publie / "stock.csv", encoding="utf-8")))
    assert {(l["type"], l["etat"]): int(l["appareils"]) for l in lignes} == ATTENDU
    assert {l["etat_libelle"] for l in lignes if l["etat"] == "disponible"} == {"Disponible (prêt à être remis)"}


def test_aucun_appareil_prete_ou_donne_n_est_publie(publie):
    texte = (publie / "stock.csv").read_text(encoding="utf-8")
    assert "pret" not in texte.split("\n", 1)[1] and ",10\n" not in texte  # 10 devices in all, 7 held
    for inventaire in ("P-1", "S1", "Portable A"):
        assert inventaire not in texte  # no asset tag, serial or model


def test_le_paquet_avec_le_stock_est_valide_par_frictionless(publie):
    fait = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"], cwd=publie,
                          capture_output=True, text=True)
    assert fait.returncode == 0, fait.stdout[-3000:]
    descripteur = json.loads((publie / "datapackage.json").read_text(encoding="utf-8"))
    ressource = next(r for r in descripteur["resources"] if r["name"] == "stock")
    assert "au jour de la publication" in ressource["description"] and "prêtés" in ressource["description"]
    assert all(c["description"] and c["title"] for c in ressource["schema"]["fields"])
    assert ressource["schema"]["primaryKey"] == ["type", "etat"]
    assert any("materiels.csv" in s["title"] for s in descripteur["sources"])


def test_sans_stock_le_paquet_garde_ses_fichiers(demo_publiee):  # noqa: F811
    dossier = demo_publiee[2]
    assert not (dossier / "stock.csv").exists()
    noms = [r["name"] for r in json.loads((dossier / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
    assert "stock" not in noms and "indicateurs" in noms


def test_un_stock_invalide_est_refuse_en_francais(tmp_path):
    (tmp_path / "data" / "referentiels").mkdir(parents=True)
    (tmp_path / "data" / "referentiels" / "materiels.csv").write_text(
        MATERIELS.replace("S10,en_service", "S10,perdu"), encoding="utf-8")
    with pytest.raises(StockInvalide) as erreur:
        charger_stock(Territoire(tmp_path))
    assert codes(erreur.value) == ["stock.invalide", "stock.valeur_non_permise"]
    assert erreur.value.rapport.problemes[0].champ == "etat"  # the column of « perdu »


def test_publier_ecrit_le_stock_du_territoire(coffre, territoire):
    from test_evaluation_publication import AU, _familles, _site_qui_recopie

    from famnum.evaluation.publication import publier

    _familles(coffre)
    publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    publies = list(csv.DictReader(open(territoire.public / "stock.csv", encoding="utf-8")))
    detenus = [a for a in etat_du_parc(charger_stock(territoire), coffre.lire_tous().dossiers) if a.etat != "pret"]
    assert int(next(l for l in publies if l["type"] == l["etat"] == "ensemble")["appareils"]) == len(detenus)
    assert (territoire.racine / "site" / "evaluation" / "donnees" / "stock.csv").is_file()


def test_un_montant_masque_n_est_pas_publie_mais_le_nombre_l_est(demo_publiee, defs, tmp_path):  # noqa: F811
    res, controle = demo_publiee[0], demo_publiee[1]
    periode = res.periodes[-1].code
    t = next(t for t in res.tableaux if (t.indicateur, t.periode, t.par) == ("conventions", periode, "ensemble"))
    case = ("ensemble", "location")
    assert t.montants.get(case) and secret.cle_case(t, case) not in controle.masques
    avec_montants_masques = copy.copy(controle)  # the shared fixture stays as it is
    avec_montants_masques.montants_masques = {secret.cle_case(t, case)}  # what the disclosure control may set
    paquet.ecrire(tmp_path, paquet.fichiers(res, defs, avec_montants_masques, "x"))
    ligne = next(l for l in csv.DictReader(open(tmp_path / "indicateurs.csv", encoding="utf-8"))
                 if (l["indicateur"], l["periode"], l["ventilation"], l["groupe"], l["modalite"])
                 == ("conventions", periode, "ensemble", "ensemble", "location"))
    assert ligne["familles"] == str(t.comptes[case]) and ligne["secret"] == "non"
    assert ligne["cout_familles_euros"] == "" and ligne["aide_pre_euros"] == ""
