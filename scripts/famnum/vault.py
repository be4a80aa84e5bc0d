"""Keys, recipients, encryption and atomic writes: the only place that touches age.

Like passage (FiloSottile's pass on age): one encrypted file per secret, the recipients in a plain
file beside them so a diff shows who can read, and re-encryption that writes a complete new set of
files before renaming each over the old one.
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyrage

from .erreurs import FamnumError

ENTETE_AGE = b"age-encryption.org/v1\n"
_STANZA_DESTINATAIRE = re.compile(rb"^-> X25519 ", re.MULTILINE)
_CLE_PUBLIQUE = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")


# --- identities ---------------------------------------------------------------------------

def dossier_configuration() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "famnum"


def chemin_identite_par_defaut() -> Path:
    return dossier_configuration() / "identite.txt"


def chemin_identite() -> Path:
    return Path(os.environ.get("FAMNUM_IDENTITE_FICHIER") or chemin_identite_par_defaut())


def _identites_du_texte(texte: str, origine: str) -> list[pyrage.x25519.Identity]:
    lignes = [l.strip() for l in texte.splitlines() if l.strip() and not l.lstrip().startswith("#")]
    if not lignes:
        raise FamnumError(f"{origine} ne contient aucune clé privée age (une ligne AGE-SECRET-KEY-…).")
    try:
        return [pyrage.x25519.Identity.from_str(l) for l in lignes]
    except pyrage.IdentityError:
        raise FamnumError(
            f"{origine} ne contient pas une clé privée age valide.\n"
            "À faire : vérifiez le fichier (une ligne AGE-SECRET-KEY-…), ou créez une clé avec « famnum cles creer »."
        ) from None


def charger_identites() -> list[pyrage.x25519.Identity]:
    """The steward's identities: FAMNUM_IDENTITE (the key itself, for CI), or the identity file."""
    texte = os.environ.get("FAMNUM_IDENTITE")
    if texte:
        return _identites_du_texte(texte, "La variable FAMNUM_IDENTITE")
    chemin = chemin_identite()
    if not chemin.is_file():
        raise FamnumError(
            f"Aucune clé privée trouvée ({chemin}).\n"
            "À faire : créez votre clé avec « famnum cles creer », puis demandez à un détenteur actuel "
            "de l'ajouter avec « famnum cles ajouter <votre clé publique> --role \"…\" »."
        )
    return _identites_du_texte(chemin.read_text(encoding="utf-8"), str(chemin))


def cles_publiques(identites) -> list[str]:
    return [str(i.to_public()) for i in identites]


def generer_identite() -> pyrage.x25519.Identity:
    return pyrage.x25519.Identity.generate()


def enregistrer_identite(identite, chemin: Path, commentaire: str) -> None:
    """Writes a private key readable by its owner only (0600), never over an existing one."""
    if chemin.exists():
        raise FamnumError(
            f"Une clé privée existe déjà : {chemin}.\n"
            "À faire : gardez-la (elle ouvre les dossiers déjà chiffrés pour vous). "
            "Pour une nouvelle clé, indiquez un autre fichier avec FAMNUM_IDENTITE_FICHIER."
        )
    chemin.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    texte = texte_identite(identite, commentaire)
    descripteur = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descripteur, "w", encoding="utf-8") as f:
        f.write(texte)


def texte_identite(identite, commentaire: str) -> str:
    return f"# {commentaire}\n# clé publique : {identite.to_public()}\n{identite}\n"


# --- recipients -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Destinataire:
    cle: str
    role: str


def valider_cle_publique(cle: str) -> str:
    cle = cle.strip()
    if not _CLE_PUBLIQUE.match(cle):
        raise FamnumError(
            f"« {cle} » n'est pas une clé publique age.\n"
            "À faire : copiez la ligne qui commence par age1… affichée par « famnum cles creer »."
        )
    try:
        pyrage.x25519.Recipient.from_str(cle)
    except pyrage.RecipientError:
        raise FamnumError(f"La clé publique « {cle} » est abîmée (somme de contrôle fausse) : recopiez-la.") from None
    return cle


def lire_destinataires(chemin: Path) -> list[Destinataire]:
    """Reads destinataires.txt: each key line is preceded by a comment line naming the role.

    The format stays readable by the reference CLI (`age -R destinataires.txt`).
    """
    if not chemin.is_file():
        raise FamnumError(f"Fichier des destinataires introuvable : {chemin}.")
    destinataires, role = [], ""
    for numero, ligne in enumerate(chemin.read_text(encoding="utf-8").splitlines(), 1):
        ligne = ligne.strip()
        if not ligne:
            continue
        if ligne.startswith("#"):
            role = ligne.lstrip("#").strip()
            continue
        try:
            cle = valider_cle_publique(ligne)
        except FamnumError as e:
            raise FamnumError(f"{chemin}, ligne {numero} : {e}") from None
        destinataires.append(Destinataire(cle, role or "rôle non précisé"))
        role = ""
    if not destinataires:
        raise FamnumError(f"{chemin} ne contient aucune clé publique : personne ne pourrait lire les dossiers.")
    return destinataires


