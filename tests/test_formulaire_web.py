"""famnum formulaire: token and CSRF refusals, a family filled, saved, reopened, edited, and errors shown
beside the field on bad input (Flask's test client; the browser test is in tests/e2e/)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from famnum.collecte.web import creer_app
from famnum.dossiers import Coffre
from famnum.formats import date_fr

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


# --- the follow-up questionnaire (suivi) and the journal ----------------------------------------

# The day the suivi is dated, taken once when the module is imported: maybe the day before a test runs (a suite
# that crosses midnight), so a test expects this day, never date.today() again.
JOUR_DU_SUIVI = date.today()
SUIVI = {  # on the day: the dossiers of tests/fabrique.py are diagnosed today
    "date": JOUR_DU_SUIVI.strftime("%d/%m/%Y"), "par": "référente PRE Sablons", "details.temps": "T3",
    "details.famille.usage_hebdomadaire": "souvent", "details.famille.connexion_ent": "parfois",
    "details.famille.internet_maison": "oui", "details.famille.demarche_seul_faite": "non",
    "details.ecole.repondant": "professeur_principal", "details.ecole.devoirs_en_ligne": "toujours",
}


@pytest.fixture
def enregistre(coffre):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    return d


def test_la_page_de_suivi_vient_du_schema(client, enregistre):
    page = client.get(f"/{JETON}/dossier/{enregistre['id']}/suivi").get_data(as_text=True)
    assert "<legend>Questionnaire de suivi</legend>" in page and "<legend>Regard de l&#39;école</legend>" in page
    assert "<legend>Temps du suivi (obligatoire)</legend>" in page and "Trois mois après" in page
    # the five-point scale as radio buttons with their French labels, side by side
    echelle = re.search(r'<fieldset class="choix en-ligne"><legend>Utilisez-vous l&#39;ordinateur chaque semaine '
                        r'\?</legend>.*?</fieldset>', page).group(0)
    assert echelle.count('type="radio"') == 6 and ">  Toujours</label>" not in echelle and "> Toujours</label>" in echelle
    assert 'value=""> Sans réponse</label>' in echelle  # an answer chosen by mistake can be taken back
    assert "<legend>Temps du suivi (obligatoire)</legend>" in page and "Sans réponse" not in re.search(
        r"<legend>Temps du suivi \(obligatoire\)</legend>.*?</fieldset>", page, re.S).group(0)  # required: no way out
    assert 'name="details.famille.internet_maison" value="oui"' in page  # a yes/no question
    assert re.search(r'id="c-date" name="date" value="\d\d/\d\d/\d{4}"', page)  # today, as jj/mm/aaaa
    assert client.get(f"/{JETON}/dossier/F-ZZZZZ/suivi").status_code == 404


def test_un_suivi_enregistre_est_un_evenement_du_journal(client, coffre, enregistre):
    chemin = f"/{JETON}/dossier/{enregistre['id']}/suivi"
    r = _enregistrer(client, chemin, SUIVI)
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    assert r.headers["Location"] == f"/{JETON}/dossier/{enregistre['id']}?suivi=T3"
    relu = Coffre(coffre.territoire).lire(enregistre["id"])
    assert relu["journal"][-1] == {
        "type": "suivi", "date": JOUR_DU_SUIVI.isoformat(), "par": "référente PRE Sablons",
        "details": {"temps": "T3",
                    "famille": {"usage_hebdomadaire": "souvent", "connexion_ent": "parfois",
                                "internet_maison": True, "demarche_seul_faite": False},
                    "ecole": {"repondant": "professeur_principal", "devoirs_en_ligne": "toujours"}}}
    assert relu["fiche"] == enregistre["fiche"] and len(relu["journal"]) == 2
    assert Coffre(coffre.territoire).valider([relu]).valide
    message = git_log(coffre.territoire.racine).splitlines()[0]
    assert message == "Suivi T3 (formulaire) (1 dossier)" and enregistre["id"] not in message

    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Questionnaire de suivi « Trois mois après » enregistré, chiffré et commité." in page
    journal = re.search(r'<table class="journal">.*?</table>', page, re.S).group(0)
    assert "<caption>Les événements du dossier" in journal and '<th scope="col">Par (fonction)</th>' in journal
    cellules = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r'<td data-titre="[^"]+">(.*?)</td>', journal)]
    assert cellules[:3] == [date_fr(enregistre["journal"][0]["date"]), "Diagnostic", "référente de parcours PRE Sablons"]
    assert cellules[4:7] == [SUIVI["date"], "Suivi", "référente PRE Sablons"]
    assert cellules[7].startswith("Temps du suivi : Trois mois aprèsLe détailQuestions à la famille :")
    assert "Utilisez-vous l&#39;ordinateur chaque semaine ? : Souvent" in journal


def test_un_suivi_mal_rempli_n_enregistre_rien(client, coffre, enregistre):
    chemin = f"/{JETON}/dossier/{enregistre['id']}/suivi"
    avant = git_log(coffre.territoire.racine)
    mauvais = {k: v for k, v in SUIVI.items() if k != "details.temps"}
    mauvais.update({"date": "31/02/2025", "par": "x", "details.famille.usage_hebdomadaire": "beaucoup"})
    r = _enregistrer(client, chemin, mauvais)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "À corriger avant d'enregistrer" in page
    assert 'id="c-details-temps-err0">Erreur : champ obligatoire manquant' in page
    assert 'id="c-date-err0">Erreur : la date 31/02/2025 n&#39;existe pas : février 2025 n&#39;a que 28 jours' in page
    assert 'value="31/02/2025"' in page
    assert 'id="c-par-err0">Erreur : texte trop court (au moins 2 signes)' in page
    assert 'id="c-details-famille-usage_hebdomadaire-err0">Erreur : valeur non prévue' in page
    champ = re.search(r'<input type="text" id="c-par"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in champ and 'value="x"' in champ
    assert '<li><a href="#c-details-temps-0">Questionnaire de suivi › Temps du suivi : champ obligatoire manquant</a></li>' in page
    assert re.search(r'value="souvent"', page) is None or 'value="professeur_principal" checked' in page

    demain = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    r = _enregistrer(client, chemin, {**SUIVI, "date": demain})
    assert r.status_code == 422 and 'id="c-date-err0">Erreur : événement daté dans le futur' in r.get_data(as_text=True)
    assert len(Coffre(coffre.territoire).lire(enregistre["id"])["journal"]) == 1
    assert git_log(coffre.territoire.racine) == avant


def test_un_suivi_sans_jeton_csrf_est_refuse(client, coffre, enregistre):
    chemin = f"/{JETON}/dossier/{enregistre['id']}/suivi"
    avant = git_log(coffre.territoire.racine)
    assert client.post(chemin, data=SUIVI).status_code == 400
    assert client.post(chemin, data={**SUIVI, "csrf_token": "faux"}).status_code == 400
    assert len(Coffre(coffre.territoire).lire(enregistre["id"])["journal"]) == 1
    assert git_log(coffre.territoire.racine) == avant


# --- the real `famnum formulaire`, as a process listening on a port ------------------------------

@pytest.fixture
def serveur_reel(coffre):
    """`famnum formulaire --sans-navigateur` in its own process, on a free port; yields its address."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    processus = subprocess.Popen([str(Path(sys.executable).with_name("famnum")), "formulaire", "--sans-navigateur"],
                                 cwd=coffre.territoire.racine, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    try:
        ligne = processus.stdout.readline()
        adresse = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", ligne)
        assert adresse, ligne + processus.stderr.read()
        yield adresse.group(0)
    finally:
        processus.terminate()
        processus.wait(timeout=10)


