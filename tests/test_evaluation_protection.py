"""Protection intervals (evaluation/intervalles.py, secret.verifier) on small hand-made tables, and the
LP attacker of tests/attaque.py on the packages written from them: the monotone-series disclosure of
issue 14 is caught before publication, the secondary cells chosen against it hold, the attacker works."""
from __future__ import annotations

import json
import re
import time
from datetime import date

import pytest

from famnum.erreurs import FamnumError
from famnum.evaluation import calcul, definitions, intervalles, paquet, perte, publication, secret
from famnum.evaluation.calcul import ENSEMBLE

from attaque import borner, cellules
from fabrique import refuse

SEUIL = 11
SITUATIONS = ["equipee", "en_attente", "ajournee_ou_refusee", "en_cours"]
NIVEAUX = ["primaire", "college", "non_renseigne"]
PERIODES = calcul.periodes(date(2025, 10, 1), date(2026, 7, 15))  # 2025-T4, 2026-T1, 2026-T2


@pytest.fixture(scope="module")
def defs():
    return definitions.charger()


def _situation(periode: str, lignes: dict) -> calcul.Tableau:
    """The situation table by school level, margins added up from the inner cells."""
    t = calcul.Tableau("situation", periode, "niveau", NIVEAUX + [ENSEMBLE], SITUATIONS + [ENSEMBLE],
                       calcul.cle_population({"evenement": "recensement"}, None),
                       {"equipee": calcul.cle_population({"evenement": "livraison"}, None)})
    for g in NIVEAUX:
        for m, n in zip(SITUATIONS, lignes.get(g, [0, 0, 0, 0])):
            t.comptes[(g, m)] = n
        t.comptes[(g, ENSEMBLE)] = sum(t.comptes[(g, m)] for m in SITUATIONS)
    for m in SITUATIONS + [ENSEMBLE]:
        t.comptes[(ENSEMBLE, m)] = sum(t.comptes[(g, m)] for g in NIVEAUX)
    return t


def _annee():
    """163 primary-level families in each quarter; one family of unknown level in 2026-T1 only (its
    school filled in afterwards): the case issue 14 found in the demo's package."""
    primaire, college = [100, 20, 20, 23], [90, 20, 20, 25]
    return [_situation("2025-T4", {"primaire": primaire, "college": college}),
            _situation("2026-T1", {"primaire": primaire, "college": college, "non_renseigne": [0, 0, 1, 0]}),
            _situation("2026-T2", {"primaire": primaire, "college": college})]


def _masque_naif(tableaux) -> secret.Controle:
    """What an exact-recovery check accepts: the small cell, and the primary-level cells of its row and
    column, hidden in 2026-T1 only (no equation alone gives any of them back)."""
    t1 = next(t for t in tableaux if t.periode == "2026-T1")
    caches = {("non_renseigne", "ajournee_ou_refusee"), ("non_renseigne", ENSEMBLE),
              ("primaire", "ajournee_ou_refusee"), ("primaire", ENSEMBLE)}
    return secret.Controle(SEUIL, {secret.cle_case(t1, c) for c in caches}, 2, 2, 0)


def _resultat(tableaux) -> calcul.Resultat:
    return calcul.Resultat(PERIODES, tableaux, {"qpv": {}, "niveau": dict(calcul.NIVEAUX)},
                           {"situation": dict(calcul.SITUATIONS)}, 319)


def _ordre():
    return [p.code for p in PERIODES]


def test_le_masque_naif_resiste_aux_equations_seules():
    """The control: without the monotone series, nothing hidden is exact (the old check's view)."""
    tableaux = _annee()
    s = secret._Systeme(tableaux)
    controle = _masque_naif(tableaux)
    caches = {s.var_de_case[c] for c in controle.masques}
    assert not s.determinees(caches)


def test_la_serie_cumulee_trahit_le_masque_naif_et_publier_le_refuse():
    tableaux = _annee()
    failles = secret.verifier(tableaux, _masque_naif(tableaux), _ordre())
    trouvees = {f.case[3:] for f in failles}
    assert ("non_renseigne", "ajournee_ou_refusee") in trouvees and ("primaire", ENSEMBLE) in trouvees
    faille = next(f for f in failles if f.case[3:] == ("non_renseigne", "ajournee_ou_refusee"))
    assert faille.raison == "retrouvée exactement" and ("situation", "2026-T2") in faille.tableaux
    ev = publication.Evaluation(_resultat(tableaux), _masque_naif(tableaux), definitions.charger())
    with refuse("publication.secret_insuffisant") as erreur:
        publication.controler_protection(ev)
    message = str(erreur.value)
    assert "non_renseigne" in message and "2026-T1" in message and "163" not in message  # the cell, never a value


