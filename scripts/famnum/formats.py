"""Dates, numbers and texts the French way, each written once: ages, months, numbers, euros, dates,
Markdown table cells and accent folding. Pure functions, no famnum import: every layer may use them."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime

from dateutil.relativedelta import relativedelta


# --- dates ----------------------------------------------------------------------------------------

def age_au(naissance: str, jour: date) -> int:
    """Age in whole years on `jour` (ISO dates sliced: parsing 20,000 of them is the scoring's largest cost)."""
    annee, mois, jour_n = int(naissance[:4]), int(naissance[5:7]), int(naissance[8:10])
    return jour.year - annee - ((jour.month, jour.day) < (mois, jour_n))


def ajouter_mois(jour: date, mois: int) -> date:
    """The same day `mois` months later, or that month's last day (31 January + 1 month: 28 or 29 February)."""
    return jour + relativedelta(months=mois)


def fin_du_mois(jour: date) -> date:
    """The last day of `jour`'s month."""
    return jour + relativedelta(day=31)


def date_fr(jour: date | str) -> str:
    """31/12/2025, from a date or an ISO text; any other text is given back as it is."""
    if isinstance(jour, date):
        return jour.strftime("%d/%m/%Y")
    try:
        return datetime.strptime(jour, "%Y-%m-%d").strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(jour)


# --- numbers --------------------------------------------------------------------------------------

def nombre(x: float) -> str:
    """A number the French way: 2, 2,5, 247 847."""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "\u202f")
    return f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")


def euros(x: float) -> str:
    return f"{nombre(x)} €"


def compte(n: int, singulier: str, pluriel: str | None = None) -> str:
    """« 0 famille », « 1 famille », « 2 familles »: French takes the singular below two, so a message
    never puts an « s » in brackets. A plural that is not the singular plus « s » is given whole."""
    if pluriel is None:
        if " " in singulier:
            raise ValueError(f"compte : donnez le pluriel de « {singulier} »")
        pluriel = singulier + "s"
    return f"{n} {singulier if abs(n) < 2 else pluriel}"


# --- texts ----------------------------------------------------------------------------------------

def cellule(texte) -> str:
    """A value that stays inside one Markdown table cell (no column bar, no line break)."""
    return str(texte).replace("|", "\\|").replace("\n", " ")


def sans_accents(texte: str) -> str:
    """Lower case without accents, other scripts kept: « Éléonore » → « eleonore »."""
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)).lower()


def en_ascii(texte: str) -> str:
    """Lower case ASCII: accents removed, and any letter with no ASCII form (œ, other scripts) dropped."""
    texte = str(texte)
    if not texte.isascii():  # NFKD leaves ASCII as it is: most names and every number skip it
        texte = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return texte.lower()
