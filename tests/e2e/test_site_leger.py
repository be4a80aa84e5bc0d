"""A site light on a phone (issue 17), seen in Chromium with the real files (no stub of the search
index or the sitemap): weight of a first visit, no URL from the root of the disk, search per language,
loaded on first use. No 404 and no console error on any page over HTTP and on a sample from file://:
test_navigateur.py, in the visit of every page (conftest.lus_depuis_le_disque)."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from .conftest import CAPTURES, CHROMIUM, CHROMIUM_ARGS, PHONE, pages_du_site

pytestmark = [pytest.mark.e2e, pytest.mark.site_partage]

LIMITE_ACCUEIL = 400_000  # bytes, uncompressed, first visit before search is used
PAGES_PESEES = ("index.html", "tutoriels/premiers-pas/index.html", "evaluation/equipement.html")
RACINE_DU_DISQUE = re.compile(r'(?:href|src|srcset|action)="(/(?!/)[^"]*)"')


class Chromium:
    """One Chromium for the file's tests, on an event loop of its own: each visit opens a context
    of its own (an empty cache: a first visit) and closes it."""

    def __init__(self):
        from playwright.async_api import async_playwright

        self.boucle = asyncio.new_event_loop()
        self.pw = self.lancer(async_playwright().start())
        self.browser = self.lancer(self.pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS))

    def lancer(self, coro):
        return self.boucle.run_until_complete(coro)

    async def contexte(self):
        return await self.browser.new_context(viewport=PHONE)

    def fermer(self):
        self.lancer(self.browser.close())
        self.lancer(self.pw.stop())
        self.boucle.close()


@pytest.fixture(scope="module")
def chromium():
    navigateur = Chromium()
    yield navigateur
    navigateur.fermer()


async def _premiere_visite(chromium: Chromium, base: str, chemin: str) -> dict:
    """A first visit (empty cache) of one page: every response, its size, its status."""
    context = await chromium.contexte()
    page = await context.new_page()
    reponses = []
    page.on("response", lambda r: reponses.append(r))
    # no request for half a second: what the page asks for after its load (the search index, eagerly
    # loaded, would be one) is asked for by then
    await page.goto(base + chemin, wait_until="networkidle")
    tailles = {}
    for reponse in reponses:
        try:
            tailles[reponse.url[len(base):]] = len(await reponse.body())
        except Exception:  # noqa: BLE001 (a body the browser dropped: a redirect, a worker's)
            tailles[reponse.url[len(base):]] = 0
    await context.close()
    return {"octets": sum(tailles.values()), "requetes": len(tailles), "fichiers": tailles,
            "statuts": {r.url[len(base):]: r.status for r in reponses}}


@pytest.fixture(scope="module")
def pesees(chromium, serveur) -> dict:
    return {chemin: chromium.lancer(_premiere_visite(chromium, serveur, chemin)) for chemin in PAGES_PESEES}


def test_home_page_first_visit_is_under_400_kb(pesees):
    CAPTURES.mkdir(parents=True, exist_ok=True)
    resume = {chemin: {"octets": p["octets"], "requetes": p["requetes"]} for chemin, p in pesees.items()}
    (CAPTURES / "poids.json").write_text(json.dumps(resume, indent=1), encoding="utf-8")
    for chemin, p in resume.items():
        print(f"première visite de {chemin} à 360×740 : {p['octets'] / 1000:.0f} Ko en {p['requetes']} requêtes")
    accueil = pesees["index.html"]
    assert accueil["octets"] < LIMITE_ACCUEIL, sorted(accueil["fichiers"].items(), key=lambda x: -x[1])[:8]


def test_first_visit_loads_neither_search_index_nor_sitemap(pesees):
    for chemin, p in pesees.items():
        charges = [url for url in p["fichiers"] if "search_index" in url or "sitemap" in url]
        assert not charges, (chemin, charges)
        assert all(statut < 400 for statut in p["statuts"].values()), (chemin, p["statuts"])


def test_no_page_but_404_names_a_url_from_the_root_of_the_disk(site):
    """Read from the disk (file://, a site handed out on a USB stick), `/assets/…` would be looked up at
    the root of the disk. With test_site_construction's check that every relative URL of every page
    leads to a file, every URL a page names opens from the disk; what the scripts ask for is seen on a
    sample read from the disk (test_navigateur.test_no_404_and_no_console_error_from_the_disk)."""
    absolues = {}
    for chemin in pages_du_site(site):
        if chemin != "404.html":  # its links are absolute: served over HTTP only
            urls = RACINE_DU_DISQUE.findall((site / chemin).read_text(encoding="utf-8"))
            if urls:
                absolues[chemin] = urls[:3]
    assert not absolues, f"{len(absolues)} pages : {dict(list(absolues.items())[:5])}"


# The theme writes its placeholder (« Taper pour démarrer la recherche ») once its search worker has
# read the index: before, what is typed would be lost.
RECHERCHE_PRETE_JS = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  const config = JSON.parse(document.getElementById('__config').textContent);
  return meta && meta.textContent.trim() === config.translations['search.result.placeholder'];
}"""


async def _chercher(chromium: Chromium, url: str, mot: str) -> dict:
    """Open search on a page, type a word: which index was loaded, which results came."""
    context = await chromium.contexte()
    page = await context.new_page()
    demandes: list[str] = []
    page.on("request", lambda r: demandes.append(r.url))
    await page.goto(url, wait_until="networkidle")
    avant = [d for d in demandes if "search_index" in d]
    await page.click('label.md-header__button[for="__search"]')
    await page.wait_for_function(RECHERCHE_PRETE_JS, timeout=20_000)
    await page.type("input.md-search__input", mot, delay=30)  # the theme reads key presses
    await page.wait_for_selector(".md-search-result__item a", timeout=20_000)
    liens = await page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.href)")
    await context.close()
    return {"avant": avant, "index": [d for d in demandes if "search_index" in d], "liens": liens}


