"""Laying out one screen description as SVG text, for one language.

Every shape is written by a macro of the template `gabarits/site/ecran-formes.svg` and the drawing by
`gabarits/site/ecran.svg` (autoescape: a label is never markup). Coordinates are those of a 360-wide drawing, the width of a phone: text of 15 units or more stays at
least 12 px tall once the page scales the drawing into its step of the list (296 px wide on a 360 px
screen, measured in Chromium). Text widths are
estimated from the number of characters (wide on purpose), so that the layout is the same everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from markupsafe import Markup

from famnum.gabarits import macros, rendre
from famnum.site.ecrans.description import Ecran, Element

FORMES = "site/ecran-formes.svg"  # the template whose macros write what this module adds

LARGEUR = 360
MARGE = 38  # on the left, room for the badges
MARGE_DROITE = 24
ECART = 14
TAILLE = 16  # on-screen labels
TAILLE_GLOSE = 15  # their meaning in the page's language; notes
TAILLE_TITRE = 18
ENCRE = "#263238"
BLEU = "#283593"
GRIS = "#eceff1"
BORD = "#546e7a"
# A run of Latin letters, digits and signs inside Arabic text: isolated left to right (LRI … PDI) so that
# « FranceConnect+ » or « 6 » keep their order and their brackets.
LATIN = re.compile(r"[0-9A-Za-zÀ-ÿ][0-9A-Za-zÀ-ÿ+.@/'’_ -]*[0-9A-Za-zÀ-ÿ+]|[0-9A-Za-zÀ-ÿ]")

# A 24-unit drawing per icon, stroked.
ICONES = {
    "fleche": "M20 12H5M11 6l-6 6 6 6",
    "plus": "M12 4v16M4 12h16",
    "croix": "M6 6l12 12M18 6L6 18",
    "etoile": "M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z",
    "loupe": "M10.5 4a6.5 6.5 0 1 0 .01 0zM15.5 15.5L21 21",
    "trombone": "M16 7l-7.5 7.5a2.5 2.5 0 0 0 3.5 3.5L19 11a4.5 4.5 0 0 0-6.4-6.4L5.5 11.7a6.5 6.5 0 0 0 9.2 9.2L20 15.6",
    "micro": "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM6 11a6 6 0 0 0 12 0M12 17v4M8 21h8",
    "camera": "M3 7h12v10H3zM15 10l6-3v10l-6-3z",
    "raccrocher": "M2 14c5-6 15-6 20 0l-3 3-4-2v-3c-2-1-4-1-6 0v3l-4 2z",
    "telecharger": "M12 4v11M7 10l5 5 5-5M5 20h14",
    "bouclier": "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6zM8 12l3 3 5-6",
    "oeil": "M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zM12 9a3 3 0 1 0 .01 0z",
    "partager": "M18 3a2.5 2.5 0 1 0 .01 0zM6 9.5a2.5 2.5 0 1 0 .01 0zM18 16a2.5 2.5 0 1 0 .01 0zM8.2 10.8l7.6-4.6M8.2 13.2l7.6 4.6",
    "qr": "M3 3h7v7H3zM14 3h7v7h-7zM3 14h7v7H3zM14 14h3v3h-3zM18 18h3v3h-3zM5.5 5.5h2v2h-2zM16.5 5.5h2v2h-2zM5.5 16.5h2v2h-2z",
    "grille": "M4 4h4v4H4zM10 4h4v4h-4zM16 4h4v4h-4zM4 10h4v4H4zM10 10h4v4h-4zM16 10h4v4h-4zM4 16h4v4H4zM10 16h4v4h-4zM16 16h4v4h-4z",
    "declencheur": "M12 2a10 10 0 1 0 .01 0zM12 6a6 6 0 1 0 .01 0z",
    "dossier": "M3 6h6l2 2h10v11H3z",
    "fichier": "M6 3h8l4 4v14H6zM14 3v4h4",
    "crayon": "M4 20l1-5L16 4l4 4L9 19zM14 6l4 4",
}


@dataclass
class Boite:
    x: float
    y: float
    l: float
    h: float


@dataclass
class Pose:
    """What an item draws, its height and the box a badge points at."""
    formes: list[str] = field(default_factory=list)
    hauteur: float = 0
    boite: Boite | None = None


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _ensemble(formes: list[str]) -> Markup:
    """Shapes side by side: each is a macro's output (Markup); anything else would be escaped."""
    return Markup("").join(formes)


