"""The territory's git pre-commit hook: what `famnum init` installs, and its update when an older famnum
installed it. A hook famnum did not write (or that someone changed) is never touched."""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

CROCHET_PRE_COMMIT = """#!/bin/sh
# Installé par « famnum init » : refuse un commit qui mettrait des données personnelles en clair
# (fichier non chiffré dans data/families/, clé privée, dossier en clair ailleurs) ; avec votre clé, contrôle
# aussi chaque dossier changé et cherche dans chaque texte changé les données des dossiers.
exec "{python}" -m famnum verifier --indexe
"""

# Every hook an older famnum installed, word for word: only these are replaced.
CROCHETS_ANCIENS = ("""#!/bin/sh
# Installé par « famnum init » : refuse un commit qui mettrait des données personnelles en clair
# (fichier non chiffré dans data/families/, clé privée, dossier en clair ailleurs).
exec "{python}" -m famnum verifier --texte-clair
""",)

_PYTHON = re.compile(r'^exec "([^"\n]+)" -m famnum ', re.MULTILINE)


def chemin(racine: Path) -> Path:
    return racine / ".git" / "hooks" / "pre-commit"


def installer(racine: Path, python: str | None = None) -> Path:
    """Writes famnum's hook (running `python`, by default this one), executable, whole or not at all."""
    crochet = chemin(racine)
    crochet.parent.mkdir(parents=True, exist_ok=True)
    descripteur, temporaire = tempfile.mkstemp(prefix=".famnum-", dir=crochet.parent)
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8") as f:
            f.write(CROCHET_PRE_COMMIT.format(python=python or sys.executable))
        os.chmod(temporaire, 0o755)
        os.replace(temporaire, crochet)
    except BaseException:
        Path(temporaire).unlink(missing_ok=True)
        raise
    return crochet


def mettre_a_jour(racine: Path) -> str | None:
    """famnum's own hook, rewritten when an older famnum installed it or when the Python it runs is gone;
    the French sentence that says so (once: the hook is then up to date), or None when nothing changed."""
    try:
        texte = chemin(racine).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # no hook (git has no « pre-commit » file here), or not one famnum could have written
    trouve = _PYTHON.search(texte)
    if trouve is None:
        return None
    python = trouve.group(1)
    ancien = texte in {modele.format(python=python) for modele in CROCHETS_ANCIENS}
    if not ancien and texte != CROCHET_PRE_COMMIT.format(python=python):
        return None  # written or changed by someone: theirs
    present = Path(python).is_file()
    if not ancien and present:
        return None
    installer(racine, python if present else sys.executable)
    raison = ("venait d'une version plus ancienne de famnum" if ancien
              else f"lançait un Python qui n'existe plus ({python})")
    return (f"Le crochet git de ce territoire (.git/hooks/pre-commit) {raison} : famnum l'a remplacé par le sien. "
            "Avant chaque commit, il contrôle maintenant, avec votre clé, chaque dossier changé et cherche dans "
            "chaque texte changé les données des dossiers.")
