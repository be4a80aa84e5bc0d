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
from famnum.evaluation import calcul, definitions, paquet, perte, secret
from famnum.evaluation.calcul import ENSEMBLE
from famnum.referentiels import Referentiels
from famnum.workspace import Territoire

from attaque import attaquer, borner, cellules
from fabrique import FICHE, refuse

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
    """Every indicator by QPV and by level, every period: the computation, whatever is published of it."""
    import dataclasses

    complets = dataclasses.replace(defs, indicateurs=tuple(
        dataclasses.replace(i, ventilations=definitions.VENTILATIONS, natures=definitions.NATURES, natures_par=())
        for i in defs.indicateurs))
    return calcul.calculer({d["id"]: d for d in (A, B, C, D)}, ref, schema, complets, [], AUJOURD_HUI)


def test_les_tableaux_minces_sont_publies_moins_ventiles_et_moins_souvent(ref, schema, defs):
    res = calcul.calculer({d["id"]: d for d in (A, B, C, D)}, ref, schema, defs, [], AUJOURD_HUI)
    par = {(t.indicateur, t.par, t.periode) for t in res.tableaux}
    assert ("situation", "ensemble", "2026-T1") in par and not {p for i, v, p in par if i == "situation" and v != "ensemble"}
    assert ("autonomie_t0", "ensemble", "2025-2026") in par
    assert not {p for i, v, p in par if i == "autonomie_t0" and (v != "ensemble" or "T" in p)}
    assert ("parents_formes", "ensemble", "2026-T1") in par
    assert valeur(res, "autonomie_t0", "2025-2026", "ensemble", ENSEMBLE, "jamais_rarement") == 1


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
    assert valeur(resultat, "ordinateur_portable", "2026-T1", "niveau", ENSEMBLE, "oui") == 1
    assert valeur(resultat, "ordinateur_portable", "2026-T1", "niveau", ENSEMBLE, ENSEMBLE) == 2
    assert valeur(resultat, "mode_attribution", "2026-T1", "niveau", "primaire", "don") == 1
    conv = next(t for t in resultat.tableaux if (t.indicateur, t.periode, t.par) == ("conventions", "2025-T4", "niveau"))
    # October, November, December 2025: three months of 10 € paid and 7 € of aid
    assert conv.montants[(ENSEMBLE, "location")] == {"cout_familles": 30.0, "aide_pre": 21.0}


def test_suivis_distribution_et_progression(resultat):
    # the five-point scale in three groups, by school level, once a school year
    assert valeur(resultat, "autonomie_t0", "2025-2026", "niveau", ENSEMBLE, "jamais_rarement") == 1
    assert valeur(resultat, "autonomie_t0", "2025-2026", "niveau", "primaire", "parfois") == 1
    assert valeur(resultat, "autonomie_t3", "2025-2026", "niveau", "college", "souvent_toujours") == 1
    assert valeur(resultat, "autonomie_t3", "2025-2026", "niveau", ENSEMBLE, ENSEMBLE) == 2
    assert valeur(resultat, "progression_autonomie", "2026-T2", "niveau", ENSEMBLE, "progresse") == 1
    assert valeur(resultat, "progression_autonomie", "2026-T2", "niveau", ENSEMBLE, "stable") == 1
    # internet: the last answer counts (A said no at T0, yes at T3)
    assert valeur(resultat, "internet_maison", "2025-T4", "niveau", ENSEMBLE, "non") == 1
    assert valeur(resultat, "internet_maison", "2026-T1", "niveau", ENSEMBLE, "oui") == 2


def test_formation_et_atelier(resultat):
    assert valeur(resultat, "parents_formes", "2025-T4", "qpv", "sablons-bords-huisne", "oui") == 1
    assert valeur(resultat, "ateliers_clas", "2025-T4", "qpv", "epine", "oui") == 1
    assert valeur(resultat, "ateliers_clas", "2025-T3", "qpv", "epine", "oui") == 0


def test_seuil_jamais_sous_cinq(tmp_path):
    (tmp_path / "data").mkdir()
    texte = (RACINE / "data/indicateurs.yaml").read_text(encoding="utf-8").replace("seuil: 11", "seuil: 3")
    (tmp_path / "data/indicateurs.yaml").write_text(texte, encoding="utf-8")
    with refuse("indicateurs.seuil_trop_bas"):
        definitions.charger(tmp_path)
    assert definitions.charger(tmp_path, seuil=5).seuil == 5


