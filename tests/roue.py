"""famnum's built wheel installed in a fresh virtual environment, once per test session: the workers
that ask for it share one (a file lock in the run's temp root, as the shared site), and only read it."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from fabrique import sous_verrou

DEPOT = Path(__file__).resolve().parents[1]


def dossier_partage(basetemp: Path) -> Path:
    """Where pytest workers share the installed wheel: the run's temp root under xdist."""
    racine = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    return racine / "famnum-roue"


def _construire_hors_du_depot(dossier: Path) -> Path:
    """setuptools' configuration (read from DIST_EXTRA_CONFIG) that builds in `dossier`, not in the checkout's
    build/ and scripts/famnum.egg-info: what an earlier build left there (a module since removed or renamed) would
    go into the wheel, which a clean clone's (CI's) does not have."""
    config = dossier / "construction.cfg"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[build]\nbuild_base = {dossier / 'build'}\n[bdist_wheel]\nbdist_dir = {dossier / 'bdist'}\n"
                      f"[egg_info]\negg_base = {dossier}\n", encoding="utf-8")
    return config


def installer_la_roue(dossier: Path) -> Path:
    """Build the wheel and install it in a fresh venv under `dossier`; return the venv. Its dependencies are
    those of the test's own environment (a .pth line to its site-packages, never its famnum), to spare a
    download of every dependency; the wheel is built by the test environment's setuptools (a dev
    dependency), not one downloaded per run."""
    construit = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                                "-w", str(dossier / "dist"), str(DEPOT)], capture_output=True, text=True,
                               env={**os.environ, "DIST_EXTRA_CONFIG": str(_construire_hors_du_depot(dossier))})
    assert construit.returncode == 0, construit.stdout + construit.stderr
    roue = next((dossier / "dist").glob("famnum-*.whl"))
    env_virtuel = dossier / "venv"
    venv.create(env_virtuel, with_pip=False)
    paquets = next((env_virtuel / "lib").glob("python3*/site-packages"))
    (paquets / "dependances-du-test.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installe = subprocess.run([str(env_virtuel / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                               "--no-index", str(roue)], capture_output=True, text=True)
    assert installe.returncode == 0, installe.stdout + installe.stderr
    return env_virtuel


def roue_partagee(partage: Path) -> Path:
    """The installed wheel in `partage`, made by the first worker that asks (the others wait for it)."""
    prete = partage / "installee"
    with sous_verrou(partage, "roue"):
        if not prete.is_file():
            dossier = partage / f"essai-{os.getpid()}"  # a failed attempt leaves nothing the next one reads
            prete.write_text(str(installer_la_roue(dossier)), encoding="utf-8")
    return Path(prete.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def famnum_installe(tmp_path_factory) -> Path:
    """The venv holding famnum's built wheel, shared by the session: read it, never install into it."""
    return roue_partagee(dossier_partage(tmp_path_factory.getbasetemp()))
