"""The image line of each screen drawing in its tutorial, in French and in each translation.

The line sits at the end of the step the description names (`etape`), indented into the list item, and
its alternative text is the drawing's description in the page's language, so that both say the same.
Rewriting a line that is already there only updates its text; nothing else of the page changes.
"""
from __future__ import annotations

import re
from pathlib import Path

from famnum.site.ecrans.description import DescriptionInvalide, Ecran

LANGUES = ("fr", "ar", "tr", "en")
_ETAPE = re.compile(r"^(\d+)\. ")
_FIN_DE_LISTE = re.compile(r"^(#|!!!|\?\?\?|[^\s\d])")


def chemin_page(tutoriels: Path, ecran: Ecran, langue: str) -> Path:
    francaise = tutoriels / ecran.page
    return francaise if langue == "fr" else francaise.with_name(f"{francaise.stem}.{langue}.md")


def ligne_image(ecran: Ecran, langue: str) -> str:
    alternative = ecran.description[langue]
    if any(c in alternative for c in "[]"):
        raise DescriptionInvalide(f"{ecran.source.name if ecran.source else ''}, écran {ecran.nom} : la description "
                                  f"({langue}) contient un crochet, qui casse le texte de l'image. Retirez-le.")
    return f"    ![{alternative}](../images/ecrans/{ecran.nom}.svg)"


def placer(texte: str, ecran: Ecran, langue: str) -> str:
    """`texte` (a tutorial page) with the drawing's image line at the end of its step."""
    lignes = texte.split("\n")
    nouvelle = ligne_image(ecran, langue)
    marque = f"](../images/ecrans/{ecran.nom}.svg)"
    for i, ligne in enumerate(lignes):
        if marque in ligne:
            lignes[i] = nouvelle
            return "\n".join(lignes)
    fin = _fin_etape(lignes, ecran.etape)
    if fin is None:
        raise DescriptionInvalide(f"écran {ecran.nom} : la page ({langue}) n'a pas d'étape {ecran.etape}. "
                                  "Corrigez « etape » dans sa description.")
    lignes[fin:fin] = ["", nouvelle]
    return "\n".join(lignes)


def _fin_etape(lignes: list[str], numero: int) -> int | None:
    """The index just after the last non-blank line of step `numero` of the page's numbered list."""
    debut = next((i for i, ligne in enumerate(lignes) if (m := _ETAPE.match(ligne)) and int(m.group(1)) == numero),
                 None)
    if debut is None:
        return None
    fin = debut + 1
    for i in range(debut + 1, len(lignes)):
        if _ETAPE.match(lignes[i]) or _FIN_DE_LISTE.match(lignes[i]):
            break
        if lignes[i].strip():
            fin = i + 1
    return fin


def placer_partout(tutoriels: Path, ecrans: list[Ecran]) -> list[Path]:
    """Put every drawing's line in its page and translations; the pages that changed."""
    changees = []
    for ecran in ecrans:
        for langue in LANGUES:
            page = chemin_page(tutoriels, ecran, langue)
            avant = page.read_text(encoding="utf-8")
            apres = placer(avant, ecran, langue)
            if apres != avant:
                page.write_text(apres, encoding="utf-8")
                changees.append(page)
    return changees
