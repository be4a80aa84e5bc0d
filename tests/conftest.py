"""Shared fixtures: a territory in a temporary git repository, opened with a key made for the test.

Scheduling (issue 18, the suite's time): the tests marked ``site_partage`` read the site built once per
session (``annee_fictive.site_de_test``, about a minute). When a session collects any of them, it starts
that build in the background at once (the controller, under xdist), and those tests run last: the
workers run every other test meanwhile instead of waiting for the build's lock. The tests marked ``lent`` run
first, so that no long test is left alone at the end.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from famnum import vault
from famnum.dossiers import Coffre
from famnum.territoire import initialiser

from fabrique import git_init


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


@pytest.fixture
def identite(tmp_path, monkeypatch):
    """A personal key outside the repository, as `famnum cles creer` makes it."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("FAMNUM_IDENTITE", raising=False)
    chemin = tmp_path / "config" / "famnum" / "identite.txt"
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(chemin))
    cle = vault.generer_identite()
    vault.enregistrer_identite(cle, chemin, "test")
    return cle


@pytest.fixture
def creation(tmp_path, identite, monkeypatch):
    racine = tmp_path / "territoire"
    racine.mkdir()
    git_init(racine)
    creation = initialiser(racine, vierge=False)  # Le Mans's schools and QPV: the tests' families live there
    monkeypatch.chdir(racine)
    return creation


@pytest.fixture
def territoire(creation):
    return creation.territoire


@pytest.fixture
def coffre(territoire):
    return Coffre(territoire)
