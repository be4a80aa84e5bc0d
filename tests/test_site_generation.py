"""Generate, then build (issue 17): the source tree of each language, written before any engine runs.

Most checks read the tree of the shared test site (no new build); the small territory below is only
generated (no engine), which takes well under a second."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from famnum.erreurs import FamnumError
from famnum.site import construction, finition, generation

from annee_fictive import site_de_test

RACINE = construction.RACINE
LANGUES = ("fr", "ar", "tr", "en")


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> dict:
    return site_de_test(tmp_path_factory.getbasetemp())


def _config(source: Path, code: str) -> dict:
    return yaml.safe_load((source / code / "mkdocs.yml").read_text(encoding="utf-8"))


@pytest.mark.site_partage
def test_each_language_has_a_config_an_engine_builds_without_famnum(build):
    source = Path(build["source"])
    for code in LANGUES:
        config = _config(source, code)  # plain YAML: no !ENV, no Python tag
        assert "hooks" not in config and config["docs_dir"] == "docs", code
        plugins = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
        assert "i18n" not in plugins and "search" in plugins, code
        assert config["theme"]["language"] == code and config["use_directory_urls"] is False
        assert (config["theme"].get("direction") == "rtl") is (code == "ar")
        assert [alt["lang"] for alt in config["extra"]["alternate"]] == list(LANGUES)
        assert not set(config["extra"]) & set(generation.EXTRA_FAMNUM), code


def _pages_du_menu(entrees: list) -> list[str]:
    pages = []
    for entree in entrees:
        valeur = next(iter(entree.values())) if isinstance(entree, dict) else entree
        pages.extend(_pages_du_menu(valeur) if isinstance(valeur, list) else [valeur])
    return pages


@pytest.mark.site_partage
def test_every_page_is_in_every_language_with_its_markers_rendered(build):
    source = Path(build["source"])
    francaises = sorted(p.relative_to(RACINE / "content").as_posix() for p in (RACINE / "content").rglob("*.md")
                        if not re.search(r"\.(ar|tr|en)\.md$", p.name))
    for code in LANGUES:
        docs = source / code / "docs"
        assert sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md")) == francaises, code
        assert sorted(_pages_du_menu(_config(source, code)["nav"])) == francaises, code
        for page in docs.rglob("*.md"):
            assert "famnum:" not in page.read_text(encoding="utf-8"), page
    contacts = (source / "ar" / "docs" / "index.md").read_text(encoding="utf-8")
    equipement = (source / "en" / "docs" / "evaluation" / "equipement.md").read_text(encoding="utf-8")
    assert "01 99 00 12 34" in contacts and "<svg" in equipement and "<table" in equipement


@pytest.mark.site_partage
def test_the_menu_reads_as_a_course_in_the_language(build):
    source = Path(build["source"])
    nav = _config(source, "tr")["nav"]
    hauts = [(_pages_du_menu([e])[0]).split("/")[0] for e in nav]
    assert hauts == generation.ORDRE_HAUT
    tutoriels = next(next(iter(e.values())) for e in nav if isinstance(e, dict)
                     and next(iter(e.values()))[0] == "tutoriels/index.md")
    niveaux = [next(iter(e.values()))[0].split("/")[1] for e in tutoriels[1:]]
    assert niveaux == generation.config_du_site(RACINE)["extra"]["niveaux"]
    titre_turc = generation.titre_source(RACINE / "content" / "tutoriels" / "index.tr.md")
    assert any(isinstance(e, dict) and titre_turc in e for e in nav)
    pdf = (source / "ar" / "docs" / "ateliers" / "educonnect-et-ent.md").read_text(encoding="utf-8")
    assert 'href="../../pdf/ar/ateliers/educonnect-et-ent.pdf"' in pdf


@pytest.mark.site_partage
def test_the_language_menu_leads_to_the_same_page_in_each_language(build):
    site = Path(build["site"])
    page = site / "ar" / "tutoriels" / "demarches" / "caf.html"
    liens = dict((code, href) for href, code in re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)"',
                                                            page.read_text(encoding="utf-8")))
    assert set(liens) == set(LANGUES)
    for code, href in liens.items():
        cible = (page.parent / href).resolve()
        attendu = site / ("" if code == "fr" else code) / "tutoriels" / "demarches" / "caf.html"
        assert cible == attendu.resolve(), code
    assert not (site / "ar" / "404.html").exists() and (site / "404.html").exists()


# ---------------------------------------------------------------------- a small territory, generated only

@pytest.fixture()
def petit_territoire(tmp_path) -> Path:
    """The model's mkdocs.yml, a home page in two languages and a page only in French."""
    racine = tmp_path / "territoire"
    (racine / "content" / "programme").mkdir(parents=True)
    shutil.copy2(RACINE / "mkdocs.yml", racine / "mkdocs.yml")
    (racine / "content" / "index.md").write_text("# Accueil\n\n[Le programme](programme/index.md)\n\n"
                                                 "<!-- famnum:contacts -->\n", encoding="utf-8")
    (racine / "content" / "index.ar.md").write_text("# الرئيسية\n\n<!-- famnum:contacts -->\n", encoding="utf-8")
    (racine / "content" / "programme" / "index.md").write_text("# Évaluation\n\nUne page seulement en français.\n",
                                                               encoding="utf-8")
    (racine / "content" / "image.svg").write_text("<svg>fr</svg>", encoding="utf-8")
    (racine / "content" / "image.ar.svg").write_text("<svg>ar</svg>", encoding="utf-8")
    return racine


