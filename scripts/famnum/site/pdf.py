"""Printable PDFs of the site, made with WeasyPrint from the built pages, in every language.

After the engine has built every language (``famnum.site.construction``), from ``site/``, for each language of the site
(French at the root of ``pdf/``, the others under ``pdf/<langue>/``):

- each workshop sheet ``ateliers/<slug>.html`` → ``pdf/ateliers/<slug>.pdf``
  (``pdf/ar/ateliers/<slug>.pdf`` from ``ar/ateliers/<slug>.html``…);
- every workshop sheet in one file → ``pdf/ateliers-famnum.pdf``;
- the whole curriculum, level after level, in menu order → ``pdf/tutoriels-famnum.pdf``.

Each PDF is the page's article (``<article>``: no header, menu, search or footer) with
the page's own stylesheets in print media (``famnum.css`` holds the ``@media print``
rules: A4, margins, external links written out, tables that break between rows with their
header repeated). A pack opens on a table of contents grouped by level, each entry with the
number of the page its title is on (CSS ``target-counter``); a level's entries stay on one
page. The words the PDF adds (titles of the packs, « Sommaire », the page footer) are in the
document's language; an Arabic PDF is right to left, in an Arabic font, and its digits and
Latin words are in left-to-right isolates like the pages (``famnum.site.bidi``), so a phone
number keeps its order. WeasyPrint reads only files under ``site/``:
:class:`SiteOnlyFetcher` refuses any other URL, so a PDF never triggers a network request.
Internal links have no meaning on paper: they are kept as text. The PDFs are tagged
(PDF/UA-1: headings, lists, tables, language, title for screen readers).
"""

from __future__ import annotations

import html as html_lib
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from famnum.gabarits import macros
from famnum.site import bidi, caches

REECRITURE = "site/pdf-reecriture.html"  # the template whose macros write what this module adds

PDF_DIR = "pdf"
LANGUE_PAR_DEFAUT = "fr"

# The words a PDF adds to the pages, in each language of the site. ``pied`` is the CSS
# ``content`` of the page footer.
TEXTES: dict[str, dict[str, str]] = {
    "fr": {
        "tutoriels": "Les tutoriels Famnum : apprendre le numérique en famille",
        "ateliers": "Les fiches d'atelier Famnum pour les CLAS",
        "sommaire": "Sommaire",
        "pied": '"Famnum · page " counter(page) " / " counter(pages)',
    },
    "ar": {
        "tutoriels": "دروس فامنوم: تعلّم المهارات الرقمية مع العائلة",
        "ateliers": "بطاقات ورشات فامنوم لمراكز CLAS",
        "sommaire": "المحتويات",
        "pied": '"فامنوم · الصفحة " counter(page) " من " counter(pages)',
    },
    "tr": {
        "tutoriels": "Famnum rehberleri: ailece dijital beceriler",
        "ateliers": "CLAS için Famnum atölye kartları",
        "sommaire": "İçindekiler",
        "pied": '"Famnum · sayfa " counter(page) " / " counter(pages)',
    },
    "en": {
        "tutoriels": "The Famnum tutorials: digital skills as a family",
        "ateliers": "The Famnum workshop sheets for CLAS",
        "sommaire": "Contents",
        "pied": '"Famnum · page " counter(page) " of " counter(pages)',
    },
}


def texte(langue: str, cle: str) -> str:
    return TEXTES.get(langue, TEXTES[LANGUE_PAR_DEFAUT])[cle]


def chemin_pdf(nom: str, langue: str = LANGUE_PAR_DEFAUT) -> str:
    """Site-relative path of a PDF: ``pdf/<nom>`` in French, ``pdf/<langue>/<nom>`` otherwise."""
    return f"{PDF_DIR}/{nom}" if langue == LANGUE_PAR_DEFAUT else f"{PDF_DIR}/{langue}/{nom}"


def sheet_pdf_path(slug: str, langue: str = LANGUE_PAR_DEFAUT) -> str:
    """Site-relative path of a workshop sheet's PDF."""
    return chemin_pdf(f"ateliers/{slug}.pdf", langue)


def tutorials_pack(langue: str = LANGUE_PAR_DEFAUT) -> str:
    return chemin_pdf("tutoriels-famnum.pdf", langue)


