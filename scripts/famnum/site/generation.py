"""The site's source tree, generated before any engine runs (issue 17).

``generer`` writes, for each language of the site, a complete project that a Material-style engine
(mkdocs + mkdocs-material, or Zensical) builds with no famnum plugin or hook::

    build/site-src/<langue>/mkdocs.yml     one config per language: explicit nav, theme language,
                                           RTL for Arabic, language selector (extra.alternate)
    build/site-src/<langue>/docs/…         every page under its French name, in that language
    build/site-src/<langue>/site/          what the engine builds (moved into the site afterwards)

Each page is the language's file (``page.<langue>.md``) or, without one, the French file with a
note in the reader's language (``famnum-non-traduit``) and the French text marked ``lang="fr"``.
Its ``<!-- famnum:NAME -->`` markers are rendered from the territory's data (``marqueurs``); a page
of figures made up for the demo says so under its title; a workshop sheet and the tutorials and
workshops index pages link to their PDF in the page's language, in each language whose PDFs the build
prints (every language by default, see ``langues_imprimees``: never a link to a PDF that is not made);
a tutorial or sheet ends with the date its facts were checked and its sources. Images and other files follow the same rule
(``image.<langue>.svg`` shown as ``image.svg``).

The menu is written out in reading order (home, programme, tutorials level after level, phone
guides, workshop sheets, evaluation, accessibility, legal notice; inside a section, the order in
which its index page links to its pages), each section titled after its index page, in the language.

Writing is incremental: a file whose bytes did not change is not rewritten (its mtime is kept), and
a file no longer generated is removed. Reads only ``content/``, ``mkdocs.yml``, the territory's
data and the published package: never a dossier.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import posixpath
import re
import shutil
from collections.abc import Collection
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..erreurs import FamnumError
from ..gabarits import rendre
from . import bidi, cache_graphiques, caches, marqueurs, pdf, sources

LANGUE_SOURCE = "fr"

# Modules that render data files into pages: importing one registers its markers
# (``@marqueur("name")``). Add a module here.
MODULES_DE_MARQUEURS = (
    "famnum.site.evaluation",      # build/public/ → content/evaluation/
    "famnum.site.registre",        # the processing register → content/programme/
    "famnum.attribution.site",     # data/attribution.yaml → the published grid
)

# Top-level order of the menu; anything else comes after, in its usual order.
ORDRE_HAUT = ["index.md", "programme", "tutoriels", "guides-appel", "ateliers", "evaluation", "accessibilite.md",
              "mentions-legales.md"]

# Keys of mkdocs.yml's ``extra`` that are famnum's own settings, not the theme's.
EXTRA_FAMNUM = ("niveaux", "territoire", "contacts", "moteur")

# Words the generation adds to pages, in each language of the site.
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

TITRE_RE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
ENTETE_RE = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
TITRE_ENTETE_RE = re.compile(r"^title:\s*[\"']?(.+?)[\"']?\s*$", re.MULTILINE)
LIEN_MD_RE = re.compile(r"\]\(\s*<?([^)\s>#]+\.md)")
MARQUEUR_EVALUATION = "<!-- famnum:evaluation-"  # a page whose figures come from the published package
SORTIE = "site"  # the engine's output, inside each language's project


def texte(langue: str, cle: str) -> str:
    return TEXTES.get(langue, TEXTES[LANGUE_SOURCE])[cle]


def charger_marqueurs() -> None:
    """Import every module that registers markers."""
    for module in MODULES_DE_MARQUEURS:
        importlib.import_module(module)


# --------------------------------------------------------------------------- the languages

@dataclass(frozen=True)
class Langue:
    code: str
    nom: str
    reglages: dict = field(default_factory=dict, hash=False, compare=False)  # site_name, copyright…

    @property
    def prefixe(self) -> str:
        """Where the language's site sits in the published site: the root for French."""
        return "" if self.code == LANGUE_SOURCE else f"{self.code}/"

    @property
    def traductions_du_menu(self) -> dict[str, str]:
        return dict(self.reglages.get("nav_translations") or {})


