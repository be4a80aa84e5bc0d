"""Git: the territory's history. One helper commits, with a message naming the action and a count,
never a person nor a family id."""
from __future__ import annotations

import re
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
        return git.Repo(racine, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise FamnumError(
            f"{racine} n'est pas un dépôt git : famnum a besoin de git pour garder l'historique des dossiers.\n"
            "À faire : lancez « git init » dans ce dossier, puis « famnum init »."
        ) from None


def exiger_propre(racine: Path, chemins: tuple[str, ...] = ("data",)) -> None:
    """Refuses to start a change over someone else's unsaved edits: our commit would swallow them."""
    depot = ouvrir(racine)
    sales = depot.git.status("--porcelain", "--untracked-files=all", "--", *chemins).splitlines()
    if sales:
        fichiers = "\n".join("    " + ligne[3:] for ligne in sales[:10])
        raise FamnumError(
            "Des modifications non enregistrées dans git existent déjà :\n"
            f"{fichiers}\n"
            "À faire : enregistrez-les (« git add … » puis « git commit ») ou annulez-les (« git restore … ») avant de continuer."
        )


def commiter(racine: Path, chemins: list[Path], message: str) -> str:
    """Records exactly these files (added, changed or removed) in one commit, and nothing else."""
    if _INTERDIT_DANS_MESSAGE.search(message):
        raise ValueError("un message de commit ne nomme ni une famille ni une personne")
    depot = ouvrir(racine)
    relatifs = sorted({str(Path(p).absolute().relative_to(racine.absolute())) for p in chemins})
    if len(relatifs) > 500:  # the command line has a limit; the tree was checked clean beforehand
        relatifs = sorted({str(Path(r).parent) for r in relatifs})
    depot.git.add("-A", "--", *relatifs)
    depot.git.commit("--quiet", "--no-verify", "-m", message, "--", *relatifs)
    return depot.head.commit.hexsha


def fichiers_suivis(racine: Path) -> list[str]:
    return ouvrir(racine).git.ls_files("-z").split("\0")[:-1] if (racine / ".git").exists() else []
