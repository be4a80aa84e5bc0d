"""The site's precompressed files (issue 17): a .gz and a .br beside each text file, each made once
and kept by content hash in the build cache, so that a build compresses only what changed."""

from __future__ import annotations

import gzip

import brotli
import pytest

from famnum.site import leger


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site"
    (site / "ar").mkdir(parents=True)
    (site / "index.html").write_text("<p>Accueil</p>" * 50, encoding="utf-8")
    (site / "ar" / "index.html").write_text("<p>الصفحة الرئيسية</p>" * 50, encoding="utf-8")
    (site / "logo.png").write_bytes(b"\x89PNG")
    return site


def _compter(monkeypatch) -> list[int]:
    appels = [0]
    vraie = leger._compressions

    def compter(donnees):
        appels[0] += 1
        return vraie(donnees)

    monkeypatch.setattr(leger, "_compressions", compter)
    return appels


def test_each_text_file_gets_its_gz_and_br_and_nothing_else_does(site):
    assert leger.precompresser(site) == 2
    for page in (site / "index.html", site / "ar" / "index.html"):
        donnees = page.read_bytes()
        assert gzip.decompress(page.with_name("index.html.gz").read_bytes()) == donnees
        assert brotli.decompress(page.with_name("index.html.br").read_bytes()) == donnees
    assert not (site / "logo.png.gz").exists()


def test_a_second_build_compresses_only_the_changed_file(site, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    appels = _compter(monkeypatch)
    leger.precompresser(site, cache)
    assert appels == [2]
    (site / "index.html").write_text("<p>Accueil, autrement</p>" * 50, encoding="utf-8")
    (site / "ar" / "index.html.gz").unlink()  # a fresh build folder has no compressed file
    leger.precompresser(site, cache)
    assert appels == [3]
    assert gzip.decompress((site / "index.html.gz").read_bytes()) == (site / "index.html").read_bytes()
    assert gzip.decompress((site / "ar" / "index.html.gz").read_bytes()) == (site / "ar" / "index.html").read_bytes()


def test_a_damaged_cache_entry_is_compressed_again(site, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    leger.precompresser(site, cache)
    for entree in cache.iterdir():
        (entree / "br").unlink()
    appels = _compter(monkeypatch)
    leger.precompresser(site, cache)
    assert appels == [2]
    assert brotli.decompress((site / "index.html.br").read_bytes()) == (site / "index.html").read_bytes()


def test_the_same_content_in_several_languages_is_compressed_once(site, monkeypatch):
    script = b"function recherche() { return 1; }\n" * 40
    for langue in ("", "ar/"):
        (site / f"{langue}bundle.js").write_bytes(script)
    appels = _compter(monkeypatch)
    assert leger.precompresser(site) == 4
    assert appels == [3]  # the two pages, the script once
    for langue in ("", "ar/"):
        assert gzip.decompress((site / f"{langue}bundle.js.gz").read_bytes()) == script
        assert brotli.decompress((site / f"{langue}bundle.js.br").read_bytes()) == script
