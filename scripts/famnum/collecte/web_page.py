"""The shell of every page of the local form: the template `formulaire/page.html` (its one <style>
block, allowed by its hash in the CSP, the links home and to a new fiche, the title) filled by the
template of the page, and the HTTP status that goes with it."""
from __future__ import annotations

import re

from ..gabarits import rendre
from .web_garde import empreinte_style

ID_DOSSIER = re.compile(r"F-[2-9A-HJ-NP-Z]{5}")


def morceaux_du_titre(titre: str) -> list[tuple[str, bool]]:
    """The title in pieces, each saying whether it is a dossier id (never broken at its hyphen)."""
    morceaux, debut = [], 0
    for trouve in ID_DOSSIER.finditer(titre):
        morceaux += [(titre[debut:trouve.start()], False), (trouve.group(0), True)]
        debut = trouve.end()
    return [m for m in [*morceaux, (titre[debut:], False)] if m[0]]


def page(gabarit: str, titre: str, jeton: str, code: int = 200, erreur: bool = False, **valeurs) -> tuple[str, int]:
    """A whole page from its template (`erreur`: the title starts with « Erreur : », as the DSFR asks)."""
    return rendre(gabarit, titre=titre, titre_h1=morceaux_du_titre(titre), jeton=jeton, erreur=erreur, **valeurs), code


def empreinte_de_la_page() -> str:
    """The CSP source of the shell's <style> block (the same on every page)."""
    return empreinte_style(rendre("formulaire/page.html", titre="", titre_h1=[], jeton="", erreur=False))
