"""`famnum famille nouvelle`: one question per field, checked as typed, a summary, then saved."""
from __future__ import annotations

from click.testing import CliRunner

from famnum.cli import main
from famnum.dossiers import Coffre

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
    "o", "7", "o", "12", "n",   # ages
    "", "",
    # besoin déclaré
    "o",
    # équipements: ordinateurs
    "0", "", "", "",
    # imprimantes
    "0", "",
    # tablettes, smartphones
    "1", "n", "1", "n",
    # internet
    "2", "",
    # capacités
    "2", "o", "3", "", "2", "1", "",
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
    assert "date de naissance est dans le futur" in sortie
    assert "date illisible" in sortie
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
