"""The one write path of a territory: every change to its files goes through `enregistrer`.

Like passage's single commit helper, with a write-ahead intent so that a crash at any point is
finished (or undone) by the next famnum command:

1. one famnum writer at a time (a lock on .git/famnum/verrou, released by the kernel if we die);
2. an interrupted operation is recovered first, then the tree must be clean (our commit would
   swallow someone else's edits);
3. every new file is written whole into .git/famnum/attente/ (same file system) and synced;
4. the intent (.git/famnum/operation.json: relative paths, the commit message and HEAD before,
   never a personal value) is written and synced: from here on the operation will be completed;
5. each new file is renamed over its target, removed files are unlinked, the folders are synced;
6. one commit of exactly these paths; then the intent and the staging folder are removed.

`reprendre` reads a left intent: before the commit it renames what is still staged and commits
(or, for an operation that must not be finished without its caller — a key rotation whose new
recovery key was never shown — restores HEAD's versions); after the commit it only cleans up.
"""
from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import depot
from .vault import synchroniser_dossier
from .erreurs import FamnumError, a_faire

TERMINER, ANNULER = "terminer", "annuler"
SYNCHRONISER_UN_A_UN = 8  # below this many files, fsync each; above, one syncfs() flushes them all


@functools.cache
def _libc():
    """The C library, loaded the first time a write flushes many files (syncfs): a command that only
    reads (famnum verifier, the git hook) never loads ctypes."""
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class Lieux:
    """famnum's private corner of .git: never committed, never pushed, on the territory's file system."""

    racine: Path

    @property
    def base(self) -> Path:
        return self.racine / ".git" / "famnum"

    @property
    def intention(self) -> Path:
        return self.base / "operation.json"

    @property
    def attente(self) -> Path:
        return self.base / "attente"

    @property
    def verrou(self) -> Path:
        return self.base / "verrou"

    @property
    def index_lock(self) -> Path:
        return self.racine / ".git" / "index.lock"


# --- disk primitives ---------------------------------------------------------------------------

def _ecrire_fichier(chemin: Path, contenu: bytes, synchroniser: bool) -> None:
    descripteur = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descripteur, "wb") as f:
        f.write(contenu)
        if synchroniser:
            f.flush()
            os.fsync(f.fileno())


