"""Git: the territory's history. One helper commits, with a message naming the action and a count,
never a person nor a family id. Every change to a territory reaches it through `ecriture.enregistrer`.

A git failure never reaches the person as a traceback nor as git's own text, which lists the
dossiers' file names: it becomes a French message naming what to do."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .erreurs import FamnumError

_INTERDIT_DANS_MESSAGE = re.compile(r"F-[2-9A-HJ-NP-Z]{5}|@|\+?\d[\d .-]{7,}")


def ouvrir(racine: Path):
    import logging

    import git

    # GitPython logs every git command line at DEBUG level, and our command lines name the dossiers'
    # files, <id>.json.age: a family id must never reach a log, whatever logging the caller set up
    logging.getLogger("git").setLevel(logging.INFO)

    try:
        depot = git.Repo(racine, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise FamnumError(
            f"{racine} n'est pas un dépôt git : famnum a besoin de git pour garder l'historique des dossiers.", code="git.pas_un_depot",
            correction="lancez « git init » dans ce dossier, puis « famnum init »."
        ) from None
    # a status or a diff never rewrites the index: only our add and commit take .git/index.lock, always
    # under an intent file, so a lock left by a killed famnum is recognised as ours (ecriture.reprendre)
    depot.git.update_environment(GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return depot


def _git(racine: Path, commande: str, *arguments: str) -> str:
    """Runs one git command; a failure becomes a French FamnumError without git's text (it names files)."""
    import git

    depot = ouvrir(racine)
    try:
        return getattr(depot.git, commande.replace("-", "_"))(*arguments)
    except git.GitCommandError as e:
        refuser_index_verrouille(racine)
        raise FamnumError(
            f"git a refusé la commande « git {commande} » (code {e.status}) : rien n'a été perdu, famnum reprendra "
            "l'opération à la prochaine commande.", code="git.refus_reprise",
            correction="lancez « git status » pour voir l'état du dépôt, puis relancez la commande famnum."
        ) from None


def refuser_index_verrouille(racine: Path) -> None:
    """A .git/index.lock that famnum did not leave: a git command is running, or one was killed."""
    verrou = racine / ".git" / "index.lock"
    if verrou.exists():
        raise FamnumError(
            f"Le fichier {verrou} existe : une commande git est en cours dans ce dépôt, ou une commande git "
            "a été interrompue (ordinateur éteint, fenêtre fermée) et n'a pas pu le retirer.", code="git.verrou",
            correction="attendez la fin de la commande git en cours ; si aucune ne tourne (un éditeur de message de "
            f"commit ouvert en est une), effacez ce fichier (« rm {verrou} ») puis relancez la commande famnum."
        )


def verifier_message(message: str) -> None:
    if _INTERDIT_DANS_MESSAGE.search(message):
        raise ValueError("un message de commit ne nomme ni une famille ni une personne")


def tete(racine: Path) -> str:
    """The commit HEAD points to ("" in a repository without any commit yet)."""
    depot = ouvrir(racine)
    return depot.head.commit.hexsha if depot.head.is_valid() else ""


def restaurer(racine: Path, commit: str, relatifs: list[str]) -> None:
    """Puts these paths back as they are in `commit` (files it does not hold are removed)."""
    suivis = set(_git(racine, "ls-tree", "-r", "--name-only", "-z", commit, "--", *relatifs).split("\0")) if commit else set()
    for relatif in relatifs:
        if relatif not in suivis:
            (racine / relatif).unlink(missing_ok=True)
    if suivis - {""}:
        _git(racine, "checkout", commit, "--", *sorted(suivis - {""}))


def accorder_index(racine: Path, relatifs: list[str]) -> None:
    """The index entries of these paths made HEAD's again (a commit killed after moving its branch
    but before writing the index leaves them behind)."""
    _git(racine, "reset", "-q", "--", *relatifs)


def exiger_propre(racine: Path, chemins: tuple[str, ...] = ("data",)) -> None:
    """Refuses to start a change over someone else's unsaved edits: our commit would swallow them."""
    refuser_index_verrouille(racine)
    sales = _git(racine, "status", "--porcelain", "--untracked-files=all", "--", *chemins).splitlines()
    if sales:
        fichiers = "\n".join("    " + ligne[3:] for ligne in sales[:10])
        raise FamnumError(
            "Des modifications non enregistrées dans git existent déjà :\n"
            f"{fichiers}", code="git.arbre_sale",
            correction="enregistrez-les (« git add … » puis « git commit ») ou annulez-les (« git restore … ») avant de continuer."
        )


def commiter(racine: Path, chemins: list[Path], message: str) -> str:
    """Records exactly these files (added, changed or removed) in one commit, and nothing else."""
    verifier_message(message)
    relatifs = sorted({str(Path(p).absolute().relative_to(racine.absolute())) for p in chemins})
    if len(relatifs) > 500:  # the command line has a limit; the tree was checked clean beforehand
        relatifs = sorted({str(Path(r).parent) for r in relatifs})
    _git(racine, "add", "-A", "--", *relatifs)
    if _git(racine, "status", "--porcelain", "--", *relatifs):
        _git(racine, "commit", "--quiet", "--no-verify", "-m", message, "--", *relatifs)
    return tete(racine)


def lire(racine: Path, *arguments: str) -> str:
    """The output of a git command that only reads (ls-files, diff), without GitPython: the pre-commit
    hook and `famnum verifier` start faster without it."""
    return lire_octets(racine, *arguments).decode("utf-8", "surrogateescape")


def lire_octets(racine: Path, *arguments: str, entree: bytes | None = None) -> bytes:
    """lire, as bytes, with `entree` on git's standard input (cat-file --batch). A failure is a French
    FamnumError without git's text (it names files)."""
    import os
    import subprocess

    environnement = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    resultat = subprocess.run(["git", *arguments], cwd=racine, env=environnement, input=entree, capture_output=True)
    if resultat.returncode != 0:
        ouvrir(racine)  # not a repository: its own message
        raise FamnumError(f"git a refusé la commande « git {arguments[0]} » (code {resultat.returncode}).", code="git.refus",
                          correction="lancez « git status » pour voir l'état du dépôt, vérifiez la référence donnée "
                          "(un commit, une branche, HEAD~1…), puis relancez la commande famnum.")
    return resultat.stdout


def fichiers_suivis(racine: Path) -> list[str]:
    return ouvrir(racine).git.ls_files("-z").split("\0")[:-1] if (racine / ".git").exists() else []


CLE_FICTIVE = "famnum.donneesfictives"  # the demo territory's git setting that marks its data as made up


def donnees_fictives(racine: Path) -> bool:
    """Whether the territory is a demo one (its repository's local setting famnum.donneesfictives)."""
    fait = subprocess.run(["git", "-C", str(racine), "config", "--local", "--get", CLE_FICTIVE],
                          capture_output=True, text=True)
    return fait.returncode == 0 and fait.stdout.strip() == "true"
