"""MkDocs hooks of the public site (declared under ``hooks:`` in mkdocs.yml).

What they do, in build order:

- ``on_nav``: orders the menu as a course (home, programme, tutorials by level, the phone
  guides that go with them, workshop sheets, accessibility) and names each section after its index page's title;
- ``on_page_markdown``: replaces ``<!-- famnum:NAME -->`` markers (see ``marqueurs``),
  e.g. the territory's contacts, so no page hard-codes them; later pages rendered from
  data files register their own markers there (``famnum.site.evaluation`` does);
- ``on_page_content``: gives task-list checkboxes a label; on a page shown in Arabic,
  Turkish or English that fell back to the French file, adds a note in the reader's
  language, marks the French text ``lang="fr" dir="ltr"`` and titles the page in the menu
  from that language's ``nav_translations``; adds the "download the PDF" link (to the PDF
  in the page's language) to workshop sheets and to the tutorials and workshops index pages (not when
  ``FAMNUM_SANS_PDF=1``); at the end of each tutorial and workshop sheet, the date its facts
  were checked and the official pages they rely on, from the French page's front matter
  (``famnum.site.sources``), in the reader's language;
- ``on_post_page``: ``dir="rtl"`` on ``<html>`` for right-to-left languages (the theme
  only sets it on ``<body>``) and, on those pages, every run of digits or Latin text
  (phone numbers, addresses, French words) in a left-to-right isolate (``famnum.site.bidi``);
  the footer's accessibility link;
- ``on_post_template``: one French 404 page at the root, with absolute links;
- ``on_post_build``: the PDFs (``famnum.site.pdf``), once, after every language is built; a PDF
  whose source did not change is copied from ``build/cache/pdf/`` (``famnum.site.cache_pdf``).

Hooks read only ``content/``, ``mkdocs.yml`` and the built site: never a dossier.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from famnum.site import bidi, cache_pdf, leger, marqueurs, pdf, sources, tableaux  # famnum must be installed where mkdocs runs (make installer)

# Modules that render data files into pages: importing one registers its markers
# (``@marqueur("name")``). Add a module here, not an import line above.
MARKER_MODULES = (
    "famnum.site.evaluation",      # build/public/ → content/evaluation/
    "famnum.site.registre",        # the processing register → content/programme/
    "famnum.attribution.site",     # data/attribution.yaml → the published grid
)
for _module in MARKER_MODULES:
    importlib.import_module(_module)

log = logging.getLogger("mkdocs.hooks.famnum")

DEFAULT_LANGUAGE = "fr"
RTL_LANGUAGES = bidi.LANGUES_RTL

# Words the hooks add to pages, in each language of the site.
TEXTES: dict[str, dict[str, str]] = {
    "fr": {
        "non_traduit": "Cette page n'est pas encore traduite. Voici la version en français.",
        "pdf_fiche": "Télécharger la fiche en PDF (pour l'imprimer)",
        "pdf_tutoriels": "Télécharger tous les tutoriels en un PDF (pour l'imprimer)",
        "pdf_ateliers": "Télécharger toutes les fiches d'atelier en un PDF (pour l'imprimer)",
        "verifie_le": "Informations vérifiées le {date}.",
        "sources": "Sources :",
        "mois": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "fictif_titre": "Données fictives",
        "fictif_texte": "Les chiffres de cette page sont inventés pour la démonstration : ils ne décrivent aucune famille réelle.",
    },
    "ar": {
        "non_traduit": "هذه الصفحة غير مترجمة بعد. إليك النسخة الفرنسية.",
        "pdf_fiche": "تحميل البطاقة بصيغة PDF (للطباعة)",
        "pdf_tutoriels": "تحميل كل الدروس في ملف PDF واحد (للطباعة)",
        "pdf_ateliers": "تحميل كل بطاقات الورشات في ملف PDF واحد (للطباعة)",
        "verifie_le": "تم التحقق من المعلومات في {date}.",
        "sources": "المصادر (صفحات رسمية بالفرنسية):",
        "mois": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
        "fictif_titre": "بيانات وهمية",
        "fictif_texte": "أرقام هذه الصفحة مختلَقة للعرض التوضيحي: لا تصف أي عائلة حقيقية.",
    },
    "tr": {
        "non_traduit": "Bu sayfa henüz çevrilmedi. İşte Fransızca sürümü.",
        "pdf_fiche": "Kartı PDF olarak indir (yazdırmak için)",
        "pdf_tutoriels": "Tüm rehberleri tek PDF olarak indir (yazdırmak için)",
        "pdf_ateliers": "Tüm atölye kartlarını tek PDF olarak indir (yazdırmak için)",
        "verifie_le": "Bilgiler {date} tarihinde kontrol edildi.",
        "sources": "Kaynaklar (Fransızca resmî sayfalar):",
        "mois": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
        "fictif_titre": "Hayali veriler",
        "fictif_texte": "Bu sayfadaki rakamlar tanıtım için uydurulmuştur: hiçbir gerçek aileyi anlatmaz.",
    },
    "en": {
        "non_traduit": "This page is not yet translated. Here is the French version.",
        "pdf_fiche": "Download the sheet as a PDF (to print)",
        "pdf_tutoriels": "Download all tutorials as one PDF (to print)",
        "pdf_ateliers": "Download all workshop sheets as one PDF (to print)",
        "verifie_le": "Information checked on {date}.",
        "sources": "Sources (official pages, in French):",
        "mois": "January February March April May June July August September October November December",
        "fictif_titre": "Fictitious data",
        "fictif_texte": "The figures on this page are made up for the demonstration: they describe no real family.",
    },
}

# Top-level order of the menu; anything else comes after, in its usual order.
TOP_ORDER = ["index.md", "programme", "tutoriels", "guides-appel", "ateliers", "evaluation", "accessibilite.md",
             "mentions-legales.md"]

TITLE_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
FRONT_TITLE_RE = re.compile(r"\A---\s*\n(?:.*\n)*?title:\s*[\"']?(.+?)[\"']?\s*\n(?:.*\n)*?---",
                            re.MULTILINE)
LINK_RE = re.compile(r"\]\(\s*<?([^)\s>#]+\.md)")


def pdf_enabled() -> bool:
    return os.environ.get("FAMNUM_SANS_PDF", "") not in ("1", "true", "oui")


def _i18n(config: Any):
    return config.plugins.get("i18n")


def _language(page: Page | None, config: Any) -> str:
    if page is not None and getattr(page.file, "locale_alternate_of", None):
        return page.file.locale_alternate_of
    return str(config.theme.get("language") or DEFAULT_LANGUAGE)


def _texte(language: str, key: str) -> str:
    return TEXTES.get(language, TEXTES[DEFAULT_LANGUAGE])[key]


def _norm_src(page: Page) -> str:
    return getattr(page.file, "norm_src_uri", page.file.src_uri)


# --------------------------------------------------------------------------- menu

def _key(item: Any) -> str:
    if isinstance(item, Page):
        return _norm_src(item)
    for page in _pages(item.children):
        return _norm_src(page).split("/")[0]
    return ""


def _pages(items: list) -> list[Page]:
    found: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            found.append(item)
        if getattr(item, "children", None):
            found.extend(_pages(item.children))
    return found


def _source_title(path: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    match = FRONT_TITLE_RE.match(text) or TITLE_RE.search(text)
    return match.group(1).strip() if match else None


def _ordered(items: list, order: list[str]) -> list:
    rank = {key: index for index, key in enumerate(order)}
    return sorted(items, key=lambda item: rank.get(_key(item), len(order)))


def _linked_order(index_page: Page | None) -> list[str]:
    """Source paths of the .md files an index page links to, in reading order."""
    if index_page is None:
        return []
    try:
        text = Path(index_page.file.abs_src_path).read_text(encoding="utf-8")
    except OSError:
        return []
    base = Path(_norm_src(index_page)).parent
    order = []
    for target in LINK_RE.findall(text):
        order.append(os.path.normpath(base / target).replace(os.sep, "/"))
    return order


def _nav_translations(config: Any) -> dict[str, str]:
    """The current language's ``nav_translations`` (mkdocs.yml), French title → title."""
    i18n = _i18n(config)
    language_config = getattr(i18n, "current_language_config", None) if i18n else None
    return dict(getattr(language_config, "nav_translations", None) or {})