def _synchroniser_systeme_de_fichiers(dossier: Path) -> None:
    """Flushes the file system that holds `dossier` (Linux syncfs): every staged file at once, without
    the rest of the machine's pending writes that os.sync() would wait for. Elsewhere, os.sync()."""
    syncfs = getattr(_libc(), "syncfs", None)
    descripteur = os.open(dossier, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if syncfs is None:
            os.sync()
        elif syncfs(descripteur) != 0:  # a write the disk refused: the operation must not go on
            import ctypes

            numero = ctypes.get_errno()
            raise OSError(numero, os.strerror(numero), str(dossier))
    finally:
        os.close(descripteur)


def _ecrire_json_durable(chemin: Path, contenu: dict) -> None:
    temporaire = chemin.with_name(chemin.name + ".tmp")
    _ecrire_fichier(temporaire, json.dumps(contenu, ensure_ascii=False, indent=1).encode("utf-8"), True)
    os.replace(temporaire, chemin)
    synchroniser_dossier(chemin.parent)


# --- the lock ------------------------------------------------------------------------------------

@contextmanager
def verrou(racine: Path):
    """One famnum writer at a time on this territory; the kernel drops the lock of a killed process."""
    lieux = Lieux(racine)
    lieux.base.mkdir(parents=True, exist_ok=True, mode=0o700)
    descripteur = os.open(lieux.verrou, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descripteur, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FamnumError(
                "Une autre commande famnum est en train d'enregistrer dans ce territoire.", code="ecriture.autre_ecrivain",
                correction="attendez qu'elle se termine (ou fermez le formulaire ouvert), puis relancez la commande."
            ) from None
        yield lieux
    finally:
        os.close(descripteur)


# --- the write path ----------------------------------------------------------------------------

def enregistrer(racine: Path, ecritures: Iterable[tuple[Path, bytes]], message: str,
                suppressions: Iterable[Path] = (), propres: tuple[str, ...] = ("data",),
                politique: str = TERMINER, identite: tuple[bytes, Path] | None = None) -> str:
    """Writes these files whole and removes those, durably, in one commit; returns the commit id.

    `ecritures` may be a generator (re-encryption streams ten thousand files through it).
    `identite` (content, key file): a private key that replaces the steward's key file once the
    commit is made (key rotation); it waits beside it, 0600, as `<file>.rotation`."""
    depot.verifier_message(message)
    with verrou(racine) as lieux:
        reprendre_sous_verrou(lieux)
        depot.exiger_propre(racine, propres)
        try:
            cibles = _preparer(lieux, ecritures)
        except BaseException:
            shutil.rmtree(lieux.attente, ignore_errors=True)
            raise
        suppressions = [Path(s) for s in suppressions]
        en_attente = identite[1].with_name(identite[1].name + ".rotation") if identite else None
        intention = {
            "version": 1, "message": message, "politique": politique, "avant": depot.tete(racine),
            "ecritures": [[nom, _relatif(racine, cible)] for nom, cible in cibles],
            "suppressions": [_relatif(racine, s) for s in suppressions],
            "identite": [str(en_attente), str(identite[1])] if identite else None,
        }
        _ecrire_json_durable(lieux.intention, intention)
        if identite:
            _ecrire_fichier(en_attente, identite[0], True)
            synchroniser_dossier(en_attente.parent)
        _appliquer(lieux, intention)
        empreinte = depot.commiter(racine, [c for _, c in cibles] + suppressions, message)
        _apres_commit(intention)
        _nettoyer(lieux)
        return empreinte


def _relatif(racine: Path, chemin: Path) -> str:
    return str(Path(chemin).absolute().relative_to(racine.absolute()))


def _preparer(lieux: Lieux, ecritures: Iterable[tuple[Path, bytes]]) -> list[tuple[str, Path]]:
    """Every new version written whole under .git/famnum/attente/ and on disk before any target is touched."""
    shutil.rmtree(lieux.attente, ignore_errors=True)
    lieux.attente.mkdir(parents=True, mode=0o700)
    cibles = []
    for numero, (cible, contenu) in enumerate(ecritures):
        nom = str(numero)
        _ecrire_fichier(lieux.attente / nom, contenu, synchroniser=numero < SYNCHRONISER_UN_A_UN)
        cibles.append((nom, Path(cible)))
    if len(cibles) > SYNCHRONISER_UN_A_UN:
        _synchroniser_systeme_de_fichiers(lieux.attente)  # fsync of each would cost ms per file
    synchroniser_dossier(lieux.attente)
    return cibles


def _appliquer(lieux: Lieux, intention: dict) -> None:
    """Renames what is still staged over its target, removes what must go, syncs the folders.
    Idempotent: run again after a crash, it does only what was left."""
    dossiers = set()
    for nom, relatif in intention["ecritures"]:
        cible = lieux.racine / relatif
        if (lieux.attente / nom).exists():
            cible.parent.mkdir(parents=True, exist_ok=True)
            os.replace(lieux.attente / nom, cible)
        dossiers.add(cible.parent)
    for relatif in intention["suppressions"]:
        (lieux.racine / relatif).unlink(missing_ok=True)
        dossiers.add((lieux.racine / relatif).parent)
    for dossier in dossiers:
        if dossier.is_dir():
            synchroniser_dossier(dossier)


def _apres_commit(intention: dict) -> None:
    if intention.get("identite"):
        attente, cible = map(Path, intention["identite"])
        if attente.exists():
            os.replace(attente, cible)
            synchroniser_dossier(cible.parent)


def _nettoyer(lieux: Lieux) -> None:
    lieux.intention.unlink(missing_ok=True)
    shutil.rmtree(lieux.attente, ignore_errors=True)
    synchroniser_dossier(lieux.base)


# --- recovery ------------------------------------------------------------------------------------

def reprendre(racine: Path) -> str:
    """Finishes or undoes an operation a crash interrupted; returns what was done, in French ("" if nothing)."""
    lieux = Lieux(racine)
    if not (lieux.intention.exists() or lieux.attente.exists()):
        return ""
    with verrou(racine):
        return reprendre_sous_verrou(lieux)


def reprendre_sous_verrou(lieux: Lieux) -> str:
    if not lieux.intention.exists():
        shutil.rmtree(lieux.attente, ignore_errors=True)  # killed while staging: the tree was not touched
        return ""
    try:
        intention = json.loads(lieux.intention.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # written atomically: this is not our file any more
        raise FamnumError(
            f"{lieux.intention} est illisible : famnum ne sait pas quelle opération a été interrompue.", code="ecriture.intention_illisible",
            correction="regardez « git status » ; annulez les changements avec « git restore data » puis "
            "effacez ce fichier, ou enregistrez-les avec « git add » et « git commit »."
        ) from None
    _retirer_verrous_git(lieux)
    action = intention["message"]
    if depot.tete(lieux.racine) != intention["avant"]:
        depot.accorder_index(lieux.racine, [r for _, r in intention["ecritures"]] + intention["suppressions"])
        _apres_commit(intention)
        texte = f"L'opération « {action} » avait été commitée avant l'interruption : rien à refaire."
    elif intention["politique"] == ANNULER:
        _annuler(lieux, intention)
        texte = (f"L'opération « {action} » a été interrompue : elle est annulée, les fichiers sont revenus "
                 "à leur dernière version commitée. " + a_faire("relancez-la."))
    else:
        _appliquer(lieux, intention)
        chemins = [lieux.racine / r for _, r in intention["ecritures"]] + [lieux.racine / r for r in intention["suppressions"]]
        depot.commiter(lieux.racine, chemins, action)
        _apres_commit(intention)
        texte = f"L'opération « {action} » a été interrompue : elle est terminée et commitée."
    _nettoyer(lieux)
    return texte


def _retirer_verrous_git(lieux: Lieux) -> None:
    """We hold famnum's lock and the intent is ours: the git locks present were left by the `git add`
    or `git commit` we ran when we were killed (index.lock, a partial commit's next-index-*.lock,
    HEAD.lock or a branch's lock while its reference was being moved)."""
    git = lieux.racine / ".git"
    verrous = [git / "index.lock", git / "HEAD.lock", git / "packed-refs.lock", *git.glob("next-index-*.lock"),
               *(git / "refs").rglob("*.lock")]
    for chemin in verrous:
        chemin.unlink(missing_ok=True)


def _annuler(lieux: Lieux, intention: dict) -> None:
    relatifs = [r for _, r in intention["ecritures"]] + intention["suppressions"]
    depot.restaurer(lieux.racine, intention["avant"], relatifs)
    if intention.get("identite"):
        Path(intention["identite"][0]).unlink(missing_ok=True)

