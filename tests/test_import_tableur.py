"""famnum importer: a corpus of messy census spreadsheets built here (one quirk per file, then all at
once), the report checked line by line, idempotent re-import, duplicates, the mapping saved per source.

Every name, date and phone number is invented; phone numbers come from ARCEP's fiction ranges.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from famnum.cli import main
from famnum.collecte import import_tableur as imp
from famnum.dossiers import Coffre

from fabrique import VALEURS_PLANTEES, dossier, git_log, refus

PAR = "coordinatrice PRE"


# --- building the corpus ----------------------------------------------------------------------

def ecrire_csv(chemin: Path, lignes: list[list], encodage: str, separateur: str = ";") -> Path:
    texte = "\r\n".join(separateur.join(str(c) for c in ligne) for ligne in lignes) + "\r\n"
    chemin.write_bytes(texte.encode(encodage))
    return chemin


def ecrire_xlsx(chemin: Path, lignes: list[list], fusions=()) -> Path:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in lignes:
        feuille.append(ligne)
    for plage in fusions:
        feuille.merge_cells(plage)
    classeur.save(chemin)
    return chemin


def ecrire_ods(chemin: Path, lignes: list[list]) -> Path:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")
    for ligne in lignes:
        rang = TableRow()
        for valeur in ligne:
            if isinstance(valeur, (int, float)):
                cellule = TableCell(valuetype="float", value=valeur)
            else:
                cellule = TableCell(valuetype="string")
            cellule.addElement(P(text=str(valeur)))
            rang.addElement(cellule)
        table.addElement(rang)
    document.spreadsheet.addElement(table)
    document.save(str(chemin))
    return chemin


@pytest.fixture
def tableurs(tmp_path):
    dossier = tmp_path / "tableurs"  # outside the territory, as the README asks
    dossier.mkdir()
    return dossier


def importer(fichier: Path, *options: str, entree: str = ""):
    return CliRunner().invoke(main, ["importer", str(fichier), "--par", PAR, "--date", "12/05/2025", *options],
                              input=entree)


def rapport(sortie: str) -> list[str]:
    debut = sortie.index("Rapport :\n") + len("Rapport :\n")
    return [l for l in sortie[debut:].splitlines() if l.strip()][:-1]


# --- one quirk per file -----------------------------------------------------------------------

def test_csv_excel_cp1252_point_virgule(coffre, tableurs):
    f = ecrire_csv(tableurs / "ecole.csv", [
        ["NOM", "Prénom", "Date de naissance", "École", "Classe", "Tél"],
        ["Quillembois", "Zéphirine", "17/04/2013", "Collège Alain Fournier", "6e", "06 39 98 73 51"],
        ["Ferrandou", "Éloïse", "03/02/2016", "Ecole Jules Ferry", "CM1", "0639987352"],
    ], "cp1252")
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    dossiers = Coffre(coffre.territoire).lire_tous().dossiers
    enfants = sorted((d["fiche"]["enfants"][0]["prenom"], d["fiche"]["qpv"]) for d in dossiers.values())
    assert enfants == [("Zéphirine", "sablons-bords-huisne"), ("Éloïse", "ronceray-glonnieres-vauguyon")]
    contacts = sorted(d["fiche"]["contact_recensement"]["telephone"] for d in dossiers.values())
    assert contacts == ["+33639987351", "+33639987352"]


def test_csv_utf8_bom_colonne_eleve_et_numeros_sous_trois_formes(coffre, tableurs):
    f = ecrire_csv(tableurs / "college.csv", [
        ["Élève", "Né(e) le", "Etablissement", "Portable"],
        ["QUILLEMBOIS Zéphirine", "17/04/2013", "col-alain-fournier", "+33639987351"],
        ["DE LA ROCHE Marie-Lou", "05/09/2012", "col-alain-fournier", "639987353"],
        ["Bernardin Paul", "11/11/2011", "col-alain-fournier", "06.39.98.73.54"],
    ], "utf-8-sig")
    r = importer(f, "--oui", "--type", "college")
    assert r.exit_code == 0, r.output
    fiches = {d["fiche"]["enfants"][0]["prenom"]: d for d in Coffre(coffre.territoire).lire_tous().dossiers.values()}
    assert fiches["Marie-Lou"]["fiche"]["enfants"][0]["nom"] == "DE LA ROCHE"
    assert fiches["Paul"]["fiche"]["enfants"][0]["nom"] == "Bernardin"
    assert fiches["Marie-Lou"]["fiche"]["contact_recensement"]["telephone"] == "+33639987353"
    assert fiches["Paul"]["journal"][0]["details"] == {"source": "college"}


def test_xlsx_en_tete_fusionne_sur_deux_lignes_et_dates_en_numero_de_serie(coffre, tableurs):
    f = ecrire_xlsx(tableurs / "liste.xlsx", [
        ["Recensement numérique — Groupe scolaire Molière — mai 2025"],
        ["Enfant", None, None, None, "Responsable", None],
        ["Nom", "Prénom", "Né le", "Classe", "Nom", "Tél"],
        ["Quillembois", "Anatole", 43345, "CP", "Mme QUILLEMBOIS Noémie", 639987351],
    ], fusions=["A2:D2", "E2:F2"])
    tableau = imp.lire_tableau(f)
    assert tableau.entetes == ["Enfant Nom", "Enfant Prénom", "Enfant Né le", "Enfant Classe", "Responsable Nom", "Responsable Tél"]
    assert imp.colonnes_proposees(tableau) == {0: "nom", 1: "prenom", 2: "date_naissance", 3: "classe",
                                               4: "responsable", 5: "telephone"}
    r = importer(f, "--oui")
    assert "ni établissement ni quartier" in r.output  # no school column in this list
    # the same list with a school column
    f = ecrire_xlsx(tableurs / "liste2.xlsx", [
        ["Enfant", None, None, None, "Responsable", None],
        ["Nom", "Prénom", "Né le", "École", "Nom", "Tél"],
        ["Quillembois", "Anatole", 43345, "Molière", "Mme QUILLEMBOIS Noémie", 639987351],
    ], fusions=["A1:D1", "E1:F1"])
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    (d,) = Coffre(coffre.territoire).lire_tous().dossiers.values()
    assert d["fiche"]["enfants"] == [{"prenom": "Anatole", "nom": "Quillembois", "date_naissance": "2018-09-02",
                                      "etablissement": "gs-moliere"}]
    assert d["fiche"]["contact_recensement"] == {"responsable": "QUILLEMBOIS Noémie", "telephone": "+33639987351"}


def test_ods_colonnes_dans_le_desordre_et_oui_non(coffre, tableurs):
    f = ecrire_ods(tableurs / "centre.ods", [
        ["Besoin", "Mail", "Prénom", "Ecole", "Date naissance", "Nom enfant"],
        ["Oui", "noemie.quillembois@example.org", "Zéphirine", "Alain Fournier", "17/04/2013", "Quillembois"],
        ["X", "", "Éloïse", "Jules Ferry", "03/02/2016", "Ferrandou"],
        ["1", "", "Paul", "Jules Ferry", "11/11/2011", "Bernardin"],
        ["", "", "Lina", "Jules Ferry", "01/01/2015", "Abadie"],
    ])
    r = importer(f, "--oui", "--type", "centre_social")
    assert r.exit_code == 0, r.output
    besoins = {d["fiche"]["enfants"][0]["prenom"]: d["fiche"]["besoin_declare"]
               for d in Coffre(coffre.territoire).lire_tous().dossiers.values()}
    assert besoins == {"Zéphirine": True, "Éloïse": True, "Paul": True, "Lina": False}


# --- everything at once, the report line by line ---------------------------------------------

def _tableur_complet(tableurs: Path) -> Path:
    return ecrire_xlsx(tableurs / "tout.xlsx", [
        ["PRE du Mans — liste transmise par les écoles"],
        [None],
        ["Élève", None, None, None, "Responsable", None, None, None],
        ["Classe", "NOM", "Prénom", "Né(e) le", "Nom", "Portable", "Mail", "Ecole fréquentée"],
        ["6e", "QUILLEMBOIS", "Zéphirine", "17/04/2013", "Mme QUILLEMBOIS Noémie", "06 39 98 73 51",
         "noemie.quillembois@example.org", "Collège Alain Fournier"],
        ["CP", "QUILLEMBOIS", "Anatole", 43345, "Mme QUILLEMBOIS Noémie", "+33639987351", "", "Ecole élémentaire Gaston Bachelard"],
        ["CM1", "FERRANDOU", "Éloïse", "03/02/2016", "M. FERRANDOU Karim", 639987352, "", "Jules Ferry"],
        ["CM1", "Ferrandou", "Eloise", "03/02/2016", "", "", "", "Ecole Jules Ferry"],
        ["CE2", "BERNARDIN", "Paul", "31/02/2016", "", "", "", "Jules Ferry"],
        ["CE1", "", "Lina", "01/01/2017", "", "", "", "Jules Ferry"],
        ["CE1", "ABADIE", "Jade", "01/01/2017", "", "", "", "Ecole Gaston Bachelar"],
        ["CE1", "MOREAU", "Tom", "02/03/2017", "", "12", "pas-un-mail", "Jules Ferry"],
    ], fusions=["A1:H1", "A3:D3", "E3:H3"])


def test_tout_a_la_fois_rapport_ligne_a_ligne(coffre, tableurs):
    r = importer(_tableur_complet(tableurs), "--oui")
    assert r.exit_code == 0, r.output
    assert [re.sub(r"F-[0-9A-Z]{5}", "F-…", l) for l in rapport(r.output)] == [
        "Champs laissés vides et signalés (l'enfant est importé) :",
        "  tout.xlsx, ligne 9, colonne « Élève Né(e) le » : « 31/02/2016 » — date qui n'existe pas. "
        "À faire : vérifiez le jour et le mois (jj/mm/aaaa)",
        "  tout.xlsx, ligne 12, colonne « Responsable Portable » : « 12 » — numéro illisible. "
        "À faire : le numéro « 12 » a 2 chiffres : un numéro français en a 10, tapez-le comme on vous le dicte, "
        "par exemple 06 39 98 01 02",
        "  tout.xlsx, ligne 12, colonne « Responsable Mail » : « pas-un-mail » — adresse e-mail illisible. "
        "À faire : écrivez-la prenom.nom@exemple.fr",
        "Valeurs gardées, à vérifier :",
        "  colonne « Responsable Portable » : numéro inhabituel (non attribué ou réservé) : vérifiez-le avec la famille : "
        "lignes 5 à 7",
        "Noms reconnus et classes réécrites :",
        "  « Ecole Gaston Bachelar » lu comme établissement Ecole élémentaire Gaston Bachelard (ee-gaston-bachelard), "
        "sûr à 99 % : ligne 11",
        "Lignes refusées :",
        "  ligne 10 : la ligne ne nomme pas d'enfant (nom ou prénom manquant)",
        "Familles regroupées :",
        "  ligne 6 → dossier F-… : même téléphone du responsable que la ligne 5",
        "  ligne 8 → dossier F-… : même enfant (nom, prénom et date de naissance) que la ligne 7",
        "Lignes lues : 8",
        "Enfants importés entiers : 5",
        "Enfants importés avec des champs signalés : 2",
        "Lignes refusées : 1",
        "Familles créées : 5 ; complétées : 0 ; déjà à jour : 0",
        "Liens avec des dossiers d'autres fichiers : 0 ; liens entre lignes de ce fichier : 2",
    ]
    lecture = Coffre(coffre.territoire).lire_tous()
    assert lecture.rapport.valide, [p.texte() for p in lecture.rapport.problemes]  # famnum verifier agrees
    dossiers = lecture.dossiers
    fratrie = next(d for d in dossiers.values() if len(d["fiche"]["enfants"]) == 2)  # same name + same phone
    assert [e["prenom"] for e in fratrie["fiche"]["enfants"]] == ["Zéphirine", "Anatole"]
    assert fratrie["fiche"]["contact_recensement"] == {"responsable": "QUILLEMBOIS Noémie", "telephone": "+33639987351",
                                                       "courriel": "noemie.quillembois@example.org"}
    assert fratrie["journal"] == [{"type": "recensement", "date": "2025-05-12", "par": PAR, "details": {"source": "ecole"}}]
    journal_git = git_log(coffre.territoire.racine)
    assert journal_git.count("Import d'une liste de recensement (5 dossiers)") == 1
    assert not [v for v in VALEURS_PLANTEES + ["Ferrandou", "FERRANDOU"] if v in journal_git]
    suivis = subprocess.run(["git", "grep", "-I", "-i", "-e", "quillembois", "-e", "ferrandou"],
                            cwd=coffre.territoire.racine, capture_output=True, text=True).stdout
    assert suivis == ""  # only ciphertext in the repository


def test_reimporter_le_meme_fichier_ne_change_rien(coffre, tableurs):
    f = _tableur_complet(tableurs)
    assert importer(f, "--oui").exit_code == 0
    avant = git_log(coffre.territoire.racine)
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    assert "Familles créées : 0 ; complétées : 0 ; déjà à jour : 5" in r.output
    assert "Rien de nouveau : aucun dossier n'est modifié." in r.output
    assert git_log(coffre.territoire.racine) == avant


def test_un_dossier_existant_est_complete_sans_rien_ecraser(coffre, tableurs):
    d = dossier()  # diagnosed: Zéphirine Quillembois, born 17/04/2013, Collège Alain Fournier, class 6e
    del d["fiche"]["enfants"][0]["classe"]
    coffre.enregistrer([d], "Nouvelle fiche")
    f = ecrire_csv(tableurs / "college.csv", [
        ["Nom", "Prénom", "Date de naissance", "Établissement", "Classe", "Téléphone"],
        ["QUILLEMBOIS", "Zéphirine", "17/04/2013", "Collège Alain Fournier", "5e", "0639987399"],
    ], "utf-8")
    r = importer(f, "--oui", "--type", "college")
    assert r.exit_code == 0, r.output
    assert (f"  ligne 2 → dossier {d['id']} : même enfant (nom, prénom et date de naissance) qu'un dossier déjà "
            "enregistré (autre fichier ou import précédent)") in rapport(r.output)
    assert "Familles créées : 0 ; complétées : 1 ; déjà à jour : 0" in rapport(r.output)
    apres = Coffre(coffre.territoire).lire(d["id"])
    assert apres["fiche"]["enfants"][0]["classe"] == "5e"
    assert apres["fiche"]["enfants"][0]["nom"] == "Quillembois"  # what the référent wrote stays
    assert "contact_recensement" not in apres["fiche"]  # a diagnosed family keeps its guardians only
    assert [e["type"] for e in apres["journal"]] == ["diagnostic", "recensement"]


# --- the mapping, the steward's confirmation, the warnings -------------------------------------

def test_correspondance_corrigee_puis_gardee_pour_la_source(coffre, tableurs):
    lignes = [["Nom", "Prénom", "Né(e) le", "Groupe", "Tél"],
              ["Quillembois", "Anatole", "02/09/2018", "Molière", "06 39 98 73 51"]]
    f = ecrire_csv(tableurs / "moliere.csv", lignes, "utf-8")
    # the proposal misses « Groupe »: the steward says no, keeps 1-3, sets column 4 to the school, keeps 5
    entree = "n\n\n\n\n5\n\no\no\n"
    r = importer(f, "--source", "gs-moliere", entree=entree)
    assert r.exit_code == 0, r.output
    chemin = coffre.territoire.data / "imports" / "gs-moliere.yaml"
    texte = chemin.read_text(encoding="utf-8")
    assert "Groupe: etablissement" in texte and "Anatole" not in texte and "Quillembois" not in texte
    assert "Import : mémoire d'une source (type, colonnes, noms tranchés)" in git_log(coffre.territoire.racine)
    f2 = ecrire_csv(tableurs / "moliere-juin.csv", lignes[:1] + [["Ferrandou", "Éloïse", "03/02/2016", "Molière", ""]], "utf-8")
    r = importer(f2, "--source", "gs-moliere", "--oui")
    assert "Correspondance enregistrée pour cette source réutilisée." in r.output
    assert len(Coffre(coffre.territoire).lire_tous().dossiers) == 2


def test_avertit_quand_le_tableur_est_dans_le_depot(coffre):
    f = ecrire_csv(coffre.territoire.racine / "liste.csv", [["Nom", "Prénom", "Né le", "École"],
                                                             ["Quillembois", "Anatole", "02/09/2018", "Molière"]], "utf-8")
    r = importer(f, "--oui")
    assert "le tableur est dans le dépôt (liste.csv)" in r.output
    suivis = subprocess.run(["git", "ls-files"], cwd=coffre.territoire.racine, capture_output=True, text=True).stdout
    assert "liste.csv" not in suivis


def test_un_tableur_sans_en_tete_reconnaissable_est_refuse(coffre, tableurs):
    f = ecrire_csv(tableurs / "vrac.csv", [["a", "b"], ["1", "2"]], "utf-8")
    r = importer(f, "--oui")
    assert r.exit_code != 0 and refus(r).code == "tableur.sans_entete"
    assert "aucune ligne d'en-tête reconnue" in r.output and "vrac.csv" in r.output  # its wording, tested here once


def test_une_liste_sans_date_de_naissance_donne_des_dossiers_a_completer(coffre, tableurs):
    f = ecrire_csv(tableurs / "sans-date.csv", [["Nom", "Prénom", "École"], ["Quillembois", "Anatole", "Molière"]], "utf-8")
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    (d,) = Coffre(coffre.territoire).lire_tous().dossiers.values()
    assert d["fiche"]["enfants"] == [{"prenom": "Anatole", "nom": "Quillembois", "etablissement": "gs-moliere"}]
    verifier = CliRunner().invoke(main, ["verifier", "--json"])  # its wording is read in test_recensement
    avertissements = json.loads(verifier.output)["avertissements"]
    assert verifier.exit_code == 0 and [a["code"] for a in avertissements if a["fichier"].startswith("data/families/")] == [
        "dossier.recense_a_completer"]


def test_refus_de_confirmer_n_enregistre_rien(coffre, tableurs):
    f = ecrire_csv(tableurs / "ecole.csv", [["Nom", "Prénom", "Né le", "École"],
                                            ["Quillembois", "Anatole", "02/09/2018", "Molière"]], "utf-8")
    r = importer(f, entree="o\nn\n")
    assert r.exit_code == 0 and "Rien n'a été enregistré." in r.output
    assert Coffre(coffre.territoire).identifiants() == set()


def test_un_territoire_au_schema_ancien_est_prevenu(coffre, tableurs):
    import json

    chemin = coffre.territoire.schema_famille
    schema = json.loads(chemin.read_text(encoding="utf-8"))
    del schema["properties"]["fiche"]["properties"]["contact_recensement"]
    chemin.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    f = ecrire_csv(tableurs / "ecole.csv", [["Nom", "Prénom", "Né le", "École"],
                                            ["Quillembois", "Anatole", "02/09/2018", "Molière"]], "utf-8")
    r = importer(f, "--oui")
    assert r.exit_code != 0 and refus(r).code == "recensement.schema_ancien"
    assert "date d'avant l'import des listes de recensement" in r.output
    assert Coffre(coffre.territoire).identifiants() == set()


def test_une_famille_seulement_recensee_n_est_pas_notee_par_la_grille():
    """The grid reads the diagnostic; a family only counted from a list waits for its interview."""
    from famnum.attribution.proposition import proposer
    from famnum.dossiers import evenement
    from test_attribution import GRILLE, JOUR, REF, appareil, dossiers, famille, pseudo

    ds = dossiers(famille(ages=(12,)))
    recensee = {"id": "F-22222", "version": 1,
                "fiche": {"enfants": [{"prenom": "Anatole", "nom": "Quillembois", "date_naissance": "2013-09-02",
                                       "etablissement": "col-alain-fournier"}], "qpv": "sablons-bords-huisne"},
                "journal": [evenement("recensement", PAR, JOUR, {"source": "college"})]}
    p = proposer({**ds, "F-22222": recensee}, GRILLE, REF, [appareil("P-1")], pseudo, JOUR)
    assert [c.identifiant for c in p.candidatures] == list(ds)


# --- a workbook with one sheet per class ----------------------------------------------------------

def ecrire_classeur(chemin: Path, feuilles: dict[str, list[list]], masquees=()) -> Path:
    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    for nom, lignes in feuilles.items():
        feuille = classeur.create_sheet(nom)
        for ligne in lignes:
            feuille.append(ligne)
        if nom in masquees:
            feuille.sheet_state = "hidden"
    classeur.save(chemin)
    return chemin


def test_une_feuille_par_classe_tout_est_lu_et_chaque_ligne_dit_sa_feuille(coffre, tableurs):
    """Schools often send one tab per class, after a tab of instructions and with a hidden tab of choices:
    every child of every list tab is imported, the columns matched by title whatever their order."""
    f = ecrire_classeur(tableurs / "classes.xlsx", {
        "Consignes": [["Merci de remplir une feuille par classe."], ["Retour avant le 15 mai."]],
        "CM1": [["Nom", "Prénom", "Né le", "École"],
                ["Quillembois", "Anatole", "02/09/2015", "Molière"],
                ["Ferrandou", "Éloïse", "03/02/2015", "Molière"]],
        "CM2": [["École", "Prénom", "Nom"],  # another order, no birth date column
                ["Molière", "Jade", "Abadie"],
                ["Molière", "Tom", ""]],
        "Listes": [["Nom", "Prénom", "Classe"], ["x", "y", "CM1"]],  # hidden: choices for the drop-downs
        "Totaux": [["École", "Classe", "Nombre d'élèves"], ["Molière", "CM1", 2], ["Molière", "CM2", 2]],
    }, masquees=("Listes",))
    r = importer(f, "--oui")
    assert r.exit_code == 0, r.output
    assert "Feuilles lues (2, une même liste) : « CM1 », « CM2 »." in r.output
    assert "laissées de côté : « Consignes », « Totaux »." in r.output
    assert "ligne 3 (feuille « CM2 ») : la ligne ne nomme pas d'enfant" in r.output
    enfants = sorted((e["prenom"], e.get("date_naissance", ""), e.get("etablissement"))
                     for d in Coffre(coffre.territoire).lire_tous().dossiers.values() for e in d["fiche"]["enfants"])
    assert enfants == [("Anatole", "2015-09-02", "gs-moliere"), ("Jade", "", "gs-moliere"),
                       ("Éloïse", "2015-02-03", "gs-moliere")]


def test_deux_listes_aux_colonnes_differentes_sont_refusees_puis_lues_une_a_une(coffre, tableurs):
    f = ecrire_classeur(tableurs / "deux.xlsx", {
        "Élèves": [["Nom", "Prénom", "École"], ["Quillembois", "Anatole", "Molière"]],
        "Parents": [["Nom", "Prénom", "Téléphone"], ["Quillembois", "Noémie", "06 39 98 73 51"]],
    })
    avant = git_log(coffre.territoire.racine)
    r = importer(f, "--oui")
    assert r.exit_code != 0 and refus(r).code == "import.feuilles_differentes"
    assert "« Élèves » et « Parents » ont des listes aux colonnes différentes (« Téléphone »" in r.output
    assert '--feuille "Parents"' in r.output and git_log(coffre.territoire.racine) == avant
    r = importer(f, "--oui", "--feuille", "eleves")  # the tab's name as one types it
    assert r.exit_code == 0, r.output
    (d,) = Coffre(coffre.territoire).lire_tous().dossiers.values()
    assert [e["prenom"] for e in d["fiche"]["enfants"]] == ["Anatole"]
    r = importer(f, "--oui", "--feuille", "CM1")
    assert r.exit_code != 0 and refus(r).code == "import.feuille_inconnue"
    assert "pas de feuille « CM1 »" in r.output and "« Élèves », « Parents »" in r.output


def test_le_parent_ecrit_une_fois_dans_une_cellule_fusionnee_vaut_pour_chaque_enfant(coffre, tableurs):
    """A school writes the parent's name and phone once, in cells merged down beside two siblings: both
    children join the same family, with its contact (before: the second child was a family of its own)."""
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    for ligne in (["Nom", "Prénom", "Né le", "École", "Responsable", "Téléphone"],
                  ["Quillembois", "Anatole", "02/09/2015", "Molière", "Mme QUILLEMBOIS Noémie", "06 39 98 73 51"],
                  ["Quillembois", "Zéphirine", "17/04/2013", "Molière", None, None],
                  ["Ferrandou", "Éloïse", "03/02/2015", "Molière", "M. FERRANDOU Karim", "06 39 98 73 52"]):
        feuille.append(ligne)
    feuille.merge_cells("E2:E3")
    feuille.merge_cells("F2:F3")
    classeur.save(tableurs / "fusion.xlsx")
    r = importer(tableurs / "fusion.xlsx", "--oui")
    assert r.exit_code == 0, r.output
    familles = sorted(sorted(e["prenom"] for e in d["fiche"]["enfants"])
                      for d in Coffre(coffre.territoire).lire_tous().dossiers.values())
    assert familles == [["Anatole", "Zéphirine"], ["Éloïse"]]
