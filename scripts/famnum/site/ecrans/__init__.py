"""Screen schematics for the tutorials: one YAML description per tutorial, one SVG per screen and language.

Each `<tutoriel>.yaml` beside this file describes the key screens of one tutorial of levels 2–5: rows
of items (a heading, a field, a button…) with their on-screen French label and its meaning in Arabic,
Turkish and English. `dessiner` lays them out once and writes, in `content/tutoriels/images/ecrans/`,
`<ecran>.svg` (French) and `<ecran>.<ar|tr|en>.svg`, which the site's generation gives to each language's
site in place of the French drawing.

The screen stays the French screen the parent will see: its labels stay French (marked `xml:lang="fr"`)
and the translated drawings add their meaning in brackets beneath, as the translated pages do in the
text. The button or field of a step is outlined in dashes and carries a round badge with the step's
number. Drawings are plain shapes and text: no bitmap, no font, no link, legible in black and white.

    python -m famnum.site.ecrans            # rewrite every drawing from its description
    python -m famnum.site.ecrans --verifier # fail when a drawing differs from its description
"""
from __future__ import annotations

from pathlib import Path

from famnum.site.ecrans.description import DescriptionInvalide, Ecran, lire_descriptions
from famnum.site.ecrans.dessin import TropLarge, svg

DESCRIPTIONS = Path(__file__).resolve().parent
LANGUES = ("fr", "ar", "tr", "en")


def nom_fichier(ecran: str, langue: str) -> str:
    """`caf-connexion.svg` for French, `caf-connexion.ar.svg` for Arabic."""
    return f"{ecran}.svg" if langue == "fr" else f"{ecran}.{langue}.svg"


def dessins(descriptions: Path = DESCRIPTIONS) -> dict[str, str]:
    """Every drawing, by file name, as its SVG text."""
    resultat = {}
    for ecran in lire_descriptions(descriptions):
        for langue in LANGUES:
            try:
                resultat[nom_fichier(ecran.nom, langue)] = svg(ecran, langue)
            except TropLarge as erreur:
                raise DescriptionInvalide(f"{ecran.source.name if ecran.source else ''}, écran {ecran.nom} ({langue}) : "
                                          f"{erreur}. Donnez plus de largeur à sa case ou mettez-la seule "
                                          "sur sa ligne.") from None
    return resultat


def ecrans(descriptions: Path = DESCRIPTIONS) -> list[Ecran]:
    return lire_descriptions(descriptions)