# --- disclosure control, attacked ----------------------------------------------------------

@pytest.fixture(scope="module")
def demo_publiee(ref, tmp_path_factory):
    """The demo's year (families, sessions and their evaluation forms), controlled and published."""
    from annee_fictive import publier_annee_fictive

    dossier = tmp_path_factory.mktemp("public")
    res, controle, dossiers, seances, _ = publier_annee_fictive(dossier, ref, AUJOURD_HUI, avec_stock=False)
    return res, controle, dossier, dossiers, seances


@pytest.fixture(scope="module")
def bornes(demo_publiee, defs):
    """What the LP attacker bounds every hidden figure of the published demo package to (shared)."""
    return borner(demo_publiee[2], defs)


@pytest.fixture(scope="module")
def vraies(demo_publiee, defs, tmp_path_factory):
    """Every figure's true value, named as the attacker names it (a package with nothing hidden)."""
    res = demo_publiee[0]
    dossier = tmp_path_factory.mktemp("clair")
    paquet.ecrire(dossier, paquet.fichiers(res, defs, secret.Controle(defs.seuil, set(), 0, 0, 0), "x"))
    return _vraies(dossier, defs)


def test_aucune_case_publiee_sous_le_seuil(demo_publiee, defs):
    _, _, dossier, _, _ = demo_publiee
    import csv
    for fichier, colonne in (("indicateurs.csv", "familles"), ("seances.csv", "participants"),
                             ("evaluations_ateliers.csv", "reponses")):
        lignes = list(csv.DictReader(open(dossier / fichier, encoding="utf-8")))
        assert lignes, fichier
        for l in lignes:
            assert l["secret"] == "oui" or int(l[colonne]) == 0 or int(l[colonne]) >= defs.seuil, (fichier, l)


def test_l_attaque_lp_ne_trouve_aucune_case_mal_protegee(bornes, vraies, defs):
    """The whole package, every period, equalities, non-negativity, monotone series: no hidden count is
    recovered, none is bounded narrower than 4 without reaching 0 or the threshold; no hidden sum of
    euros narrower than 150 € without reaching 0."""
    assert {c.table[0] for c in bornes.cellules} == {"indicateurs", "seances", "evaluations"}
    caches = [i for i in bornes.intervalles if vraies[i]]
    assert len(caches) > 20 and [i for i in caches if i[0] == "euros"]  # there is something to attack
    assert not bornes.sous_protegees(vraies, defs.seuil)


def test_l_attaque_ne_lit_aucune_petite_evolution_entre_periodes(demo_publiee, bornes, defs):
    res = demo_publiee[0]
    savoir = {c.ident: c.valeur for c in bornes.cellules if c.valeur is not None}
    savoir.update({i: bas for i, (bas, haut) in bornes.intervalles.items() if bas == haut})
    ordre = {p.code: i for i, p in enumerate(res.periodes)}
    series = {}
    for c in bornes.cellules:
        series.setdefault(c.serie, []).append((ordre[c.periode], c.ident))
    assert {s[0] for s in series} == {"indicateurs", "seances", "evaluations"}
    for cle, suite in series.items():
        valeurs = [savoir[i] for _, i in sorted(suite) if i in savoir]
        for i, a in enumerate(valeurs):
            for b in valeurs[i + 1:]:
                assert b == a or abs(b - a) >= defs.seuil, (cle, a, b)


def test_les_totaux_du_territoire_restent_publies(demo_publiee):
    """Secondary suppression costs margins dearly: the figures a funder reads first stay published."""
    res, controle, _, _, _ = demo_publiee
    for t in res.tableaux:
        derniere = max((u.periode for u in res.tableaux if u.indicateur == t.indicateur),
                       key=[p.code for p in res.periodes].index)
        if t.periode == derniere:
            total = (ENSEMBLE, ENSEMBLE)
            assert t.comptes[total] == 0 or t.comptes[total] >= 11 or secret.cle_case(t, total) in controle.masques
            if t.comptes[total] >= 11:
                assert secret.cle_case(t, total) not in controle.masques, (t.indicateur, t.par)


