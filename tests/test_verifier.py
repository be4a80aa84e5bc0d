"""`famnum verifier`: every problem at once, in French, with a non-zero exit; the pre-commit hook."""
from __future__ import annotations

import json
import subprocess

from click.testing import CliRunner

from famnum import vault
from famnum.cli import main
from famnum.dossiers import canonique

from fabrique import dossier, refus


def _verifier(*options):
    resultat = CliRunner().invoke(main, ["verifier", *options])
    return resultat.exit_code, resultat.output


def _rapport(*options) -> tuple[int, dict]:
    """The exit code and the report of `famnum verifier --json`."""
    code, sortie = _verifier("--json", *options)
    return code, json.loads(sortie)


def _problemes(rapport: dict) -> list[tuple[str, str]]:
    return sorted((p["fichier"], p["code"]) for p in rapport["problemes"])


def test_un_territoire_sain(coffre):
    coffre.enregistrer([dossier(), dossier()], "Recensement")
    code, sortie = _verifier()
    assert code == 0 and "Tout est en ordre (2 dossiers lus)" in sortie


def test_tous_les_problemes_d_un_coup(coffre, territoire, identite):
    bon = dossier()
    coffre.enregistrer([bon], "Recensement")
    recipients = vault.destinataires_age(coffre.destinataires)

    def deposer(d):  # written around famnum's checks, as a careless script would
        territoire.chemin_dossier(d["id"]).write_bytes(vault.chiffrer(canonique(d), recipients))

    ecole = dossier(existants={bon["id"]})
    ecole["fiche"]["enfants"][0]["etablissement"] = "col-alain-fourniere"
    futur = dossier(existants={bon["id"], ecole["id"]})
    futur["fiche"]["enfants"][1]["date_naissance"] = "2099-01-01"
    telephone = dossier(existants={bon["id"], ecole["id"], futur["id"]})
    telephone["fiche"]["representants_legaux"][0]["nom"] = "06 39 98 73 51"
    inconnu = dossier(existants={bon["id"], ecole["id"], futur["id"], telephone["id"]})
    inconnu["fiche"]["couleur_preferee"] = "bleu"
    mot_de_passe = dossier(existants={bon["id"], ecole["id"], futur["id"], telephone["id"], inconnu["id"]})
    mot_de_passe["fiche"]["observations"] = "mot de passe ENT : soleil2024"
    for d in (ecole, futur, telephone, inconnu, mot_de_passe):
        deposer(d)
    double = dict(bon)  # the same id under another file name
    (territoire.familles / "F-22222.json.age").write_bytes(vault.chiffrer(canonique(double), recipients))
    (territoire.familles / "brouillon.yaml").write_text("nom: Quillembois\n")
    (territoire.familles / "F-33333.json.age").write_bytes(b"age-encryption.org/v1\ntronque")
    code, sortie = _verifier()
    assert code != 0
    attendus = [
        "code inconnu du référentiel etablissements", "le plus proche : col-alain-fournier",
        "date de naissance dans le futur",
        "Représentant légal n°1 › Nom : format incorrect (attendu : un nom, sans chiffre ni symbole)",
        "champ inconnu : couleur_preferee",
        "ressemble à un mot de passe", "Aidants Connect",
        "un autre dossier porte déjà le même identifiant",
        "l'identifiant inscrit dans le dossier ne correspond pas au nom du fichier",
        "data/families/brouillon.yaml : fichier inattendu",
        "data/families/F-33333.json.age : abîmé ou tronqué",
    ]
    for attendu in attendus:  # the one test of these problems' wording, as the report prints them
        assert attendu in sortie, attendu
    assert "soleil2024" not in sortie  # a report never repeats a personal value
    assert "06 39 98 73 51" not in sortie
    rapport = json.loads(_verifier("--json")[1])
    assert rapport["valide"] is False and sorted(p["code"] for p in rapport["problemes"]) == [
        "dossier.code_inconnu", "dossier.identifiant_different", "dossier.identifiant_en_double", "dossier.mot_de_passe",
        "dossier.naissance_future", "illisible.tronque", "schema.additionalProperties", "schema.pattern",
        "verifier.fichier_inattendu"]