def _arrange_section(section: Section, config: Any, top_key: str) -> None:
    children = section.children
    index = next((c for c in children if isinstance(c, Page)
                  and _norm_src(c).rsplit("/", 1)[-1] == "index.md"), None)
    if index is not None:
        title = _source_title(index.file.abs_src_path)
        if title:
            # A section whose index page is still French keeps a translated menu title.
            section.title = _nav_translations(config).get(title, title)
    if top_key == "tutoriels" and any(isinstance(c, Section) for c in children):
        levels = [f"tutoriels/{name}" for name in config.extra.get("niveaux", [])]
        rank = {key: i for i, key in enumerate(levels)}

        def level_key(item: Any) -> tuple[int, int]:
            if item is index:
                return (0, 0)
            pages = _pages([item]) if isinstance(item, Section) else [item]
            key = "/".join(_norm_src(pages[0]).split("/")[:2]) if pages else ""
            return (1, rank.get(key, len(levels)))

        children.sort(key=level_key)
    else:
        linked = _linked_order(index)
        rank = {key: i for i, key in enumerate(linked)}
        children.sort(key=lambda c: (0, 0) if c is index else (
            1, rank.get(_norm_src(c), len(linked)) if isinstance(c, Page) else len(linked)))
    for child in children:
        if isinstance(child, Section):
            _arrange_section(child, config, top_key)