def config_du_site(racine: Path) -> dict:
    """The territory's mkdocs.yml as mkdocs reads it (its ``!ENV`` tags)."""
    from mkdocs.utils import yaml_load

    with (racine / "mkdocs.yml").open(encoding="utf-8") as flux:
        return yaml_load(flux) or {}


def langues_du_site(config: dict) -> list[Langue]:
    """The languages of mkdocs.yml (``plugins: i18n: languages``), French first; French alone without."""
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            lues = [Langue(str(l["locale"]), str(l.get("name") or l["locale"]), dict(l))
                    for l in (plugin["i18n"] or {}).get("languages", []) if l.get("build", True)]
            return sorted(lues, key=lambda langue: langue.code != LANGUE_SOURCE)
    return [Langue(LANGUE_SOURCE, "Français")]


def code_des_traductions(config: dict) -> tuple[str, ...]:
    return tuple(langue.code for langue in langues_du_site(config) if langue.code != LANGUE_SOURCE)


def langues_imprimees(demande: bool | Collection[str], langues: list[Langue]) -> tuple[str, ...]:
    """The languages whose PDFs are printed, in the site's order: every one (True), none (False), or
    those named (a quicker build that still prints some, as the tests' shared site does)."""
    codes = tuple(langue.code for langue in langues)
    if isinstance(demande, bool):
        return codes if demande else ()
    demande = {demande} if isinstance(demande, str) else set(demande)
    inconnues = sorted(demande - set(codes))
    if inconnues:
        raise FamnumError(f"PDF demandés en « {', '.join(inconnues)} » : le site (mkdocs.yml, « languages » sous "
                          f"« i18n ») n'a que « {', '.join(codes)} ».", code="site.pdf_langue",
                          correction=f"demandez les PDF de langues parmi {', '.join(codes)}, ou ajoutez la langue "
                                     "au site.")
    return tuple(code for code in codes if code in demande)


# --------------------------------------------------------------------------- files of content/

def traduction_de(relatif: str, codes: tuple[str, ...]) -> tuple[str, str] | None:
    """``a/b.ar.md`` → (``a/b.md``, ``ar``); None for a file in the source language."""
    dossier, nom = posixpath.split(relatif)
    morceaux = nom.split(".")
    if len(morceaux) >= 3 and morceaux[-2] in codes:
        return posixpath.join(dossier, ".".join([*morceaux[:-2], morceaux[-1]])), morceaux[-2]
    return None


def fichiers_du_contenu(content: Path, codes: tuple[str, ...]) -> dict[str, dict[str, Path]]:
    """Each French file of ``content/`` (posix path) → its file in each language that has one."""
    fichiers: dict[str, dict[str, Path]] = {}
    traduits: list[tuple[str, str, Path]] = []
    for chemin in sorted(p for p in content.rglob("*") if p.is_file()):
        relatif = chemin.relative_to(content).as_posix()
        trouve = traduction_de(relatif, codes)
        if trouve is None:
            fichiers.setdefault(relatif, {})[LANGUE_SOURCE] = chemin
        else:
            traduits.append((*trouve, chemin))
    for francais, code, chemin in traduits:
        fichiers.setdefault(francais, {})[code] = chemin
    return fichiers


def titre_source(chemin: Path) -> str | None:
    """A page's title: its front matter's ``title``, else its first level-one heading."""
    try:
        texte_page = chemin.read_text(encoding="utf-8")
    except OSError:
        return None
    entete = ENTETE_RE.match(texte_page)
    trouve = (TITRE_ENTETE_RE.search(entete.group(0)) if entete else None) or TITRE_RE.search(texte_page)
    return trouve.group(1).strip() if trouve else None


# --------------------------------------------------------------------------- the menu

@dataclass
class Section:
    cle: str               # the folder's path, "tutoriels/demarches"
    elements: list         # pages (str) and sections, its index page first


