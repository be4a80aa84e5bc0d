"""Shared fixtures: a territory in a temporary git repository, opened with a key made for the test.

Scheduling (issue 18, the suite's time): the tests marked ``site_partage`` read the site built once per
session (``annee_fictive.site_de_test``, about a minute). When a session collects any of them, it starts
that build in the background at once (the controller, under xdist), and those tests run last: the
workers run every other test meanwhile instead of waiting for the build's lock. The tests marked ``lent`` run
first, so that no long test is left alone at the end.

Temporary files (issue 18): the suite writes gigabytes of small files (a territory per test, the site
builds); on a disk that is minutes of waiting for writeback. When nothing says where they go (no
--basetemp, no TMPDIR, no PYTEST_DEBUG_TEMPROOT) and /dev/shm is a tmpfs with room, the run's temp root
is there, in memory; pytest still numbers and locks it per run, so two checkouts testing at once keep
their own. A passing test's tmp_path is removed at once, and the run's folder at the end if all passed
(tmp_path_retention_policy in pyproject.toml): a failure's files stay for reading.
"""
from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from famnum import vault
from famnum.dossiers import Coffre
from famnum.territoire import Creation, initialiser
from famnum.verification import verifier_tout
from famnum.workspace import Territoire

from fabrique import git_init
from roue import famnum_installe  # noqa: F401 (fixture: the wheel installed once per session)


EN_MEMOIRE = Path("/dev/shm")
PLACE_EN_MEMOIRE = 6 * 2**30  # bytes free on the tmpfs: the largest run holds about 2.5 GB at once
AILLEURS = ("TMPDIR", "PYTEST_DEBUG_TEMPROOT")  # a place the person chose: never overridden


def racine_en_memoire(environ: dict, montages: str, libre: int) -> Path | None:
    """/dev/shm when no variable names another place, it is a tmpfs (`montages`, as /proc/self/mounts
    lists them) and `libre` bytes are enough; else None (pytest's usual temp folder)."""
    if any(environ.get(variable) for variable in AILLEURS):
        return None
    tmpfs = any(ligne.split()[1:3] == [str(EN_MEMOIRE), "tmpfs"] for ligne in montages.splitlines())
    return EN_MEMOIRE if tmpfs and libre >= PLACE_EN_MEMOIRE else None


def _place_libre(dossier: Path) -> int:
    etat = os.statvfs(dossier)
    return etat.f_bavail * etat.f_frsize if os.access(dossier, os.W_OK) else 0


def reglages_du_shell(environ: dict, locales_de_git: list[str]) -> list[str]:
    """The variables of `environ` that would point a test elsewhere than where it works: famnum's settings
    (FAMNUM_*: the README has the demo's territory and key exported after `make demo`) and git's variables
    that choose a repository, an index or a config (`git rev-parse --local-env-vars`: set when the tests
    run from a git hook)."""
    return sorted(v for v in environ if v.startswith("FAMNUM_") or v in locales_de_git)


def _sans_reglages_du_shell() -> None:
    """Each test sets what it needs: none inherits the shell's famnum or git settings, nor do the processes
    it starts (the workers, the shared site's build) which copy this environment."""
    locales = subprocess.run(["git", "rev-parse", "--local-env-vars"], capture_output=True, text=True,
                             check=True).stdout.split()
    for variable in reglages_du_shell(os.environ, locales):
        del os.environ[variable]


def pytest_configure(config: pytest.Config) -> None:
    """The shell's famnum and git settings are dropped (`reglages_du_shell`). The controller (or a lone
    process) puts the run's temp root in memory when it may: the workers get their folders inside it
    from xdist."""
    _sans_reglages_du_shell()
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.basetemp:
        return
    try:
        racine = racine_en_memoire(os.environ, Path("/proc/self/mounts").read_text(), _place_libre(EN_MEMOIRE))
    except OSError:  # not Linux
        return
    if racine is not None:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(racine)


CONSTRUCTION = pytest.StashKey[subprocess.Popen]()
DEMANDE = "construction-demandee"  # written by a worker that collected a test of the shared site


def _rang(item: pytest.Item) -> int:
    """Slow tests first, the shared site's last (its slow ones first among them)."""
    lent = item.get_closest_marker("lent") is None
    return 2 * (item.get_closest_marker("site_partage") is not None) + lent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_rang)  # stable: each file's tests stay together and in their order


