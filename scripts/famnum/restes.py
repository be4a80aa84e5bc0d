"""The anonymous remainders of erased families: data/effaces/<random>.json.age.

A remainder is what the published evaluation counts of a family, nothing else (see rgpd.reste_anonyme):
its QPV, its school level, and its journal stripped to types, dates and the few coded details the
indicators read. It is encrypted to the same holders as the dossiers because, even without a name,
a QPV of fifteen families plus a level plus a dated path can point at one family. Its file name is
drawn at random: nothing links it to the erased dossier's id.
"""
from __future__ import annotations

import json
import secrets
from pathlib import Path

from . import vault
from .workspace import SUFFIXE_DOSSIER, Territoire

NOM_DOSSIER = "effaces"
PREFIXE_CLE = "reste:"  # keys handed to the evaluation beside the F-XXXXX ids, never equal to one
CHAMPS = {"version", "fiche", "journal"}
CHAMPS_FICHE = {"qpv", "niveau"}
CHAMPS_EVENEMENT = {"type", "date", "details"}


def dossier_restes(territoire: Territoire) -> Path:
    return territoire.data / NOM_DOSSIER


def chemins(territoire: Territoire) -> list[Path]:
    return sorted(dossier_restes(territoire).glob("*" + SUFFIXE_DOSSIER))


def nouveau_chemin(territoire: Territoire, pris: set[Path] = frozenset()) -> Path:
    """A fresh random name (128 bits): neither the erased id nor the order of erasures shows."""
    while True:
        chemin = dossier_restes(territoire) / f"{secrets.token_hex(16)}{SUFFIXE_DOSSIER}"
        if not chemin.exists() and chemin not in pris:
            return chemin


def chiffrer(reste: dict, destinataires: list[vault.Destinataire]) -> bytes:
    texte = json.dumps(reste, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return vault.chiffrer(texte, vault.destinataires_age(destinataires))


def relatif(chemin: Path) -> str:
    return f"data/{NOM_DOSSIER}/{chemin.name}"


def lire(chemin: Path, identites) -> dict:
    reste = vault.dechiffrer_objet(chemin.read_bytes(), identites, relatif(chemin))
    if set(reste) - CHAMPS or set(reste.get("fiche") or {}) - CHAMPS_FICHE or any(
            not isinstance(e, dict) or set(e) - CHAMPS_EVENEMENT for e in reste.get("journal") or []):
        raise vault.FichierIllisible(relatif(chemin), "pas_objet", "le contenu déchiffré n'est pas un reste anonyme "
                                     "(champs inattendus)", "restaurez le fichier depuis git ; un reste ne s'écrit "
                                     "qu'avec « famnum rgpd effacer »")
    return reste


def lire_tous(territoire: Territoire, identites) -> dict[str, dict]:
    """Every remainder, keyed for the evaluation (keys that cannot collide with a dossier id)."""
    return {PREFIXE_CLE + c.name[: -len(SUFFIXE_DOSSIER)]: lire(c, identites) for c in chemins(territoire)}
