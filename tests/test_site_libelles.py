"""The words the site generates from data (charts, tables, the grid, the register, the contacts) are in
the page's language: the catalogs of famnum.site.libelles know every text the pages use, complete
languages translate each of them with the same placeholders, and a page rendered in such a language
holds no French sentence that has a translation."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from famnum.site import extraction, libelles
from famnum.site.marqueurs import MARQUEURS

RACINE = Path(__file__).resolve().parents[1]
LANGUES_COMPLETES = ("ar", "tr", "en")


def entrees(code: str) -> dict[str, str]:
    with (libelles.DOSSIER / f"{code}.po").open("rb") as flux:
        return {m.id: m.string for m in read_po(flux, locale=code) if m.id}


@pytest.fixture(scope="module")
def paquet(tmp_path_factory) -> Path:
    from annee_fictive import paquet_de_test

    return paquet_de_test(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def textes(paquet, tmp_path_factory) -> list[str]:
    site = tmp_path_factory.mktemp("site")
    return list(dict.fromkeys([*extraction.textes_des_pages(RACINE, paquet, site),
                               *extraction.textes_des_pages(RACINE, None, site), *extraction.textes_du_code()]))


def test_les_langues_du_site_ont_chacune_un_catalogue():
    langues = extraction.langues_du_site(extraction.config_du_site(RACINE))
    assert set(langues) == {"ar", "tr", "en"}
    assert all((libelles.DOSSIER / f"{code}.po").is_file() for code in langues)


@pytest.mark.parametrize("code", ["ar", "tr", "en"])
def test_chaque_texte_des_pages_est_dans_le_catalogue(textes, code):
    catalogue = entrees(code)
    absents = [texte for texte in textes if texte not in catalogue]
    assert not absents, (f"{len(absents)} textes manquent à {code}.po : lancez « python -m famnum.site.extraction » "
                         f"puis traduisez-les. Les premiers : {absents[:5]}")


@pytest.mark.parametrize("code", ["ar", "tr", "en"])
def test_une_traduction_garde_les_champs_du_texte_francais(code):
    faux = {source: traduit for source, traduit in entrees(code).items()
            if traduit and libelles.champs(source) != libelles.champs(traduit)}
    assert not faux, faux


@pytest.mark.parametrize("code", LANGUES_COMPLETES)
def test_une_langue_complete_traduit_chaque_texte(code):
    vides = [source for source, traduit in entrees(code).items() if not traduit.strip()]
    assert not vides, f"{len(vides)} textes sans traduction dans {code}.po : {vides[:5]}"


def rendre_tout(code: str, paquet: Path, site: Path, monkeypatch) -> str:
    from famnum.site.generation import charger_marqueurs

    charger_marqueurs()
    monkeypatch.setenv("FAMNUM_PUBLIC", str(paquet))
    config = {**extraction.config_du_site(RACINE), "config_file_path": str(RACINE / "mkdocs.yml"),
              "docs_dir": str(RACINE / "content"), "site_dir": str(site), "theme": {"language": code}}
    return "\n".join(rendu(config) for rendu in MARQUEURS.values())


def test_une_page_rendue_dans_une_langue_complete_n_a_plus_de_phrase_francaise(paquet, tmp_path, monkeypatch):
    # Every text goes through the same lookup whatever the language: one language proves the wiring
    # (the others' catalogs are checked complete above). Arabic, the one that reads right to left.
    code = "ar"
    rendu = rendre_tout(code, paquet, tmp_path, monkeypatch)
    phrases = [source for source, traduit in entrees(code).items()
               if len(source) > 25 and traduit != source and not libelles.champs(source) and source in rendu]
    assert not phrases, phrases[:5]


def test_le_francais_reste_le_texte_source(paquet, tmp_path, monkeypatch):
    rendu = rendre_tout("fr", paquet, tmp_path, monkeypatch)
    assert "Chiffres au **" in rendu and "## Les points" in rendu and "## Finalités" in rendu


def test_nombres_et_dates_dans_la_langue_de_la_page():
    fr, tr, en = (libelles.Libelles(code) for code in ("fr", "tr", "en"))
    assert fr.pourcent("42.5") == "42,5\u00a0%" and tr.pourcent("42.5") == "%42,5" and en.pourcent("42.5") == "42.5%"
    assert fr.date("2026-11-23") == "23 novembre 2026" and en.date("2026-11-23") == "November 23, 2026"
    assert libelles.Libelles("ar").decimal("1234.5") == "1234.5"  # Latin digits, like the phone numbers


def test_la_mise_a_jour_des_catalogues_ne_change_rien_quand_rien_n_a_change(tmp_path, monkeypatch):
    """The extraction run twice leaves git with nothing to show: no new date in the header when no text and
    no translation changed; a new text dates the revision and keeps every translation."""
    from famnum.site import extraction

    monkeypatch.setattr(extraction, "DOSSIER", tmp_path)
    extraction.mettre_a_jour(["Quartier", "Année scolaire"], ["ar"])
    po = tmp_path / "ar.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Quartier"\nmsgstr ""', 'msgid "Quartier"\nmsgstr "الحي"'),
                  encoding="utf-8")
    avant = po.read_bytes()
    extraction.mettre_a_jour(["Quartier", "Année scolaire"], ["ar"])
    assert po.read_bytes() == avant
    extraction.mettre_a_jour(["Quartier", "Année scolaire", "Niveau"], ["ar"])
    apres = po.read_text(encoding="utf-8")
    assert 'msgstr "الحي"' in apres and 'msgid "Niveau"' in apres and "YEAR-MO-DA" not in apres
    assert "FIRST AUTHOR" not in apres and "ORGANIZATION" not in apres
