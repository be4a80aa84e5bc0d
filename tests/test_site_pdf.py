"""The printable PDFs of the site, read back as a person would get them: in every language,
a table of contents with true page numbers, no half-empty page, tick-boxes on their line,
Arabic right to left with its phone numbers in order (one site build per test session).

The shared test site prints the PDFs of French and Arabic only (``annee_fictive.LANGUES_PDF``): Latin text
by French, Arabic shaping and right to left by Arabic. Turkish and English are checked without printing
their packs: their documents' words before WeasyPrint, and one small Turkish pack printed here."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
import yaml
from markupsafe import escape

from famnum.erreurs import FamnumError
from famnum.site import construction, finition, generation, pdf

from annee_fictive import LANGUES_PDF, site_construit
from lecture_pdf import polices, signets, texte_pdf

pytestmark = pytest.mark.site_partage

CONTENT = construction.RACINE / "content"
LANGUES = ("fr", "ar", "tr", "en")
NON_IMPRIMEES = tuple(langue for langue in LANGUES if langue not in LANGUES_PDF)
ARABE = re.compile(r"[\u0600-\u06FF]")
LETTRES_ARABES = re.compile(r"[\u0621-\u064A]")
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
    """``text`` without its spaces: text extraction drops or adds some around an Arabic page's isolates."""
    return re.sub(r"\s", "", norm(text))


def sans_marques(text: str) -> str:
    """``text`` without direction marks nor Arabic vowel signs (harakat, shadda)."""
    return MARQUES.sub("", text)


def ouvre(page: str, titre: str, langue: str) -> bool:
    """Whether the text of a page opens with ``titre``. In Arabic, its letters alone: pdftotext may move a
    vowel sign or a Latin word, and set the parts of a line it cut (at a shadda) in another order."""
    if langue != "ar":
        return compact(page).startswith(compact(titre))
    lettres = "".join(LETTRES_ARABES.findall(titre))
    return sorted("".join(LETTRES_ARABES.findall(page))[:len(lettres)]) == sorted(lettres)


class Lus:
    """The PDFs of the site read once for all the tests of this file: each page's text (one pdftotext
    for the whole document) and the bookmarks (poppler's outline, without parsing the document in Python)."""

    def __init__(self) -> None:
        self._pages: dict[Path, list[str]] = {}
        self._signets: dict[Path, list[tuple[str, int]]] = {}

    def pages(self, path: Path) -> list[str]:
        if path not in self._pages:
            self._pages[path] = texte_pdf(path).split("\f")[:-1]
        return self._pages[path]

    def signets(self, path: Path) -> list[tuple[str, int]]:
        """The top-level bookmarks (the document's title, then each page's title) and their page."""
        if path not in self._signets:
            self._signets[path] = signets(path)
        return self._signets[path]

    def sommaire(self, path: Path, rtl: bool) -> list[list[int]]:
        """The page numbers of a pack's contents (its first three pages), page by page: on each line with
        leader dots, the number at the end of the line (its left end in Arabic), placed by pdftotext
        -bbox-layout (its plain text may cut an Arabic line of the contents, or a number, in two)."""
        xhtml = "{http://www.w3.org/1999/xhtml}"
        pages = []
        for page in ElementTree.fromstring(texte_pdf(path, "-bbox-layout", "-l", "3")).iter(f"{xhtml}page"):
            pages.append([])
            for ligne in page.iter(f"{xhtml}line"):
                mots = [(float(mot.get("xMin")), mot.text or "") for mot in ligne.iter(f"{xhtml}word")]
                if sum(len(texte) for _, texte in mots if set(texte) == {"."}) >= 3:
                    nombres = sorted((x, int(texte)) for x, texte in mots if texte.isdigit())
                    pages[-1].append(nombres[0 if rtl else -1][1])
        return pages


@pytest.fixture(scope="module")
def lus() -> Lus:
    return Lus()


