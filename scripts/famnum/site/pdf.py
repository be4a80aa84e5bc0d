"""Printable PDFs of the site, made with WeasyPrint from the built French pages.

After ``mkdocs build`` (hook ``on_post_build``), from ``site/``:

- each workshop sheet ``ateliers/<slug>.html`` → ``pdf/ateliers/<slug>.pdf``;
- every workshop sheet in one file → ``pdf/ateliers-famnum.pdf``;
- the whole French curriculum, level after level, in menu order → ``pdf/tutoriels-famnum.pdf``.

Each PDF is the page's article (``<article>``: no header, menu, search or footer) with
the page's own stylesheets in print media (``famnum.css`` holds the ``@media print``
rules: A4, margins, external links written out). WeasyPrint reads only files under
``site/``: :class:`SiteOnlyFetcher` refuses any other URL, so a PDF never triggers a
network request. Internal links have no meaning on paper: they are kept as text. The PDFs
are tagged (PDF/UA-1: headings, lists, tables, language, title for screen readers).
"""

from __future__ import annotations

import html as html_lib
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

PDF_DIR = "pdf"
TUTORIALS_PACK = "pdf/tutoriels-famnum.pdf"
SHEETS_PACK = "pdf/ateliers-famnum.pdf"
PACK_TITLES = {
    TUTORIALS_PACK: "Les tutoriels Famnum : apprendre le numérique en famille",
    SHEETS_PACK: "Les fiches d'atelier Famnum pour les CLAS",
}


def sheet_pdf_path(slug: str) -> str:
    """Site-relative path of a workshop sheet's PDF."""
    return f"{PDF_DIR}/ateliers/{slug}.pdf"


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


def _article(page_html: str) -> str:
    match = ARTICLE_RE.search(page_html)
    body = match.group(1) if match else page_html
    return PDF_LINK_RE.sub("", body)


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
            return f'href="#{prefix}{value[1:]}"'
        if re.match(r"^[a-z][a-z0-9+.-]*:", value):  # http:, mailto:, data:, tel:
            return match.group(0)
        absolute = urljoin(page_uri, value)
        if attr == "src":
            return f'src="{html_lib.escape(absolute)}"'
        target, _, fragment = absolute.partition("#")
        if target in anchors:
            return f'href="#{anchors[target]}{fragment}"' if fragment else \
                f'href="#{anchors[target]}top"'
        if target.startswith(site_uri) and not target.endswith(".html"):
            return f'href="{html_lib.escape(absolute)}"'  # a file of the site (PDF, image)
        return 'data-famnum-lien="interne"'

    body = ATTR_URL_RE.sub(url, body)
    body = ID_RE.sub(lambda m: f'id="{prefix}{m.group(1)}"', body)
    # Links to pages that are not in this document: keep the words, drop the link.
    return ANCHOR_RE.sub(
        lambda m: f"<span>{m.group(2)}</span>" if 'data-famnum-lien="interne"' in m.group(1)
        else m.group(0), body)


def document(site_dir: Path, pages: list[Path], title: str, cover: bool) -> str:
    """One printable HTML document made of the articles of ``pages``."""
    site_uri = site_dir.resolve().as_uri() + "/"
    uris = [page.resolve().as_uri() for page in pages]
    anchors = {uri: f"p{index}-" for index, uri in enumerate(uris)}
    sources = [page.read_text(encoding="utf-8") for page in pages]
    sheets = _stylesheets(sources[0], uris[0]) if sources else []
    parts = []
    if cover:
        items = "".join(f'<li><a href="#p{index}-top">{html_lib.escape(page_title(text))}</a></li>'
                        for index, text in enumerate(sources))
        parts.append(f'<section class="famnum-couverture"><h1>{html_lib.escape(title)}</h1>'
                     f'<p>Sommaire</p><ol>{items}</ol></section>')
    for index, (uri, text) in enumerate(zip(uris, sources)):
        body = _rewrite(_article(text), uri, site_uri, f"p{index}-", anchors)
        parts.append(f'<section class="famnum-pdf-page" id="p{index}-top">{body}</section>')
    links = "".join(f'<link rel="stylesheet" href="{html_lib.escape(href)}">' for href in sheets)
    return (f'<!doctype html><html lang="fr" dir="ltr"><head><meta charset="utf-8">'
            f"<title>{html_lib.escape(title)}</title>{links}</head>"
            f'<body class="famnum-pdf-doc"><div class="md-content" data-md-component="content">'
            f'<div class="md-typeset">{"".join(parts)}</div></div></body></html>')


PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}  # tagged PDF: structure for screen readers


def write_pdf(site_dir: Path, pages: list[Path], target: Path, title: str,
              cover: bool = False) -> Path:
    _render(site_dir, document(site_dir, pages, title, cover), target)
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

def plan(site_dir: Path, menu_order: list[str] | None = None) -> list[tuple[str, list[str], str, bool]]:
    """What to print: (target, source pages, title, cover) for every PDF."""
    if menu_order:
        order = list(menu_order)
    else:  # no menu recorded: every French page, in path order
        order = sorted(str(p.relative_to(site_dir).with_suffix(".md")).replace(os.sep, "/")
                       for p in site_dir.rglob("*.html")
                       if p.relative_to(site_dir).parts[0] not in {"ar", "tr", "en", "assets"})
    sheets = [src for src in order if src.startswith("ateliers/") and src.count("/") == 1
              and src != "ateliers/index.md"]
    tutorials = [src for src in order if src.startswith("tutoriels/")]
    jobs: list[tuple[str, list[str], str, bool]] = []
    for src in sheets:
        slug = src.split("/")[1][: -len(".md")]
        jobs.append((sheet_pdf_path(slug), [src], "", False))
    if sheets:
        jobs.append((SHEETS_PACK, sheets, PACK_TITLES[SHEETS_PACK], True))
    if tutorials:
        jobs.append((TUTORIALS_PACK, tutorials, PACK_TITLES[TUTORIALS_PACK], True))
    return jobs


def _document(site_dir: Path, job: tuple[str, list[str], str, bool]) -> str:
    """The printable document of one planned PDF."""
    target, sources, title, cover = job
    pages = [built_html(site_dir, src) for src in sources]
    if not title:
        title = page_title(pages[0].read_text(encoding="utf-8")) or Path(target).stem
    return document(site_dir, pages, title, cover)


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
              workers: int | None = None, cache: Path | None = None) -> dict:
    """Write every PDF under ``site_dir/pdf``. With a ``cache`` folder (``famnum.site.cache_pdf``),
    a PDF whose document and files are unchanged is copied from there instead of made again.
    Returns the files (``fichiers``), those copied (``repris``) and the seconds taken."""
    from famnum.site import cache_pdf

    started = time.perf_counter()
    site_uri = site_dir.resolve().as_uri() + "/"
    jobs, repris = [], []
    for job in plan(site_dir, menu_order):
        source = _document(site_dir, job)
        key = cache_pdf.cle(source, site_uri, repr(sorted(PDF_OPTIONS.items()))) if cache else ""
        if cache and cache_pdf.reprendre(cache, key, site_dir, site_dir / job[0]):
            repris.append(job[0])
        else:
            jobs.append((str(site_dir), job[0], source, str(cache) if cache else None, key))
    # The two packs are the longest jobs: start them first.
    jobs.sort(key=lambda job: -len(job[2]))
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            made = list(pool.map(_run, jobs))
    else:
        made = [_run(job) for job in jobs]
    if cache:
        cache_pdf.elaguer(cache)
    return {"fichiers": repris + made, "repris": repris, "secondes": time.perf_counter() - started}
