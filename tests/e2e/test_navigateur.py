"""Every built page in headless Chromium: axe-core, 360 px, images, right-to-left, keyboard."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from famnum.site import construction

from .conftest import (AXE_CONTRASTE_NEUF_JS, AXE_TAGS, CAPTURES, CHROMIUM, CHROMIUM_ARGS, PHONE, SANS_TRANSITION,
                       axe_source, langue_de, profondeur_de, sortes_de_pages)

pytestmark = [pytest.mark.e2e, pytest.mark.site_partage, pytest.mark.lent]

CONTENT = construction.RACINE / "content"


def test_every_page_was_visited(site, visite):
    pages = visite["pages"]
    assert len(pages) == len(list(site.rglob("*.html")))
    assert all(mesure["status"] == 200 for mesure in pages.values())
    CAPTURES.mkdir(parents=True, exist_ok=True)
    (CAPTURES / "visite.json").write_text(json.dumps({
        "pages": len(pages), "secondes": round(visite["secondes"], 1),
        "chargement_s": round(sum(m["t_charge"] for m in pages.values()), 1),
        "axe_s": round(sum(m["t_axe"] for m in pages.values()), 1)}, indent=1))


def test_no_request_leaves_the_machine(visite):
    assert visite["externes"] == []


def test_no_404_and_no_console_error_over_http(visite):
    """Every page over HTTP (issue 17): no request ends in an error, nothing in the console."""
    problemes = {c: m["problemes"] for c, m in visite["pages"].items() if m["problemes"]}
    assert not problemes, f"{len(problemes)} pages : {dict(list(problemes.items())[:5])}"


def test_no_404_and_no_console_error_from_the_disk(visite):
    """The pages read from the disk (file://, a site handed out on a USB stick; issue 17), where the scripts
    behave otherwise than over HTTP: no request fails, nothing in the console, no JavaScript error."""
    problemes = {c: m for c, m in visite["disque"].items() if m["problemes"] or m["erreurs_js"]}
    assert not problemes, f"{len(problemes)} pages : " + json.dumps(problemes, ensure_ascii=False, indent=1)[:3000]


def test_the_disk_is_read_on_each_kind_in_french_and_each_depth_in_each_language(visite):
    """conftest.lus_depuis_le_disque: every French kind of page, and in each language every depth of its
    pages, index or not, are read from the disk."""
    lus, pages = list(visite["disque"]), [c for c in visite["pages"] if c != "404.html"]
    assert {s for s in sortes_de_pages(lus) if s[0] == "fr"} == {s for s in sortes_de_pages(pages) if s[0] == "fr"}
    assert {profondeur_de(c) for c in lus} == {profondeur_de(c) for c in pages}


def test_no_javascript_error(visite):
    erreurs = {c: m["erreurs_js"] for c, m in visite["pages"].items() if m["erreurs_js"]}
    assert not erreurs, erreurs


def test_axe_finds_no_violation(visite):
    problems = []
    for chemin, mesure in sorted(visite["pages"].items()):
        for largeur, cle in (("360 px", "axe"), ("1280 px", "axe_bureau")):
            for violation in mesure.get(cle, []):
                problems.append(f"{chemin} ({largeur}) {violation['id']} [{violation['impact']}] "
                                f"{violation['help']} : {violation['nodes']}")
    assert not problems, f"{len(problems)} violations axe :\n" + "\n".join(problems[:60])


def test_axe_checked_every_french_page_and_each_kind_of_page_in_each_language(visite):
    chemins = sorted(visite["pages"])
    avec_axe = {c for c in chemins if "axe" in visite["pages"][c]}
    sortes = sortes_de_pages(chemins)
    for sorte, pages in sortes.items():
        assert set(pages) <= avec_axe if sorte[0] == "fr" else avec_axe & set(pages), sorte
    francaises = {sorte[1:] for sorte in sortes if sorte[0] == "fr"} - {("404.html",)}
    for langue in ("ar", "tr", "en"):
        assert {sorte[1:] for sorte in sortes if sorte[0] == langue} == francaises, langue
    assert len(francaises) > 20 and len(avec_axe) < len(chemins) / 2


def test_colour_contrast_was_judged_on_each_language(visite):
    """Colour contrast is judged once per look of text in each language (AXE_CONTRASTE_NEUF_JS): the
    first pages visited in a language have their texts judged, later ones only their new looks."""
    juges = {}
    for chemin, mesure in visite["pages"].items():
        juges[langue_de(chemin)] = juges.get(langue_de(chemin), 0) + mesure.get("contrastes_juges", 0)
    assert set(juges) == {"fr", "ar", "tr", "en"} and min(juges.values()) >= 50, juges


def test_a_new_look_of_text_is_judged_on_a_page_whose_other_looks_were_seen(clavier, serveur):
    """A low-contrast text, an image without alt and a link told apart from its text by a close colour
    alone, planted on a page already judged, are all found: only the looks already judged are skipped
    (texts for color-contrast, links for link-in-text-block), and every other rule runs on the whole page."""
    clavier.set_viewport_size(PHONE)
    clavier.goto(serveur + "accessibilite.html")
    clavier.add_script_tag(content=axe_source())
    premier = clavier.evaluate(AXE_CONTRASTE_NEUF_JS, [AXE_TAGS, []])
    assert premier["violations"] == [] and len(premier["nouvelles"]) >= 10, premier
    clavier.evaluate("""() => { const p = document.querySelector('article p');
      p.insertAdjacentHTML('beforeend', '<span style="color: #c8c8c8">pâle</span><img src="logo.png">'
        + ' et <a href="#bas" style="color: #444; text-decoration: none">un lien de la couleur du texte</a>'); }""")
    second = clavier.evaluate(AXE_CONTRASTE_NEUF_JS, [AXE_TAGS, premier["nouvelles"]])
    assert second["jugees"] < len(premier["nouvelles"]) / 2, second["jugees"]
    assert premier["liensJuges"] >= 1 and second["liensJuges"] == 1, (premier["liensJuges"], second["liensJuges"])
    assert {v["id"] for v in second["violations"]} == {"color-contrast", "image-alt", "link-in-text-block"}, \
        second["violations"]
    (contraste,) = [v for v in second["violations"] if v["id"] == "color-contrast"]
    assert [n.split(" : ")[0].split()[-1].split(">")[-1].startswith("span") for n in contraste["nodes"]] == [True]
    clavier.set_viewport_size({"width": 1280, "height": 900})


def test_an_outside_address_does_not_resolve_in_the_tests_chromium(clavier, serveur):
    """conftest.HORS_LIGNE: a host name or an address outside the machine fails before any connection
    (and the visit records it in `externes`), while the local server answers."""
    clavier.goto(serveur + "accessibilite.html")
    echecs = []

    def noter(requete):
        echecs.append((requete.url, requete.failure))

    clavier.on("requestfailed", noter)
    issues = clavier.evaluate("""async (urls) => Promise.all(urls.map(u => fetch(u, {mode: 'no-cors'})
        .then(() => 'chargé', () => 'refusé')))""", ["http://exemple.invalid/a.png", "http://93.184.215.14/b.png",
                                                       serveur + "index.html"])
    clavier.remove_listener("requestfailed", noter)
    assert issues == ["refusé", "refusé", "chargé"], issues
    assert sorted(echecs) == [("http://93.184.215.14/b.png", "net::ERR_NAME_NOT_RESOLVED"),
                              ("http://exemple.invalid/a.png", "net::ERR_NAME_NOT_RESOLVED")], echecs


def test_desktop_width_was_checked_on_a_sample(visite):
    echantillon = [c for c, m in visite["pages"].items() if "axe_bureau" in m]
    assert "index.html" in echantillon and any(c.startswith("ar/") for c in echantillon)


def test_no_horizontal_scroll_at_360px(visite):
    trop_larges = {c: m["scrollWidth"] for c, m in visite["pages"].items()
                   if m["scrollWidth"] > PHONE["width"]}
    assert not trop_larges, trop_larges


def test_no_word_is_broken_in_a_table_at_360px(visite):
    coupes = {c: m["motsCoupes"] for c, m in visite["pages"].items() if m.get("motsCoupes")}
    assert not coupes, coupes


def test_chart_text_is_at_least_12px_at_360px(visite):
    mesures = {c: m["texteGraphiqueMin"] for c, m in visite["pages"].items() if m.get("texteGraphiqueMin")}
    assert mesures, "aucun graphique mesuré : le site de test doit porter une évaluation"
    petits = {c: round(px, 1) for c, px in mesures.items() if px < 12}
    assert not petits, petits


def test_images_have_alt_text(visite):
    sans_alt = {c: m["imagesSansAlt"] for c, m in visite["pages"].items() if m["imagesSansAlt"]}
    assert not sans_alt, sans_alt


def test_arabic_pages_render_right_to_left(visite):
    arabes = {c: m for c, m in visite["pages"].items() if c.startswith("ar/")}
    assert arabes
    for chemin, mesure in arabes.items():
        assert (mesure["lang"], mesure["dir"], mesure["bodyDirection"]) == ("ar", "rtl", "rtl"), chemin
    traduites = [c for c in arabes
                 if (CONTENT / re.sub(r"\.html$", ".ar.md", c[len("ar/"):])).exists()]
    for chemin in traduites:
        mesure = arabes[chemin]
        assert mesure["articleDirection"] == "rtl", chemin
        assert mesure["titreEcartDroite"] <= mesure["titreEcartGauche"], chemin


def test_french_pages_render_left_to_right(visite):
    for chemin in ("index.html", "accessibilite.html"):
        mesure = visite["pages"][chemin]
        assert (mesure["lang"], mesure["bodyDirection"]) == ("fr", "ltr")


def test_screenshots_were_taken(visite):
    for nom in ("accueil-fr-360.png", "accueil-ar-360.png", "fiche-atelier-360.png"):
        assert (CAPTURES / nom).stat().st_size > 5000, nom


# --------------------------------------------------------------------------- keyboard

FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, cls: e.className, href: e.getAttribute('href'),
          inMain: !!e.closest('.md-content'), inChoices: !!e.closest('.famnum-choix'),
          outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
          visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight};
}"""


@pytest.fixture(scope="module")
def clavier(serveur):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})  # offline: conftest.HORS_LIGNE
        browser.close()