def _arbre(pages: list[str], prefixe: str = "") -> list:
    """mkdocs' default menu of ``pages``: a folder's files (index first), then its folders."""
    ici = sorted((p for p in pages if "/" not in p[len(prefixe):]),
                 key=lambda p: (posixpath.basename(p) != "index.md", p))
    dossiers = sorted({p[len(prefixe):].split("/")[0] for p in pages if "/" in p[len(prefixe):]})
    sections = [Section(prefixe + nom, _arbre([p for p in pages if p.startswith(f"{prefixe}{nom}/")],
                                               f"{prefixe}{nom}/")) for nom in dossiers]
    return [*ici, *sections]


def _cle(element: Any) -> str:
    return element.cle.split("/")[-1] if isinstance(element, Section) else element


def _index(section: Section) -> str | None:
    premier = section.elements[0] if section.elements else None
    return premier if isinstance(premier, str) and posixpath.basename(premier) == "index.md" else None


def _ordre_des_liens(content: Path, index: str | None) -> list[str]:
    """Source paths of the pages an index page links to, in reading order."""
    if index is None:
        return []
    texte_page = (content / index).read_text(encoding="utf-8")
    base = posixpath.dirname(index)
    return [posixpath.normpath(posixpath.join(base, cible)) for cible in LIEN_MD_RE.findall(texte_page)]


def _ranger(section: Section, content: Path, niveaux: list[str], haut: str) -> None:
    index = _index(section)
    if haut == "tutoriels" and any(isinstance(e, Section) for e in section.elements):
        rang = {f"tutoriels/{nom}": i for i, nom in enumerate(niveaux)}
        section.elements.sort(key=lambda e: (0, 0) if e == index else (
            1, rang.get(e.cle if isinstance(e, Section) else e, len(niveaux))))
    else:
        liens = _ordre_des_liens(content, index)
        rang = {cible: i for i, cible in enumerate(liens)}
        section.elements.sort(key=lambda e: (0, 0) if e == index else (
            1, rang.get(e, len(liens)) if isinstance(e, str) else len(liens)))
    for element in section.elements:
        if isinstance(element, Section):
            _ranger(element, content, niveaux, haut)


def menu(content: Path, pages: list[str], niveaux: list[str]) -> list:
    """The menu as a course: ``ORDRE_HAUT`` at the top, the tutorials by level, each other section
    in the order its index page links to its pages."""
    rang = {cle: i for i, cle in enumerate(ORDRE_HAUT)}
    elements = sorted(_arbre(pages), key=lambda e: rang.get(_cle(e), len(ORDRE_HAUT)))
    for element in elements:
        if isinstance(element, Section):
            _ranger(element, content, niveaux, element.cle)
    return elements


def pages_dans_l_ordre(elements: list) -> list[str]:
    """The pages of a menu, in reading order."""
    ordre: list[str] = []
    for element in elements:
        ordre.extend(pages_dans_l_ordre(element.elements) if isinstance(element, Section) else [element])
    return ordre


# --------------------------------------------------------------------------- a page

def _url(chemin: str, langue: Langue) -> str:
    """The published address of a page (no directory URLs), from the site's root."""
    return langue.prefixe + chemin[: -len(".md")] + ".html"


def lien_relatif(cible: str, depuis: str) -> str:
    """``cible`` (a path from the site's root) as a link from the page at ``depuis``."""
    return posixpath.relpath(cible, posixpath.dirname(depuis) or ".")


def _cible_pdf(chemin: str, code: str) -> tuple[str, str] | None:
    """The PDF a page links to, in the page's language, and the key of the link's words."""
    parties = chemin.split("/")
    if len(parties) == 2 and parties[0] == "ateliers" and parties[1] != "index.md":
        return pdf.sheet_pdf_path(parties[1][: -len(".md")], code), "pdf_fiche"
    if chemin == "tutoriels/index.md":
        return pdf.tutorials_pack(code), "pdf_tutoriels"
    if chemin == "ateliers/index.md":
        return pdf.sheets_pack(code), "pdf_ateliers"
    return None


