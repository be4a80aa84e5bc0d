"""The printable PDFs of the site, read back as a person would get them: in every language,
a table of contents with true page numbers, no half-empty page, tick-boxes on their line,
Arabic right to left with its phone numbers in order (one site build per test session)."""

from __future__ import annotations

import functools
import re
import subprocess
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
import yaml

from famnum.site import construction, finition, generation, pdf

from annee_fictive import site_construit

pytestmark = pytest.mark.site_partage

CONTENT = construction.RACINE / "content"
LANGUES = ("fr", "ar", "tr", "en")
ARABE = re.compile(r"[\u0600-\u06FF]")
MARQUES = re.compile(r"[\u064B-\u0652\u200E\u200F\u202A-\u202E\u2066-\u2069]")
# The text of a page lies between its top margin and its footer (A4 is 842 pt high).
HAUT_TEXTE, BAS_TEXTE, PIED = 796, 51, 45


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    return site_construit(tmp_path_factory.getbasetemp())


def sheets() -> list[str]:
    return sorted(p.stem for p in (CONTENT / "ateliers").glob("*.md")
                  if "." not in p.stem and p.stem != "index")


def built(site: Path, src: str, langue: str) -> Path:
    return (site if langue == "fr" else site / langue) / src.replace(".md", ".html")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().lower()


def compact(text: str) -> str:
    """``text`` without its spaces: pypdf drops or adds some around an Arabic page's isolates."""
    return re.sub(r"\s", "", norm(text))


@functools.cache
def lecteur(path: Path) -> pypdf.PdfReader:
    return pypdf.PdfReader(path)


@functools.cache
def page_text(path: Path, index: int) -> str:
    """The text of one page, read once a session (a whole pack takes seconds)."""
    return lecteur(path).pages[index].extract_text() or ""


def pages_text(path: Path, premieres: int | None = None) -> list[str]:
    count = len(lecteur(path).pages)
    return [page_text(path, index) for index in range(min(count, premieres or count))]


