"""famnum's own step after the engine: the built pages of every language, finished the same way
whichever engine built them (issue 17).

On each HTML page of the assembled site (French at the root, the other languages under
``<langue>/``):

- task-list checkboxes get a label, and tables are prepared for phones (``tableaux``);
- a right-to-left page says so on ``<html>`` (the theme only sets it on ``<body>``) and every run
  of digits or Latin text is put in a left-to-right isolate (``bidi``);
- the footer's accessibility link (``famnum:accessibilite`` in the copyright) points to the
  statement in the page's language;
- the head's ``<link rel="alternate">`` are left out (the theme fetched a ``sitemap.xml`` beside
  each: ``leger``), and the language menu links to the same page in each language, which exists
  in every language since an untranslated page is shown in French;
- a section's index page keeps its table of contents' title without a label for no control;
- one 404 page, in French, at the root, with absolute links.

What this step writes comes from the macros of the template ``gabarits/site/finition.html``.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from markupsafe import Markup, escape

from ..gabarits import macros
from . import bidi, leger, tableaux
from .generation import LANGUE_SOURCE, lien_relatif

GABARIT = "site/finition.html"  # the template whose macros write what this module adds

# pymdownx.tasklist writes bare, disabled checkboxes: no accessible name (axe "label").
# Wrap each with its text in a <label>, and let parents tick their own checklist.
TASK_RE = re.compile(r'<input type="checkbox" disabled(?:="disabled")?\s*/?>'
                     r'((?:(?!</li>|</p>|<ul|<ol|<label).)*)', re.DOTALL)
HTML_TAG_RE = re.compile(r"<html\b([^>]*)>")
TOC_LABEL_RE = re.compile(r'<label class="md-nav__title" for="__toc">(.*?)</label>', re.S)
MENU_LANGUES_RE = re.compile(r'(<a\b[^>]*?\bhref=")[^"]*("[^>]*?\bhreflang="([a-z]{2,3})")')
ACCESSIBILITE = 'href="famnum:accessibilite"'


def _moteur(html: str) -> Markup:
    """HTML the engine wrote (a match in a built page), put back as it is: never a value from a person."""
    return Markup(html)


def label_tasks(html: str) -> str:
    return TASK_RE.sub(lambda m: macros(GABARIT).case(_moteur(m.group(1))), html)


def toc_sans_case(output: str) -> str:
    """On a section's index page the theme writes the table of contents' title as a <label> for the
    `__toc` checkbox it leaves out there: a label for no control (invalid HTML). Keep the title, as
    a plain block, when the checkbox is missing."""
    if 'id="__toc"' in output:
        return output
    return TOC_LABEL_RE.sub(lambda m: macros(GABARIT).titre_sommaire(_moteur(m.group(1))), output)


def droite_a_gauche(html: str) -> str:
    html = HTML_TAG_RE.sub(lambda m: m.group(0) if "dir=" in m.group(1) else macros(GABARIT).html_rtl(_moteur(m.group(1))),
                           html, count=1)
    return bidi.isoler(html)


def menu_des_langues(html: str, url: str, dans_la_langue: str, langues: tuple[str, ...]) -> str:
    """The language menu's links: the same page (``dans_la_langue``, from its language's root) in
    each language, relative to the page at ``url``."""
    def lien(match: re.Match[str]) -> str:
        code = match.group(3)
        if code not in langues:
            return match.group(0)
        cible = dans_la_langue if code == LANGUE_SOURCE else f"{code}/{dans_la_langue}"
        # escaped as the environment escapes a value (str: a Markup here would escape the engine's HTML around it)
        return match.group(1) + str(escape(lien_relatif(cible, url))) + match.group(2)

    return MENU_LANGUES_RE.sub(lien, html)


def finir_page(html: str, url: str, langues: tuple[str, ...]) -> str:
    """One built page (``url``: its path from the site's root), finished."""
    premier = url.split("/", 1)[0]
    code = premier if premier in langues and "/" in url else LANGUE_SOURCE
    dans_la_langue = url if code == LANGUE_SOURCE else url.split("/", 1)[1]
    html = tableaux.preparer(label_tasks(html))
    if code in bidi.LANGUES_RTL:
        html = droite_a_gauche(html)
    declaration = lien_relatif(f"{'' if code == LANGUE_SOURCE else code + '/'}accessibilite.html", url)
    html = html.replace(ACCESSIBILITE, macros(GABARIT).lien(declaration))
    html = menu_des_langues(leger.sans_sitemap_des_langues(html), url, dans_la_langue, langues)
    return toc_sans_case(html)


def finir_404(html: str, langues: tuple[str, ...]) -> str:
    """The root 404 page: its links are absolute (it is served at any depth)."""
    html = leger.sans_sitemap_des_langues(html)
    html = MENU_LANGUES_RE.sub(lambda m: m.group(1) + ("/" if m.group(3) == LANGUE_SOURCE else f"/{m.group(3)}/")
                               + "index.html" + m.group(2) if m.group(3) in langues else m.group(0), html)
    return html.replace(ACCESSIBILITE, macros(GABARIT).lien("/accessibilite.html"))


def _finir_fichier(travail: tuple[str, str, tuple[str, ...]]) -> None:
    chemin, url, langues = travail
    fichier = Path(chemin)
    html = fichier.read_text(encoding="utf-8")
    fini = finir_404(html, langues) if url == "404.html" else finir_page(html, url, langues)
    if fini != html:  # a new file in its place: the engine's own (hard-linked) is kept for the next build
        temporaire = fichier.with_name(f".{fichier.name}.famnum")
        temporaire.write_text(fini, encoding="utf-8")
        os.replace(temporaire, fichier)


def finir(site_dir: Path, langues: tuple[str, ...]) -> int:
    """Finish every page of the assembled site; return how many. A language's own 404 page is
    removed: the root one serves the whole site."""
    for code in langues:
        (site_dir / code / "404.html").unlink(missing_ok=True)
    travaux = [(str(chemin), chemin.relative_to(site_dir).as_posix(), langues)
               for chemin in sorted(site_dir.rglob("*.html"))]
    with ProcessPoolExecutor() as pool:  # bidi's HTML parser is pure Python: use every core
        list(pool.map(_finir_fichier, travaux, chunksize=16))
    return len(travaux)
