"""`famnum init` on a new machine: checked before any key exists, nothing half-made on failure,
the recovery key shown once the territory is committed (issue 12, point 1)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from famnum import depot
from famnum.cli import main
from famnum.territoire import initialiser

from fabrique import refus

VARIABLES_GIT = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL",
                 "XDG_CONFIG_HOME", "FAMNUM_IDENTITE", "FAMNUM_IDENTITE_FICHIER", "GIT_CONFIG_GLOBAL")


@pytest.fixture
def machine_neuve(tmp_path, monkeypatch) -> Path:
    """A fresh HOME where git has no identity: git is told to use only its configuration (as on a machine
    whose host name gives no e-mail address), and there is none."""
    maison = tmp_path / "maison"
    maison.mkdir()
    for variable in VARIABLES_GIT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("HOME", str(maison))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (maison / ".gitconfig").write_text("[user]\n\tuseConfigOnly = true\n[commit]\n\tgpgsign = false\n")
    return maison


def depot_vide(racine: Path) -> Path:
    racine.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(racine)], check=True)
    return racine


def contenu(racine: Path) -> list[str]:
    return sorted(str(p.relative_to(racine)) for p in racine.rglob("*") if ".git" not in p.relative_to(racine).parts)


def donner_identite_git(maison: Path) -> None:
    with open(maison / ".gitconfig", "a") as f:
        f.write("[user]\n\tname = Coordination PRE\n\temail = pre@example.org\n")


def test_sans_identite_git_rien_n_est_ecrit_et_la_commande_dit_quoi_taper(machine_neuve, tmp_path):
    racine = depot_vide(tmp_path / "territoire")
    resultat = CliRunner().invoke(main, ["init", str(racine)])
    assert resultat.exit_code == 1 and [e.code for e in refus(resultat).refus] == ["territoire.identite_git"]
    # the one test of its wording: nothing written, and the git command to type
    assert "git config --global user.name" in resultat.output and "n'a rien écrit" in resultat.output
    assert "Traceback" not in resultat.output
    assert "AGE-SECRET-KEY" not in resultat.output
    assert contenu(racine) == [] and not (machine_neuve / ".config" / "famnum").exists()
    assert subprocess.run(["git", "status", "--porcelain"], cwd=racine, capture_output=True, text=True).stdout == ""

    donner_identite_git(machine_neuve)
    resultat = CliRunner().invoke(main, ["init", str(racine)])
    assert resultat.exit_code == 0, resultat.output
    secours = next(l.strip("| ").strip() for l in resultat.output.splitlines() if "AGE-SECRET-KEY" in l)
    import pyrage

    publique = str(pyrage.x25519.Identity.from_str(secours).to_public())
    assert publique in (racine / "data/families/destinataires.txt").read_text()
    assert (machine_neuve / ".config/famnum/identite.txt").stat().st_mode & 0o777 == 0o600
    assert subprocess.run(["git", "status", "--porcelain"], cwd=racine, capture_output=True, text=True).stdout == ""


def test_un_echec_au_commit_retire_tout_ce_qu_init_a_ecrit(machine_neuve, tmp_path, monkeypatch):
    donner_identite_git(machine_neuve)
    racine = depot_vide(tmp_path / "territoire")

    def coupure(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(depot, "commiter", coupure)
    with pytest.raises(OSError):
        initialiser(racine)
    assert contenu(racine) == [] and not (machine_neuve / ".config" / "famnum" / "identite.txt").exists()
    assert not (racine / ".git" / "hooks" / "pre-commit").exists()
    monkeypatch.undo()


def test_une_cle_qui_ne_peut_pas_etre_ecrite_est_vue_avant_tout(machine_neuve, tmp_path, monkeypatch):
    donner_identite_git(machine_neuve)
    racine = depot_vide(tmp_path / "territoire")
    (tmp_path / "fichier").write_text("pas un dossier")
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(tmp_path / "fichier" / "identite.txt"))
    resultat = CliRunner().invoke(main, ["init", str(racine)])
    assert resultat.exit_code == 1 and [e.code for e in refus(resultat).refus] == ["territoire.cle_non_modifiable"]
    assert "FAMNUM_IDENTITE_FICHIER" in resultat.output  # the message says where to write the key instead
    assert contenu(racine) == []


def test_un_depot_qui_a_deja_un_site_est_refuse_sans_rien_toucher(machine_neuve, tmp_path):
    donner_identite_git(machine_neuve)
    racine = depot_vide(tmp_path / "territoire")
    (racine / "mkdocs.yml").write_text("site_name: le mien\n")
    resultat = CliRunner().invoke(main, ["init", str(racine)])
    assert resultat.exit_code == 1 and [e.code for e in refus(resultat).refus] == ["territoire.fichiers_existants"]
    assert "mkdocs.yml" in resultat.output  # the file init will not overwrite is named
    assert contenu(racine) == ["mkdocs.yml"] and (racine / "mkdocs.yml").read_text() == "site_name: le mien\n"


# --- a new territory starts blank (issue 12, point 2) -------------------------------------------------

def territoire_vierge(machine_neuve, tmp_path):
    donner_identite_git(machine_neuve)
    racine = depot_vide(tmp_path / "territoire")
    resultat = CliRunner().invoke(main, ["init", str(racine)])
    assert resultat.exit_code == 0, resultat.output
    return racine, resultat.output


def test_un_nouveau_territoire_n_herite_pas_du_mans(machine_neuve, tmp_path):
    racine, sortie = territoire_vierge(machine_neuve, tmp_path)
    referentiels = racine / "data" / "referentiels"
    assert (referentiels / "materiels.csv").read_text().splitlines() == ["inventaire,type,source,modele,numero_serie,etat,etat_depuis"]
    assert len((referentiels / "etablissements.csv").read_text().splitlines()) == 1
    assert [l.split(",")[0] for l in (referentiels / "qpv.csv").read_text().splitlines()[1:]] == ["hors-qpv"]
    grille = (racine / "data" / "attribution.yaml").read_text()
    assert "247847" not in grille.replace("# ", "#").split("#")[0] and "achats: 0" in grille
    assert "Exemple (Le Mans, 2020)" in grille  # the example stays, as a comment
    assert "Le Mans Métropole" not in (racine / "mkdocs.yml").read_text()
    for attendu in ("À remplir par le territoire", "data/referentiels/qpv.csv", "data/referentiels/etablissements.csv",
                    "data/referentiels/materiels.csv", "budget à zéro", "mkdocs.yml"):
        assert attendu in sortie, attendu


def test_proposer_ne_puise_pas_dans_un_stock_qui_n_est_pas_le_sien(machine_neuve, tmp_path, monkeypatch):
    racine, _ = territoire_vierge(machine_neuve, tmp_path)
    monkeypatch.chdir(racine)
    resultat = CliRunner().invoke(main, ["attribution", "proposer"])
    assert resultat.exit_code != 0 and refus(resultat).code == "proposition.rien_a_attribuer"
    assert "DSI-0001" not in resultat.output


def test_verifier_previent_sans_echouer_tant_qu_il_reste_a_remplir(machine_neuve, tmp_path, monkeypatch):
    from territoire_neuf import remplir

    racine, _ = territoire_vierge(machine_neuve, tmp_path)
    monkeypatch.chdir(racine)
    resultat = CliRunner().invoke(main, ["verifier", "--json"])  # the codes; their wording is read in famnum init's list
    rapport = json.loads(resultat.output)
    assert resultat.exit_code == 0 and rapport["valide"] and rapport["compteurs"]["dossiers"] == 0
    assert ("data/referentiels/materiels.csv", "vierge.stock_vide") in [(a["fichier"], a["code"]) for a in rapport["avertissements"]]
    remplir(racine)
    resultat = CliRunner().invoke(main, ["verifier", "--json"])
    assert resultat.exit_code == 0 and json.loads(resultat.output)["avertissements"] == [], resultat.output
