"""famnum importer on partners' spreadsheets as they really arrive (issue 13): cells read as a person
would (dates in words, class names, placeholders, school names abbreviated or misspelt), never a
whole row refused for one cell, and families grouped across rows and files without a wrong merge.

Every name, date and phone number is invented; phone numbers come from ARCEP's fiction ranges
(01 99 00 xx xx, 06 39 98 xx xx).
"""
from __future__ import annotations

import csv
from datetime import date

import pytest
from click.testing import CliRunner

from famnum.cli import main
from famnum.collecte import resolution
from famnum.collecte.tableur import lire_feuilles
from famnum.collecte.valeurs import est_vide, lire_classe, lire_date_naissance, lire_lien, lire_oui_non_nsp
from famnum.dossiers import Coffre
from famnum.referentiels import Referentiels

from fabrique import refus
from test_import_tableur import PAR, ecrire_csv, ecrire_ods, ecrire_xlsx, rapport, tableurs  # noqa: F401 (fixture)

JOUR = date(2025, 5, 12)


def importer(fichier, *options, entree=""):
    return CliRunner().invoke(main, ["importer", str(fichier), "--par", PAR, "--date", "12/05/2025", *options], input=entree)


def familles(coffre) -> list[list[tuple]]:
    """Each dossier as the sorted (first name, birth date) of its children, dossiers sorted."""
    dossiers = Coffre(coffre.territoire).lire_tous().dossiers.values()
    return sorted(sorted((e["prenom"], e.get("date_naissance", "")) for e in d["fiche"]["enfants"]) for d in dossiers)


def dossier_de(coffre, prenom: str) -> dict:
    (d,) = [d for d in Coffre(coffre.territoire).lire_tous().dossiers.values()
            if any(e["prenom"] == prenom for e in d["fiche"]["enfants"])]
    return d


def enfant(d: dict, prenom: str) -> dict:
    return next(e for e in d["fiche"]["enfants"] if e["prenom"] == prenom)


# --- cells ------------------------------------------------------------------------------------

@pytest.mark.parametrize("texte", ["9 mars 2015", "09/03/15", "9-3-2015", "2015-03-09", "9/3/2015", "09.03.2015",
                                   "9 Mars 15", "lundi 9 mars 2015", "9 mar. 2015", "42072"])
def test_dates_en_mots_et_formes_courtes(texte):
    assert lire_date_naissance(texte, JOUR).valeur == "2015-03-09"


@pytest.mark.parametrize("texte, code", [("31/02/2016", "valeur.date_inexistante"), ("30/13/2015", "valeur.date_inexistante"),
                                         ("12/12/2030", "valeur.date_future"), ("1980-01-01", "valeur.date_improbable"),
                                         ("début 2015", "valeur.date_illisible")])
def test_une_date_impossible_reste_vide_avec_sa_raison(texte, code):
    lu = lire_date_naissance(texte, JOUR)
    assert lu.valeur is None and lu.code == code and lu.probleme and "jj/mm/aaaa" in lu.suggestion


@pytest.mark.parametrize("texte, forme", [("6EME 2", "6e 2"), ("6ème2", "6e 2"), ("6e2", "6e 2"), ("5eB", "5e B"),
                                          ("4ème C", "4e C"), ("CM1-CM2", "CM1-CM2"), ("GS", "GS"), ("Grande section", "GS"),
                                          ("ULIS", "ULIS"), ("cm2a", "CM2 A"), ("ce 1", "CE1"), ("3°1", "3e 1"),
                                          ("sixième B", "6e B"), ("GS/CP", "GS-CP"), ("Classe de CM1", "CM1")])
def test_classes_sous_une_forme_par_niveau(texte, forme):
    assert lire_classe(texte).valeur == forme


def test_une_classe_illisible_reste_vide():
    lu = lire_classe("college alain")
    assert lu.valeur is None and lu.code == "valeur.classe_inconnue" and lu.probleme


