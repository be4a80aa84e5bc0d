"""A site light on a phone: what the MkDocs hooks do to the built pages and files (issue 17).

Measured before: the home page's first visit fetched 1.5 MB, two thirds of it the search index
of all four languages, and 3–4 requests a page ended in 404. Here:

- ``sans_sitemap_des_langues``: the theme fetches ``sitemap.xml`` next to every
  ``<link rel="alternate" hreflang>`` of the page's head (``…/ar/tutoriels/sitemap.xml``: 404,
  and a console error under ``file://``) to map pages across languages; the language menu's
  links already name the same page in each language, so those head links are left out;
- ``base_de_langue``: the pages of ``/<langue>/`` tell the theme that their site starts there,
  so that each language loads its own search index (``<langue>/search/``);
- ``recherche_differee.js`` (``content/assets/``, before the theme's script): the search index
  is requested when the reader first opens search, not on every first visit;
- ``index_par_langue``: the search index split into one per language, each with its ``.js``
  twin for reading from ``file://`` (what the theme's ``offline`` plugin writes);
- ``precompresser``: a ``.gz`` and a ``.br`` beside each text file, for any static host (kept in
  ``build/cache/compression/`` by content hash: a build compresses only what changed).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

ALTERNATE_HEAD_RE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
CONFIG_RE = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
INDEX = "search/search_index.json"
TEXTES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".map"}
GZIP_NIVEAU = 6    # measured on the whole site: level 9 takes 3.5 times as long for 2 % less
BROTLI_QUALITE = 5  # quality 11 takes 60 times as long for 15 % less


def sans_sitemap_des_langues(html: str) -> str:
    """The page without the head's hreflang links (the language menu keeps its own links)."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    return ALTERNATE_HEAD_RE.sub("", html[:head_end]) + html[head_end:]


def base_de_langue(html: str, langue: str) -> str:
    """The theme's ``base`` of a page under ``/<langue>/``: that language's root, with a slash."""
    def remplacer(match: re.Match[str]) -> str:
        config = json.loads(match.group(2))
        base = str(config.get("base") or ".").rstrip("/")
        config["base"] = f"{base}/{langue}/"
        return match.group(1) + json.dumps(config) + match.group(3)

    return CONFIG_RE.sub(remplacer, html, count=1)


def _ecrire_index(dossier: Path, index: dict) -> None:
    texte = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    (dossier / "search").mkdir(parents=True, exist_ok=True)
    (dossier / INDEX).write_text(texte, encoding="utf-8")
    (dossier / "search" / "search_index.js").write_text(f"var __index = {texte}", encoding="utf-8")


def index_par_langue(site_dir: Path, langues: list[str], defaut: str) -> dict[str, int]:
    """Split the site's search index into one per language; return the documents of each."""
    chemin = site_dir / INDEX
    if not chemin.is_file():
        return {}
    index = json.loads(chemin.read_text(encoding="utf-8"))
    autres = [langue for langue in langues if langue != defaut]
    par_langue: dict[str, list] = {langue: [] for langue in [defaut, *autres]}
    for doc in index.get("docs", []):
        prefixe = next((langue for langue in autres if doc["location"].startswith(f"{langue}/")), None)
        if prefixe is None:
            par_langue[defaut].append(doc)
        else:
            par_langue[prefixe].append({**doc, "location": doc["location"][len(prefixe) + 1:]})
    for langue, docs in par_langue.items():
        config = {**index.get("config", {}), "lang": [langue]}
        _ecrire_index(site_dir if langue == defaut else site_dir / langue, {"config": config, "docs": docs})
    return {langue: len(docs) for langue, docs in par_langue.items()}


def _compressions(donnees: bytes) -> tuple[bytes, bytes]:
    return (gzip.compress(donnees, GZIP_NIVEAU, mtime=0),
            brotli.compress(donnees, quality=BROTLI_QUALITE))


def _depuis_le_cache(cache: Path, donnees: bytes) -> tuple[bytes, bytes]:
    """The two compressions of ``donnees``, from ``cache/<hash>/`` when a build already made them."""
    entree = cache / hashlib.sha256(donnees).hexdigest()
    try:
        faites = ((entree / "gz").read_bytes(), (entree / "br").read_bytes())
        os.utime(entree)  # used now: kept by `cache_pdf.elaguer`
        return faites
    except OSError:
        pass
    faites = _compressions(donnees)
    temporaire = cache / ".en-cours-aucun"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporaire = Path(tempfile.mkdtemp(prefix=".en-cours-", dir=cache))
        (temporaire / "gz").write_bytes(faites[0])
        (temporaire / "br").write_bytes(faites[1])
        os.replace(temporaire, entree)
    except OSError:
        shutil.rmtree(temporaire, ignore_errors=True)  # another build stored it first, or no room: only slower
    return faites


def _compresser(chemin: Path, cache: Path | None) -> None:
    donnees = chemin.read_bytes()
    gz, br = _depuis_le_cache(cache, donnees) if cache else _compressions(donnees)
    chemin.with_name(chemin.name + ".gz").write_bytes(gz)
    chemin.with_name(chemin.name + ".br").write_bytes(br)


def fichiers_texte(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*") if p.is_file() and p.suffix in TEXTES)


def precompresser(site_dir: Path, cache: Path | None = None) -> int:
    """Write ``<file>.gz`` and ``<file>.br`` beside each text file of the site; return how many.
    With a ``cache`` folder, a file compressed by an earlier build is not compressed again."""
    fichiers = fichiers_texte(site_dir)
    with ThreadPoolExecutor() as pool:  # zlib and brotli work outside the GIL
        list(pool.map(lambda chemin: _compresser(chemin, cache), fichiers))
    if cache:
        from famnum.site.cache_pdf import elaguer

        elaguer(cache)
    return len(fichiers)


def cache_par_defaut(racine: Path) -> Path:
    """Where a project keeps its compressed files: ``<racine>/build/cache/compression``."""
    return racine / "build" / "cache" / "compression"