@pytest.mark.parametrize("chemin", ["index.html", "accessibilite.html", "ar/index.html"])
def test_skip_link_is_first_visible_and_works(clavier, serveur, chemin):
    clavier.goto(serveur + chemin)
    clavier.keyboard.press("Tab")
    focus = clavier.evaluate(FOCUS_JS)
    assert focus and "md-skip" in focus["cls"], focus
    assert focus["visible"] and focus["outline"] >= 2, focus
    clavier.keyboard.press("Enter")
    expect(clavier).to_have_url(re.compile(re.escape(focus["href"]) + "$"))  # the jump, however late it comes
    clavier.keyboard.press("Tab")
    after = clavier.evaluate(FOCUS_JS)
    assert after and after["inMain"], f"après le lien d'évitement, le focus va à {after}"


def test_tab_reaches_the_level_choices_with_a_visible_focus_ring(clavier, serveur):
    clavier.goto(serveur + "index.html")
    seen = []
    for _ in range(80):
        clavier.keyboard.press("Tab")
        focus = clavier.evaluate(FOCUS_JS)
        seen.append(focus)
        if focus and focus["inChoices"]:
            break
    else:
        pytest.fail(f"la Tabulation n'atteint pas les choix de niveau : {seen[-5:]}")
    assert focus["visible"] and focus["outline"] >= 2, focus
    assert focus["href"].startswith("tutoriels/premiers-pas/")
    clavier.keyboard.press("Enter")
    clavier.wait_for_url("**/tutoriels/premiers-pas/index.html")