@pytest.mark.parametrize("texte", ["pas de mail", "x", "-", "néant", "?", "NC", "Non communiqué", "  ", "/", "#N/A", "#REF!"])
def test_bouche_trous_vides(texte):
    assert est_vide(texte)


def test_une_croix_est_une_reponse_dans_une_colonne_oui_non():
    assert not est_vide("x", case_a_cocher=True) and lire_oui_non_nsp("X").valeur == "oui"
    assert lire_oui_non_nsp("ne sait pas").valeur == "ne_sait_pas" and lire_oui_non_nsp("Non").valeur == "non"
    assert not est_vide("Dupont") and not est_vide("06 39 98 01 02")


@pytest.mark.parametrize("texte, lien", [("Mère", "mere"), ("PERE", "pere"), ("Grand-mère", "grand_mere"),
                                         ("tuteur légal", "tuteur"), ("Famille d'accueil", "autre")])
def test_lien_de_parente(texte, lien):
    assert lire_lien(texte).valeur == lien


# --- school and QPV names ---------------------------------------------------------------------

@pytest.fixture
def resolveurs(territoire):
    referentiels = Referentiels.charger(territoire)
    charger = resolution.charger_autres_noms
    return (resolution.Resolveur(referentiels.etablissements, charger(territoire.referentiels, "etablissements",
                                                                      referentiels.etablissements), True),
            resolution.Resolveur(referentiels.qpv, charger(territoire.referentiels, "qpv", referentiels.qpv), False))


@pytest.mark.parametrize("ecrit, code", [
    ("Mat. Lucie Aubrac", "em-lucie-aubrac"), ("Élém. Gaston Bachelard", "ee-gaston-bachelard"),
    ("E.E. G. Philippe", "ee-gerard-philippe"), ("G.S. Molière", "gs-moliere"), ("Clg Alain Fournier", "col-alain-fournier"),
    ("EP Jules Ferry", "ec-jules-ferry"), ("G. Philippe", "ee-gerard-philippe"), ("ECOLE GASTON BACHELARD", "ee-gaston-bachelard"),
    ("college leon tolstoi", "col-leon-tolstoi"), ("Epau", "ee-epau"), ("Collège Pierre Gilles de Genne", "col-pierre-gilles-de-gennes"),
    ("Genne", "col-pierre-gilles-de-gennes"), ("E.M. E. Cotton", "em-eugenie-cotton"),
])
def test_noms_d_etablissements_tels_qu_ecrits(resolveurs, ecrit, code):
    pris = resolution.decider(resolveurs[0].candidats(ecrit))
    assert pris is not None and pris.code == code


def test_un_nom_porte_par_deux_etablissements_se_decide_par_la_classe(resolveurs):
    etablissements = resolveurs[0]
    assert resolution.decider(etablissements.candidats("Albert Camus")) is None  # a groupe scolaire and a collège
    assert resolution.a_demander(etablissements.candidats("Albert Camus"))
    assert resolution.decider(etablissements.candidats("Albert Camus", "college")).code == "col-albert-camus"
    assert resolution.decider(etablissements.candidats("Albert Camus", "primaire")).code == "gs-albert-camus"
    assert resolution.decider(etablissements.candidats("Ecole Jean Zay")) is None  # never « Jean Mermoz »
    assert not resolution.a_demander(etablissements.candidats("Ecole Jean Zay"))


@pytest.mark.parametrize("ecrit, code", [("Carnac", "bellevue-carnac"), ("Les Sablons", "sablons-bords-huisne"),
                                         ("Glonnières", "ronceray-glonnieres-vauguyon"), ("secteur Maroc", "ronceray-glonnieres-vauguyon"),
                                         ("l'épine", "epine"), ("Chaoué", "chaoue-perrieres")])
def test_qpv_par_sous_quartier(resolveurs, ecrit, code):
    assert resolution.decider(resolveurs[1].candidats(ecrit)).code == code