@pytest.mark.parametrize("acces", ["http", "file"])
# Arabic words are not found by the theme's lunr search (nor were they with one index for every
# language): the Arabic site is searched here with a Latin word of its pages.
@pytest.mark.parametrize("langue,mot", [("", "ordinateur"), ("ar/", "Pronote")])
def test_search_loads_its_language_index_when_first_used(chromium, site, serveur, acces, langue, mot):
    base = serveur if acces == "http" else site.resolve().as_uri() + "/"
    trouve = chromium.lancer(_chercher(chromium, f"{base}{langue}index.html", mot))
    assert trouve["avant"] == []
    fichier = "search_index.json" if acces == "http" else "search_index.js"
    assert trouve["index"] == [f"{base}{langue}search/{fichier}"]
    assert trouve["liens"] and all(lien.startswith(base + langue) for lien in trouve["liens"]), trouve["liens"][:3]
    for lien in trouve["liens"][:3]:
        assert (site / lien[len(base):].split("#")[0].split("?")[0]).is_file(), lien


def test_each_language_has_its_own_search_index(site):
    francais = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert francais["config"]["lang"] == ["fr"]
    assert not any(d["location"].startswith(("ar/", "tr/", "en/")) for d in francais["docs"])
    for langue in ("ar", "tr", "en"):
        index = json.loads((site / langue / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [langue] and index["docs"]
        for doc in index["docs"]:
            assert (site / langue / doc["location"].split("#")[0]).is_file() or doc["location"] == "", doc["location"]


def test_each_text_file_has_its_gz_and_br(site):
    import brotli
    import gzip

    from famnum.site import leger

    fichiers = leger.fichiers_texte(site)
    assert len(fichiers) > 200
    for fichier in fichiers:
        donnees = fichier.read_bytes()
        assert gzip.decompress(fichier.with_name(fichier.name + ".gz").read_bytes()) == donnees, fichier
        assert brotli.decompress(fichier.with_name(fichier.name + ".br").read_bytes()) == donnees, fichier