# --------------------------------------------------------------------------- right to left

# The characters of the first occurrence of ``needle`` in the article, as laid out: their
# x position on screen, line by line (famnum.site.bidi isolates them on Arabic pages).
ORDRE_VISUEL_JS = """(needle) => {
  const walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const start = node.data.indexOf(needle);
    if (start < 0) continue;
    const chars = [];
    for (let k = start; k < start + needle.length; k++) {
      if (node.data[k].trim() === '') continue;
      const range = document.createRange();
      range.setStart(node, k); range.setEnd(node, k + 1);
      const box = range.getBoundingClientRect();
      chars.push({c: node.data[k], x: box.left, y: Math.round(box.top)});
    }
    return chars;
  }
  return null;
}"""


@pytest.mark.parametrize("largeur", [1280, 360])
def test_arabic_phone_numbers_read_in_their_logical_order(clavier, serveur, largeur):
    """On the Arabic home page a phone number's digits and its bracket show left to right,
    in the order they are typed, inside the right-to-left sentence."""
    config = (construction.RACINE / "mkdocs.yml").read_text(encoding="utf-8")
    telephone = re.search(r'telephone: "([^"]+)"', config).group(1)
    needle = telephone.split(",")[0].replace(" ", "\u00a0", 4)  # "01 99 00 12 34 (fictif"
    clavier.set_viewport_size({"width": largeur, "height": 900})
    clavier.goto(serveur + "ar/index.html")
    chars = clavier.evaluate(ORDRE_VISUEL_JS, needle)
    assert chars, f"« {needle} » absent de la page d'accueil arabe"
    first_line = [c for c in chars if c["y"] == chars[0]["y"]]
    assert len(first_line) >= 10, chars  # the number itself is on one line
    xs = [c["x"] for c in first_line]
    assert xs == sorted(xs), "ordre visuel : " + "".join(c["c"] for c in sorted(first_line, key=lambda c: c["x"]))