# --- CSV dialect --------------------------------------------------------------------------------

def test_csv_guillemets_doubles_et_retours_a_la_ligne_dans_un_champ(tmp_path):
    chemin = tmp_path / "centre.csv"
    chemin.write_text('Nom,Prénom,Né le,Observations\r\n'
                      'Quillembois,Anatole,02/09/2018,"Maman dit ""pas d\'ordinateur"", voir\r\navec l\'école"\r\n'
                      'Ferrandou,Éloïse,03/02/2016,""\r\n', encoding="utf-8")
    delimiteur = csv.excel.delimiter
    lignes = lire_feuilles(chemin)[0][1]
    assert lignes[1] == ["Quillembois", "Anatole", "02/09/2018", "Maman dit \"pas d'ordinateur\", voir\r\navec l'école"]
    assert lignes[2] == ["Ferrandou", "Éloïse", "03/02/2016", ""]
    point_virgule = tmp_path / "ecole.csv"
    point_virgule.write_text('Nom;Prénom;Remarque\r\nAbadie;Lina;"une; deux"\r\n', encoding="utf-8")
    assert lire_feuilles(point_virgule)[0][1][1] == ["Abadie", "Lina", "une; deux"]
    assert csv.excel.delimiter == delimiteur == ","  # the standard library's class is never changed


# --- the whole import: a corpus of three partners ------------------------------------------------

def _college(dossier):
    return ecrire_xlsx(dossier / "college.xlsx", [
        ["Collège Alain Fournier — élèves repérés"],
        ["NOM", "Prénom", "Date de naissance", "Classe", "Parent / responsable", "Lien de parenté", "Tél", "Mail", "Etablissement"],
        ["QUILLEMBOIS", "Zéphirine", "9 mars 2013", "6EME 2", "QUILLEMBOIS Noémie", "Mère", "06 39 98 73 51", "pas de mail", "Clg Alain Fournier"],
        ["FERRANDOU", "Karim", "17/04/12", "5eB", "Ferrandou Yasmina", "Grand-mère", "06 39 98 73 52", "x", "CLG A. FOURNIER"],
        ["ABADIE", "Lina", "01/01/2012", "4ème C", "-", "néant", "06 39 98 73 53", "?", "Alain Fournier"],
        ["ABADIE", "Lina", "05/06/2013", "6e2", "", "", "06 39 98 73 54", "", "Alain Fournier"],       # homonym, other date
        ["MOREAU", "Léa", "14/07/2013", "6ème2", "Moreau Sam", "Père", "06 39 98 73 55", "", "Alain Fournier"],
        ["MOREAU", "Léo", "14/07/2013", "6ème2", "Moreau Sam", "Père", "06 39 98 73 55", "", "Alain Fournier"],   # twin
        ["BERNARDIN", "Paul", "31/02/2012", "3°1", "Bernardin Rose", "tuteur", "NC", "", "Alain Fournier"],
        ["TOTAL", "", "", "", "", "", "", "", "7 élèves"],
    ])


def _centre_social(dossier):
    return ecrire_ods(dossier / "centre.ods", [
        ["Nom enfant", "Prénom", "Né(e) le", "École", "Quartier", "Responsable", "Téléphone", "Courriel", "Accepte une formation"],
        ["Quillembois", "Anatole", "2018-09-02", "G.S. Molière", "Carnac", "Mme Quillembois Noémie", "0639987351",
         "noemie.quillembois@example.org", "oui"],                                                     # sibling, same phone as the collège
        ["Quilembois", "Zephirine", "09/03/2013", "Alain Fournier", "Les Sablons", "", "06 39 98 73 99", "", "oui"],  # same child, misspelt, other phone
        ["Vasseur", "Noé", "03/05/2016", "E.E. G. Philippe", "", "Vasseur Inès", "06 39 98 73 60", "", "ne sait pas"],
        ["Ferrandou", "Malik", "2013-01-20", "Genne", "", "", "06 39 98 73 70", "", "non"],      # only the surname in common
        ["Diallo", "Awa", "", "Epau", "", "Diallo Fanta", "01 99 00 12 34", "", ""],                # no birth date
    ])


