"""The PDF cache: a build remakes only the PDFs whose document or files changed (issue 17)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from famnum.site import cache_pdf, caches, pdf

MENU = ["index.md", "tutoriels/index.md", "tutoriels/souris.md", "ateliers/index.md",
        "ateliers/ecrans.md", "ateliers/pronote.md"]
PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<link rel="stylesheet" href="{racine}assets/famnum.css"></head>
<body><article><h1>{titre}</h1><p>{texte}</p>{image}</article></body></html>"""
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="{}"/></svg>'


def _page(site: Path, src: str, titre: str, texte: str = "Un paragraphe.", image: str = "") -> None:
    chemin = site / src.replace(".md", ".html")
    chemin.parent.mkdir(parents=True, exist_ok=True)
    racine = "../" * src.count("/")
    chemin.write_text(PAGE.format(racine=racine, titre=titre, texte=texte, image=image), encoding="utf-8")


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "assets" / "famnum.css").write_text("@page { size: A4 } h1 { color: #223 }", encoding="utf-8")
    (site / "assets" / "souris.svg").write_text(SVG.format("#35a"), encoding="utf-8")
    _page(site, "index.md", "Accueil")
    _page(site, "tutoriels/index.md", "Les tutoriels")
    _page(site, "tutoriels/souris.md", "La souris", image='<img src="../assets/souris.svg" alt="Une souris">')
    _page(site, "ateliers/index.md", "Les ateliers")
    _page(site, "ateliers/ecrans.md", "Les écrans")
    _page(site, "ateliers/pronote.md", "Pronote")
    return site


def _construire(site: Path, cache: Path) -> dict:
    return pdf.build_all(site, MENU, workers=1, cache=cache)


TOUS = {pdf.sheet_pdf_path("ecrans"), pdf.sheet_pdf_path("pronote"), pdf.SHEETS_PACK, pdf.TUTORIALS_PACK}


def test_a_second_build_takes_every_pdf_from_the_cache_even_in_another_folder(site, tmp_path):
    cache = tmp_path / "cache"
    premier = _construire(site, cache)
    assert set(premier["fichiers"]) == TOUS and premier["repris"] == []
    autre = tmp_path / "ailleurs" / "site"
    shutil.copytree(site, autre, ignore=shutil.ignore_patterns("pdf"))
    second = _construire(autre, cache)
    assert set(second["repris"]) == TOUS
    for cible in TOUS:
        assert (autre / cible).read_bytes() == (site / cible).read_bytes(), cible


def test_a_changed_sheet_remakes_only_its_pdf_and_the_pack(site, tmp_path):
    cache = tmp_path / "cache"
    _construire(site, cache)
    _page(site, "ateliers/ecrans.md", "Les écrans", texte="Un autre paragraphe.")
    fait = _construire(site, cache)
    assert set(fait["repris"]) == {pdf.sheet_pdf_path("pronote"), pdf.TUTORIALS_PACK}
    assert b"%PDF" in (site / pdf.sheet_pdf_path("ecrans")).read_bytes()[:8]


def test_a_changed_stylesheet_or_image_is_seen(site, tmp_path):
    cache = tmp_path / "cache"
    _construire(site, cache)
    (site / "assets" / "souris.svg").write_text(SVG.format("#a53"), encoding="utf-8")
    assert set(_construire(site, cache)["repris"]) == TOUS - {pdf.TUTORIALS_PACK}
    (site / "assets" / "famnum.css").write_text("@page { size: A5 }", encoding="utf-8")
    assert _construire(site, cache)["repris"] == []


def test_a_damaged_entry_is_made_again(site, tmp_path):
    cache = tmp_path / "cache"
    _construire(site, cache)
    for entree in cache.iterdir():
        (entree / cache_pdf.FICHIER).unlink()
    fait = _construire(site, cache)
    assert fait["repris"] == [] and all((site / cible).stat().st_size > 0 for cible in TOUS)


def test_entries_unused_for_two_weeks_are_removed(site, tmp_path):
    cache = tmp_path / "cache"
    _construire(site, cache)
    vieille = next(cache.iterdir())
    ancien = time.time() - (caches.GARDE_JOURS + 1) * 86400
    os.utime(vieille, (ancien, ancien))
    assert caches.elaguer(cache) == 1 and not vieille.exists()
    assert len(list(cache.iterdir())) == len(TOUS) - 1
