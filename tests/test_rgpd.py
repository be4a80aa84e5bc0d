"""famnum rgpd (export, rectifier, effacer, purger) and famnum cles rotation: round trips, the register
without personal data, and a search of the repository and of its whole history, decrypted with the
current key, proving an erased family is gone."""
from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import date

import pytest
from click.testing import CliRunner

from famnum import rgpd, vault
from famnum.cli import main
from famnum.dossiers import Coffre, evenement
from famnum.erreurs import FamnumError

from fabrique import VALEURS_PLANTEES, dossier, git_log
from test_editeur import faux_editeur

PLANTEES_SANS_DATE = [v for v in VALEURS_PLANTEES if not v[0].isdigit()]


def _autre(existants):
    """A second family with other invented values, which must survive an erasure."""
    d = dossier(existants=existants)
    d["fiche"]["enfants"] = [{"prenom": "Barnabé", "nom": "Vertoval", "date_naissance": "2015-06-01",
                              "etablissement": "ec-jules-ferry", "classe": "CE2"}]
    d["fiche"]["representants_legaux"] = [{"prenom": "Odile", "nom": "Vertoval", "lien": "mere",
                                           "telephone": "+33639987360"}]
    del d["fiche"]["adresse"]
    return d


def test_export_html_et_json_prives(coffre, territoire):
    d = dossier()
    d["journal"].insert(0, evenement("recensement", "équipe PRE", date(2025, 5, 12), {"source": "college"}))
    coffre.enregistrer([d], "Nouvelle fiche")
    r = CliRunner().invoke(main, ["rgpd", "export", d["id"]])
    assert r.exit_code == 0, r.output
    page = territoire.prive / "rgpd" / f"acces-{d['id']}.html"
    donnees = territoire.prive / "rgpd" / f"acces-{d['id']}.json"
    assert json.loads(donnees.read_text(encoding="utf-8")) == d  # everything, nothing lost
    texte = page.read_text(encoding="utf-8")
    for attendu in ("Zéphirine", "Collège Alain Fournier", "06 39 98 73 51", "17/04/2013", "Collège",
                    "l'entretien de diagnostic", "Qui peut les lire", "clé de secours", "Vos droits", 'lang="fr"'):
        assert attendu in texte, attendu
    for chemin in (page, donnees):
        assert stat.S_IMODE(chemin.stat().st_mode) == 0o600
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o700
    statut_git = subprocess.run(["git", "status", "--porcelain"], cwd=territoire.racine, capture_output=True, text=True).stdout
    assert "build" not in statut_git  # ignored: never committed


def test_rectifier_ajoute_l_evenement_d_audit(coffre, territoire, tmp_path, monkeypatch):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    monkeypatch.setenv("EDITOR", faux_editeur(tmp_path, ["texte = texte.replace('17/04/2013', '18/04/2013')"]))
    r = CliRunner().invoke(main, ["rgpd", "rectifier", d["id"], "--par", "référente PRE", "--demande-le", "02/11/2026"])
    assert r.exit_code == 0, r.output
    lu = Coffre(territoire).lire(d["id"])
    assert lu["fiche"]["enfants"][0]["date_naissance"] == "2013-04-18"
    assert lu["journal"][-1]["type"] == "rectification"
    assert lu["journal"][-1]["details"] == {"demande_le": "2026-11-02"}
    assert git_log(territoire.racine).splitlines()[0] == "Rectification RGPD (1 dossier)"


