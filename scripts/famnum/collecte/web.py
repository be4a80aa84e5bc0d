"""`famnum formulaire`: the diagnostic form in a local web page, generated from the dossier schema.

Only on 127.0.0.1, behind a random token in every URL, CSRF-protected (Flask-WTF), with a secret key
drawn at start (the session ends with the process) and no request logging (URLs carry family ids).
Every save goes through `Coffre.enregistrer`: validated, encrypted, committed, like the terminal.

This module holds the routes; the page shell is `web_page.py`, the fields read from the schema
`web_champs.py`, the posted form back to a fiche `web_fiche.py`, and every page is a Jinja2 template
of `famnum/gabarits/formulaire/` (autoescape on).
"""
from __future__ import annotations

import logging
import secrets
from datetime import date

from ..affichage import Afficheur
from ..dossiers import Coffre, evenement, nouveau_dossier
from ..erreurs import FamnumError
from ..statuts import STATUTS, statut
from .web_champs import Champs, Formulaire, Par
from .web_erreurs import Erreur, erreurs_du_dossier, par_champ, resume
from .web_fiche import arbre, convertir, fiche_brouillon, modifier_listes
from .web_garde import proteger
from .web_liste import liste_des_dossiers
from .web_page import ID_DOSSIER, empreinte_de_la_page, page
from .web_suivi import COLONNES, evenement_suivi, libelle_temps, lignes_du_journal, noeud_suivi


def dossier_poste(fiche: dict, existant: dict | None, par: str, noeud: dict, identifiants) -> dict:
    """The dossier a save would write: a new one (its diagnostic by `par`), or the existing one with the
    new fiche (read-only parts kept), and the diagnostic event when a census-only family is diagnosed."""
    if existant is None:
        return nouveau_dossier(fiche, identifiants, [evenement("diagnostic", par if len(par) >= 2 else "à indiquer")])
    for cle, enfant in noeud.get("properties", {}).items():
        if enfant.get("readOnly") and cle in existant["fiche"]:
            fiche[cle] = existant["fiche"][cle]
    dossier = {**existant, "fiche": fiche}
    if statut(existant) == "recense" and len(par) >= 2:  # the diagnostic interview is done
        dossier["journal"] = [*existant.get("journal", []), evenement("diagnostic", par)]
    return dossier


def message_du_commit(dossier: dict, existant: dict | None) -> str:
    if existant is None:
        return "Nouvelle fiche de diagnostic (formulaire)"
    if statut(dossier) != statut(existant):
        return "Diagnostic d'une famille recensée (formulaire)"
    return "Modification d'une fiche (formulaire)"


def message_enregistre(schema, args) -> str:
    """The status line after a redirect; only fixed texts, whatever the query string holds."""
    if args.get("enregistre"):
        return "Dossier enregistré, chiffré et commité."
    if temps := libelle_temps(schema, args.get("suivi", "")):
        return f"Questionnaire de suivi « {temps} » enregistré, chiffré et commité."
    return ""


