"""The local form server's defences, apart from its pages: size limit, Host check, expected field
names only, security headers, French error pages, and a server that never logs a request.

URLs carry the secret token and family ids, so nothing here writes a path, a query or a field
value anywhere: a refusal is a fixed French text, an unexpected error is logged by its class only.
"""
from __future__ import annotations

import base64
import hashlib
import logging
import re

from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ..erreurs import a_faire

# The largest real form (a family of ten children, every field filled) is under 30 KB.
TAILLE_MAXIMALE = 256 * 1024
INDICE_MAXIMAL = 99  # no list of the schema holds a hundred items

_journal = logging.getLogger("famnum.formulaire")

MESSAGES = {
    400: "Requête refusée (jeton de formulaire absent ou expiré) : rechargez la page, puis saisissez de nouveau.",
    404: "Page introuvable.",
    405: "Méthode refusée sur cette page. " + a_faire("ouvrez la page depuis la liste des dossiers."),
    413: "Envoi refusé : il dépasse la taille d'un formulaire (256 Ko). "
         + a_faire("raccourcissez les textes collés dans les champs (une note tient en quelques lignes), puis "
                   "enregistrez de nouveau."),
    500: "Erreur interne du formulaire : rien n'a été enregistré. "
         + a_faire("rechargez la page ; si l'erreur revient, lancez « famnum verifier » dans un terminal."),
}
CHAMP_INATTENDU = ("Requête refusée : l'envoi contient un champ que ce formulaire n'a pas (nom de champ inattendu). "
                   "Rien n'a été enregistré. "
                   + a_faire("rechargez la page depuis la liste des dossiers, puis saisissez de nouveau."))
HOTE_REFUSE = ("Adresse refusée : ce formulaire ne répond qu'à l'adresse affichée par « famnum formulaire » "
               "(http://127.0.0.1:<port>/… ou http://localhost:<port>/…). " + a_faire("ouvrez cette adresse-là."))


def empreinte_style(page: str) -> str:
    """The CSP source that allows the page's one <style> block, and no other inline style or script."""
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    condense = base64.b64encode(hashlib.sha256(style.group(1).encode("utf-8")).digest()).decode() if style else ""
    return f"'sha256-{condense}'" if style else "'none'"