# Source paths of the French pages in menu order, kept for the PDF packs.
_MENU_ORDER: list[str] = []


def on_nav(nav: Navigation, config: Any, files: Any) -> Navigation:
    nav.items = _ordered(nav.items, TOP_ORDER)
    for item in nav.items:
        if isinstance(item, Section):
            _arrange_section(item, config, _key(item))
    # Previous / next links follow the menu order.
    nav.pages = _pages(nav.items)
    bookended = [None, *nav.pages, None]
    for before, page, after in zip(bookended[:-2], nav.pages, bookended[2:]):
        page.previous_page, page.next_page = before, after
    if _language(None, config) == DEFAULT_LANGUAGE:
        _MENU_ORDER[:] = [_norm_src(page) for page in nav.pages]
    return nav


# --------------------------------------------------------------------------- pages

def on_page_markdown(markdown: str, page: Page, config: Any, files: Any) -> str:
    if MARQUEUR_EVALUATION in markdown and importlib.import_module("famnum.site.evaluation").donnees_fictives(config):
        markdown = avertir_donnees_fictives(markdown, _language(page, config))
    markdown, unknown = marqueurs.remplacer(markdown, config)
    for name in unknown:
        log.warning("%s : marqueur inconnu <!-- famnum:%s -->", page.file.src_uri, name)
    return markdown


MARQUEUR_EVALUATION = "<!-- famnum:evaluation-"  # a page whose figures come from the published package


def avertir_donnees_fictives(markdown: str, langue: str) -> str:
    """A visible « Données fictives » box right under the page's title (at the top without one)."""
    boite = (f'!!! warning "{_texte(langue, "fictif_titre")}"\n\n    {_texte(langue, "fictif_texte")}\n\n')
    titre = re.search(r"^#\s.*\n", markdown, re.M)
    if titre is None:
        return boite + markdown
    return markdown[:titre.end()] + "\n" + boite + markdown[titre.end():]


def is_fallback(page: Page) -> bool:
    """True when a non-French page shows the French file (no translation yet)."""
    shown_as = getattr(page.file, "locale_alternate_of", None)
    file_locale = getattr(page.file, "locale", None)
    return bool(shown_as and file_locale and shown_as != file_locale)


