"""Bringing the catalogs of famnum.site.libelles up to date: ``python -m famnum.site.extraction``.

The texts come from two places: what the code passes to ``t("…")`` or marks ``N_("…")`` (Babel's
extractor), and what the markers look up when they render the site's pages in French from the
territory's data files and a published package (labels of indicators, of the grid, of the schema).
A new text is added untranslated, a text no page uses any more is removed, translations are kept.
Apart from famnum.site.libelles so that the markers, which use the catalogs, are not imported by them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from collections.abc import Mapping

from ..erreurs import a_faire
from .generation import charger_marqueurs, config_du_site
from .libelles import DOSSIER, SOURCE, catalogue, enregistrer


def langues_du_site(config: Mapping[str, Any]) -> list[str]:
    """The languages of mkdocs.yml's i18n plugin other than French."""
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return [l["locale"] for l in plugin["i18n"].get("languages", []) if l.get("locale") != SOURCE]
    return []


FICHIERS_SOURCES = ("site/evaluation.py", "site/graphiques.py", "site/registre.py", "site/marqueurs.py", "attribution/site.py")


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

    from .marqueurs import MARQUEURS

    charger_marqueurs()

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
    from babel.messages.pofile import read_po

    bilan = {}
    DOSSIER.mkdir(exist_ok=True)
    for code in codes:
        chemin = DOSSIER / f"{code}.po"
        ancien = None
        if chemin.is_file():
            with chemin.open("rb") as flux:
                ancien = read_po(flux, locale=code)
        anciens = {m.id: m for m in ancien or () if m.id}
        _ecrire_si_change(chemin, _catalogue(code, textes, anciens, ancien), ancien)
        bilan[code] = (len(textes), sum(1 for t in textes if not (anciens.get(t) and anciens[t].string)))
    catalogue.cache_clear()
    return bilan


def _catalogue(code: str, textes: list[str], anciens: dict, ancien):
    from babel.messages.catalog import Catalog

    dates = {"creation_date": ancien.creation_date, "revision_date": ancien.revision_date} if ancien else {}
    nouveau = Catalog(locale=code, project="famnum", domain="famnum", fuzzy=False, **dates,
                      header_comment=f"# The texts famnum's code writes on the site's pages, in {code}.\n"
                                     "# Updated by « python -m famnum.site.extraction »; translate the empty msgstr.",
                      version="1", copyright_holder="famnum", msgid_bugs_address="tickets du projet famnum",
                      last_translator="équipe famnum", language_team=f"famnum {code}")
    for texte in textes:
        avant = anciens.get(texte)
        nouveau.add(texte, avant.string if avant else "", flags=avant.flags if avant else ())
    return nouveau


def _ecrire_si_change(chemin: Path, nouveau, ancien) -> None:
    """Rewrite the catalog only when a text or a translation changed, and only then date the revision:
    running the extraction twice leaves git with nothing to show."""
    import datetime
    import io

    from babel.messages.pofile import write_po

    def rendu() -> bytes:
        flux = io.BytesIO()
        write_po(flux, nouveau, width=100, omit_header=False, sort_output=False)
        return flux.getvalue()

    texte = rendu()
    if chemin.is_file() and texte == chemin.read_bytes():
        return
    if ancien is not None:
        nouveau.revision_date = datetime.datetime.now(datetime.UTC)
        texte = rendu()
    chemin.write_bytes(texte)


def main(argv: list[str] | None = None) -> int:
    """Bring the catalogs up to date from the code and the pages of the territory in the current folder."""
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m famnum.site.extraction", description=__doc__.split("\n\n")[0])
    parser.add_argument("--public", type=Path, default=Path("build/public"),
                        help="le paquet publié dont les pages tirent leurs libellés (défaut : build/public)")
    args = parser.parse_args(argv)
    racine = Path.cwd()
    if not (args.public / "datapackage.json").is_file():
        print(f"{args.public}/datapackage.json introuvable : les libellés des pages d'évaluation viennent du paquet "
              "publié. " + a_faire("lancez « famnum demo » ou « famnum publier », ou donnez --public DOSSIER."))
        return 1
    with tempfile.TemporaryDirectory() as site_dir:
        textes = dict.fromkeys([*textes_des_pages(racine, args.public, Path(site_dir)),
                                *textes_des_pages(racine, None, Path(site_dir)), *textes_du_code()])
    for code, (total, manquants) in mettre_a_jour(list(textes), langues_du_site(config_du_site(racine))).items():
        print(f"{DOSSIER / (code + '.po')} : {total} textes, dont {manquants} à traduire")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
