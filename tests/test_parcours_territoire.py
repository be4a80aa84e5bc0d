"""A real territory's first weeks, from an empty repository on a fresh machine to its first publications
(issue 12, acceptance): no git identity at first, keys, the territory's own data, a census import, the
diagnostic interviews (`famille completer`), verifier, census, proposal, commission, decisions, a delivery,
a follow-up, `publier` before any period has ended and again after one, `expliquer`, an RGPD export and an
erasure. Every output is French, never a traceback, and the figures of each step are checked.

The first `publier` is run by famnum installed from its built wheel in a fresh venv (issue 18, point 6):
the site it builds in every language is the one the wheel's package data must make."""
from __future__ import annotations

import csv
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import famnum.cli.familles as familles_cli
from famnum.cli import main
from famnum.collecte.terminal import Console

from fabrique import refus
from roue import DEPOT
from territoire_neuf import ENTRETIEN, NB_APPAREILS, Repondeur, remplir
from test_territoire_init import depot_vide, donner_identite_git, machine_neuve  # noqa: F401 (fixture)

pytestmark = pytest.mark.lent

ANGLAIS = ("Traceback", "Error:", "Usage:", "Aborted", "Show this message", "Exception", "KeyError", "Try '")
NOMS = ["Quillembois", "Brindacier", "Tournesol", "Labulle", "Castafiore", "Lampion", "Séraphin", "Rastapopoulos",
        "Alcazar", "Tapioca", "Wagner", "Rackham", "Haddock", "Calys"]
A_DIAGNOSTIQUER = 12  # of the 14 families counted; two stay census-only


def liste_de_recensement(dossier) -> str:
    """What a school sends: one line per child, its own column titles, phones as dictated (fiction range)."""
    chemin = dossier / "liste-ecoles.csv"
    with open(chemin, "w", encoding="utf-8", newline="") as f:
        ecrire = csv.writer(f, delimiter=";")
        ecrire.writerow(["Nom", "Prénom", "Date de naissance", "Établissement", "Classe", "Responsable légal", "Téléphone"])
        for i, nom in enumerate(NOMS):
            ecole, classe = (("École élémentaire Jean Zay", "CM2") if i % 2 == 0 else ("Collège Lucie Aubrac", "6e"))
            ecrire.writerow([nom, "Camille", f"{10 + i % 17:02d}/03/2015", ecole, classe, f"Dominique {nom}",
                             f"06 39 98 {70 + i // 10}{i % 10} 1{i % 10}"])
    return str(chemin)


class Parcours:
    def __init__(self, racine, monkeypatch):
        self.racine = racine
        monkeypatch.chdir(racine)

    def famnum(self, *args: str, code: int = 0, entree: str | None = None) -> str:
        resultat = CliRunner().invoke(main, list(args), input=entree)
        self._en_francais(args, resultat.exit_code, code, resultat.output)
        if resultat.exception and not isinstance(resultat.exception, SystemExit):
            raise resultat.exception
        return resultat.output

    def famnum_de_la_roue(self, env_virtuel: Path, *args: str) -> str:
        """The command run by the famnum installed in `env_virtuel`, in its own process, in this territory
        with this test's environment (its HOME, key and git identity)."""
        fait = subprocess.run([str(env_virtuel / "bin" / "famnum"), *args], cwd=self.racine, env=dict(os.environ),
                              capture_output=True, text=True, timeout=600)
        self._en_francais(args, fait.returncode, 0, fait.stdout + fait.stderr)
        return fait.stdout + fait.stderr

    @staticmethod
    def _en_francais(args: tuple[str, ...], obtenu: int, attendu: int, sortie: str) -> None:
        assert obtenu == attendu, f"famnum {' '.join(args)} → {obtenu}\n{sortie[-3000:]}"
        assert not any(mot in sortie for mot in ANGLAIS), f"famnum {' '.join(args)} :\n{sortie[-3000:]}"

    def identifiants(self, statut: str | None = None) -> list[str]:
        sortie = self.famnum("familles", "lister", *(["--statut", statut] if statut else []))
        return re.findall(r"^(F-[2-9A-HJ-NP-Z]{5})", sortie, flags=re.M)