def _partage(config: pytest.Config) -> Path:
    from famnum.site import construction

    return construction.dossier_partage(config._tmp_path_factory.getbasetemp())


@pytest.hookimpl(tryfirst=True)  # before xdist tells the controller that this worker's collection is done
def pytest_collection_finish(session: pytest.Session) -> None:
    """A session that will run a test of the shared site builds it in the background from now on: this
    process, or under xdist the controller, which lives until the last worker is done (a worker is shut
    down as soon as no file is left for it, maybe before the others read the site)."""
    config = session.config
    if config.option.collectonly or not any(i.get_closest_marker("site_partage") for i in session.items):
        return
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _partage(config).mkdir(parents=True, exist_ok=True)
        (_partage(config) / DEMANDE).touch()
    else:
        _construire_en_arriere_plan(config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids) -> None:
    """The controller, once a worker has collected: start the build if the worker asked for it."""
    if (_partage(node.config) / DEMANDE).exists() and CONSTRUCTION not in node.config.stash:
        _construire_en_arriere_plan(node.config)


def _construire_en_arriere_plan(config: pytest.Config) -> None:
    from famnum.site import construction

    partage = _partage(config)
    partage.mkdir(parents=True, exist_ok=True)
    with open(partage / "construction-en-arriere-plan.log", "w") as journal:
        config.stash[CONSTRUCTION] = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("annee_fictive.py")), str(partage)],
            cwd=construction.RACINE, stdout=journal, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    """A session that ends before the build (interrupted, stopped at a first failure) stops it."""
    processus = config.stash.get(CONSTRUCTION, None)
    if processus is not None and processus.poll() is None:
        os.killpg(processus.pid, signal.SIGTERM)  # its own session: the build's mkdocs process too
        processus.wait(timeout=30)


@pytest.fixture(autouse=True)
def hors_ci(monkeypatch):
    """Tests behave the same on a laptop and in CI: CI=true changes what reports print (ids masked),
    so the tests that check that set it themselves."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture(scope="session")
def cle_de_test():
    """The personal key of this process's tests: one per worker, so that a territory made once can be
    copied for each test (see `creation`)."""
    return vault.generer_identite()


def _installer_identite(cle, config: Path, monkeypatch) -> Path:
    """The key written where `famnum cles creer` writes it, under `config`, and famnum pointed there."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("FAMNUM_IDENTITE", raising=False)
    chemin = config / "famnum" / "identite.txt"
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(chemin))
    vault.enregistrer_identite(cle, chemin, "test")
    return chemin


@pytest.fixture
def identite(tmp_path, monkeypatch, cle_de_test):
    """A personal key outside the repository, as `famnum cles creer` makes it, in the test's own folder."""
    _installer_identite(cle_de_test, tmp_path / "config", monkeypatch)
    return cle_de_test


@pytest.fixture(scope="session")
def territoire_modele(tmp_path_factory, cle_de_test) -> Creation:
    """A territory made once per worker by famnum's own init, with Le Mans's schools and QPV (the tests'
    families live there), for the key `cle_de_test`, checked once by `famnum verifier` (which keeps the
    index of its texts in build/cache/, as on a steward's machine); each test works on its own copy."""
    base = tmp_path_factory.mktemp("territoire-modele")
    racine = base / "territoire"
    racine.mkdir()
    git_init(racine)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _installer_identite(cle_de_test, base / "config", monkeypatch)
        creation = initialiser(racine, vierge=False)
        verifier_tout(Coffre(creation.territoire), processus=1, garder=False)  # its texts' index, in build/cache/
    return creation


@pytest.fixture
def creation(tmp_path, identite, monkeypatch, territoire_modele):
    """A copy of the worker's model territory, in the test's folder: `cp -a` and git's first look at the
    copy cost 0.06 CPU-s where an init costs 0.22 (0.8 on a disk)."""
    racine = tmp_path / "territoire"
    subprocess.run(["cp", "-a", str(territoire_modele.territoire.racine), str(racine)], check=True)
    monkeypatch.chdir(racine)
    return dataclasses.replace(territoire_modele, territoire=Territoire(racine.resolve()))


@pytest.fixture
def territoire(creation):
    return creation.territoire


@pytest.fixture
def coffre(territoire):
    return Coffre(territoire)