def entetes(style: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": f"default-src 'none'; style-src {style}; img-src 'self'; form-action 'self'; "
                                   "base-uri 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def hote_permis(hote: str, port: str) -> bool:
    """DNS rebinding: a page of evil.example that resolves to 127.0.0.1 sends Host: evil.example."""
    permis = {f"127.0.0.1:{port}", f"localhost:{port}"}
    if port == "80":  # a browser leaves the default port out
        permis |= {"127.0.0.1", "localhost"}
    return hote.lower() in permis


def _sous_noeuds(noeud: dict):
    yield noeud
    for mot in ("allOf", "anyOf", "oneOf"):
        for branche in noeud.get(mot, []):
            yield from _sous_noeuds(branche)
    for mot in ("then", "else"):
        if isinstance(noeud.get(mot), dict):
            yield from _sous_noeuds(noeud[mot])


def _propriete(noeud: dict, cle: str) -> dict | None:
    for sous in _sous_noeuds(noeud):
        if cle in sous.get("properties", {}):
            return sous["properties"][cle]
    return None


def _liste_d_objets(noeud: dict) -> bool:
    return noeud.get("type") == "array" and noeud.get("items", {}).get("type") == "object"


def noeud_du_chemin(noeud: dict, morceaux: list[str]) -> dict | None:
    """The schema node a dotted form name leads to (`enfants.0.prenom`), or None if the schema has no such
    field; an index is a small decimal number, only inside a list of objects."""
    for morceau in morceaux:
        if _liste_d_objets(noeud):
            if not (morceau.isdecimal() and morceau.isascii() and int(morceau) <= INDICE_MAXIMAL):
                return None
            noeud = noeud["items"]
        elif noeud.get("type") == "object" or "properties" in noeud:
            noeud = _propriete(noeud, morceau)
            if noeud is None:
                return None
        else:
            return None
    return noeud


def champ_attendu(noeud: dict, nom: str) -> bool:
    """A field the page can post: a leaf of the schema (not an object, not a list of objects)."""
    cible = noeud_du_chemin(noeud, nom.split("."))
    return cible is not None and cible.get("type") != "object" and not _liste_d_objets(cible)


def action_attendue(noeud: dict, action: str) -> bool:
    """« enregistrer », « ajouter:<list> » or « retirer:<list>.<index> » of a list of objects of the form."""
    genre, _, chemin = action.partition(":")
    if genre == "enregistrer":
        return not chemin
    morceaux = chemin.split(".")
    if genre == "retirer":
        if len(morceaux) < 2 or not (morceaux[-1].isdecimal() and morceaux[-1].isascii()):
            return False
        morceaux = morceaux[:-1]
    elif genre != "ajouter":
        return False
    cible = noeud_du_chemin(noeud, morceaux) if chemin else None
    return cible is not None and _liste_d_objets(cible)


def formulaire_attendu(formulaire, noeud: dict, hors: tuple[str, ...]) -> bool:
    for nom in formulaire.keys():
        if nom in hors or nom == "csrf_token":
            continue
        if nom == "_action":
            if not all(action_attendue(noeud, a) for a in formulaire.getlist(nom)):
                return False
        elif not champ_attendu(noeud, nom):
            return False
    return True


def proteger(app, style: str, noeud_de_la_route) -> None:
    """Installs the defences on the form's Flask app. `noeud_de_la_route(endpoint)` gives the schema node
    a POST to that endpoint fills and the extra field names of its page, or None (no POST expected)."""
    from flask import abort, request

    app.config.update(MAX_CONTENT_LENGTH=TAILLE_MAXIMALE, MAX_FORM_MEMORY_SIZE=TAILLE_MAXIMALE, MAX_FORM_PARTS=2000)
    app.log_exception = lambda exc_info: _journal.error("Erreur interne du formulaire (%s)", exc_info[0].__name__)

    def verifier_hote_et_taille():
        if not hote_permis(request.host, str(request.environ.get("SERVER_PORT", ""))):
            abort(400, HOTE_REFUSE)
        if request.content_length and request.content_length > TAILLE_MAXIMALE:
            abort(413)

    # first of all hooks, before the token check; the field check comes after it (call `proteger` once the
    # token hook is in place), so that without the token a POST is « not found » as before
    app.before_request_funcs.setdefault(None, []).insert(0, verifier_hote_et_taille)

    @app.before_request
    def verifier_champs():
        if request.method == "POST":
            attendu = noeud_de_la_route(request.endpoint)
            if attendu is not None and not formulaire_attendu(request.form, *attendu):
                abort(400, CHAMP_INATTENDU)

    @app.after_request
    def ajouter_entetes(reponse):
        reponse.headers.update(entetes(style))
        return reponse

    @app.errorhandler(HTTPException)
    def refus(erreur: HTTPException):
        propre = erreur.description in (HOTE_REFUSE, CHAMP_INATTENDU)  # never werkzeug's English, never a path
        texte = erreur.description if propre else MESSAGES.get(erreur.code, MESSAGES[400])
        return texte, erreur.code, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Exception)
    def panne(erreur: Exception):
        _journal.error("Erreur interne du formulaire (%s)", type(erreur).__name__)
        return MESSAGES[500], 500, {"Content-Type": "text/plain; charset=utf-8"}


class _Requetes(WSGIRequestHandler):
    """Werkzeug's handler without its request log (the request line holds the token) nor its version."""

    def version_string(self) -> str:
        return "famnum"

    def log_request(self, code="-", size="-") -> None:
        pass

    def log_message(self, format, *args) -> None:  # noqa: A002 (the stdlib's name)
        pass

    def log_error(self, format, *args) -> None:  # noqa: A002
        pass


def creer_serveur(app, port: int, fd: int | None = None) -> BaseWSGIServer:
    """The app served on 127.0.0.1 only, one request at a time, logging nothing about requests
    (`fd`: a socket already listening there, opened by the caller to word a taken port in French)."""
    serveur = make_server("127.0.0.1", port, app, threaded=False, request_handler=_Requetes, fd=fd)
    serveur.handle_error = lambda requete, adresse: _journal.error("Connexion interrompue")
    return serveur
