"""What the build's caches share (PDFs, chart drawings, compressed files): an entry is a folder
``<cache>/<key>/`` of a few files, stored whole or not at all, touched when used, removed after
``GARDE_JOURS`` days without use. A cache that cannot be written only makes a build slower."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

GARDE_JOURS = 14


def ranger(cache: Path, cle: str, fichiers: dict[str, bytes]) -> None:
    """Store the entry ``cle``: its files written in a private folder, then put in place by one rename
    (another build may read the cache meanwhile)."""
    temporaire = None
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporaire = Path(tempfile.mkdtemp(prefix=".en-cours-", dir=cache))
        for nom, contenu in fichiers.items():
            (temporaire / nom).write_bytes(contenu)
        shutil.rmtree(cache / cle, ignore_errors=True)
        os.replace(temporaire, cache / cle)
    except OSError:
        if temporaire is not None:
            shutil.rmtree(temporaire, ignore_errors=True)  # no room, or another build stored it first


def utilisee(entree: Path) -> None:
    """The entry was used now: ``elaguer`` keeps it."""
    os.utime(entree)


def elaguer(cache: Path, jours: int = GARDE_JOURS) -> int:
    """Remove the entries no build used for ``jours`` days; return how many."""
    if not cache.is_dir():
        return 0
    limite = time.time() - jours * 86400
    retirees = 0
    for entree in cache.iterdir():
        if entree.is_dir() and entree.stat().st_mtime < limite:
            shutil.rmtree(entree, ignore_errors=True)
            retirees += 1
    return retirees
