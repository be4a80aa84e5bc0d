"""Commands on a territory whose families are at every stage (issue 12, points 3 and 11): a family only
counted from a census list is never scored and every command says what it still lacks; the explanation
follows the commission's final decision and gives its recorded reason where it departed from the grid."""
from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from famnum.attribution.bareme import detail, situation
from famnum.attribution.explication import avant
from famnum.attribution.grille import charger_grille
from famnum.cli import main
from famnum.dossiers import evenement, nouveau_dossier

from fabrique import dossier as dossier_diagnostique, fiche as fiche_complete, refus

AUJOURD_HUI = date.today().isoformat()


def recensee(existants=frozenset()) -> dict:
    """A family as an import makes it today: its children, its QPV, the list's contact, a census event."""
    fiche = {"enfants": [{"prenom": "Zéphirine", "nom": "Quillembois", "etablissement": "col-alain-fournier"}],
             "qpv": "sablons-bords-huisne",
             "contact_recensement": {"responsable": "QUILLEMBOIS Noémie", "telephone": "+33639987351"}}
    return nouveau_dossier(fiche, set(existants), [evenement("recensement", "coordination PRE", date.today(),
                                                             {"source": "ecole"})])


def test_avant_garde_le_recensement_du_jour_meme():
    d = recensee()
    assert avant({d["id"]: d}, date.today())[d["id"]]["journal"] == d["journal"]


def test_expliquer_une_famille_seulement_recensee_dit_ce_qui_lui_manque(coffre):
    d = recensee()
    coffre.enregistrer([d], "Recensement de test")
    resultat = CliRunner().invoke(main, ["expliquer", d["id"]])
    assert resultat.exit_code == 1 and refus(resultat).code == "explication.seulement_recensee"
    sortie = resultat.output  # the one test of its wording: what is missing, the command that completes it
    assert "Traceback" not in sortie and "KeyError" not in sortie
    assert "seulement recensé" in sortie and "Il lui manque" in sortie and "Équipements" in sortie
    assert f"famnum famille completer {d['id']}" in sortie


def test_famille_voir_dit_ce_qui_manque_a_une_famille_recensee(coffre):
    d = recensee()
    coffre.enregistrer([d], "Recensement de test")
    sortie = CliRunner().invoke(main, ["famille", "voir", d["id"]]).output
    assert "Recensée" in sortie and "Il lui manque :" in sortie and "Consentement" in sortie
    assert f"famnum famille completer {d['id']}" in sortie
    diagnostiquee = dossier_diagnostique({d["id"]})
    coffre.enregistrer([diagnostiquee], "Diagnostic de test")
    assert "Il lui manque" not in CliRunner().invoke(main, ["famille", "voir", diagnostiquee["id"]]).output


def test_proposer_ne_classe_pas_une_famille_recensee_et_le_dit(coffre):
    d = recensee()
    classee = dossier_diagnostique({d["id"]})
    coffre.enregistrer([d, classee], "Recensement et diagnostic de test")
    resultat = CliRunner().invoke(main, ["attribution", "proposer"])
    assert resultat.exit_code == 0, resultat.output
    assert "1 famille seulement recensée" in resultat.output and "n’est pas classée" in resultat.output
    assert "familles lister --statut recense" in resultat.output


def test_une_imprimante_sans_encre_ne_fonctionne_pas(territoire, coffre):
    grille = charger_grille(territoire, set(coffre.referentiels.qpv)).donnees
    fiche = fiche_complete()
    fiche["equipements"]["imprimantes"] = {"nombre": 1, "fonctionnement": "sans_encre"}
    points = {p.critere: p.points for p in detail(situation(fiche, coffre.referentiels, date.today()), grille)}
    assert points["sans_imprimante"] == grille["criteres"]["sans_imprimante"]["points"]


def decidee(motif: str | None) -> dict:
    """A family the commission equipped with more than the grid proposed, as a gift."""
    d = dossier_diagnostique()
    d["journal"][0]["date"] = "2025-09-01"
    d["journal"].append(evenement("preconisation", "coordination du PRE", date(2025, 10, 1),
                                  {"materiels": ["ordinateur_portable"], "mode": "location_aidee", "seance": "2025-10-15"}))
    details = {"avis": "accorde", "commission": "2025-10-15", "ecart": "materiel_modifie" if motif else "aucun",
               "materiels": ["ordinateur_portable", "imprimante"], "mode": "don"}
    if motif:
        details["motif"] = motif
    d["journal"].append(evenement("decision", "commission d'attribution", date(2025, 10, 15), details))
    return d


def test_l_explication_suit_la_decision_et_donne_le_motif(coffre):
    avec, sans = decidee("imprimante indispensable aux devoirs du collégien"), decidee(None)
    coffre.enregistrer([avec, sans], "Décisions de test")
    sortie = CliRunner().invoke(main, ["expliquer", avec["id"]]).output
    resultat = sortie[sortie.index("## 5."):]
    assert resultat.index("Matériel accordé : Ordinateur portable, Imprimante, en don") < resultat.index("La grille a proposé")
    assert "La grille a proposé, le 01/10/2025 : Ordinateur portable, en location avec aide du PRE." in resultat
    assert "Son motif : imprimante indispensable aux devoirs du collégien" in resultat
    sortie = CliRunner().invoke(main, ["expliquer", sans["id"]]).output
    assert "aucun motif n'est noté dans votre dossier" in sortie and "La commission a suivi" not in sortie