def _jeton_csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text).group(1)


def test_serveur_reel_sans_le_bon_jeton_tout_est_introuvable(serveur_reel, coffre, enregistre):
    base, jeton = serveur_reel.rsplit("/", 2)[0], serveur_reel.rsplit("/", 2)[1]
    routes = ["/", "/nouveau", f"/dossier/{enregistre['id']}", f"/dossier/{enregistre['id']}/suivi"]
    assert requests.get(serveur_reel, timeout=10).status_code == 200
    for route in routes:
        for prefixe in ("", "/mauvais-jeton", f"/{jeton[:-1]}", f"/{jeton}x"):
            assert requests.get(base + prefixe + route, timeout=10).status_code == 404, prefixe + route
            assert requests.post(base + prefixe + route, data=SUIVI, timeout=10).status_code == 404, prefixe + route
        assert requests.get(f"{base}/{jeton}{route}", timeout=10).status_code == 200, route


def test_serveur_reel_refuse_un_envoi_sans_jeton_csrf_ou_d_une_autre_session(serveur_reel, coffre, enregistre):
    suivi = f"{serveur_reel}dossier/{enregistre['id']}/suivi"
    avant = git_log(coffre.territoire.racine)
    une, autre = requests.Session(), requests.Session()
    jeton_autre = _jeton_csrf(autre, suivi)
    _jeton_csrf(une, suivi)  # `une` has its own session cookie
    assert une.post(suivi, data=SUIVI, timeout=10).status_code == 400
    assert une.post(suivi, data={**SUIVI, "csrf_token": jeton_autre}, timeout=10).status_code == 400
    assert une.post(f"{serveur_reel}nouveau", data={**REPONSES, "csrf_token": jeton_autre}, timeout=10).status_code == 400
    assert git_log(coffre.territoire.racine) == avant
    assert Coffre(coffre.territoire).identifiants() == {enregistre["id"]}
    # the same request with the session's own token is accepted: the refusals above were the token's
    r = une.post(suivi, data={**SUIVI, "csrf_token": _jeton_csrf(une, suivi)}, timeout=10, allow_redirects=False)
    assert r.status_code == 303 and git_log(coffre.territoire.racine) != avant


