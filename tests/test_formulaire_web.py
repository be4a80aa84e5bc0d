"""famnum formulaire: token and CSRF refusals, a family filled, saved, reopened, edited, and errors shown
beside the field on bad input (Flask's test client; the browser test is in tests/e2e/)."""
from __future__ import annotations

import re

import pytest

from famnum.collecte.web import creer_app
from famnum.dossiers import Coffre

from fabrique import VALEURS_PLANTEES, dossier, git_log

JETON = "jeton-de-test-0123456789abcdef"

REPONSES = {
    "par": "référente PRE Sablons",
    "enfants.0.prenom": "Zéphirine", "enfants.0.nom": "Quillembois", "enfants.0.date_naissance": "17/04/2013",
    "enfants.0.etablissement": "col-alain-fournier", "enfants.0.classe": "6e",
    "representants_legaux.0.prenom": "Noémie", "representants_legaux.0.nom": "Quillembois",
    "representants_legaux.0.lien": "mere", "representants_legaux.0.telephone": "06 39 98 73 51",
    "qpv": "sablons-bords-huisne",
    "foyer.nb_adultes": "1", "foyer.nb_enfants": "2", "foyer.ages_enfants": "7, 12", "besoin_declare": "oui",
    "equipements.ordinateurs.nombre": "0", "equipements.imprimantes.nombre": "0",
    "equipements.tablettes.nombre": "1", "equipements.smartphones.nombre": "1",
    "equipements.internet.abonnement": "mobile",
    "capacites.location": "partiellement", "capacites.installation": "ne_sait_pas",
    "capacites.utilisation": "partiellement", "capacites.formation": "oui",
    "demande.ordinateur_fixe": "oui", "demande.ordinateur_portable": "non", "demande.imprimante": "oui",
    "demande.connexion_internet": "non",
    "consentement.date": "12/05/2025", "consentement.recueilli_par": "référente PRE Sablons",
    "consentement.modalite": "ecrit",
}


@pytest.fixture
def client(coffre):
    app = creer_app(coffre, JETON)
    app.testing = True
    return app.test_client()


def _csrf(client, chemin) -> str:
    page = client.get(chemin).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _enregistrer(client, chemin, reponses):
    return client.post(chemin, data={**reponses, "csrf_token": _csrf(client, chemin), "_action": "enregistrer"})


def test_sans_le_bon_jeton_tout_est_introuvable(client):
    assert client.get("/").status_code == 404
    assert client.get("/mauvais-jeton/").status_code == 404
    assert client.get("/mauvais-jeton/nouveau").status_code == 404
    assert client.get(f"/{JETON}/").status_code == 200


def test_un_envoi_sans_jeton_csrf_est_refuse(client, coffre):
    r = client.post(f"/{JETON}/nouveau", data={**REPONSES, "_action": "enregistrer"})
    assert r.status_code == 400 and "rechargez la page" in r.get_data(as_text=True)
    r = client.post(f"/{JETON}/nouveau", data={**REPONSES, "_action": "enregistrer", "csrf_token": "faux"})
    assert r.status_code == 400
    assert coffre.identifiants() == set()


def test_remplir_enregistrer_rouvrir_modifier(client, coffre):
    r = _enregistrer(client, f"/{JETON}/nouveau", REPONSES)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    (identifiant,) = coffre.identifiants()
    d = Coffre(coffre.territoire).lire(identifiant)
    assert d["fiche"]["enfants"][0] == {"prenom": "Zéphirine", "nom": "Quillembois", "date_naissance": "2013-04-17",
                                        "etablissement": "col-alain-fournier", "classe": "6e"}
    assert d["fiche"]["representants_legaux"][0]["telephone"] == "+33639987351"
    assert d["fiche"]["besoin_declare"] is True
    assert d["fiche"]["foyer"] == {"nb_adultes": 1, "nb_enfants": 2, "ages_enfants": [7, 12]}
    assert d["journal"][0]["type"] == "diagnostic" and d["journal"][0]["par"] == "référente PRE Sablons"
    assert git_log(coffre.territoire.racine).splitlines()[0] == "Nouvelle fiche de diagnostic (formulaire) (1 dossier)"

    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Dossier enregistré, chiffré et commité." in page
    assert 'value="17/04/2013"' in page and 'value="06 39 98 73 51"' in page
    assert re.search(r'value="mere" checked', page)

    liste = client.get(f"/{JETON}/").get_data(as_text=True)
    assert identifiant in liste and "Collège Alain Fournier" in liste and "Quillembois" not in liste

    modifie = {**REPONSES, "enfants.0.classe": "5e"}
    r = _enregistrer(client, f"/{JETON}/dossier/{identifiant}", modifie)
    assert r.status_code == 303
    assert Coffre(coffre.territoire).lire(identifiant)["fiche"]["enfants"][0]["classe"] == "5e"


def test_erreurs_a_cote_du_champ_et_rien_d_enregistre(client, coffre):
    mauvais = {**REPONSES, "enfants.0.date_naissance": "31/02/2013", "representants_legaux.0.courriel": "pas-un-mail",
               "foyer.nb_adultes": "0"}
    r = _enregistrer(client, f"/{JETON}/nouveau", mauvais)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and coffre.identifiants() == set()
    assert 'role="alert"' in page and "À corriger avant d'enregistrer" in page
    champ = re.search(r'<input type="email" id="c-representants_legaux-0-courriel"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in champ and "c-representants_legaux-0-courriel-err0" in champ
    assert 'id="c-representants_legaux-0-courriel-err0">Erreur : format incorrect' in page
    assert 'id="c-foyer-nb_adultes-err0">Erreur : nombre hors limites (au moins 1)' in page
    assert 'value="31/02/2013"' in page  # what was typed comes back, to be corrected


def test_ajouter_un_enfant_sans_rien_enregistrer(client, coffre):
    chemin = f"/{JETON}/nouveau"
    r = client.post(chemin, data={**REPONSES, "csrf_token": _csrf(client, chemin), "_action": "ajouter:enfants"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Enfant n°2" in page and 'name="enfants.1.prenom"' in page
    assert 'value="Zéphirine"' in page and coffre.identifiants() == set()


def test_la_famille_seulement_recensee_garde_son_contact(client, coffre):
    d = dossier()
    d["fiche"]["contact_recensement"] = {"telephone": "+33639987399"}
    coffre.enregistrer([d], "Nouvelle fiche")
    r = _enregistrer(client, f"/{JETON}/dossier/{d['id']}", REPONSES)
    assert r.status_code == 303
    assert Coffre(coffre.territoire).lire(d["id"])["fiche"]["contact_recensement"] == {"telephone": "+33639987399"}


def test_rien_de_personnel_dans_les_journaux_du_serveur(client, coffre, caplog):
    caplog.set_level("DEBUG")
    _enregistrer(client, f"/{JETON}/nouveau", REPONSES)
    (identifiant,) = coffre.identifiants()
    client.get(f"/{JETON}/dossier/{identifiant}")
    serveur = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("git"))  # GitPython's own DEBUG
    assert not [v for v in VALEURS_PLANTEES + [identifiant] if v in serveur]