def test_la_perte_d_information_tient_l_objectif(demo_publiee):
    """Issue 14's goal on the demo: every figure of the summary page, and 75 % of non-zero cells, published."""
    res, controle, dossier, _, _ = demo_publiee
    mesure = perte.mesurer(res, controle)
    assert mesure.resume and mesure.resume_publie(), mesure.resume
    assert mesure.part_publiee >= perte.OBJECTIF_CASES, mesure.texte()
    descripteur = json.loads((dossier / "datapackage.json").read_text(encoding="utf-8"))
    assert descripteur["famnum"]["perte_information"] == mesure.en_donnees()
    assert descripteur["famnum"]["donnees_fictives"] is True


def test_le_paquet_est_valide_par_frictionless_et_sans_donnee_personnelle(demo_publiee):
    res, _, dossier, dossiers, _ = demo_publiee
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


def _seance(jour, type_, identifiees, anonymes, reponses, fiche="pronote-devoirs-et-notes"):
    """A session; reponses: one dict of counted answers per question of its evaluation form."""
    return {"type": type_, "fiche": fiche, "date": date.fromisoformat(jour),
            "participants": {"familles_identifiees": identifiees, "anonymes": anonymes},
            "evaluation": [{"question": f"Question {n}", "reponses": r} for n, r in enumerate(reponses, 1)]}


def test_seances_et_fiches_d_evaluation_cumulees(ref, schema, defs):
    seances = [_seance("2025-10-08", "atelier", 5, 3, [{"jamais": 0, "rarement": 1, "parfois": 2, "souvent": 4, "toujours": 1}]),
               _seance("2026-01-14", "atelier", 6, 2, [{"jamais": 0, "rarement": 0, "parfois": 1, "souvent": 8, "toujours": 0}]),
               _seance("2026-01-21", "formation", 4, 0, [])]
    res = calcul.calculer({A["id"]: A}, ref, schema, defs, seances, AUJOURD_HUI)
    assert valeur(res, "seances", "2025-T4", ENSEMBLE, ENSEMBLE, "atelier") == 8
    t = next(t for t in res.tableaux if (t.indicateur, t.periode) == ("seances", "2026-T1"))
    assert t.comptes[(ENSEMBLE, ENSEMBLE)] == 20 and t.extra[(ENSEMBLE, ENSEMBLE)]["seances"] == 3
    # evaluation forms: once a school year, the scale in three groups
    assert not [t for t in res.tableaux if t.indicateur == calcul.EVALUATIONS and t.periode == "2026-T1"]
    ev = next(t for t in res.tableaux if (t.indicateur, t.periode) == (calcul.EVALUATIONS, "2025-2026"))
    assert ev.comptes[("pronote-devoirs-et-notes", "souvent_toujours")] == 13
    assert ev.comptes[("pronote-devoirs-et-notes", ENSEMBLE)] == ev.comptes[(ENSEMBLE, ENSEMBLE)] == 17
    controle = secret.controler(res.tableaux, defs.seuil, [p.code for p in res.periodes])
    lignes = {(l[0], l[1], l[2]): l for l in paquet.lignes_evaluations(res, controle)}
    assert lignes[("2025-2026", "pronote-devoirs-et-notes", "souvent_toujours")][3] == 13
    assert lignes[("2025-2026", "pronote-devoirs-et-notes", "parfois")][5] == "oui"
    assert lignes[("2025-2026", ENSEMBLE, ENSEMBLE)][3] == 17


def test_une_fiche_d_evaluation_est_publiee_toutes_ses_questions_ensemble(ref, schema, defs):
    """Question by question, twenty forms make cells of 2 to 10 answers; a sheet's row sums its
    questions, and the row of every sheet sums the sheets: published (issue 14's measured lever)."""
    fiche_a = [{"jamais": 2, "rarement": 3, "parfois": 6, "souvent": 7, "toujours": 4}] * 3
    fiche_b = [{"jamais": 1, "rarement": 4, "parfois": 5, "souvent": 6, "toujours": 5}] * 4
    seances = [_seance("2025-10-08", "atelier", 20, 2, fiche_a),
               _seance("2025-11-05", "atelier", 18, 3, fiche_b, fiche="educonnect-et-ent")]
    res = calcul.calculer({A["id"]: A}, ref, schema, defs, seances, AUJOURD_HUI)
    ev = next(t for t in res.tableaux if (t.indicateur, t.periode) == (calcul.EVALUATIONS, "2025-2026"))
    assert ev.groupes == ["educonnect-et-ent", "pronote-devoirs-et-notes", ENSEMBLE]
    assert ev.comptes[("pronote-devoirs-et-notes", "jamais_rarement")] == 15  # 5 answers a question, 3 questions
    assert ev.comptes[("educonnect-et-ent", "parfois")] == 20 and ev.comptes[(ENSEMBLE, ENSEMBLE)] == 66 + 84
    controle = secret.controler(res.tableaux, defs.seuil, [p.code for p in res.periodes])
    assert not {c for c in controle.masques if c[0] == calcul.EVALUATIONS}  # every cell counts 11 answers or more