def test_une_protection_introuvable_est_un_refus_et_rien_n_est_publie(monkeypatch):
    """Fail closed, as a refusal with its code and what to do (it was a RuntimeError: a traceback)."""
    monkeypatch.setattr(secret._Attaque, "_secondaire", lambda self, v, caches: None)
    with refuse("secret.protection_impossible"):
        secret.controler(_annee(), SEUIL, _ordre())


def test_un_calcul_d_intervalle_qui_echoue_est_un_refus():
    """The solver ending neither optimal nor unbounded: a refusal (it was a RuntimeError: a traceback)."""
    import highspy

    class Echec:  # a solver that ends « infeasible », which the protection never asks for
        def changeObjectiveSense(self, sens): pass  # noqa: E704
        def run(self): pass  # noqa: E704
        def getModelStatus(self): return highspy.HighsModelStatus.kInfeasible  # noqa: E704
        def modelStatusToString(self, statut): return "Infeasible"  # noqa: E704

    with refuse("secret.calcul_echoue"):
        intervalles._optimum(Echec(), highspy.ObjSense.kMaximize)


def test_le_secret_choisi_contre_les_intervalles_tient():
    tableaux = _annee()
    controle = secret.controler(tableaux, SEUIL, _ordre())
    assert secret.verifier(tableaux, controle, _ordre()) == []
    t1 = next(t for t in tableaux if t.periode == "2026-T1")
    assert secret.cle_case(t1, ("non_renseigne", "ajournee_ou_refusee")) in controle.masques
    # the latest territory's total stays published (the moved total of 2025-T4 is hidden: the one
    # family would be the difference)
    assert ("situation", "2026-T2", "*", ENSEMBLE, ENSEMBLE) not in {(c[0], c[1], "*", *c[3:]) for c in controle.masques}


def test_l_attaque_lp_lit_le_masque_naif_et_pas_le_secret_choisi(defs, tmp_path):
    tableaux = _annee()
    res = _resultat(tableaux)
    vraies = _vraies_valeurs(res, defs, tmp_path / "clair")
    paquet.ecrire(tmp_path / "naif", paquet.fichiers(res, defs, _masque_naif(tableaux), "x"))
    mauvaises = borner(tmp_path / "naif", defs).sous_protegees(vraies, SEUIL)
    assert any(bas == haut == 1 for bas, haut in mauvaises.values()), mauvaises  # the one family, exactly
    paquet.ecrire(tmp_path / "protege", paquet.fichiers(res, defs, secret.controler(tableaux, SEUIL, _ordre()), "x"))
    bornes = borner(tmp_path / "protege", defs)
    assert bornes.intervalles and not bornes.sous_protegees(vraies, SEUIL)


def _vraies_valeurs(res, defs, dossier) -> dict:
    """Every unknown's true value, read as the attacker names it from a package with nothing hidden."""
    paquet.ecrire(dossier, paquet.fichiers(res, defs, secret.Controle(SEUIL, set(), 0, 0, 0), "x"))
    return {c.ident: c.valeur for c in cellules(dossier, defs)}


@pytest.mark.parametrize("bas, haut, valeur, attendu", [
    (3, 3, 3, "retrouvée exactement"), (5, 7, 6, "largeur 2"), (0, 2, 1, None), (8, 12, 9, None), (8, 11, 9, None),
    (40, 42, 41, "largeur 2"), (40, 44, 41, None), (3, 3, 0, None)])
def test_la_regle_des_intervalles(bas, haut, valeur, attendu):
    raison = intervalles.faille(intervalles.Intervalle(bas, haut), valeur, SEUIL)
    assert (raison is None) if attendu is None else attendu in raison


def test_la_perte_d_information_est_mesuree():
    tableaux = _annee()
    res = _resultat(tableaux)
    mesure = perte.mesurer(res, _masque_naif(tableaux))
    non_nulles = sum(1 for t in tableaux for c in t.cles() if t.comptes[c])
    assert mesure.non_nulles == non_nulles and mesure.publiees == non_nulles - 4
    assert mesure.resume == {"situation / equipee": True, "situation / en_attente": True}
    assert "cases non nulles publiées" in mesure.texte()


