"""Shared fixtures: a territory in a temporary git repository, opened with a key made for the test."""
from __future__ import annotations

import pytest

from famnum import vault
from famnum.dossiers import Coffre
from famnum.territoire import initialiser

from fabrique import git_init


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