def remplissages(path: Path) -> list[float]:
    """How much of each page's text area is used: from its top to its lowest line of text, measured
    at the bottom of each word's box (poppler's pdftotext -bbox, from the top of the page)."""
    xhtml = "{http://www.w3.org/1999/xhtml}"
    boites = ElementTree.fromstring(texte_pdf(path, "-bbox"))
    resultat = []
    for page in boites.iter(f"{xhtml}page"):
        hauteur = float(page.get("height"))
        corps = [hauteur - float(mot.get("yMax")) for mot in page.iter(f"{xhtml}word")]
        corps = [y for y in corps if y > PIED]  # not the footer
        resultat.append((HAUT_TEXTE - min(corps)) / (HAUT_TEXTE - BAS_TEXTE) if corps else 0.0)
    return resultat


# ---------------------------------------------------------------------- one PDF per language

@pytest.mark.parametrize("langue", LANGUES_PDF)
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


@pytest.mark.parametrize("langue", LANGUES_PDF)
def test_packs_exist_in_each_language_with_their_title(site, lus, langue):
    for target, cle in ((pdf.tutorials_pack(langue), "tutoriels"), (pdf.sheets_pack(langue), "ateliers")):
        first = compact(sans_marques(lus.pages(site / target)[0]))
        assert compact(sans_marques(pdf.texte(langue, cle))) in first, target
        assert compact(pdf.texte(langue, "sommaire")) in first, target


