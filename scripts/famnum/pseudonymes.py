"""Keyed pseudonyms: the same family gets the same pseudonym in every output of a territory, and
nobody without the key can link a pseudonym back to an id (HMAC-SHA256 with a secret kept
encrypted in the repo, to the same holders as the dossiers)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from . import vault
from .erreurs import FamnumError
from .workspace import Territoire


def creer_cle(territoire: Territoire, recipients) -> None:
    vault.ecrire_atomiquement(territoire.cle_pseudonymes, vault.chiffrer(secrets.token_bytes(32), recipients))


def charger_cle(territoire: Territoire, identites) -> bytes:
    chemin = territoire.cle_pseudonymes
    if not chemin.is_file():
        raise FamnumError(f"Clé des pseudonymes introuvable ({territoire.relatif(chemin)}).", code="pseudonymes.cle_introuvable",
                          correction="restaurez-la depuis git.")
    return vault.dechiffrer(chemin.read_bytes(), identites, territoire.relatif(chemin))


class Pseudonymiseur:
    def __init__(self, cle: bytes):
        self._cle = cle

    def __call__(self, identifiant: str) -> str:
        empreinte = hmac.new(self._cle, identifiant.encode(), hashlib.sha256).digest()
        return "P-" + base64.b32encode(empreinte).decode()[:7]