def _morceaux(contenu: str, langue: str | None) -> list[tuple[bool, str]]:
    """The text in runs, (latin, run): in Arabic, each run of Latin letters, digits and signs is marked."""
    if langue != "ar":
        return [(False, contenu)]
    morceaux, debut = [], 0
    for trouve in LATIN.finditer(contenu):
        morceaux += [(False, contenu[debut:trouve.start()]), (True, trouve.group(0))]
        debut = trouve.end()
    return [*morceaux, (False, contenu[debut:])]


def largeur_texte(texte: str, taille: float, gras: bool = False) -> float:
    """A generous estimate of a line's width, the same on every machine."""
    total = 0.0
    for c in texte:
        if "\u0600" <= c <= "\u06ff":
            total += 0.52
        elif c in "mwMW@":
            total += 0.88
        elif c in "iljtfrI.,;:'!|/ ()":
            total += 0.32
        elif c.isupper():
            total += 0.7
        else:
            total += 0.58
    return total * taille * (1.08 if gras else 1.0)


SOULIGNE = 0.9  # the estimate of a line's width is generous: a link's underline is drawn this much of it
_MOTS = re.compile(r" +(?![?!:;»])")  # a French « ? » or « : » stays with the word before it


class TropLarge(ValueError):
    """A word wider than the room it is given: the description must give it a wider cell."""


def couper(texte: str, largeur: float, taille: float, gras: bool = False) -> list[str]:
    """`texte` in lines no wider than `largeur`."""
    lignes: list[str] = []
    for mot in _MOTS.split(texte.strip()):
        if largeur_texte(mot, taille, gras) > largeur:
            raise TropLarge(f"« {mot} » ne tient pas dans {largeur:.0f} unités")
        essai = f"{lignes[-1]} {mot}" if lignes else mot
        if lignes and largeur_texte(essai, taille, gras) <= largeur:
            lignes[-1] = essai
        else:
            lignes.append(mot)
    return lignes


def texte(x: float, y: float, contenu: str, taille: float = TAILLE, couleur: str = ENCRE, *,
          langue: str | None = None, gras: bool = False, italique: bool = False, ancre: str = "start",
          classe: str | None = None) -> Markup:
    if langue == "ar":
        ancre = {"start": "end", "end": "start"}.get(ancre, ancre)  # right-to-left: keep the same edge
    return macros(FORMES).texte(_n(x), _n(y), _n(taille), couleur, _morceaux(contenu, langue), gras=gras,
                           italique=italique, rtl=langue == "ar", ancre=ancre, francais=langue == "fr", classe=classe)


def a_une_glose(libelle: dict[str, str], langue: str) -> bool:
    """A translated drawing says what a French word means, unless it is the same word in that language."""
    return langue != "fr" and libelle[langue].casefold() != libelle["fr"].casefold()


def bloc(libelle: dict[str, str], langue: str, x: float, y: float, largeur: float, *,
         taille: float = TAILLE, gras: bool = False, couleur: str = ENCRE, couleur_glose: str = ENCRE,
         ancre: str = "start") -> Pose:
    """An on-screen French label, and beneath it, on a translated drawing, its meaning in brackets."""
    formes, haut = [], y
    for ligne in couper(libelle["fr"], largeur, taille, gras):
        haut += taille * 1.3
        formes.append(texte(x, haut - taille * 0.3, ligne, taille, couleur, langue="fr", gras=gras, ancre=ancre))
    if a_une_glose(libelle, langue):
        for ligne in couper(f"({libelle[langue]})", largeur, TAILLE_GLOSE):
            haut += TAILLE_GLOSE * 1.3
            formes.append(texte(x, haut - TAILLE_GLOSE * 0.3, ligne, TAILLE_GLOSE, couleur_glose, langue=langue,
                                italique=True, ancre=ancre, classe="glose"))
    return Pose([macros(FORMES).groupe(formes, classe="libelle")], haut - y)


