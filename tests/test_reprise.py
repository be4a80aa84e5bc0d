"""The kill campaign: famnum killed with SIGKILL at the k-th rename() (strace's fault injection),
inside `git add` and `git commit`, during re-encryption, rotation and erasure; each time, ONE famnum
command (`famnum verifier`) must bring the territory back to a clean, verified, committed state.

A small territory made by `famnum init` (not the demo): four dossiers at different stages, one
erased family's anonymous remainder. Each point works on its own copy."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from famnum import rgpd, vault
from famnum.cli import main
from famnum.dossiers import Coffre, evenement
from famnum.territoire import initialiser
from famnum.verification import verifier_tout

from fabrique import dossier, git_init, git_log

STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(not STRACE, reason="strace (scripts/systeme/installer.sh l'installe)")
FAMNUM = str(Path(sys.executable).with_name("famnum"))
RENOMMAGES = "rename,renameat,renameat2"
DOSSIERS, RESTES = 4, 1
# famnum's own renames in a re-encryption: the intent file, every dossier, remainder, the pseudonym
# key and destinataires.txt (a rotation adds the steward's new key file, after the commit)
RENOMMAGES_RECHIFFREMENT = 1 + DOSSIERS + RESTES + 2
NOUVELLE_CLE = str(vault.generer_identite().to_public())

# a stand-in for git (GitPython runs GIT_PYTHON_GIT_EXECUTABLE): for one subcommand, it kills famnum
# (its parent) and/or lets strace kill git itself at its first rename, index.lock → index
FAUX_GIT = """#!/bin/sh
if [ "$1" = "$FAMNUM_TUER_GIT" ]; then
  exec 2>/dev/null  # the shell's own « Killed » would hit a pipe nobody reads once famnum is dead
  trap '' PIPE
  [ -n "$FAMNUM_TUER_PARENT" ] && kill -9 $PPID
  {strace} -f -qq -o /dev/null -e trace={r} -e inject={r}:signal=KILL:when={k} git "$@"
  code=$?
  touch "$FAMNUM_GIT_FINI"
  exit $code
fi
exec git "$@"
"""


@pytest.fixture(scope="module")
def modele(tmp_path_factory):
    """A territory with dossiers at several stages and one erased family, and its steward's key; checked
    once, so that each copy has the index of its texts (the recovery's `famnum verifier` then indexes them
    again only when the command changed one, as on a steward's machine)."""
    base = tmp_path_factory.mktemp("reprise")
    config, racine = base / "config", base / "territoire"
    with pytest.MonkeyPatch.context() as m:
        m.setenv("XDG_CONFIG_HOME", str(config))
        m.setenv("FAMNUM_IDENTITE_FICHIER", str(config / "famnum" / "identite.txt"))
        m.delenv("FAMNUM_IDENTITE", raising=False)
        vault.enregistrer_identite(vault.generer_identite(), config / "famnum" / "identite.txt", "test")
        racine.mkdir()
        git_init(racine)
        coffre = Coffre(initialiser(racine, vierge=False).territoire)  # the families live in Le Mans
        familles = [dossier() for _ in range(DOSSIERS + RESTES)]
        familles[0]["journal"] = [evenement("recensement", "référente PRE")]
        familles[2]["journal"].append(evenement("preconisation", "référente PRE"))
        coffre.enregistrer(familles, "Familles de test")
        rgpd.effacer(Coffre(coffre.territoire), {familles[-1]["id"]: familles[-1]}, "demande")
        verifier_tout(Coffre(coffre.territoire), processus=1, garder=False)  # its texts' index, in build/cache/
    faux_git = base / "faux-git"
    faux_git.write_text(FAUX_GIT.format(strace=STRACE, r=RENOMMAGES, k="${FAMNUM_TUER_GIT_AU:-1}"))
    faux_git.chmod(0o755)
    return base


@pytest.fixture
def copie(modele, tmp_path):
    """The model's own copy for one test: `cp -a` (0.02 CPU-s; shutil.copytree, a Python call per file of the
    repository, 0.06)."""
    subprocess.run(["cp", "-a", str(modele), str(tmp_path / "c")], check=True)
    return tmp_path / "c"


def _env(base: Path, **plus) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAMNUM_", "GIT_"))}
    return {**env, "XDG_CONFIG_HOME": str(base / "config"), "HOME": str(base),
            "FAMNUM_IDENTITE_FICHIER": str(base / "config" / "famnum" / "identite.txt"), **plus}


def _famnum(base: Path, *arguments: str, avant: tuple[str, ...] = (), **env) -> subprocess.CompletedProcess:
    return subprocess.run([*avant, FAMNUM, *arguments], cwd=base / "territoire", env=_env(base, **env),
                          capture_output=True, text=True, timeout=120)


def _famnum_tue_dans_git(base: Path, *arguments: str, sous_commande: str, parent: bool, k: int = 1):
    """famnum with git killed at its k-th rename inside `sous_commande` (and famnum with it if `parent`);
    returns once that git has died (it outlives a killed famnum)."""
    fini = base / "git-fini"
    env = {"GIT_PYTHON_GIT_EXECUTABLE": str(base / "faux-git"), "FAMNUM_TUER_GIT": sous_commande,
           "FAMNUM_TUER_GIT_AU": str(k), "FAMNUM_GIT_FINI": str(fini), "FAMNUM_TUER_PARENT": "1" if parent else ""}
    resultat = _famnum(base, *arguments, **env)
    for _ in range(600):
        if fini.exists():
            return resultat
        time.sleep(0.05)
    raise AssertionError("git n'a pas fini")


def _tuer_au_renommage(k: int) -> tuple[str, ...]:
    return (STRACE, "-f", "-qq", "-o", "/dev/null", "-e", f"trace={RENOMMAGES}",
            "-e", f"inject={RENOMMAGES}:signal=KILL:when={k}")


def _verifier(base: Path) -> Result:
    """`famnum verifier` run by this process (click's runner), in the folder and environment `_famnum` gives
    a command: the recovery is the CLI's own step before any command (cli.commande_sure), as in a new
    process, without the half second of a new interpreter and its imports."""
    env = _env(base)
    with pytest.MonkeyPatch.context() as m:
        for variable in [v for v in os.environ if v not in env]:
            m.delenv(variable)
        for variable, valeur in env.items():
            m.setenv(variable, valeur)
        m.chdir(base / "territoire")
        return CliRunner().invoke(main, ["verifier"])


def _etat_sain(base: Path) -> str:
    """After the one recovery command: verified, committed, nothing left over; returns its stderr."""
    racine = base / "territoire"
    verification = _verifier(base)
    assert verification.exit_code == 0, verification.output + repr(verification.exception)  # no traceback either
    statut = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--ignored=no"], cwd=racine,
                            capture_output=True, text=True, check=True).stdout
    assert statut == "", statut
    assert not (racine / ".git" / "index.lock").exists()
    assert not (racine / ".git" / "famnum" / "operation.json").exists()
    assert not (racine / ".git" / "famnum" / "attente").exists()
    assert not list((racine / "data").rglob("*.tmp"))
    return "\n".join(l for l in verification.stderr.splitlines() if "opération" in l)  # not verifier's own warnings


