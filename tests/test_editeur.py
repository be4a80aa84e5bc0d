"""`famnum famille modifier`: commented YAML in $EDITOR from a private temp file, always removed."""
from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from famnum.cli import main
from famnum.collecte import editeur
from famnum.dossiers import Coffre
from famnum.statuts import STATUTS

from fabrique import dossier, git_log, refus


def faux_editeur(tmp_path: Path, etapes: list[str]) -> str:
    """An $EDITOR that applies one scripted edit per opening and notes the file it was given."""
    script = tmp_path / "editeur.py"
    script.write_text(textwrap.dedent(f"""
        import json, os, stat, sys
        from pathlib import Path
        etat = Path({str(tmp_path / 'etat.json')!r})
        n = json.loads(etat.read_text())["n"] if etat.exists() else 0
        etat.write_text(json.dumps({{"n": n + 1}}))
        chemin = Path(sys.argv[1])
        with open({str(tmp_path / 'vus.txt')!r}, "a") as f:
            f.write(f"{{chemin}} {{oct(stat.S_IMODE(chemin.stat().st_mode))}}\\n")
        etapes = {etapes!r}
        texte = chemin.read_text()
        if "ERREURS À CORRIGER" in texte:
            open({str(tmp_path / 'erreurs-vues.txt')!r}, "w").write(texte)
        action = etapes[min(n, len(etapes) - 1)]
        exec(action)
        chemin.write_text(texte)
    """))
    return f"{sys.executable} {script}"


def _vus(tmp_path):
    return [l.split() for l in (tmp_path / "vus.txt").read_text().splitlines()]


def test_modifier_un_telephone_et_une_date(coffre, territoire, tmp_path, monkeypatch):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    monkeypatch.setenv("EDITOR", faux_editeur(tmp_path, [
        "texte = texte.replace('06 39 98 73 51', '06 39 98 55 66').replace('17/04/2013', '18/04/2013')"]))
    resultat = CliRunner().invoke(main, ["famille", "modifier", d["id"]])
    assert resultat.exit_code == 0, resultat.output
    lu = Coffre(territoire).lire(d["id"])
    assert lu["fiche"]["representants_legaux"][0]["telephone"] == "+33639985566"
    assert lu["fiche"]["enfants"][0]["date_naissance"] == "2013-04-18"
    assert git_log(territoire.racine).splitlines()[0] == "Modification d'une fiche (1 dossier)"
    chemin, mode = _vus(tmp_path)[0]
    assert mode == "0o600"
    if os.path.isdir("/dev/shm"):
        assert chemin.startswith("/dev/shm/")
    assert not Path(chemin).exists() and not Path(chemin).parent.exists()


def test_yaml_invalide_puis_corrige(coffre, territoire, tmp_path, monkeypatch):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    monkeypatch.setenv("EDITOR", faux_editeur(tmp_path, [
        "texte = texte.replace('qpv: sablons-bords-huisne', 'qpv: [sablons')",        # broken YAML
        "texte = texte.replace('qpv: [sablons', 'qpv: epine')",                          # fixed
    ]))
    resultat = CliRunner().invoke(main, ["famille", "modifier", d["id"]], input="o\n")
    assert resultat.exit_code == 0, resultat.output
    assert "YAML illisible" in resultat.output
    assert "ERREURS À CORRIGER" in (tmp_path / "erreurs-vues.txt").read_text()
    assert Coffre(territoire).lire(d["id"])["fiche"]["qpv"] == "epine"
    assert all(not Path(c).exists() for c, _ in _vus(tmp_path))


def test_erreurs_de_validation_puis_abandon_ne_changent_rien(coffre, territoire, tmp_path, monkeypatch):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    avant = territoire.chemin_dossier(d["id"]).read_bytes()
    monkeypatch.setenv("EDITOR", faux_editeur(tmp_path, [
        "texte = texte.replace('etablissement: col-alain-fournier', 'etablissement: college-alain-fourni')"
        ".replace('17/04/2013', '17/04/2099')"]))
    resultat = CliRunner().invoke(main, ["famille", "modifier", d["id"]], input="o\nn\n")
    assert resultat.exit_code != 0 and refus(resultat).code == "editeur.abandon"
    erreurs = (tmp_path / "erreurs-vues.txt").read_text()
    assert "code inconnu du référentiel etablissements" in erreurs and "col-alain-fournier" in erreurs
    assert "date de naissance dans le futur" in erreurs
    assert territoire.chemin_dossier(d["id"]).read_bytes() == avant
    assert all(not Path(c).exists() for c, _ in _vus(tmp_path))


