"""famnum installed from its built wheel, outside its repository (issue 18, point 6): the model (schemas,
reference tables, grids, site sources) is package data, so `famnum init` and `famnum demo` work in a
fresh virtual environment, from a folder that is not famnum's repository."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement  # pytest's own dependency

DEPOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.lent


@pytest.fixture(scope="module")
def famnum_installe(tmp_path_factory) -> Path:
    """A fresh venv holding the built wheel. Its dependencies are those of the test's own environment
    (a .pth line to its site-packages, never its famnum), to spare a download of every dependency; the
    wheel is built by the test environment's setuptools (a dev dependency), not one downloaded per run."""
    dossier = tmp_path_factory.mktemp("roue")
    construit = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                                "-w", str(dossier / "dist"), str(DEPOT)], capture_output=True, text=True)
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


def test_l_environnement_des_tests_a_le_moteur_de_construction_declare():
    """The wheel is built without an isolated environment: this one must hold what pyproject.toml's
    [build-system] asks for, or the wheel would be built by another setuptools than a user's pip uses."""
    demandes = tomllib.loads((DEPOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]
    for demande in map(Requirement, demandes):
        assert demande.specifier.contains(metadata.version(demande.name)), (
            f"{demande.name} {metadata.version(demande.name)} dans .venv, pyproject.toml demande {demande} : "
            "relancez « make installer »")


def executer(env_virtuel: Path, dossier: Path, *args: str) -> subprocess.CompletedProcess:
    maison = dossier / "maison"
    maison.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAMNUM_", "GIT_", "XDG_"))}
    env.update(HOME=str(maison), GIT_CONFIG_NOSYSTEM="1", FAMNUM_SANS_PDF="1",
               GIT_AUTHOR_NAME="Coordination PRE", GIT_AUTHOR_EMAIL="pre@example.org",
               GIT_COMMITTER_NAME="Coordination PRE", GIT_COMMITTER_EMAIL="pre@example.org")
    return subprocess.run([str(env_virtuel / "bin" / "famnum"), *args], cwd=dossier, env=env, capture_output=True,
                          text=True, timeout=900)


def test_le_famnum_installe_est_celui_de_la_roue(famnum_installe, tmp_path):
    fait = subprocess.run([str(famnum_installe / "bin" / "python"), "-c",
                           "import famnum.modele as m, famnum.site.generation as g; print(m.racine()); print(g.__file__)"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert fait.returncode == 0, fait.stderr
    for ligne in fait.stdout.split():
        assert Path(ligne).is_relative_to(famnum_installe) and not Path(ligne).is_relative_to(DEPOT), ligne


def test_init_depuis_la_roue(famnum_installe, tmp_path):
    racine = tmp_path / "territoire"
    subprocess.run(["git", "init", "-q", "-b", "main", str(racine)], check=True)
    fait = executer(famnum_installe, racine, "init")
    assert fait.returncode == 0, fait.stdout + fait.stderr
    assert "Traceback" not in fait.stdout + fait.stderr and "Territoire créé" in fait.stdout
    for chemin in ("data/schemas/famille.schema.json", "data/attribution.yaml", "content/index.md", "mkdocs.yml"):
        assert (racine / chemin).is_file(), chemin


def test_demo_depuis_la_roue(famnum_installe, tmp_path):
    fait = executer(famnum_installe, tmp_path, "demo", "--familles", "40", "--dossier", "demo")
    sortie = fait.stdout + fait.stderr
    assert fait.returncode == 0, sortie[-4000:]
    assert "Traceback" not in sortie and "Site construit" in sortie
    site = tmp_path / "demo" / "territoire" / "site"
    assert (site / "index.html").is_file() and (site / "evaluation" / "index.html").is_file()
    assert not (DEPOT / "scripts" / "famnum" / "modele" / "site").exists()
