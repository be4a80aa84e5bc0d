"""Issue 15, §3: the git history links no family to a device. A delivery, a renewal and a return change
the family's encrypted dossier only; the public stock file (data/referentiels/materiels.csv) never
says who holds a device nor since when; what the commands show as free, lent or to repair is read in
the dossiers. On a territory made by `famnum init`, through the real commands."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from click.testing import CliRunner

from famnum.attribution.decisions import modele_decisions
from famnum.attribution.parc import etat_du_parc
from famnum.attribution.seance_commission import ouvrir_seance
from famnum.attribution.stock import charger_stock
from famnum.cli import main
from famnum.dossiers import Coffre, evenement
from famnum.workspace import Territoire

import fabrique
from test_attribution import petit_territoire  # noqa: F401  (fixture: six dossiers in a territory made by init)
from test_reprise import (_etat_sain, _famnum as _famnum_tue, _famnum_tue_dans_git, _tuer_au_renommage, copie,  # noqa: F401
                          modele)


def _famnum(*arguments: str) -> str:
    resultat = CliRunner().invoke(main, list(arguments))
    assert resultat.exit_code == 0, resultat.output
    return resultat.output


def _git(racine, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=racine, capture_output=True, text=True, check=True).stdout


def _accorder(coffre, lot) -> tuple[dict, str]:
    """The commission's session, then the decisions as proposed: one family granted a stock device. The
    model of the decisions is written as `famnum attribution commission` writes it, without the session's
    pseudonymised document and its PDF (test_attribution reads them)."""
    seance = ouvrir_seance(coffre, date(2025, 10, 15))
    decisions = modele_decisions(seance.proposition, coffre.territoire.prive / "decisions-2025-10-15.yaml")
    _famnum("attribution", "decider", "--fichier", str(decisions))
    accordee = next(d for d in (coffre.lire(x["id"]) for x in lot) if d["journal"][-1]["details"].get("reserves"))
    return accordee, accordee["journal"][-1]["details"]["reserves"][0]


def _ligne_du_parc(coffre, tag: str) -> str:
    return next(l for l in _famnum("stock", "--appareils").splitlines() if l.startswith(tag + " "))


def test_aucun_commit_ne_relie_une_famille_a_son_appareil(petit_territoire):  # noqa: F811
    coffre, lot = petit_territoire
    racine = coffre.territoire.racine
    avant = _git(racine, "rev-parse", "HEAD").strip()
    accordee, tag = _accorder(coffre, lot)
    serie = next(a.numero_serie for a in charger_stock(coffre.territoire) if a.inventaire == tag)
    stock_avant = (coffre.territoire.referentiels / "materiels.csv").read_bytes()

    _famnum("livrer", accordee["id"], "--materiel", tag, "--lieu", "domicile", "--date", "20/10/2025")
    _famnum("prets", "renouveler", accordee["id"], "--date", "01/10/2026")
    _famnum("prets", "retour", accordee["id"], "--materiel", tag, "--etat", "a_reparer", "--date", "02/11/2026")

    assert (coffre.territoire.referentiels / "materiels.csv").read_bytes() == stock_avant
    commits = _git(racine, "rev-list", f"{avant}..HEAD").split()
    assert len(commits) == 4  # decisions, delivery, renewal, return
    for commit in commits:
        fichiers = _git(racine, "show", "--format=", "--name-only", commit).split()
        assert fichiers and all(f.startswith("data/families/") for f in fichiers), fichiers
        public = _git(racine, "show", "--format=%s%n%b", "-p", commit, "--", ".", ":(exclude)data/families")
        assert tag not in public and serie not in public and accordee["id"] not in public, public
    journal = coffre.lire(accordee["id"])["journal"]
    assert [e["type"] for e in journal[-4:]] == ["livraison", "convention", "renouvellement", "retour"]
    assert journal[-4]["details"]["numero_serie"] == serie  # the loan lives in the encrypted dossier


def test_ce_que_montrent_les_commandes_suit_les_dossiers(petit_territoire):  # noqa: F811
    coffre, lot = petit_territoire
    racine = coffre.territoire.racine
    accordee, tag = _accorder(coffre, lot)
    assert _ligne_du_parc(coffre, tag).endswith("disponible")

    _famnum("livrer", accordee["id"], "--materiel", tag, "--lieu", "domicile", "--date", "20/10/2025")
    assert _ligne_du_parc(coffre, tag).endswith("chez une famille")
    assert "Stock cohérent" in _famnum("prets", "verifier")
    parc = {a.inventaire: a.etat for a in etat_du_parc(charger_stock(coffre.territoire), coffre.lire_tous().dossiers)}
    assert parc[tag] == "pret" and list(parc.values()).count("pret") == 1
    autre = next(x["id"] for x in lot if x["id"] != accordee["id"])
    refus = CliRunner().invoke(main, ["livrer", autre, "--materiel", tag, "--lieu", "domicile"])
    assert refus.exit_code == 1 and fabrique.refus(refus).code == "livraison.appareil_deja_prete"
    refus = CliRunner().invoke(main, ["stock", "etat", tag, "reforme"])
    assert refus.exit_code == 1 and fabrique.refus(refus).code == "parc.appareil_chez_une_famille"
    assert "famnum prets retour" in refus.output  # the one test of its wording: the command to type first

    _famnum("prets", "retour", accordee["id"], "--materiel", tag, "--etat", "a_reparer", "--date", "02/11/2026")
    assert _ligne_du_parc(coffre, tag).endswith("en préparation")
    sortie = _famnum("stock", "etat", tag, "en_service", "--date", "20/11/2026")  # repaired
    assert "en_service" in sortie
    assert _ligne_du_parc(coffre, tag).endswith("disponible")
    # the repair is a commit of the public file alone: no dossier, so no family beside the device
    assert _git(racine, "show", "--format=", "--name-only", "HEAD").split() == ["data/referentiels/materiels.csv"]
    assert f"{tag}," in _git(racine, "show", "HEAD:data/referentiels/materiels.csv")
    assert "en_service,2026-11-20" in _git(racine, "show", "HEAD:data/referentiels/materiels.csv")


@pytest.mark.skipif(not shutil.which("strace"), reason="strace (scripts/systeme/installer.sh l'installe)")
@pytest.mark.parametrize("ou", ["renommage 1", "renommage 2", "add", "commit"])
def test_une_livraison_tuee_est_reprise_par_la_commande_suivante(copie, monkeypatch, ou):  # noqa: F811
    """famnum livrer killed at its 1st rename (the intent), its 2nd (the dossier), inside `git add` or
    `git commit`: the next command (famnum verifier) leaves a clean, verified, committed territory, the
    delivery whole or not at all, and the public stock file as it was."""
    racine = copie / "territoire"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(copie / "config"))
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(copie / "config" / "famnum" / "identite.txt"))
    coffre = Coffre(Territoire(racine))
    portable = next(a for a in charger_stock(coffre.territoire) if a.type == "ordinateur_portable" and a.etat == "en_service")
    identifiant = sorted(coffre.lire_tous().dossiers)[1]
    dossier = coffre.lire(identifiant)
    dossier["journal"].append(evenement("decision", "commission d'attribution", date(2025, 10, 15),
                                        {"avis": "accorde", "materiels": ["ordinateur_portable"], "mode": "pret"}))
    coffre.enregistrer([dossier], "Décision de test")
    stock_avant = (racine / "data" / "referentiels" / "materiels.csv").read_bytes()

    livrer = ("livrer", identifiant, "--materiel", portable.inventaire, "--lieu", "domicile")
    if ou.startswith("renommage"):
        tuee = _famnum_tue(copie, *livrer, avant=_tuer_au_renommage(int(ou[-1])))
    else:
        tuee = _famnum_tue_dans_git(copie, *livrer, sous_commande=ou, parent=True)
    assert tuee.returncode in (-9, 137), tuee.stderr
    message = _etat_sain(copie)
    rien = ou == "renommage 1"  # killed while writing the intent: the delivery did not happen
    assert (message == "") if rien else ("terminée et commitée" in message)
    dernier = Coffre(Territoire(racine)).lire(identifiant)["journal"][-1]["type"]
    assert dernier == ("decision" if rien else "convention")
    assert (racine / "data" / "referentiels" / "materiels.csv").read_bytes() == stock_avant
    parc = etat_du_parc(charger_stock(coffre.territoire), Coffre(Territoire(racine)).lire_tous().dossiers)
    assert {a.inventaire: a.etat for a in parc}[portable.inventaire] == ("disponible" if rien else "pret")


def test_un_dossier_qui_a_encore_un_appareil_n_est_pas_efface(petit_territoire):  # noqa: F811
    """Erased, a dossier could no longer say its device is taken: a loan is returned first; then the
    erasure goes through and the device is available."""
    coffre, lot = petit_territoire
    accordee, tag = _accorder(coffre, lot)
    _famnum("livrer", accordee["id"], "--materiel", tag, "--lieu", "domicile", "--date", "20/10/2025")
    assert coffre.lire(accordee["id"])["journal"][-1]["details"]["type"] == "location"  # a gift: test_attribution
    refus = CliRunner().invoke(main, ["rgpd", "effacer", accordee["id"], "--oui"])
    assert refus.exit_code == 1 and fabrique.refus(refus).code == "parc.appareil_a_rendre"
    assert coffre.territoire.chemin_dossier(accordee["id"]).exists()
    assert CliRunner().invoke(main, ["stock", "etat", tag, "reforme"]).exit_code == 1  # lent: not out of the park
    _famnum("prets", "retour", accordee["id"], "--materiel", tag, "--etat", "bon")
    _famnum("rgpd", "effacer", accordee["id"], "--oui")
    assert not coffre.territoire.chemin_dossier(accordee["id"]).exists()
    assert _ligne_du_parc(coffre, tag).endswith("disponible")
