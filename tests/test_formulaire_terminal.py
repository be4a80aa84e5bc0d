"""`famnum famille nouvelle`: one question per field, checked as typed, a summary, then saved."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from famnum.cli import main
from famnum.dossiers import Coffre

from fabrique import refus

# The answers a référente types, in the order of the form (data/schemas/famille.schema.json),
# with a few mistakes on the way that must be refused and asked again.
REPONSES = [
    "référente de parcours PRE Sablons",  # --par
    # Enfant n°1
    "Zéphirine", "Quillembois",
    "17/04/2099",        # refused: in the future
    "31/02/2013",        # refused: no such date
    "17/04/2013",
    "Alain Fournier",    # school by (part of) its name
    "6e",
    "o",                 # another child
    "Anatole", "Quillembois", "02/09/2018", "", "",  # no school yet, no class
    "n",
    # Représentant légal n°1
    "06 39 98 73 51",    # refused: a phone number typed as a first name
    "Noémie", "Quillembois",
    "1",                 # Mère
    "abc",               # refused: not a phone number
    "06 39 98 73 51",
    "noemie-at-example", # refused: not an e-mail
    "noemie.quillembois@example.org",
    "1,2",               # fr, ar
    "n",
    # QPV
    "2",                 # Sablons – Bords de l'Huisne
    # Adresse
    "o", "12 rue des Tilleuls Imaginaires", "", "72100", "Le Mans",
    # Foyer
    "1", "2",
    "7", "12",           # one age per child, no « Ajouter ? » question
    "", "",
    # besoin déclaré
    "o",
    # équipements: no computer, so neither their types nor « Fonctionnent-ils ? » are asked
    "0",
    # imprimantes
    "0",
    # tablettes, smartphones
    "1", "n", "1", "n",
    # internet
    "2", "",
    # capacités
    "2", "o", "3", "", "2", "1",   # formation accepted: no « Pourquoi ? »
    # demande
    "o", "o", "o", "n",
    # consentement
    "12/05/2025", "référente de parcours PRE Sablons", "1",
    # observations
    "",
    # confirmation
    "o",
]


def test_saisie_complete_dans_le_terminal(territoire, coffre):
    resultat = CliRunner().invoke(main, ["famille", "nouvelle"], input="\n".join(REPONSES) + "\n")
    assert resultat.exit_code == 0, resultat.output[-3000:]
    sortie = resultat.output
    assert "date de naissance dans le futur" in sortie
    assert "la date 31/02/2013 n'existe pas : février 2013 n'a que 28 jours" in sortie
    assert "sans chiffre ni symbole" in sortie
    assert "numéro de téléphone illisible" in sortie
    assert "adresse e-mail incorrecte" in sortie
    assert "Résumé :" in sortie and "Collège Alain Fournier" in sortie
    identifiants = Coffre(territoire).identifiants()
    assert len(identifiants) == 1
    d = Coffre(territoire).lire(identifiants.pop())
    fiche = d["fiche"]
    assert fiche["enfants"][0]["date_naissance"] == "2013-04-17"
    assert fiche["enfants"][0]["etablissement"] == "col-alain-fournier"
    assert "etablissement" not in fiche["enfants"][1]
    assert fiche["representants_legaux"][0]["telephone"] == "+33639987351"
    assert fiche["representants_legaux"][0]["langues"] == ["fr", "ar"]
    assert fiche["foyer"]["ages_enfants"] == [7, 12]
    assert fiche["capacites"] == {"location": "partiellement", "location_aide": True, "installation": "ne_sait_pas",
                                  "utilisation": "partiellement", "formation": "oui"}
    assert d["journal"][0]["type"] == "diagnostic" and d["journal"][0]["par"] == "référente de parcours PRE Sablons"


def test_refus_au_resume_n_enregistre_rien(territoire):
    reponses = REPONSES[:-1] + ["n"]
    resultat = CliRunner().invoke(main, ["famille", "nouvelle"], input="\n".join(reponses) + "\n")
    assert resultat.exit_code == 0
    assert "Rien n'a été enregistré" in resultat.output
    assert list(territoire.familles.glob("*.age")) == []


def test_abandon_en_cours_de_saisie(territoire):
    resultat = CliRunner().invoke(main, ["famille", "nouvelle"], input="référente\nZéphirine\n")  # then end of input
    assert resultat.exit_code != 0
    assert list(territoire.familles.glob("*.age")) == []


# --- issue 12, point 5: an interview is never thrown away ---------------------------------------

def _index(reponses, valeur, depuis=0):
    return reponses.index(valeur, depuis)


def test_une_regle_metier_refuse_la_reponse_a_sa_question(territoire):
    reponses = list(REPONSES)
    i = _index(reponses, "12/05/2025")
    reponses[i:i + 1] = ["12/05/2099", "12/05/2025"]  # a consent date in the future, refused at once
    resultat = CliRunner().invoke(main, ["famille", "nouvelle"], input="\n".join(reponses) + "\n")
    assert resultat.exit_code == 0, resultat.output[-2000:]
    sortie = resultat.output
    refus = sortie.index("consentement daté dans le futur")
    assert sortie.index("Date du consentement", refus) < sortie.index("Recueilli par", refus)  # asked again at once
    (identifiant,) = Coffre(territoire).identifiants()
    assert Coffre(territoire).lire(identifiant)["fiche"]["consentement"]["date"] == "2025-05-12"


def test_une_erreur_a_la_fin_repose_seulement_sa_question(territoire, monkeypatch):
    """A rule the question could not see (here: the per-question check switched off) fails at the end:
    the form asks that one question again, keeps every other answer, and saves."""
    import famnum.cli.familles as familles

    monkeypatch.setattr(familles, "_regles", lambda *a: [])
    reponses = list(REPONSES)
    reponses.remove("17/04/2099")  # (with no per-question rule, it would be accepted too)
    i = _index(reponses, "12/05/2025")
    reponses[i] = "12/05/2099"
    reponses[-1:] = ["01/06/2025", "o"]  # the one question asked again, then « Enregistrer ? »
    resultat = CliRunner().invoke(main, ["famille", "nouvelle"], input="\n".join(reponses) + "\n")
    assert resultat.exit_code == 0, resultat.output[-2000:]
    sortie = resultat.output
    fin = sortie.index("Avant d'enregistrer, il reste à corriger")
    assert "Consentement › Date du consentement : consentement daté dans le futur" in sortie[fin:]
    assert "Toutes les autres réponses sont gardées" in sortie[fin:]
    reposees = sortie[fin:sortie.index("Résumé :")]
    assert reposees.count("[jj/mm/aaaa]") == 1 and "Prénom" not in reposees and "Nombre d'adultes" not in reposees
    (identifiant,) = Coffre(territoire).identifiants()
    fiche = Coffre(territoire).lire(identifiant)["fiche"]
    assert fiche["consentement"] == {"date": "2025-06-01", "recueilli_par": "référente de parcours PRE Sablons",
                                     "modalite": "ecrit"}
    assert fiche["enfants"][0]["prenom"] == "Zéphirine" and fiche["foyer"]["ages_enfants"] == [7, 12]
    assert fiche["representants_legaux"][0]["telephone"] == "+33639987351"
    assert fiche["demande"] == {"ordinateur_fixe": True, "ordinateur_portable": True, "imprimante": True,
                                "connexion_internet": False}


def _console_interrompue(reponses: list[str], apres: int):
    """A terminal whose user presses Ctrl-C at question number `apres`."""
    from famnum.collecte.terminal import Console

    donnees = iter(reponses)
    compte = {"n": 0}

    def demander(_texte):
        compte["n"] += 1
        if compte["n"] > apres:
            raise KeyboardInterrupt
        return next(donnees)

    return lambda: Console(demander=demander, ecrire=lambda _t: None)


def _traces_en_clair(*chemins) -> list[str]:
    """Files among these (a folder: every file under it, git's objects unpacked) holding a planted value in clear.
    A file that vanished (removed by the command, as it should) is not a trace."""
    from fabrique import VALEURS_PLANTEES

    fichiers = []
    for chemin in map(Path, chemins):
        fichiers += [Path(d, n) for d, _, noms in os.walk(chemin) for n in noms] if chemin.is_dir() else [chemin]
    trouves = []
    for fichier in fichiers:
        try:
            contenu = fichier.read_bytes() if not fichier.is_symlink() else b""
        except OSError:
            continue
        trouves += [f"{fichier}: {v}" for v in VALEURS_PLANTEES if v.encode() in contenu]
    return trouves


ECRITURE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND
_ecrits: list[str] | None = None  # while a test notes them: what this process writes (see `ecrits_par`)


def _noter(evenement: str, arguments: tuple) -> None:
    """Python's audit hook: a file this process opens for writing (builtins.open, os.open, tempfile), a
    folder it makes (os.mkdir, tempfile.mkdtemp: what a program it starts may write into)."""
    if _ecrits is None or isinstance(arguments[0], int):  # not noting, or an open file descriptor
        return
    if (evenement == "open" and (arguments[2] & ECRITURE or set(arguments[1] or "") & set("wax+"))) \
            or evenement in ("os.mkdir", "tempfile.mkdtemp"):
        _ecrits.append(os.path.abspath(os.fsdecode(arguments[0])))


@contextmanager
def ecrits_par(ecrits: list[str]):
    """Notes in `ecrits` every file and folder this process writes while the block runs. Only this process's:
    the folders other tests share (/dev/shm, where other runs keep their own planted values) are never read."""
    global _ecrits
    if not getattr(ecrits_par, "accroche", False):
        sys.addaudithook(_noter)  # for the process's life: a no-op while nothing notes
        ecrits_par.accroche = True
    _ecrits = ecrits
    try:
        yield ecrits
    finally:
        _ecrits = None


def test_ctrl_c_garde_un_brouillon_chiffre_que_reprendre_termine(territoire, monkeypatch, tmp_path):
    import subprocess
    import tempfile

    import famnum.cli.familles as familles

    from fabrique import VALEURS_PLANTEES

    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", None)
    reponses = REPONSES[1:-1]  # without --par (given as an option) and without « Enregistrer ? »
    coupure = _index(reponses, "1", _index(reponses, "Le Mans")) + 1  # Ctrl-C after « Nombre d'adultes »
    monkeypatch.setattr(familles, "_console", _console_interrompue(reponses, coupure))
    with ecrits_par([]) as ecrits:
        resultat = CliRunner().invoke(main, ["famille", "nouvelle", "--par", "référente PRE Sablons"], input="o\n")
    assert resultat.exit_code == 130, resultat.output
    assert "Brouillon gardé, chiffré" in resultat.output and "famnum famille nouvelle --reprendre" in resultat.output
    assert list(territoire.familles.glob("*.age")) == []
    (brouillon,) = (territoire.prive / "brouillons").iterdir()
    assert brouillon.read_bytes().startswith(b"age-encryption.org/v1")
    assert oct(brouillon.stat().st_mode & 0o777) == "0o600"
    # no plain text anywhere: the territory (git objects included), the temporary folders, whatever the command
    # wrote elsewhere (RAM's /dev/shm included, where a private file in clear would go: editeur.fichier_prive)
    assert _traces_en_clair(territoire.racine, tmp_path / "tmp", *ecrits) == []
    suivis = subprocess.run(["git", "-C", str(territoire.racine), "status", "--porcelain"], capture_output=True, text=True)
    assert suivis.stdout == ""  # the draft is outside git
    historique = subprocess.run(["git", "-C", str(territoire.racine), "log", "--all", "-p", "--binary"],
                                capture_output=True, check=True).stdout
    assert historique and not any(v.encode() in historique for v in VALEURS_PLANTEES)

    # resumed: only the questions left are asked
    reste = reponses[coupure:]
    monkeypatch.setattr(familles, "_console", _console_interrompue(reste, len(reste)))
    resultat = CliRunner().invoke(main, ["famille", "nouvelle", "--reprendre"], input="o\n")
    assert resultat.exit_code == 0, resultat.output
    assert "Reprise du brouillon (nouvelle fiche" in resultat.output
    (identifiant,) = Coffre(territoire).identifiants()
    d = Coffre(territoire).lire(identifiant)
    assert d["fiche"]["enfants"][1]["prenom"] == "Anatole" and d["fiche"]["foyer"]["nb_adultes"] == 1
    assert d["fiche"]["consentement"]["date"] == "2025-05-12"
    assert d["journal"][0]["par"] == "référente PRE Sablons"
    assert list((territoire.prive / "brouillons").iterdir()) == []


def test_ctrl_c_sans_garder_de_brouillon_n_ecrit_rien(territoire, monkeypatch):
    import famnum.cli.familles as familles

    monkeypatch.setattr(familles, "_console", _console_interrompue(REPONSES[1:], 5))
    resultat = CliRunner().invoke(main, ["famille", "nouvelle", "--par", "référente"], input="n\n")
    assert resultat.exit_code == 130 and "Rien n'a été enregistré ni gardé" in resultat.output
    assert not (territoire.prive / "brouillons").exists() or not list((territoire.prive / "brouillons").iterdir())


# --- issue 12, point 6: the form's logic comes from the schema ----------------------------------

def test_la_logique_du_formulaire(territoire):
    reponses = list(REPONSES)
    i = _index(reponses, "Alain Fournier")
    reponses[i:i + 2] = ["Gaston", "college alain", "6e"]  # a school by the start of its name; a class refused
    j = _index(reponses, "1", _index(reponses, "Le Mans"))
    reponses[j:j + 2] = ["1", "0", "2"]  # 0 children at home while 2 are in the fiche: refused at once
    resultat = CliRunner().invoke(main, ["famille", "nouvelle"], input="\n".join(reponses) + "\n")
    assert resultat.exit_code == 0, resultat.output[-2000:]
    sortie = resultat.output
    assert "→ Ecole élémentaire Gaston Bachelard" in sortie  # says which school it picked
    assert sortie.count("Collège Alain Fournier") == 1  # the list of schools is printed once, not for each child
    assert "numéro ou début du nom ; ? pour revoir la liste" in sortie
    assert "classe inconnue « college alain »" in sortie
    assert "0, alors que la fiche compte 2 enfants" in sortie
    assert "Âge de l'enfant n°1" in sortie and "Âge de l'enfant n°3" not in sortie and "Ajouter un « Âge »" not in sortie
    assert "Nombre d'ordinateurs: 0" in sortie and "Fonctionnent-ils" not in sortie and "Types" not in sortie
    assert "Ordinateur fixe [o/n]" in sortie and "La famille considère avoir des besoins numériques [o/n]" in sortie
    assert "data/referentiels" not in sortie
    (identifiant,) = Coffre(territoire).identifiants()
    fiche = Coffre(territoire).lire(identifiant)["fiche"]
    assert fiche["enfants"][0]["etablissement"] == "ee-gaston-bachelard" and fiche["foyer"]["nb_enfants"] == 2


# --- issue 12, point 4: from « recensée » to « diagnostiquée » ----------------------------------

def _recensee(coffre) -> dict:
    """A family known from a school's list: children (one without a birth date), QPV, the list's contact."""
    from famnum.dossiers import evenement, nouveau_dossier

    from fabrique import FICHE

    enfants = [dict(e) for e in FICHE["enfants"]]
    del enfants[1]["date_naissance"]  # the school's list did not give it: required at the diagnostic
    recensee = nouveau_dossier(
        {"enfants": enfants, "qpv": "sablons-bords-huisne",
         "contact_recensement": {"responsable": "Quillembois Noémie", "telephone": "+33639987351", "lien": "mere"}},
        set(), [evenement("recensement", "coordinatrice PRE", details={"source": "ecole"})])
    coffre.enregistrer([recensee], "Import d'une liste de recensement")
    return recensee


def _reponses_completer() -> list[str]:
    debut = _index(REPONSES, "n", _index(REPONSES, "Anatole"))  # from « Ajouter « Enfant n°3 » ? »
    reponses = ["", "02/09/2018"] + REPONSES[debut:]  # the missing birth date: Entrée refused, then typed
    lien = _index(reponses, "1", _index(reponses, "Quillembois"))
    reponses[lien] = ""  # Entrée takes « Mère », as the census list said
    t = _index(reponses, "abc")
    reponses[t:t + 2] = [""]  # Entrée takes the phone the census list brought
    q = _index(reponses, "2", _index(reponses, "n", t))
    del reponses[q]  # the QPV is known: not asked
    return reponses


def test_completer_ne_demande_que_ce_qui_manque(territoire, coffre):
    from famnum.statuts import statut

    from fabrique import FICHE

    recensee = _recensee(coffre)
    reponses = _reponses_completer()
    resultat = CliRunner().invoke(main, ["famille", "completer", recensee["id"], "--par", "référente PRE Sablons"],
                                  input="\n".join(reponses) + "\n")
    assert resultat.exit_code == 0, resultat.output[-3000:]
    sortie = resultat.output
    assert "Recensée" in sortie and "Seules les questions qui manquent sont posées" in sortie
    assert "Prénom de l'enfant" not in sortie and "QPV [" not in sortie
    assert "Téléphone [Entrée : 06 39 98 73 51" in sortie and "Lien avec l'enfant [numéro ; Entrée : Mère]" in sortie
    assert "Prénom [Entrée : Noémie]" in sortie and "Nom [Entrée : Quillembois]" in sortie  # « Quillembois Noémie »
    assert sortie.count("Date de naissance [jj/mm/aaaa]:") == 2  # only Anatole's, and it is not optional
    d = Coffre(territoire).lire(recensee["id"])
    assert statut(d) == "diagnostique" and [e["type"] for e in d["journal"]] == ["recensement", "diagnostic"]
    assert d["fiche"]["enfants"] == FICHE["enfants"] and d["fiche"]["contact_recensement"]["telephone"] == "+33639987351"
    assert d["fiche"]["representants_legaux"][0]["telephone"] == "+33639987351"
    assert d["fiche"]["foyer"]["ages_enfants"] == [7, 12]


def test_une_liste_obligatoire_vide_est_dite_avant_la_premiere_question(territoire):
    (territoire.referentiels / "qpv.csv").write_text("code,nom,note\n", encoding="utf-8")
    resultat = CliRunner().invoke(main, ["famille", "nouvelle", "--par", "référente"], input="Léa\n" * 5)
    assert resultat.exit_code != 0 and refus(resultat).code == "entretien.referentiel_vide"
    assert "data/referentiels/qpv.csv est vide" in resultat.output and "Prénom" not in resultat.output


def test_un_complement_interrompu_reprend_sur_le_meme_dossier(territoire, coffre, monkeypatch):
    import famnum.cli.familles as familles
    from famnum.statuts import statut

    recensee = _recensee(coffre)
    reponses = _reponses_completer()[:-1]  # without « Enregistrer ? »
    monkeypatch.setattr(familles, "_console", _console_interrompue(reponses, 12))
    resultat = CliRunner().invoke(main, ["famille", "completer", recensee["id"], "--par", "référente"], input="o\n")
    assert resultat.exit_code == 130 and "Brouillon gardé" in resultat.output
    monkeypatch.setattr(familles, "_console", _console_interrompue(reponses[12:], len(reponses)))
    resultat = CliRunner().invoke(main, ["famille", "nouvelle", "--reprendre"], input="o\n")
    assert resultat.exit_code == 0, resultat.output
    assert f"complément du dossier {recensee['id']} commencé le" in resultat.output
    assert Coffre(territoire).identifiants() == {recensee["id"]}  # the same dossier, not a new one
    d = Coffre(territoire).lire(recensee["id"])
    assert statut(d) == "diagnostique" and d["fiche"]["enfants"][1]["date_naissance"] == "2018-09-02"
