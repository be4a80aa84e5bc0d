"""Markdown tables made readable on a phone.

A table of three or four text columns squeezed into 360 px breaks its words letter by letter
(« Temp|s », « l'informatio|n »). On a narrow screen the stylesheet shows each row of such a table
as a card, each cell under its column's title; the titles come from `data-label`, written here on
every cell at build time (the page stays plain HTML, no script). A header row whose cells are all
empty (a two-column key/value table written in Markdown) is dropped: it is an empty row on paper
and announces nothing to a screen reader. A cell with no letter at all (a dotted line to fill in
on paper) may wrap anywhere: it is the one kind of cell whose breaking hides no word.
"""
from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_THEAD = re.compile(r"\s*<thead>(.*?)</thead>", re.S)
_TH = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_TD = re.compile(r"<td\b([^>]*)>(.*?)</td>", re.S)
_TAG = re.compile(r"<[^>]+>")
_LETTRE = re.compile(r"[^\W\d_]")


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
    return f"<table{' data-famnum-cartes' if cartes else ''}>{corps}</table>"


def _preparer_rangee(rangee: re.Match, titres: list[str]) -> str:
    colonne = iter(titres)

    def cellule(td: re.Match) -> str:
        attributs, contenu = td.group(1), td.group(2)
        titre = next(colonne, "")
        if titre:
            attributs += f' data-label="{html.escape(titre, quote=True)}"'
        texte = _texte(contenu)
        if texte and not _LETTRE.search(texte) and "class=" not in attributs:
            attributs += ' class="famnum-a-remplir"'
        return f"<td{attributs}>{contenu}</td>"

    return f"<tr>{_TD.sub(cellule, rangee.group(1))}</tr>"
