"""A site light on a phone: what famnum does to the built pages and files (issue 17).

Measured before: the home page's first visit fetched 1.5 MB, two thirds of it the search index
of all four languages, and 3–4 requests a page ended in 404. Here:

- ``sans_sitemap_des_langues``: the theme fetches ``sitemap.xml`` next to every
  ``<link rel="alternate" hreflang>`` of the page's head (``…/ar/tutoriels/sitemap.xml``: 404,
  and a console error under ``file://``) to map pages across languages; the language menu's
  links already name the same page in each language, so those head links are left out;
- each language is its own project (``famnum.site.generation``): its pages' base is its root, so
  that it loads its own search index (``<langue>/search/``), written by the engine;
- ``recherche_differee.js`` (``content/assets/``, before the theme's script): the search index
  is requested when the reader first opens search, not on every first visit;
- ``precompresser``: a ``.gz`` and a ``.br`` beside each text file, for any static host (kept in
  ``build/cache/compression/`` by content hash: a build compresses only what changed, and each
  content once, the theme's files being the same in every language).
"""

from __future__ import annotations

import gzip
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli

from famnum.site import caches

ALTERNATE_HEAD_RE = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
TEXTES = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".map"}
GZIP_NIVEAU = 6    # measured on the whole site: level 9 takes 3.5 times as long for 2 % less
BROTLI_QUALITE = 5  # quality 11 takes 60 times as long for 15 % less


def sans_sitemap_des_langues(html: str) -> str:
    """The page without the head's hreflang links (the language menu keeps its own links)."""
    head_end = html.find("</head>")
    if head_end < 0:
        return html
    return ALTERNATE_HEAD_RE.sub("", html[:head_end]) + html[head_end:]


def _compressions(donnees: bytes) -> tuple[bytes, bytes]:
    return (gzip.compress(donnees, GZIP_NIVEAU, mtime=0),
            brotli.compress(donnees, quality=BROTLI_QUALITE))


def _depuis_le_cache(cache: Path, donnees: bytes, empreinte: str) -> tuple[bytes, bytes]:
    """The two compressions of ``donnees``, from ``cache/<empreinte>/`` when a build already made them."""
    entree = cache / empreinte
    try:
        faites = ((entree / "gz").read_bytes(), (entree / "br").read_bytes())
        caches.utilisee(entree)
        return faites
    except OSError:
        pass
    faites = _compressions(donnees)
    caches.ranger(cache, empreinte, {"gz": faites[0], "br": faites[1]})
    return faites


def _compresser(empreinte: str, donnees: bytes, chemins: list[Path], cache: Path | None) -> None:
    """Compress one content once and write its .gz and .br beside every file that holds it."""
    gz, br = _depuis_le_cache(cache, donnees, empreinte) if cache else _compressions(donnees)
    for chemin in chemins:
        chemin.with_name(chemin.name + ".gz").write_bytes(gz)
        chemin.with_name(chemin.name + ".br").write_bytes(br)


def fichiers_texte(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*") if p.is_file() and p.suffix in TEXTES)


def _par_contenu(fichiers: list[Path]) -> dict[str, tuple[bytes, list[Path]]]:
    """The files grouped by content (SHA-256): the theme's scripts and styles are the same in
    every language."""
    contenus: dict[str, tuple[bytes, list[Path]]] = {}
    for chemin in fichiers:
        donnees = chemin.read_bytes()
        contenus.setdefault(hashlib.sha256(donnees).hexdigest(), (donnees, []))[1].append(chemin)
    return contenus


def precompresser(site_dir: Path, cache: Path | None = None) -> int:
    """Write ``<file>.gz`` and ``<file>.br`` beside each text file of the site; return how many.
    Each content is compressed once however many files hold it; with a ``cache`` folder, a content
    compressed by an earlier build is not compressed again."""
    fichiers = fichiers_texte(site_dir)
    with ThreadPoolExecutor() as pool:  # zlib and brotli work outside the GIL
        list(pool.map(lambda contenu: _compresser(*contenu, cache),
                      ((empreinte, donnees, chemins) for empreinte, (donnees, chemins) in _par_contenu(fichiers).items())))
    if cache:
        caches.elaguer(cache)
    return len(fichiers)


def cache_par_defaut(racine: Path) -> Path:
    """Where a project keeps its compressed files: ``<racine>/build/cache/compression``."""
    return racine / "build" / "cache" / "compression"
