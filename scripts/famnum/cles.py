"""Managing who can read the dossiers: adding, removing, re-encrypting to the new set atomically."""
from __future__ import annotations

import os
from pathlib import Path

from . import depot, ecriture, restes, vault
from .dossiers import Coffre, compte
from .erreurs import FamnumError


def ajouter(coffre: Coffre, cle: str, role: str) -> int:
    cle = vault.valider_cle_publique(cle)
    if any(d.cle == cle for d in coffre.destinataires):
        raise FamnumError("Cette clé est déjà dans la liste des destinataires : rien à faire.", code="cles.deja_destinataire")
    if not role.strip():
        raise FamnumError("Indiquez le rôle du détenteur avec --role (par exemple : --role \"coordinatrice PRE\").", code="cles.role_manquant")
    nouveaux = coffre.destinataires + [vault.Destinataire(cle, role.strip())]
    return rechiffrer(coffre, nouveaux, "Ajout d'un détenteur de clé")


def retirer(coffre: Coffre, cle: str) -> int:
    cle = cle.strip()
    restants = [d for d in coffre.destinataires if d.cle != cle]
    if len(restants) == len(coffre.destinataires):
        raise FamnumError("Cette clé n'est pas dans la liste des destinataires.", code="cles.pas_destinataire",
                          correction="« famnum cles lister ».")
    if not restants:
        raise FamnumError("Impossible de retirer la dernière clé : plus personne ne pourrait lire les dossiers.", code="cles.derniere_cle")
    return rechiffrer(coffre, restants, "Retrait d'un détenteur de clé")


def rechiffrer(coffre: Coffre, nouveaux: list[vault.Destinataire], action: str,
               identite: tuple[bytes, Path] | None = None) -> int:
    """Re-encrypts every dossier, the erased families' anonymous remainders and the pseudonym key
    to `nouveaux`, with the new list of recipients, in one commit; returns the number of dossiers.

    Through the one write path (ecriture.enregistrer): the complete new set is staged and synced
    before any file is replaced, and an interruption is finished by the next famnum command. A
    rotation (`identite`: the steward's new key) is undone instead: its new recovery key is shown
    only by the command that made it.
    """
    territoire = coffre.territoire
    depot.exiger_propre(territoire.racine)
    recipients = vault.destinataires_age(nouveaux)
    dossiers, reliquats = coffre.chemins(), restes.chemins(territoire)

    def nouvelles_versions():
        for cible in dossiers + reliquats + [territoire.cle_pseudonymes]:
            clair = vault.dechiffrer(cible.read_bytes(), coffre.identites, territoire.relatif(cible))
            yield cible, vault.chiffrer(clair, recipients)
            del clair
        yield territoire.destinataires, vault.texte_destinataires(nouveaux).encode()

    en_plus = f", {compte(len(reliquats), 'reste')} anonyme{'s' if len(reliquats) > 1 else ''}" if reliquats else ""
    ecriture.enregistrer(territoire.racine, nouvelles_versions(),
                         f"{action} : rechiffrement ({compte(len(dossiers), 'dossier')}{en_plus})",
                         politique=ecriture.ANNULER if identite else ecriture.TERMINER, identite=identite)
    coffre.destinataires = nouveaux
    return len(dossiers)


def etat(coffre: Coffre) -> list[tuple[vault.Destinataire, bool]]:
    miennes = set(vault.cles_publiques(coffre.identites))
    return [(d, d.cle in miennes) for d in coffre.destinataires]


def rotation(coffre: Coffre, chemin_identite: Path) -> tuple[int, str, list[str]]:
    """A new recovery key and a new personal key for the steward; every dossier re-encrypted to them.

    Once the old paper recovery key is destroyed (and the other holders have changed theirs), the
    ciphertexts in git history, an erased family's included, can no longer be opened. Returns
    (dossiers re-encrypted, the new recovery key to print once, roles whose keys did not change).
    """
    if os.environ.get("FAMNUM_IDENTITE"):
        raise FamnumError("La rotation remplace votre fichier de clé, or la clé vient de FAMNUM_IDENTITE.", code="cles.rotation_sans_fichier",
                          correction="lancez la rotation depuis un poste où la clé est dans un fichier.")
    miennes = set(vault.cles_publiques(coffre.identites))
    personnelle, secours = vault.generer_identite(), vault.generer_identite()
    nouveaux, remplacees = [], set()
    for d in coffre.destinataires:
        nature = "perso" if d.cle in miennes else "secours" if "secours" in d.role.lower() else ""
        if not nature:
            nouveaux.append(d)
        elif nature not in remplacees:
            nouveaux.append(vault.Destinataire(str((personnelle if nature == "perso" else secours).to_public()), d.role))
            remplacees.add(nature)
    if "secours" not in remplacees:
        nouveaux.append(vault.Destinataire(str(secours.to_public()), "clé de secours (sur papier, dans le coffre du coordinateur)"))
    en_attente = chemin_identite.with_name(chemin_identite.name + ".rotation")
    ecriture.reprendre(coffre.territoire.racine)  # a rotation cut short is undone, or finished if committed
    if en_attente.exists():
        raise FamnumError(f"{en_attente} existe : une rotation a été interrompue.", code="cles.rotation_interrompue",
                          correction="si les dossiers s'ouvrent "
                          "avec cette clé, remplacez votre clé par ce fichier ; sinon effacez-le, puis recommencez.")
    texte = vault.texte_identite(personnelle, "clé famnum personnelle (après rotation)").encode("utf-8")
    n = rechiffrer(coffre, nouveaux, "Rotation des clés", identite=(texte, chemin_identite))
    coffre.identites = [personnelle]
    nouvelles = {str(personnelle.to_public()), str(secours.to_public())}
    return n, str(secours), [d.role for d in nouveaux if d.cle not in nouvelles]