def _lien_pdf(page: Path) -> re.Match[str] | None:
    return re.search(r'<p class="famnum-pdf"><a href="([^"]+)" download>(.*?)</a>',
                     page.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("langue", LANGUES_PDF)
def test_pages_link_to_the_pdf_of_their_language_in_their_language(site, langue):
    liens = [(f"ateliers/{slug}.md", pdf.sheet_pdf_path(slug, langue), "pdf_fiche") for slug in sheets()]
    liens += [("tutoriels/index.md", pdf.tutorials_pack(langue), "pdf_tutoriels"),
              ("ateliers/index.md", pdf.sheets_pack(langue), "pdf_ateliers")]
    for src, target, cle in liens:
        page = built(site, src, langue)
        match = _lien_pdf(page)
        assert match, f"{page.relative_to(site)} : pas de lien vers le PDF"
        assert (page.parent / match.group(1)).resolve() == (site / target).resolve(), page
        assert html.unescape(re.sub(r"<[^>]+>", "", match.group(2))) == generation.TEXTES[langue][cle]


@pytest.mark.parametrize("langue", NON_IMPRIMEES)
def test_pages_of_a_language_not_printed_link_to_no_pdf(site, langue):
    """The test site prints no PDF in this language: no page of it offers one (a link would be broken)."""
    assert not (site / pdf.chemin_pdf("", langue)).exists()
    for src in ("tutoriels/index.md", "ateliers/index.md", *(f"ateliers/{slug}.md" for slug in sheets())):
        assert _lien_pdf(built(site, src, langue)) is None, f"{langue}/{src} : lien vers un PDF non construit"


@pytest.mark.parametrize("langue", LANGUES)
def test_a_page_links_to_its_pdf_in_its_language_words(tmp_path, langue):
    """What a page of each language says above its title when its PDFs are printed (the default)."""
    source = tmp_path / "fiche.md"
    source.write_text("# Titre\n\nTexte.\n", encoding="utf-8")
    rendu = generation.rendre_page(source, "ateliers/fiche.md", generation.Langue(langue, langue), {},
                                   avec_pdf=True).texte
    prefixe = "" if langue == "fr" else "../"
    assert f'href="{prefixe}../{pdf.sheet_pdf_path("fiche", langue)}"' in rendu, rendu
    assert escape(generation.TEXTES[langue]["pdf_fiche"]) in rendu, rendu


@pytest.mark.parametrize("langue", NON_IMPRIMEES)
def test_packs_of_a_language_the_test_site_does_not_print_carry_its_words(site, langue):
    """Before WeasyPrint: each pack's document is in its language, its title, contents and footer in its
    words, each of its pages in the contents under its title in that language."""
    for cible, sources, titre, couverture, _ in pdf.plan(site, None, (langue,)):
        if not couverture:
            continue
        pages = [pdf.built_html(site / langue, src) for src in sources]
        document = pdf.document(site, pages, titre, True, langue)
        assert f'<html lang="{langue}" dir="ltr">' in document and f"<title>{escape(titre)}</title>" in document
        assert f"<h1>{escape(titre)}</h1><h2>{escape(pdf.texte(langue, 'sommaire'))}</h2>" in document, cible
        assert f"content: {pdf.texte(langue, 'pied')};" in document, cible
        couverture = re.search(r'<section class="famnum-couverture">.*?</section>', document, re.S).group(0)
        entrees = re.findall(r'<a href="#p\d+-top">(.*?)</a>', couverture)
        assert entrees == [str(escape(pdf.page_title(page.read_text(encoding="utf-8")))) for page in pages], cible


def test_a_turkish_pack_is_printed_in_turkish(site, tmp_path):
    """One short Turkish sheet printed as a pack: Latin text in another language than French, on paper."""
    page = built(site, "ateliers/reviser-avec-ressources-gratuites.md", "tr")
    titre = pdf.texte("tr", "ateliers")
    cible = pdf.write_pdf(site, [page], tmp_path / "paquet.pdf", titre, cover=True, langue="tr")
    assert pypdf.PdfReader(cible).trailer["/Root"]["/Lang"] == "tr"
    pages = texte_pdf(cible).split("\f")[:-1]
    assert compact(titre) in compact(pages[0]) and compact(pdf.texte("tr", "sommaire")) in compact(pages[0])
    assert ouvre(pages[1], pdf.page_title(page.read_text(encoding="utf-8")), "tr")
    assert all(f"Famnum · sayfa {numero} / {len(pages)}" in text for numero, text in enumerate(pages, start=1))
    assert all(embarquee for _, embarquee in polices(cible))


def test_every_language_is_printed_by_default_and_only_those_asked_for(tmp_path, monkeypatch):
    """``make site`` and ``famnum publier`` print the PDFs of every language; a build may print some."""
    racine = tmp_path / "territoire"
    (racine / "content" / "ateliers").mkdir(parents=True)
    (racine / "mkdocs.yml").write_bytes((construction.RACINE / "mkdocs.yml").read_bytes())
    (racine / "content" / "index.md").write_text("# Accueil\n", encoding="utf-8")
    (racine / "content" / "ateliers" / "fiche.md").write_text("# Une fiche\n\nTexte.\n", encoding="utf-8")
    monkeypatch.delenv("FAMNUM_SANS_PDF", raising=False)
    assert construction.pdf_demandes()

    def liees(faite: generation.Generation) -> list[str]:
        return [code for code in LANGUES if "famnum-pdf" in
                (faite.destination / code / "docs" / "ateliers" / "fiche.md").read_text(encoding="utf-8")]

    faite = generation.generer(racine, tmp_path / "tout")
    assert faite.pdf == LANGUES and liees(faite) == list(LANGUES)
    faite = generation.generer(racine, tmp_path / "tout", avec_pdf=("ar", "fr"))
    assert faite.pdf == ("fr", "ar") and liees(faite) == ["fr", "ar"]
    with pytest.raises(FamnumError) as refus:
        generation.generer(racine, tmp_path / "autre", avec_pdf=("fr", "de"))
    assert refus.value.code == "site.pdf_langue" and not (tmp_path / "autre").exists()


class _Genere(Exception):
    pass


@pytest.mark.parametrize("demande, attendu", [(None, True), (False, False), (("fr", "ar"), ("fr", "ar"))])
def test_construire_asks_the_generation_for_every_language_unless_told(tmp_path, monkeypatch, demande, attendu):
    """What ``construire`` (``famnum site``, ``famnum publier``) hands to the generation, which then prints
    the PDFs of those languages: all of them unless told otherwise (FAMNUM_SANS_PDF unset)."""
    vues = []

    def generer(racine, source, *, avec_pdf, public):
        vues.append(avec_pdf)
        raise _Genere

    monkeypatch.delenv("FAMNUM_SANS_PDF", raising=False)
    monkeypatch.setattr(generation, "generer", generer)
    with pytest.raises(_Genere):
        construction.construire(tmp_path / "site", pdf=demande)
    assert vues == [attendu] and not (tmp_path / "site").exists()


# ---------------------------------------------------------------------- Arabic

def test_arabic_pack_reads_right_to_left_with_phone_numbers_in_order(site, lus):
    contacts = yaml.load((construction.RACINE / "mkdocs.yml").read_text(encoding="utf-8"),
                         Loader=_Chargeur)["extra"]["contacts"]
    # The contacts are on the tutorials' home page, the pack's second page (after its contents).
    text = " ".join(lus.pages(site / pdf.tutorials_pack("ar"))[:6]).replace("\u00a0", " ")
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


@pytest.mark.parametrize("langue", LANGUES_PDF)
def test_pdf_fonts_are_embedded_and_arabic_uses_an_arabic_font(site, langue):
    fonts = polices(site / pdf.sheet_pdf_path(sheets()[0], langue))  # a pack: the same fonts, ten times longer to read
    assert fonts and all(embarquee for _, embarquee in fonts), fonts
    assert langue != "ar" or any("Arabic" in nom for nom, _ in fonts), fonts


# ---------------------------------------------------------------------- table of contents

TOC_LINE = re.compile(r"^(.*?)\s*(?:\.\s*){3,}\s*(\d+)\s*$")


def toc(text: str) -> list[tuple[str, int]]:
    return [(norm(m.group(1)), int(m.group(2))) for m in map(TOC_LINE.match, text.splitlines()) if m]


@pytest.mark.parametrize("langue", LANGUES_PDF)
@pytest.mark.parametrize("pack", ("tutoriels", "ateliers"))
def test_toc_entries_carry_the_page_of_their_title(site, lus, pack, langue):
    target = site / (pdf.tutorials_pack(langue) if pack == "tutoriels" else pdf.sheets_pack(langue))
    pages = lus.pages(target)
    # The PDF's bookmarks: the pack's title, then each page's title with the page it is on.
    titres = lus.signets(target)[1:]
    numeros = [numero for page in lus.sommaire(target, langue == "ar") for numero in page]
    assert numeros == [page for _, page in titres] and len(titres) >= 15, (numeros, titres)
    for titre, page in titres:
        assert ouvre(pages[page - 1], titre, langue), f"{titre} n'ouvre pas la page {page}"
    if langue != "ar":  # pdftotext may break an Arabic line of the contents in two
        assert [entree for text in pages[:3] for entree in toc(text)] == [(norm(t), p) for t, p in titres]


@pytest.mark.parametrize("langue", LANGUES_PDF)
def test_toc_has_no_orphan_entry(site, lus, langue):
    """No page of a table of contents holds a lone entry: a level stays on one page."""
    counts = [len(page) for page in lus.sommaire(site / pdf.tutorials_pack(langue), langue == "ar")]
    assert counts[0] and min(c for c in counts if c) > 5, counts


# ---------------------------------------------------------------------- layout

@pytest.mark.parametrize("langue", LANGUES_PDF)
def test_sheet_pdfs_have_no_half_empty_page(site, langue):
    """A table goes on across pages (rows whole, header repeated) instead of leaving a blank."""
    half_empty = []
    for slug in sheets():
        for number, rempli in enumerate(remplissages(site / pdf.sheet_pdf_path(slug, langue))[:-1], start=1):
            if rempli < 0.5:
                half_empty.append(f"{slug} p. {number} ({rempli:.0%})")
    assert not half_empty, half_empty


def test_a_long_table_repeats_its_header_on_the_next_page(site, lus):
    texts = lus.pages(site / pdf.sheet_pdf_path("souris-et-clavier-par-le-jeu"))
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