def test_fichier_qui_n_est_pas_du_age(coffre, territoire):
    (territoire.familles / "F-44444.json.age").write_text('{"id": "F-44444"}')
    code, rapport = _rapport("--texte-clair")
    assert code != 0 and _problemes(rapport) == [("data/families/F-44444.json.age", "illisible.pas_age")]


def test_donnee_personnelle_en_clair_dans_le_depot(coffre, territoire):
    coffre.enregistrer([dossier()], "Recensement")
    page = territoire.racine / "content" / "notes-de-reunion.md"
    page.write_text("Rappeler Noémie Quillembois au 06.39.98.73.51 demain.\n")
    code, sortie = _verifier()
    assert code != 0
    assert "content/notes-de-reunion.md : contient en clair une donnée personnelle d'un dossier (nom)" in sortie
    assert "(telephone)" in sortie
    assert "Quillembois" not in sortie


def test_le_nom_donne_par_la_liste_de_recensement_est_cherche(coffre, territoire):
    """A census-only family has no legal guardian yet: the name the list gave is its only name."""
    d = dossier()
    d["fiche"]["contact_recensement"] = {"responsable": "VERNISSAC Ysaline", "lien": "mere"}
    coffre.enregistrer([d], "Recensement")
    assert _verifier()[0] == 0
    for ecrit in ("Rappeler Mme Ysaline Vernissac demain.", "Liste : vernissac ysaline (mère)."):
        (territoire.racine / "content" / "notes.md").write_text(ecrit + "\n")
        code, sortie = _verifier("--json")
        assert code != 0 and _problemes(json.loads(sortie)) == [("content/notes.md", "verifier.fuite")]
        assert "ernissac" not in sortie


def test_un_nom_qui_est_aussi_celui_d_une_ecole_n_est_pas_une_fuite(coffre, territoire):
    d = dossier()
    d["fiche"]["enfants"][0].update(prenom="Claude", nom="Bernard")
    coffre.enregistrer([d], "Recensement")
    assert _verifier()[0] == 0  # "Ecole maternelle Claude Bernard" is in the public reference table


def test_le_crochet_pre_commit_refuse_un_dossier_en_clair(coffre, territoire):
    brouillon = territoire.racine / "brouillon.yaml"
    brouillon.write_text("representants_legaux:\n  - nom: Quillembois\n    telephone: '+33639987351'\n")
    subprocess.run(["git", "add", "brouillon.yaml"], cwd=territoire.racine, check=True)
    commit = subprocess.run(["git", "commit", "-m", "brouillon"], cwd=territoire.racine, capture_output=True, text=True)
    assert commit.returncode != 0
    assert "ressemble à un dossier de famille en clair" in commit.stdout + commit.stderr


def test_le_crochet_refuse_une_cle_privee(coffre, territoire, identite):
    fichier = territoire.racine / "cle.txt"
    fichier.write_text(str(identite))
    subprocess.run(["git", "add", "cle.txt"], cwd=territoire.racine, check=True)
    commit = subprocess.run(["git", "commit", "-m", "oups"], cwd=territoire.racine, capture_output=True, text=True)
    assert commit.returncode != 0 and "clé privée age" in commit.stdout + commit.stderr


def test_le_crochet_installe_par_un_ancien_famnum_est_remplace_une_fois(coffre, territoire):
    import sys

    from famnum.crochet_git import CROCHET_PRE_COMMIT, CROCHETS_ANCIENS

    crochet = territoire.racine / ".git" / "hooks" / "pre-commit"
    crochet.write_text(CROCHETS_ANCIENS[0].format(python=sys.executable), encoding="utf-8")
    code, sortie = _verifier()
    assert code == 0 and "venait d'une version plus ancienne de famnum : famnum l'a remplacé" in sortie
    assert crochet.read_text(encoding="utf-8") == CROCHET_PRE_COMMIT.format(python=sys.executable)
    assert crochet.stat().st_mode & 0o111 == 0o111  # still executable: git runs it
    assert "crochet" not in _verifier()[1]  # said once
    crochet.write_text(CROCHET_PRE_COMMIT.format(python="/plus/de/python3"), encoding="utf-8")
    assert "lançait un Python qui n'existe plus (/plus/de/python3)" in _verifier()[1]
    assert crochet.read_text(encoding="utf-8") == CROCHET_PRE_COMMIT.format(python=sys.executable)


