"""The suite's schedule (tests/conftest.py): slow tests first, the shared site's tests last, and the
site built in the background from the start of a session that needs it, stopped when the session ends."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# What a maintainer's shell may hold: the README's exports after `make demo`, git's own in a hook.
REGLAGES_DU_SHELL = {"FAMNUM_TERRITOIRE": "/nulle-part/territoire", "FAMNUM_IDENTITE_FICHIER": "/nulle-part/cle.txt",
                     "FAMNUM_SANS_PDF": "1", "GIT_INDEX_FILE": "/nulle-part/index", "GIT_DIR": "/nulle-part/.git"}


def _pytest(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    """A pytest of its own, as from a terminal (not as one of this run's xdist workers), without the
    hypothesis plugin, which no test it runs needs (importing it is half of a pytest's start)."""
    propre = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST", "PYTEST_CURRENT"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", *arguments],
                          cwd=TESTS.parent, env={**propre, **env}, capture_output=True, text=True, timeout=120)


def test_les_tests_lents_d_abord_ceux_du_site_partage_a_la_fin():
    fait = _pytest("-n", "0", "--collect-only", "tests/e2e/test_html_valide.py", "tests/test_formats.py",
                   "tests/test_paquet_installe.py")
    fichiers = list(dict.fromkeys(ligne.split("::")[0] for ligne in fait.stdout.splitlines() if "::" in ligne))
    assert fichiers == ["tests/test_paquet_installe.py", "tests/test_formats.py", "tests/e2e/test_html_valide.py"], \
        fait.stdout


def test_le_site_partage_se_construit_en_arriere_plan_des_le_debut(tmp_path):
    """Under xdist, as make test runs: the controller starts it, the worker runs the test (alone, with
    -n 0, the one process starts it in the same function). The same run, started from a shell holding famnum's
    and git's settings (REGLAGES_DU_SHELL), checks that none reaches a test."""
    pid, base = tmp_path / "pid", tmp_path / "base"
    fait = _pytest("-q", "-n", "1", f"--basetemp={base}", "tests/sonde_site_partage.py",
                   SONDE_PID=str(pid), SONDE_PARTAGE=str(base / "famnum-site"), **REGLAGES_DU_SHELL)
    assert fait.returncode == 0, fait.stdout[-3000:]
    # the session ended before the build: its process is stopped, not left running
    assert not Path(f"/proc/{pid.read_text()}").exists()
