"""The evaluation pages' charts: horizontal bars and stacked bars drawn by matplotlib, written as an
inline SVG with a <title> and a text alternative (<desc>) inside a <figure> with its caption.

The drawing is matplotlib's (it escapes every text it writes); the <svg> element around it, its
title, its description and the figure come from the templates `evaluation/graphique.svg` and
`evaluation/figure.html` (autoescape: a label or a title is never markup). Every text comes
already in the page's language (`Libelles`); only « secret » and the numbers are written here.
"""
from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass

from markupsafe import Markup

from ..gabarits import rendre
from . import cache_graphiques
from .libelles import FRANCAIS, Libelles

COULEURS_ECHELLE = ("#b2182b", "#bababa", "#2166ac")  # diverging, readable in grey too
COULEURS_SOMBRES = ("#b2182b", "#2166ac", "#636363")  # a figure inside these is written in white
# Text of a chart is at least 12 px on a 360 px phone: the 6-inch (432 pt) drawing is shown
# about 328 px wide there (× 0.76), so its text is drawn at 16 pt.
TAILLE_TEXTE = 16
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_METADONNEES = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_SVG = re.compile(r"<svg([^>]*)>(.*)</svg>", re.S)
_TAILLE = re.compile(r' width="[^"]*" height="[^"]*"')


@dataclass(frozen=True)
class Graphique:
    """A chart ready for its template: what a reader is told, and matplotlib's drawing."""

    ident: str  # prefix of every id of the drawing (unique in the page)
    titre: str
    alternative: str  # the same figures in one sentence
    attributs: Markup  # matplotlib's attributes of <svg> (viewBox, namespaces), the fixed size removed
    dessin: Markup  # the inside of matplotlib's <svg>, text already escaped by matplotlib


def figure_html(graphique: Graphique, legende: str) -> str:
    """The chart in a <figure> with its caption (Markdown keeps this HTML block as it is)."""
    return rendre("evaluation/figure.html", graphique=graphique, legende=legende)


def _graphique(svg: str, titre: str, alternative: str, ident: str) -> Graphique:
    trouve = _SVG.search(_ids_propres(svg, ident))
    # fluid: the viewBox keeps the proportions, the width follows the page (no sideways scroll on a phone)
    attributs = _TAILLE.sub(' width="100%"', trouve.group(1), count=1)
    dessin = "\n".join(l for l in trouve.group(2).splitlines() if l.strip())
    # matplotlib's own output (it escapes the labels it writes), never a value put in by hand
    return Graphique(ident, titre, alternative, Markup(attributs), Markup(dessin))


def _ids_propres(svg: str, ident: str) -> str:
    """Every id of a matplotlib drawing prefixed with the chart's own: the charts of one page would
    otherwise share `patch_1`, `axes_1` and their clip paths (an id is unique in an HTML page)."""
    svg = _ID.sub(lambda m: f'id="{ident}-{m.group(1)}"', svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{ident}-{m.group(2)}", svg)


def _figure(hauteur: float):
    """A new 6-inch-wide figure and its axes, drawn by matplotlib without pyplot (no GUI backend, no
    figure manager to close)."""
    import matplotlib
    from matplotlib.figure import Figure

    # Arabic labels are measured with an Arabic font (fonts-noto-core), the others with DejaVu Sans.
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "famnum", "font.size": TAILLE_TEXTE,
                                "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans", "Noto Sans Arabic"]})
    figure = Figure(figsize=(6, hauteur))
    return figure, figure.subplots()


def _figer_les_graduations(ax) -> None:
    """The figures of the value axis chosen now, once and for all: the layout measures these, and
    matplotlib would otherwise choose again for the axes' new width, a last figure then sticking out
    of the drawing."""
    from matplotlib.ticker import FixedLocator

    debut, fin = ax.get_xlim()
    ax.xaxis.set_major_locator(FixedLocator([x for x in ax.get_xticks() if debut <= x <= fin]))


def _ajuster(figure, bas: float = 0.0) -> None:
    """Fit the axes and their labels in the figure (``tight_layout``), ``bas`` (a fraction of the
    height) left free under them for the legend; then leave no layout engine behind: with one,
    ``savefig`` would lay the whole figure out again before drawing it."""
    figure.tight_layout()
    figure.set_layout_engine(None)
    if bas:
        _liberer_le_bas(figure, bas)


