"""Keys, recipients, encryption and atomic writes: the only place that touches age.

Like passage (FiloSottile's pass on age): one encrypted file per secret, the recipients in a plain
file beside them so a diff shows who can read, and re-encryption that writes a complete new set of
files before renaming each over the old one.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyrage

from .erreurs import FamnumError, Probleme

ENTETE_AGE = b"age-encryption.org/v1\n"
_STANZA_DESTINATAIRE = re.compile(rb"^-> X25519 ", re.MULTILINE)
_CLE_PUBLIQUE = re.compile(r"^age1[02-9ac-hj-np-z]{58}$")
# age v1's header: stanzas (« -> type args », then base64 lines of 64 columns ending with a shorter one) and
# the MAC line; the payload that follows starts with a 16-byte nonce and holds at least one 16-byte tag
_B64 = rb"[A-Za-z0-9+/]"
_ENTETE_ENTIER = re.compile(rb"age-encryption\.org/v1\n(?:-> [^\n]+\n(?:" + _B64 + rb"{64}\n)*" + _B64
                            + rb"{0,63}\n)+--- " + _B64 + rb"{43}\n")
_NONCE_ET_ETIQUETTE = 16 + 16


class FichierIllisible(FamnumError):
    """A file that does not open as what it should be. `nature` says why (pas_age, trop_gros, tronque,
    autre_cle when my key opens nothing, cle_etrangere when it opens the others, pas_json, pas_objet,
    destinataires_introuvable, destinataires_vide, destinataires_ligne, destinataires_cle_abimee);
    `probleme` and `correction` are the French texts, kept apart so that a report shows them without
    parsing them back."""

    def __init__(self, fichier: str, nature: str, probleme: str, correction: str):
        self.fichier, self.nature, self.probleme = fichier, nature, probleme
        super().__init__(f"{fichier} : {probleme}", code=f"illisible.{nature}", correction=correction)

    def en_probleme(self) -> Probleme:
        """The same refusal as one line of a report (file, problem, correction, code)."""
        return Probleme(self.fichier, self.probleme, correction=self.correction, code=self.code)


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
        raise FamnumError(f"{origine} ne contient aucune clé privée age (une ligne AGE-SECRET-KEY-…).", code="cles.identite_vide")
    try:
        return [pyrage.x25519.Identity.from_str(l) for l in lignes]
    except pyrage.IdentityError:
        raise FamnumError(
            f"{origine} ne contient pas une clé privée age valide.", code="cles.identite_invalide",
            correction="vérifiez le fichier (une ligne AGE-SECRET-KEY-…), ou créez une clé avec « famnum cles creer »."
        ) from None


def charger_identites() -> list[pyrage.x25519.Identity]:
    """The steward's identities: FAMNUM_IDENTITE (the key itself, for CI), or the identity file."""
    texte = os.environ.get("FAMNUM_IDENTITE")
    if texte:
        return _identites_du_texte(texte, "La variable FAMNUM_IDENTITE")
    chemin = chemin_identite()
    if not chemin.is_file():
        raise FamnumError(
            f"Aucune clé privée trouvée ({chemin}).", code="cles.identite_introuvable",
            correction="créez votre clé avec « famnum cles creer », puis demandez à un détenteur actuel "
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
            f"Une clé privée existe déjà : {chemin}.", code="cles.identite_existante",
            correction="gardez-la (elle ouvre les dossiers déjà chiffrés pour vous). "
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
            f"« {cle} » n'est pas une clé publique age.", code="cles.cle_publique_invalide",
            correction="copiez la ligne qui commence par age1… affichée par « famnum cles creer »."
        )
    try:
        pyrage.x25519.Recipient.from_str(cle)
    except pyrage.RecipientError:
        raise FamnumError(f"La clé publique « {cle} » est abîmée (somme de contrôle fausse) : recopiez-la.", code="cles.cle_publique_abimee") from None
    return cle


