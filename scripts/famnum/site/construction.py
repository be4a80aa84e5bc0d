"""Build the public site the way ``make site`` does, from Python (tests, bench).

``construire`` runs ``mkdocs build --strict`` in a subprocess and returns what happened
(exit code, output, seconds); ``construire_une_fois`` does it once for several
processes (pytest-xdist workers) sharing a directory, behind a file lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ..modele import crochets_du_site, racine as racine_modele

RACINE = racine_modele()
CONFIG = RACINE / "mkdocs.yml"


def environnement(**variables: str) -> dict:
    """The environment of a ``mkdocs build``: mkdocs.yml names its hooks file through FAMNUM_CROCHETS
    (the installed famnum's, wherever it is), and the theme's end-of-life banner is silenced."""
    return {**os.environ, "FAMNUM_CROCHETS": str(crochets_du_site()), "NO_MKDOCS_2_WARNING": "1", **variables}


def construire(site_dir: Path, *, pdf: bool = True, strict: bool = True,
               cache_pdf: Path | None = None) -> dict:
    """Build ``content/`` into ``site_dir``; never raises on a failed build. ``cache_pdf``: the
    folder of the PDF cache instead of ``build/cache/pdf`` (``famnum.site.cache_pdf``)."""
    env = environnement()
    env.pop("FAMNUM_SANS_PDF", None)
    if cache_pdf is not None:
        env["FAMNUM_CACHE_PDF"] = str(cache_pdf)
    if not pdf:
        env["FAMNUM_SANS_PDF"] = "1"
    command = [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(CONFIG),
               "-d", str(site_dir)]
    if strict:
        command.append("--strict")
    started = time.perf_counter()
    done = subprocess.run(command, cwd=RACINE, env=env, capture_output=True, text=True)
    return {
        "site": str(site_dir),
        "code": done.returncode,
        "sortie": done.stdout + done.stderr,
        "secondes": round(time.perf_counter() - started, 2),
        "pdf": pdf,
    }


def construire_une_fois(dossier: Path, *, pdf: bool = True) -> dict:
    """Build into ``dossier/site`` unless another process already did; return the result."""
    dossier.mkdir(parents=True, exist_ok=True)
    resultat = dossier / "construction.json"
    with open(dossier / "construction.lock", "w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        try:
            if resultat.exists():
                return json.loads(resultat.read_text(encoding="utf-8"))
            fait = construire(dossier / "site", pdf=pdf)
            if fait["code"] != 0:
                # A strict failure stops mkdocs-static-i18n before the other languages
                # and the PDFs: build again without --strict so that every other test
                # still checks a whole site; the strict result is kept for its own test.
                repli = construire(dossier / "site", pdf=pdf, strict=False)
                fait["repli_non_strict"] = {k: repli[k] for k in ("code", "secondes")}
            resultat.write_text(json.dumps(fait, ensure_ascii=False), encoding="utf-8")
            return fait
        finally:
            fcntl.flock(verrou, fcntl.LOCK_UN)


def dossier_partage(basetemp: Path) -> Path:
    """Where pytest workers share one build: the run's temp root under xdist."""
    racine = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    return racine / "famnum-site"