def _ecole(dossier):
    return ecrire_csv(dossier / "ecole.csv", [
        ["Élève", "Naissance", "Classe", "École", "Tél. parent", "Mail parent"],
        ["VASSEUR Jade", "12-11-2014", "CM1-CM2", "Ecole élémentaire Gérard Philippe", "0639987360", "ines.vasseur@example.org"],
        ["BOUCHARD Jade", "12-11-2014", "CM1", "Ecole élémentaire Gérard Philippe", "", "ines.vasseur@example.org"],  # half-sister: same e-mail
        ["PETIT Hugo", "01/09/2016", "CE1", "Ecole élémentaire Gérard Philippe", "06 39 98 73 80", ""],  # shares only the school
        ["DIALLO Awa", "07/07/2017", "GS", "Ecole élémentaire de l'Epau", "01 99 00 12 34", ""],  # completes Awa's birth date
    ], "cp1252", separateur=";")


def test_trois_partenaires_famille_par_famille(coffre, tableurs):  # noqa: F811 (fixture)
    r = importer(_college(tableurs), "--oui", "--type", "college")
    assert r.exit_code == 0, r.output
    lignes = rapport(r.output)
    assert "  college.xlsx, ligne 9, colonne « Date de naissance » : « 31/02/2012 » — date qui n'existe pas. " \
           "À faire : vérifiez le jour et le mois (jj/mm/aaaa)" in lignes
    assert "  classe « 6EME 2 » écrite « 6e 2 » : ligne 3" in lignes
    assert lignes[-6:] == ["Lignes lues : 8 (dont 1 ligne de total ou de titre ignorée)",
                           "Enfants importés entiers : 6", "Enfants importés avec des champs signalés : 1",
                           "Lignes refusées : 0", "Familles créées : 6 ; complétées : 0 ; déjà à jour : 0",
                           "Liens avec des dossiers d'autres fichiers : 0 ; liens entre lignes de ce fichier : 1"]
    zephirine = dossier_de(coffre, "Zéphirine")
    assert enfant(zephirine, "Zéphirine") == {"prenom": "Zéphirine", "nom": "QUILLEMBOIS", "date_naissance": "2013-03-09",
                                              "classe": "6e 2", "etablissement": "col-alain-fournier"}
    assert zephirine["fiche"]["contact_recensement"] == {"responsable": "QUILLEMBOIS Noémie", "lien": "mere",
                                                         "telephone": "+33639987351"}
    karim = dossier_de(coffre, "Karim")
    assert karim["fiche"]["contact_recensement"]["lien"] == "grand_mere"
    assert enfant(karim, "Karim")["date_naissance"] == "2012-04-17" and enfant(karim, "Karim")["classe"] == "5e B"
    assert dossier_de(coffre, "Léa") == dossier_de(coffre, "Léo")  # twins: one family, two children
    assert enfant(dossier_de(coffre, "Paul"), "Paul") == {"prenom": "Paul", "nom": "BERNARDIN", "classe": "3e 1",
                                                         "etablissement": "col-alain-fournier"}
    assert "telephone" not in dossier_de(coffre, "Paul")["fiche"]["contact_recensement"]  # « NC »: empty, no warning
    assert "« NC »" not in r.output

    r = importer(_centre_social(tableurs), "--oui", "--type", "centre_social")
    assert r.exit_code == 0, r.output
    lignes = rapport(r.output)
    zephirine = dossier_de(coffre, "Zéphirine")
    assert dossier_de(coffre, "Anatole")["id"] == zephirine["id"]  # same phone, the collège's file and the centre's
    assert [e["prenom"] for e in zephirine["fiche"]["enfants"]] == ["Zéphirine", "Anatole"]  # « Quilembois Zephirine » is Zéphirine
    assert zephirine["fiche"]["contact_recensement"] == {"responsable": "QUILLEMBOIS Noémie", "lien": "mere",
                                                         "telephone": "+33639987351", "courriel": "noemie.quillembois@example.org",
                                                         "telephone_2": "+33639987399"}
    assert zephirine["fiche"]["accepte_formation"] == "oui"
    assert [e["details"]["source"] for e in zephirine["journal"]] == ["college", "centre_social"]
    assert enfant(zephirine, "Anatole")["etablissement"] == "gs-moliere" and zephirine["fiche"]["qpv"] == "sablons-bords-huisne"
    malik = dossier_de(coffre, "Malik")
    assert malik["id"] != dossier_de(coffre, "Karim")["id"]  # only the surname in common
    assert enfant(malik, "Malik")["etablissement"] == "col-pierre-gilles-de-gennes"
    awa = dossier_de(coffre, "Awa")
    assert enfant(awa, "Awa") == {"prenom": "Awa", "nom": "Diallo", "etablissement": "ee-epau"}
    assert any("ligne 3 → dossier" in l and "même enfant" in l for l in lignes)
    assert "Liens avec des dossiers d'autres fichiers : 2 ; liens entre lignes de ce fichier : 0" in lignes

    r = importer(_ecole(tableurs), "--oui")
    assert r.exit_code == 0, r.output
    vasseur = dossier_de(coffre, "Noé")
    assert sorted((e["nom"], e["prenom"]) for e in vasseur["fiche"]["enfants"]) == [
        ("BOUCHARD", "Jade"), ("VASSEUR", "Jade"), ("Vasseur", "Noé")]  # half-siblings by phone and e-mail
    assert enfant(dossier_de(coffre, "Hugo"), "Hugo")["classe"] == "CE1"
    assert dossier_de(coffre, "Hugo")["id"] != vasseur["id"]  # shares only the school
    assert enfant(dossier_de(coffre, "Awa"), "Awa")["date_naissance"] == "2017-07-07"  # completed by the school's list
    assert familles(coffre) == sorted([
        [("Anatole", "2018-09-02"), ("Zéphirine", "2013-03-09")],
        [("Karim", "2012-04-17")],
        [("Lina", "2012-01-01")],
        [("Lina", "2013-06-05")],
        [("Léa", "2013-07-14"), ("Léo", "2013-07-14")],
        [("Paul", "")],
        [("Jade", "2014-11-12"), ("Jade", "2014-11-12"), ("Noé", "2016-05-03")],
        [("Malik", "2013-01-20")],
        [("Awa", "2017-07-07")],
        [("Hugo", "2016-09-01")],
    ])
    lecture = Coffre(coffre.territoire).lire_tous()
    assert lecture.rapport.valide, [p.texte() for p in lecture.rapport.problemes]
    for fichier, options in ((_college(tableurs), ("--type", "college")), (_centre_social(tableurs), ("--type", "centre_social")),
                             (_ecole(tableurs), ())):
        r = importer(fichier, "--oui", *options)
        assert "Rien de nouveau : aucun dossier n'est modifié." in r.output, r.output  # idempotent