def lire_destinataires(chemin: Path) -> list[Destinataire]:
    """Reads destinataires.txt: each key line is preceded by a comment line naming the role.

    The format stays readable by the reference CLI (`age -R destinataires.txt`). A missing, empty or
    damaged list is a FichierIllisible: nothing may be encrypted to it, and its fix is git's."""
    origine = f"data/families/{chemin.name}"
    restaurer = (f"restaurez-le : « git restore {origine} » ; s'il a été commité abîmé, « git log -- {origine} » "
                 f"puis « git restore --source=<commit> {origine} » (les détenteurs s'ajoutent avec « famnum cles ajouter »)")
    if not chemin.is_file():
        raise FichierIllisible(origine, "destinataires_introuvable", "fichier des destinataires introuvable : famnum ne sait pas "
                                                         "pour quelles clés chiffrer", restaurer)
    destinataires, role = [], ""
    for numero, ligne in enumerate(chemin.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        ligne = ligne.strip()
        if not ligne:
            continue
        if ligne.startswith("#"):
            role = ligne.lstrip("#").strip()
            continue
        if not _CLE_PUBLIQUE.match(ligne):
            extrait = ligne if len(ligne) <= 40 else ligne[:40] + "…"
            raise FichierIllisible(origine, "destinataires_ligne", f"ligne {numero} : « {extrait} » n'est ni une clé publique "
                                                             "age (age1…) ni un commentaire (# rôle)", restaurer)
        try:
            pyrage.x25519.Recipient.from_str(ligne)
        except pyrage.RecipientError:
            raise FichierIllisible(origine, "destinataires_cle_abimee", f"ligne {numero} : la clé publique est abîmée (somme de "
                                                             "contrôle fausse)", restaurer) from None
        destinataires.append(Destinataire(ligne, role or "rôle non précisé"))
        role = ""
    if not destinataires:
        raise FichierIllisible(origine, "destinataires_vide", "ne contient aucune clé publique : personne ne pourrait lire "
                                                         "les dossiers enregistrés avec cette liste", restaurer)
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
            f"Votre clé publique : {cles_publiques(identites)[0]}", code="cles.acces_refuse",
            correction="demandez à un détenteur actuel de lancer « famnum cles ajouter <votre clé publique> --role \"…\" »."
        )


# --- encryption -----------------------------------------------------------------------------

def destinataires_age(destinataires: list[Destinataire]):
    return [pyrage.x25519.Recipient.from_str(d.cle) for d in destinataires]


def chiffrer(clair: bytes, recipients) -> bytes:
    return pyrage.encrypt(clair, recipients)


# The largest real dossier (a family of ten children, years of journal) is a few tens of KB: a file
# above this is refused before it is decrypted, wherever it is read (voir, verifier, every command).
TAILLE_MAXIMALE = 1024 * 1024
_SURCOUT_AGE = 64 * 1024  # the header and the 16-byte tag of each 64 KiB chunk, with room to spare


def _restaurer(origine: str) -> str:
    return (f"restaurez la dernière version saine : « git restore {origine} » si le fichier abîmé n'est pas "
            f"commité, sinon « git log -- {origine} » puis « git restore --source=<commit> {origine} »")


def illisible_pas_pour_moi(origine: str) -> FichierIllisible:
    """Not for my key, and no other file is either: my key was never added (or never re-encrypted to)."""
    return FichierIllisible(origine, "autre_cle", "votre clé ne peut pas ouvrir ce fichier (il n'a pas été chiffré pour elle)",
                            "demandez à un détenteur actuel de lancer « famnum cles ajouter <votre clé publique> "
                            "--role \"…\" » (ou « famnum cles rechiffrer » si votre clé est déjà dans destinataires.txt)")


def illisible_cle_etrangere(origine: str) -> FichierIllisible:
    """Not for my key while the territory's other files are: it was encrypted to someone else's keys (a
    nature of its own: its fix is not the one of a key never added, « autre_cle »)."""
    return FichierIllisible(origine, "cle_etrangere",
                            "chiffré pour d'autres clés que celles du territoire (les autres dossiers s'ouvrent avec "
                            "votre clé, celui-ci non) : il ne vient pas de famnum pour ce territoire, ou il a été remplacé",
                            f"s'il vient d'ailleurs, retirez-le ; sinon {_restaurer(origine)}")