def _apres_le_titre(corps: str, bloc: str) -> str:
    """``bloc`` right under the page's level-one heading (at the top without one)."""
    titre = re.search(r"^#\s.*\n", corps, re.M)
    if titre is None:
        return bloc + "\n" + corps
    return corps[:titre.end()] + "\n" + bloc + "\n" + corps[titre.end():]


def avertir_donnees_fictives(corps: str, code: str) -> str:
    """A visible « Données fictives » box right under the page's title."""
    return _apres_le_titre(corps, f'!!! warning "{texte(code, "fictif_titre")}"\n\n    {texte(code, "fictif_texte")}\n')


def bloc_sources(code: str, verification: sources.Verification) -> str:
    """The end-of-page block (template `site/sources.html`): when the facts were checked, the date written
    out in the language, and the official pages they rely on."""
    if verification.le is None and not verification.sources:
        return ""
    avant, _, apres = texte(code, "verifie_le").partition("{date}")
    mois = texte(code, "mois").split()[verification.le.month - 1] if verification.le else ""
    return rendre("site/sources.html", le=verification.le, avant=avant, mois=mois, apres=apres,
                  titre_liens=texte(code, "sources"), liens=verification.sources)


def en_francais(corps: str, code: str) -> str:
    """A page shown in French to a reader of another language: a note in their language, then the
    French text marked as such."""
    sens = "rtl" if code in bidi.LANGUES_RTL else "ltr"
    # the page's Markdown is famnum's content (content/), its markers rendered by their own templates
    return rendre("site/en-francais.html", langue=code, sens=sens, note=texte(code, "non_traduit"),
                  langue_source=LANGUE_SOURCE, corps=Markup(corps))


@dataclass
class Rendu:
    """What ``rendre_page`` made of one page."""
    texte: str
    inconnus: list[str]


def rendre_page(source: Path, chemin: str, langue: Langue, config: dict, *, avec_pdf: bool) -> Rendu:
    """The Markdown of page ``chemin`` in ``langue``, read from ``source``, ready for any engine."""
    brut = source.read_text(encoding="utf-8")
    entete = ENTETE_RE.match(brut)
    tete, corps = (entete.group(0), brut[entete.end():]) if entete else ("", brut)
    if MARQUEUR_EVALUATION in corps and importlib.import_module("famnum.site.evaluation").donnees_fictives(config):
        corps = avertir_donnees_fictives(corps, langue.code)
    corps, inconnus = marqueurs.remplacer(corps, config)
    cible = _cible_pdf(chemin, langue.code) if avec_pdf else None
    if cible is not None:
        href = lien_relatif(cible[0], _url(chemin, langue))
        corps = _apres_le_titre(corps, rendre("site/lien-pdf.html", href=href, libelle=texte(langue.code, cible[1])))
    if langue.code != LANGUE_SOURCE and not source.name.endswith(f".{langue.code}.md"):
        corps = en_francais(corps, langue.code)
    fin = bloc_sources(langue.code, sources.lire(source))
    return Rendu(tete + corps + ("\n\n" + fin if fin else ""), inconnus)


# --------------------------------------------------------------------------- the config of a language

def titre_au_menu(source: Path, langue: Langue, repli: bool) -> str | None:
    titre = titre_source(source)
    return langue.traductions_du_menu.get(titre, titre) if (titre and repli) else titre


def nav(elements: list, fichiers: dict[str, dict[str, Path]], langue: Langue) -> list:
    """The explicit ``nav`` of ``langue``: a page shown in French is titled from ``nav_translations``;
    a section after its index page in the language."""
    entrees: list = []
    for element in elements:
        if isinstance(element, Section):
            index = _index(element)
            titre = None
            if index is not None:
                source, repli = _source(fichiers[index], langue)
                titre = langue.traductions_du_menu.get(titre_source(source) or "", titre_source(source))
            titre = titre or element.cle.split("/")[-1].replace("-", " ").capitalize()
            entrees.append({titre: nav(element.elements, fichiers, langue)})
            continue
        source, repli = _source(fichiers[element], langue)
        titre = titre_au_menu(source, langue, repli) if repli else None
        entrees.append({titre: element} if titre else element)
    return entrees