# --- euros ------------------------------------------------------------------------------------

def test_l_attaque_lit_les_euros_sans_leur_propre_secret(defs, tmp_path):
    """Hiding the families of a cell is not enough for its euros: the zero sums of gifts give them away
    (a hand-made table: five rentals in group a, a secret count)."""
    t = _conventions({("a", "don"): 12, ("a", "location"): 5, ("b", "don"): 15, ("b", "location"): 20},
                     {("a", "location"): 500.0, ("b", "location"): 2000.0},
                     {("a", "location"): [110.0, 100.0], ("b", "location"): [110.0, 100.0]})
    res = calcul.Resultat(calcul.periodes(date(2026, 1, 1), date(2026, 4, 15)), [t], {"qpv": {"a": "A", "b": "B"}},
                          {"conventions": {"don": "Don", "location": "Location"}}, 52)
    controle = secret.controler([t], 11, ["2026-T1"])
    assert ("conventions", "2026-T1", "qpv", "a", "location") in controle.masques
    sans = secret.Controle(11, controle.masques, 0, 0, 0, montants_masques=set())
    paquet.ecrire(tmp_path / "sans", paquet.fichiers(res, defs, sans, "x"))
    attaque = attaquer(tmp_path / "sans", defs)
    lues = {i: v for i, v in attaque.retrouvees.items() if i in attaque.masquees() and i[0] == "euros" and v}
    assert lues, "l'attaque devrait lire des sommes masquées quand les euros n'ont pas leur propre secret"
    paquet.ecrire(tmp_path / "avec", paquet.fichiers(res, defs, controle, "x"))
    attaque = attaquer(tmp_path / "avec", defs)
    assert not {i: v for i, v in attaque.retrouvees.items() if i in attaque.masquees() and i[0] == "euros" and v}


def test_regle_de_dominance():
    assert secret.domine(100.0, [60.0, 30.0])          # two payers make 90 % of the sum
    assert not secret.domine(100.0, [40.0, 40.0])      # 80 %: published
    assert not secret.domine(0.0, [])                  # nothing paid, nothing to protect


def _conventions(comptes: dict, euros: dict, plus_grands: dict, periode: str = "2026-T1") -> calcul.Tableau:
    t = calcul.Tableau("conventions", periode, "qpv", ["a", "b", ENSEMBLE], ["don", "location", ENSEMBLE], "pop")
    for cle in t.cles():
        t.comptes[cle] = comptes.get(cle, 0)
        t.montants[cle] = {"cout_familles": euros.get(cle, 0.0), "aide_pre": 0.0}
        t.dominants[cle] = {"cout_familles": plus_grands.get(cle, []), "aide_pre": []}
    for g in ("a", "b"):
        t.comptes[(g, ENSEMBLE)] = sum(t.comptes[(g, m)] for m in ("don", "location"))
        t.montants[(g, ENSEMBLE)]["cout_familles"] = euros.get((g, "location"), 0.0)
        t.dominants[(g, ENSEMBLE)]["cout_familles"] = plus_grands.get((g, "location"), [])
    for m in ("don", "location", ENSEMBLE):
        t.comptes[(ENSEMBLE, m)] = t.comptes[("a", m)] + t.comptes[("b", m)]
        t.montants[(ENSEMBLE, m)]["cout_familles"] = t.montants[("a", m)]["cout_familles"] + t.montants[("b", m)]["cout_familles"]
        t.dominants[(ENSEMBLE, m)]["cout_familles"] = calcul.plus_grands(t.dominants[("a", m)]["cout_familles"],
                                                                         t.dominants[("b", m)]["cout_familles"])
    return t


