"""Finding the previous release: a folder, an address, build/public/, or nothing (first release)."""
from __future__ import annotations

import functools
import http.server
import socket
import threading

import pytest

from famnum.evaluation import precedent

from fabrique import refuse

INDICATEURS = (
    "indicateur,periode,ventilation,groupe,groupe_libelle,modalite,modalite_libelle,familles,part,"
    "cout_familles_euros,aide_pre_euros,secret\n"
    "situation,2025-T4,qpv,epine,Épine,equipee,Équipée,,,,,oui\n"
    "situation,2025-T4,qpv,ensemble,Ensemble,equipee,Équipée,42,,,,non\n"
)
SEANCES = "periode,type,type_libelle,seances,participants,secret\n2025-T4,atelier,Ateliers CLAS,3,25,non\n"


@pytest.fixture
def publication(tmp_path):
    dossier = tmp_path / "donnees"
    dossier.mkdir()
    (dossier / "indicateurs.csv").write_text(INDICATEURS, encoding="utf-8")
    (dossier / "seances.csv").write_text(SEANCES, encoding="utf-8")
    return dossier


ATTENDU = {("situation", "2025-T4", "qpv", "epine", "equipee"): None,
           ("situation", "2025-T4", "qpv", "ensemble", "equipee"): 42,
           ("seances", "2025-T4", "ensemble", "ensemble", "atelier"): 25}


def test_premiere_publication(tmp_path, monkeypatch):
    monkeypatch.delenv(precedent.VARIABLE, raising=False)
    dit = []
    assert precedent.trouver(tmp_path / "public", dit.append) == {}
    assert "première publication" in dit[0]


def test_build_public_sert_de_publication_precedente(publication, monkeypatch):
    monkeypatch.delenv(precedent.VARIABLE, raising=False)
    assert precedent.trouver(publication) == ATTENDU


def test_un_dossier_donne_par_la_variable(publication, tmp_path, monkeypatch):
    monkeypatch.setenv(precedent.VARIABLE, str(publication))
    assert precedent.trouver(tmp_path / "ailleurs") == ATTENDU


def test_un_dossier_absent_arrete_la_publication(tmp_path, monkeypatch):
    monkeypatch.setenv(precedent.VARIABLE, str(tmp_path / "nulle-part"))
    with refuse("publication.precedente_introuvable"):
        precedent.trouver(tmp_path)


def test_un_fichier_abime_arrete_la_publication(publication, monkeypatch):
    (publication / "indicateurs.csv").write_text(INDICATEURS.replace(",42,", ",quarante-deux,"), encoding="utf-8")
    monkeypatch.setenv(precedent.VARIABLE, str(publication))
    with refuse("publication.precedente_illisible") as erreur:
        precedent.trouver(publication)
    assert "rien n'est publié" in erreur.value.message  # the one test of its wording


@pytest.fixture
def site_publie(publication):
    gestionnaire = functools.partial(_Silencieux, directory=str(publication.parent))
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), gestionnaire)
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{serveur.server_address[1]}"
    serveur.shutdown()


class _Silencieux(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_l_adresse_du_site_publie(site_publie, tmp_path, monkeypatch):
    monkeypatch.setenv(precedent.VARIABLE, site_publie + "/donnees/")
    assert precedent.trouver(tmp_path) == ATTENDU


def test_une_adresse_sans_publication_est_une_premiere_publication(site_publie, tmp_path, monkeypatch):
    monkeypatch.setenv(precedent.VARIABLE, site_publie + "/pas-encore/")
    assert precedent.trouver(tmp_path) == {}


def test_une_adresse_injoignable_arrete_la_publication(tmp_path, monkeypatch):
    with socket.socket() as prise:  # a port of this test's that listens to nothing: a connection is refused
        prise.bind(("127.0.0.1", 0))  # (a fixed port, 9, answered on a machine that runs a service there)
        monkeypatch.setenv(precedent.VARIABLE, f"http://127.0.0.1:{prise.getsockname()[1]}/donnees/")
        with refuse("publication.precedente_illisible"):
            precedent.trouver(tmp_path)


def test_les_configurations_de_ci_relisent_la_publication_en_ligne():
    from pathlib import Path

    racine = Path(__file__).resolve().parents[1]
    for fichier in (".github/workflows/publier.yml", ".gitlab-ci.yml"):
        texte = (racine / fichier).read_text(encoding="utf-8")
        assert precedent.VARIABLE in texte and "/evaluation/donnees/" in texte, fichier


def test_les_sommes_en_euros_de_la_publication_precedente(tmp_path, monkeypatch):
    dossier = tmp_path / "donnees"
    dossier.mkdir()
    (dossier / "indicateurs.csv").write_text(
        INDICATEURS.splitlines()[0] + "\n"
        "conventions,2025-T4,qpv,epine,Épine,location,Location,12,,1200.5,300,non\n"
        "conventions,2025-T4,qpv,bellevue,Bellevue,location,Location,15,,,,non\n"
        "situation,2025-T4,qpv,epine,Épine,equipee,Équipée,14,,,,non\n", encoding="utf-8")
    monkeypatch.delenv(precedent.VARIABLE, raising=False)
    cases = precedent.trouver(dossier)
    assert cases[("euros", "conventions", "2025-T4", "qpv", "epine", "location", "cout_familles")] == 1200.5
    assert cases[("euros", "conventions", "2025-T4", "qpv", "bellevue", "location", "aide_pre")] is None  # secret sum
    assert not any(c[0] == "euros" and c[1] == "situation" for c in cases)  # an indicator without euros


def test_une_publication_des_fiches_question_par_question_garde_ses_secrets():
    """The forms were published question by question before December 2026: a sheet's sum with one of its
    questions secret stays secret (the sum less the published questions would give it back)."""
    from famnum.evaluation.calcul import EVALUATIONS

    ancien = ("periode,fiche,question_numero,question,reponse,personnes,part,secret\n"
              "2025-2026,ent,1,Q,parfois,,,oui\n2025-2026,ent,2,Q,parfois,12,,non\n"
              "2025-2026,ent,1,Q,souvent_toujours,14,,non\n2025-2026,ent,2,Q,souvent_toujours,13,,non\n"
              "2025-2026,pronote,1,Q,souvent_toujours,20,,non\n")
    cases = precedent.cases_publiees({"indicateurs.csv": "indicateur,periode,ventilation,groupe,modalite,familles,secret\n",
                                      "evaluations_ateliers.csv": ancien})
    assert cases[(EVALUATIONS, "2025-2026", "fiche", "ent", "parfois")] is None
    assert cases[(EVALUATIONS, "2025-2026", "fiche", "ent", "souvent_toujours")] == 27
    assert cases[(EVALUATIONS, "2025-2026", "fiche", "ensemble", "souvent_toujours")] == 47
    assert cases[(EVALUATIONS, "2025-2026", "fiche", "ensemble", "parfois")] is None