def _source(versions: dict[str, Path], langue: Langue) -> tuple[Path, bool]:
    """The file shown in ``langue`` and whether it is the French one standing in for a translation."""
    if langue.code in versions:
        return versions[langue.code], False
    return versions[LANGUE_SOURCE], langue.code != LANGUE_SOURCE


def alternatives(langues: list[Langue], langue: Langue) -> list[dict]:
    """The theme's language selector: each language's home page, from ``langue``'s root."""
    retour = "../" if langue.prefixe else ""
    return [{"name": autre.nom, "link": f"{retour}{autre.prefixe}index.html", "lang": autre.code}
            for autre in langues]


def config_de_langue(config: dict, langues: list[Langue], langue: Langue, elements: list,
                     fichiers: dict[str, dict[str, Path]]) -> dict:
    """The engine config of one language: the territory's minus i18n and hooks, in that language."""
    ecartees = {"hooks", "docs_dir", "site_dir", "plugins", "extra", "nav", "theme", "INHERIT"}
    cfg = {cle: valeur for cle, valeur in config.items() if cle not in ecartees}
    for cle in ("site_name", "site_description", "copyright"):
        if langue.reglages.get(cle):
            cfg[cle] = langue.reglages[cle]
    theme = dict(config.get("theme") or {"name": "material"})
    theme["language"] = langue.code
    if langue.code in bidi.LANGUES_RTL:
        theme["direction"] = "rtl"
    extra = {cle: valeur for cle, valeur in (config.get("extra") or {}).items() if cle not in EXTRA_FAMNUM}
    if len(langues) > 1:
        extra["alternate"] = alternatives(langues, langue)
    cfg.update(docs_dir="docs", site_dir=SORTIE, use_directory_urls=False, theme=theme,
               plugins=_extensions(config, langue), extra=extra, nav=nav(elements, fichiers, langue))
    return cfg


def _extensions(config: dict, langue: Langue) -> list:
    """The territory's plugins without i18n; search in the language only."""
    plugins = []
    for plugin in config.get("plugins") or []:
        nom = plugin if isinstance(plugin, str) else next(iter(plugin))
        if nom == "i18n":
            continue
        if nom == "search":
            reglages = dict((plugin[nom] if isinstance(plugin, dict) else None) or {})
            plugin = {"search": {**reglages, "lang": [langue.code]}}
        plugins.append(plugin)
    return plugins


# --------------------------------------------------------------------------- writing the tree

class Arbre:
    """The files written by one generation under ``destination``: unchanged bytes are not rewritten."""

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        self.ecrits: set[Path] = set()
        self.changes = 0
        self.empreintes: dict[str, hashlib._Hash] = {}  # per language project: every path and its bytes

    def ecrire(self, relatif: str, donnees: bytes) -> None:
        chemin = self.destination / relatif
        self.ecrits.add(chemin)
        empreinte = self.empreintes.setdefault(relatif.split("/")[0], hashlib.sha256())
        empreinte.update(f"{relatif}\0{len(donnees)}\0".encode() + donnees)
        try:
            if chemin.stat().st_size == len(donnees) and chemin.read_bytes() == donnees:
                return
        except OSError:
            pass
        chemin.parent.mkdir(parents=True, exist_ok=True)
        temporaire = chemin.with_name(f".{chemin.name}.famnum")
        temporaire.write_bytes(donnees)
        os.replace(temporaire, chemin)
        self.changes += 1

    def copier(self, relatif: str, source: Path) -> None:
        self.ecrire(relatif, source.read_bytes())

    def elaguer(self, dossier: Path) -> None:
        """Remove what this generation did not write under ``dossier`` (pages gone from content/)."""
        for chemin in sorted(dossier.rglob("*"), reverse=True):
            if chemin.is_file() and chemin not in self.ecrits:
                chemin.unlink()
                self.changes += 1
            elif chemin.is_dir() and not any(chemin.iterdir()):
                chemin.rmdir()