def note(contenu: str, langue: str, x: float, y: float, largeur: float) -> Pose:
    """A remark of the drawing itself (not on the screen), in the page's language."""
    formes, haut = [], y
    for ligne in couper(contenu, largeur, TAILLE_GLOSE):
        haut += TAILLE_GLOSE * 1.3
        formes.append(texte(x, haut - TAILLE_GLOSE * 0.3, ligne, TAILLE_GLOSE, ENCRE, langue=langue,
                            italique=True, classe="note"))
    return Pose(formes, haut - y)


def icone(nom: str, x: float, y: float, taille: float = 28, couleur: str = ENCRE) -> Markup:
    return macros(FORMES).icone(_n(x), _n(y), _n(taille / 24), ICONES[nom], couleur)


def cadre_rect(x: float, y: float, l: float, h: float, *, fond: str = "#ffffff", bord: str = BORD,
               epaisseur: float = 1.5, arrondi: float = 4, tirets: str | None = None) -> Markup:
    return macros(FORMES).cadre(_n(x), _n(y), _n(l), _n(h), _n(arrondi), fond, bord, _n(epaisseur), tirets=tirets)


def aplat(x: float, y: float, l: float, h: float, fond: str, arrondi: float | None = None) -> Markup:
    """A filled rectangle without an outline."""
    return macros(FORMES).aplat(_n(x), _n(y), _n(l), _n(h), fond, arrondi=_n(arrondi) if arrondi else None)


def trait(trace: str, couleur: str, epaisseur: float, arrondi: bool = False) -> Markup:
    """A stroked line (`trace`: its SVG path)."""
    return macros(FORMES).trait(trace, couleur, _n(epaisseur), arrondi=arrondi)


def code(x: float, y: float, contenu: str, taille: float = TAILLE) -> Markup:
    """A text that is the same in every language (an address, dots, a number)."""
    return texte(x, y, contenu, taille, ENCRE, classe="code")


def _lignes_bloc(libelle: dict[str, str], langue: str, largeur: float, taille: float, gras: bool) -> list[str]:
    lignes = couper(libelle["fr"], largeur, taille, gras)
    return lignes + (couper(f"({libelle[langue]})", largeur, TAILLE_GLOSE) if a_une_glose(libelle, langue) else [])


def _etiquette(e: Element, langue: str, x: float, y: float, l: float, **style) -> Pose:
    """The item's label (French with its meaning) or, without one, its text the same in every language."""
    if e.libelle:
        return bloc(e.libelle, langue, x, y, l, **style)
    if e.valeur:
        taille = style.get("taille", TAILLE)
        ancre = style.get("ancre", "start")
        return Pose([texte(x, y + taille, e.valeur, taille, style.get("couleur", ENCRE), ancre=ancre, classe="code")],
                    taille * 1.3)
    return Pose()