def test_un_nom_incertain_est_demande_une_fois_et_garde_pour_la_source(coffre, tableurs):  # noqa: F811 (fixture)
    f = ecrire_csv(tableurs / "liste.csv", [["Nom", "Prénom", "Né le", "École", "Quartier"],
                                            ["Quillembois", "Anatole", "02/09/2018", "Albert Camus", "Carnac"],
                                            ["Ferrandou", "Éloïse", "03/02/2016", "Albert Camus", "Carnac"]], "utf-8")
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    assert ("  liste.csv, ligne 2, colonne « École » : « Albert Camus » — établissement incertain. À faire : le plus proche : "
            "Collège Albert Camus (col-albert-camus) ; Groupe scolaire Albert Camus (gs-albert-camus)") in rapport(r.output)[1]
    dossiers = Coffre(coffre.territoire).lire_tous().dossiers.values()
    assert [d["fiche"]["enfants"][0].get("etablissement") for d in dossiers] == [None, None]
    # asked once (two rows), answer 2 = the groupe scolaire, kept in the source's memory with its type
    r = importer(f, "--source", "centre-epau", "--type", "centre_social", entree="o\no\n2\no\n")  # mapping right, keep it, answer, save
    assert r.exit_code == 0, r.output
    assert r.output.count("quel établissement ?") == 1
    memoire = (coffre.territoire.data / "imports" / "centre-epau.yaml").read_text(encoding="utf-8")
    assert "Albert Camus: gs-albert-camus" in memoire and "type_source: centre_social" in memoire
    assert "Quillembois" not in memoire
    assert {d["fiche"]["enfants"][0]["etablissement"] for d in Coffre(coffre.territoire).lire_tous().dossiers.values()} == {"gs-albert-camus"}
    # issue 12 point 9: without --type nor questions, the source's memory is the whole memory
    r = importer(f, "--source", "centre-epau", "--oui")
    assert r.exit_code == 0 and "Rien de nouveau : aucun dossier n'est modifié." in r.output, r.output
    assert "quel établissement" not in r.output
    journal = Coffre(coffre.territoire).lire_tous().dossiers
    assert [[e["details"]["source"] for e in d["journal"]] for d in journal.values()] == [["ecole", "centre_social"]] * 2