def sheet_slug(page: Page) -> str | None:
    """The slug of a workshop sheet (``ateliers/<slug>.md``), None for other pages."""
    parts = _norm_src(page).split("/")
    if len(parts) == 2 and parts[0] == "ateliers" and parts[1] != "index.md":
        return parts[1][: -len(".md")]
    return None


def _pdf_target(page: Page, language: str) -> tuple[str, str] | None:
    """The PDF a page links to, in the page's language, and the key of the link's words."""
    slug = sheet_slug(page)
    if slug:
        return pdf.sheet_pdf_path(slug, language), "pdf_fiche"
    src = _norm_src(page)
    if src == "tutoriels/index.md":
        return pdf.tutorials_pack(language), "pdf_tutoriels"
    if src == "ateliers/index.md":
        return pdf.sheets_pack(language), "pdf_ateliers"
    return None


# pymdownx.tasklist writes bare, disabled checkboxes: no accessible name (axe "label").
# Wrap each with its text in a <label>, and let parents tick their own checklist.
TASK_RE = re.compile(r'<input type="checkbox" disabled(?:="disabled")?\s*/?>'
                     r'((?:(?!</li>|</p>|<ul|<ol|<label).)*)', re.DOTALL)


def label_tasks(html: str) -> str:
    return TASK_RE.sub(lambda m: f'<label><input type="checkbox">{m.group(1)}</label>', html)


def date_lisible(language: str, date: Any) -> str:
    """`date` written out in `language`, e.g. « 3 décembre 2026 », numbers isolated for RTL pages."""
    month = _texte(language, "mois").split()[date.month - 1]
    return f"<bdi>{date.day}</bdi> {month} <bdi>{date.year}</bdi>"


def bloc_sources(language: str, verification: sources.Verification) -> str:
    """The end-of-page block: when the facts were checked, and the official pages they rely on."""
    if verification.le is None and not verification.sources:
        return ""
    lines = ['<aside class="famnum-sources">']
    if verification.le is not None:
        date = date_lisible(language, verification.le)
        lines.append(f"<p>{_texte(language, 'verifie_le').format(date=date)}</p>")
    if verification.sources:
        lines.append(f"<p>{_texte(language, 'sources')}</p>\n<ul>")
        lines += [f'<li><a href="{escape(url)}" lang="fr" dir="ltr">{escape(title)}</a></li>'
                  for title, url in verification.sources]
        lines.append("</ul>")
    lines.append("</aside>")
    return "\n".join(lines) + "\n"


def on_page_content(html: str, page: Page, config: Any, files: Any) -> str:
    language = _language(page, config)
    html = tableaux.preparer(label_tasks(html))
    target = _pdf_target(page, language) if pdf_enabled() else None
    if target is not None:
        path, key = target
        href = get_relative_url(path, page.url)
        link = (f'<p class="famnum-pdf"><a href="{href}" download>'
                f'{_texte(language, key)}</a></p>\n')
        # After the page's title when it starts with one, else first.
        end_h1 = html.find("</h1>")
        html = html[: end_h1 + 5] + "\n" + link + html[end_h1 + 5:] if end_h1 >= 0 else link + html
    if is_fallback(page):
        # Its menu entry (and tab title) in the reader's language, from nav_translations.
        title = page.title
        page.title = _nav_translations(config).get(title, title) if title else title
        direction = "rtl" if language in RTL_LANGUAGES else "ltr"
        note = (f'<div class="admonition info famnum-non-traduit" lang="{language}" '
                f'dir="{direction}" role="note"><p>{_texte(language, "non_traduit")}</p></div>\n')
        html = note + (f'<div lang="{DEFAULT_LANGUAGE}" dir="ltr" class="famnum-francais">'
                       f'\n{html}\n</div>')
    if page.file.abs_src_path:
        html += bloc_sources(language, sources.lire(Path(page.file.abs_src_path)))
    return html


