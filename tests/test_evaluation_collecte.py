"""famnum suivi and famnum atelier seance: the follow-up questionnaire and the sessions held."""
from __future__ import annotations

import subprocess

from click.testing import CliRunner
from ruamel.yaml import YAML

from famnum.cli import main
from famnum.dossiers import Coffre

from fabrique import VALEURS_PLANTEES, dossier, git_log, refus

SUIVI_T3 = [
    "référente de parcours PRE Sablons",  # --par
    "2",                                   # T3
    "o",                                   # questions to the family
    "4", "4", "3", "9", "3",               # weekly use, homework, ENT, a wrong choice then écrire
    "", "", "",                            # démarches, information, orientation skipped
    "3", "o", "n",                         # autonomy, internet yes, démarche no
    "o",                                   # the school's view
    "2", "5", "4", "4",                    # professeur principal, devoirs toujours, contact souvent, implication souvent
    "o",                                   # save
]


def test_suivi_remplit_le_questionnaire_et_l_ajoute_au_journal(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    r = CliRunner().invoke(main, ["suivi", d["id"], "--date", "12/01/2026"], input="\n".join(SUIVI_T3) + "\n")
    assert r.exit_code == 0, r.output
    assert "choix inconnu" in r.output
    suivi = Coffre(territoire).lire(d["id"])["journal"][-1]
    assert suivi["type"] == "suivi" and suivi["date"] == "2026-01-12"
    assert suivi["details"] == {
        "temps": "T3",
        "famille": {"usage_hebdomadaire": "souvent", "devoirs_enfant": "souvent", "connexion_ent": "parfois",
                    "ecrire_ecole": "parfois", "autonomie": "parfois", "internet_maison": True,
                    "demarche_seul_faite": False},
        "ecole": {"repondant": "professeur_principal", "devoirs_en_ligne": "toujours", "contact_famille": "souvent",
                  "implication_parents": "souvent"},
    }
    assert "Suivi T3 (1 dossier)" in git_log(territoire.racine)


def test_suivi_d_une_famille_inconnue_est_refuse(coffre):
    r = CliRunner().invoke(main, ["suivi", "F-ZZZZZ", "--par", "PRE"], input="")
    assert r.exit_code != 0 and refus(r).code == "dossier.inconnu"


def _seance(args, reponses=""):
    return CliRunner().invoke(main, ["atelier", "seance", "--fiche", "pronote-devoirs-et-notes", "--lieu",
                                     "centre social des Sablons", "--structure", "CLAS des Sablons",
                                     "--animateur", "animatrice CLAS", "--animateur", "référent PRE",
                                     "--par", "animatrice CLAS", *args], input=reponses)


def test_seance_ecrit_un_fichier_sans_identifiant_et_un_evenement_par_famille(coffre, territoire):
    a, b, c = dossier(), None, None
    b = dossier({a["id"]})
    c = dossier({a["id"], b["id"]})
    coffre.enregistrer([a, b, c], "Nouvelles fiches")
    # 5 questions × 5 boxes; 4 participants (2 families, 2 anonymous)
    reponses = "\n".join(["0", "0", "1", "2", "1"] * 5) + "\n"
    r = _seance(["--date", "14/10/2025", "--famille", a["id"], "--famille", b["id"].lower(), "--anonymes", "2"], reponses)
    assert r.exit_code == 0, r.output
    fichier = territoire.data / "seances" / "2025-10-14-pronote-devoirs-et-notes.yaml"
    texte = fichier.read_text(encoding="utf-8")
    assert a["id"] not in texte and b["id"] not in texte
    assert not any(v in texte for v in VALEURS_PLANTEES)
    donnees = YAML(typ="safe").load(texte)
    assert donnees["participants"] == {"familles_identifiees": 2, "anonymes": 2}
    assert donnees["animateurs"] == ["animatrice CLAS", "référent PRE"]
    assert donnees["evaluation"][0]["reponses"] == {"jamais": 0, "rarement": 0, "parfois": 1, "souvent": 2, "toujours": 1}
    lus = Coffre(territoire)
    for d in (a, b):
        dernier = lus.lire(d["id"])["journal"][-1]
        assert dernier["type"] == "atelier" and dernier["date"] == "2025-10-14"
        assert dernier["details"] == {"seance": fichier.stem, "fiche": "pronote-devoirs-et-notes", "structure": "CLAS des Sablons"}
    assert lus.lire(c["id"])["journal"][-1]["type"] == "diagnostic"
    log = subprocess.run(["git", "-C", str(territoire.racine), "show", "--stat", "--format=%s", "HEAD"],
                         capture_output=True, text=True).stdout
    assert "Séance atelier pronote-devoirs-et-notes (2 dossiers)" in log and fichier.name in log
    assert a["id"] not in git_log(territoire.racine)


def test_seance_anonyme_seule_et_meme_fiche_deux_fois_le_meme_jour(coffre, territoire):
    for _ in range(2):
        r = _seance(["--date", "14/10/2025", "--anonymes", "7", "--sans-evaluation", "--type", "formation"])
        assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (territoire.data / "seances").iterdir()) == [
        "2025-10-14-pronote-devoirs-et-notes-2.yaml", "2025-10-14-pronote-devoirs-et-notes.yaml"]


def test_seance_mauvaises_entrees_n_ecrivent_rien(coffre, territoire):
    cas = [
        (["--fiche", "pronot"], "seance_atelier.fiche_inconnue"),
        (["--date", "14/10/2099", "--anonymes", "3"], "seance_atelier.date_future"),
        (["--date", "14/10/2025"], "seance_atelier.sans_participant"),
        (["--date", "14/10/2025", "--famille", "F-ZZZZZ"], "dossier.inconnu"),
        (["--date", "14/10/2025", "--anonymes", "3", "--animateur", "Mme X 0639987351"], "seance_atelier.animateur_sans_fonction"),
    ]
    for args, code in cas:
        if args[0] == "--fiche":
            r = CliRunner().invoke(main, ["atelier", "seance", "--lieu", "x", "--structure", "y", "--par", "PRE", *args])
        else:
            r = _seance([*args, "--sans-evaluation"])
        assert r.exit_code != 0 and refus(r).code == code, (args, r.output)
    assert not (territoire.data / "seances").exists()