def test_un_telephone_de_structure_ne_regroupe_personne(coffre, tableurs):  # noqa: F811 (fixture)
    lignes = [["Nom", "Prénom", "Né le", "École", "Tél"]]
    lignes += [[nom, "Sam", f"0{i + 1}/01/2015", "Jules Ferry", "01 99 00 00 01"]
               for i, nom in enumerate(["Aubert", "Blanc", "Carre", "Dumas", "Eyraud"])]
    r = importer(ecrire_csv(tableurs / "structure.csv", lignes, "utf-8"), "--oui")
    assert r.exit_code == 0, r.output
    assert len(Coffre(coffre.territoire).lire_tous().dossiers) == 5
    assert any("sans doute celui d'une structure" in l for l in rapport(r.output))


def test_colonnes_du_responsable_en_deux_et_nom_complet_dans_la_colonne_nom(coffre, tableurs):  # noqa: F811 (fixture)
    f = ecrire_xlsx(tableurs / "centre.xlsx", [
        ["Nom", "Prénom", "Né le", "École", "Nom du responsable", "Prénom du responsable", "Tél. parent"],
        ["VASSEUR Noé", "", "03/05/2016", "Descartes", "Vasseur", "Inès", "06 39 98 73 60"],
    ])
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    (d,) = Coffre(coffre.territoire).lire_tous().dossiers.values()
    assert d["fiche"]["enfants"] == [{"prenom": "Noé", "nom": "VASSEUR", "date_naissance": "2016-05-03"}]
    assert d["fiche"]["contact_recensement"] == {"responsable": "Vasseur Inès", "telephone": "+33639987360"}
    # « Descartes » is one of two schools (école and école élémentaire René Descartes), both out of the QPVs:
    # the school stays empty and flagged, the family's QPV is theirs
    assert d["fiche"]["qpv"] == "hors-qpv"
    assert any("« Descartes » — établissement incertain" in l for l in rapport(r.output))