@dataclass
class Generation:
    """The generated tree: where it is, its languages, the French pages in menu order."""
    destination: Path
    langues: list[Langue]
    ordre: list[str]
    inconnus: dict[str, list[str]]   # page → unknown marker names
    changes: int
    empreintes: dict[str, str]       # language → fingerprint of its whole project (pages, files, config)
    publie: Path                     # files the pages link to, copied into the built site (the package)
    pdf: tuple[str, ...]             # the languages whose pages link to their PDF: the ones to print

    def config(self, code: str) -> Path:
        return self.destination / code / "mkdocs.yml"

    def sortie(self, code: str) -> Path:
        """Where the engine writes the language's site (inside its project: Zensical requires it)."""
        return self.destination / code / SORTIE


@contextmanager
def _paquet_publie(public: Path | None):
    """FAMNUM_PUBLIC set to ``public`` while the markers read the published package."""
    avant = os.environ.get("FAMNUM_PUBLIC")
    if public is not None:
        os.environ["FAMNUM_PUBLIC"] = str(public)
    try:
        yield
    finally:
        if avant is None:
            os.environ.pop("FAMNUM_PUBLIC", None)
        else:
            os.environ["FAMNUM_PUBLIC"] = avant


def config_des_marqueurs(racine: Path, config: dict, langue: Langue, publie: Path) -> dict:
    """The mapping the markers read: the territory's settings, in the page's language."""
    return {**config, "config_file_path": str(racine / "mkdocs.yml"), "docs_dir": str(racine / "content"),
            "site_dir": str(publie), "use_directory_urls": False, "theme": {"language": langue.code}}


def generer(racine: Path, destination: Path, *, avec_pdf: bool | Collection[str] = True,
            public: Path | None = None) -> Generation:
    """Write the source tree of every language of the territory at ``racine`` under ``destination``; the
    pages of the languages in ``avec_pdf`` (all, none or some: ``langues_imprimees``) link to their PDF."""
    import yaml

    charger_marqueurs()
    config = config_du_site(racine)
    langues = langues_du_site(config)
    imprimees = langues_imprimees(avec_pdf, langues)
    codes = tuple(langue.code for langue in langues if langue.code != LANGUE_SOURCE)
    content = racine / "content"
    fichiers = fichiers_du_contenu(content, codes)
    pages = [chemin for chemin in fichiers if chemin.endswith(".md") and LANGUE_SOURCE in fichiers[chemin]]
    elements = menu(content, pages, list((config.get("extra") or {}).get("niveaux") or []))
    publie = destination / "publie"
    shutil.rmtree(publie, ignore_errors=True)
    arbre, inconnus = Arbre(destination), {}
    graphiques = cache_graphiques.dossier_par_defaut(racine)
    with _paquet_publie(public), cache_graphiques.utiliser(graphiques):
        for langue in langues:
            marqueurs_config = config_des_marqueurs(racine, config, langue, publie)
            for chemin, versions in fichiers.items():
                if LANGUE_SOURCE not in versions:
                    continue  # a translation of a file that no longer exists in French
                source, _ = _source(versions, langue)
                if not chemin.endswith(".md"):
                    arbre.copier(f"{langue.code}/docs/{chemin}", source)
                    continue
                rendu = rendre_page(source, chemin, langue, marqueurs_config,
                                    avec_pdf=langue.code in imprimees)
                if rendu.inconnus:
                    inconnus[f"{langue.prefixe}{chemin}"] = rendu.inconnus
                arbre.ecrire(f"{langue.code}/docs/{chemin}", rendu.texte.encode("utf-8"))
            cfg = config_de_langue(config, langues, langue, elements, fichiers)
            arbre.ecrire(f"{langue.code}/mkdocs.yml",
                         yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False, width=120).encode("utf-8"))
            arbre.elaguer(destination / langue.code / "docs")
    caches.elaguer(graphiques)
    return Generation(destination, langues, pages_dans_l_ordre(elements), inconnus, arbre.changes,
                      {code: empreinte.hexdigest() for code, empreinte in arbre.empreintes.items()}, publie,
                      imprimees)