def test_une_somme_dominee_est_masquee_avec_de_quoi_la_proteger():
    """Group a: 12 rentals, one family paid 900 € of 1,000 €; every cell counts 11 families or more."""
    t = _conventions({("a", "don"): 11, ("a", "location"): 12, ("b", "don"): 15, ("b", "location"): 20},
                     {("a", "location"): 1000.0, ("b", "location"): 2000.0},
                     {("a", "location"): [900.0, 10.0], ("b", "location"): [110.0, 100.0]})
    controle = secret.controler([t], 11, ["2026-T1"])
    assert not controle.masques  # families: nothing to hide
    caches = {cle[3:] for cle in controle.montants_masques}
    # the dominated sum, and its row's total (the gifts' 0 € would give it away) and a second rental sum
    assert ("a", "location") in caches and ("a", ENSEMBLE) in caches
    assert ("b", "location") in caches or (ENSEMBLE, "location") in caches
    assert (ENSEMBLE, ENSEMBLE) not in caches  # the territory's total stays published


def test_des_sommes_sans_payeur_dominant_sont_publiees():
    t = _conventions({("a", "don"): 11, ("a", "location"): 12, ("b", "don"): 15, ("b", "location"): 20},
                     {("a", "location"): 1200.0, ("b", "location"): 2000.0},
                     {("a", "location"): [110.0, 100.0], ("b", "location"): [110.0, 100.0]})
    assert secret.controler([t], 11, ["2026-T1"]).montants_masques == set()


def test_une_somme_masquee_n_est_pas_encadree_par_les_series_cumulees(defs, tmp_path):
    """Rents of group a: 1,000 € at the end of 2025, 1,000 € in mid-2026, and in between a sum that one
    family dominates (hidden). A mask that resists the equations is read exactly by the monotone series;
    publier refuses it, and the sums chosen against the LP hold for the attacker of tests/attaque.py."""
    comptes = {("a", "don"): 11, ("a", "location"): 12, ("b", "don"): 15, ("b", "location"): 20}
    euros = {("a", "location"): 1000.0, ("b", "location"): 2000.0}
    normal = {("a", "location"): [110.0, 100.0], ("b", "location"): [110.0, 100.0]}
    tableaux = [_conventions(comptes, euros, normal, "2025-T4"),
                _conventions(comptes, euros, {**normal, ("a", "location"): [900.0, 10.0]}, "2026-T1"),
                _conventions(comptes, euros, normal, "2026-T2")]
    ordre = ["2025-T4", "2026-T1", "2026-T2"]
    naif = secret.Controle(11, set(), 0, 0, 0, montants_masques={
        ("conventions", "2026-T1", "qpv", g, m) for g in ("a", "b") for m in ("location", ENSEMBLE)})
    failles = secret.verifier(tableaux, naif, ordre)
    assert [(f.case[3:], f.raison) for f in failles if f.case[1] == "2026-T1" and f.case[3:] == ("a", "location")] == \
        [(("a", "location"), "somme en euros retrouvée exactement (cout_familles)")]
    controle = secret.controler(tableaux, 11, ordre)
    assert ("conventions", "2026-T1", "qpv", "a", "location") in controle.montants_masques
    assert secret.verifier(tableaux, controle, ordre) == []
    res = calcul.Resultat(calcul.periodes(date(2025, 10, 1), date(2026, 7, 15)), tableaux, {"qpv": {"a": "A", "b": "B"}},
                          {"conventions": {"don": "Don", "location": "Location"}}, 52)
    paquet.ecrire(tmp_path / "clair", paquet.fichiers(res, defs, secret.Controle(11, set(), 0, 0, 0), "x"))
    paquet.ecrire(tmp_path / "naif", paquet.fichiers(res, defs, naif, "x"))
    paquet.ecrire(tmp_path / "protege", paquet.fichiers(res, defs, controle, "x"))
    vraies = _vraies(tmp_path / "clair", defs)
    assert borner(tmp_path / "naif", defs).sous_protegees(vraies, 11)  # the attacker reads the naive mask
    bornes = borner(tmp_path / "protege", defs)
    assert {i for i in bornes.intervalles if i[0] == "euros"} and not bornes.sous_protegees(vraies, 11)


def _vraies(dossier, defs) -> dict:
    """Every figure's true value, families and euros, as the attacker names it (a package with nothing hidden)."""
    vraies = {}
    for c in cellules(dossier, defs):
        vraies[c.ident] = c.valeur
        vraies.update({ident: v for _, ident, v in c.montants})
    return vraies


# --- two releases ---------------------------------------------------------------------------

