"""A cache of the site's PDFs, so that a build remakes only the PDFs whose source changed.

WeasyPrint takes most of a full build's time (about 30 s of 45 s here) while a text change
touches one page at most. Each PDF is stored under ``build/cache/pdf/<key>/`` where the key
is a content hash of what makes it: the printable HTML document (``pdf.document``, with the
site's own address taken out so that two build folders share entries), the PDF options, the
versions of WeasyPrint and of ``pdf.py``. Beside it, ``dependances.json`` lists every file of
the built site that WeasyPrint read (stylesheets, images, fonts) with its hash: an entry is
used only when each of them is still the same. Entries unused for ``caches.GARDE_JOURS`` days are
removed at the end of a build.

The cache holds only what the public site already publishes: never a dossier.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from famnum.site import caches

VERSION = "1"  # bump when the way a PDF is made changes outside pdf.py
DEPENDANCES = "dependances.json"
FICHIER = "fichier.pdf"


def _hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_fichier(chemin: Path) -> str | None:
    try:
        return _hash_bytes(chemin.read_bytes())
    except OSError:
        return None


def dossier_par_defaut(racine: Path) -> Path:
    """The cache of a project (famnum's repository or a territory): ``FAMNUM_CACHE_PDF`` or
    ``<racine>/build/cache/pdf``."""
    return Path(os.environ.get("FAMNUM_CACHE_PDF") or racine / "build" / "cache" / "pdf")


def cle(document: str, site_uri: str, options: str) -> str:
    """The key of a PDF: its document without the build folder's address, its options, the code."""
    from importlib.metadata import version

    code = _hash_fichier(Path(__file__).with_name("pdf.py")) or ""
    empreinte = "\0".join((VERSION, version("weasyprint"), code, options,
                           document.replace(site_uri, "famnum-site:/")))
    return _hash_bytes(empreinte.encode("utf-8"))


def dependances(site_dir: Path, urls: list[str]) -> dict[str, str]:
    """The site files WeasyPrint read (``file:`` URLs under ``site_dir``), with their hashes."""
    from urllib.parse import unquote, urlsplit

    racine = site_dir.resolve()
    lues: dict[str, str] = {}
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme != "file":
            continue
        chemin = Path(unquote(parts.path)).resolve()
        if chemin.is_relative_to(racine):
            lues[chemin.relative_to(racine).as_posix()] = _hash_fichier(chemin) or ""
    return lues


def reprendre(cache: Path, cle_pdf: str, site_dir: Path, cible: Path) -> bool:
    """Copy the cached PDF to ``cible`` when the entry exists and every file it read is unchanged."""
    entree = cache / cle_pdf
    try:
        lues = json.loads((entree / DEPENDANCES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not (entree / FICHIER).is_file():
        return False
    for relatif, empreinte in lues.items():
        if _hash_fichier(site_dir / relatif) != empreinte:
            return False
    cible.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(entree / FICHIER, cible)
    caches.utilisee(entree)
    return True


def ranger(cache: Path, cle_pdf: str, pdf: Path, lues: dict[str, str]) -> None:
    """Store a PDF just made with the files it read, whole or not at all."""
    try:
        contenu = pdf.read_bytes()
    except OSError:
        return
    caches.ranger(cache, cle_pdf, {FICHIER: contenu,
                                    DEPENDANCES: json.dumps(lues, sort_keys=True).encode("utf-8")})
