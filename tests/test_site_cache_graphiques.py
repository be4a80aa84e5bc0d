"""The cache of the evaluation charts: an unchanged chart is read back, a changed one is drawn again,
and an entry made for other figures, words or code never reaches a page."""
from __future__ import annotations

import pytest

from famnum.site import cache_graphiques, graphiques
from famnum.site.libelles import FRANCAIS


@pytest.fixture
def dessins(monkeypatch):
    """Every chart matplotlib actually draws during the test."""
    faits = []
    dessiner = graphiques._svg

    def compte(dessin):
        faits.append(dessin)
        return dessiner(dessin)

    monkeypatch.setattr(graphiques, "_svg", compte)
    return faits


def seances(valeurs, titre="Séances tenues", ident="eval-seances"):
    return graphiques.barres(titre, ["Atelier", "Permanence"], valeurs, ident, "séances", FRANCAIS)


def reponses(parts):
    return graphiques.empilees("Satisfaction", [("T0", parts)], "eval-satisfaction",
                               modalites=["Pas du tout", "Moyennement", "Tout à fait"], t=FRANCAIS)


def test_un_graphique_inchange_est_relu_tel_quel(tmp_path, dessins):
    with cache_graphiques.utiliser(tmp_path):
        premier, second = seances([12.0, None]), seances([12.0, None])
        empile, relu = reponses([20.0, 30.0, 50.0]), reponses([20.0, 30.0, 50.0])
    assert len(dessins) == 2 and len(list(tmp_path.iterdir())) == 2
    assert second == premier and relu == empile
    assert seances([12.0, None]) == premier  # the same bytes as a chart drawn without the cache


def test_un_graphique_change_est_redessine_et_l_ancien_ne_fuit_pas(tmp_path, dessins):
    with cache_graphiques.utiliser(tmp_path):
        avant = seances([12.0, 31.5])
        apres = seances([12.0, 17.5])
        renomme = seances([12.0, 17.5], titre="Séances de la saison")
        cache = reponses([20.0, None, 50.0])
        revele = reponses([20.0, 30.0, 50.0])
    assert len(dessins) == 5
    assert "31,5" in str(avant.dessin) and "31,5" not in str(apres.dessin) and "17,5" in str(apres.dessin)
    assert "saison" in str(renomme.dessin) and "saison" not in str(apres.dessin)
    assert ">30</text>" not in str(cache.dessin) and ">30</text>" in str(revele.dessin)


def test_une_autre_version_du_code_redessine(tmp_path, dessins, monkeypatch):
    with cache_graphiques.utiliser(tmp_path):
        seances([12.0, 3.0])
        monkeypatch.setattr(cache_graphiques, "VERSION", "autre")
        cache_graphiques._outils.cache_clear()
        try:
            seances([12.0, 3.0])
        finally:
            cache_graphiques._outils.cache_clear()
    assert len(dessins) == 2 and len(list(tmp_path.iterdir())) == 2


def test_chaque_page_recoit_ses_propres_identifiants(tmp_path, dessins):
    with cache_graphiques.utiliser(tmp_path):
        un, autre = seances([4.0, 5.0], ident="eval-a"), seances([4.0, 5.0], ident="eval-b")
    assert len(dessins) == 1
    assert 'id="eval-a-' in str(un.dessin) and 'id="eval-a-' not in str(autre.dessin)
    assert 'id="eval-b-' in str(autre.dessin)


def test_une_entree_abimee_ou_illisible_est_redessinee(tmp_path, dessins):
    with cache_graphiques.utiliser(tmp_path):
        bon = seances([2.0, 9.0])
        (entree,) = tmp_path.iterdir()
        fichier = entree / cache_graphiques.FICHIER
        entier = fichier.read_text(encoding="utf-8")
        fichier.write_text(entier[: len(entier) // 2], encoding="utf-8")
        coupe = seances([2.0, 9.0])
        fichier.write_bytes(b"\xff\xfe pas un svg")
        illisible = seances([2.0, 9.0])
    assert len(dessins) == 3 and coupe == bon and illisible == bon


def test_sans_cache_rien_n_est_ecrit(tmp_path, dessins, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seances([1.0, 2.0]), seances([1.0, 2.0])
    assert len(dessins) == 2 and not any(tmp_path.iterdir())


def test_la_legende_garde_la_place_que_lui_donnait_tight_layout(monkeypatch):
    """One measuring pass instead of tight_layout(rect=…)'s two, for the same drawing."""
    dessin = graphiques.Empilees("Satisfaction des familles", ("T0", "T3", "T12"),
                                 ((20.0, None, 50.0), (10.0, 30.0, 60.0), (5.0, 25.0, 70.0)),
                                 ("Pas du tout", "Moyennement", "Tout à fait"), graphiques.COULEURS_ECHELLE,
                                 "% des familles ayant répondu", 100, "secret")
    une_passe = graphiques._svg(dessin)

    def deux_passes(figure, bas=0.0):
        figure.tight_layout(rect=(0, bas, 1, 1) if bas else None)
        figure.set_layout_engine(None)

    monkeypatch.setattr(graphiques, "_ajuster", deux_passes)
    assert graphiques._svg(dessin) == une_passe