def _destinataires(base: Path) -> str:
    return (base / "territoire" / "data" / "families" / "destinataires.txt").read_text()


@pytest.mark.parametrize("k", range(1, RENOMMAGES_RECHIFFREMENT + 1))
def test_ajout_d_une_cle_tue_au_k_ieme_renommage(copie, k):
    tuee = _famnum(copie, "cles", "ajouter", NOUVELLE_CLE, "--role", "coordinatrice", avant=_tuer_au_renommage(k))
    assert tuee.returncode in (-9, 137), tuee.stderr
    message = _etat_sain(copie)
    if k == 1:  # killed while writing the intent: nothing in the tree had changed, nothing to say
        assert NOUVELLE_CLE not in _destinataires(copie) and message == ""
    else:  # the intent was on disk: the re-encryption is finished and committed
        assert NOUVELLE_CLE in _destinataires(copie)
        assert "terminée et commitée" in message
        assert git_log(copie / "territoire").splitlines()[0].startswith("Ajout d'un détenteur de clé : rechiffrement")


@pytest.mark.parametrize("sous_commande,parent,k", [("add", True, 1), ("add", False, 1), ("commit", True, 1),
                                                  ("commit", False, 1), ("commit", True, 2)])
def test_ajout_d_une_cle_tue_dans_git(copie, sous_commande, parent, k):
    tuee = _famnum_tue_dans_git(copie, "cles", "ajouter", NOUVELLE_CLE, "--role", "coordinatrice",
                                sous_commande=sous_commande, parent=parent, k=k)
    if parent:
        assert tuee.returncode in (-9, 137)
    else:  # git died under famnum: a French refusal, no traceback, no file name
        assert tuee.returncode == 1 and "Traceback" not in tuee.stderr and ".json.age" not in tuee.stderr
        assert "À faire" in tuee.stderr
    assert list((copie / "territoire" / ".git").glob("*.lock"))  # what git leaves when killed
    message = _etat_sain(copie)
    assert NOUVELLE_CLE in _destinataires(copie)
    # killed at its 2nd rename, git commit had already moved the branch: only the locks are left
    assert ("commitée avant l'interruption" if k == 2 else "terminée et commitée") in message


