"""The follow-up questionnaire (`suivi`) and the read-only journal of the local web form.

The questions are the schema's `details_suivi`, the very node `famnum suivi` asks in the terminal;
the date and the function are the journal event's own fields. Checking and saving are the dossier's
(`Coffre.enregistrer` and the same schema and business rules), so the web and the terminal agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..affichage import Afficheur
from ..formats import date_fr

# Up to this many lines of details are shown whole in the journal; longer ones fold behind « Le détail ».
LIGNES_COURTES = 3
COLONNES = ("Date", "Événement", "Par (fonction)", "Résumé")


def noeud_suivi(schema) -> dict:
    """The form's node: the event's date and function, then the questionnaire itself."""
    definitions = schema.schema["definitions"]
    champs = definitions["evenement"]["properties"]
    return {"type": "object", "required": ["date", "par"], "properties": {
        "date": {**champs["date"], "title": "Date du suivi"},
        "par": {**champs["par"], "title": "Votre fonction"},
        "details": definitions["details_suivi"],
    }}


def evenement_suivi(reponses: dict | None) -> dict:
    """The posted answers as a journal event; a missing answer stays missing, so the schema names it."""
    nouvel = {"type": "suivi", **(reponses or {})}
    nouvel.setdefault("details", {})  # always there: the schema then asks for « Temps du suivi »
    return nouvel


def libelle_temps(schema, temps: str) -> str | None:
    """« Trois mois après » for T3; None for anything the schema does not list."""
    noeud = schema.schema["definitions"]["details_suivi"]["properties"]["temps"]
    return noeud.get("x-libelles", {}).get(temps) if temps in noeud.get("enum", []) else None


@dataclass
class LigneJournal:
    """One event as the journal table of `formulaire/journal.html` shows it."""

    date: str
    type: str
    par: str  # a function, never a name
    lignes: list[str]  # the summary, line by line

    @property
    def court(self) -> bool:
        """Shown whole; a longer summary folds behind « Le détail »."""
        return len(self.lignes) <= LIGNES_COURTES


def lignes_du_journal(afficheur: Afficheur, journal: list[dict]) -> list[LigneJournal]:
    return [LigneJournal(date_fr(e.get("date")), afficheur.type_evenement(e), e.get("par", "—"),
                         afficheur.details(e) + ([f"Note : {e['note']}"] if e.get("note") else []))
            for e in journal]
