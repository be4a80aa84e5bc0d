"""The ciphertexts already found valid under the same rules: build/cache/validation.txt.

age encrypts every write with a fresh file key, so a dossier's file changes whenever the dossier does,
and the SHA-256 of the ciphertext names one exact content. Found valid under the same schema, the
same reference tables and the same validation code, it is valid again: the verifier still decrypts it
(the leak guard needs its values) but skips the validation, which costs more than the decryption.
Time cannot make a valid dossier invalid (the only rule about today is « no date in the future »).

The file holds a context line and hashes of ciphertexts, nothing else: no id, no name, nothing that
ties a line to a family. It lives in build/ (never committed); a fresh clone, as in CI, validates all.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from . import vault
from .workspace import Territoire

ENTETE = "contexte "
_CODE = [Path(__file__).with_name(nom) for nom in ("validation.py", "schemas.py", "referentiels.py", "cache_validation.py")]


def chemin(territoire: Territoire) -> Path:
    return territoire.racine / "build" / "cache" / "validation.txt"


def empreinte(chiffre: bytes) -> str:
    return hashlib.sha256(chiffre).hexdigest()


def contexte(territoire: Territoire) -> str:
    """Everything a dossier's validity depends on besides its content: schema, reference tables, code."""
    h = hashlib.sha256()
    sources = [territoire.schema_famille, *sorted(territoire.referentiels.glob("*.csv")), *_CODE]
    for source in sources:
        h.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return h.hexdigest()


def charger(territoire: Territoire) -> tuple[str, frozenset[str]]:
    """(the current context, the hashes valid in it); nothing when the file is absent, unreadable or stale."""
    actuel = contexte(territoire)
    try:
        lignes = chemin(territoire).read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        return actuel, frozenset()
    if not lignes or lignes[0] != ENTETE + actuel:
        return actuel, frozenset()
    return actuel, frozenset(l for l in lignes[1:] if len(l) == 64)


def enregistrer(territoire: Territoire, contexte_: str, valides: set[str]) -> None:
    """Keeps exactly the hashes of this reading (files gone or changed fall out). Never fails a command."""
    try:
        vault.ecrire_atomiquement(chemin(territoire), ("\n".join([ENTETE + contexte_, *sorted(valides)]) + "\n").encode("ascii"))
    except OSError:
        pass  # a read-only checkout still verifies, only without the cache