@pytest.mark.parametrize("k", [1, 2, 5, RENOMMAGES_RECHIFFREMENT, RENOMMAGES_RECHIFFREMENT + 1])
def test_rotation_tuee_au_k_ieme_renommage(copie, k):
    """A rotation cut short before its commit is undone (its new recovery key was never shown); cut
    after, the steward's new key file is put in place: either way the dossiers open."""
    avant = _destinataires(copie)
    tuee = _famnum(copie, "cles", "rotation", "--oui", avant=_tuer_au_renommage(k))
    assert tuee.returncode in (-9, 137), tuee.stderr
    message = _etat_sain(copie)
    if k <= RENOMMAGES_RECHIFFREMENT:
        assert _destinataires(copie) == avant
        assert k == 1 or "annulée" in message
    else:
        assert _destinataires(copie) != avant and "commitée avant l'interruption" in message
    assert not list((copie / "config" / "famnum").glob("*.rotation"))


@pytest.mark.parametrize("k", [1, 2, 3])
def test_effacement_tue_au_k_ieme_renommage(copie, k):
    coffre_avant = subprocess.run(["git", "ls-files", "data/families"], cwd=copie / "territoire",
                                  capture_output=True, text=True).stdout.split()
    (identifiant,) = [Path(f).name[:7] for f in coffre_avant if f.endswith(".json.age")][:1]
    tuee = _famnum(copie, "rgpd", "effacer", identifiant, "--oui", avant=_tuer_au_renommage(k))
    assert tuee.returncode in (-9, 137), tuee.stderr
    _etat_sain(copie)
    reste = (copie / "territoire" / "data" / "families" / f"{identifiant}.json.age").exists()
    assert reste == (k == 1)  # from the intent on, the erasure is finished


def test_effacement_tue_dans_git_add(copie):
    identifiant = sorted(p.name[:7] for p in (copie / "territoire" / "data" / "families").glob("*.json.age"))[0]
    tuee = _famnum_tue_dans_git(copie, "rgpd", "effacer", identifiant, "--oui", sous_commande="add", parent=True)
    assert tuee.returncode in (-9, 137)
    _etat_sain(copie)
    assert not (copie / "territoire" / "data" / "families" / f"{identifiant}.json.age").exists()


@pytest.mark.parametrize("k", [1, 3])
def test_rechiffrement_tue_puis_relance_par_la_meme_commande(copie, k):
    """The same command run again (as the README advises) also recovers, then does its own work."""
    assert _famnum(copie, "cles", "rechiffrer", avant=_tuer_au_renommage(k)).returncode in (-9, 137)
    relance = _famnum(copie, "cles", "rechiffrer")
    assert relance.returncode == 0, relance.stderr
    assert (k == 1) or "terminée et commitée" in relance.stderr
    _etat_sain(copie)


def test_un_index_lock_etranger_est_explique_sans_trace(copie):
    """A lock that famnum did not leave (a git command running in another window): explained, not removed."""
    verrou = copie / "territoire" / ".git" / "index.lock"
    verrou.write_text("")
    refus = _famnum(copie, "cles", "rechiffrer")
    assert refus.returncode == 1 and "index.lock" in refus.stderr and "À faire" in refus.stderr
    assert "Traceback" not in refus.stderr and ".json.age" not in refus.stderr
    assert verrou.exists()


@pytest.mark.parametrize("k", [1, 2, 3])
def test_import_tue_au_k_ieme_renommage(copie, k):
    """An import killed after its intent is finished: the typed list is not lost."""
    liste = copie / "liste.csv"  # outside the territory's repository
    liste.write_text("Nom;Prénom;Né le;École\nAbadie;Lina;01/01/2015;Molière\n"  # not a child of the dossiers there
                     "Ferrandou;Éloïse;03/02/2016;Molière\n", encoding="utf-8")
    avant = len(list((copie / "territoire" / "data" / "families").glob("*.json.age")))
    tuee = _famnum(copie, "importer", str(liste), "--par", "coordinatrice PRE", "--oui", avant=_tuer_au_renommage(k))
    assert tuee.returncode in (-9, 137), tuee.stdout + tuee.stderr
    _etat_sain(copie)
    apres = len(list((copie / "territoire" / "data" / "families").glob("*.json.age")))
    assert apres == avant + (0 if k == 1 else 2)


def test_rotation_tuee_dans_git_commit_est_annulee(copie):
    avant = _destinataires(copie)
    tuee = _famnum_tue_dans_git(copie, "cles", "rotation", "--oui", sous_commande="commit", parent=True)
    assert tuee.returncode in (-9, 137)
    assert "annulée" in _etat_sain(copie) and _destinataires(copie) == avant