def test_un_crochet_ecrit_ou_change_par_quelqu_un_n_est_jamais_touche(coffre, territoire):
    import sys

    from famnum.crochet_git import CROCHETS_ANCIENS

    crochet = territoire.racine / ".git" / "hooks" / "pre-commit"
    for texte in ("#!/bin/sh\nexec make lint\n",
                  CROCHETS_ANCIENS[0].format(python=sys.executable) + "make lint\n"):
        crochet.write_text(texte, encoding="utf-8")
        code, sortie = _verifier()
        assert code == 0 and "crochet" not in sortie and crochet.read_text(encoding="utf-8") == texte


def test_init_hors_d_un_depot_git(tmp_path, identite):
    resultat = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert resultat.exit_code != 0 and refus(resultat).code == "git.pas_un_depot"
    assert "n'est pas un dépôt git" in resultat.output and "git init" in resultat.output  # its wording, tested once


def test_init_deux_fois(territoire):
    resultat = CliRunner().invoke(main, ["init", str(territoire.racine)])
    assert resultat.exit_code != 0 and refus(resultat).code == "territoire.deja_territoire"


def test_init_installe_l_arborescence(creation):
    racine = creation.territoire.racine
    for chemin in ("data/schemas/famille.schema.json", "data/referentiels/qpv.csv", "data/referentiels/etablissements.csv",
                   "data/datapackage.yaml", "data/families/destinataires.txt", "data/cle-pseudonymes.age",
                   ".git/hooks/pre-commit", ".gitignore"):
        assert (racine / chemin).exists(), chemin
    assert creation.cle_secours.startswith("AGE-SECRET-KEY" + "-1")
    assert creation.cle_secours not in "".join(p.read_text(errors="ignore") for p in racine.rglob("*") if p.is_file())
    assert "clé de secours" in (racine / "data/families/destinataires.txt").read_text()


def test_hors_d_un_territoire(tmp_path, monkeypatch, identite):
    monkeypatch.chdir(tmp_path)
    resultat = CliRunner().invoke(main, ["familles", "lister"])
    assert resultat.exit_code != 0 and refus(resultat).code == "territoire.introuvable"


def test_en_ci_le_rapport_ne_nomme_aucun_dossier(coffre, territoire, monkeypatch):
    d = dossier()
    coffre.enregistrer([d], "Recensement")
    (territoire.chemin_dossier(d["id"])).write_bytes(b"age-encryption.org/v1\ncasse")
    monkeypatch.setenv("CI", "true")
    code, sortie = _verifier("--json")
    assert code != 0 and [p["code"] for p in json.loads(sortie)["problemes"]] == ["illisible.tronque"]
    assert d["id"] not in sortie and "P-" in sortie


# --- the validation cache (build/cache/validation.txt) ----------------------------------------

def _compter_validations(monkeypatch) -> list:
    from famnum import validation

    appels, vraie = [], validation.valider_dossier
    monkeypatch.setattr(validation, "valider_dossier", lambda d, *a, **k: appels.append(d.get("id")) or vraie(d, *a, **k))
    return appels


def test_un_dossier_deja_valide_sous_les_memes_regles_n_est_pas_revalide(coffre, territoire, monkeypatch):
    from famnum import cache_validation

    lot = [dossier(), dossier()]
    coffre.enregistrer(lot, "Recensement")
    appels = _compter_validations(monkeypatch)
    assert coffre.lire_tous(processus=1).rapport.valide and len(appels) == 2
    assert coffre.lire_tous(processus=1).rapport.valide and len(appels) == 2  # the second reading validates nothing
    contenu = cache_validation.chemin(territoire).read_text(encoding="ascii")
    assert all(d["id"] not in contenu for d in lot) and len(contenu.splitlines()) == 3  # context + two hashes
    modifie = coffre.lire(lot[0]["id"])
    modifie["fiche"]["enfants"][0]["classe"] = "CM2"
    coffre.enregistrer([modifie], "Modification")
    del appels[:]
    assert coffre.lire_tous(processus=1).rapport.valide and appels == [lot[0]["id"]]  # a new ciphertext only


