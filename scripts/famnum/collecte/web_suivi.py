"""The follow-up questionnaire (`suivi`) and the read-only journal of the local web form.

The questions are the schema's `details_suivi`, the very node `famnum suivi` asks in the terminal;
the date and the function are the journal event's own fields. Checking and saving are the dossier's
(`Coffre.enregistrer` and the same schema and business rules), so the web and the terminal agree.
"""
from __future__ import annotations

from markupsafe import escape

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


def tableau_journal(afficheur: Afficheur, journal: list[dict]) -> str:
    """The journal as an accessible table: date, type, who (a function, never a name), what."""
    if not journal:
        return "<p>Le journal de ce dossier est vide.</p>"
    lignes = "".join(
        "<tr>" + "".join(f'<td data-titre="{titre}">{cellule}</td>' for titre, cellule in zip(COLONNES, (
            escape(date_fr(e.get("date"))), escape(afficheur.type_evenement(e)), escape(e.get("par", "—")),
            _resume(afficheur, e)))) + "</tr>"
        for e in journal)
    entetes = "".join(f'<th scope="col">{titre}</th>' for titre in COLONNES)
    # data-titre: on a phone each row is shown as a card, each value after its column's title
    return ('<table class="journal"><caption>Les événements du dossier, du plus ancien au plus récent (lecture seule)'
            f"</caption><thead><tr>{entetes}</tr></thead><tbody>{lignes}</tbody></table>")


def _resume(afficheur: Afficheur, e: dict) -> str:
    lignes = afficheur.details(e) + ([f"Note : {e['note']}"] if e.get("note") else [])
    if not lignes:
        return "—"
    if len(lignes) <= LIGNES_COURTES:
        return "<br>".join(str(escape(ligne)) for ligne in lignes)
    # a part's title (« Questions à la famille : ») stands out from the answers under it
    reste = "".join(f"<li><strong>{escape(ligne)}</strong></li>" if ligne.endswith(" :") else f"<li>{escape(ligne)}</li>"
                    for ligne in lignes[1:])
    return f"{escape(lignes[0])}<details><summary>Le détail</summary><ul>{reste}</ul></details>"