# Every Tab stop of the home page, at phone and desktop width: on screen, not inside a hidden
# menu, with a focus ring of at least 2 px whose colour stands 3:1 against what it is drawn on
# (WCAG 2.4.7 and 1.4.11).
TAB_STOP_JS = """async () => {
  // the theme restyles some targets from its focus handler (the search field opens): judge the frame drawn
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const fond = n => { for (; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
                        if (c.length === 3 || c[3] > 0.5) return c.slice(0, 3); } return [255, 255, 255]; };
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const s = getComputedStyle(e), r = e.getBoundingClientRect();
  let cache = false;
  for (let n = e; n; n = n.parentElement) { const t = getComputedStyle(n);
    if (t.visibility === 'hidden' || t.display === 'none' || parseFloat(t.opacity) === 0) cache = true; }
  const sous = fond(parseFloat(s.outlineOffset) < 0 ? e : e.parentElement);
  const a = lum(rgb(s.outlineColor).slice(0, 3)), b = lum(sous);
  return {quoi: e.tagName + ' ' + String(e.className).slice(0, 40) + ' « ' + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30) + ' »',
          visible: !cache && r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth,
          cadre: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
          contraste: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


@pytest.mark.parametrize("largeur", [360, 1280])
def test_every_tab_stop_of_the_home_page_is_visible(clavier, serveur, largeur):
    clavier.set_viewport_size({"width": largeur, "height": 800})
    clavier.goto(serveur + "index.html")
    # the theme fades some targets in (skip link, menus): judge each one as it ends, two frames later
    clavier.add_style_tag(content=SANS_TRANSITION)
    mauvais, vus = [], 0
    for _ in range(60):
        clavier.keyboard.press("Tab")
        arret = clavier.evaluate(TAB_STOP_JS)
        if arret is None:
            break  # back to the page itself: every stop was seen
        vus += 1
        if not arret["visible"] or arret["cadre"] < 2 or arret["contraste"] < 3:
            mauvais.append(arret)
    clavier.set_viewport_size({"width": 1280, "height": 900})
    assert vus >= 10
    assert not mauvais, mauvais