def pas_age(origine: str) -> FichierIllisible:
    """A file named like a ciphertext that is not one: said the same with the key (a reading) or without
    it (famnum verifier --texte-clair, data/effaces/)."""
    return FichierIllisible(origine, "pas_age", "n'est pas un fichier chiffré age",
                            "s'il contient des données en clair, supprimez-le définitivement ; s'il a pris la place "
                            f"d'un fichier chiffré, {_restaurer(origine)}")


def dechiffrer(chiffre: bytes, identites, origine: str) -> bytes:
    if not chiffre.startswith(ENTETE_AGE):
        raise pas_age(origine)
    if len(chiffre) > TAILLE_MAXIMALE + _SURCOUT_AGE:
        raise _trop_gros(origine, len(chiffre))
    try:
        clair = pyrage.decrypt(chiffre, identites)
    except pyrage.DecryptError:
        if _entete_pas_pour_moi(chiffre, identites):
            raise illisible_pas_pour_moi(origine) from None
        raise FichierIllisible(origine, "tronque", "abîmé ou tronqué : le fichier chiffré ne se déchiffre pas jusqu'au bout",
                               _restaurer(origine)) from None
    if len(clair) > TAILLE_MAXIMALE:
        raise _trop_gros(origine, len(clair))
    return clair


def _entete_pas_pour_moi(chiffre: bytes, identites) -> bool:
    """Why a decryption failed, told by structure rather than by pyrage's English text: a header that is
    whole (age's grammar, followed by the nonce and at least one tag) yet refused by pyrage's streaming
    reader was not written for my keys (or altered since, which git restores the same way); a damaged
    payload is refused there as an OSError, and a cut or malformed header fails the grammar."""
    entete = _ENTETE_ENTIER.match(chiffre)
    if entete is None or len(chiffre) - entete.end() < _NONCE_ET_ETIQUETTE:
        return False
    try:
        pyrage.decrypt_io(io.BytesIO(chiffre), io.BytesIO(), identites)
    except pyrage.DecryptError:
        return True
    except OSError:
        return False
    return False


def _trop_gros(origine: str, taille: int) -> FichierIllisible:
    return FichierIllisible(origine, "trop_gros", f"pèse {taille / 1048576:.1f} Mo, plus qu'un dossier ne peut peser "
                                                  f"({TAILLE_MAXIMALE // 1048576} Mo au plus) : famnum ne l'ouvre pas",
                            f"restaurez la dernière version de taille normale : « git log --stat -- {origine} » puis "
                            f"« git restore --source=<commit> {origine} »")


def dechiffrer_objet(chiffre: bytes, identites, origine: str) -> dict:
    """A dossier or a remainder: decrypted (size-checked), parsed, and a JSON object."""
    return dechiffrer_clair_et_objet(chiffre, identites, origine)[1]


def dechiffrer_clair_et_objet(chiffre: bytes, identites, origine: str) -> tuple[bytes, dict]:
    """dechiffrer_objet, with the decrypted JSON bytes as well (searching them costs less than
    serialising the object again). orjson parses them (two thirds of json's time, the same objects)."""
    import orjson

    try:
        clair = dechiffrer(chiffre, identites, origine)
        objet = orjson.loads(clair)
    except (ValueError, UnicodeDecodeError):  # orjson.JSONDecodeError is a ValueError
        raise FichierIllisible(origine, "pas_json", "le contenu déchiffré n'est pas du JSON (chiffré à la main ou par un "
                                                    "autre outil que famnum)", _restaurer(origine)) from None
    if not isinstance(objet, dict):
        raise FichierIllisible(origine, "pas_objet", "le contenu déchiffré n'est pas un dossier (un objet JSON est attendu)",
                               _restaurer(origine))
    return clair, objet


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