def test_titres_de_colonnes_des_partenaires():
    from famnum.collecte.tableur import proposer_correspondance

    entetes = ["N°", "Nom de l'élève", "Prénom de l'élève", "Né(e) le", "Niveau", "Etablissement scolaire",
               "Parent / responsable", "Lien de parenté", "Tél. parent", "Portable", "Mail parent", "Quartier de résidence",
               "Besoin ordi", "Accepte une formation", "Observations"]
    colonnes = proposer_correspondance(entetes)
    assert {entetes[i]: c for i, c in colonnes.items()} == {
        "Nom de l'élève": "nom", "Prénom de l'élève": "prenom", "Né(e) le": "date_naissance", "Niveau": "classe",
        "Etablissement scolaire": "etablissement", "Parent / responsable": "responsable", "Lien de parenté": "lien",
        "Tél. parent": "telephone", "Portable": "telephone_2", "Mail parent": "courriel", "Quartier de résidence": "qpv",
        "Besoin ordi": "besoin_declare", "Accepte une formation": "accepte_formation"}


def test_un_dossier_que_les_regles_refusent_est_laisse_de_cote_pas_tout_l_import(coffre, tableurs, monkeypatch):  # noqa: F811 (fixture)
    from famnum.collecte import regroupement

    vrai = regroupement.planifier

    def planifier_avec_un_dossier_fautif(*args, **kwargs):
        plan = vrai(*args, **kwargs)
        plan.nouveaux[0]["fiche"]["qpv"] = "quartier-inconnu"  # what a bug or a hand-edited table could give
        return plan

    monkeypatch.setattr(regroupement, "planifier", planifier_avec_un_dossier_fautif)
    f = ecrire_csv(tableurs / "liste.csv", [["Nom", "Prénom", "Né le", "École"],
                                            ["Quillembois", "Anatole", "02/09/2018", "Molière"],
                                            ["Ferrandou", "Éloïse", "03/02/2016", "Jules Ferry"]], "utf-8")
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    assert "laissé de côté : Fiche nominative de diagnostic › QPV — code inconnu du référentiel qpv" in r.output
    assert familles(coffre) == [[("Éloïse", "2016-02-03")]]


def test_un_territoire_neuf_a_ses_propres_autres_noms(tmp_path, identite, monkeypatch):
    """A territory made by `famnum init` starts without Le Mans's other names; the coordinator adds
    its own (a street, a sub-district) and the import reads them."""
    import subprocess

    from famnum.territoire import initialiser

    from fabrique import git_init
    from territoire_neuf import remplir

    racine = tmp_path / "val-fleuri"
    racine.mkdir()
    git_init(racine)
    initialiser(racine)
    autres = racine / "data" / "referentiels" / "autres_noms.csv"
    assert autres.read_text(encoding="utf-8") == "referentiel,code,autre_nom\n"
    remplir(racine)
    autres.write_text("referentiel,code,autre_nom\netablissements,ee-jean-zay,Rue des Lilas\n"
                      "qpv,les-tisserands,Résidence du Moulin\n", encoding="utf-8")
    subprocess.run(["git", "commit", "-q", "--no-verify", "-am", "Autres noms"], cwd=racine, check=True)
    monkeypatch.chdir(racine)
    dossier = tmp_path / "listes"
    dossier.mkdir()
    f = ecrire_csv(dossier / "centre.csv", [["Nom", "Prénom", "Né le", "École", "Quartier", "Tél"],
                                            ["Quillembois", "Anatole", "02/09/2018", "école rue des Lilas", "", "06 39 98 73 51"],
                                            ["Ferrandou", "Éloïse", "03/02/2014", "", "Résidence du Moulin", "06 39 98 73 52"]],
                   "utf-8")
    r = importer(f, "--oui", "--type", "centre_social")
    assert r.exit_code == 0, r.output
    dossiers = {d["fiche"]["enfants"][0]["prenom"]: d for d in Coffre.ouvrir().lire_tous().dossiers.values()}
    assert dossiers["Anatole"]["fiche"]["enfants"][0]["etablissement"] == "ee-jean-zay"
    assert dossiers["Anatole"]["fiche"]["qpv"] == "val-fleuri"
    assert dossiers["Éloïse"]["fiche"]["qpv"] == "les-tisserands"


