"""`famnum formulaire`: the diagnostic form in a local web page, generated from the dossier schema.

Only on 127.0.0.1, behind a random token in every URL, CSRF-protected (Flask-WTF), with a secret key
drawn at start (the session ends with the process) and no request logging (URLs carry family ids).
Every save goes through `Coffre.enregistrer`: validated, encrypted, committed, like the terminal.
"""
from __future__ import annotations

import logging
import re
import secrets
from datetime import date

from markupsafe import Markup, escape

from ..affichage import Afficheur
from ..dossiers import Coffre, evenement, nouveau_dossier
from ..statuts import STATUTS, statut
from ..erreurs import FamnumError
from ..formats import date_fr
from ..saisie import normaliser_saisie, telephone_lisible
from ..schemas import libelle
from .web_garde import empreinte_style, proteger
from .terminal import condition_remplie
from .web_erreurs import Erreur, bloc_resume, erreurs_du_dossier, par_champ
from .web_liste import tableau_des_dossiers
from .web_suivi import evenement_suivi, libelle_temps, noeud_suivi, tableau_journal

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{titre} – famnum</title>
<style>
body{{font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.5;max-width:48rem;margin:0 auto;padding:1rem;color:#111}}
a{{color:#0b4dad}} fieldset{{border:1px solid #888;border-radius:.4rem;margin:1rem 0;padding:.5rem 1rem;min-width:0}}
legend{{font-weight:700;padding:0 .3rem}} label{{display:block;margin-top:.6rem;font-weight:600}}
input[type=text],input[type=search],input[type=tel],input[type=email],input[type=number],select,textarea{{font-size:1.1rem;padding:.5rem;min-height:2.75rem;width:100%;box-sizing:border-box}}
.choix label{{display:flex;align-items:center;gap:.5rem;font-weight:400;min-height:2.75rem;margin:0}}
.choix input{{width:1.5rem;height:1.5rem}} .sans-reponse{{color:#555;font-style:italic}} button{{font-size:1.1rem;min-height:2.75rem;padding:.4rem 1rem;margin:.5rem .5rem .5rem 0}}
.aide{{color:#333;margin:.2rem 0}} .erreur{{color:#a00000;font-weight:700;margin:.2rem 0}}
.resume{{border:3px solid #a00000;padding:.5rem 1rem}} .ok{{border:3px solid #1a6b1a;padding:.5rem 1rem}}
:focus{{outline:3px solid #0b4dad;outline-offset:2px}} table{{border-collapse:collapse;width:100%}} td,th{{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}}
header a{{display:inline-block;padding:.6rem .2rem}} .en-ligne .options{{display:flex;flex-wrap:wrap;column-gap:1.75rem}}
.bouton{{display:inline-flex;align-items:center;min-height:2.75rem;padding:.3rem 1rem;border:2px solid #0b4dad;border-radius:.4rem;font-weight:600;text-decoration:none}}
caption{{text-align:left;font-weight:700;padding:.4rem 0}} summary{{padding:.6rem 0;color:#0b4dad;cursor:pointer}} details ul{{margin:0;padding-left:1.2rem}}
h2{{margin-top:2rem}} .resume h2{{margin-top:.5rem}} .id{{white-space:nowrap}}
fieldset.choix{{border:0;border-top:1px solid #bbb;border-radius:0;padding:.3rem 0 .4rem;margin:.6rem 0}}
.ok p{{margin:.2rem 0}} button[value=enregistrer]{{background:#0b4dad;color:#fff;border:2px solid #0b4dad;border-radius:.4rem;font-weight:600}}
@media (max-width:40rem){{h1{{font-size:1.6rem}} fieldset{{padding:.4rem .6rem}} .en-ligne .options{{display:block}} .journal tr{{display:block;border-bottom:1px solid #ccc;padding:.4rem 0}}
.journal td{{display:block;border:0;padding:.1rem 0}} .journal td::before{{content:attr(data-titre) " : ";font-weight:700}}
.journal thead{{display:block;position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}}}
</style></head>
<body><header><p><a href="{accueil}">Les dossiers</a> · <a href="{nouveau}">Nouvelle fiche</a></p></header>
<main><h1>{titre_h1}</h1>{corps}</main></body></html>"""


def _nom(chemin: tuple) -> str:
    return ".".join(map(str, chemin))


def _ident(chemin: tuple) -> str:
    return "c-" + "-".join(map(str, chemin))


class Rendu:
    """Schema node + value + errors → accessible HTML fields (labels, help and errors tied by aria)."""

    def __init__(self, referentiels, erreurs: dict[tuple, list[str]]):
        self.referentiels = referentiels
        self.erreurs = erreurs

    def champ(self, noeud: dict, chemin: tuple, valeur, requis: bool) -> str:
        if noeud.get("readOnly"):
            return ""
        nature = noeud.get("type")
        if nature == "object":
            return self._objet(noeud, chemin, valeur or {})
        if nature == "array" and noeud.get("items", {}).get("type") == "object":
            return self._liste(noeud, chemin, valeur or [], requis)
        if nature == "array" and "enum" in noeud.get("items", {}):
            return self._choix(noeud, noeud["items"], chemin, valeur or [], "checkbox")
        if nature == "array":  # numbers or words: one field, values separated by commas
            texte = ", ".join(map(str, valeur)) if isinstance(valeur, list) else (valeur or "")
            aide = (noeud.get("description", "") + " Séparez les valeurs par des virgules.").strip()
            return self._saisie({**noeud, "type": "string", "description": aide}, chemin, texte, requis)
        if "enum" in noeud:
            return self._choix(noeud, noeud, chemin, valeur, "radio", requis)
        if nature == "boolean":
            oui_non = {"type": "string", "enum": ["oui", "non"], "x-libelles": {"oui": "Oui", "non": "Non"}}
            v = None if valeur is None else ("oui" if valeur in (True, "oui") else "non")
            return self._choix(noeud, oui_non, chemin, v, "radio", requis)
        return self._saisie(noeud, chemin, valeur, requis)

    def _aide_et_erreurs(self, noeud, chemin) -> tuple[str, str, list[str]]:
        ident = _ident(chemin)
        html, decrit = "", []
        aide = " ".join(t for t in (noeud.get("x-demander-si", {}).get("texte"), noeud.get("description")) if t)
        if aide:
            html += f'<p class="aide" id="{ident}-aide">{escape(aide)}</p>'
            decrit.append(f"{ident}-aide")
        for i, message in enumerate(self.erreurs.get(chemin, [])):
            html += f'<p class="erreur" id="{ident}-err{i}">Erreur : {escape(message)}</p>'
            decrit.append(f"{ident}-err{i}")
        attributs = f' aria-describedby="{" ".join(decrit)}"' if decrit else ""
        if self.erreurs.get(chemin):
            attributs += ' aria-invalid="true"'
        return html, attributs, decrit

    def _titre(self, noeud, chemin, requis) -> str:
        return escape(noeud.get("title", chemin[-1])) + (Markup(" (obligatoire)") if requis else "")

    def _objet(self, noeud, chemin, valeur) -> str:
        requis = set(noeud.get("required", [])) | set(noeud.get("x-requis-diagnostic", []))
        aide, _, _ = self._aide_et_erreurs(noeud, chemin)
        dedans = "".join(self.champ(enfant, chemin + (cle,), valeur.get(cle), cle in requis)
                         for cle, enfant in noeud.get("properties", {}).items())
        if not chemin:
            return dedans
        return f"<fieldset><legend>{escape(noeud.get('title', chemin[-1]))}</legend>{aide}{dedans}</fieldset>"

    def _liste(self, noeud, chemin, valeur, requis) -> str:
        elements = noeud["items"]
        nombre = max(len(valeur), noeud.get("minItems", 0), 1 if requis else 0)
        html = [f"<fieldset><legend>{escape(noeud.get('title', ''))}</legend>"]
        aide, _, _ = self._aide_et_erreurs(noeud, chemin)
        html.append(aide)
        for i in range(nombre):
            element = valeur[i] if i < len(valeur) else {}
            titre = f"{elements.get('title', 'Élément')} n°{i + 1}"
            requis_el = set(elements.get("required", [])) | set(elements.get("x-requis-diagnostic", []))
            html.append(f"<fieldset><legend>{escape(titre)}</legend>")
            html += [self.champ(e, chemin + (i, cle), element.get(cle), cle in requis_el)
                     for cle, e in elements.get("properties", {}).items()]
            if nombre > noeud.get("minItems", 0):
                html.append(f'<button type="submit" name="_action" value="retirer:{_nom(chemin + (i,))}" '
                            f'formnovalidate>Retirer « {escape(titre)} »</button>')
            html.append("</fieldset>")
        if nombre < noeud.get("maxItems", 50):
            html.append(f'<button type="submit" name="_action" value="ajouter:{_nom(chemin)}" formnovalidate>'
                        f'Ajouter : {escape(elements.get("title", "élément"))}</button>')
        html.append("</fieldset>")
        return "".join(html)

    def _choix(self, noeud, enum_noeud, chemin, valeur, type_, requis=False) -> str:
        aide, attributs, _ = self._aide_et_erreurs(noeud, chemin)
        choisis = valeur if isinstance(valeur, list) else [valeur]
        courts = all(len(libelle(enum_noeud, v)) <= 14 for v in enum_noeud["enum"])  # a scale, oui/non
        options = []
        for j, v in enumerate(enum_noeud["enum"]):
            ident = f"{_ident(chemin)}-{j}"
            coche = " checked" if v in choisis else ""
            options.append(f'<label for="{ident}"><input type="{type_}" id="{ident}" name="{_nom(chemin)}" '
                           f'value="{escape(v)}"{coche}> {escape(libelle(enum_noeud, v))}</label>')
        if type_ == "radio" and not requis:  # a radio once chosen cannot be unchosen: this one clears it
            ident = f"{_ident(chemin)}-vide"
            options.append(f'<label for="{ident}" class="sans-reponse"><input type="radio" id="{ident}" '
                           f'name="{_nom(chemin)}" value=""> Sans réponse</label>')
        return (f'<fieldset class="choix{" en-ligne" if courts else ""}"{attributs}>'
                f'<legend>{self._titre(noeud, chemin, requis)}</legend>{aide}<div class="options">{"".join(options)}</div>'
                '</fieldset>')

    def _saisie(self, noeud, chemin, valeur, requis) -> str:
        ident = _ident(chemin)
        aide, attributs, _ = self._aide_et_erreurs(noeud, chemin)
        texte = "" if valeur is None else str(valeur)
        table = noeud.get("x-reference")
        etiquette = f'<label for="{ident}">{self._titre(noeud, chemin, requis)}</label>'
        if table and self.referentiels:
            lignes = self.referentiels.table(table)
            options = ['<option value="">— choisir —</option>'] + [
                f'<option value="{escape(code)}"{" selected" if code == texte else ""}>{escape(r.get("nom", code))}</option>'
                for code, r in lignes.items()]
            return f'{etiquette}{aide}<select id="{ident}" name="{_nom(chemin)}"{attributs}>{"".join(options)}</select>'
        genre, extra = "text", ""
        if noeud.get("type") in ("integer", "number"):
            genre, extra = "number", ' inputmode="numeric"'
        elif noeud.get("x-saisie") == "telephone":
            genre, texte = "tel", telephone_lisible(texte) if texte.startswith("+") else texte
        elif noeud.get("format") == "email":
            genre = "email"
        elif noeud.get("format") == "date":
            texte, extra = date_fr(texte) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", texte) else texte, ' placeholder="jj/mm/aaaa"'
        if noeud.get("maxLength", 0) > 200:
            return (f'{etiquette}{aide}<textarea id="{ident}" name="{_nom(chemin)}" rows="4"{attributs}>'
                    f'{escape(texte)}</textarea>')
        return (f'{etiquette}{aide}<input type="{genre}" id="{ident}" name="{_nom(chemin)}" '
                f'value="{escape(texte)}"{extra}{attributs}>')


# --- from the posted form back to a fiche ------------------------------------------------------

def arbre(formulaire, hors: tuple = ("par",)) -> dict:
    """'enfants.0.prenom' = 'Léa' → {'enfants': {'0': {'prenom': 'Léa'}}} (lists keep every value).

    `hors`: fields of the page that are not the form's node (the diagnostic's « Votre fonction »)."""
    racine: dict = {}
    for cle in formulaire.keys():
        if cle.startswith("_") or cle == "csrf_token" or cle in hors:
            continue
        valeurs = formulaire.getlist(cle)
        noeud = racine
        morceaux = cle.split(".")
        for m in morceaux[:-1]:
            noeud = noeud.setdefault(m, {})
        noeud[morceaux[-1]] = valeurs
    return racine


def convertir(valeur, noeud: dict):
    """Posted strings → the stored types, by the schema; empty answers are left out (None)."""
    nature = noeud.get("type")
    if nature == "object":
        sortie = {}
        for cle, enfant in noeud.get("properties", {}).items():
            if cle in (valeur or {}):
                v = convertir(valeur[cle], enfant)
                if v not in (None, [], {}):
                    sortie[cle] = v
        for cle, enfant in noeud.get("properties", {}).items():  # an answer to a question that does not apply
            if cle in sortie and not condition_remplie(enfant, sortie):
                del sortie[cle]
        return sortie or None
    if nature == "array" and noeud.get("items", {}).get("type") == "object":
        elements = [convertir(valeur[i], noeud["items"]) for i in sorted(valeur or {}, key=int)]
        return [e for e in elements if e]
    if nature == "array" and "enum" in noeud.get("items", {}):
        return [v for v in (valeur or []) if v]
    if nature == "array":
        texte = (valeur or [""])[0] if isinstance(valeur, list) else str(valeur or "")
        return [convertir([m], noeud.get("items", {})) for m in re.split(r"[,;\s]+", texte) if m]
    texte = (valeur or [""])[0].strip() if isinstance(valeur, list) else str(valeur or "").strip()
    if not texte:
        return None
    if nature == "boolean":
        return {"oui": True, "non": False}.get(texte, texte)
    if nature in ("integer", "number"):
        try:
            return int(texte) if nature == "integer" else float(texte.replace(",", "."))
        except ValueError:
            return texte  # the schema's validation names the field
    return normaliser_saisie(texte, noeud)


def modifier_listes(brut: dict, action: str) -> dict:
    """The « Ajouter » / « Retirer » buttons: one more empty item, or one item less."""
    genre, _, chemin = action.partition(":")
    morceaux = chemin.split(".")
    if genre == "ajouter":
        noeud = brut
        for m in morceaux:
            noeud = noeud.setdefault(m, {})
        noeud[str(len(noeud))] = {"_nouveau": [""]}
    elif genre == "retirer":
        noeud = brut
        for m in morceaux[:-1]:
            noeud = noeud.setdefault(m, {})
        restants = [v for k, v in sorted(noeud.items(), key=lambda kv: int(kv[0])) if k != morceaux[-1]]
        noeud.clear()
        noeud.update({str(i): v for i, v in enumerate(restants)})
    return brut


# --- the application ---------------------------------------------------------------------------

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
    proteger(app, empreinte_style(PAGE.format(titre="", titre_h1="", corps="", accueil="", nouveau="")),
             champs_postes.get)

    def page(titre: str, corps: str, code: int = 200, erreur: bool = False):
        # a dossier id never breaks at its hyphen, even on a phone
        titre_h1 = re.sub(r"F-[2-9A-HJ-NP-Z]{5}", r'<span class="id">\g<0></span>', str(escape(titre)))
        return PAGE.format(titre=escape(("Erreur : " if erreur else "") + titre), titre_h1=titre_h1, corps=corps, accueil=f"/{jeton}/",
                           nouveau=f"/{jeton}/nouveau"), code

    def lire_ou_404(identifiant: str) -> dict:
        if not re.fullmatch(r"F-[2-9A-HJ-NP-Z]{5}", identifiant) or identifiant not in coffre.identifiants():
            abort(404)
        return coffre.lire(identifiant)

    @app.route("/<jeton>/", methods=["GET", "POST"])
    def liste(jeton):
        recherche = request.form.get("recherche", "").strip()[:100] if request.method == "POST" else ""
        lecture = coffre.lire_tous(valider=False)
        corps = tableau_des_dossiers(lecture.dossiers, coffre.referentiels, jeton_app, recherche, generate_csrf())
        return page("Les dossiers", corps)

    def corps_formulaire(action, noeud, valeurs, erreurs: list[Erreur] = (), avant="", bouton_en_haut=True) -> str:
        rendu = Rendu(coffre.referentiels, par_champ(erreurs))
        enregistrer = '<button type="submit" name="_action" value="enregistrer">Enregistrer</button>'
        return (f'{bloc_resume(erreurs, noeud)}<form method="post" action="{action}" novalidate>'
                f'<input type="hidden" name="csrf_token" value="{generate_csrf()}">'
                # the first submit button is the one Entrée presses in any field: it must save,
                # not add or remove a child
                f'{enregistrer if bouton_en_haut else ""}{avant}'
                f'{rendu.champ(noeud, (), valeurs, True)}{enregistrer}</form>')

    def champ_par(par: str, recensee: bool) -> str:
        """« Votre fonction »: required for a new fiche; for a family known only from a census list, the
        sign that the diagnostic interview is done (the save then adds it to the journal)."""
        if recensee:
            return ('<label for="par">Votre fonction, quand l\'entretien de diagnostic est fait</label>'
                    '<p class="aide" id="par-aide">Famille seulement recensée. Remplissez la fiche pendant l\'entretien, '
                    'puis indiquez votre fonction (pas votre nom) : l\'enregistrement ajoute alors le diagnostic au '
                    'journal, et chaque partie obligatoire doit être remplie. Laissée vide, la fiche est enregistrée '
                    'telle quelle et la famille reste recensée.</p>'
                    f'<input type="text" id="par" name="par" value="{escape(par)}" aria-describedby="par-aide" '
                    'autocomplete="organization-title">')
        return ('<label for="par">Votre fonction (notée dans le journal, pas votre nom) (obligatoire)</label>'
                f'<input type="text" id="par" name="par" value="{escape(par)}" autocomplete="organization-title">')

    def formulaire(titre, action, fiche, erreurs: list[Erreur] = (), par="", existant: dict | None = None):
        avant = champ_par(par, recensee=existant is not None) if existant is None or statut(existant) == "recense" else ""
        return page(titre, corps_formulaire(action, fiche_noeud, fiche, erreurs, avant), 422 if erreurs else 200,
                    erreur=bool(erreurs))

    def traiter(dossier_existant: dict | None):
        brut = arbre(request.form)
        action = request.form.get("_action", "enregistrer")
        par = request.form.get("par", "").strip()
        titre = "Modifier le dossier" if dossier_existant else "Nouvelle fiche de diagnostic"
        if action != "enregistrer":
            brut = modifier_listes(brut, action)
            fiche = _fiche_brouillon(brut, fiche_noeud)
            return formulaire(titre, request.path, fiche, par=par, existant=dossier_existant)
        fiche = convertir(brut, fiche_noeud) or {}
        if dossier_existant:
            for cle, noeud in fiche_noeud.get("properties", {}).items():
                if noeud.get("readOnly") and cle in dossier_existant["fiche"]:
                    fiche[cle] = dossier_existant["fiche"][cle]
            dossier = {**dossier_existant, "fiche": fiche}
            if statut(dossier_existant) == "recense" and len(par) >= 2:  # the diagnostic interview is done
                dossier["journal"] = [*dossier_existant.get("journal", []), evenement("diagnostic", par)]
        else:
            dossier = nouveau_dossier(fiche, coffre.identifiants(), [evenement("diagnostic", par if len(par) >= 2 else "à indiquer")])
        valeurs = _fiche_brouillon(brut, fiche_noeud)
        erreurs = erreurs_du_dossier(dossier, coffre, ("fiche",), fiche_noeud, valeurs)
        if len(par) < 2 and not dossier_existant:
            erreurs.insert(0, Erreur(None, "indiquez-la (par exemple « référente PRE Sablons »)",
                                     champ="Votre fonction", lien="par"))
        if erreurs:
            return formulaire(titre, request.path, valeurs, erreurs, par, dossier_existant)
        action = ("Diagnostic d'une famille recensée (formulaire)" if dossier_existant and statut(dossier) != statut(dossier_existant)
                  else "Modification d'une fiche (formulaire)" if dossier_existant else "Nouvelle fiche de diagnostic (formulaire)")
        try:
            coffre.enregistrer([dossier], action)
        except FamnumError as e:
            return formulaire(titre, request.path, fiche, [Erreur(None, str(e))], par, dossier_existant)
        return redirect(f"/{jeton_app}/dossier/{dossier['id']}?enregistre=1", code=303)

    @app.route("/<jeton>/nouveau", methods=["GET", "POST"])
    def nouveau(jeton):
        if request.method == "POST":
            return traiter(None)
        return formulaire("Nouvelle fiche de diagnostic", request.path, {})

    def message_enregistre() -> str:
        """The status line after a redirect; only fixed texts, whatever the query string holds."""
        texte = ""
        if request.args.get("enregistre"):
            texte = "Dossier enregistré, chiffré et commité."
        elif temps := libelle_temps(coffre.schema, request.args.get("suivi", "")):
            texte = f"Questionnaire de suivi « {temps} » enregistré, chiffré et commité."
        return f'<div class="ok" role="status"><p>{escape(texte)}</p></div>' if texte else ""

    @app.route("/<jeton>/dossier/<identifiant>", methods=["GET", "POST"])
    def dossier(jeton, identifiant):
        existant = lire_ou_404(identifiant)
        if request.method == "POST":
            return traiter(existant)
        avant = champ_par("", recensee=True) if statut(existant) == "recense" else ""
        corps = (f'{message_enregistre()}<p>État : {escape(STATUTS[statut(existant)])}</p>'
                 f'<p><a class="bouton" href="/{jeton_app}/dossier/{identifiant}/suivi">'
                 'Enregistrer un questionnaire de suivi (T0, T3, T12)</a></p>'
                 f'<h2>Journal</h2>{tableau_journal(afficheur, existant.get("journal", []))}'
                 f'<h2>Fiche de diagnostic</h2>{corps_formulaire(request.path, fiche_noeud, existant["fiche"], (), avant)}')
        return page(f"Dossier {identifiant}", corps)

    def page_suivi(identifiant, valeurs, erreurs: list[Erreur] = ()):
        intro = (f'<p><a href="/{jeton_app}/dossier/{identifiant}">Retour au dossier {identifiant}</a></p>'
                 "<p>Une question sans réponse peut rester vide. Rien n'est enregistré avant le bouton "
                 "« Enregistrer » en bas de la page.</p>")
        corps = intro + corps_formulaire(request.path, suivi_noeud, valeurs, erreurs, bouton_en_haut=False)
        titre = f"Questionnaire de suivi – dossier {identifiant}"
        return page(titre, corps, 422 if erreurs else 200, erreur=bool(erreurs))

    @app.route("/<jeton>/dossier/<identifiant>/suivi", methods=["GET", "POST"])
    def suivi(jeton, identifiant):
        existant = lire_ou_404(identifiant)
        if request.method == "GET":
            return page_suivi(identifiant, {"date": date.today().isoformat()})
        brut = arbre(request.form, hors=())
        nouvel = evenement_suivi(convertir(brut, suivi_noeud))
        rang = len(existant.get("journal", []))
        dossier = {**existant, "journal": [*existant.get("journal", []), nouvel]}
        valeurs = _fiche_brouillon(brut, suivi_noeud)
        erreurs = erreurs_du_dossier(dossier, coffre, ("journal", rang), suivi_noeud, valeurs,
                                     {f"Journal n°{rang + 1} › Date": ("date",)})
        if erreurs:
            return page_suivi(identifiant, valeurs, erreurs)
        temps = nouvel["details"]["temps"]
        try:  # the terminal's `famnum suivi` commits « Suivi T3 » the same way
            coffre.enregistrer([dossier], f"Suivi {temps} (formulaire)")
        except FamnumError as e:
            return page_suivi(identifiant, _fiche_brouillon(brut, suivi_noeud), [Erreur(None, str(e))])
        return redirect(f"/{jeton_app}/dossier/{identifiant}?suivi={temps}", code=303)

    return app


def _fiche_brouillon(brut: dict, noeud: dict):
    """The posted values as typed, to show the form again with them (lists keep their order)."""
    if noeud.get("type") == "object":
        return {k: _fiche_brouillon(v, noeud.get("properties", {}).get(k, {})) for k, v in (brut or {}).items()}
    if noeud.get("type") == "array" and noeud.get("items", {}).get("type") == "object":
        return [_fiche_brouillon(brut[k], noeud["items"]) for k in sorted(brut or {}, key=int)]
    if noeud.get("type") == "array":
        return list(brut or [])
    return (brut or [""])[0] if isinstance(brut, list) else brut