def sheets_pack(langue: str = LANGUE_PAR_DEFAUT) -> str:
    return chemin_pdf("ateliers-famnum.pdf", langue)


TUTORIALS_PACK = tutorials_pack()
SHEETS_PACK = sheets_pack()


# --------------------------------------------------------------------------- fetcher

def site_only_fetcher(site_dir: Path):
    """A WeasyPrint URL fetcher that serves files under ``site_dir`` and nothing else."""
    from weasyprint.urls import URLFetcher

    root = site_dir.resolve()

    class SiteOnlyFetcher(URLFetcher):
        refused: list[str] = []
        read: list[str] = []  # the site's files WeasyPrint read (the PDF cache checks them)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    self.read.append(url)
                    return super().fetch(url, headers)
            self.refused.append(url)
            raise ValueError(f"URL refusée (hors du site construit) : {url}")

    fetcher = SiteOnlyFetcher(timeout=1, allowed_protocols={"file", "data"})
    fetcher.refused, fetcher.read = [], []
    return fetcher


# --------------------------------------------------------------------------- HTML

ARTICLE_RE = re.compile(r"<article\b[^>]*>(.*)</article>", re.DOTALL)
STYLESHEET_RE = re.compile(r'<link\b[^>]*rel="stylesheet"[^>]*>')
HREF_RE = re.compile(r'href="([^"]+)"')
TITLE_RE = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")
PDF_LINK_RE = re.compile(r'<p class="famnum-pdf">.*?</p>\s*', re.DOTALL)
ATTR_URL_RE = re.compile(r'\b(href|src)="([^"]*)"')
ID_RE = re.compile(r'\bid="([^"]+)"')
ANCHOR_RE = re.compile(r'<a\b([^>]*)>(.*?)</a>', re.DOTALL)


def built_html(site_dir: Path, src: str) -> Path:
    """The built HTML file of a source page (with or without directory URLs)."""
    stem = src[: -len(".md")]
    flat = site_dir / f"{stem}.html"
    if flat.exists():
        return flat
    if stem.endswith("index"):
        return site_dir / f"{stem}.html"
    return site_dir / stem / "index.html"


# A part of a page printed on a page of its own (the sheets' evaluation form), up to the next
# title of the same rank.
SAUT_RE = re.compile(r'<div class="famnum-saut-de-page"[^>]*>\s*</div>\s*(<h2\b.*?)'
                     r'(?=<h2\b|<aside class="famnum-sources"|\Z)', re.DOTALL)


def _article(page_html: str) -> str:
    match = ARTICLE_RE.search(page_html)
    body = match.group(1) if match else page_html
    return _sans_saut_force(PDF_LINK_RE.sub("", body))


def _moteur(html: str):
    """HTML the engine wrote (part of a built page), kept as it is: never a value from a person."""
    from markupsafe import Markup

    return Markup(html)


def _sans_saut_force(body: str) -> str:
    """A forced page break left the page before it half empty: in a PDF, the part after it is
    one block instead, kept whole on one page, after what precedes it when it fits."""
    return SAUT_RE.sub(lambda m: macros(REECRITURE).d_un_bloc(_moteur(m.group(1))), body)


def page_title(page_html: str) -> str:
    match = TITLE_RE.search(page_html)
    return html_lib.unescape(TAG_RE.sub("", match.group(1))).strip() if match else ""


def _stylesheets(page_html: str, page_uri: str) -> list[str]:
    """The page's own stylesheet (famnum.css), without the theme's.

    The theme's 150 kB of CSS multiplies WeasyPrint's time by five for nothing the
    print rules of famnum.css do not already say (measured: 5 s → 1 s a sheet).
    """
    links = []
    for tag in STYLESHEET_RE.findall(page_html):
        href = HREF_RE.search(tag)
        if href and "famnum" in href.group(1):
            links.append(urljoin(page_uri, html_lib.unescape(href.group(1))))
    return links