HTML_TAG_RE = re.compile(r"<html\b([^>]*)>")


def on_post_page(output: str, page: Page, config: Any) -> str:
    language = _language(page, config)
    if language in RTL_LANGUAGES:
        output = HTML_TAG_RE.sub(
            lambda m: m.group(0) if "dir=" in m.group(1) else f'<html{m.group(1)} dir="rtl">',
            output, count=1)
        output = bidi.isoler(output)
    prefix = "" if language == DEFAULT_LANGUAGE else f"{language}/"
    statement = f"{prefix}accessibilite.html" if not config.use_directory_urls \
        else f"{prefix}accessibilite/"
    output = output.replace('href="famnum:accessibilite"',
                            f'href="{get_relative_url(statement, page.url)}"')
    output = leger.sans_sitemap_des_langues(output)
    if language != DEFAULT_LANGUAGE:
        output = leger.base_de_langue(output, language)  # its own search index
    return toc_sans_case(output)


TOC_LABEL_RE = re.compile(r'<label class="md-nav__title" for="__toc">(.*?)</label>', re.S)


def toc_sans_case(output: str) -> str:
    """On a section's index page the theme writes the table of contents' title as a <label> for the
    `__toc` checkbox it leaves out there: a label for no control (invalid HTML). Keep the title, as
    a plain block, when the checkbox is missing."""
    if 'id="__toc"' in output:
        return output
    return TOC_LABEL_RE.sub(r'<div class="md-nav__title">\1</div>', output)


ALTERNATE_RE = re.compile(r'href="[^"]*"(\s+hreflang="([a-z]{2})")')


def on_post_template(output: str, template_name: str, config: Any) -> str:
    """The 404 page: one, in French, at the site's root, with absolute links.

    It is a static template that mkdocs-static-i18n renders again in each language, to the
    same file, with the language menu of the last page built: keep the French one and point
    its language menu to each language's home page.
    """
    if template_name != "404.html":
        return output
    language = str(config.theme.get("language") or DEFAULT_LANGUAGE)
    if language != DEFAULT_LANGUAGE:
        return ""  # mkdocs writes nothing for an empty output
    homes = {lang: "/" if lang == DEFAULT_LANGUAGE else f"/{lang}/"
             for lang in ((_i18n(config) and _i18n(config).build_languages) or [])}
    output = leger.sans_sitemap_des_langues(output)
    output = ALTERNATE_RE.sub(
        lambda m: f'href="{homes[m.group(2)]}index.html"{m.group(1)}'
        if m.group(2) in homes else m.group(0), output)
    return output.replace('href="famnum:accessibilite"', 'href="/accessibilite.html"')


# --------------------------------------------------------------------------- PDFs

@event_priority(-200)  # after mkdocs-static-i18n has built every language, and the offline plugin
def on_post_build(config: Any) -> None:
    i18n = _i18n(config)
    if i18n is not None and getattr(i18n, "building", False):
        return  # a nested per-language build: the whole site is finished once, at the end
    site_dir = Path(config.site_dir)
    racine = Path(config.config_file_path).parent
    langues = list((i18n and i18n.build_languages) or [DEFAULT_LANGUAGE])
    documents = leger.index_par_langue(site_dir, langues, DEFAULT_LANGUAGE)
    log.info("Index de recherche par langue : %s", documents)
    if pdf_enabled():
        cache = cache_pdf.dossier_par_defaut(racine)
        report = pdf.build_all(site_dir, _MENU_ORDER, cache=cache, langues=tuple(langues))
        log.info("PDF : %d fichiers en %.1f s (%d inchangés, repris de %s)", len(report["fichiers"]),
                 report["secondes"], len(report["repris"]), cache)
    else:
        log.info("PDF non générés (FAMNUM_SANS_PDF=1)")
    fichiers = leger.precompresser(site_dir, leger.cache_par_defaut(racine))
    log.info("%d fichiers texte précompressés (.gz, .br)", fichiers)
