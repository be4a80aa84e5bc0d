"""The public site: strict build, links, menus, hooks, PDFs (one build per test session)."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from famnum.site import construction, generation, marqueurs, pdf, sources

from annee_fictive import LANGUES_PDF, site_de_test
from lecture_pdf import signets, texte_pdf

pytestmark = pytest.mark.site_partage

RACINE = construction.RACINE
CONTENT = RACINE / "content"
LANGUES = ("ar", "tr", "en")


def _config() -> dict:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((RACINE / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)


@pytest.fixture(scope="session")
def build(tmp_path_factory) -> dict:
    return site_de_test(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def site(build) -> Path:
    site_dir = Path(build["site"])
    assert (site_dir / "index.html").exists(), build["sortie"][-3000:]
    return site_dir


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.article_links: list[str] = []
        self._article = 0
        self.html_attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = {k: v or "" for k, v in attrs.items()}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "name" in attrs:
            self.ids.add(attrs["name"])
        if tag == "article":
            self._article += 1
        for attr in ("href", "src"):
            if attrs.get(attr) is not None:
                self.urls.append((tag, attrs[attr]))
                if tag == "a" and self._article:
                    self.article_links.append(attrs[attr])

    def handle_endtag(self, tag):
        if tag == "article":
            self._article -= 1


_PARSED: dict[Path, _Page] = {}


def parse(path: Path) -> _Page:
    if path not in _PARSED:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        _PARSED[path] = page
    return _PARSED[path]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def french_sources(folder: str) -> list[Path]:
    """French Markdown pages of a content folder (no ``.ar.md`` & co)."""
    return sorted(p for p in (CONTENT / folder).rglob("*.md")
                  if not re.search(r"\.[a-z]{2}\.md$", p.name))


def built(site: Path, source: Path, langue: str = "") -> Path:
    rel = source.relative_to(CONTENT).with_suffix(".html")
    return site / langue / rel


def resolve(page: Path, url: str) -> tuple[Path, str]:
    """The file a URL of ``page`` points to (root-absolute URLs: from the site's root)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if path.startswith("/"):
        root = next(p for p in page.parents if (p / "sitemap.xml").exists() and p.name != "ar"
                    and p.name not in LANGUES)
        return (root / path.lstrip("/")).resolve(), parts.fragment
    return (page.parent / path).resolve(), parts.fragment


def links_to(page: Path, target: Path) -> bool:
    return any(resolve(page, href)[0] == target.resolve()
               for href in parse(page).article_links if not urlsplit(href).scheme)


# ---------------------------------------------------------------------- the build

def test_build_strict_passes(build):
    problems = dict.fromkeys(line for line in build["sortie"].splitlines()
                             if "WARNING" in line or "Error" in line)
    assert build["code"] == 0, "mkdocs build --strict a échoué :\n" + "\n".join(problems)


def test_every_language_is_built(site):
    for langue in LANGUES:
        assert (site / langue / "index.html").exists(), langue
        assert (site / langue / "accessibilite.html").exists(), langue


def test_no_third_party_resource_is_loaded(site):
    """Nothing a page loads comes from another site (no request at run time)."""
    external = re.compile(r"^(https?:)?//")
    offenders = []
    for page in html_pages(site):
        for tag, url in parse(page).urls:
            if tag in ("script", "img", "link", "iframe", "source", "video", "audio") \
                    and external.match(url):
                offenders.append(f"{page.relative_to(site)} : <{tag}> {url}")
    for css in site.rglob("*.css"):
        for url in re.findall(r"(?:@import|url)\(\s*['\"]?((?:https?:)?//[^'\")]+)",
                              css.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{css.relative_to(site)} : {url}")
    assert not offenders, "\n".join(offenders)


def test_vendored_shim_is_the_polyfill(site):
    shim = site / "assets" / "vendor" / "iframe-worker-shim.js"
    assert shim.exists() and (site / "assets" / "vendor" / "iframe-worker-1.0.4.LICENSE.txt").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="assets/vendor/iframe-worker-shim.js"' in home
    assert "unpkg.com" not in home


def test_no_broken_internal_link(site):
    broken = []
    for page in html_pages(site):
        for tag, url in parse(page).urls:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or not (parts.path or parts.fragment):
                continue
            target, fragment = resolve(page, url) if parts.path else (page.resolve(), parts.fragment)
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or not target.is_relative_to(site.resolve()):
                broken.append(f"{page.relative_to(site)} → {url}")
            elif fragment and target.suffix == ".html" and tag == "a" \
                    and fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(site)} → {url} (ancre absente)")
    assert not broken, f"{len(broken)} liens cassés :\n" + "\n".join(broken[:80])


# ---------------------------------------------------------------------- menus and index pages

def test_home_sends_to_every_level(site):
    home = site / "index.html"
    for niveau in _config()["extra"]["niveaux"]:
        level = site / "tutoriels" / niveau / "index.html"
        assert level.exists(), f"page de niveau manquante : content/tutoriels/{niveau}/index.md"
        assert links_to(home, level), f"l'accueil ne mène pas au niveau {niveau}"


def test_every_tutorial_is_linked_from_its_level_page(site):
    sources = [p for p in french_sources("tutoriels") if p.name != "index.md"]
    assert sources, "aucun tutoriel dans content/tutoriels/"
    orphans = []
    for source in sources:
        level = site / source.parent.relative_to(CONTENT) / "index.html"
        if not level.exists() or not links_to(level, built(site, source)):
            orphans.append(str(source.relative_to(CONTENT)))
    assert not orphans, "tutoriels absents de leur page de niveau : " + ", ".join(orphans)


def test_every_sheet_is_linked_from_the_workshops_index(site):
    sheets = [p for p in french_sources("ateliers") if p.name != "index.md"]
    assert sheets, "aucune fiche dans content/ateliers/"
    index = site / "ateliers" / "index.html"
    assert index.exists(), "content/ateliers/index.md manque"
    orphans = [p.name for p in sheets if not links_to(index, built(site, p))]
    assert not orphans, "fiches absentes de content/ateliers/index.md : " + ", ".join(orphans)


def test_tutorial_menu_follows_the_level_order(site):
    """The menu lists the levels in the course order of mkdocs.yml ``extra.niveaux``."""
    niveaux = _config()["extra"]["niveaux"]
    page = (site / "tutoriels" / niveaux[0] / "index.html").read_text(encoding="utf-8")
    menu = page.split("md-nav--primary", 1)[1].split('class="md-content"', 1)[0]
    positions = [menu.find(f'href="../{n}/index.html"') for n in niveaux[1:]]
    present = [p for p in positions if p >= 0]
    assert present, "aucun autre niveau dans le menu"
    assert present == sorted(present), dict(zip(niveaux[1:], positions))


# ---------------------------------------------------------------------- hooks

def test_no_marker_is_left_and_contacts_are_rendered(site):
    contacts = _config()["extra"]["contacts"]
    for page in html_pages(site):
        assert "famnum:" not in page.read_text(encoding="utf-8"), page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert contacts[0]["role"] in home and contacts[0]["telephone"] in home


def test_contacts_are_fictitious_arcep_numbers():
    for contact in _config()["extra"]["contacts"]:
        digits = re.sub(r"\D", "", contact["telephone"])
        assert digits.startswith(("01990", "063998")), contact


def test_untranslated_pages_say_so_in_the_reader_language(site):
    checked = 0
    for source in sorted(CONTENT.rglob("*.md")):
        if re.search(r"\.[a-z]{2}\.md$", source.name) or "assets" in source.parts:
            continue
        for langue in LANGUES:
            page = built(site, source, langue)
            text = page.read_text(encoding="utf-8")
            translated = source.with_name(f"{source.stem}.{langue}.md").exists()
            note = generation.TEXTES[langue]["non_traduit"]
            assert (note in text) is not translated, f"{page.relative_to(site)}"
            if not translated:
                assert '<div lang="fr" dir="ltr"' in text, page
            checked += 1
    assert checked


def test_tutorials_and_sheets_end_with_their_check_date_and_sources(site):
    checked = 0
    for source in sources.pages_a_verifier(CONTENT):
        first_url = sources.lire(source).sources[0][1]
        for langue in ("fr", *LANGUES):
            text = built(site, source, "" if langue == "fr" else langue).read_text(encoding="utf-8")
            label = generation.TEXTES[langue]["verifie_le"].split("{date}")[0]
            block = text[text.index('<aside class="famnum-sources">'):]
            assert label in block and f'href="{first_url}"' in block, (source, langue)
            checked += 1
    assert checked >= 160


def test_arabic_pages_are_right_to_left(site):
    pages = list((site / "ar").rglob("*.html"))
    assert pages
    for page in pages:
        attrs = parse(page).html_attrs
        assert attrs.get("lang") == "ar" and attrs.get("dir") == "rtl", page


class _MenuLabels(HTMLParser):
    """The texts of the links of the main menu (``md-nav--primary``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: list[str] = []
        self._depth = 0  # nesting inside the primary <nav>
        self._link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "nav" and (self._depth or "md-nav--primary" in classes):
            self._depth += 1
        if tag == "a" and self._depth:
            self._link = []

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            label = " ".join("".join(self._link).split())
            if label:  # the theme's icon-only links (logo, back arrow) have no text
                self.labels.append(label)
            self._link = None
        if tag == "nav" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._link is not None:
            self._link.append(data)


@pytest.mark.parametrize("chemin", ["index.html", "tutoriels/au-quotidien/index.html",
                                    "ateliers/index.html", "evaluation/index.html"])
def test_arabic_menu_is_in_arabic(site, chemin):
    """Every entry of the Arabic menu, sections and pages (translated or not), is in Arabic."""
    menu = _MenuLabels()
    menu.feed((site / "ar" / chemin).read_text(encoding="utf-8"))
    assert len(menu.labels) > 5, menu.labels
    french = [label for label in menu.labels if not re.search("[\u0600-\u06ff]", label)]
    assert not french, f"ar/{chemin} : entrées du menu en français {french}"


@pytest.mark.parametrize("chemin", ["index.html", "tutoriels/au-quotidien/index.html",
                                    "ateliers/index.html", "evaluation/index.html"])
def test_turkish_menu_has_no_french_entry(site, chemin):
    """No entry of the Turkish menu, sections and pages (translated or not), is its French title."""
    labels = {}
    for langue, racine in (("fr", site), ("tr", site / "tr")):
        menu = _MenuLabels()
        menu.feed((racine / chemin).read_text(encoding="utf-8"))
        labels[langue] = menu.labels
    assert len(labels["tr"]) > 5, labels["tr"]
    french = [label for label in labels["tr"] if label in set(labels["fr"])]
    assert not french, f"tr/{chemin} : entrées du menu en français {french}"


def _svg_texts(path: Path) -> list[str]:
    """The title, description and visible labels of a drawing."""
    return [html.unescape(t) for t in
            re.findall(r"<(?:title|desc|text)\b[^>]*>([^<]+)<", path.read_text(encoding="utf-8"))]


def test_turkish_tutorials_show_their_drawings_in_turkish(site):
    """Each drawing of the tutorials has a Turkish version (image.tr.svg) that the Turkish site serves:
    its title, description and labels are not the French ones (keys and symbols excepted)."""
    drawings = [p for p in (CONTENT / "tutoriels" / "images").glob("*.svg") if p.suffixes == [".svg"]]
    assert drawings, "aucun dessin dans content/tutoriels/images/"
    for source in drawings:
        served = site / "tr" / "tutoriels" / "images" / source.name
        served = served if served.exists() else site / "tutoriels" / "images" / source.name
        french = [t for t in _svg_texts(source) if re.search(r"[^\W\d_]{3}", t)]
        shown = set(_svg_texts(served))
        left = [t for t in french if t in shown and t not in ("Maj ⇧", "Alt Gr")]
        assert not left, f"{source.name} : textes restés en français sur le site turc {left} ({source.stem}.tr.svg)"


def test_arabic_contacts_are_isolated_left_to_right(site):
    """Phone numbers keep their order on right-to-left pages (famnum.site.bidi, hook)."""
    telephone = re.sub(r"(?<=\d) (?=\d)", "\u00a0", _config()["extra"]["contacts"][0]["telephone"])
    for chemin in ("index.html", "tutoriels/index.html"):
        text = (site / "ar" / chemin).read_text(encoding="utf-8")
        assert f'<bdi dir="ltr">{telephone}</bdi>' in text, chemin
    assert "<bdi" not in (site / "index.html").read_text(encoding="utf-8")


def test_arabic_diagrams_speak_arabic(site):
    """Each tutorial drawing with French words has an Arabic version (image.ar.svg) that the
    Arabic pages show instead: none of the French title or labels is left in it."""
    # A screen drawing keeps the screen's French words (xml:lang="fr"), with their meaning beneath,
    # and its addresses (class="code"), the same in every language.
    label = re.compile(r"<(?:title|text)\b(?![^>]*(?:xml:lang=\"fr\"|class=\"code\"))[^>]*>([^<&]*[A-Za-zéèàù]{4}[^<]*)<")
    for drawing in sorted(CONTENT.rglob("*.svg")):
        if re.search(r"\.[a-z]{2}\.svg$", drawing.name) or "assets" in drawing.parts:
            continue
        french = label.findall(drawing.read_text(encoding="utf-8"))
        served = site / "ar" / drawing.relative_to(CONTENT)
        assert served.exists(), f"{drawing.with_suffix('.ar.svg').relative_to(CONTENT)} manque"
        left = [w for w in french if f">{w}<" in served.read_text(encoding="utf-8")]
        assert french and not left, f"ar/{served.relative_to(site / 'ar')} : encore en français {left}"


def test_unknown_marker_is_reported():
    text, unknown = marqueurs.remplacer("a <!-- famnum:inconnu --> b", {})
    assert unknown == ["inconnu"] and "famnum:inconnu" in text


def test_contacts_table_escapes_cells():
    table = marqueurs.contacts({"extra": {"contacts": [{"role": "a|b", "telephone": "01 99 00 00 00"}]}})
    assert "a\\|b" in table and table.count("\n") == 3


# ---------------------------------------------------------------------- PDFs

def _text(path: Path, pages: slice = slice(None)) -> str:
    """The text of a PDF's pages (pypdf took tens of seconds on the workshop pack)."""
    premiere = ["-f", str(pages.start + 1)] if pages.start else []
    derniere = ["-l", str(pages.stop)] if pages.stop else []
    lu = texte_pdf(path, *premiere, *derniere)
    assert lu.strip(), path
    return lu


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def _title(html_path: Path) -> str:
    return pdf.page_title(html_path.read_text(encoding="utf-8"))


def test_each_sheet_has_its_pdf_with_its_title_on_page_one(site):
    sheets = [p for p in french_sources("ateliers") if p.name != "index.md"]
    assert sheets
    for source in sheets:
        target = site / pdf.sheet_pdf_path(source.stem)
        assert target.exists(), target
        title = _title(built(site, source))
        assert title and _norm(title) in _norm(_text(target, slice(0, 1))), (target, title)


def test_each_sheet_page_links_to_its_pdf_where_it_is_printed(site):
    """In each language whose PDFs the test site prints; a page of another language links to no PDF."""
    for source in (p for p in french_sources("ateliers") if p.name != "index.md"):
        for langue in ("", *LANGUES):
            page = built(site, source, langue)
            if (langue or "fr") in LANGUES_PDF:
                wanted = (site / pdf.sheet_pdf_path(source.stem, langue or "fr")).resolve()
                assert any(resolve(page, href)[0] == wanted for href in parse(page).article_links), page
            else:
                assert not any(href.endswith(".pdf") for href in parse(page).article_links), page


def test_workshop_pack_holds_every_sheet(site):
    pack = _norm(_text(site / pdf.SHEETS_PACK))
    for source in (p for p in french_sources("ateliers") if p.name != "index.md"):
        assert _norm(_title(built(site, source))) in pack, source.name


def test_tutorial_pack_holds_every_tutorial_in_level_order(site):
    # The PDF outline (bookmarks) lists the pages' titles in document order.
    outline = [_norm(titre) for titre, _ in signets(site / pdf.TUTORIALS_PACK)]
    niveaux = _config()["extra"]["niveaux"]
    expected_levels = []
    for source in french_sources("tutoriels"):
        title = _norm(_title(built(site, source)))
        assert title in outline, f"{source.relative_to(CONTENT)} absent du pack PDF"
        parts = source.relative_to(CONTENT).parts
        if len(parts) == 3 and parts[1] in niveaux:
            expected_levels.append((outline.index(title), niveaux.index(parts[1])))
    ranks = [level for _, level in sorted(expected_levels)]
    assert ranks == sorted(ranks), "le pack ne suit pas l'ordre des niveaux"


def test_pdf_fetcher_serves_only_the_built_site(site, tmp_path):
    fetcher = pdf.site_only_fetcher(site)
    css = next((site / "assets").rglob("*.css"))
    assert fetcher.fetch(css.resolve().as_uri()).read()
    outside = tmp_path / "secret.css"
    outside.write_text("body{}")
    for url in ("https://unpkg.com/mermaid@11/dist/mermaid.min.js", outside.as_uri(),
                "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 3