def test_les_premieres_semaines_d_un_territoire(machine_neuve, famnum_installe, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("FAMNUM_SANS_PDF", "1")
    racine = depot_vide(tmp_path / "val-fleuri")

    # 1. init without a git identity: refused, nothing written; then with one
    sans_identite = CliRunner().invoke(main, ["init", str(racine)])
    assert sans_identite.exit_code == 1 and [e.code for e in refus(sans_identite).refus] == ["territoire.identite_git"]
    assert [p.name for p in racine.iterdir()] == [".git"]
    donner_identite_git(machine_neuve)
    p = Parcours(racine, monkeypatch)
    sortie = p.famnum("init")
    assert sortie.count("AGE-SECRET-KEY-1") == 1 and "À remplir par le territoire" in sortie

    # 2. keys: a colleague's key, made elsewhere, given access
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(tmp_path / "collegue.txt"))
    publique = re.search(r"age1[0-9a-z]{58}", p.famnum("cles", "creer")).group(0)
    monkeypatch.delenv("FAMNUM_IDENTITE_FICHIER")
    p.famnum("cles", "ajouter", publique, "--role", "référente de parcours PRE")
    assert p.famnum("cles", "lister").count("age1") == 3

    # 3. the territory's own data, then verifier has nothing left to warn about
    remplir(racine)
    assert "Attention" not in p.famnum("verifier")

    # 4. the census lists, dated 1 October: 14 families, census-only
    sortie = p.famnum("importer", liste_de_recensement(tmp_path), "--source", "ecoles-val-fleuri", "--type", "ecole",
                      "--par", "coordination PRE", "--date", "01/10/2026", "--oui")
    assert "14 dossiers créés" in sortie
    recensees = p.identifiants("recense")
    assert len(recensees) == 14
    expliquer = CliRunner().invoke(main, ["expliquer", recensees[0]])
    assert expliquer.exit_code == 1 and refus(expliquer).code == "explication.seulement_recensee"
    sortie = p.famnum("recensement")
    assert re.search(r"École élémentaire Jean Zay\s+7\b", sortie) and re.search(r"Collège Lucie Aubrac\s+7\b", sortie)

    # 5. publier before any period has ended (today is before the end of the census's quarter), by the famnum
    # installed from the wheel: the site in every language, from the package's data only
    sortie = p.famnum_de_la_roue(famnum_installe, "publier", "--au", "15/12/2026")
    assert "Aucune période terminée" in sortie and sortie.count("Publié") == 1
    assert "Publication prête" not in sortie and "site/index.html" in sortie  # one closing line, the site's page
    assert "Aucune évaluation n'est encore publiée" in (racine / "site/evaluation/index.html").read_text(encoding="utf-8")
    for langue in ("", "ar/", "tr/", "en/"):
        for page in ("index.html", "evaluation/index.html", "tutoriels/index.html"):
            assert (racine / "site" / langue / page).is_file(), langue + page
    assert not (DEPOT / "scripts" / "famnum" / "modele" / "site").exists()

    # 6. the diagnostic interviews, asking only what each census line did not bring
    for identifiant in recensees[:A_DIAGNOSTIQUER]:
        repondeur = Repondeur(ENTRETIEN)
        monkeypatch.setattr(familles_cli, "_console", lambda r=repondeur: Console(demander=r, ecrire=lambda texte: None))
        sortie = p.famnum("famille", "completer", identifiant, "--par", "référente de parcours PRE", entree="o\n")
        assert "Recensée" in sortie and "enregistré" in sortie
        assert not any("Prénom de l'enfant" in q for q in repondeur.posees)  # the list gave it
    assert len(p.identifiants("diagnostique")) == A_DIAGNOSTIQUER
    assert "Tout est en ordre (14 dossiers lus)" in p.famnum("verifier")

    # 7. the proposal: 6 laptops in stock, 5 bought (3 000 € at 600 €), 1 family waiting, 2 not yet interviewed
    sortie = p.famnum("attribution", "proposer", "--date", "20/11/2026")
    assert "2 familles seulement recensées" in sortie
    sortie = p.famnum("attribution", "commission", "--date", "20/11/2026")
    fichier = racine / "build/private/decisions-2026-11-20.yaml"
    modele = fichier.read_text(encoding="utf-8")
    assert modele.count("avis: accorde") == NB_APPAREILS + 5 and modele.count("avis: ajourne") == 1
    sortie = p.famnum("attribution", "decider", "--fichier", str(fichier))
    assert len(p.identifiants("accorde")) == 11 and len(p.identifiants("ajourne")) == 1

    # 8. a delivery from the stock, and its follow-up at delivery (T0)
    equipee = p.identifiants("accorde")[0]
    dossier = p.famnum("famille", "voir", equipee)
    inventaire = next(i for i in (f"VF-{n:04d}" for n in range(1, NB_APPAREILS + 1)) if i in dossier) if "VF-" in dossier \
        else None
    if inventaire is None:  # this family's laptop is a purchase: deliver to one holding a stock device
        for autre in p.identifiants("accorde"):
            vue = p.famnum("famille", "voir", autre)
            trouve = re.search(r"VF-\d{4}", vue)
            if trouve:
                equipee, inventaire = autre, trouve.group(0)
                break
    stock = (racine / "data/referentiels/materiels.csv").read_bytes()
    p.famnum("livrer", equipee, "--materiel", inventaire, "--lieu", "domicile", "--date", "25/11/2026")
    assert (racine / "data/referentiels/materiels.csv").read_bytes() == stock  # who has it: in the dossier only
    parc = p.famnum("stock", "--appareils")
    assert "1 chez une famille" in parc and re.search(rf"^{inventaire}\s.*chez une famille$", parc, flags=re.M)
    p.famnum("suivi", equipee, "--date", "25/11/2026", "--par", "référente de parcours PRE", entree="1\nn\nn\no\n")
    assert p.identifiants("equipe") == [equipee]

    # 9. expliquer follows the decision
    sortie = p.famnum("expliquer", equipee)
    assert "La commission du 20/11/2026 a accordé l'équipement" in sortie and "Ordinateur portable" in sortie

    # 10. publier after the first quarter has ended: 14 families counted, published (at least 11)
    sortie = p.famnum("publier", "--au", "05/01/2027")
    assert "Aucune période terminée" not in sortie and sortie.count("Publié") == 1
    lignes = list(csv.DictReader(open(racine / "build/public/indicateurs.csv", encoding="utf-8")))
    totaux = {l["familles"] for l in lignes if (l["periode"], l["groupe"], l["modalite"], l["secret"])
              == ("2026-T4", "ensemble", "ensemble", "non") and l["familles"] not in ("", "0")}
    assert totaux == {"14"}, totaux  # every published total counts the 14 families
    assert any(l["secret"] == "oui" for l in lignes)  # 1 to 10 families in a cell: hidden

    # 11. RGPD: an export, then an erasure that leaves the published figures as they were
    p.famnum("rgpd", "export", equipee)
    assert any((racine / "build/private/rgpd").iterdir())
    efface = p.identifiants("ajourne")[0]
    p.famnum("rgpd", "effacer", efface, "--oui")
    assert efface not in p.identifiants() and len(list((racine / "data/effaces").glob("*.age"))) == 1
    p.famnum("verifier")

    # nothing personal in clear in git's history, the package or the site
    histoire = subprocess.run(["git", "log", "-p", "--all"], cwd=racine, capture_output=True, encoding="utf-8",
                              errors="ignore").stdout
    publics = {fichier: fichier.read_text(encoding="utf-8", errors="ignore")  # each file read once, not once a name
               for dossier_public in ("build/public", "site") for fichier in (racine / dossier_public).rglob("*")
               if fichier.suffix in (".html", ".csv", ".json", ".md", ".txt")}
    for nom in NOMS:
        assert nom not in histoire, nom
        assert [fichier for fichier, texte in publics.items() if nom in texte] == [], nom