def _territoire_neuf(tmp_path, monkeypatch, remplir_referentiels: bool):
    """A territory made by `famnum init`, its reference tables filled (Val Fleuri) or left as init wrote them."""
    from famnum.territoire import initialiser

    from fabrique import git_init
    from territoire_neuf import remplir

    racine = tmp_path / "val-fleuri"
    racine.mkdir()
    git_init(racine)
    initialiser(racine)
    if remplir_referentiels:
        remplir(racine)
    monkeypatch.chdir(racine)
    return racine


def test_un_territoire_neuf_aux_tables_vides_dit_quoi_remplir_et_quoi_taper(tmp_path, identite, monkeypatch):
    """Before its tables of quartiers and schools are filled, an import says so first (which file, which
    columns), and each refused row names the option that attaches a one-quartier list."""
    racine = _territoire_neuf(tmp_path, monkeypatch, remplir_referentiels=False)
    f = ecrire_csv(tmp_path / "liste.csv", [["Nom", "Prénom", "Né le", "École"],
                                            ["Quillembois", "Anatole", "02/09/2018", "Molière"]], "utf-8")
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    avant_le_rapport = r.output.split("Rapport :")[0]
    for attendu in ("data/referentiels/qpv.csv", "data/referentiels/etablissements.csv", "code,nom,note"):
        assert attendu in avant_le_rapport, attendu
    assert "« --quartier CODE »" in r.output
    assert "ajoutez sa ligne dans data/referentiels/etablissements.csv" in r.output
    assert not list((racine / "data" / "families").glob("*.age"))


def test_une_liste_d_un_seul_quartier_prend_le_quartier_donne_et_la_source_le_garde(tmp_path, identite, monkeypatch):
    racine = _territoire_neuf(tmp_path, monkeypatch, remplir_referentiels=True)
    premiere = ecrire_csv(tmp_path / "centre.csv", [["Nom", "Prénom", "Né le"],
                                                    ["Quillembois", "Anatole", "02/09/2018"]], "utf-8")
    r = importer(premiere, "--oui", "--source", "centre-social-moulin", "--quartier", "les-tisserands")
    assert r.exit_code == 0, r.output
    assert "quartier: les-tisserands" in (racine / "data" / "imports" / "centre-social-moulin.yaml").read_text(encoding="utf-8")
    seconde = ecrire_csv(tmp_path / "centre2.csv", [["Nom", "Prénom", "Né le"],
                                                    ["Ferrandou", "Éloïse", "03/02/2014"]], "utf-8")
    r = importer(seconde, "--oui", "--source", "centre-social-moulin")  # the source remembers its quartier
    assert r.exit_code == 0, r.output
    assert sorted(d["fiche"]["qpv"] for d in Coffre.ouvrir().lire_tous().dossiers.values()) == ["les-tisserands"] * 2


def test_un_quartier_inconnu_est_refuse_avant_toute_question(tmp_path, identite, monkeypatch):
    import subprocess

    racine = _territoire_neuf(tmp_path, monkeypatch, remplir_referentiels=True)
    avant = subprocess.run(["git", "log", "--oneline"], cwd=racine, capture_output=True, text=True).stdout
    f = ecrire_csv(tmp_path / "centre.csv", [["Nom", "Prénom", "Né le"], ["Quillembois", "Anatole", "02/09/2018"]], "utf-8")
    r = importer(f, "--oui", "--source", "centre-social-moulin", "--quartier", "les-tiserands")
    assert r.exit_code != 0 and refus(r).code == "import.quartier_inconnu"
    assert "Quartier « les-tiserands » inconnu" in r.output and "data/referentiels/qpv.csv" in r.output
    assert "« --quartier les-tisserands »" in r.output
    assert subprocess.run(["git", "log", "--oneline"], cwd=racine, capture_output=True, text=True).stdout == avant
    assert not (racine / "data" / "imports" / "centre-social-moulin.yaml").exists()