def test_une_publication_mal_ecrite_dans_indicateurs_yaml_est_refusee_en_francais(tmp_path):
    texte = definitions.chemin_definitions(None).read_text(encoding="utf-8")
    (tmp_path / "data").mkdir()
    for faux, attendu, code in (("{ventilations: [ensemble]}", "{ventilations: [ecole]}", "indicateurs.ventilation_inconnue"),
                                ("rythme: annee_scolaire}", "rythme: mensuel}", "indicateurs.rythme_inconnu")):
        (tmp_path / "data/indicateurs.yaml").write_text(texte.replace(faux, attendu, 1), encoding="utf-8")
        with pytest.raises(FamnumError, match="indicateurs.yaml, indicateur n°.*publication") as refus:
            definitions.charger(tmp_path)
        assert refus.value.code == code and refus.value.correction.startswith("choisissez")


def test_un_rythme_par_ventilation(tmp_path):
    texte = definitions.chemin_definitions(None).read_text(encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/indicateurs.yaml").write_text(texte.replace(
        "publication: {ventilations: [ensemble]}", "publication: {ventilations: {ensemble: trimestre, qpv: annee_scolaire}}", 1),
        encoding="utf-8")
    situation = definitions.charger(tmp_path)["situation"]
    assert situation.ventilations == ("ensemble", "qpv")
    assert situation.publie("ensemble", "trimestre") and situation.publie("qpv", "annee_scolaire")
    assert not situation.publie("qpv", "trimestre")


def test_un_indicateurs_yaml_sans_publication_est_publie_au_plus_sur_et_vite(tmp_path):
    """An older territory's file, without `publication`: the whole territory once a school year (the full
    crossing every quarter took minutes of linear programming), and a French warning saying what to add."""
    from annee_fictive import RACINE, annee_fictive
    from famnum.referentiels import Referentiels
    from famnum.workspace import Territoire

    texte = definitions.chemin_definitions(None).read_text(encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data/indicateurs.yaml").write_text(re.sub(r"(?m)^    publication: .*$", "", texte), encoding="utf-8")
    defs = definitions.charger(tmp_path)
    assert {(i.ventilations, i.natures) for i in defs.indicateurs} == {(("ensemble",), ("annee_scolaire",))}
    [avertissement] = defs.avertissements
    assert "data/indicateurs.yaml" in avertissement and "« publication »" in avertissement and "À faire" in avertissement
    assert "situation" in avertissement
    ref = Referentiels.charger(Territoire(RACINE))
    dossiers, seances = annee_fictive(ref)
    schema = json.loads((RACINE / "data/schemas/famille.schema.json").read_text(encoding="utf-8"))
    res = calcul.calculer({d["id"]: d for d in dossiers}, ref, schema, defs, seances, date(2026, 11, 23))
    debut = time.process_time()
    controle = secret.controler(res.tableaux, defs.seuil, [p.code for p in res.periodes])
    assert secret.verifier(res.tableaux, controle, [p.code for p in res.periodes]) == []
    assert time.process_time() - debut < 30  # 135 s of CPU with the full crossing every quarter


def test_le_modele_donne_une_publication_a_chaque_indicateur():
    assert definitions.charger().avertissements == ()


def test_une_seule_recherche_des_cases_liees():
    """intervalles.composante serves the exact check (secret._Systeme) and the LP (intervalles.Modele)."""
    relations = {0: {1, 2}, 1: {2, 3}, 2: {4, 5}}
    relations_de = {v: [k for k, membres in relations.items() if v in membres] for v in range(6)}
    assert intervalles.composante(1, relations_de, relations.__getitem__, {1, 2, 3, 4}) == ({1, 2, 3}, {0, 1})
    assert intervalles.composante(4, relations_de, relations.__getitem__, {1, 2, 3, 4}) == ({4}, {2})
    modele = intervalles.Modele(6, [intervalles.Contrainte(tuple((v, 1) for v in sorted(m)), True) for m in relations.values()])
    assert modele.composantes({1, 2, 3, 4}) == [([1, 2, 3], [0, 1]), ([4], [2])]
