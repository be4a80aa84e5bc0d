"""Browser tests of the built site: one build, one local server, one Chromium.

The site is built once per test session (``famnum.site.construction``, shared by the
xdist workers behind a file lock), served on 127.0.0.1 by a threaded ``http.server``,
and every built page is visited once by :func:`visiter` which collects everything the
tests then assert on (axe-core violations, width at 360 px, images, direction).
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import threading
import time
from pathlib import Path

import pytest

from famnum.site import construction

from annee_fictive import site_de_test

# Chromium's headless shell (Debian package chromium-headless-shell, installed by `make installer`): the
# same engine without the browser's windowing layer; about a third less CPU per page than
# /usr/bin/chromium in its headless mode (an Ozone browser, its GPU process and a launcher script).
CHROMIUM = "/usr/bin/chromium-headless-shell"
# No request leaves the machine: every host name but the local server's resolves to nothing, so a
# page that names an outside address gets a network error (which the tests record) instead of the
# outside file; no interception of each request (a round trip through Playwright per file).
HORS_LIGNE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", HORS_LIGNE]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CAPTURES = construction.RACINE / "build" / "captures"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Pages visited at once: each tab is a renderer process of its own, with its own copies of the theme's
# compiled scripts and decoded styles; two keep both cores of a test machine busy with half the copies
# of four (about a tenth less CPU for the visit, no slower).
CONCURRENCE = 2
SANS_TRANSITION = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def noter_problemes(page) -> list[str]:
    """What a reader's browser reports on `page` from now on, in a list the caller may clear: a
    request that fails or ends in 404, a console error (ERR_ABORTED: a load cut short by going to
    the next page, not a fault of the site)."""
    problemes: list[str] = []
    page.on("console", lambda m: problemes.append(f"console : {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problemes.append(f"échec : {r.url} {r.failure}")
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: problemes.append(f"{r.status} : {r.url}") if r.status >= 400 else None)
    return problemes


def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    build = site_de_test(tmp_path_factory.getbasetemp())
    site_dir = Path(build["site"])
    assert (site_dir / "index.html").exists(), build["sortie"][-3000:]
    return site_dir


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser closing a connection early is not a test failure


@pytest.fixture(scope="session")
def serveur(site):
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def pages_du_site(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)).replace("\\", "/") for p in site.rglob("*.html"))


MESURE_JS = """() => {
  const article = document.querySelector('article') || document.body;
  const h1 = article.querySelector('h1');
  const box = h1 ? h1.getBoundingClientRect() : null;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    lang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
    bodyDirection: getComputedStyle(document.body).direction,
    articleDirection: getComputedStyle(article.querySelector('h1') || article).direction,
    // Where the title's text sits inside its line: right for right-to-left.
    ...(h1 ? (() => { const r = document.createRange(); r.selectNodeContents(h1);
                      const t = r.getBoundingClientRect();
                      return {titreEcartDroite: box.right - t.right, titreEcartGauche: t.left - box.left}; })()
           : {}),
    imagesSansAlt: [...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src),
    images: document.images.length,
    skip: !!document.querySelector('a.md-skip'),
    // The smallest text of the page's charts, in CSS pixels as drawn (SVG scaled to the page).
    texteGraphiqueMin: (() => {
      let min = null;
      for (const svg of article.querySelectorAll('figure svg')) {
        const vb = svg.viewBox.baseVal;
        if (!vb || !vb.width) continue;
        const k = svg.getBoundingClientRect().width / vb.width;
        for (const t of svg.querySelectorAll('text')) {
          const px = parseFloat(getComputedStyle(t).fontSize) * k;
          if (min === null || px < min) min = px;
        }
      }
      return min;
    })(),
    // Words of a table broken across two lines (« Temp|s »). A line may still end at a hyphen or
    // a slash, and a word wider than the screen (an address) may wrap.
    motsCoupes: (() => {
      const coupes = [];
      for (const table of article.querySelectorAll('table')) {
        const w = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
        for (let n; (n = w.nextNode());) {
          const re = /[^\\s\\/\\-‐–—]+/g;
          for (let m; (m = re.exec(n.data));) {
            if (m[0].length > 20 || !/\\p{L}/u.test(m[0])) continue;
            const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
            const lignes = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.bottom)));
            if (lignes.size > 1) coupes.push(m[0]);
          }
        }
      }
      return coupes.slice(0, 5);
    })(),
  };
}"""

# A page in Arabic, Turkish or English that is not translated yet shows the French page's
# content (marked lang="fr"), already checked on the French page: axe checks the rest of it
# (header, menu, the "not translated" note, footer), which is what differs.
AXE_JS = """async (tags) => {
  const fallback = 'article div[lang="fr"][dir="ltr"]';
  const context = document.querySelector(fallback) ? {exclude: [[fallback]]} : document;
  const result = await axe.run(context, {runOnly: {type: 'tag', values: tags},
                                         resultTypes: ['violations'], iframes: false});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' : ' + n.failureSummary)}));
}"""

# axe's colour-contrast rule is three quarters of its time on a page of the site (0.6 of 0.8 s), and
# the same few looks of text come back on every page of a language. The visit runs every other rule
# on the whole page, and colour contrast on every text whose look was not judged yet at this width in
# this language: its colour, size, weight and shadow, and the backgrounds, opacity, filters and
# positioning of everything up the tree behind it (what axe's verdict depends on), and whether it is
# on screen (a text hidden in a closed menu never stands for a visible one). Form fields are judged
# every time. The same for link-in-text-block (a link told apart from its text by colour alone), the
# other rule that reads colours: on each link in a block of text whose look is new (see below).
# `vus`: the looks already judged; the new ones come back with the violations.
AXE_CONTRASTE_NEUF_JS = """async ([tags, vus]) => {
  const fallback = document.querySelector('article div[lang="fr"][dir="ltr"]');
  const neutre = 'rgba(0, 0, 0, 0)|none|1|none|normal|static';
  const champ = e => e.matches('input, select, textarea');
  const signature = e => {
    const s = getComputedStyle(e);
    const chaine = [s.color, s.fontSize, s.fontWeight, s.textShadow];
    for (let n = e; n; n = n.parentElement) {
      const t = getComputedStyle(n);
      const fond = [t.backgroundColor, t.backgroundImage, t.opacity, t.filter, t.mixBlendMode, t.position].join('|');
      if (fond !== neutre) chaine.push(fond);
    }
    return chaine.join(' / ');
  };
  const visible = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth
           && getComputedStyle(e).visibility === 'visible'; };
  const aTexte = e => champ(e) || [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.data.trim());
  const marque = 'data-famnum-contraste';
  const dejaVus = new Set(vus), nouvelles = [];
  let jugees = 0;
  for (const e of document.body.querySelectorAll('*')) {
    if ((fallback && fallback.contains(e)) || !aTexte(e)) continue;
    const s = (visible(e) ? 'vu / ' : 'caché / ') + signature(e);
    if (dejaVus.has(s)) continue;
    e.setAttribute(marque, '');
    jugees += 1;
    if (!champ(e)) { dejaVus.add(s); nouvelles.push(s); }
  }
  // link-in-text-block, the other rule that reads colours (two fifths of the rest of axe's time): on
  // the links its own matcher picks (in a block of text, on screen) whose look was not judged yet: the
  // link's and its pseudo-elements' styles that make it distinct, and the colours and fonts of every
  // element up to the page (the block it is compared with among them)
  const lien = 'data-famnum-lien';
  const styleLien = e => { const s = getComputedStyle(e);
    const pseudo = p => { const t = getComputedStyle(e, p);
      return [t.content, t.display, t.position, t.visibility, t.backgroundColor, t.backgroundImage, t.width, t.height].join('|'); };
    return [s.textDecoration, s.borderTop, s.borderBottom, s.outline, s.backgroundImage, s.display, pseudo('::before'), pseudo('::after')]; };
  const ascendants = e => { const chaine = [];
    for (let n = e; n; n = n.parentElement) { const t = getComputedStyle(n);
      chaine.push([n.tagName, t.display, t.color, t.fontSize, t.fontWeight, t.fontStyle, t.fontFamily, t.textDecoration].join('|')); }
    return chaine; };
  let liensJuges = 0;
  axe.setup(document);
  try {
    const regle = axe.utils.getRule('link-in-text-block');
    for (const e of document.body.querySelectorAll('a[href], [role=link]')) {
      if ((fallback && fallback.contains(e)) || !regle.matches(e, axe.utils.getNodeFromTree(e))) continue;
      const s = ['lien', signature(e), ...styleLien(e), ...ascendants(e)].join(' / ');
      if (dejaVus.has(s)) continue;
      e.setAttribute(lien, '');
      liensJuges += 1;
      dejaVus.add(s); nouvelles.push(s);
    }
  } finally { axe.teardown(); }
  // one run of axe: its colour-contrast and link-in-text-block rules look at the marked elements only
  axe.configure({rules: [{id: 'color-contrast', selector: `[${marque}]`}, {id: 'link-in-text-block', selector: `[${lien}]`}]});
  const page = await axe.run(fallback ? {exclude: [fallback]} : document,
    {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], iframes: false});
  document.querySelectorAll(`[${marque}], [${lien}]`).forEach(e => { e.removeAttribute(marque); e.removeAttribute(lien); });
  return {nouvelles, jugees, liensJuges,
          violations: page.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' : ' + n.failureSummary)}))};
}"""


async def _juger_axe(page, vus: set[str]) -> dict:
    """axe on the loaded page (AXE_CONTRASTE_NEUF_JS); the looks of text it judged join `vus`."""
    jugement = await page.evaluate(AXE_CONTRASTE_NEUF_JS, [AXE_TAGS, sorted(vus)])
    vus.update(jugement["nouvelles"])
    return jugement


async def _onglet(context) -> tuple:
    """A page of `context` and the lists its JavaScript errors and its problems go to."""
    page = await context.new_page()
    erreurs: list[str] = []
    page.on("pageerror", lambda exc: erreurs.append(str(exc)))
    return page, erreurs, noter_problemes(page)


async def _lire_depuis_le_disque(page, erreurs, problemes, url: str) -> dict:
    """A page read from the disk (file://): what its scripts ask for and what they report."""
    erreurs.clear()
    problemes.clear()
    await page.goto(url, wait_until="load")
    await page.evaluate(MESURE_JS)  # the same wait after the load as a page visited over HTTP
    return {"erreurs_js": list(erreurs), "problemes": list(problemes)}


async def _visiter(base: str, chemins: list[str], avec_axe: set[str], desktop: set[str], captures: dict[str, str],
                   disque: tuple[str, list[str]]):
    """Every page of `chemins` over HTTP from `base`, and the pages `disque` names read from the disk
    (its file:// base, its paths)."""
    from playwright.async_api import async_playwright

    resultats: dict[str, dict] = {}
    sur_disque: dict[str, dict] = {}
    externes: list[str] = []
    vus: dict[tuple[str, int], set[str]] = {}  # looks of text judged for contrast, by language and width
    base_disque, depuis_le_disque = disque
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # axe (570 kB of script) is compiled only on the pages it judges: their own context
        contextes = {avec: await browser.new_context(viewport=PHONE) for avec in (False, True)}
        await contextes[True].add_init_script(axe_source())
        for context in contextes.values():
            context.on("request", lambda r: None if r.url.startswith((base, base_disque, "data:"))
                       else externes.append(r.url))
        file: asyncio.Queue[str] = asyncio.Queue()
        for chemin in depuis_le_disque:
            file.put_nowait(base_disque + chemin)
        for chemin in chemins:
            file.put_nowait(chemin)

        async def travailleur():
            onglets = {avec: await _onglet(context) for avec, context in contextes.items()}
            while not file.empty():
                chemin = file.get_nowait()
                if chemin.startswith(base_disque):
                    sur_disque[chemin[len(base_disque):]] = await _lire_depuis_le_disque(*onglets[False], chemin)
                    continue
                page, erreurs, problemes = onglets[chemin in avec_axe or chemin in desktop]
                erreurs.clear()
                problemes.clear()
                debut = time.perf_counter()
                response = await page.goto(base + chemin, wait_until="load")
                mesure = await page.evaluate(MESURE_JS)
                mesure["status"] = response.status if response else None
                mesure["t_charge"] = time.perf_counter() - debut
                if chemin in avec_axe:
                    jugement = await _juger_axe(page, vus.setdefault((langue_de(chemin), PHONE["width"]), set()))
                    mesure["axe"], mesure["contrastes_juges"] = jugement["violations"], jugement["jugees"]
                mesure["t_axe"] = time.perf_counter() - debut - mesure["t_charge"]
                if chemin in captures:
                    CAPTURES.mkdir(parents=True, exist_ok=True)
                    await page.screenshot(path=str(CAPTURES / captures[chemin]), full_page=True)
                if chemin in desktop:
                    # axe must judge the colours the page ends with, not a frame of the theme's fades
                    # (which a loaded machine draws late): no transition or animation from here on
                    await page.add_style_tag(content=SANS_TRANSITION)
                    await page.set_viewport_size(DESKTOP)
                    jugement = await _juger_axe(page, vus.setdefault((langue_de(chemin), DESKTOP["width"]), set()))
                    mesure["axe_bureau"] = jugement["violations"]
                    await page.set_viewport_size(PHONE)
                mesure["erreurs_js"] = list(erreurs)
                mesure["problemes"] = list(problemes)
                resultats[chemin] = mesure
            for page, _, _ in onglets.values():
                await page.close()

        await asyncio.gather(*(travailleur() for _ in range(CONCURRENCE)))
        await browser.close()
    return resultats, externes, sur_disque


def langue_de(chemin: str) -> str:
    """The language of a page of the site, from its path (French at the root)."""
    premier = chemin.split("/")[0]
    return premier if premier in ("ar", "tr", "en") else "fr"


def sortes_de_pages(chemins: list[str]) -> dict[tuple[str, ...], list[str]]:
    """The pages of each language grouped by kind: a page at the root is a kind of its own (home,
    legal notice, 404...); under a section, its index pages and its other pages at each depth (a
    tutorial level's index, a tutorial, a workshop sheet...); a page of the evaluation or of the
    programme is a kind of its own (charts and tables drawn from data: the grid, the register)."""
    sortes: dict[tuple[str, ...], list[str]] = {}
    for chemin in chemins:
        langue = langue_de(chemin)
        parties = chemin.split("/")[0 if langue == "fr" else 1:]
        if len(parties) == 1 or parties[0] in ("evaluation", "programme"):
            sorte = (langue, *parties)
        else:
            sorte = (langue, parties[0], str(len(parties)), str(parties[-1] == "index.html"))
        sortes.setdefault(sorte, []).append(chemin)
    return sortes


def lus_depuis_le_disque(chemins: list[str]) -> list[str]:
    """Pages also read from the disk (file://), where the theme's and famnum's scripts behave otherwise
    than over HTTP (the search index, the worker's shim): in French the first page of each kind
    (sortes_de_pages: what the theme mounts on its content), in each other language the first page of
    each depth, index or not (what differs by language: the page's settings, its search index, relative
    to its depth). Every other URL a page names is checked on the disk without a browser
    (test_site_construction.test_no_broken_internal_link, test_site_leger's URLs from the root of the
    disk), and every page is visited over HTTP. 404.html is not: its links are absolute, for a server."""
    premieres: dict[tuple, str] = {}
    for sorte, pages in sortes_de_pages([c for c in chemins if c != "404.html"]).items():
        premieres.setdefault(sorte if sorte[0] == "fr" else profondeur_de(pages[0]), pages[0])
    return sorted(premieres.values())


def profondeur_de(chemin: str) -> tuple[str, int, bool]:
    """A page's language, depth in the site (its language's folder included) and whether it is an index."""
    return langue_de(chemin), chemin.count("/"), chemin.endswith("index.html")


def _avec_axe(chemins: list[str]) -> set[str]:
    """Pages checked with axe: every French page, and in each other language the first page of each
    kind (the translated text, direction and labels on each template). Every page still gets the
    other checks of the visit (360 px, images, direction, 404 and console)."""
    sortes = sortes_de_pages(chemins)
    return {c for sorte, pages in sortes.items() for c in (pages if sorte[0] == "fr" else pages[:1])}


def _echantillon(chemins: list[str]) -> set[str]:
    """Pages also checked with axe at desktop width: each language's home page, and in
    French one page of each section and the first page of each kind under it."""
    vus: dict[tuple[str, ...], str] = {}
    for chemin in chemins:
        parties = chemin.split("/")
        if parties[0] in ("ar", "tr", "en"):
            if parties[1:] == ["index.html"]:
                vus[(parties[0],)] = chemin
            continue
        cle = (parties[0], parties[-1] == "index.html") if len(parties) > 1 else (chemin,)
        vus.setdefault(cle, chemin)
    return set(vus.values())


@pytest.fixture(scope="session")
def visite(site, serveur) -> dict:
    chemins = pages_du_site(site)
    sheet = next((c for c in chemins if c.startswith("ateliers/") and c != "ateliers/index.html"),
                 None)
    captures = {"index.html": "accueil-fr-360.png", "ar/index.html": "accueil-ar-360.png",
                "ar/programme/index.html": "programme-ar-360.png",
                "tutoriels/premiers-pas/index.html": "niveau-premiers-pas-360.png"}
    if sheet:
        captures[sheet] = "fiche-atelier-360.png"
    debut = time.perf_counter()
    disque = (site.resolve().as_uri() + "/", lus_depuis_le_disque(chemins))
    resultats, externes, sur_disque = asyncio.run(_visiter(serveur, chemins, _avec_axe(chemins), _echantillon(chemins),
                                                           captures, disque))
    return {"pages": resultats, "externes": externes, "secondes": time.perf_counter() - debut,
            "base": serveur, "disque": sur_disque}