def test_sans_modification_rien_n_est_commite(coffre, territoire, tmp_path, monkeypatch):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    monkeypatch.setenv("EDITOR", faux_editeur(tmp_path, ["pass"]))
    avant = git_log(territoire.racine)
    resultat = CliRunner().invoke(main, ["famille", "modifier", d["id"]])
    assert resultat.exit_code == 0 and "Aucune modification" in resultat.output
    assert git_log(territoire.racine) == avant


def test_ctrl_c_dans_l_editeur_efface_le_fichier_temporaire(coffre, monkeypatch):
    d = dossier()
    vus = []

    def interrompu(commande, check=False):
        vus.append(Path(commande[-1]))
        assert Path(commande[-1]).read_text().startswith("# Dossier")
        raise KeyboardInterrupt

    monkeypatch.setattr(editeur.subprocess, "run", interrompu)
    with pytest.raises(KeyboardInterrupt):
        editeur.editer(d, coffre.schema, lambda _: [], lambda _: True, ["editeur"])
    assert vus and not vus[0].exists() and not vus[0].parent.exists()


def test_la_vue_yaml_porte_les_titres_francais(coffre):
    texte = editeur.rendre(dossier(), coffre.schema)
    assert "# Date de naissance" in texte
    assert "17/04/2013" in texte and "06 39 98 73 51" in texte
    assert "choix : oui (Oui), partiellement (Partiellement), non (Non)" in texte
    relu = editeur.relire(texte, dossier(), coffre.schema)
    assert relu["fiche"]["enfants"][0]["date_naissance"] == "2013-04-17"
    assert relu["fiche"]["representants_legaux"][0]["telephone"] == "+33639987351"


