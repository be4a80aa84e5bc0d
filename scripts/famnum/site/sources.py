"""When each tutorial and workshop sheet was last checked, and the public pages it relies on.

A French tutorial (`content/tutoriels/<niveau>/<page>.md`), phone guide
(`content/guides-appel/<page>.md`) or workshop sheet (`content/ateliers/<fiche>.md`) states in its front matter:

    ---
    verifie_le: 2026-12-03
    sources:
      - titre: "Caf.fr : Mon Compte"
        url: https://www.caf.fr/
    ---

The site shows them at the end of the page, in the reader's language (``generation.py``); a translated
page shows its French page's date and sources. The tests fail when a tutorial or sheet has no date
or no source, and warn when its facts were checked more than 12 months ago.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from famnum.site.traductions import pages_francaises, source_francaise

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
DUREE_DE_VALIDITE = dt.timedelta(days=365)


@dataclass(frozen=True)
class Verification:
    """A page's check date and its sources, as (title, URL) pairs."""
    le: dt.date | None
    sources: tuple[tuple[str, str], ...]


def entete(texte: str) -> dict:
    """The page's YAML front matter as a dict ({} when it has none)."""
    trouve = _FRONT_MATTER.match(texte)
    if not trouve or not trouve.group(1):
        return {}
    valeur = yaml.safe_load(trouve.group(1))
    return valeur if isinstance(valeur, dict) else {}


def _date(valeur: object) -> dt.date | None:
    if isinstance(valeur, dt.date):
        return valeur
    try:
        return dt.date.fromisoformat(str(valeur))
    except ValueError:
        return None


def lire(page: Path) -> Verification:
    """The check date and sources of `page`, read from its French page's front matter."""
    donnees = entete(source_francaise(page).read_text(encoding="utf-8"))
    sources = tuple((str(s["titre"]).strip(), str(s["url"]).strip())
                    for s in donnees.get("sources") or ()
                    if isinstance(s, dict) and s.get("titre") and s.get("url"))
    return Verification(_date(donnees.get("verifie_le")), sources)


# The sections whose pages state facts: tutorials, phone guides (one per tutorial) and workshop sheets.
SECTIONS_DATEES = ("tutoriels", "guides-appel", "ateliers")


def est_fiche_ou_tutoriel(page: Path, content: Path) -> bool:
    """True for a tutorial, phone guide or workshop sheet page (not a section's index page)."""
    parties = page.relative_to(content).parts
    return parties[0] in SECTIONS_DATEES and len(parties) >= 2 and page.name != "index.md"


def pages_a_verifier(content: Path) -> list[Path]:
    """The French tutorials and workshop sheets."""
    return [p for p in pages_francaises(content) if est_fiche_ou_tutoriel(p, content)]


def incompletes(content: Path) -> list[str]:
    """One French line per tutorial or sheet without a valid `verifie_le` or without a source."""
    problemes = []
    for page in pages_a_verifier(content):
        verification = lire(page)
        nom = page.relative_to(content)
        if verification.le is None:
            problemes.append(f"{nom} : ajoutez dans l'en-tête « verifie_le: AAAA-MM-JJ » "
                             f"(la date où les faits ont été vérifiés).")
        if not verification.sources:
            problemes.append(f"{nom} : ajoutez dans l'en-tête « sources: » une liste de pages "
                             f"officielles, chacune avec « titre: » et « url: ».")
    return problemes


def perimees(content: Path, aujourd_hui: dt.date) -> list[str]:
    """One French line per tutorial or sheet last checked more than 12 months before `aujourd_hui`."""
    return [f"{page.relative_to(content)} : vérifiée le {lire(page).le.isoformat()}, il y a plus de "
            f"12 mois ; revérifiez ses faits et ses sources, puis mettez à jour « verifie_le »."
            for page in pages_a_verifier(content)
            if lire(page).le is not None and aujourd_hui - lire(page).le > DUREE_DE_VALIDITE]
