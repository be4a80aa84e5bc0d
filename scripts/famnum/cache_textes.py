"""The leak guard's index of the repository's texts, kept while they do not change: build/cache/textes.bin.

`famnum verifier` searches every text file of the repository (pages, tables, drawings: 2 MB in a new
territory) for the dossiers' values; indexing them costs a third of a second each time, reading the index
back a fifth of that. The index is kept under the fingerprint of everything it depends on: each text's name
and content, the reference tables (their names are public, never a leak) and the code that indexes. Any
change, and it is made again. It holds the texts' own words, as the texts do, and nothing from a dossier.
It lives in build/ (never committed); marshal reads it back (only plain containers and strings).
"""
from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from . import vault
from .fuites import Textes, noms_publics_du_territoire
from .workspace import Territoire

_CODE = [Path(__file__).with_name(nom) for nom in ("fuites.py", "cache_textes.py")]


def chemin(territoire: Territoire) -> Path:
    return territoire.racine / "build" / "cache" / "textes.bin"


def empreinte(territoire: Territoire, lus: list[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for nom, texte in lus:
        h.update(nom.encode() + b"\0" + texte.encode("utf-8", "replace") + b"\0")
    for source in (*sorted(territoire.referentiels.glob("*.csv")), *_CODE):
        h.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return h.hexdigest()


def indexer(territoire: Territoire, lus: list[tuple[str, str]]) -> Textes:
    """The texts `lus` ((name, text)) indexed, from the cache when nothing changed, else made and kept."""
    actuelle = empreinte(territoire, lus)
    try:
        gardee, etat = marshal.loads(chemin(territoire).read_bytes())
        if gardee == actuelle:
            return Textes.depuis_etat(etat)
    except (OSError, EOFError, ValueError, TypeError):
        pass  # absent, damaged or of another Python: made again
    textes = Textes(lus, noms_publics_du_territoire(territoire))
    try:
        vault.ecrire_atomiquement(chemin(territoire), marshal.dumps((actuelle, textes.etat())))
    except OSError:
        pass  # a read-only checkout still checks, only without the cache
    return textes
