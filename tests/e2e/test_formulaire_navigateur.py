"""famnum formulaire in a real headless Chromium: the real local server, the token, keyboard-only
navigation, axe-core with zero violations (empty form and form with errors), fill, save, reopen, edit."""
from __future__ import annotations

import logging
import threading

import pytest
from playwright.sync_api import expect

from famnum.collecte.web import creer_app
from famnum.dossiers import Coffre

from fabrique import VALEURS_PLANTEES
from test_formulaire_web import REPONSES

from .conftest import AXE_JS, AXE_TAGS, CAPTURES, CHROMIUM, CHROMIUM_ARGS, axe_source

JETON = "jeton-navigateur-0123456789abcdef"


@pytest.fixture
def serveur(coffre, caplog):
    from werkzeug.serving import make_server

    caplog.set_level(logging.INFO)
    serveur = make_server("127.0.0.1", 0, creer_app(coffre, JETON), threaded=True)
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{serveur.server_port}"
    serveur.shutdown()
    journaux = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("git"))
    assert not [v for v in VALEURS_PLANTEES if v in journaux], "valeur personnelle dans les journaux du serveur"
    assert JETON not in journaux


@pytest.fixture(scope="module")
def navigateur():
    """One Chromium for the file's tests; each test gets a context of its own (cookies, storage)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        navigateur = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield navigateur
        navigateur.close()


@pytest.fixture
def page(navigateur):
    contexte = navigateur.new_context(viewport={"width": 390, "height": 844})
    externes = []
    contexte.on("request", lambda r: externes.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
    yield contexte.new_page()
    contexte.close()
    assert externes == [], externes  # no external asset, ever


def _axe(page) -> list:
    """axe's violations on the page. Its script (570 kB) is compiled on the pages it judges only, given
    through the DevTools protocol: the form's Content-Security-Policy forbids a script tag."""
    page.evaluate(axe_source())
    return page.evaluate(AXE_JS, AXE_TAGS)


def _remplir(page, reponses: dict) -> None:
    for nom, valeur in reponses.items():
        champ = page.locator(f'[name="{nom}"]')
        genre = champ.first.get_attribute("type")
        if genre in ("radio", "checkbox"):
            page.locator(f'[name="{nom}"][value="{valeur}"]').check()
        elif champ.first.evaluate("e => e.tagName") == "SELECT":
            champ.select_option(valeur)
        else:
            champ.fill(valeur)


def test_jeton_clavier_axe_enregistrer_rouvrir_modifier(serveur, page, coffre):
    assert page.goto(f"{serveur}/mauvais-jeton/nouveau").status == 404

    page.goto(f"{serveur}/{JETON}/nouveau")
    assert _axe(page) == []
    # keyboard only: Tab reaches « Votre fonction », then the first child's first name, and typing works
    ordre = []
    for _ in range(8):
        page.keyboard.press("Tab")
        ordre.append(page.evaluate("document.activeElement.name || document.activeElement.textContent"))
    assert "par" in ordre and ordre.index("enfants.0.prenom") == ordre.index("par") + 1, ordre
    page.locator("#par").focus()
    page.keyboard.type("référente PRE Sablons")
    page.keyboard.press("Tab")
    page.keyboard.type("Zéphirine")
    # a radio group answered with the keyboard: focus the first choice, arrow to « Mère »
    page.locator('[name="representants_legaux.0.lien"]').first.focus()
    page.keyboard.press("Space")
    assert page.locator('[name="representants_legaux.0.lien"][value="mere"]').is_checked()

    reste = {k: v for k, v in REPONSES.items() if k not in ("par", "enfants.0.prenom", "representants_legaux.0.lien")}
    _remplir(page, {**reste, "representants_legaux.0.courriel": "pas-un-mail"})
    with page.expect_navigation():  # the answer is a new page; reading before it comes reads the old form
        page.get_by_role("button", name="Enregistrer").last.click()
    erreur = page.locator("#c-representants_legaux-0-courriel-err0")
    assert erreur.is_visible() and "format incorrect" in erreur.inner_text()
    assert page.locator("#c-representants_legaux-0-courriel").get_attribute("aria-invalid") == "true"
    assert _axe(page) == []
    assert coffre.identifiants() == set()

    page.locator("#c-representants_legaux-0-courriel").fill("noemie.quillembois@example.org")
    page.locator("#c-representants_legaux-0-courriel").press("Enter")  # submits like the button
    page.wait_for_url("**/dossier/**")
    assert "Dossier enregistré, chiffré et commité." in page.content()
    (identifiant,) = coffre.identifiants()
    assert page.locator("#c-enfants-0-date_naissance").input_value() == "17/04/2013"

    page.goto(f"{serveur}/{JETON}/")
    assert _axe(page) == []
    page.get_by_role("link", name=identifiant).click()
    page.locator("#c-enfants-0-classe").fill("5e")
    page.get_by_role("button", name="Enregistrer").last.click()
    page.wait_for_url("**enregistre=1")
    assert Coffre(coffre.territoire).lire(identifiant)["fiche"]["enfants"][0]["classe"] == "5e"