def _liberer_le_bas(figure, bas: float) -> None:
    """What ``tight_layout(rect=(0, bas, 1, 1))`` gives a figure of one axes, without measuring every
    label a second time: its second pass keeps the first pass's margins and adds ``bas`` under the
    axes (the same arithmetic, so the same drawing). Axes that would have no height keep the first
    pass's layout."""
    reglages = figure.subplotpars
    bas = bas + reglages.bottom
    if bas < reglages.top:
        figure.subplots_adjust(bottom=bas, right=_deux_fois_le_complement(reglages.right),
                               top=_deux_fois_le_complement(reglages.top))


def _deux_fois_le_complement(bord: float) -> float:
    """1 - (1 - x), twice: how tight_layout carries a right or top edge through its second pass."""
    return 1 - (1 - (1 - (1 - bord)))


def replier(libelle: str, largeur: int = 20) -> str:
    """A long label or title on two or three lines, so it stays inside the chart."""
    return "\n".join(textwrap.wrap(libelle, largeur)) or libelle


@dataclass(frozen=True)
class Barres:
    """Everything a bar chart's drawing is made of, already in the page's language: the key of its
    entry in the cache of drawings (`cache_graphiques`)."""

    titre: str  # already folded on lines
    libelles: tuple[str, ...]  # one a bar, already folded
    longueurs: tuple[float, ...]  # a hidden value is a bar of length 0
    textes: tuple[str, ...]  # written after each bar: its figure, or « secret »
    unite: str


@dataclass(frozen=True)
class Empilees:
    """Everything a stacked bars chart's drawing is made of (see `Barres`)."""

    titre: str
    libelles: tuple[str, ...]
    parts: tuple[tuple[float | None, ...], ...]
    modalites: tuple[str, ...]
    couleurs: tuple[str, ...]
    unite: str
    largeur: float  # 100 for shares, else the longest bar
    secret: str | None  # the hatched piece's name (shares only), None for counts


def barres(titre: str, libelles: list[str], valeurs: list[float | None], ident: str, unite: str = "familles",
           t: Libelles = FRANCAIS) -> Graphique:
    """Horizontal bars; a hidden value is drawn as nothing and written « secret » (in `t`'s language:
    the caller gives the title, labels and unit already in it)."""
    dessin = Barres(replier(titre, 30), tuple(replier(l) for l in libelles), tuple(v or 0 for v in valeurs),
                    tuple(f" {t.decimal(v)}" if v is not None else f" {t('secret')}" for v in valeurs), unite)
    alternative = t("{titre} : {valeurs}.", titre=titre, valeurs=t(" ; ").join(
        t("{libelle}, {valeur}", libelle=l, valeur=t("secret") if v is None else f"{t.decimal(v)} {unite}")
        for l, v in zip(libelles, valeurs)))
    return _graphique(cache_graphiques.svg(dessin, _svg), titre, alternative, ident)


def empilees(titre: str, lignes: list[tuple[str, list[float | None]]], ident: str, *, modalites: list[str],
             couleurs=COULEURS_ECHELLE, unite: str = "% des familles ayant répondu", pourcent: bool = True,
             t: Libelles = FRANCAIS) -> Graphique:
    """One stacked bar per line: shares on the answer scale (%), or counts by modality."""
    largeur = 100 if pourcent else max([sum(v or 0 for v in p) for _, p in lignes] + [1])
    dessin = Empilees(replier(titre, 30), tuple(replier(l, 24) for l, _ in lignes), tuple(tuple(p) for _, p in lignes),
                      tuple(modalites), tuple(couleurs), unite, largeur, t("secret") if pourcent else None)
    mesure = (lambda p: t.pourcent(p, decimales=False)) if pourcent else t.decimal
    alternative = t("{titre} : {valeurs}.", titre=titre, valeurs=t(" ; ").join(
        t("{libelle} : {valeurs}", libelle=l, valeurs=", ".join(
            f"{modalites[k]} {t('secret') if p is None else mesure(p)}" for k, p in enumerate(parts)))
        for l, parts in lignes))
    return _graphique(cache_graphiques.svg(dessin, _svg), titre, alternative, ident)


