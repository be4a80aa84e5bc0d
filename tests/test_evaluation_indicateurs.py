"""Indicators on hand-built dossiers with known answers; disclosure control attacked; the package."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from famnum.dossiers import evenement
from famnum.evaluation import calcul, definitions, paquet, secret
from famnum.evaluation.calcul import ENSEMBLE
from famnum.referentiels import Referentiels
from famnum.workspace import Territoire

from attaque import attaquer
from fabrique import FICHE

RACINE = Path(__file__).resolve().parents[1]
AUJOURD_HUI = date(2026, 11, 23)


@pytest.fixture(scope="module")
def ref():
    return Referentiels.charger(Territoire(RACINE))


@pytest.fixture(scope="module")
def schema():
    return json.loads((RACINE / "data/schemas/famille.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def defs():
    return definitions.charger()


def famille(ident, qpv, ecole, evenements):
    fiche = copy.deepcopy(FICHE)
    fiche["qpv"] = qpv
    fiche["enfants"][0]["etablissement"] = ecole
    return {"id": ident, "version": 1, "fiche": fiche,
            "journal": [evenement(t, "PRE", date.fromisoformat(j), d) for t, j, d in evenements]}


def suivi(jour, temps, **famille_):
    return ("suivi", jour, {"temps": temps, "famille": famille_})


# Four families, their stories written by hand. Known answers are counted below, by hand.
A = famille("F-AAAAA", "sablons-bords-huisne", "col-alain-fournier", [  # collège, equipped, progresses
    ("recensement", "2025-05-05", {"source": "ecole"}),
    ("decision", "2025-09-18", {"avis": "accorde", "materiels": ["ordinateur_portable", "imprimante"], "mode": "location_aidee"}),
    ("livraison", "2025-10-02", {"materiel": "LM-1", "lieu": "domicile"}),
    ("convention", "2025-10-02", {"type": "location", "debut": "2025-10-02", "loyer_mensuel": 10, "aide_mensuelle": 7}),
    suivi("2025-10-02", "T0", autonomie="rarement", internet_maison=False),
    suivi("2026-01-10", "T3", autonomie="souvent", internet_maison=True),
    ("formation", "2025-11-05", {"fiche": "educonnect-et-ent"}),
])
B = famille("F-BBBBB", "sablons-bords-huisne", "ee-gaston-bachelard", [  # primaire, waiting list, then equipped in 2026
    ("recensement", "2025-05-06", {"source": "pre"}),
    ("decision", "2025-11-20", {"avis": "accorde", "materiels": ["ordinateur_fixe"], "mode": "don"}),
    ("livraison", "2026-02-03", {"materiel": "LM-2", "lieu": "distribution"}),
    suivi("2026-02-03", "T0", autonomie="parfois", internet_maison=True),
    suivi("2026-05-10", "T3", autonomie="parfois"),
])
C = famille("F-CCCCC", "epine", "ee-gaston-bachelard", [  # refused
    ("recensement", "2025-05-07", {"source": "pre"}),
    ("decision", "2025-09-18", {"avis": "refuse"}),
    ("atelier", "2025-12-03", {"fiche": "pronote-devoirs-et-notes"}),
])
D = famille("F-DDDDD", "epine", "col-alain-fournier", [  # only counted
    ("recensement", "2025-06-02", {"source": "college"}),
])


@pytest.fixture(scope="module")
def resultat(ref, schema, defs):
    return calcul.calculer({d["id"]: d for d in (A, B, C, D)}, ref, schema, defs, [], AUJOURD_HUI)


def valeur(res, indicateur, periode, par, groupe, modalite):
    t = next(t for t in res.tableaux if (t.indicateur, t.periode, t.par) == (indicateur, periode, par))
    return t.comptes[(groupe, modalite)]


def test_periodes_terminees_seulement(resultat):
    assert [p.code for p in resultat.periodes] == ["2025-T2", "2024-2025", "2025-T3", "2025-T4", "2026-T1", "2026-T2",
                                                   "2025-2026", "2026-T3"]


def test_situation_cumulee_a_la_fin_de_chaque_periode(resultat):
    v = lambda per, g, m, par="qpv": valeur(resultat, "situation", per, par, g, m)  # noqa: E731
    assert v("2025-T3", ENSEMBLE, "en_attente") == 1 and v("2025-T3", ENSEMBLE, "ajournee_ou_refusee") == 1
    assert v("2025-T4", "sablons-bords-huisne", "equipee") == 1 and v("2025-T4", "sablons-bords-huisne", "en_attente") == 1
    assert v("2026-T1", "sablons-bords-huisne", "equipee") == 2
    assert v("2026-T3", "epine", "en_cours") == 1 and v("2026-T3", ENSEMBLE, ENSEMBLE) == 4
    assert v("2025-T2", ENSEMBLE, ENSEMBLE) == 4
    assert v("2026-T1", "college", "equipee", "niveau") == 1 and v("2026-T1", "primaire", "ajournee_ou_refusee", "niveau") == 1


def test_materiels_mode_et_montants(resultat):
    assert valeur(resultat, "ordinateur_portable", "2026-T1", "qpv", ENSEMBLE, "oui") == 1
    assert valeur(resultat, "ordinateur_portable", "2026-T1", "qpv", ENSEMBLE, ENSEMBLE) == 2
    assert valeur(resultat, "mode_attribution", "2026-T1", "qpv", ENSEMBLE, "don") == 1
    conv = next(t for t in resultat.tableaux if (t.indicateur, t.periode, t.par) == ("conventions", "2025-T4", "qpv"))
    # October, November, December 2025: three months of 10 € paid and 7 € of aid
    assert conv.montants[(ENSEMBLE, "location")] == {"cout_familles": 30.0, "aide_pre": 21.0}


def test_suivis_distribution_et_progression(resultat):
    assert valeur(resultat, "autonomie_t0", "2026-T1", "qpv", ENSEMBLE, "rarement") == 1
    assert valeur(resultat, "autonomie_t0", "2026-T1", "qpv", ENSEMBLE, "parfois") == 1
    assert valeur(resultat, "autonomie_t3", "2026-T1", "qpv", ENSEMBLE, ENSEMBLE) == 1
    assert valeur(resultat, "progression_autonomie", "2026-T2", "qpv", ENSEMBLE, "progresse") == 1
    assert valeur(resultat, "progression_autonomie", "2026-T2", "qpv", ENSEMBLE, "stable") == 1
    # internet: the last answer counts (A said no at T0, yes at T3)
    assert valeur(resultat, "internet_maison", "2025-T4", "qpv", ENSEMBLE, "non") == 1
    assert valeur(resultat, "internet_maison", "2026-T1", "qpv", ENSEMBLE, "oui") == 2


def test_formation_et_atelier(resultat):
    assert valeur(resultat, "parents_formes", "2025-T4", "qpv", "sablons-bords-huisne", "oui") == 1
    assert valeur(resultat, "ateliers_clas", "2025-T4", "qpv", "epine", "oui") == 1
    assert valeur(resultat, "ateliers_clas", "2025-T3", "qpv", "epine", "oui") == 0


def test_seuil_jamais_sous_cinq(tmp_path):
    (tmp_path / "data").mkdir()
    texte = (RACINE / "data/indicateurs.yaml").read_text(encoding="utf-8").replace("seuil: 11", "seuil: 3")
    (tmp_path / "data/indicateurs.yaml").write_text(texte, encoding="utf-8")
    from famnum.erreurs import FamnumError
    with pytest.raises(FamnumError, match="jamais sous 5"):
        definitions.charger(tmp_path)
    assert definitions.charger(tmp_path, seuil=5).seuil == 5


# --- disclosure control, attacked ----------------------------------------------------------

@pytest.fixture(scope="module")
def demo_publiee(ref, schema, defs, tmp_path_factory):
    from famnum.demo import Generateur
    from famnum.evaluation.simulation import Simulation

    dossiers = Generateur(ref).dossiers(319)
    Simulation(AUJOURD_HUI).completer(dossiers)
    res = calcul.calculer({d["id"]: d for d in dossiers}, ref, schema, defs, [], AUJOURD_HUI)
    controle = secret.controler(res.tableaux, defs.seuil, [p.code for p in res.periodes])
    dossier = tmp_path_factory.mktemp("public")
    paquet.ecrire(dossier, paquet.fichiers(res, defs, controle, "Territoire fictif"))
    return res, controle, dossier, dossiers


@pytest.fixture(scope="module")
def attaque(demo_publiee, defs):
    """What the attacker recomputes from the published demo package (one exact solve, shared)."""
    return attaquer(demo_publiee[2] / "indicateurs.csv", defs)


def test_aucune_case_publiee_sous_le_seuil(demo_publiee, defs):
    _, _, dossier, _ = demo_publiee
    import csv
    for l in csv.DictReader(open(dossier / "indicateurs.csv", encoding="utf-8")):
        assert l["secret"] == "oui" or int(l["familles"]) == 0 or int(l["familles"]) >= defs.seuil, l


def test_l_attaque_ne_retrouve_aucune_case_masquee(attaque, defs):
    retrouvees, connu, lignes = attaque
    from attaque import _identite
    masquees = {_identite(l, defs) for l in lignes if l["secret"] == "oui"}
    assert masquees and not (masquees & set(retrouvees)), sorted(masquees & set(retrouvees))[:5]


def test_l_attaque_ne_lit_aucune_petite_evolution_entre_periodes(demo_publiee, attaque, defs):
    res = demo_publiee[0]
    retrouvees, connu, lignes = attaque
    from attaque import _identite
    savoir = {**connu, **retrouvees}
    ordre = {p.code: i for i, p in enumerate(res.periodes)}
    series = {}
    for l in lignes:
        series.setdefault((l["indicateur"], l["ventilation"], l["groupe"], l["modalite"]), []).append(
            (ordre[l["periode"]], _identite(l, defs)))
    for cle, suite in series.items():
        valeurs = [savoir[i] for _, i in sorted(suite) if i in savoir]
        for i, a in enumerate(valeurs):
            for b in valeurs[i + 1:]:
                assert b == a or abs(b - a) >= defs.seuil, (cle, a, b)


def test_l_attaque_reussit_sans_secret_secondaire(demo_publiee, defs, tmp_path):
    """The attacker is real: with primary suppression only, it recomputes hidden cells."""
    res, _, _, _ = demo_publiee
    seul_primaire = secret.Controle(defs.seuil, {secret.cle_case(t, c) for t in res.tableaux for c in t.cles()
                                                 if 0 < t.comptes[c] < defs.seuil}, 0, 0, 0)
    paquet.ecrire(tmp_path, paquet.fichiers(res, defs, seul_primaire, "x"))
    retrouvees, _, lignes = attaquer(tmp_path / "indicateurs.csv", defs)
    from attaque import _identite
    assert {_identite(l, defs) for l in lignes if l["secret"] == "oui"} & set(retrouvees)


def test_le_paquet_est_valide_par_frictionless_et_sans_donnee_personnelle(demo_publiee):
    res, _, dossier, dossiers = demo_publiee
    fait = subprocess.run([sys.executable, "-m", "frictionless", "validate", "datapackage.json"], cwd=dossier,
                          capture_output=True, text=True)
    assert fait.returncode == 0, fait.stdout[-3000:]
    descripteur = json.loads((dossier / "datapackage.json").read_text(encoding="utf-8"))
    assert descripteur["licenses"][0]["name"] == "etalab-2.0" and "Secret statistique" in descripteur["famnum"]["regle_secret"]
    texte = "".join(p.read_text(encoding="utf-8") for p in dossier.iterdir())
    for d in dossiers[:50]:
        assert d["id"] not in texte
        assert d["fiche"]["enfants"][0]["nom"] not in texte
        assert d["fiche"]["enfants"][0].get("etablissement", "zzz") not in texte
    # no day finer than the period: the only dates are the periods' first and last days
    import re
    bornes = {p.debut.isoformat() for p in res.periodes} | {p.fin.isoformat() for p in res.periodes}
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", texte)) <= bornes


def test_seances_et_fiches_d_evaluation_cumulees(ref, schema, defs):
    def seance(jour, type_, identifiees, anonymes, reponses):
        return {"type": type_, "fiche": "pronote-devoirs-et-notes", "date": date.fromisoformat(jour),
                "participants": {"familles_identifiees": identifiees, "anonymes": anonymes},
                "evaluation": [{"question": "J'ai compris.", "reponses": reponses}]}
    seances = [seance("2025-10-08", "atelier", 5, 3, {"jamais": 0, "rarement": 1, "parfois": 2, "souvent": 4, "toujours": 1}),
               seance("2026-01-14", "atelier", 6, 2, {"jamais": 0, "rarement": 0, "parfois": 1, "souvent": 8, "toujours": 0}),
               seance("2026-01-21", "formation", 4, 0, {})]
    res = calcul.calculer({A["id"]: A}, ref, schema, defs, seances, AUJOURD_HUI)
    assert valeur(res, "seances", "2025-T4", ENSEMBLE, ENSEMBLE, "atelier") == 8
    t = next(t for t in res.tableaux if (t.indicateur, t.periode) == ("seances", "2026-T1"))
    assert t.comptes[(ENSEMBLE, ENSEMBLE)] == 20 and t.extra[(ENSEMBLE, ENSEMBLE)]["seances"] == 3
    ev = next(t for t in res.tableaux if (t.indicateur, t.periode) == (calcul.PREFIXE_EVALUATION + "pronote-devoirs-et-notes", "2026-T1"))
    assert ev.comptes[("q1", "souvent")] == 12 and ev.comptes[("q1", ENSEMBLE)] == 17
    controle = secret.controler(res.tableaux, defs.seuil, [p.code for p in res.periodes])
    lignes = {(l[0], l[4]): l for l in paquet.lignes_evaluations(res, controle)}
    assert lignes[("2026-T1", "souvent")][5] == 12 and lignes[("2026-T1", "parfois")][7] == "oui"
    assert lignes[("2026-T1", "ensemble")][5] == 17