# --- keyboard only: a new family, then its follow-up ------------------------------------------

SUIVI_CLAVIER = {
    "par": "référente PRE Sablons", "details.temps": "T3",
    "details.famille.usage_hebdomadaire": "souvent", "details.famille.devoirs_enfant": "parfois",
    "details.famille.internet_maison": "oui", "details.ecole.repondant": "professeur_principal",
    "details.ecole.devoirs_en_ligne": "toujours",
}

# Where the focus is, and where a field sits from it (reading the page is not acting on it).
ACTIF_JS = "() => { const e = document.activeElement; return {nom: e.name || '', type: e.type || '', " \
           "balise: e.tagName, valeur: e.value || '', texte: (e.textContent || '').trim()}; }"
SENS_JS = """(nom) => {
  const cible = document.getElementsByName(nom)[0], actif = document.activeElement;
  if (!actif || actif === document.body) return 'Tab';
  return (actif.compareDocumentPosition(cible) & Node.DOCUMENT_POSITION_PRECEDING) ? 'Shift+Tab' : 'Tab';
}"""


TROP_LARGES_JS = """(largeur) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > largeur + 0.5)
  .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _actif(page) -> dict:
    return page.evaluate(ACTIF_JS)


def _tabuler_vers(page, nom: str) -> None:
    """Tab (Shift+Tab when the field is above) until the field named `nom` has the focus."""
    touche = page.evaluate(SENS_JS, nom)
    for _ in range(300):
        if _actif(page)["nom"] == nom:
            return
        page.keyboard.press(touche)
    raise AssertionError(f"le champ {nom} n'est pas atteint au clavier")


def _tabuler_vers_bouton(page, texte: str, balise: str = "BUTTON") -> None:
    for _ in range(300):
        actif = _actif(page)
        if actif["balise"] == balise and actif["texte"].startswith(texte):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"« {texte} » n'est pas atteint au clavier")


def _repondre(page, nom: str, valeur: str) -> None:
    """One answer with the keyboard: arrows in a radio group or a list, typing in a text field."""
    _tabuler_vers(page, nom)
    actif = _actif(page)
    if actif["type"] == "radio":
        valeurs = page.evaluate("(nom) => [...document.getElementsByName(nom)].map(e => e.value)", nom)
        ecart = valeurs.index(valeur) - valeurs.index(actif["valeur"])
        for _ in range(abs(ecart)):
            page.keyboard.press("ArrowDown" if ecart > 0 else "ArrowUp")  # moves and checks
        if ecart == 0:
            page.keyboard.press("Space")
    elif actif["balise"] == "SELECT":
        codes = page.evaluate("(nom) => [...document.getElementsByName(nom)[0].options].map(o => o.value)", nom)
        ecart = codes.index(valeur) - codes.index(actif["valeur"])
        for _ in range(abs(ecart)):
            page.keyboard.press("ArrowDown" if ecart > 0 else "ArrowUp")
    else:
        page.keyboard.press("Control+A")  # what is typed replaces what was there
        page.keyboard.type(valeur)
    attendu = page.evaluate("(nom) => { const c = [...document.getElementsByName(nom)];"
                            " const e = c.find(x => x.type !== 'radio' || x.checked); return e ? e.value : null; }", nom)
    assert attendu == valeur, (nom, attendu, valeur)


def _activer(page, texte: str, balise: str = "BUTTON", touche: str = "Space") -> None:
    _tabuler_vers_bouton(page, texte, balise)
    with page.expect_navigation():
        page.keyboard.press(touche)


def _captures(page, nom: str) -> None:
    """Phone and desktop widths, whole page; the phone width must not scroll sideways."""
    CAPTURES.mkdir(parents=True, exist_ok=True)
    for largeur, hauteur in ((360, 740), (1280, 900)):
        page.set_viewport_size({"width": largeur, "height": hauteur})
        page.screenshot(path=str(CAPTURES / f"formulaire-{nom}-{largeur}.png"), full_page=True)
        trop_larges = page.evaluate(TROP_LARGES_JS, largeur)
        assert page.evaluate("document.documentElement.scrollWidth") <= largeur, (nom, largeur, trop_larges)
    page.set_viewport_size({"width": 390, "height": 844})


def test_au_clavier_seulement_une_famille_puis_son_suivi(serveur, page, coffre):
    page.goto(f"{serveur}/{JETON}/nouveau")
    for nom, valeur in REPONSES.items():
        _repondre(page, nom, valeur)
    _activer(page, "Enregistrer")
    assert "Dossier enregistré, chiffré et commité." in page.content()
    (identifiant,) = coffre.identifiants()

    # reopen it from the list, with the keyboard: the header's link, then the dossier's
    page.keyboard.press("Shift+Tab")  # back to the top of the page
    _activer(page, "Les dossiers", "A", "Enter")
    _activer(page, identifiant, "A", "Enter")
    assert page.locator("#c-enfants-0-prenom").input_value() == "Zéphirine"
    assert page.locator("#c-representants_legaux-0-telephone").input_value() == "06 39 98 73 51"
    assert page.locator("#c-enfants-0-etablissement").input_value() == "col-alain-fournier"

    _activer(page, "Enregistrer un questionnaire de suivi", "A", "Enter")
    assert _axe(page) == []
    _activer(page, "Enregistrer")  # nothing answered: the errors come back beside the fields
    assert page.locator("#c-details-temps-err0").is_visible() and page.locator("#c-par-err0").is_visible()
    assert _axe(page) == []
    _captures(page, "suivi-erreurs")
    for nom, valeur in SUIVI_CLAVIER.items():
        _repondre(page, nom, valeur)
    _activer(page, "Enregistrer")
    assert "Questionnaire de suivi « Trois mois après » enregistré, chiffré et commité." in page.content()

    journal = page.get_by_role("table", name="Les événements du dossier, du plus ancien au plus récent (lecture seule)")
    assert journal.get_by_role("row").count() == 3  # header, diagnostic, suivi
    assert "Temps du suivi : Trois mois après" in journal.inner_text()
    assert _axe(page) == []
    _captures(page, "dossier")
    page.goto(f"{serveur}/{JETON}/dossier/{identifiant}/suivi")
    _captures(page, "suivi")

    evenement = Coffre(coffre.territoire).lire(identifiant)["journal"][-1]
    assert evenement["type"] == "suivi" and evenement["par"] == "référente PRE Sablons"
    assert evenement["details"] == {"temps": "T3", "famille": {"usage_hebdomadaire": "souvent",
                                                               "devoirs_enfant": "parfois", "internet_maison": True},
                                    "ecole": {"repondant": "professeur_principal", "devoirs_en_ligne": "toujours"}}


def test_le_resume_prend_le_focus_et_ses_liens_menent_aux_champs(serveur, page, coffre):
    page.goto(f"{serveur}/{JETON}/nouveau")
    reste = {k: v for k, v in REPONSES.items() if not k.startswith("foyer.")}
    _remplir(page, {**reste, "adresse.code_postal": "7210", "adresse.ligne": "1 rue Imaginaire", "adresse.commune": "Le Mans"})
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").last.click()
    expect(page.locator("#resume")).to_be_focused()  # read first by a screen reader
    assert page.title().startswith("Erreur : ")
    assert _axe(page) == []
    for largeur in (360, 1280):
        page.set_viewport_size({"width": largeur, "height": 900})
        page.screenshot(path=str(CAPTURES / f"formulaire-resume-{largeur}.png"))
    page.locator("#resume a").first.click()
    expect(page.locator("#c-adresse-code_postal")).to_be_focused()
    assert page.locator("#resume a").nth(1).get_attribute("href") == "#c-foyer-nb_adultes"
    assert coffre.identifiants() == set()


def test_la_recherche_de_la_liste_au_clavier(serveur, page, coffre):
    from fabrique import dossier

    coffre.enregistrer([dossier()], "Une fiche")
    page.goto(f"{serveur}/{JETON}/")
    page.get_by_label("Rechercher un dossier").fill("quillembois")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=1 dossier sur 1 correspond")
    assert "quillembois" not in page.url.lower()  # a name typed stays out of the address and the history
    assert _axe(page) == []
    for largeur in (360, 1280):
        page.set_viewport_size({"width": largeur, "height": 700})
        page.screenshot(path=str(CAPTURES / f"formulaire-liste-{largeur}.png"))