def _adresses_ipv4_hors_boucle() -> list[str]:
    """This machine's IPv4 addresses on its other interfaces (Linux ioctl SIOCGIFADDR; stdlib only)."""
    import fcntl
    import struct

    adresses = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _, nom in socket.if_nameindex():
            try:
                brut = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", nom.encode()[:15]))
            except OSError:  # an interface without an IPv4 address
                continue
            adresse = socket.inet_ntoa(brut[20:24])
            if not adresse.startswith("127."):
                adresses.append(adresse)
    return adresses


def _ecoutes(port: int) -> list[str]:
    """The local addresses listening on `port`, read from the kernel's table (IPv4 and IPv6)."""
    adresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for ligne in Path(table).read_text().splitlines()[1:]:
            champs = ligne.split()
            hote, port_hex = champs[1].split(":")
            if int(port_hex, 16) == port and champs[3] == "0A":  # 0A: LISTEN
                adresses.append(socket.inet_ntoa(bytes.fromhex(hote)[::-1]) if len(hote) == 8 else hote)
    return adresses


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="table des sockets de Linux")
def test_serveur_reel_n_ecoute_que_127_0_0_1(serveur_reel):
    port = int(serveur_reel.split(":")[2].split("/")[0])
    assert _ecoutes(port) == ["127.0.0.1"]
    for adresse in _adresses_ipv4_hors_boucle():
        with pytest.raises(OSError), socket.create_connection((adresse, port), timeout=2):
            pass
    if socket.has_ipv6:
        with pytest.raises(OSError), socket.create_connection(("::1", port), timeout=2):
            pass


