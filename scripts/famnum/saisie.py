"""Reading what a person types: French dates, phone numbers, yes/no. Shared by every form and import."""
from __future__ import annotations

import re
from datetime import date, datetime

from .erreurs import FamnumError

_DATE_FR = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
OUI = {"o", "oui", "x", "1", "y", "yes", "vrai", "true"}
NON = {"n", "non", "0", "no", "faux", "false", ""}


class SaisieInvalide(FamnumError):
    """A typed value that cannot be read; the message says what is expected."""


def lire_date(texte: str) -> str:
    """'05/03/2014' or '2014-03-05' → '2014-03-05'."""
    texte = str(texte).strip()
    m = _DATE_FR.match(texte)
    try:
        if m:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        return date.fromisoformat(texte).isoformat()
    except ValueError:
        raise SaisieInvalide("date illisible : écrivez-la jj/mm/aaaa, par exemple 05/03/2014") from None


def date_fr(iso: str) -> str:
    try:
        return datetime.strptime(iso, "%Y-%m-%d").strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)


def lire_telephone(texte: str) -> tuple[str, str | None]:
    """(E.164 number, warning or None). Accepts what phonenumbers calls *possible*, warns when it is
    not *valid* (its metadata lags, and ARCEP's fiction ranges are 'invalid' on purpose)."""
    import phonenumbers

    brut = str(texte).strip()
    if re.fullmatch(r"[1-9]\d{8}", re.sub(r"\D", "", brut)) and not brut.startswith("+"):
        brut = "0" + re.sub(r"\D", "", brut)  # a spreadsheet ate the leading zero: 612345678
    try:
        numero = phonenumbers.parse(brut, "FR")
    except phonenumbers.NumberParseException:
        raise SaisieInvalide("numéro de téléphone illisible : écrivez par exemple 06 39 98 01 02 ou +33 6 39 98 01 02") from None
    if not phonenumbers.is_possible_number(numero):
        raise SaisieInvalide("ce numéro n'a pas le bon nombre de chiffres (10 chiffres pour un numéro français)")
    avertissement = None
    if not phonenumbers.is_valid_number(numero):
        avertissement = "numéro inhabituel (non attribué ou réservé) : vérifiez-le avec la famille"
    return phonenumbers.format_number(numero, phonenumbers.PhoneNumberFormat.E164), avertissement


def telephone_lisible(e164: str) -> str:
    import phonenumbers

    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def lire_oui_non(texte) -> bool:
    valeur = str(texte).strip().lower()
    if valeur in OUI:
        return True
    if valeur in NON:
        return False
    raise SaisieInvalide("répondez oui ou non (o / n)")


def normaliser_saisie(valeur, noeud: dict):
    """Brings a value typed in a form or an editor to its stored form, by what the schema says of it.

    A value that cannot be read is left as typed: the schema's validation then names the field.
    """
    if isinstance(valeur, (date, datetime)):
        return valeur.isoformat()[:10]
    try:
        if noeud.get("format") == "date" and isinstance(valeur, str):
            return lire_date(valeur)
        if noeud.get("x-saisie") == "telephone" and isinstance(valeur, (str, int)):
            return lire_telephone(str(valeur))[0]
    except SaisieInvalide:
        return valeur
    if isinstance(valeur, dict):
        proprietes = noeud.get("properties", {})
        return {k: normaliser_saisie(v, proprietes.get(k, {})) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [normaliser_saisie(v, noeud.get("items", {})) for v in valeur]
    return valeur