def test_voir_et_evenement(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    voir = CliRunner().invoke(main, ["famille", "voir", d["id"]])
    assert voir.exit_code == 0 and "Collège Alain Fournier" in voir.output and "06 39 98 73 51" in voir.output
    ajout = CliRunner().invoke(main, ["famille", "evenement", d["id"], "preconisation", "--date", "03/06/2025",
                                      "--par", "référente PRE"], input="1,3\n4\n")
    assert ajout.exit_code == 0, ajout.output
    journal = Coffre(territoire).lire(d["id"])["journal"]
    assert journal[-1] == {"type": "preconisation", "date": "2025-06-03", "par": "référente PRE",
                           "details": {"materiels": ["ordinateur_fixe", "imprimante"], "mode": "location_aidee"}}
    liste = CliRunner().invoke(main, ["familles", "lister", "--statut", "preconise"])
    assert d["id"] in liste.output and "1 famille." in liste.output
    vide = CliRunner().invoke(main, ["familles", "lister", "--qpv", "epine"])
    assert "Aucune famille" in vide.output


def test_la_liste_des_familles_filtre_par_quartier_ecole_et_etape():
    """What `famnum familles lister` prints, as one library call: no name, a filter per option."""
    from famnum.affichage import liste_des_familles
    from famnum.referentiels import Referentiels
    from famnum.territoire import modele
    from famnum.workspace import Territoire

    referentiels = Referentiels.charger(Territoire(modele()))
    diagnostiquee, recensee = dossier(), _recensee()
    dossiers = {diagnostiquee["id"]: diagnostiquee, recensee["id"]: recensee}
    toutes = liste_des_familles(dossiers, referentiels)
    assert [ligne.split()[0] for ligne in toutes] == sorted(dossiers)
    assert not any(nom in "".join(toutes) for nom in ("Quillembois", "Zéphirine"))
    (ligne,) = liste_des_familles(dossiers, referentiels, etape="recense")
    assert ligne.startswith(recensee["id"]) and ligne.endswith("Recensée") and "établissement non renseigné" in ligne
    (ligne,) = liste_des_familles(dossiers, referentiels, qpv="sablons-bords-huisne", etablissement="col-alain-fournier")
    assert ligne.startswith(diagnostiquee["id"]) and "Collège Alain Fournier" in ligne and ligne.endswith("Diagnostiquée")
    assert liste_des_familles(dossiers, referentiels, qpv="epine", etape="diagnostique") == []


def test_un_statut_inconnu_est_refuse_avant_d_ouvrir_le_territoire(tmp_path, monkeypatch):
    """--statut takes its choices from statuts.STATUTS: a typo is refused by the option itself, in
    French, naming the option and every stage, wherever the command is run."""
    monkeypatch.chdir(tmp_path)  # not a territory: nothing would be read anyway
    refus = CliRunner().invoke(main, ["familles", "lister", "--statut", "equipee"])
    assert refus.exit_code == 2
    assert "Valeur incorrecte pour '--statut' : 'equipee' n'est pas l'un de :" in refus.output
    assert all(f"'{s}'" in refus.output for s in STATUTS)
    assert "[recense|diagnostique|" in CliRunner().invoke(main, ["familles", "lister", "--help"]).output


# --- issue 12, point 4: the editor shows every section of the schema ---------------------------

def _recensee():
    from famnum.dossiers import evenement, nouveau_dossier

    return nouveau_dossier({"enfants": [{"prenom": "Zéphirine", "nom": "Quillembois"}], "qpv": "epine",
                            "contact_recensement": {"telephone": "+33639987351"}},
                           set(), [evenement("recensement", "coordinatrice PRE", details={"source": "ecole"})])


def test_la_vue_montre_chaque_partie_vide_avec_son_titre_et_son_aide(coffre):
    d = _recensee()
    texte = editeur.rendre(d, coffre.schema)
    for ligne in ("  # Foyer (obligatoire)\n  foyer:\n    # Nombre d'adultes résidant au domicile (obligatoire)\n    nb_adultes:\n",
                  "  # Capacités de la famille (obligatoire)\n", "  # Consentement (obligatoire)\n",
                  "      # Date de naissance (obligatoire)\n", "      date_naissance:\n",
                  "  # La famille considère avoir des besoins numériques (obligatoire) — oui ou non\n  besoin_declare:\n",
                  "      #   Seulement si la famille a au moins un ordinateur.\n",
                  "    -\n      # Prénom (obligatoire)\n      prenom:\n"):  # a template for the first legal representative
        assert ligne in texte, ligne
    assert "data/referentiels" not in texte
    assert editeur.relire(texte, d, coffre.schema) == d  # the empty template adds nothing


def test_remplir_une_partie_vide_dans_l_editeur(coffre, territoire, tmp_path, monkeypatch):
    d = _recensee()
    coffre.enregistrer([d], "Import")
    monkeypatch.setenv("EDITOR", faux_editeur(tmp_path, [
        "texte = texte.replace('    nb_adultes:\\n', '    nb_adultes: 2\\n').replace('    nb_enfants:\\n', '    nb_enfants: 1\\n')"
        ".replace('  besoin_declare:\\n', '  besoin_declare: oui\\n')"]))
    resultat = CliRunner().invoke(main, ["famille", "modifier", d["id"]])
    assert resultat.exit_code == 0, resultat.output
    fiche = Coffre(territoire).lire(d["id"])["fiche"]
    assert fiche["foyer"] == {"nb_adultes": 2, "nb_enfants": 1} and fiche["besoin_declare"] is True
    assert "representants_legaux" not in fiche and fiche["enfants"] == d["fiche"]["enfants"]


def test_chaque_etape_que_le_journal_peut_dire_a_son_nom():
    """statut() reads the journal; whatever it returns, `voir` and `lister` find its French name (a decision
    whose opinion is unknown, in a dossier not yet verified, included)."""
    from famnum.statuts import statut

    journaux = [[], [{"type": "diagnostic"}], [{"type": "preconisation"}], [{"type": "livraison"}],
                [{"type": "livraison"}, {"type": "retour"}],
                *([{"type": "decision", "details": {"avis": avis}}] for avis in ("accorde", "ajourne", "refuse", "?"))]
    assert {statut({"journal": j}) for j in journaux} <= set(STATUTS)
