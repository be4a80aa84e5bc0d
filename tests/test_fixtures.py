"""The test infrastructure itself (tests/conftest.py): where a run's files go, and the territory each
test gets."""
from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from famnum.cli import main
from famnum.dossiers import Coffre
from famnum.fuites import Textes
from famnum.workspace import Territoire

from conftest import PLACE_EN_MEMOIRE, racine_en_memoire
from fabrique import dossier, git_log

MONTAGES = """/dev/vda / ext4 rw,relatime 0 0
tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0
"""


def test_les_fichiers_des_tests_vont_en_memoire_quand_rien_ne_dit_ailleurs():
    assert racine_en_memoire({}, MONTAGES, PLACE_EN_MEMOIRE) == Path("/dev/shm")


def test_un_dossier_temporaire_choisi_est_respecte():
    for variable in ("TMPDIR", "PYTEST_DEBUG_TEMPROOT"):
        assert racine_en_memoire({variable: "/srv/tmp"}, MONTAGES, PLACE_EN_MEMOIRE) is None


def test_pas_en_memoire_sans_tmpfs_ni_place():
    assert racine_en_memoire({}, "/dev/vda /dev/shm ext4 rw 0 0\n", PLACE_EN_MEMOIRE) is None
    assert racine_en_memoire({}, MONTAGES, PLACE_EN_MEMOIRE - 1) is None


def test_chaque_test_a_sa_copie_du_territoire_modele(creation, identite, territoire_modele, tmp_path):
    racine = creation.territoire.racine
    assert racine == (tmp_path / "territoire").resolve() and racine != territoire_modele.territoire.racine
    assert creation.cle_publique == str(identite.to_public())  # the test's own key opens its territory
    assert git_log(racine).splitlines()[0] == "Création du territoire famnum"
    coffre = Coffre(creation.territoire)
    famille = dossier()
    coffre.enregistrer([famille], "Nouvelle fiche")
    assert Coffre(Territoire(racine)).lire(famille["id"])["id"] == famille["id"]
    modele = subprocess.run(["git", "status", "--porcelain"], cwd=territoire_modele.territoire.racine,
                            capture_output=True, text=True, check=True).stdout
    assert modele == "" and git_log(territoire_modele.territoire.racine) == "Création du territoire famnum\n\n"


def test_le_territoire_de_chaque_test_a_deja_l_index_de_ses_textes(territoire, monkeypatch):
    """The model was checked once: a test's first `famnum verifier` reads the index of the texts back."""
    indexations, vrai = [], Textes._indexer
    monkeypatch.setattr(Textes, "_indexer", lambda soi, numero, texte: indexations.append(numero) or vrai(soi, numero, texte))
    resultat = CliRunner().invoke(main, ["verifier"])
    assert resultat.exit_code == 0, resultat.output
    assert indexations == [] and (territoire.racine / "build" / "cache" / "textes.bin").is_file()
