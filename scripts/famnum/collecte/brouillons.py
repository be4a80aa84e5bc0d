"""Drafts of an interrupted interview: encrypted to the territory's recipients like a dossier.

A draft is the interview's answers (`terminal.Entretien`) as JSON, encrypted in memory and written to
build/private/brouillons/ (outside git, 0600, folders 0700): never in clear, on disk or anywhere else.
`famnum famille nouvelle --reprendre` decrypts it in memory, asks the questions left, and removes it
once the dossier is saved.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import vault
from ..erreurs import FamnumError

SUFFIXE = ".brouillon.age"


@dataclass
class Brouillon:
    chemin: Path
    contenu: dict  # {"entretien", "par", "identifiant" (a dossier being completed, or None), "date"}

    @property
    def description(self) -> str:
        """What a person needs to pick a draft, without any personal value."""
        quand = datetime.fromisoformat(self.contenu["date"]).strftime("%d/%m/%Y à %H:%M")
        if self.contenu.get("identifiant"):
            return f"complément du dossier {self.contenu['identifiant']} commencé le {quand}"
        return f"nouvelle fiche commencée le {quand}"


def dossier_des_brouillons(coffre) -> Path:
    return coffre.territoire.prive / "brouillons"


def garder(coffre, entretien: dict, par: str, identifiant: str | None = None, ancien: Path | None = None) -> Path:
    """Encrypts the answers and writes them; replaces the draft they were resumed from."""
    contenu = {"entretien": entretien, "par": par, "identifiant": identifiant,
               "date": datetime.now().isoformat(timespec="seconds")}
    clair = json.dumps(contenu, ensure_ascii=False, sort_keys=True).encode("utf-8")
    chiffre = vault.chiffrer(clair, vault.destinataires_age(coffre.destinataires))
    nom = f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(3)}{SUFFIXE}"
    chemin = ancien or dossier_des_brouillons(coffre) / nom
    vault.ecrire_prive(chemin, chiffre)
    return chemin


def lister(coffre) -> list[Brouillon]:
    """Every draft this person can read, oldest first."""
    brouillons = []
    for chemin in sorted(dossier_des_brouillons(coffre).glob("*" + SUFFIXE)):
        clair = vault.dechiffrer(chemin.read_bytes(), coffre.identites, coffre.territoire.relatif(chemin))
        try:
            brouillons.append(Brouillon(chemin, json.loads(clair)))
        except json.JSONDecodeError:
            raise FamnumError(f"{coffre.territoire.relatif(chemin)} : brouillon illisible.", code="entretien.brouillon_illisible",
                              correction=""
                              "effacez ce fichier (il est chiffré, rien ne fuit) et refaites l'entretien.") from None
    return brouillons


def effacer(brouillon_ou_chemin) -> None:
    chemin = brouillon_ou_chemin.chemin if isinstance(brouillon_ou_chemin, Brouillon) else brouillon_ou_chemin
    if chemin is not None:
        chemin.unlink(missing_ok=True)