def poser_titre(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    return _etiquette(e, langue, x, y, l, taille=TAILLE_TITRE, gras=True)


def poser_texte(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    pose = _etiquette(e, langue, x, y, l)
    pose.boite = Boite(x, y, l, pose.hauteur)
    return pose


def poser_lien(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    pose = _etiquette(e, langue, x, y, l, couleur=BLEU)
    lignes = couper(e.libelle["fr"], l, TAILLE) if e.libelle else [e.valeur or ""]
    for i, ligne in enumerate(lignes):  # drawn, not text-decoration: WeasyPrint's PDFs would drop it
        bas = y + (i + 1) * TAILLE * 1.3 - TAILLE * 0.3 + 3
        longueur = min(l, largeur_texte(ligne, TAILLE) * SOULIGNE)
        pose.formes.append(trait(f"M{_n(x)} {_n(bas)}h{_n(longueur)}", BLEU, 1.3))
    pose.boite = Boite(x, y, l, pose.hauteur)
    return pose


def poser_champ(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    """A label, then the box to type in (with what is typed, and an icon at its end)."""
    pose = _etiquette(e, langue, x, y, l) if e.libelle else Pose()
    haut = y + pose.hauteur + (7 if e.libelle else 0)
    pose.formes.append(cadre_rect(x, haut, l, 36))
    if e.valeur:
        pose.formes.append(code(x + 10, haut + 23, e.valeur))
    if e.icone:
        pose.formes.append(icone(e.icone, x + l - 32, haut + 6, 24, BORD))
    pose.boite = Boite(x, haut, l, 36)
    pose.hauteur = haut + 36 - y
    return pose


def poser_bouton(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    """A button as wide as its words (at most the cell), the words centred; filled unless secondaire."""
    decalage = 30 if e.icone else 0
    interieur = l - 16 - decalage
    if e.libelle:
        lignes = _lignes_bloc(e.libelle, langue, interieur, TAILLE, True)
        mots = max(largeur_texte(t, TAILLE, True) for t in lignes)
    else:
        mots = largeur_texte(e.valeur or "", TAILLE)
    largeur = min(l, mots + 24 + decalage)
    fond, encre, glose = ("#ffffff", BLEU, ENCRE) if e.secondaire else (BLEU, "#ffffff", "#ffffff")
    centre = x + decalage + (largeur - decalage) / 2
    interne = _etiquette(e, langue, centre, y + 8, interieur, gras=True, couleur=encre,
                         couleur_glose=glose, ancre="middle")
    hauteur = max(40, interne.hauteur + 16)
    formes = [cadre_rect(x, y, largeur, hauteur, fond=fond, bord=BLEU, epaisseur=2, arrondi=6)]
    if e.icone:
        formes.append(icone(e.icone, x + 10, y + hauteur / 2 - 11, 22, encre))
    decale = (hauteur - 16 - interne.hauteur) / 2
    formes.append(macros(FORMES).groupe(interne.formes, decale=_n(decale)) if decale else _ensemble(interne.formes))
    return Pose(formes, hauteur, Boite(x, y, largeur, hauteur))


def poser_case(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    """A tick-box (or a round choice) and its label."""
    pose = _etiquette(e, langue, x + 28, y, l - 28)
    forme = (macros(FORMES).cercle(_n(x + 9), _n(y + 12), 9, "#ffffff", BORD) if e.rond
             else cadre_rect(x, y + 3, 18, 18, epaisseur=2, arrondi=2))
    pose.formes.insert(0, forme)
    pose.hauteur = max(pose.hauteur, 24)
    pose.boite = Boite(x, y, l, pose.hauteur)
    return pose


def poser_onglet(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    """A browser tab: its name and its little cross."""
    pose = _etiquette(e, langue, x + 10, y + 6, l - 40)
    hauteur = max(34, pose.hauteur + 10)
    pose.formes.insert(0, cadre_rect(x, y, l, hauteur, arrondi=8))
    pose.formes.append(icone("croix", x + l - 24, y + hauteur / 2 - 7, 14))
    return Pose(pose.formes, hauteur, Boite(x, y, l, hauteur))


def poser_icone(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    """An icon alone (a square to press) or followed by its label (a folder, a file)."""
    if not e.libelle and not e.valeur:
        return Pose([icone(e.icone, x + 6, y + 6)], 40, Boite(x, y, 40, 40))
    pose = _etiquette(e, langue, x + 36, y + 3, l - 36)
    pose.formes.insert(0, icone(e.icone, x, y + 2, 26))
    pose.hauteur = max(pose.hauteur + 3, 30)
    pose.boite = Boite(x, y, l, pose.hauteur)
    return pose


def poser_bulle(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    """A message bubble (an SMS, a notification)."""
    pose = _etiquette(e, langue, x + 12, y + 8, l - 24)
    hauteur = pose.hauteur + 18
    pose.formes.insert(0, cadre_rect(x, y, l, hauteur, fond=GRIS, arrondi=12))
    return Pose(pose.formes, hauteur, Boite(x, y, l, hauteur))


def poser_note(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    return note(e.libelle[langue], langue, x, y, l)


def poser_vide(e: Element, langue: str, x: float, y: float, l: float) -> Pose:
    return Pose()


POSEURS = {"vide": poser_vide, "titre": poser_titre, "texte": poser_texte, "lien": poser_lien, "champ": poser_champ,
           "bouton": poser_bouton, "case": poser_case, "onglet": poser_onglet, "icone": poser_icone,
           "bulle": poser_bulle, "note": poser_note}


def poser_ligne(ligne: tuple[Element, ...], langue: str, x: float, y: float, l: float
                ) -> tuple[list[str], float, list[tuple[Element, Boite]]]:
    """Items side by side: a lone icon takes 40 units, the others share the rest by their `largeur`."""
    fixes = [e for e in ligne if e.genre == "icone" and not (e.libelle or e.valeur)]
    reste = l - 40 * len(fixes) - 10 * (len(ligne) - 1)
    poids = sum(e.largeur for e in ligne if e not in fixes) or 1
    formes, hauteur, cibles = [], 0.0, []
    for e in ligne:
        largeur = 40 if e in fixes else reste * e.largeur / poids
        pose = POSEURS[e.genre](e, langue, x, y, largeur)
        formes.extend(pose.formes)
        hauteur = max(hauteur, pose.hauteur)
        if e.etape is not None and pose.boite:
            cibles.append((e, pose.boite))
        x += largeur + 10
    return formes, hauteur, cibles


def place_pastille(boite: Boite, x_contenu: float) -> tuple[float, float]:
    """In the margin for an item at the start of its line, otherwise astride the gap before it (where it
    hides neither the item's words nor the labels above)."""
    milieu = boite.y + min(boite.h / 2, 20)
    return (boite.x - 19, milieu) if boite.x == x_contenu else (boite.x - 13, milieu)


def pastille(numero: int, boite: Boite, centre: tuple[float, float]) -> Markup:
    """The dashed outline of the item to use and the black badge with the step's number."""
    cx, cy = centre
    return (cadre_rect(boite.x - 5, boite.y - 5, boite.l + 10, boite.h + 10, fond="none", bord="#000000",
                       epaisseur=2.5, arrondi=7, tirets="6 4")
            + macros(FORMES).cercle(_n(cx), _n(cy), 13, "#000000", "#ffffff")
            + texte(cx, cy + 5.5, str(numero), 15, "#ffffff", gras=True, ancre="middle", classe="pastille"))


@dataclass
class Cadre:
    """The window around the screen: where its content goes, and how it is drawn once its height is known."""
    x: float
    l: float
    y: float
    haut: list[str] = field(default_factory=list)
    cibles: list[tuple[int, Boite, tuple[float, float]]] = field(default_factory=list)  # step, box, badge
    bas: float = 18
    arrondi: float = 8
    retrait: float = 1


def cadre_navigateur(ecran: Ecran, langue: str) -> Cadre:
    """A browser: its tab (when named) with its cross and a +, the back arrow, the address bar, the star.
    The badges of the browser's own parts sit beside them, or in a band just under the bar."""
    haut, y = [], 2.0
    reperes = ecran.reperes or {}
    if ecran.onglet:
        haut += [aplat(2, 2, 356, 40, "#cfd8dc"),
                 cadre_rect(10, 8, 170, 36, bord="#90a4ae", arrondi=8), code(22, 30, ecran.onglet),
                 icone("croix", 156, 17, 14), icone("plus", 190, 12, 24)]
        y = 42
    bande = y + 44 + 17
    parties = {"onglet": (Boite(150, 11, 26, 26), (134, 24)), "nouvel_onglet": (Boite(187, 11, 30, 30), (233, 25)),
               "retour": (Boite(8, y + 9, 28, 28), (22, bande)), "adresse": (Boite(44, y + 9, 266, 28), (96, bande)),
               "etoile": (Boite(314, y + 9, 28, 28), (328, bande))}
    haut += [aplat(2, y, 356, 44, GRIS), trait(f"M2 {_n(y + 44)}h356", BORD, 1.5), icone("fleche", 10, y + 11, 24),
             cadre_rect(44, y + 9, 302, 28, bord="#90a4ae", arrondi=14)]
    if ecran.adresse:
        haut.append(code(58, y + 28, ecran.adresse))
    if "etoile" in reperes:
        haut.append(icone("etoile", 318, y + 13, 20))
    cibles = [(n, *parties[partie]) for partie, n in reperes.items()]
    dessous = 18 if set(reperes) & {"retour", "adresse", "etoile"} else 0
    return Cadre(MARGE, LARGEUR - MARGE - MARGE_DROITE, y + 44 + 20 + dessous, haut, cibles)


def cadre_fenetre(ecran: Ecran, langue: str) -> Cadre:
    """A window of the computer: its title bar and its cross."""
    titre = bloc(ecran.entete, langue, 14, 8, 290, gras=True) if ecran.entete else Pose(hauteur=20)
    barre = titre.hauteur + 16
    haut = [aplat(2, 2, 356, barre - 2, GRIS), trait(f"M2 {_n(barre)}h356", BORD, 1.5),
            icone("croix", 326, barre / 2 - 8, 16), *titre.formes]
    return Cadre(MARGE, LARGEUR - MARGE - MARGE_DROITE, barre + 20, haut)


def cadre_telephone(ecran: Ecran, langue: str) -> Cadre:
    """A phone: narrow, rounded, its speaker on top; an application bar when the screen has a title."""
    haut = [trait("M160 14h40", BORD, 4, arrondi=True)]
    y = 34
    if ecran.entete:
        titre = bloc(ecran.entete, langue, 60, y + 6, 240, gras=True)
        haut += [aplat(46, y, 268, titre.hauteur + 12, GRIS), *titre.formes]
        y += titre.hauteur + 12
    return Cadre(72, 220, y + 16, haut, bas=34, arrondi=26, retrait=44)


CADRES = {"navigateur": cadre_navigateur, "fenetre": cadre_fenetre, "telephone": cadre_telephone}


def svg(ecran: Ecran, langue: str) -> str:
    """The whole drawing of `ecran` in `langue`, as SVG text."""
    cadre = CADRES[ecran.cadre](ecran, langue)
    contenu, cibles, y = [], list(cadre.cibles), cadre.y
    for ligne in ecran.lignes:
        formes, hauteur, poses = poser_ligne(ligne, langue, cadre.x, y, cadre.l)
        contenu.extend(formes)
        cibles.extend((e.etape, boite, place_pastille(boite, cadre.x)) for e, boite in poses)
        y += hauteur + ECART
    hauteur = round(y - ECART + cadre.bas)
    r = cadre.retrait
    fond = aplat(r, 1, LARGEUR - 2 * r, hauteur - 2, "#ffffff", arrondi=cadre.arrondi)
    contour = cadre_rect(r, 1, LARGEUR - 2 * r, hauteur - 2, fond="none", bord=ENCRE, epaisseur=2.5,
                         arrondi=cadre.arrondi)
    formes = [fond, *cadre.haut, *contenu, contour, *(pastille(n, b, c) for n, b, c in cibles)]
    return rendre("site/ecran.svg", langue=langue, largeur=LARGEUR, hauteur=hauteur, titre=ecran.titre[langue],
                  description=ecran.description[langue], formes=formes)