def texte_destinataires(destinataires: list[Destinataire]) -> str:
    lignes = [
        "# Détenteurs des clés qui ouvrent les dossiers des familles (une clé par personne ou par rôle).",
        "# Chaque clé suit une ligne de commentaire qui nomme son rôle. Modifier avec « famnum cles ».",
        "",
    ]
    for d in destinataires:
        lignes += [f"# {d.role}", d.cle, ""]
    return "\n".join(lignes)


def verifier_acces(destinataires: list[Destinataire], identites) -> None:
    """Refuses a steward whose key is not among the recipients: they could write files they cannot read."""
    cles = {d.cle for d in destinataires}
    if not cles.intersection(cles_publiques(identites)):
        raise FamnumError(
            "Votre clé n'est pas dans la liste des destinataires (data/families/destinataires.txt) : "
            "vous ne pouvez ni lire ni modifier les dossiers.\n"
            f"Votre clé publique : {cles_publiques(identites)[0]}\n"
            "À faire : demandez à un détenteur actuel de lancer « famnum cles ajouter <votre clé publique> --role \"…\" »."
        )


# --- encryption -----------------------------------------------------------------------------

def destinataires_age(destinataires: list[Destinataire]):
    return [pyrage.x25519.Recipient.from_str(d.cle) for d in destinataires]


def chiffrer(clair: bytes, recipients) -> bytes:
    return pyrage.encrypt(clair, recipients)


def dechiffrer(chiffre: bytes, identites, origine: str) -> bytes:
    if not chiffre.startswith(ENTETE_AGE):
        raise FamnumError(
            f"{origine} n'est pas un fichier chiffré age.\n"
            "À faire : retirez ce fichier de data/families/ (seuls les dossiers chiffrés et destinataires.txt y ont leur place)."
        )
    try:
        return pyrage.decrypt(chiffre, identites)
    except pyrage.DecryptError as e:
        if "No matching keys" in str(e):
            raise FamnumError(
                f"{origine} : votre clé ne peut pas ouvrir ce dossier (il n'a pas été chiffré pour elle).\n"
                "À faire : demandez à un détenteur de relancer « famnum cles ajouter » avec votre clé publique."
            ) from None
        raise FamnumError(
            f"{origine} est abîmé ou tronqué (le déchiffrement échoue : {e}).\n"
            "À faire : restaurez la dernière version saine avec « git restore " + origine + " » ou depuis l'historique."
        ) from None


def nombre_destinataires(chiffre: bytes) -> int:
    """Counts the X25519 recipient stanzas in an age header (grease stanzas are not counted)."""
    fin_entete = chiffre.find(b"\n---")
    return len(_STANZA_DESTINATAIRE.findall(chiffre[: fin_entete if fin_entete > 0 else None]))


# --- files ----------------------------------------------------------------------------------

def ecrire_atomiquement(chemin: Path, contenu: bytes) -> None:
    """Writes a complete new file beside the target, synced, then renames it over and syncs the folder:
    never a half file. For files outside the territory's history (a cache, a private document, the
    first files of `famnum init`); a change to the territory goes through `ecriture.enregistrer`."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(prefix=".famnum-", suffix=".tmp", dir=chemin.parent)
    try:
        with os.fdopen(descripteur, "wb") as f:
            f.write(contenu)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporaire, chemin)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    synchroniser_dossier(chemin.parent)


def synchroniser_dossier(dossier: Path) -> None:
    """A rename is durable once its folder is synced (POSIX: fsync of the directory)."""
    descripteur = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descripteur)
    finally:
        os.close(descripteur)


def ecrire_prive(chemin: Path, contenu: bytes) -> None:
    """A document that names a family, kept outside git for printing or handing over (a convention, a
    letter, an export): the file 0600 (mkstemp's mode), its folders up to build/private/ 0700, so that
    no other account of the machine reads it."""
    chemin.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    dossiers = [chemin.parent, *chemin.parent.parents]
    prive = next((d for d in dossiers if d.name == "private"), None)
    for dossier in [d for d in dossiers if d == prive or (prive is not None and prive in d.parents)] or [chemin.parent]:
        os.chmod(dossier, 0o700)
    ecrire_atomiquement(chemin, contenu)
