"""`famnum recensement`: the tables, their validation as a data package, the counts, the CSV export."""
from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from famnum.cli import main
from famnum.recensement import construire, valider_paquet

from fabrique import VALEURS_PLANTEES, codes, dossier, lignes_du_tableau, refus


def _territoire_de_trois(coffre):
    a = dossier()
    b = dossier(existants={a["id"]})
    b["fiche"]["qpv"] = "epine"
    b["fiche"]["enfants"][0]["etablissement"] = "col-jean-de-l-epine"
    c = dossier(existants={a["id"], b["id"]})
    del c["fiche"]["enfants"][0]["etablissement"]  # school not yet known
    coffre.enregistrer([a, b, c], "Recensement")
    return a, b, c


def test_les_tables_et_les_comptes(coffre):
    _territoire_de_trois(coffre)
    recensement = construire(coffre)
    assert recensement.rapport.valide, [p.texte() for p in recensement.rapport.problemes]
    familles = recensement.tables["familles"]
    assert len(familles) == 3 and len(recensement.tables["enfants"]) == 6
    assert len(recensement.tables["demandes"]) == 9
    assert sorted(f["etablissement"] for f in familles) == ["", "col-alain-fournier", "col-jean-de-l-epine"]
    assert all(f["famille"].startswith("P-") for f in familles)


def test_le_tableau_imprime_montre_l_ecart(coffre):
    _territoire_de_trois(coffre)
    sortie = CliRunner().invoke(main, ["recensement"]).output
    lignes = lignes_du_tableau(sortie)
    assert ["Collège Alain Fournier", "1", "93"] in [ligne[-3:] for ligne in lignes]  # the 2020 forecast beside the count
    assert ["Établissement non renseigné", "1"] in lignes
    assert ["Total", "3", "318"] in lignes  # the families counted, beside the 2020 forecast
    assert "Écart : 1 famille sans établissement connu compte" in sortie


def test_le_paquet_refuse_une_cle_etrangere_cassee(coffre):
    _territoire_de_trois(coffre)
    recensement = construire(coffre)
    recensement.tables["enfants"][0]["famille"] = "P-AAAAAAA"
    recensement.tables["familles"][0]["internet"] = "fibre"
    problemes = valider_paquet(recensement.descripteur, recensement.tables, coffre.territoire.data)
    assert sorted((p.fichier, p.code, p.champ) for p in problemes) == [
        ("table enfants, ligne 2", "tables.foreign-key", ""), ("table familles, ligne 2", "tables.constraint-error", "internet")]


