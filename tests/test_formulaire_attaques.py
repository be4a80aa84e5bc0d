"""famnum formulaire under attack, on the real server process: oversized posts, crafted field names,
a foreign Host (DNS rebinding), security headers, and nothing of a request in the server's stderr."""
from __future__ import annotations

import re
import socket
import threading

import pytest
import requests

from famnum.collecte.web import creer_app
from famnum.collecte.web_garde import TAILLE_MAXIMALE, creer_serveur

from fabrique import dossier, git_log, lancer_formulaire


@pytest.fixture
def enregistre(coffre):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    return d


@pytest.fixture
def serveur(coffre, enregistre):
    """The real `famnum formulaire`; yields (address, process) so that a test can read its stderr."""
    processus, adresse = lancer_formulaire(coffre.territoire.racine)
    try:
        yield adresse, processus
    finally:
        processus.terminate()
        processus.wait(timeout=10)


def _stderr(processus) -> str:
    processus.terminate()
    return processus.communicate(timeout=10)[1]


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text).group(1)


def _secrets(adresse: str, identifiant: str) -> list[str]:
    return [adresse.rstrip("/").rsplit("/", 1)[1], identifiant]


def test_un_envoi_trop_gros_est_refuse_en_francais(serveur, coffre, enregistre):
    adresse, processus = serveur
    url = f"{adresse}dossier/{enregistre['id']}"
    session = requests.Session()
    avant = git_log(coffre.territoire.racine)
    for taille in (TAILLE_MAXIMALE + 1, 10 * 1024 * 1024):
        r = session.post(url, data={"csrf_token": _csrf(session, url), "note": "x" * taille}, timeout=30)
        assert r.status_code == 413 and "taille d'un formulaire" in r.text and "À faire" in r.text
        assert len(r.content) < 2000
    assert git_log(coffre.territoire.racine) == avant
    assert not [s for s in _secrets(adresse, enregistre["id"]) if s in _stderr(processus)]


ATTAQUES = [
    {"enfants.x.prenom": "Léa"},
    {"enfants.0.inconnu": "Léa"},
    {"enfants.0": "Léa"},
    {"enfants.100000000000000000000.prenom": "Léa"},
    {"enfants.٣.prenom": "Léa"},  # an Arabic-Indic digit: isdecimal(), but not an index
    {"fiche": "x"},
    {"__class__": "x"},
    {"_action": "retirer:enfants.x"},
    {"_action": "retirer:enfants"},
    {"_action": "ajouter:qpv"},
    {"_action": "ajouter:enfants.0.prenom"},
    {"_action": "supprimer:enfants.0"},
    {"_action": "enregistrer:x"},
]


def test_un_nom_de_champ_fabrique_est_un_refus_400_jamais_une_erreur_500(serveur, coffre, enregistre):
    adresse, processus = serveur
    session = requests.Session()
    avant = git_log(coffre.territoire.racine)
    for route in (f"dossier/{enregistre['id']}", "nouveau", f"dossier/{enregistre['id']}/suivi"):
        url = adresse + route
        for attaque in ATTAQUES:
            r = session.post(url, data={"csrf_token": _csrf(session, url), **attaque}, timeout=10)
            assert r.status_code == 400, (route, attaque, r.status_code)
            assert "champ que ce formulaire n'a pas" in r.text and "À faire" in r.text
    # the buttons the page really has are still accepted
    url = f"{adresse}dossier/{enregistre['id']}"
    for action in ("ajouter:enfants", "retirer:enfants.0"):
        r = session.post(url, data={"csrf_token": _csrf(session, url), "_action": action}, timeout=10)
        assert r.status_code == 200, action
    assert git_log(coffre.territoire.racine) == avant
    sortie = _stderr(processus)
    assert not [s for s in _secrets(adresse, enregistre["id"]) if s in sortie], sortie


def test_une_erreur_inattendue_du_serveur_ne_journalise_ni_chemin_ni_jeton(coffre, enregistre, capfd, caplog):
    """The same server as `famnum formulaire` (creer_serveur), in a thread; a route that fails."""
    jeton = "jeton-secret-de-test-0123456789"
    app = creer_app(coffre, jeton)
    app.view_functions["dossier"] = lambda jeton, identifiant: 1 / 0
    serveur = creer_serveur(app, 0)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    try:
        r = requests.get(f"http://127.0.0.1:{serveur.server_port}/{jeton}/dossier/{enregistre['id']}", timeout=10)
        with socket.create_connection(("127.0.0.1", serveur.server_port), timeout=10) as brut:  # a bad request line
            brut.sendall(f"GET /{jeton}/{enregistre['id']} HTTP/1.1 en trop\r\n\r\n".encode())
            assert jeton.encode() not in brut.recv(10000)
    finally:
        serveur.shutdown()
    assert r.status_code == 500 and "rien n'a été enregistré" in r.text and "Traceback" not in r.text
    sortie = capfd.readouterr()
    journal = sortie.out + sortie.err + caplog.text  # pytest takes the log records from stderr
    assert "ZeroDivisionError" in journal  # the class is logged ...
    assert jeton not in journal and enregistre["id"] not in journal  # ... never the path


def test_chaque_page_porte_les_entetes_de_securite(serveur, enregistre):
    adresse, _ = serveur
    pages = ["", "nouveau", f"dossier/{enregistre['id']}", f"dossier/{enregistre['id']}/suivi", "introuvable"]
    for page in pages:
        r = requests.get(adresse + page, timeout=10)
        csp = r.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert "script-src" not in csp  # default-src 'none': no script at all, inline or not
        assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"
        assert r.headers["Referrer-Policy"] == "no-referrer" and r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Server"] == "famnum", r.headers["Server"]
    # the page's one style block is the one the policy allows (by its hash), and the page has no script
    page = requests.get(adresse + "nouveau", timeout=10)
    assert "<script" not in page.text and " style=" not in page.text and " on" not in re.sub(r">[^<]*<", "><", page.text)


def test_un_autre_nom_d_hote_est_refuse(serveur):
    adresse, _ = serveur
    port = adresse.split(":")[2].split("/")[0]
    for hote in ("evil.example", f"evil.example:{port}", "127.0.0.1:1", f"127.0.0.1.evil.example:{port}", ""):
        r = requests.get(adresse, headers={"Host": hote}, timeout=10)
        assert r.status_code == 400 and "Adresse refusée" in r.text, hote
    for hote in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert requests.get(adresse, headers={"Host": hote}, timeout=10).status_code == 200, hote
