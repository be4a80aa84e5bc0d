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

from famnum import restes, rgpd, vault
from famnum.cli import main
from famnum.dossiers import Coffre, evenement
from famnum.erreurs import FamnumError

from fabrique import VALEURS_PLANTEES, dossier, git_log, refuse
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
    """Every version of every encrypted file of data/ (dossiers, anonymous remainders) that git
    history ever held."""
    objets = subprocess.run(["git", "rev-list", "--all", "--objects", "--", "data"], cwd=racine,
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
    assert registre.splitlines() == ["date_effacement,motif", f"{date.today().isoformat()},demande"]
    assert len(restes.chemins(territoire)) == 1
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
    assert '"niveau":"college"' in lisible  # and the remainder was read too (it holds nothing else of her)
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
    with refuse("illisible.autre_cle"):
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
    assert "1 dossier arrivé à échéance sur 3." in essai.output
    assert Coffre(territoire).identifiants() == {ancien["id"], recent["id"], en_cours["id"]}
    r = CliRunner().invoke(main, ["rgpd", "purger", "--oui"])
    assert r.exit_code == 0, r.output
    assert Coffre(territoire).identifiants() == {recent["id"], en_cours["id"]}
    registre = (territoire.data / rgpd.REGISTRE).read_text(encoding="utf-8").splitlines()
    assert registre == ["date_effacement,motif", f"{date.today().isoformat()},conservation"]
    assert len(restes.chemins(territoire)) == 1  # the purge goes through the same erasure


def test_echeances_par_statut():
    regles = rgpd.charger_conservation(rgpd.chemin_conservation(type("T", (), {"data": _modele_data()})()))
    recense = {"fiche": {}, "journal": [evenement("recensement", "PRE", date(2025, 5, 12), {"source": "ecole"})]}
    assert rgpd.echeance(recense, regles)[0] == date(2026, 5, 12)
    assert rgpd.echeance(dossier(), regles) is None  # diagnosed, in progress: kept
    assert rgpd.dus({"F-22222": recense}, regles, date(2026, 5, 11)) == []


def _modele_data():
    from pathlib import Path

    return Path(__file__).parents[1] / "data"


@pytest.mark.parametrize("regle, code, attendu", [
    ("- {statut: fini, depuis: retour, annees: 2}", "rgpd.statut_inconnu", "statut inconnu"),
    ("- {statut: clos, depuis: fin, annees: 2}", "rgpd.depuis_inconnu", "« depuis » doit être un type d'événement"),
    ("- {statut: clos, depuis: retour, annees: deux}", "rgpd.annees_hors_limites", "« annees » doit être un nombre entier"),
])
def test_une_regle_de_conservation_fausse_est_expliquee(tmp_path, regle, code, attendu):
    chemin = tmp_path / "conservation.yaml"
    chemin.write_text(f"version: 1\nregles:\n  {regle}\n", encoding="utf-8")
    with refuse(code) as e:
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
    assert "reste anonyme chiffré" in texte and "ne note que la date et le motif" in texte
    (racine / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    rendu, inconnus = remplacer("<!-- famnum:registre-traitements -->", {"config_file_path": str(racine / "mkdocs.yml")})
    assert inconnus == [] and "registre-traitements" in MARQUEURS and "7 ans" in rendu


# --- the anonymous remainder: the evaluation counts an erased family exactly as before ----------

def _famille(existants, qpv, ecole, histoire):
    """A dossier whose journal is written by hand: (type, day, details), with a free-text note on each
    event naming the family (a remainder must drop it)."""
    d = dossier(existants=existants, qpv=qpv)
    d["fiche"]["enfants"][0]["etablissement"] = ecole
    d["journal"] = [evenement(t, "référente de parcours PRE Sablons", date.fromisoformat(j), details,
                              note="Mme Quillembois, joignable au 06 39 98 73 51")
                    for t, j, details in histoire]
    return d


def _suivi(jour, temps, famille_, ecole=None):
    return ("suivi", jour, {"temps": temps, "famille": famille_, **({"ecole": ecole} if ecole else {})})


def _territoire_evalue(coffre):
    """Four families; the first one's path touches every figure the evaluation reads (two decisions in
    one month, a convention, follow-ups, training, a return), and it will be erased."""
    effacee = _famille(set(), "sablons-bords-huisne", "col-alain-fournier", [
        ("recensement", "2024-05-14", {"source": "college"}),
        ("diagnostic", "2024-06-03", {"lieu": "domicile"}),
        ("preconisation", "2024-09-02", {"materiels": ["ordinateur_portable"], "mode": "location_aidee", "score": 14}),
        ("decision", "2024-09-05", {"avis": "ajourne", "motif": "pièces manquantes de Mme Quillembois"}),
        ("decision", "2024-09-26", {"avis": "accorde", "materiels": ["ordinateur_portable", "imprimante"],
                                    "mode": "location_aidee", "commission": "2024-09-26", "rang": 3, "score": 14}),
        ("livraison", "2024-10-02", {"materiel": "LM-0042", "numero_serie": "SN-QUILL-77", "lieu": "domicile",
                                     "installe_par": "technicien du centre social"}),
        ("convention", "2024-10-02", {"type": "location", "signee_par": "representant_1", "debut": "2024-10-02",
                                      "fin": "2025-10-01", "loyer_mensuel": 10, "aide_mensuelle": 7}),
        _suivi("2024-10-02", "T0", {"autonomie": "rarement", "internet_maison": False}),
        ("formation", "2024-11-05", {"fiche": "educonnect-et-ent", "structure": "centre social des Sablons"}),
        ("atelier", "2024-12-03", {"fiche": "pronote-devoirs-et-notes"}),
        _suivi("2025-01-15", "T3", {"autonomie": "souvent", "internet_maison": True},
               {"repondant": "cpe", "devoirs_en_ligne": "souvent", "contact_famille": "parfois"}),
        ("retour", "2025-10-01", {"materiel": "LM-0042", "etat": "bon"}),
    ])
    autres = [
        _famille({effacee["id"]}, "sablons-bords-huisne", "ee-gaston-bachelard", [
            ("recensement", "2024-05-20", {"source": "pre"}),
            ("decision", "2024-09-26", {"avis": "accorde", "materiels": ["ordinateur_fixe"], "mode": "don"}),
            ("livraison", "2024-11-14", {"materiel": "LM-0007", "lieu": "distribution"}),
            _suivi("2024-11-14", "T0", {"autonomie": "parfois", "internet_maison": True})]),
        _famille({effacee["id"]}, "epine", "col-alain-fournier", [
            ("recensement", "2024-06-11", {"source": "ecole"}),
            ("decision", "2024-09-26", {"avis": "refuse"})]),
        _famille({effacee["id"]}, "epine", "ee-gaston-bachelard", [("recensement", "2024-06-12", {"source": "mairie"})]),
    ]
    autres[1]["id"], autres[2]["id"] = "F-33333", "F-44444"  # distinct whatever the draw
    autres[0]["id"] = "F-22222"
    coffre.enregistrer([effacee, *autres], "Dossiers")
    return effacee


def _chiffres(ev):
    """Every figure the evaluation computes, and what the statistical secret hides."""
    return ([p.code for p in ev.resultat.periodes], ev.resultat.familles,
            {(t.indicateur, t.periode, t.par): (t.comptes, t.montants) for t in ev.resultat.tableaux},
            ev.controle.masques)


def _evaluer(territoire):
    from famnum.evaluation.publication import evaluer

    coffre = Coffre(territoire)
    return evaluer(coffre, coffre.lire_tous(), seuil=5)


@pytest.mark.parametrize("commande, restantes", [
    (["rgpd", "effacer", "{id}", "--oui"], {"F-22222", "F-33333", "F-44444"}),
    (["rgpd", "purger", "--oui"], {"{id}", "F-22222"}),  # the refused and the only-counted family are due
])
def test_apres_un_effacement_chaque_chiffre_de_chaque_periode_est_identique(coffre, territoire, commande, restantes):
    effacee = _territoire_evalue(coffre)
    avant = _evaluer(territoire)
    comptes = {(t.indicateur, t.periode, t.par): t.comptes for t in avant.resultat.tableaux}
    # the erased family is counted: the only laptop, in the quarterly table of the whole territory
    assert comptes[("ordinateur_portable", "2024-T4", "ensemble")][("ensemble", "oui")] == 1
    assert comptes[("situation", "2024-T4", "ensemble")][("ensemble", "equipee")] == 2
    r = CliRunner().invoke(main, [c.format(id=effacee["id"]) for c in commande])
    assert r.exit_code == 0, r.output
    assert Coffre(territoire).identifiants() == {i.format(id=effacee["id"]) for i in restantes}
    assert len(restes.chemins(territoire)) == 4 - len(restantes)
    apres = _evaluer(territoire)
    assert _chiffres(apres) == _chiffres(avant)


def test_le_reste_ne_garde_que_ce_que_compte_l_evaluation(coffre, territoire):
    effacee = _territoire_evalue(coffre)
    rgpd.effacer(Coffre(territoire), {effacee["id"]: effacee}, "demande")
    (chemin,) = restes.chemins(territoire)
    assert effacee["id"] not in chemin.name and len(chemin.name) == 32 + len(".json.age")
    chiffre = chemin.read_bytes()
    assert vault.nombre_destinataires(chiffre) == 2  # the same holders as the dossiers
    clair = vault.dechiffrer(chiffre, vault.charger_identites(), "reste").decode("utf-8")
    oublies = VALEURS_PLANTEES + [effacee["id"], "col-alain-fournier", "référente", "LM-0042", "SN-QUILL-77",
                                  "technicien", "pièces manquantes", "centre social", "educonnect", "representant_1",
                                  "2024-09-05", "2024-10-02", "2025-10-01", "commission", "rang", "score"]
    assert [v for v in oublies if v in clair] == []
    reste = json.loads(clair)
    assert reste["fiche"] == {"qpv": "sablons-bords-huisne", "niveau": "college"}
    assert [(e["type"], e["date"]) for e in reste["journal"]][:5] == [
        ("recensement", "2024-05-31"), ("diagnostic", "2024-06-30"), ("preconisation", "2024-09-30"),
        ("decision", "2024-09-30"), ("decision", "2024-09-30")]  # same month: the order is kept
    decisions = [e["details"] for e in reste["journal"] if e["type"] == "decision"]
    assert decisions == [{"avis": "ajourne"}, {"avis": "accorde", "materiels": ["ordinateur_portable", "imprimante"],
                                               "mode": "location_aidee"}]
    (convention,) = [e["details"] for e in reste["journal"] if e["type"] == "convention"]
    assert convention == {"type": "location", "debut": "2024-10-31", "fin": "2025-10-31", "loyer_mensuel": 10,
                          "aide_mensuelle": 7}
    assert all(set(e) <= {"type", "date", "details"} for e in reste["journal"])


def test_une_date_qui_changerait_un_chiffre_n_est_pas_arrondie(coffre):
    """A convention ending before it starts, in the same month, counts no month; rounded, it would
    count one: the remainder then keeps the exact dates."""
    from famnum.evaluation import definitions

    d = _famille(set(), "epine", "col-alain-fournier", [
        ("recensement", "2024-05-14", {"source": "college"}),
        ("convention", "2024-10-20", {"type": "location", "debut": "2024-10-20", "fin": "2024-10-05",
                                      "loyer_mensuel": 10, "aide_mensuelle": 7})])
    defs = definitions.charger(coffre.territoire.racine)
    assert rgpd.reste_anonyme(d, coffre.referentiels)["journal"][1]["details"]["fin"] == "2024-10-31"
    fidele = rgpd.reste_fidele(d, coffre, defs)
    assert fidele["journal"][1]["details"]["fin"] == "2024-10-05" and fidele["journal"][0]["date"] == "2024-05-14"


def test_un_reste_qui_fausserait_les_chiffres_est_refuse_et_rien_n_est_efface(coffre, territoire, monkeypatch):
    d = _territoire_evalue(coffre)
    monkeypatch.setattr(rgpd, "DETAILS_GARDES", {})  # as if an indicator read a detail the remainder drops
    with refuse("rgpd.reste_infidele") as refus:
        rgpd.effacer(Coffre(territoire), {d["id"]: d}, "demande")
    assert "ne donnerait pas les mêmes chiffres publiés : rien n'a été effacé" in refus.value.message
    assert d["id"] in Coffre(territoire).identifiants() and restes.chemins(territoire) == []
    assert not (territoire.data / rgpd.REGISTRE).exists()


def test_un_ancien_registre_perd_ses_colonnes_en_trop(coffre, territoire):
    (territoire.data / rgpd.REGISTRE).write_text(
        "date_effacement,motif,qpv,niveau,statut,nb_enfants,annee_recensement\n"
        "2025-01-02,demande,epine,college,clos,2,2024\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=territoire.racine, check=True)
    subprocess.run(["git", "commit", "-qm", "registre"], cwd=territoire.racine, check=True)
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    rgpd.effacer(Coffre(territoire), {d["id"]: d}, "demande", date(2026, 3, 4))
    assert (territoire.data / rgpd.REGISTRE).read_text(encoding="utf-8").splitlines() == [
        "date_effacement,motif", "2025-01-02,demande", "2026-03-04,demande"]


def _verifier():
    r = CliRunner().invoke(main, ["verifier"])
    return r.exit_code, r.output


def test_verifier_lit_les_restes_et_refuse_un_fichier_de_trop(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d, _autre({d["id"]})], "Dossiers")
    rgpd.effacer(Coffre(territoire), {d["id"]: d}, "demande")
    code, sortie = _verifier()
    assert code == 0, sortie
    dossier_restes = restes.dossier_restes(territoire)
    (dossier_restes / "notes.txt").write_text("reste à compléter\n", encoding="utf-8")
    (dossier_restes / "abime.json.age").write_bytes(b"pas du age")
    seul = vault.generer_identite()  # a remainder written for one key only, around famnum
    (dossier_restes / "seul.json.age").write_bytes(restes.chiffrer(
        {"version": 1, "fiche": {"qpv": "epine", "niveau": "college"}, "journal": []},
        [*coffre.destinataires[:1], vault.Destinataire(str(seul.to_public()), "x")][:1]))
    (dossier_restes / "nominatif.json.age").write_bytes(vault.chiffrer(
        json.dumps(d).encode(), vault.destinataires_age(coffre.destinataires)))
    resultat = CliRunner().invoke(main, ["verifier", "--json"])
    assert resultat.exit_code != 0
    assert sorted((p["fichier"], p["code"]) for p in json.loads(resultat.output)["problemes"]) == [
        ("data/effaces/abime.json.age", "illisible.pas_age"), ("data/effaces/nominatif.json.age", "illisible.pas_objet"),
        ("data/effaces/notes.txt", "verifier.fichier_inattendu"),
        ("data/effaces/seul.json.age", "verifier.destinataires_perimes")]
    crochet = subprocess.run(["git", "add", "data/effaces/notes.txt"], cwd=territoire.racine)
    assert crochet.returncode == 0
    commit = subprocess.run(["git", "commit", "-m", "notes"], cwd=territoire.racine, capture_output=True, text=True)
    assert commit.returncode != 0 and "data/effaces/notes.txt" in commit.stdout + commit.stderr