def _blobs_de_l_historique(racine):
    """Every version of every dossier file that git history ever held."""
    objets = subprocess.run(["git", "rev-list", "--all", "--objects", "--", "data/families"], cwd=racine,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    for ligne in objets:
        if ligne.endswith(".json.age"):
            sha = ligne.split()[0]
            yield subprocess.run(["git", "cat-file", "blob", sha], cwd=racine, capture_output=True, check=True).stdout


def _lisible_dans_l_historique(racine, identites) -> str:
    """What the given keys can still read in the whole history (in memory only)."""
    textes = []
    for chiffre in _blobs_de_l_historique(racine):
        try:
            textes.append(vault.dechiffrer(chiffre, identites, "historique").decode("utf-8"))
        except FamnumError:
            continue
    return "\n".join(textes)


def test_effacer_puis_rotation_la_famille_a_disparu_du_depot_et_de_l_historique(coffre, territoire):
    d = dossier()
    autre = _autre({d["id"]})
    coffre.enregistrer([d, autre], "Nouvelles fiches")
    r = CliRunner().invoke(main, ["rgpd", "effacer", d["id"]], input="o\n")
    assert r.exit_code == 0, r.output
    assert "famnum cles rotation" in r.output and "historique git" in r.output
    assert Coffre(territoire).identifiants() == {autre["id"]}
    registre = (territoire.data / rgpd.REGISTRE).read_text(encoding="utf-8")
    assert registre.splitlines() == [",".join(rgpd.COLONNES_REGISTRE),
                                     f"{date.today().isoformat()},demande,sablons-bords-huisne,college,diagnostique,2,"
                                     f"{date.today().year}"]
    journal = git_log(territoire.racine)
    assert journal.splitlines()[0] == "Effacement RGPD (demande de la famille (droit à l'effacement)) (1 dossier)"
    assert d["id"] not in journal and not [v for v in VALEURS_PLANTEES if v in journal + registre]

    # before the rotation, the current key still opens the erased family in history: say so, test so
    avant = _lisible_dans_l_historique(territoire.racine, vault.charger_identites())
    assert "Quillembois" in avant

    r = CliRunner().invoke(main, ["cles", "rotation", "--oui"])
    assert r.exit_code == 0, r.output
    assert "AGE-SECRET-KEY" + "-1" in r.output and "Détruisez l'ancienne clé de secours" in r.output
    actuelles = vault.charger_identites()
    lisible = _lisible_dans_l_historique(territoire.racine, actuelles)
    assert "Vertoval" in lisible  # the search works: the remaining family is found
    assert not [v for v in PLANTEES_SANS_DATE + [d["id"]] if v in lisible]
    dans_le_depot = subprocess.run(["git", "grep", "-I", "-i", "-e", "quillembois", "-e", d["id"], "HEAD"],
                                   cwd=territoire.racine, capture_output=True, text=True).stdout
    assert dans_le_depot == ""
    lecture = Coffre(territoire).lire_tous()
    assert lecture.rapport.valide and set(lecture.dossiers) == {autre["id"]}


def test_rotation_remplace_la_cle_de_secours_et_la_cle_personnelle(coffre, territoire, creation):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    avant = {x.role: x.cle for x in vault.lire_destinataires(territoire.destinataires)}
    ancienne = vault.charger_identites()
    n, secours, autres = rgpd_rotation(coffre)
    apres = {x.role: x.cle for x in vault.lire_destinataires(territoire.destinataires)}
    assert n == 1 and autres == [] and set(apres) == set(avant)
    assert all(apres[r] != avant[r] for r in avant)
    chiffre = territoire.chemin_dossier(d["id"]).read_bytes()
    assert vault.nombre_destinataires(chiffre) == 2
    with pytest.raises(FamnumError):
        vault.dechiffrer(chiffre, ancienne, "ancien")
    assert json.loads(vault.dechiffrer(chiffre, [vault.pyrage.x25519.Identity.from_str(secours)], "secours")) == d
    assert git_log(territoire.racine).splitlines()[0] == "Rotation des clés : rechiffrement (1 dossier)"


def rgpd_rotation(coffre):
    from famnum import cles

    return cles.rotation(coffre, vault.chemin_identite())


def _clos_en(annee: int, existants):
    d = dossier(existants=existants)
    d["journal"] += [evenement("livraison", "PRE", date(annee - 1, 9, 1)), evenement("retour", "PRE", date(annee, 6, 30))]
    return d


def test_purger_essai_puis_effacement(coffre, territoire):
    ancien = _clos_en(2023, set())                     # returned 30/06/2023 + 2 years: due
    recent = _clos_en(2026, {ancien["id"]})            # returned 30/06/2026: kept
    en_cours = dossier(existants={ancien["id"], recent["id"]})
    coffre.enregistrer([ancien, recent, en_cours], "Dossiers")
    essai = CliRunner().invoke(main, ["rgpd", "purger", "--dry-run"])
    assert essai.exit_code == 0, essai.output
    assert f"  {ancien['id']}  Dossier clos (matériel rendu)" in essai.output and "échéance 30/06/2025" in essai.output
    assert recent["id"] not in essai.output and en_cours["id"] not in essai.output
    assert "1 dossier(s) arrivé(s) à échéance sur 3." in essai.output
    assert Coffre(territoire).identifiants() == {ancien["id"], recent["id"], en_cours["id"]}
    r = CliRunner().invoke(main, ["rgpd", "purger", "--oui"])
    assert r.exit_code == 0, r.output
    assert Coffre(territoire).identifiants() == {recent["id"], en_cours["id"]}
    registre = (territoire.data / rgpd.REGISTRE).read_text(encoding="utf-8").splitlines()
    assert len(registre) == 2 and ",conservation,sablons-bords-huisne,college,clos,2," in registre[1]


def test_echeances_par_statut():
    regles = rgpd.charger_conservation(rgpd.chemin_conservation(type("T", (), {"data": _modele_data()})()))
    recense = {"fiche": {}, "journal": [evenement("recensement", "PRE", date(2025, 5, 12), {"source": "ecole"})]}
    assert rgpd.echeance(recense, regles)[0] == date(2026, 5, 12)
    assert rgpd.echeance(dossier(), regles) is None  # diagnosed, in progress: kept
    assert rgpd.dus({"F-22222": recense}, regles, date(2026, 5, 11)) == []


def _modele_data():
    from pathlib import Path

    return Path(__file__).parents[1] / "data"


@pytest.mark.parametrize("regle, attendu", [
    ("- {statut: fini, depuis: retour, annees: 2}", "statut inconnu"),
    ("- {statut: clos, depuis: fin, annees: 2}", "« depuis » doit être un type d'événement"),
    ("- {statut: clos, depuis: retour, annees: deux}", "« annees » doit être un nombre entier"),
])
def test_une_regle_de_conservation_fausse_est_expliquee(tmp_path, regle, attendu):
    chemin = tmp_path / "conservation.yaml"
    chemin.write_text(f"version: 1\nregles:\n  {regle}\n", encoding="utf-8")
    with pytest.raises(FamnumError) as e:
        rgpd.charger_conservation(chemin)
    assert attendu in str(e.value) and "conservation.yaml, règle n°1" in str(e.value)


def test_effacer_refuse_sans_confirmation(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    r = CliRunner().invoke(main, ["rgpd", "effacer", d["id"]], input="\n")
    assert "Rien n'a été effacé." in r.output and Coffre(territoire).identifiants() == {d["id"]}
    assert not (territoire.data / rgpd.REGISTRE).exists()
    assert os.listdir(territoire.familles)


def test_registre_des_traitements_tire_du_schema_et_des_durees(tmp_path):
    """The page follows the schema and data/conservation.yaml: change them, the page changes."""
    import shutil

    from famnum.site.marqueurs import MARQUEURS, remplacer
    from famnum.site.registre import registre_markdown

    racine = tmp_path / "territoire"
    shutil.copytree(_modele_data() / "schemas", racine / "data" / "schemas")
    (racine / "data" / "conservation.yaml").write_text(
        "regles:\n  - {statut: clos, depuis: retour, annees: 7, pourquoi: Fin du prêt plus sept ans}\n", encoding="utf-8")
    texte = registre_markdown(racine)
    schema = json.loads((racine / "data" / "schemas" / "famille.schema.json").read_text(encoding="utf-8"))
    for partie in schema["properties"]["fiche"]["properties"].values():
        assert f"**{partie['title']}**" in texte
    assert "- 7 ans — Fin du prêt plus sept ans" in texte
    assert "**Enfants** — données d'identification : dates de naissance des enfants, noms, prénoms" in texte
    (racine / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    rendu, inconnus = remplacer("<!-- famnum:registre-traitements -->", {"config_file_path": str(racine / "mkdocs.yml")})
    assert inconnus == [] and "registre-traitements" in MARQUEURS and "7 ans" in rendu
