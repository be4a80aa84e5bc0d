"""famnum installed from its built wheel, outside its repository (issue 18, point 6): the model (schemas,
reference tables, grids, site sources) is package data, so `famnum init`, `famnum demo` and the site work
in a fresh virtual environment, from a folder that is not famnum's repository. The wheel is built and
installed once per session (tests/roue.py): test_parcours_territoire's first `famnum publier` runs from it
too, and builds the site of a territory made by init in every language.

`famnum demo` (319 fictitious families) runs once, from the wheel, for this file: its checks (issue 3: the
demo end to end; issue 12: the lines it ends with) read what the installed famnum wrote."""
from __future__ import annotations

import os
import shlex
import subprocess
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement  # pytest's own dependency

from famnum.cli import main
from famnum.dossiers import Coffre
from famnum.territoire import modele
from famnum.workspace import Territoire

from fabrique import lignes_du_tableau, refus
from roue import DEPOT

pytestmark = pytest.mark.lent


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


def fichiers_du_paquet(dossier: Path) -> dict[str, bytes]:
    """Every file of the famnum package below `dossier` (the model's links followed), by relative path."""
    fichiers = {}
    for parent, sous_dossiers, noms in os.walk(dossier, followlinks=True):
        sous_dossiers[:] = [d for d in sous_dossiers if d != "__pycache__"]
        fichiers.update({str(Path(parent, nom).relative_to(dossier)): Path(parent, nom).read_bytes() for nom in noms})
    return fichiers


def test_la_roue_porte_chaque_fichier_du_paquet(famnum_installe):
    """Every file of scripts/famnum/ (code, templates, catalogues, and the model its links point to) is in the
    installed package, the same bytes: a new data file that pyproject.toml's package-data forgets is named. And
    nothing else: a module removed or renamed, that an earlier build left in the checkout, is not shipped."""
    installe = next((famnum_installe / "lib").glob("python3*/site-packages/famnum"))
    attendus, trouves = fichiers_du_paquet(DEPOT / "scripts" / "famnum"), fichiers_du_paquet(installe)
    assert sorted(attendus.keys() - trouves.keys()) == []
    assert sorted(trouves.keys() - attendus.keys()) == []
    assert [nom for nom in attendus if attendus[nom] != trouves[nom]] == []


def test_init_depuis_la_roue(famnum_installe, tmp_path):
    """A territory made by the installed famnum. Its site built by the installed famnum, in every language
    (the pages, templates, catalogues and assets the site takes from the package): the first `famnum
    publier` of test_parcours_territoire, on a territory made by init, runs from this wheel."""
    racine = tmp_path / "territoire"
    subprocess.run(["git", "init", "-q", "-b", "main", str(racine)], check=True)
    fait = executer(famnum_installe, racine, "init")
    assert fait.returncode == 0, fait.stdout + fait.stderr
    assert "Traceback" not in fait.stdout + fait.stderr and "Territoire créé" in fait.stdout
    for chemin in ("data/schemas/famille.schema.json", "data/attribution.yaml", "content/index.md", "mkdocs.yml"):
        assert (racine / chemin).is_file(), chemin


@pytest.fixture(scope="module")
def demo_installee(famnum_installe, tmp_path_factory) -> tuple[Territoire, str]:
    """`famnum demo` run once by the installed famnum, from a folder outside the repository, without its site
    (test_parcours_territoire builds one from the wheel): the territory and what it printed."""
    dossier = tmp_path_factory.mktemp("demo")
    fait = executer(famnum_installe, dossier, "demo", "--sans-site", "--dossier", "demo")
    sortie = fait.stdout + fait.stderr
    assert fait.returncode == 0 and "Traceback" not in sortie, sortie[-4000:]
    return Territoire(dossier / "demo" / "territoire"), fait.stdout


@pytest.fixture
def cle_de_la_demo(demo_installee, monkeypatch, tmp_path):
    """This process opens the demo territory with the demo's own key, as the end of `famnum demo` says."""
    territoire, _ = demo_installee
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("FAMNUM_IDENTITE", raising=False)
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(territoire.cle_de_demo))
    return territoire