def _rewrite(body: str, page_uri: str, site_uri: str, prefix: str,
             anchors: dict[str, str]) -> str:
    """Make ``src`` absolute; turn links into in-document anchors or plain text."""

    def url(match: re.Match[str]) -> str:
        attr, value = match.group(1), html_lib.unescape(match.group(2))
        if attr == "href" and value.startswith("#"):
            return macros(REECRITURE).attribut("href", f"#{prefix}{value[1:]}")
        if re.match(r"^[a-z][a-z0-9+.-]*:", value):  # http:, mailto:, data:, tel:
            return match.group(0)
        absolute = urljoin(page_uri, value)
        if attr == "src":
            return macros(REECRITURE).attribut("src", absolute)
        target, _, fragment = absolute.partition("#")
        if target in anchors:
            return macros(REECRITURE).attribut("href", f"#{anchors[target]}{fragment or 'top'}")
        if target.startswith(site_uri) and not target.endswith(".html"):
            return macros(REECRITURE).attribut("href", absolute)  # a file of the site (PDF, image)
        return 'data-famnum-lien="interne"'

    body = ATTR_URL_RE.sub(url, body)
    # the id as the engine wrote it (already escaped), after the page's prefix
    body = ID_RE.sub(lambda m: macros(REECRITURE).attribut("id", _moteur(f"{prefix}{m.group(1)}")), body)
    # Links to pages that are not in this document: keep the words, drop the link.
    return ANCHOR_RE.sub(
        lambda m: macros(REECRITURE).mots(_moteur(m.group(2))) if 'data-famnum-lien="interne"' in m.group(1)
        else m.group(0), body)


@dataclass(frozen=True)
class Entree:
    """One line of the table of contents: the page's rank in the document and its title."""

    index: int
    titre: str


def sommaire(pages: list[Path], titres: list[str]) -> list[tuple[Entree, list[Entree]]]:
    """The table of contents in groups: a section's index page heads the pages of its folder."""
    groupes: list[tuple[Entree, list[Entree]]] = []
    ouvert = None
    for index, (page, titre) in enumerate(zip(pages, titres)):
        if page.name == "index.html":
            ouvert = page.parent
            groupes.append((Entree(index, titre), []))
        elif ouvert == page.parent and groupes:
            groupes[-1][1].append(Entree(index, titre))
        else:
            ouvert = None
            groupes.append((Entree(index, titre), []))
    return groupes


def _couverture(pages: list[Path], sources: list[str], title: str, langue: str) -> str:
    from ..gabarits import rendre

    titres = [page_title(text) for text in sources]
    return rendre("site/pdf-couverture.html", titre=title, sommaire=texte(langue, "sommaire"),
                  groupes=sommaire(pages, titres))


def document(site_dir: Path, pages: list[Path], title: str, cover: bool,
             langue: str = LANGUE_PAR_DEFAUT) -> str:
    """One printable HTML document, in ``langue``, made of the articles of ``pages``."""
    from markupsafe import Markup

    from ..gabarits import rendre

    site_uri = site_dir.resolve().as_uri() + "/"
    uris = [page.resolve().as_uri() for page in pages]
    anchors = {uri: f"p{index}-" for index, uri in enumerate(uris)}
    sources = [page.read_text(encoding="utf-8") for page in pages]
    sheets = _stylesheets(sources[0], uris[0]) if sources else []
    rtl = langue in bidi.LANGUES_RTL
    couverture = ""
    if cover:
        couverture = _couverture(pages, sources, title, langue)
        couverture = bidi.isoler(couverture) if rtl else couverture
    # The HTML the site's build wrote (articles) or a template rendered (cover), and the footer's CSS value
    # written in TEXTES above: none is a value a person typed.
    articles = [Markup(_rewrite(_article(text), uri, site_uri, f"p{index}-", anchors))
                for index, (uri, text) in enumerate(zip(uris, sources))]
    return rendre("site/pdf-document.html", langue=langue, rtl=rtl, titre=title, feuilles=sheets,
                  pied=Markup(texte(langue, "pied")), couverture=Markup(couverture), articles=articles)


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged PDF: structure for screen readers


def write_pdf(site_dir: Path, pages: list[Path], target: Path, title: str,
              cover: bool = False, langue: str = LANGUE_PAR_DEFAUT) -> Path:
    _render(site_dir, document(site_dir, pages, title, cover, langue), target)
    return target