def _svg(dessin: Barres | Empilees) -> str:
    """matplotlib's SVG of a chart, its metadata left out (the same drawing gives the same bytes)."""
    figure = _dessiner_barres(dessin) if isinstance(dessin, Barres) else _dessiner_empilees(dessin)
    figure.savefig(flux := io.StringIO(), format="svg", metadata={"Date": None, "Creator": None})
    return _METADONNEES.sub("", flux.getvalue())


def _dessiner_barres(dessin: Barres):
    fig, ax = _figure(0.8 * len(dessin.libelles) + 1.6)
    y = list(range(len(dessin.libelles)))[::-1]
    ax.barh(y, dessin.longueurs, color="#2166ac")
    for yi, longueur, texte in zip(y, dessin.longueurs, dessin.textes):
        ax.text(longueur, yi, texte, va="center")
    ax.set_yticks(y, dessin.libelles)
    ax.set_xlabel(dessin.unite)
    ax.margins(x=0.12)  # room for the figure written after the longest bar
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(dessin.titre, loc="left")
    _figer_les_graduations(ax)
    _ajuster(fig)
    return fig


def _dessiner_empilees(dessin: Empilees):
    noms, colonnes = _noms_de_legende(dessin.modalites, dessin.secret)
    en_plus = -(-len(noms) // colonnes) * (max(nom.count("\n") for nom in noms))  # lines a long name adds
    fig, ax = _figure(0.7 * len(dessin.libelles) + 2.6 + 0.35 * en_plus)
    y = list(range(len(dessin.libelles)))[::-1]
    for yi, parts in zip(y, dessin.parts):
        _empiler(ax, yi, parts, dessin.couleurs, dessin.secret is not None, dessin.largeur)
    ax.set_yticks(y, dessin.libelles)
    ax.set_xlim(0, dessin.largeur)
    ax.set_xlabel(dessin.unite)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(dessin.titre, loc="left")
    _figer_les_graduations(ax)
    _legende(fig, noms, colonnes, dessin.couleurs, dessin.secret is not None)
    return fig


def _noms_de_legende(modalites: tuple[str, ...], secret: str | None) -> tuple[list[str], int]:
    """The legend's entries (the hatched piece's name last), each folded to a column's width, and its
    number of columns."""
    noms = [*modalites, secret] if secret else list(modalites)
    colonnes = 3 if len(noms) > 4 else 2
    return [replier(nom, 36 // colonnes) for nom in noms], colonnes


def _legende(fig, noms: list[str], colonnes: int, couleurs, secret: bool) -> None:
    """The legend's rows under the axis, never over its label; `secret`: the last name is the hatched
    piece's."""
    from matplotlib.patches import Patch

    poignees = [Patch(color=c, label=m) for m, c in zip(noms, couleurs)]
    if secret:
        poignees.append(Patch(facecolor="white", edgecolor="#555555", hatch="//", label=noms[-1]))
    fig.legend(handles=poignees, ncols=colonnes, loc="lower center", frameon=False)
    lignes = -(-len(poignees) // colonnes) * max(nom.count("\n") + 1 for nom in noms)
    _ajuster(fig, bas=(0.35 * lignes + 0.2) / fig.get_figheight())


def _empiler(ax, yi: float, parts: list[float | None], couleurs, pourcent: bool, largeur: float) -> None:
    gauche = 0.0
    seuil_texte = 0.08 * largeur  # a figure fits inside its piece of bar
    for part, couleur in zip(parts, couleurs):
        if part:
            ax.barh(yi, part, left=gauche, color=couleur)
            if part >= seuil_texte:
                blanc = couleur in COULEURS_SOMBRES
                ax.text(gauche + part / 2, yi, f"{part:.0f}", ha="center", va="center", color="white" if blanc else "black")
            gauche += part
    if pourcent and None in parts and gauche < 99.95:  # what the secret hides, together (derivable from the table anyway)
        ax.barh(yi, 100 - gauche, left=gauche, color="white", edgecolor="#555555", hatch="//")
