"""A cache of the evaluation charts' drawings, so that a build redraws only the charts that changed.

matplotlib takes most of a generation's time (about 100 ms a chart, 24 charts a language). A chart's
SVG depends only on what it is made of (`graphiques.Barres` or `graphiques.Empilees`: titles, labels,
numbers, colours, already in the page's language), on the code that draws it (``graphiques.py``),
on matplotlib's version and on the fonts it measures the text with. The key of an entry is a hash of
all of these: a chart whose figures, words or code changed has another key and is drawn again; an
entry is never read for another chart. Each entry is ``<cache>/<key>/dessin.svg``, written whole or
not at all; entries unused for ``caches.GARDE_JOURS`` days are removed by ``caches.elaguer``.

The cache is ``FAMNUM_CACHE_GRAPHIQUES`` or ``<racine>/build/cache/graphiques``, set for one
generation by ``utiliser``; outside it (a marker rendered on its own) every chart is drawn. It holds
only what the public site publishes: never a dossier.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from collections.abc import Callable, Iterator

from famnum.site import caches

VERSION = "1"  # bump when a chart's drawing changes outside graphiques.py
FICHIER = "dessin.svg"
_DOSSIER: ContextVar[Path | None] = ContextVar("cache_graphiques", default=None)


def dossier_par_defaut(racine: Path) -> Path:
    """``FAMNUM_CACHE_GRAPHIQUES`` or ``<racine>/build/cache/graphiques``."""
    return Path(os.environ.get("FAMNUM_CACHE_GRAPHIQUES") or racine / "build" / "cache" / "graphiques")


@contextmanager
def utiliser(dossier: Path | None) -> Iterator[None]:
    """Charts drawn inside this block are read from and stored in ``dossier``."""
    jeton = _DOSSIER.set(dossier)
    try:
        yield
    finally:
        _DOSSIER.reset(jeton)


@cache
def _outils() -> str:
    """What draws every chart the same way: the chart code, matplotlib and the fonts it measures with."""
    from importlib.metadata import version

    from matplotlib import font_manager

    code = hashlib.sha256(Path(__file__).with_name("graphiques.py").read_bytes()).hexdigest()
    polices = [str(font_manager.findfont(font_manager.FontProperties(family=famille)))
               for famille in ("DejaVu Sans", "Noto Sans Arabic")]
    return json.dumps([VERSION, code, version("matplotlib"), polices])


def cle(dessin) -> str:
    """The key of a chart: its kind, every value it is drawn from, the tools that draw it."""
    contenu = json.dumps([type(dessin).__name__, dataclasses.asdict(dessin)], ensure_ascii=False)
    return hashlib.sha256(f"{_outils()}\0{contenu}".encode()).hexdigest()


def svg(dessin, dessiner: Callable[[object], str]) -> str:
    """The SVG of ``dessin``: read back when the cache has it, else drawn by ``dessiner`` and stored."""
    dossier = _DOSSIER.get()
    if dossier is None:
        return dessiner(dessin)
    entree = dossier / cle(dessin)
    lu = _lire(entree)
    if lu is not None:
        return lu
    fait = dessiner(dessin)
    caches.ranger(dossier, entree.name, {FICHIER: fait.encode("utf-8")})
    return fait


def _lire(entree: Path) -> str | None:
    try:
        texte = (entree / FICHIER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not (texte.lstrip().startswith("<?xml") and texte.rstrip().endswith("</svg>")):
        return None  # cut short (a full disk): drawn again
    caches.utilisee(entree)
    return texte
