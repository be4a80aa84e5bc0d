"""famnum formulaire in a real headless Chromium: the real local server, the token, keyboard-only
navigation, axe-core with zero violations (empty form and form with errors), fill, save, reopen, edit."""
from __future__ import annotations

import logging
import threading

import pytest

from famnum.collecte.web import creer_app
from famnum.dossiers import Coffre

from fabrique import VALEURS_PLANTEES
from test_formulaire_web import REPONSES

from .conftest import AXE_JS, AXE_TAGS, CHROMIUM, CHROMIUM_ARGS, axe_source

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


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        navigateur = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexte = navigateur.new_context(viewport={"width": 390, "height": 844})
        contexte.add_init_script(axe_source())
        externes = []
        contexte.on("request", lambda r: externes.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
        yield contexte.new_page()
        navigateur.close()
        assert externes == [], externes  # no external asset, ever


def _axe(page) -> list:
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