def _publier_de_nouveau(demo_publiee, ref, schema, defs, dossier, avec_precedent: bool):
    """The same year, one training session entered late (dated in a period already published)."""
    from famnum.evaluation import precedent

    res, _, premiere, dossiers, seances = demo_publiee
    dossiers = copy.deepcopy(dossiers)
    famille = next(d for d in dossiers if not any(e["type"] == "formation" for e in d["journal"])
                   and d["journal"][0]["date"] < "2025-10-01")
    famille["journal"].append(evenement("formation", "conseiller numérique", date(2025, 10, 15), {"fiche": "rattrapage"}))
    res2 = calcul.calculer({d["id"]: d for d in dossiers}, ref, schema, defs, seances, AUJOURD_HUI)
    deja = precedent.cases_publiees(precedent._lire_dossier(premiere)) if avec_precedent else None
    controle = secret.controler(res2.tableaux, defs.seuil, [p.code for p in res2.periodes], deja)
    paquet.ecrire(dossier, paquet.fichiers(res2, defs, controle, "Territoire fictif"))
    paquet.ecrire(dossier.parent / f"{dossier.name}-clair", paquet.fichiers(res2, defs, secret.Controle(defs.seuil, set(), 0, 0, 0), "x"))
    return dossier


def _familles(dossier) -> dict:
    import csv
    return {(l["indicateur"], l["periode"], l["ventilation"], l["groupe"], l["modalite"]): l["familles"]
            for l in csv.DictReader(open(dossier / "indicateurs.csv", encoding="utf-8"))}


def test_sans_la_publication_precedente_deux_versions_trahissent_une_famille(demo_publiee, ref, schema, defs, tmp_path):
    avant = _familles(demo_publiee[2])
    apres = _familles(_publier_de_nouveau(demo_publiee, ref, schema, defs, tmp_path, avec_precedent=False))
    ecarts = [c for c in avant if avant[c] and apres.get(c) and 0 < abs(int(apres[c]) - int(avant[c])) < defs.seuil]
    assert ecarts  # the attack between releases is real: « 60 » then « 61 »


def test_la_publication_precedente_garde_ses_secrets_et_cache_les_petits_ecarts(demo_publiee, ref, schema, defs, tmp_path):
    avant = _familles(demo_publiee[2])
    nouveau = _publier_de_nouveau(demo_publiee, ref, schema, defs, tmp_path, avec_precedent=True)
    apres = _familles(nouveau)
    for c, v in avant.items():
        if v == "":
            assert apres[c] == "", c  # secret once, secret always
        elif apres[c] != "":
            assert apres[c] == v or abs(int(apres[c]) - int(v)) >= defs.seuil, (c, v, apres[c])
    vraies = {c.ident: c.valeur for c in cellules(nouveau.parent / f"{nouveau.name}-clair", defs)}
    mauvaises = borner(nouveau, defs).sous_protegees(vraies, defs.seuil)
    assert not mauvaises, sorted(mauvaises.items())[:5]
    assert any(avant[c] != "" and apres[c] == "" for c in avant)  # the moved figures are hidden now


def test_une_somme_qui_change_d_une_publication_a_l_autre_est_masquee():
    """Same families, but one more month of rent entered late in group b: the difference would be what
    one family paid. The previous release also kept a dominated sum secret: it stays secret."""
    comptes = {("a", "don"): 11, ("a", "location"): 12, ("b", "don"): 15, ("b", "location"): 20}
    avant = _conventions(comptes, {("a", "location"): 1000.0, ("b", "location"): 2000.0},
                         {("a", "location"): [900.0, 10.0], ("b", "location"): [110.0, 100.0]})
    premiere = secret.controler([avant], 11, ["2026-T1"])
    publie = {("euros", *secret.cle_case(avant, cle), "cout_familles"):
              None if secret.cle_case(avant, cle) in premiere.montants_masques else avant.montants[cle]["cout_familles"]
              for cle in avant.cles()}
    apres = _conventions(comptes, {("a", "location"): 1000.0, ("b", "location"): 2030.0},
                         {("a", "location"): [110.0, 100.0], ("b", "location"): [140.0, 100.0]})
    seconde = secret.controler([apres], 11, ["2026-T1"], publie)
    caches = {cle[3:] for cle in seconde.montants_masques}
    assert ("b", "location") in caches          # moved by 30 €: hidden now
    assert ("a", "location") in caches          # secret once, secret always (no longer dominated)
    for cle in apres.cles():                    # nothing published twice with two different values
        ancien = publie[("euros", *secret.cle_case(apres, cle), "cout_familles")]
        if cle not in caches and ancien is not None:
            assert ancien == apres.montants[cle]["cout_familles"], cle