def creer_app(coffre: Coffre, jeton: str):
    from flask import Flask, abort, redirect, request
    from flask_wtf.csrf import CSRFProtect, generate_csrf

    app = Flask("famnum.formulaire")
    app.config.update(SECRET_KEY=secrets.token_bytes(32), WTF_CSRF_TIME_LIMIT=None,
                      SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # request lines carry family ids: never logged
    fiche_noeud = coffre.schema.sous_schema(("fiche",))
    suivi_noeud = noeud_suivi(coffre.schema)
    afficheur = Afficheur(coffre.schema, coffre.referentiels)
    jeton_app = jeton

    @app.before_request
    def exiger_jeton():
        donne = (request.view_args or {}).get("jeton", "")
        if not secrets.compare_digest(str(donne), jeton):
            abort(404)

    # after the token check: without the token, a POST is « not found » too, never a CSRF refusal
    # that would tell a stranger which routes exist
    CSRFProtect(app)
    champs_postes = {"nouveau": (fiche_noeud, ("par",)), "dossier": (fiche_noeud, ("par",)), "suivi": (suivi_noeud, ())}
    proteger(app, empreinte_de_la_page(), champs_postes.get)

    def lire_ou_404(identifiant: str) -> dict:
        if not ID_DOSSIER.fullmatch(identifiant) or identifiant not in coffre.identifiants():
            abort(404)
        return coffre.lire(identifiant)

    @app.route("/<jeton>/", methods=["GET", "POST"])
    def liste(jeton):
        recherche = request.form.get("recherche", "").strip()[:100] if request.method == "POST" else ""
        lecture = coffre.lire_tous(valider=False)
        return page("formulaire/liste.html", "Les dossiers", jeton_app, csrf=generate_csrf(),
                    **liste_des_dossiers(lecture.dossiers, coffre.referentiels, recherche))

    def vue(noeud, valeurs, erreurs: list[Erreur] = (), par: Par | None = None, bouton_en_haut=True) -> Formulaire:
        """The form of `noeud` at this page's address, its fields filled with `valeurs`."""
        champs = Champs(coffre.referentiels, par_champ(erreurs)).champ(noeud, (), valeurs, True)
        return Formulaire(request.path, generate_csrf(), champs, resume(erreurs, noeud), bouton_en_haut, par)

    def formulaire(titre, fiche, erreurs: list[Erreur] = (), par="", existant: dict | None = None):
        champ_par = Par(par, recensee=existant is not None) if existant is None or statut(existant) == "recense" else None
        return page("formulaire/fiche.html", titre, jeton_app, 422 if erreurs else 200, erreur=bool(erreurs),
                    formulaire=vue(fiche_noeud, fiche, erreurs, champ_par))

    def traiter(existant: dict | None):
        brut = arbre(request.form)
        action = request.form.get("_action", "enregistrer")
        par = request.form.get("par", "").strip()
        titre = "Modifier le dossier" if existant else "Nouvelle fiche de diagnostic"
        if action != "enregistrer":
            return formulaire(titre, fiche_brouillon(modifier_listes(brut, action), fiche_noeud), par=par, existant=existant)
        fiche = convertir(brut, fiche_noeud) or {}
        dossier = dossier_poste(fiche, existant, par, fiche_noeud, coffre.identifiants())
        valeurs = fiche_brouillon(brut, fiche_noeud)
        erreurs = erreurs_du_dossier(dossier, coffre, ("fiche",), fiche_noeud, valeurs)
        if len(par) < 2 and not existant:
            erreurs.insert(0, Erreur(None, "indiquez-la (par exemple « référente PRE Sablons »)",
                                     champ="Votre fonction", lien="par"))
        if erreurs:
            return formulaire(titre, valeurs, erreurs, par, existant)
        try:
            coffre.enregistrer([dossier], message_du_commit(dossier, existant))
        except FamnumError as e:
            return formulaire(titre, fiche, [Erreur(None, str(e))], par, existant)
        return redirect(f"/{jeton_app}/dossier/{dossier['id']}?enregistre=1", code=303)

    @app.route("/<jeton>/nouveau", methods=["GET", "POST"])
    def nouveau(jeton):
        if request.method == "POST":
            return traiter(None)
        return formulaire("Nouvelle fiche de diagnostic", {})

    @app.route("/<jeton>/dossier/<identifiant>", methods=["GET", "POST"])
    def dossier(jeton, identifiant):
        existant = lire_ou_404(identifiant)
        if request.method == "POST":
            return traiter(existant)
        par = Par("", recensee=True) if statut(existant) == "recense" else None
        return page("formulaire/dossier.html", f"Dossier {identifiant}", jeton_app, identifiant=identifiant,
                    enregistre=message_enregistre(coffre.schema, request.args), etat=STATUTS[statut(existant)],
                    evenements=lignes_du_journal(afficheur, existant.get("journal", [])), colonnes=COLONNES,
                    formulaire=vue(fiche_noeud, existant["fiche"], par=par))

    def page_suivi(identifiant, valeurs, erreurs: list[Erreur] = ()):
        return page("formulaire/suivi.html", f"Questionnaire de suivi – dossier {identifiant}", jeton_app,
                    422 if erreurs else 200, erreur=bool(erreurs), identifiant=identifiant,
                    formulaire=vue(suivi_noeud, valeurs, erreurs, bouton_en_haut=False))

    @app.route("/<jeton>/dossier/<identifiant>/suivi", methods=["GET", "POST"])
    def suivi(jeton, identifiant):
        existant = lire_ou_404(identifiant)
        if request.method == "GET":
            return page_suivi(identifiant, {"date": date.today().isoformat()})
        brut = arbre(request.form, hors=())
        nouvel = evenement_suivi(convertir(brut, suivi_noeud))
        rang = len(existant.get("journal", []))
        dossier = {**existant, "journal": [*existant.get("journal", []), nouvel]}
        valeurs = fiche_brouillon(brut, suivi_noeud)
        erreurs = erreurs_du_dossier(dossier, coffre, ("journal", rang), suivi_noeud, valeurs,
                                     {f"Journal n°{rang + 1} › Date": ("date",)})
        if erreurs:
            return page_suivi(identifiant, valeurs, erreurs)
        temps = nouvel["details"]["temps"]
        try:  # the terminal's `famnum suivi` commits « Suivi T3 » the same way
            coffre.enregistrer([dossier], f"Suivi {temps} (formulaire)")
        except FamnumError as e:
            return page_suivi(identifiant, valeurs, [Erreur(None, str(e))])
        return redirect(f"/{jeton_app}/dossier/{identifiant}?suivi={temps}", code=303)

    return app
