"""Managing who can read the dossiers: adding, removing, re-encrypting to the new set atomically."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import depot, vault
from .dossiers import Coffre, compte
from .erreurs import FamnumError
from .pseudonymes import charger_cle
from .workspace import Territoire


def ajouter(coffre: Coffre, cle: str, role: str) -> int:
    cle = vault.valider_cle_publique(cle)
    if any(d.cle == cle for d in coffre.destinataires):
        raise FamnumError("Cette clé est déjà dans la liste des destinataires : rien à faire.")
    if not role.strip():
        raise FamnumError("Indiquez le rôle du détenteur avec --role (par exemple : --role \"coordinatrice PRE\").")
    nouveaux = coffre.destinataires + [vault.Destinataire(cle, role.strip())]
    return rechiffrer(coffre, nouveaux, "Ajout d'un détenteur de clé")


def retirer(coffre: Coffre, cle: str) -> int:
    cle = cle.strip()
    restants = [d for d in coffre.destinataires if d.cle != cle]
    if len(restants) == len(coffre.destinataires):
        raise FamnumError("Cette clé n'est pas dans la liste des destinataires. À faire : « famnum cles lister ».")
    if not restants:
        raise FamnumError("Impossible de retirer la dernière clé : plus personne ne pourrait lire les dossiers.")
    return rechiffrer(coffre, restants, "Retrait d'un détenteur de clé")


def rechiffrer(coffre: Coffre, nouveaux: list[vault.Destinataire], action: str) -> int:
    """Re-encrypts every dossier (and the pseudonym key) to `nouveaux`, in one commit.

    A complete new set is written first in a private folder inside .git (same file system), then
    each file is renamed over its old version, then the list of recipients is replaced: a crash at
    any point leaves every file readable by the old set or the new one, never a broken file.
    """
    territoire = coffre.territoire
    depot.exiger_propre(territoire.racine)
    recipients = vault.destinataires_age(nouveaux)
    cibles = coffre.chemins() + [territoire.cle_pseudonymes]
    attente = territoire.racine / ".git" / "famnum-rechiffrement"
    shutil.rmtree(attente, ignore_errors=True)
    attente.mkdir(mode=0o700, parents=True)
    try:
        prets = []
        for i, cible in enumerate(cibles):
            clair = vault.dechiffrer(cible.read_bytes(), coffre.identites, territoire.relatif(cible))
            nouveau = attente / f"{i}.age"
            nouveau.write_bytes(vault.chiffrer(clair, recipients))
            del clair
            prets.append((nouveau, cible))
        for nouveau, cible in prets:
            os.replace(nouveau, cible)
        vault.ecrire_atomiquement(territoire.destinataires, vault.texte_destinataires(nouveaux).encode())
    finally:
        shutil.rmtree(attente, ignore_errors=True)
    depot.commiter(territoire.racine, cibles + [territoire.destinataires],
                   f"{action} : rechiffrement ({compte(len(cibles) - 1, 'dossier')})")
    coffre.destinataires = nouveaux
    return len(cibles) - 1


def etat(coffre: Coffre) -> list[tuple[vault.Destinataire, bool]]:
    miennes = set(vault.cles_publiques(coffre.identites))
    return [(d, d.cle in miennes) for d in coffre.destinataires]