def test_une_reponse_reprise_avec_sans_reponse_n_est_pas_enregistree(client, coffre, enregistre):
    chemin = f"/{JETON}/dossier/{enregistre['id']}/suivi"
    reponse = _enregistrer(client, chemin, {**SUIVI, "details.famille.connexion_ent": ""})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)[:2000]
    suivi = next(e for e in coffre.lire(enregistre["id"])["journal"] if e["type"] == "suivi")
    assert "connexion_ent" not in suivi["details"]["famille"] and suivi["details"]["famille"]["usage_hebdomadaire"] == "souvent"


def test_une_regle_metier_s_affiche_a_cote_de_son_champ(client, coffre):
    futur = f"01/01/{date.today().year + 1}"
    r = _enregistrer(client, f"/{JETON}/nouveau", {**REPONSES, "enfants.0.date_naissance": futur})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and coffre.identifiants() == set()
    champ = re.search(r'<input[^>]*id="c-enfants-0-date_naissance"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in champ
    assert 'id="c-enfants-0-date_naissance-err0">Erreur : date de naissance dans le futur' in page


# --- issue 12, point 12: the error summary as DSFR / GOV.UK, and a search box -------------------

def test_le_resume_des_erreurs_renvoie_a_chaque_champ_dans_l_ordre_du_formulaire(client, coffre):
    mauvais = {k: v for k, v in REPONSES.items() if not k.startswith("foyer.") and k != "par"}
    mauvais.update({"representants_legaux.0.courriel": "pas-un-mail", "enfants.0.date_naissance": "31/02/2013",
                    "adresse.code_postal": "7210", "adresse.ligne": "1 rue Imaginaire", "adresse.commune": "Le Mans"})
    r = _enregistrer(client, f"/{JETON}/nouveau", mauvais)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "<title>Erreur : Nouvelle fiche de diagnostic – famnum</title>" in page
    resume = re.search(r'<div class="resume"[^>]*>.*?</div>', page, re.S).group(0)
    assert "autofocus" in resume and 'tabindex="-1"' in resume  # the focus moves to the summary
    items = re.findall(r"<li>(.*?)</li>", resume)
    liens = [re.fullmatch(r'<a href="#([^"]+)">(.*)</a>', i) for i in items]
    assert all(liens), items  # every item is a link to its field
    cibles = [l.group(1) for l in liens]
    assert len(set(cibles)) == len(cibles)  # one message per field
    assert all(f'id="{c}"' in page for c in cibles)
    assert cibles == sorted(cibles, key=lambda c: page.index(f'id="{c}"'))  # in the order of the form
    textes = [l.group(2) for l in liens]
    assert textes[0] == "Votre fonction : indiquez-la (par exemple « référente PRE Sablons »)" and cibles[0] == "par"
    assert not any(t.startswith("Foyer : ") for t in textes)  # never a whole group: its fields
    assert "Foyer › Nombre d&#39;adultes résidant au domicile : champ obligatoire manquant" in textes
    assert "c-foyer-nb_adultes" in cibles and "c-foyer-nb_enfants" in cibles
    assert any("la date 31/02/2013 n&#39;existe pas" in t for t in textes)
    assert any("Code postal : « 7210 » : 4 chiffres au lieu de 5" in t for t in textes)
    assert page.count('id="c-enfants-0-date_naissance-err1"') == 0  # one message beside the field too


def test_le_formulaire_web_suit_les_conditions_du_schema(client, coffre):
    page = client.get(f"/{JETON}/nouveau").get_data(as_text=True)
    assert "Seulement si la famille a au moins un ordinateur." in page
    assert "data/referentiels" not in page and ".csv" not in page
    assert "Date de naissance (obligatoire)" in page
    reponses = {**REPONSES, "equipements.ordinateurs.types": "portable", "equipements.ordinateurs.fonctionnement": "oui",
                "enfants.0.classe": "college alain"}
    r = _enregistrer(client, f"/{JETON}/nouveau", reponses)
    assert 'id="c-enfants-0-classe-err0">Erreur : classe inconnue « college alain »' in r.get_data(as_text=True)
    r = _enregistrer(client, f"/{JETON}/nouveau", {**reponses, "enfants.0.classe": "6ème"})
    assert r.status_code == 303
    (identifiant,) = coffre.identifiants()
    fiche = Coffre(coffre.territoire).lire(identifiant)["fiche"]
    assert fiche["equipements"]["ordinateurs"] == {"nombre": 0}  # no computer: no type, no « fonctionnent-ils »
    assert fiche["enfants"][0]["classe"] == "6e"


def test_la_liste_des_dossiers_a_une_recherche(client, coffre):
    from fabrique import FICHE

    autres = [dict(e, prenom=p, nom=n) for e, p, n in zip(FICHE["enfants"], ("Barnabé", "Clémence"), ("Ormeval", "Ormeval"))]
    dossiers = [dossier(), dossier(enfants=autres, representants_legaux=[dict(FICHE["representants_legaux"][0], nom="Ormeval")])]
    dossiers[1]["id"] = "F-22222" if dossiers[0]["id"] != "F-22222" else "F-33333"
    coffre.enregistrer(dossiers, "Deux fiches")
    page = client.get(f"/{JETON}/").get_data(as_text=True)
    assert '<form method="post" action="/' in page and 'role="search"' in page
    assert '<label for="recherche">Rechercher un dossier</label>' in page and "2 dossiers." in page
    chemin = f"/{JETON}/"
    r = client.post(chemin, data={"recherche": "zephirine", "csrf_token": _csrf(client, chemin)})  # no accent typed
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "1 dossier sur 2 correspond à « zephirine »." in page
    assert dossiers[0]["id"] in page and dossiers[1]["id"] not in page.split("</form>", 1)[1]
    r = client.post(chemin, data={"recherche": "ormeval barn", "csrf_token": _csrf(client, chemin)})
    assert f">{dossiers[1]['id']}</a>" in r.get_data(as_text=True)
    r = client.post(chemin, data={"recherche": "personne", "csrf_token": _csrf(client, chemin)})
    assert "0 dossier sur 2 correspond à « personne »." in r.get_data(as_text=True)


def test_une_famille_recensee_est_diagnostiquee_dans_le_formulaire(client, coffre):
    from famnum.dossiers import evenement, nouveau_dossier
    from famnum.statuts import statut

    recensee = nouveau_dossier({"enfants": [{"prenom": "Zéphirine", "nom": "Quillembois"}], "qpv": "epine"}, set(),
                               [evenement("recensement", "coordinatrice PRE", details={"source": "ecole"})])
    coffre.enregistrer([recensee], "Import")
    chemin = f"/{JETON}/dossier/{recensee['id']}"
    page = client.get(chemin).get_data(as_text=True)
    assert "Votre fonction, quand l'entretien de diagnostic est fait" in page
    partiel = {"enfants.0.prenom": "Zéphirine", "enfants.0.nom": "Quillembois", "qpv": "epine",
               "enfants.0.date_naissance": "17/04/2013"}
    r = _enregistrer(client, chemin, partiel)  # no function: saved as is, still « recensée »
    assert r.status_code == 303 and statut(Coffre(coffre.territoire).lire(recensee["id"])) == "recense"
    r = _enregistrer(client, chemin, {**partiel, "par": "référente PRE Sablons"})  # the diagnostic, but incomplete
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and '<a href="#c-foyer-nb_adultes">Foyer › Nombre d&#39;adultes' in page
    reponses = {**REPONSES, "par": "référente PRE Sablons"}
    r = _enregistrer(client, chemin, reponses)
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    d = Coffre(coffre.territoire).lire(recensee["id"])
    assert statut(d) == "diagnostique" and d["journal"][-1]["par"] == "référente PRE Sablons"
    assert "Diagnostic d'une famille recensée (formulaire)" in git_log(coffre.territoire.racine)