def test_a_page_without_translation_is_shown_in_french_with_a_note(petit_territoire, tmp_path):
    faite = generation.generer(petit_territoire, tmp_path / "src", avec_pdf=False)
    arabe = (tmp_path / "src" / "ar" / "docs" / "programme" / "index.md").read_text(encoding="utf-8")
    assert generation.TEXTES["ar"]["non_traduit"] in arabe and '<div lang="fr" dir="ltr"' in arabe
    assert generation.TEXTES["fr"]["non_traduit"] not in (tmp_path / "src" / "fr" / "docs" / "programme"
                                                           / "index.md").read_text(encoding="utf-8")
    # its menu entry in Arabic, from nav_translations (« Évaluation » has one)
    assert {"التقييم": [{"التقييم": "programme/index.md"}]} in _config(tmp_path / "src", "ar")["nav"]
    assert (tmp_path / "src" / "ar" / "docs" / "image.svg").read_text() == "<svg>ar</svg>"
    assert (tmp_path / "src" / "tr" / "docs" / "image.svg").read_text() == "<svg>fr</svg>"
    assert not list((tmp_path / "src").rglob("*.ar.*")) and faite.ordre == ["index.md", "programme/index.md"]


def test_a_misspelled_marker_is_named_with_its_page(petit_territoire, tmp_path):
    (petit_territoire / "content" / "programme" / "index.md").write_text("# Évaluation\n\n<!-- famnum:contact -->\n",
                                                                          encoding="utf-8")
    faite = generation.generer(petit_territoire, tmp_path / "src", avec_pdf=False)
    assert faite.inconnus == {f"{prefixe}programme/index.md": ["contact"] for prefixe in ("", "ar/", "tr/", "en/")}


def test_generation_rewrites_only_what_changed(petit_territoire, tmp_path):
    destination = tmp_path / "src"
    generation.generer(petit_territoire, destination, avec_pdf=False)
    accueil = destination / "tr" / "docs" / "index.md"
    os.utime(accueil, (1_000_000, 1_000_000))
    assert generation.generer(petit_territoire, destination, avec_pdf=False).changes == 0
    assert accueil.stat().st_mtime == 1_000_000
    (petit_territoire / "content" / "programme" / "index.md").unlink()
    (petit_territoire / "content" / "index.md").write_text("# Accueil\n\nAutre texte.\n", encoding="utf-8")
    faite = generation.generer(petit_territoire, destination, avec_pdf=False)
    assert not (destination / "tr" / "docs" / "programme").exists()
    assert "Autre texte." in accueil.read_text(encoding="utf-8") and faite.ordre == ["index.md"]


def test_an_unknown_engine_in_the_settings_is_refused_in_french(petit_territoire):
    config = petit_territoire / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("moteur: mkdocs", "moteur: hugo"), encoding="utf-8")
    with pytest.raises(FamnumError) as refus:
        construction.construire(petit_territoire / "site", racine=petit_territoire, pdf=False)
    assert refus.value.code == "site.moteur" and "mkdocs.yml" in str(refus.value) and "hugo" in str(refus.value)
    assert not (petit_territoire / "site").exists() and not (petit_territoire / "site-src").exists()


def _moteur_par_langue(fait: dict) -> dict[str, str]:
    """Each language's part of a build's output (``[mkdocs fr]`` …)."""
    assert fait["code"] == 0, fait["sortie"][-2000:]
    return dict(bloc.split("]", 1) for bloc in fait["sortie"].split("[mkdocs ")[1:])