def test_un_dossier_invalide_n_entre_jamais_dans_le_cache(coffre, territoire, monkeypatch):
    bon = dossier()
    coffre.enregistrer([bon], "Recensement")
    futur = dossier(existants={bon["id"]})
    futur["fiche"]["enfants"][0]["date_naissance"] = "2099-01-01"
    territoire.chemin_dossier(futur["id"]).write_bytes(
        vault.chiffrer(canonique(futur), vault.destinataires_age(coffre.destinataires)))
    for _ in range(2):
        code, rapport = _rapport()
        assert code == 1 and _problemes(rapport) == [(f"data/families/{futur['id']}.json.age", "dossier.naissance_future")]


def test_d_autres_regles_font_tout_revalider(coffre, territoire, monkeypatch):
    coffre.enregistrer([dossier()], "Recensement")
    appels = _compter_validations(monkeypatch)
    coffre.lire_tous(processus=1)
    etablissements = territoire.referentiels / "etablissements.csv"
    etablissements.write_text(etablissements.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    coffre.lire_tous(processus=1)
    assert len(appels) == 2  # the reference tables changed: the cached answer no longer holds


# --- what the full check costs (issue 19) ------------------------------------------------------

def test_un_fichier_qui_n_est_pas_du_age_est_signale_une_fois(coffre, territoire):
    coffre.enregistrer([dossier()], "Recensement")
    (territoire.familles / "F-44444.json.age").write_text('{"id": "F-44444"}')
    rapport = json.loads(_verifier("--json")[1])
    assert _problemes(rapport) == [("data/families/F-44444.json.age", "illisible.pas_age")]  # reported once, by the reading


def test_le_schema_est_compile_une_fois_avant_les_processus(coffre, territoire):
    from famnum.dossiers import Coffre
    from famnum.lecture import SEUIL_PARALLELE

    coffre.enregistrer([dossier() for _ in range(SEUIL_PARALLELE)], "Recensement")
    lecteur = Coffre(territoire)  # a fresh one, as `famnum verifier` opens it
    assert lecteur.lire_tous(processus=2).rapport.valide
    assert "valide_vite" in vars(lecteur.schema)  # compiled in this process, inherited by every worker


def test_les_processus_de_lecture_cherchent_les_fuites(coffre, territoire):
    from famnum.fuites import Textes, noms_publics_du_territoire
    from famnum.lecture import SEUIL_PARALLELE

    lot = [dossier() for _ in range(SEUIL_PARALLELE)]
    lot[0]["fiche"]["enfants"][0].update(prenom="Claude", nom="Bernard")  # also a school's name: public
    coffre.enregistrer(lot, "Recensement")
    textes = Textes([("a.md", "Anatole Quillembois, né le 02/09/2018"), ("b.md", "École maternelle Claude Bernard"),
                     ("c.md", f"Dossier {lot[5]['id']}"), ("d.md", "né le 02/09/2018")], noms_publics_du_territoire(territoire))
    fuites = coffre.lire_tous(processus=2, textes=textes, garder=False).fuites
    assert [(f.fichier, f.nature) for f in fuites] == [("a.md", "date de naissance"), ("a.md", "nom"), ("c.md", "identifiant")]


def test_un_dossier_qui_est_un_repertoire_est_signale_sans_arreter_la_lecture(coffre, territoire):
    coffre.enregistrer([dossier()], "Recensement")
    (territoire.familles / "F-55555.json.age").mkdir()
    code, rapport = _rapport()
    assert code == 1 and _problemes(rapport) == [("data/families/F-55555.json.age", "verifier.fichier_inattendu")]
    assert rapport["compteurs"]["dossiers"] == 1  # the other dossiers are still read and checked


def test_un_mot_de_passe_coupe_par_un_retour_a_la_ligne_est_trouve(coffre, territoire):
    """The JSON of a dossier writes a line break as \\n: the search in the decrypted text must not miss a
    password whose words a line break separates."""
    recipients = vault.destinataires_age(coffre.destinataires)
    for observations in ("Code\nENT : soleil2024", "mot de\npasse : soleil2024"):
        d = dossier()
        d["fiche"]["observations"] = observations
        territoire.chemin_dossier(d["id"]).write_bytes(vault.chiffrer(canonique(d), recipients))
        code, rapport = _rapport()
        assert code == 1 and [(p["champ"].split(" › ")[-1], p["code"]) for p in rapport["problemes"]] == [
            ("Observations", "dossier.mot_de_passe")], observations
        territoire.chemin_dossier(d["id"]).unlink()


def test_l_index_des_textes_est_garde_tant_qu_aucun_texte_ne_change(coffre, territoire, monkeypatch):
    from famnum.fuites import Textes

    d = dossier()
    d["fiche"]["enfants"][0].update(prenom="Claude", nom="Bernard")  # also a school's name: public
    coffre.enregistrer([d], "Recensement")
    page = territoire.racine / "content" / "notes-de-reunion.md"
    page.write_text("Rappeler Noémie Quillembois demain.\n")
    fuite = "notes-de-reunion.md : contient en clair une donnée personnelle d'un dossier (nom)"
    assert fuite in _verifier()[1]
    indexations, vrai = [], Textes._indexer
    monkeypatch.setattr(Textes, "_indexer", lambda soi, numero, texte: indexations.append(numero) or vrai(soi, numero, texte))
    assert fuite in _verifier()[1] and indexations == []  # nothing changed: the index kept in build/cache/
    page.write_text("Rappeler Claude Bernard demain.\n")
    assert _verifier()[0] == 0 and indexations  # a text changed: indexed again; the name is a school's
    etablissements = territoire.referentiels / "etablissements.csv"
    renomme = etablissements.read_text(encoding="utf-8").replace("Claude Bernard", "Louise Michel")
    etablissements.write_text(renomme.replace("claude-bernard", "louise-michel"), encoding="utf-8")
    assert fuite in _verifier()[1]  # the reference tables changed: no school bears the name any more


def _ensembles(valeur) -> list:
    """The sets anywhere inside `valeur` (nested tuples, lists and dicts)."""
    if isinstance(valeur, (set, frozenset)):
        return [valeur]
    enfants = valeur.values() if isinstance(valeur, dict) else valeur if isinstance(valeur, (list, tuple)) else ()
    return [e for enfant in enfants for e in _ensembles(enfant)]


def test_l_index_garde_se_relit_a_l_identique_sans_ensemble_a_ecrire():
    """build/cache/textes.bin: what marshal writes holds no set (marshal sorts each set it writes: 0.4 s
    of CPU for a new territory's texts), and the index read back finds what the index made finds."""
    import marshal

    from famnum.fuites import Textes

    textes = Textes([("notes.md", "Rappeler Noémie Quillembois (F-7K2Q9) au 06 39 98 73 51 ou a.b@exemple.fr, "
                                  "née le 03/02/2016.\n"), ("vide.md", ""), ("mot.md", "Quillembois")],
                    {"claude bernard"})
    etat = marshal.loads(marshal.dumps(textes.etat()))
    assert _ensembles(etat) == []
    relu = Textes.depuis_etat(etat)
    for attribut in ("noms", "publics", "_fortes", "_dates", "_textes", "_mots", "_paires", "_tous_mots", "_toutes_paires"):
        assert getattr(relu, attribut) == getattr(textes, attribut), attribut
    valeurs = [("nom", "noemie quillembois"), ("telephone", "+33639987351"), ("identifiant", "F-7K2Q9"),
               ("courriel", "a.b@exemple.fr"), ("date_naissance", "2016-02-03"), ("nom", "claude bernard")]
    assert sorted(relu.trouver(valeurs)) == sorted(textes.trouver(valeurs)) != []