def test_export_csv_pseudonymise_et_valide_par_frictionless(coffre, tmp_path):
    a, b, c = _territoire_de_trois(coffre)
    sortie = tmp_path / "tables"
    resultat = CliRunner().invoke(main, ["recensement", "--csv", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    texte = "".join(p.read_text() for p in sortie.iterdir())
    for valeur in VALEURS_PLANTEES + [a["id"], b["id"], c["id"]]:
        assert valeur not in texte
    controle = subprocess.run([sys.executable, "-m", "frictionless", "validate", str(sortie / "datapackage.json")],
                              capture_output=True, text=True)
    assert controle.returncode == 0, controle.stdout[-2000:]


def test_un_dossier_invalide_ou_une_table_refusee_arrete_le_recensement_par_son_code(coffre, tmp_path, monkeypatch):
    """famnum recensement refuses by a code (its problems under it, each with its own): a dossier that fails
    its checks (nothing printed), then tables that frictionless refuses once written (--csv)."""
    from famnum import recensement, vault
    from famnum.dossiers import canonique
    from famnum.erreurs import Probleme

    a, _, _ = _territoire_de_trois(coffre)
    monkeypatch.setattr(recensement, "valider_paquet_ecrit", lambda chemin: [
        Probleme("tables/familles.csv, ligne 2", "type incorrect", code="tables.type-error")])
    resultat = CliRunner().invoke(main, ["recensement", "--csv", str(tmp_path / "tables")])
    assert resultat.exit_code == 1 and codes(refus(resultat)) == ["recensement.tables_refusees", "tables.type-error"]
    mauvais = dict(a, fiche=dict(a["fiche"], qpv="quartier-inconnu"))
    coffre.territoire.chemin_dossier(a["id"]).write_bytes(
        vault.chiffrer(canonique(mauvais), vault.destinataires_age(coffre.destinataires)))
    resultat = CliRunner().invoke(main, ["recensement"])
    assert resultat.exit_code == 1 and codes(refus(resultat))[0] == "recensement.refuse"
    assert codes(refus(resultat))[1:] == ["dossier.code_inconnu"] and "Total" not in resultat.output
    assert "ne passent pas les contrôles" in resultat.output  # the one test of its wording


def test_memes_donnees_memes_pseudonymes(coffre):
    _territoire_de_trois(coffre)
    un = construire(coffre).tables
    deux = construire(coffre).tables
    assert un == deux


def test_le_controle_rapide_et_frictionless_sont_d_accord(coffre):
    from famnum.controle_tables import valider_tables

    _territoire_de_trois(coffre)
    recensement = construire(coffre)
    references = {"qpv": set(coffre.referentiels.qpv), "etablissements": set(coffre.referentiels.etablissements)}
    tables = recensement.tables
    cas = [
        lambda t: None,
        lambda t: t["enfants"][0].update(famille="P-AAAAAAA"),
        lambda t: t["familles"][0].update(internet="fibre"),
        lambda t: t["familles"][1].update(nb_adultes=0),
        lambda t: t["familles"][1].update(qpv="nulle-part"),
        lambda t: t["demandes"].append(dict(t["demandes"][0])),
        lambda t: t["enfants"][0].update(age=40),
        lambda t: t["familles"][0].update(famille="pseudo"),
    ]
    import copy

    for modifier in cas:
        t = copy.deepcopy(tables)
        modifier(t)
        rapide = valider_tables(recensement.descripteur, t, references)
        lent = valider_paquet(recensement.descripteur, t, coffre.territoire.data)
        assert bool(rapide) == bool(lent), (rapide, lent)


def test_une_famille_seulement_recensee_compte_sans_les_parties_du_diagnostic(coffre, tmp_path):
    """A family imported from a census list has no household, equipment, capacities nor demand yet:
    it counts per school and QPV, its diagnostic columns are empty, and the package still validates."""
    from famnum.dossiers import evenement

    a, _, _ = _territoire_de_trois(coffre)
    recensee = dossier(existants={a["id"]})
    recensee["fiche"] = {"enfants": [dict(a["fiche"]["enfants"][1])], "qpv": "epine",
                         "contact_recensement": {"telephone": "+33639987351"}}
    recensee["journal"] = [evenement("recensement", "équipe PRE", details={"source": "ecole"})]
    coffre.enregistrer([recensee], "Import du recensement")
    recensement = construire(coffre)
    assert recensement.rapport.valide, [p.texte() for p in recensement.rapport.problemes]
    ligne = next(f for f in recensement.tables["familles"] if f["qpv"] == "epine" and f["statut"] == "recense")
    assert ligne["nb_adultes"] is None and ligne["internet"] is None and ligne["capacite_location"] is None
    assert ligne["etablissement"] == "ee-gaston-bachelard"
    assert len(recensement.tables["demandes"]) == 9  # no demand counted for the census-only family
    assert valider_paquet(recensement.descripteur, recensement.tables, coffre.territoire.data) == []


def test_un_enfant_recense_sans_date_de_naissance(coffre):
    """A census list may give no birth date: the dossier is valid while « recensée » (verifier lists
    it as to complete), its age is empty in the tables, and the diagnostic requires the date."""
    from famnum.dossiers import evenement
    from famnum.validation import valider_dossier

    a, _, _ = _territoire_de_trois(coffre)
    recensee = dossier(existants={a["id"]})
    recensee["fiche"] = {"enfants": [{"prenom": "Anatole", "nom": "Quillembois"}], "qpv": "epine",
                         "accepte_formation": "oui",
                         "contact_recensement": {"responsable": "Noémie Quillembois", "lien": "grand_mere"}}
    recensee["journal"] = [evenement("recensement", "équipe PRE", details={"source": "ecole"})]
    coffre.enregistrer([recensee], "Import du recensement")
    resultat = CliRunner().invoke(main, ["verifier"])
    assert resultat.exit_code == 0, resultat.output
    assert (f"Attention : data/families/{recensee['id']}.json.age — Fiche nominative de diagnostic › Enfant n°1 › "
            "Date de naissance : dossier recensé à compléter") in resultat.output
    recensement = construire(coffre)
    assert recensement.rapport.valide, [p.texte() for p in recensement.rapport.problemes]
    famille = next(f for f in recensement.tables["familles"] if f["statut"] == "recense")
    assert famille["accepte_formation"] == "oui"
    assert [e["age"] for e in recensement.tables["enfants"] if e["famille"] == famille["famille"]] == [None]
    assert valider_paquet(recensement.descripteur, recensement.tables, coffre.territoire.data) == []
    diagnostiquee = dict(a, fiche={**a["fiche"], "enfants": [{"prenom": "Anatole", "nom": "Quillembois"}]})
    problemes = valider_dossier(diagnostiquee, coffre.schema, coffre.referentiels, "x.json.age")
    assert [(p.message, p.champ) for p in problemes] == [("champ obligatoire manquant", "Fiche nominative de diagnostic › Enfant n°1 › Date de naissance")]