def test_an_unchanged_language_is_not_built_again(petit_territoire):
    config = petit_territoire / "mkdocs.yml"
    reglages = yaml.safe_load(config.read_text(encoding="utf-8"))
    i18n = next(p["i18n"] for p in reglages["plugins"] if isinstance(p, dict) and "i18n" in p)
    i18n["languages"] = i18n["languages"][:2]  # French and Arabic: two engines, not four
    config.write_text(yaml.safe_dump(reglages, allow_unicode=True), encoding="utf-8")
    site, contenu = petit_territoire / "site", petit_territoire / "content"

    def construire() -> dict[str, bool]:
        blocs = _moteur_par_langue(construction.construire(site, racine=petit_territoire, pdf=False))
        return {code: "inchangées" in bloc for code, bloc in blocs.items()}

    assert construire() == {"fr": False, "ar": False}
    (contenu / "index.ar.md").write_text("# الرئيسية\n\nنص 12.\n", encoding="utf-8")
    assert construire() == {"fr": True, "ar": False}
    assert construire() == {"fr": True, "ar": True}
    arabe = (site / "ar" / "index.html").read_text(encoding="utf-8")  # finished once, not twice
    assert len(re.findall(r'<html[^>]*dir="rtl"', arabe)) == 1 and '<bdi dir="ltr"><bdi' not in arabe
    assert '<bdi dir="ltr">12</bdi>' in arabe
    (contenu / "programme" / "index.md").write_text("# Évaluation\n\nTexte 3.\n", encoding="utf-8")
    assert construire() == {"fr": False, "ar": False}  # the Arabic site shows this French page
    assert "Texte 3." in (site / "ar" / "programme" / "index.html").read_text(encoding="utf-8")


def test_the_finish_links_the_language_menu_and_the_statement():
    page = ('<html lang="tr"><head><link rel="alternate" href="../index.html" hreflang="fr"></head><body>'
            '<a href="../index.html" hreflang="fr" class="md-select__link">Français</a>'
            '<a href="index.html" hreflang="tr" class="md-select__link">Türkçe</a>'
            '<a href="famnum:accessibilite">Erişilebilirlik</a></body></html>')
    fini = finition.finir_page(page, "tr/ateliers/x.html", ("fr", "ar", "tr", "en"))
    assert 'href="../../ateliers/x.html" hreflang="fr"' in fini and 'href="x.html" hreflang="tr"' in fini
    assert 'href="../accessibilite.html"' in fini and '<link rel="alternate"' not in fini


# ---------------------------------------------------------------------- the second engine

class _Resume(HTMLParser):
    """What a reader gets from a page's article: headings, charts, tables, links."""

    def __init__(self) -> None:
        super().__init__()
        self.dans_article, self.titre, self.h1 = 0, False, []
        self.svg = self.tables = 0
        self.liens: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.dans_article += 1
        if not self.dans_article:
            return
        self.titre = self.titre or tag == "h1"
        self.svg += tag == "svg"
        self.tables += tag == "table"
        href = dict(attrs).get("href")
        if tag == "a" and href and not re.match(r"^[a-z]+:|^#", href):
            self.liens.append(href.split("#")[0])

    def handle_endtag(self, tag):
        self.dans_article -= tag == "article" and self.dans_article > 0
        self.titre = self.titre and tag != "h1"

    def handle_data(self, data):
        if self.titre:
            self.h1.append(data)


def _resumer(page: Path) -> dict:
    lu = _Resume()
    lu.feed(page.read_text(encoding="utf-8"))
    return {"h1": " ".join("".join(lu.h1).split()), "svg": lu.svg, "tables": lu.tables, "liens": lu.liens}


def _pages(site: Path, code: str) -> list[str]:
    racine = site if code == "fr" else site / code
    return sorted(p.relative_to(racine).as_posix() for p in racine.rglob("*.html")
                  if (code != "fr" or p.relative_to(racine).parts[0] not in LANGUES[1:]) and p.name != "404.html")


@pytest.mark.site_partage
def test_zensical_builds_the_same_pages_as_mkdocs(build, tmp_path_factory):
    pytest.importorskip("zensical", reason="Zensical ne s'installe pas ici (pyproject.toml, dépendances dev)")
    from annee_fictive import _paquet_partage

    mkdocs_site = Path(build["site"])
    dossier = tmp_path_factory.mktemp("zensical")
    fait = construction.construire(dossier / "site", moteur="zensical", pdf=False,
                                   public=_paquet_partage(construction.dossier_partage(
                                       tmp_path_factory.getbasetemp())))
    assert fait["code"] == 0, fait["sortie"][-3000:]
    assert "Downloading" not in fait["sortie"] and "unpkg" not in fait["sortie"]
    zensical_site = Path(fait["site"])
    for code in LANGUES:
        pages = _pages(mkdocs_site, code)
        assert pages and _pages(zensical_site, code) == pages, code
        racine = zensical_site if code == "fr" else zensical_site / code
        for page in pages:
            attendu = _resumer((mkdocs_site if code == "fr" else mkdocs_site / code) / page)
            obtenu = _resumer(racine / page)
            assert {k: obtenu[k] for k in ("h1", "svg", "tables")} == \
                {k: attendu[k] for k in ("h1", "svg", "tables")}, f"{code}/{page}"
            for lien in obtenu["liens"]:
                assert (racine / page).parent.joinpath(lien).resolve().exists(), f"{code}/{page} → {lien}"
    assert "01 99 00 12 34" in (zensical_site / "accessibilite.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\bdir="rtl"', (zensical_site / "ar" / "index.html").read_text(encoding="utf-8"))