def texte_pdf(path: Path) -> str:
    """A whole PDF's text by poppler's pdftotext (installed by make installer), ten times faster than
    pypdf; it marks the direction of each run and may set an Arabic vowel sign apart from its letter."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def sans_marques(text: str) -> str:
    """``text`` without direction marks nor Arabic vowel signs (harakat, shadda)."""
    return MARQUES.sub("", text)


def remplissages(path: Path) -> list[float]:
    """How much of each page's text area is used: from its top to its lowest line of text, measured
    at the bottom of each word's box (poppler's pdftotext -bbox, from the top of the page)."""
    xhtml = "{http://www.w3.org/1999/xhtml}"
    boites = ElementTree.fromstring(subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True,
                                                   text=True, check=True).stdout)
    resultat = []
    for page in boites.iter(f"{xhtml}page"):
        hauteur = float(page.get("height"))
        corps = [hauteur - float(mot.get("yMax")) for mot in page.iter(f"{xhtml}word")]
        corps = [y for y in corps if y > PIED]  # not the footer
        resultat.append((HAUT_TEXTE - min(corps)) / (HAUT_TEXTE - BAS_TEXTE) if corps else 0.0)
    return resultat


# ---------------------------------------------------------------------- one PDF per language

@pytest.mark.parametrize("langue", LANGUES)
def test_each_sheet_has_its_pdf_in_each_language(site, langue):
    for slug in sheets():
        target = site / pdf.sheet_pdf_path(slug, langue)
        assert target.is_file(), f"{target.relative_to(site)} manque"
        reader = pypdf.PdfReader(target)
        assert reader.trailer["/Root"]["/Lang"] == langue, target
        title = pdf.page_title(built(site, f"ateliers/{slug}.md", langue).read_text(encoding="utf-8"))
        text = compact(sans_marques(texte_pdf(target)))
        if langue == "ar":  # Arabic runs come out in order, not always where the Latin ones sit
            assert len(ARABE.findall(text)) > 500, f"{target.name} : pas en arabe"
            assert all(word in text for word in re.findall(r"[\u0600-\u06FF]+", sans_marques(title))), (target, title)
        else:
            assert compact(title) in text, (target, title)
        french = pdf.page_title(built(site, f"ateliers/{slug}.md", "fr").read_text(encoding="utf-8"))
        assert langue == "fr" or compact(french) not in text, f"{target.name} : en français"


@pytest.mark.parametrize("langue", LANGUES)
def test_packs_exist_in_each_language_with_their_title(site, langue):
    for target, cle in ((pdf.tutorials_pack(langue), "tutoriels"), (pdf.sheets_pack(langue), "ateliers")):
        first = page_text(site / target, 0)
        assert compact(pdf.texte(langue, cle)) in compact(first), target
        assert compact(pdf.texte(langue, "sommaire")) in compact(first), target


@pytest.mark.parametrize("langue", ("ar", "tr", "en"))
def test_pages_link_to_the_pdf_of_their_language_in_their_language(site, langue):
    liens = [(f"ateliers/{slug}.md", pdf.sheet_pdf_path(slug, langue), "pdf_fiche") for slug in sheets()]
    liens += [("tutoriels/index.md", pdf.tutorials_pack(langue), "pdf_tutoriels"),
              ("ateliers/index.md", pdf.sheets_pack(langue), "pdf_ateliers")]
    for src, target, cle in liens:
        page = built(site, src, langue)
        match = re.search(r'<p class="famnum-pdf"><a href="([^"]+)" download>(.*?)</a>',
                          page.read_text(encoding="utf-8"), re.S)
        assert match, f"{page.relative_to(site)} : pas de lien vers le PDF"
        assert (page.parent / match.group(1)).resolve() == (site / target).resolve(), page
        assert re.sub(r"<[^>]+>", "", match.group(2)) == generation.TEXTES[langue][cle]


# ---------------------------------------------------------------------- Arabic

def test_arabic_pack_reads_right_to_left_with_phone_numbers_in_order(site):
    contacts = yaml.load((construction.RACINE / "mkdocs.yml").read_text(encoding="utf-8"),
                         Loader=_Chargeur)["extra"]["contacts"]
    # The contacts are on the tutorials' home page, the pack's second page (after its contents).
    text = " ".join(pages_text(site / pdf.tutorials_pack("ar"), 6)).replace("\u00a0", " ")
    assert len(ARABE.findall(text)) > 1000
    for contact in contacts:
        numero = re.match(r"[\d ]+\d", contact["telephone"]).group(0)
        assert numero in text, f"{numero} pas dans l'ordre dans le PDF arabe"
    document = pdf.document(site, [built(site, "tutoriels/index.md", "ar")], "t", True, "ar")
    assert '<html lang="ar" dir="rtl">' in document
    assert '<bdi dir="ltr">CLAS</bdi>' in pdf.document(
        site, [built(site, "ateliers/visio-avec-enseignant.md", "ar")], pdf.texte("ar", "ateliers"), True, "ar")


class _Chargeur(yaml.SafeLoader):
    pass


_Chargeur.add_multi_constructor("", lambda loader, suffix, node: None)


def test_arabic_pdf_uses_an_arabic_font(site):
    reader = pypdf.PdfReader(site / pdf.sheet_pdf_path(sheets()[0], "ar"))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Arabic" in name for name in fonts), fonts


# ---------------------------------------------------------------------- table of contents

TOC_LINE = re.compile(r"^(.*?)\s*(?:\.\s*){3,}\s*(\d+)\s*$")


def toc(text: str) -> list[tuple[str, int]]:
    return [(norm(m.group(1)), int(m.group(2))) for m in map(TOC_LINE.match, text.splitlines()) if m]


@pytest.mark.parametrize("langue", LANGUES)
@pytest.mark.parametrize("pack", ("tutoriels", "ateliers"))
def test_toc_entries_carry_the_page_of_their_title(site, pack, langue):
    target = site / (pdf.tutorials_pack(langue) if pack == "tutoriels" else pdf.sheets_pack(langue))
    reader = lecteur(target)
    entries = [entry for text in pages_text(target, 3) for entry in toc(text)]
    # The PDF's bookmarks: the pack's title, then each page's title with its page.
    titles = {norm(item.title): reader.get_destination_page_number(item) + 1
              for item in reader.outline if not isinstance(item, list)}
    assert len(entries) == len(titles) - 1 >= 15, (len(entries), len(titles))
    for title, number in entries:
        assert compact(page_text(target, number - 1)).startswith(compact(title)), \
            f"{title} n'ouvre pas la page {number}"
        if langue != "ar":  # the Arabic text comes out with other spaces around its isolates
            assert titles.get(title) == number, f"{title} : page {number} au sommaire, {titles.get(title)} en vrai"


@pytest.mark.parametrize("langue", LANGUES)
def test_toc_has_no_orphan_entry(site, langue):
    """No page of a table of contents holds a lone entry: a level stays on one page."""
    counts = [len(toc(text)) for text in pages_text(site / pdf.tutorials_pack(langue), 3)]
    assert counts[0] and min(c for c in counts if c) > 5, counts


# ---------------------------------------------------------------------- layout

@pytest.mark.parametrize("langue", LANGUES)
def test_sheet_pdfs_have_no_half_empty_page(site, langue):
    """A table goes on across pages (rows whole, header repeated) instead of leaving a blank."""
    half_empty = []
    for slug in sheets():
        for number, rempli in enumerate(remplissages(site / pdf.sheet_pdf_path(slug, langue))[:-1], start=1):
            if rempli < 0.5:
                half_empty.append(f"{slug} p. {number} ({rempli:.0%})")
    assert not half_empty, half_empty


def test_a_long_table_repeats_its_header_on_the_next_page(site):
    texts = pages_text(site / pdf.sheet_pdf_path("souris-et-clavier-par-le-jeu"))
    header = "Temps Séquence Ce que font les parents"
    pages = [n for n, text in enumerate(texts) if norm(header) in norm(text)]
    assert len(pages) >= 2 and pages[1] == pages[0] + 1, pages


def test_workshop_pdfs_have_no_empty_header_row(site):
    for langue in LANGUES:
        for slug in sheets():
            document = pdf.document(site, [built(site, f"ateliers/{slug}.md", langue)], slug, False, langue)
            for thead in re.findall(r"<thead>(.*?)</thead>", document, re.S):
                assert re.sub(r"<[^>]+>|\s", "", thead), f"{langue}/{slug} : ligne d'en-tête vide"


def test_tick_boxes_sit_on_the_line_of_their_sentence(tmp_path):
    """Laid out by WeasyPrint with famnum.css: the box and its sentence share one line."""
    from weasyprint import HTML

    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "famnum.css").write_bytes((CONTENT / "assets" / "famnum.css").read_bytes())
    sentence = "Je sais allumer l'ordinateur et ouvrir ma session."
    page = tmp_path / "page.html"
    page.write_text(
        '<html><head><link rel="stylesheet" href="assets/famnum.css"></head><body><article>'
        '<h1>Essai</h1><ul class="task-list"><li class="task-list-item">'
        + finition.label_tasks(f'<input type="checkbox" disabled> {sentence}</li></ul>')
        + "</article></body></html>", encoding="utf-8")
    source = pdf.document(tmp_path, [page], "Essai", False)
    rendu = HTML(string=source, base_url=tmp_path.as_uri() + "/",
                 url_fetcher=pdf.site_only_fetcher(tmp_path), media_type="print").render()
    lines = [box for box in _boxes(rendu.pages[0]._page_box) if type(box).__name__ == "LineBox"]
    line = next(box for box in lines if "Je sais allumer" in _text_of(box))
    assert any(getattr(box, "element_tag", "") == "input" for box in _boxes(line)), \
        "la case n'est pas sur la ligne de sa phrase"


def _boxes(box):
    yield box
    for child in getattr(box, "children", []) or []:
        yield from _boxes(child)


def _text_of(box) -> str:
    return "".join(getattr(child, "text", "") for child in _boxes(box))