def _render(site_dir: Path, source: str, target: Path):
    """WeasyPrint makes ``target`` from the document ``source``; returns the fetcher it used."""
    from weasyprint import HTML

    target.parent.mkdir(parents=True, exist_ok=True)
    fetcher = site_only_fetcher(site_dir)
    HTML(string=source, base_url=site_dir.resolve().as_uri() + "/",
         url_fetcher=fetcher, media_type="print").write_pdf(target, **PDF_OPTIONS)
    if fetcher.refused:
        raise RuntimeError(f"{target.name} : URL refusées {sorted(set(fetcher.refused))}")
    return fetcher


# --------------------------------------------------------------------------- the set

def plan(site_dir: Path, menu_order: list[str] | None = None,
         langues: tuple[str, ...] = (LANGUE_PAR_DEFAUT,)) -> list[tuple[str, list[str], str, bool, str]]:
    """What to print: (target, source pages, title, cover, language) for every PDF."""
    if menu_order:
        order = list(menu_order)
    else:  # no menu recorded: every French page, in path order
        order = sorted(str(p.relative_to(site_dir).with_suffix(".md")).replace(os.sep, "/")
                       for p in site_dir.rglob("*.html")
                       if p.relative_to(site_dir).parts[0] not in {"ar", "tr", "en", "assets"})
    sheets = [src for src in order if src.startswith("ateliers/") and src.count("/") == 1
              and src != "ateliers/index.md"]
    tutorials = [src for src in order if src.startswith("tutoriels/")]
    jobs: list[tuple[str, list[str], str, bool, str]] = []
    for langue in langues:
        for src in sheets:
            slug = src.split("/")[1][: -len(".md")]
            jobs.append((sheet_pdf_path(slug, langue), [src], "", False, langue))
        if sheets:
            jobs.append((sheets_pack(langue), sheets, texte(langue, "ateliers"), True, langue))
        if tutorials:
            jobs.append((tutorials_pack(langue), tutorials, texte(langue, "tutoriels"), True, langue))
    return jobs


def _document(site_dir: Path, job: tuple[str, list[str], str, bool, str]) -> str:
    """The printable document of one planned PDF, from the pages built in its language."""
    target, sources, title, cover, langue = job
    root = site_dir if langue == LANGUE_PAR_DEFAUT else site_dir / langue
    pages = [built_html(root, src) for src in sources]
    if not title:
        title = page_title(pages[0].read_text(encoding="utf-8")) or Path(target).stem
    return document(site_dir, pages, title, cover, langue)


def _run(job: tuple[str, str, str, str | None, str]) -> str:
    """Make one PDF (in a worker process) and store it in the cache when there is one."""
    site, target, source, cache, key = job
    site_dir = Path(site)
    fetcher = _render(site_dir, source, site_dir / target)
    if cache:
        from famnum.site import cache_pdf

        cache_pdf.ranger(Path(cache), key, site_dir / target, cache_pdf.dependances(site_dir, fetcher.read))
    return target


def build_all(site_dir: Path, menu_order: list[str] | None = None,
              workers: int | None = None, cache: Path | None = None,
              langues: tuple[str, ...] = (LANGUE_PAR_DEFAUT,)) -> dict:
    """Write every PDF under ``site_dir/pdf``, in each of ``langues``. With a ``cache`` folder
    (``famnum.site.cache_pdf``), a PDF whose document and files are unchanged is copied from there
    instead of made again. Returns the files (``fichiers``), those copied (``repris``) and the
    seconds taken."""
    from famnum.site import cache_pdf

    started = time.perf_counter()
    site_uri = site_dir.resolve().as_uri() + "/"
    jobs, repris = [], []
    for job in plan(site_dir, menu_order, langues):
        source = _document(site_dir, job)
        key = cache_pdf.cle(source, site_uri, repr(sorted(PDF_OPTIONS.items()))) if cache else ""
        if cache and cache_pdf.reprendre(cache, key, site_dir, site_dir / job[0]):
            repris.append(job[0])
        else:
            jobs.append((str(site_dir), job[0], source, str(cache) if cache else None, key))
    # The packs are the longest jobs: start them first.
    jobs.sort(key=lambda job: -len(job[2]))
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            made = list(pool.map(_run, jobs))
    else:
        made = [_run(job) for job in jobs]
    if cache:
        caches.elaguer(cache)
    return {"fichiers": repris + made, "repris": repris, "secondes": time.perf_counter() - started}
