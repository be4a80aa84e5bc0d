"""Translations record which French revision they translate; a French change makes them stale, visibly."""
from pathlib import Path

import pytest

from famnum.site import traductions

CONTENT = Path(__file__).resolve().parents[1] / "content"

# Languages whose every page is translated. A language joins this tuple when its translation is
# complete; from then on a missing page fails the suite.
LANGUES_COMPLETES: tuple[str, ...] = ("ar", "tr", "en")


def test_chaque_traduction_traduit_la_version_francaise_actuelle():
    en_retard = [f"{e.traduction.relative_to(CONTENT)} : {e.etat}" for e in traductions.etats(CONTENT)
                 if e.etat in ("périmée", "sans marque")]
    assert not en_retard, ("Page française modifiée après sa traduction (mettez la traduction à jour, puis "
                           "python -m famnum.site.traductions --marquer <traduction>) :\n" + "\n".join(en_retard))


@pytest.mark.parametrize("langue", LANGUES_COMPLETES)
def test_chaque_page_existe_dans_la_langue(langue):
    manquantes = [str(e.traduction.relative_to(CONTENT)) for e in traductions.etats(CONTENT, (langue,))
                  if e.etat == "manquante"]
    assert not manquantes, f"Pages sans traduction en {langue} : {manquantes}"


def test_une_page_francaise_modifiee_rend_sa_traduction_perimee(tmp_path):
    francaise = tmp_path / "page.md"
    traduite = tmp_path / "page.en.md"
    francaise.write_text("---\nverifie_le: 2026-12-01\n---\n# Titre\n\nUn texte.\n", encoding="utf-8")
    traduite.write_text("---\ntitle: Title\n---\n# Title\n\nA text.\n", encoding="utf-8")
    assert [e.etat for e in traductions.etats(tmp_path, ("en", "ar"))] == ["sans marque", "manquante"]

    traductions.marquer(traduite)
    assert traductions.etats(tmp_path, ("en",))[0].etat == "à jour"
    assert traduite.read_text(encoding="utf-8").count("title: Title") == 1

    # Re-checking the French facts (front matter only) keeps the translation current…
    francaise.write_text("---\nverifie_le: 2026-12-03\n---\n# Titre\n\nUn texte.\n", encoding="utf-8")
    assert traductions.etats(tmp_path, ("en",))[0].etat == "à jour"
    # …changing the French text does not.
    francaise.write_text("---\nverifie_le: 2026-12-03\n---\n# Titre\n\nUn autre texte.\n", encoding="utf-8")
    assert traductions.etats(tmp_path, ("en",))[0].etat == "périmée"
    traductions.marquer(traduite)
    assert traductions.etats(tmp_path, ("en",))[0].etat == "à jour"


def test_marquer_une_page_sans_marque_de_tete(tmp_path):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "a.tr.md").write_text("# A (tr)\n", encoding="utf-8")
    valeur = traductions.marquer(tmp_path / "a.tr.md")
    texte = (tmp_path / "a.tr.md").read_text(encoding="utf-8")
    assert texte.startswith(f"---\ntraduction_de: {valeur}\n---\n")
    assert traductions.corps(texte).strip() == "# A (tr)"
