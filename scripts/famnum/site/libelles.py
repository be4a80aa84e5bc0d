"""The words famnum writes into pages from data (charts, tables of figures, the attribution grid,
the processing register, the contacts), in the language of the page being built.

French is the source language: every such text is written in French, in the code or in a data
file (``data/indicateurs.yaml``, ``data/attribution.yaml``…), and looked up in a gettext catalog,
``scripts/famnum/site/libelles/<langue>.po``, read with Babel. A text with no translation yet is
shown in French, as a page with no translation is. The catalog's keys are the French texts
themselves, so a translator reads the French sentence and writes theirs (Poedit, Weblate or a
text editor); placeholders in braces (``{familles}``) stay as they are.

``python -m famnum.site.libelles`` renders every marker of the site in French and brings the
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
    """The language of the pages being built (mkdocs-static-i18n sets the theme's per language)."""
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


def config_du_site(racine: Path) -> dict:
    """mkdocs.yml as mkdocs reads it (its ``!ENV`` and ``!!python/name`` tags)."""
    from mkdocs.utils import yaml_load

    with (racine / "mkdocs.yml").open(encoding="utf-8") as flux:
        return yaml_load(flux) or {}


def langues_du_site(config: Mapping[str, Any]) -> list[str]:
    """The languages of mkdocs.yml's i18n plugin other than French."""
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return [l["locale"] for l in plugin["i18n"].get("languages", []) if l.get("locale") != SOURCE]
    return []


FICHIERS_SOURCES = ("site/evaluation.py", "site/registre.py", "site/marqueurs.py", "attribution/site.py")


def textes_du_code() -> list[str]:
    """The texts the code passes to ``t("…")`` or marks ``N_("…")`` (Babel's extractor)."""
    from babel.messages.extract import extract_from_file

    paquet = Path(__file__).resolve().parents[1]
    textes: dict[str, None] = {}
    for relatif in FICHIERS_SOURCES:
        for _, message, _, _ in extract_from_file("python", paquet / relatif, keywords={"t": None, "N_": None}):
            if isinstance(message, str) and message:
                textes.setdefault(message)
    return list(textes)


def textes_des_pages(racine: Path, public: Path | None, site_dir: Path) -> list[str]:
    """Every text the markers look up when they render the site's pages in French from the territory's
    files and the package in `public` (None: the pages of a territory with nothing published yet)."""
    import os

    from . import hooks  # noqa: F401  (registers every marker)
    from .marqueurs import MARQUEURS

    config = config_du_site(racine)
    config = {**config, "config_file_path": str(racine / "mkdocs.yml"), "docs_dir": str(racine / "content"),
              "site_dir": str(site_dir), "theme": {"language": SOURCE}}
    avant = os.environ.get("FAMNUM_PUBLIC")
    os.environ["FAMNUM_PUBLIC"] = str(public or site_dir / "aucun-paquet")
    try:
        with enregistrer() as utilises:
            for rendu in MARQUEURS.values():
                rendu(config)
    finally:
        os.environ.pop("FAMNUM_PUBLIC", None) if avant is None else os.environ.__setitem__("FAMNUM_PUBLIC", avant)
    return list(utilises)


def mettre_a_jour(textes: list[str], codes: list[str]) -> dict[str, tuple[int, int]]:
    """Write each ``<code>.po`` with exactly ``textes``: translations kept, new texts empty,
    unused ones dropped. Returns code → (texts, of which untranslated)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    bilan = {}
    DOSSIER.mkdir(exist_ok=True)
    for code in codes:
        chemin = DOSSIER / f"{code}.po"
        anciens = {}
        if chemin.is_file():
            with chemin.open("rb") as flux:
                anciens = {m.id: m for m in read_po(flux, locale=code) if m.id}
        nouveau = Catalog(locale=code, project="famnum", domain="famnum", fuzzy=False)
        for texte in textes:
            ancien = anciens.get(texte)
            nouveau.add(texte, ancien.string if ancien else "", flags=ancien.flags if ancien else ())
        with chemin.open("wb") as flux:
            write_po(flux, nouveau, width=100, omit_header=False, sort_output=False)
        bilan[code] = (len(textes), sum(1 for t in textes if not (anciens.get(t) and anciens[t].string)))
    catalogue.cache_clear()
    return bilan


def main(argv: list[str] | None = None) -> int:
    """Bring the catalogs up to date from the code and the pages of the territory in the current folder."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m famnum.site.libelles", description=__doc__.split("\n\n")[0])
    parser.add_argument("--public", type=Path, default=Path("build/public"),
                        help="le paquet publié dont les pages tirent leurs libellés (défaut : build/public)")
    args = parser.parse_args(argv)
    racine = Path.cwd()
    if not (args.public / "datapackage.json").is_file():
        print(f"{args.public}/datapackage.json introuvable : les libellés des pages d'évaluation viennent du paquet "
              "publié. À faire : lancez « famnum demo » ou « famnum publier », ou donnez --public DOSSIER.")
        return 1
    with tempfile.TemporaryDirectory() as site_dir:
        textes = dict.fromkeys([*textes_des_pages(racine, args.public, Path(site_dir)),
                                *textes_des_pages(racine, None, Path(site_dir)), *textes_du_code()])
    for code, (total, manquants) in mettre_a_jour(list(textes), langues_du_site(config_du_site(racine))).items():
        print(f"{DOSSIER / (code + '.po')} : {total} textes, dont {manquants} à traduire")
    return 0


if __name__ == "__main__":
    # The markers look texts up through the imported module, not this __main__ copy of it.
    from famnum.site.libelles import main as principal

    raise SystemExit(principal())