def test_la_demo_de_bout_en_bout(demo_installee, cle_de_la_demo):
    """`famnum demo`: 319 fictitious families, deterministic, verified, census printed, no key committed."""
    territoire, sortie = demo_installee
    assert sortie.count("DONNÉES FICTIVES") >= 2
    assert "319 dossiers fictifs chiffrés et commités" in sortie
    assert "Vérification : tout est en ordre (319 dossiers lus)" in sortie
    lignes = lignes_du_tableau(sortie)
    assert ["Établissement non renseigné", "1"] in lignes
    assert ["Total", "319", "318"] in lignes  # the families counted, beside the 2020 forecast
    suivis = subprocess.run(["git", "-C", str(territoire.racine), "ls-files"], capture_output=True, text=True).stdout
    assert "identite" not in suivis
    contenu = subprocess.run(["git", "-C", str(territoire.racine), "grep", "-I", "-l", "AGE-SECRET-KEY" + "-1"],
                             capture_output=True, text=True).stdout
    assert contenu == ""
    lecture = Coffre(territoire).lire_tous()
    telephones = [r["telephone"] for d in lecture.dossiers.values() for r in d["fiche"]["representants_legaux"]]
    assert all(t.startswith(("+3363998", "+3319900")) for t in telephones)  # ARCEP fiction ranges only
    from famnum.attribution.parc import etat_du_parc, verifier_stock
    from famnum.attribution.stock import charger_stock

    stock = charger_stock(territoire)
    assert verifier_stock(lecture.dossiers, stock, "materiels.csv") == []  # each device in exactly one place
    assert sum(a.etat == "pret" for a in etat_du_parc(stock, lecture.dossiers)) > 0
    # the year of deliveries never wrote the public stock file: it is the model's, as init copied it
    assert (territoire.referentiels / "materiels.csv").read_bytes() == (modele() / "data/referentiels/materiels.csv").read_bytes()
    # one decision letter of each kind, marked fictitious on its first line
    from pypdf import PdfReader

    lettres = sorted(territoire.prive.glob("lettre-decision-F-*.pdf"))
    assert len(lettres) == 2 and (territoire.prive / "lettres-decision-demo-2026-11-16.pdf").is_file()  # granted, refused
    textes = [" ".join(PdfReader(l).pages[0].extract_text().split()) for l in lettres]
    assert all(t.startswith("DONNÉES FICTIVES") for t in textes), [t[:80] for t in textes]
    assert any("accordée" in t for t in textes) and any("famille équipée entre-temps" in t for t in textes)


def test_la_fin_de_la_demo_dit_comment_essayer_chaque_commande(demo_installee, monkeypatch, tmp_path):
    """Issue 12, point 10: the lines printed at the end of `famnum demo`, typed as they are from another
    folder, open the demo territory; without the key, the error says which key to use."""
    _, sortie = demo_installee
    for variable in ("FAMNUM_TERRITOIRE", "FAMNUM_IDENTITE_FICHIER", "FAMNUM_IDENTITE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    exports = dict(shlex.split(l.strip())[1].split("=", 1) for l in sortie.splitlines() if l.strip().startswith("export "))
    assert set(exports) == {"FAMNUM_TERRITOIRE", "FAMNUM_IDENTITE_FICHIER"}
    assert "familles lister" in sortie and "expliquer <identifiant>" in sortie

    monkeypatch.setenv("FAMNUM_TERRITOIRE", exports["FAMNUM_TERRITOIRE"])
    sans_cle = CliRunner().invoke(main, ["familles", "lister"])
    assert sans_cle.exit_code == 1 and refus(sans_cle).code == "cles.demo_sans_cle"
    assert sans_cle.output.count("À faire") == 1  # the demo's fix, not also the one of a missing key
    assert f"export FAMNUM_IDENTITE_FICHIER={exports['FAMNUM_IDENTITE_FICHIER']}" in sans_cle.output

    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", exports["FAMNUM_IDENTITE_FICHIER"])
    liste = CliRunner().invoke(main, ["familles", "lister"])
    assert liste.exit_code == 0 and liste.output.count("F-") == 319, liste.output[-2000:]
