"""Markdown tables made readable on a phone.

A table of three or four text columns squeezed into 360 px breaks its words letter by letter
(« Temp|s », « l'informatio|n »). On a narrow screen the stylesheet shows each row of such a table
as a card, each cell under its column's title; the titles come from `data-label`, written here on
every cell at build time (the page stays plain HTML, no script). A header row whose cells are all
empty (a two-column key/value table written in Markdown) is dropped: it is an empty row on paper
and announces nothing to a screen reader. A cell with no letter at all (a dotted line to fill in
on paper) may wrap anywhere: it is the one kind of cell whose breaking hides no word. The rows and the
table are written by the macros of the template `gabarits/site/tableaux.html`.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup

from ..gabarits import macros

GABARIT = "site/tableaux.html"  # the template whose macros write what this module adds

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_THEAD = re.compile(r"\s*<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TD = re.compile(r"<td\b([^>]*)>(.*?)</td>", re.S)
_TAG = re.compile(r"<[^>]+>")
_LETTRE = re.compile(r"[^\W\d_]")


def _moteur(html_du_moteur: str) -> Markup:
    """HTML the engine wrote (part of a built page), kept as it is: never a value from a person."""
    return Markup(html_du_moteur)


def preparer(page_html: str) -> str:
    """Every Markdown table of a page: empty header rows dropped, cells labelled for the cards."""
    return _TABLE.sub(_preparer_table, page_html)


def _texte(cellule: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", cellule)).split())


def _preparer_table(trouve: re.Match) -> str:
    corps = trouve.group(1)
    entete = _THEAD.search(corps)
    titres = [_texte(t) for t in _TH.findall(entete.group(1))] if entete else []
    if entete and not any(titres):
        corps, titres = corps[:entete.start()] + corps[entete.end():], []
    cartes = len(titres) >= 3
    corps = _ROW.sub(lambda rangee: _preparer_rangee(rangee, titres if cartes else []), corps)
    return macros(GABARIT).table(cartes, _moteur(corps))


def _preparer_rangee(rangee: re.Match, titres: list[str]) -> str:
    """A row, each cell given (the engine's HTML before it, its attributes, its column's title, to fill in,
    its content)."""
    colonne, interieur, debut, cellules = iter(titres), rangee.group(1), 0, []
    for td in _TD.finditer(interieur):
        attributs, contenu = td.group(1), td.group(2)
        texte = _texte(contenu)
        a_remplir = bool(texte) and not _LETTRE.search(texte) and "class=" not in attributs
        cellules.append((_moteur(interieur[debut:td.start()]), _moteur(attributs), next(colonne, ""), a_remplir,
                         _moteur(contenu)))
        debut = td.end()
    return macros(GABARIT).rangee(cellules, _moteur(interieur[debut:]))
