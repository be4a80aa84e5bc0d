"""The words famnum writes into pages from data (charts, tables of figures, the attribution grid,
the processing register, the contacts), in the language of the page being built.

French is the source language: every such text is written in French, in the code or in a data
file (``data/indicateurs.yaml``, ``data/attribution.yaml``…), and looked up in a gettext catalog,
``scripts/famnum/site/libelles/<langue>.po``, read with Babel. A text with no translation yet is
shown in French, as a page with no translation is. The catalog's keys are the French texts
themselves, so a translator reads the French sentence and writes theirs (Poedit, Weblate or a
text editor); placeholders in braces (``{familles}``) stay as they are.

``python -m famnum.site.extraction`` renders every marker of the site in French and brings the
catalogs up to date: a new text is added untranslated, a text no page uses any more is removed,
translations are kept. ``tests/test_site_libelles.py`` fails when a text of the pages has no
translation in a complete language.
"""
from __future__ import annotations

import functools
import string
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from collections.abc import Iterator, Mapping

DOSSIER = Path(__file__).with_name("libelles")
SOURCE = "fr"
# The recording of the texts used, while the catalogs are brought up to date (None otherwise).
_utilises: dict[str, None] | None = None


def langue(config: Mapping[str, Any] | None) -> str:
    """The language of the pages being built (the theme's, in each language's generated config)."""
    theme = (config or {}).get("theme") if config is not None else None
    valeur = theme.get("language") if theme is not None else None
    return str(valeur or SOURCE)


@functools.cache
def catalogue(code: str) -> dict[str, str]:
    """French text → its translation, for the translated, non-fuzzy entries of ``<code>.po``."""
    chemin = DOSSIER / f"{code}.po"
    if code == SOURCE or not chemin.is_file():
        return {}
    from babel.messages.pofile import read_po

    with chemin.open("rb") as flux:
        lus = read_po(flux, locale=code)
    return {m.id: m.string for m in lus if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def N_(texte: str) -> str:
    """Marks a French text written in a constant for the catalogs (gettext's ``N_``): it is
    translated where it is shown, with ``t.brut``."""
    return texte


def champs(texte: str) -> set[str]:
    """The names of the placeholders of a text (``{familles}`` → ``familles``)."""
    return {nom for _, nom, _, _ in string.Formatter().parse(texte) if nom}


class Libelles:
    """``t = Libelles("ar")``, then ``t("Chiffres au {date}", date=…)``: the text in that language,
    placeholders filled. ``t.brut(texte)`` translates a text that is not a format string (a label
    read from a data file, which may hold braces of its own)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def brut(self, texte: str) -> str:
        if not texte:
            return texte
        if _utilises is not None:
            _utilises.setdefault(texte)
        return catalogue(self.code).get(texte, texte)

    def __call__(self, texte: str, **valeurs: Any) -> str:
        traduit = self.brut(texte)
        return traduit.format(**valeurs) if valeurs else traduit

    # Numbers and dates the way the language writes them (CLDR, through Babel), in Latin digits
    # like the phone numbers and addresses of the same pages.
    def decimal(self, valeur: float | str) -> str:
        from babel.numbers import format_decimal

        return format_decimal(float(valeur), locale=self.code, numbering_system="latn", group_separator=False)

    def pourcent(self, valeur: float | str, decimales: bool = True) -> str:
        """A share already in percent (42.5 → « 42,5 % »); `decimales` False rounds it to a whole."""
        from decimal import Decimal

        from babel.numbers import format_percent

        part = Decimal(str(valeur)) / 100  # exact: 90.6 / 100 as a float prints « 90,59999999999999 % »
        return format_percent(part if decimales else round(part, 2), locale=self.code, numbering_system="latn",
                              decimal_quantization=not decimales)

    def date(self, iso: str) -> str:
        """« 2026-11-23 » → « 23 novembre 2026 », « 23 Kasım 2026 »…"""
        from babel.dates import format_date
        from datetime import date

        return format_date(date.fromisoformat(iso), format="long", locale=self.code)


FRANCAIS = Libelles(SOURCE)


def pour(config: Mapping[str, Any] | None) -> Libelles:
    return Libelles(langue(config))


@contextmanager
def enregistrer() -> Iterator[dict[str, None]]:
    """Record, in order of first use, every text looked up inside the ``with`` block."""
    global _utilises
    precedent, _utilises = _utilises, {}
    try:
        yield _utilises
    finally:
        _utilises = precedent
