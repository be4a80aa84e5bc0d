"""Reading one cell of a partner's spreadsheet the way a person would: placeholders are empty,
dates come in words or short forms, class names in a dozen spellings, phones and e-mails inside
a sentence. Each reader returns the value (or None) and, when something was not read, why.

Nothing here refuses a row: the caller imports the child with the field empty and flags it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta

from ..formats import en_ascii
from .tableur import EPOQUE_EXCEL, cle_texte

# What people write in a cell that has no value. Folded (cle_texte) forms; « x » is not here: in a
# yes/no column a cross means yes.
_VIDES = {"", "nc", "n c", "nr", "n r", "na", "n a", "neant", "aucun", "aucune", "inconnu", "inconnue",
          "non communique", "non communiquee", "non renseigne", "non renseignee", "non connu", "vide",
          "sans", "ras", "pas connu", "ne sait pas", "nsp", "a completer", "a voir", "idem", "xx", "xxx"}
_VIDE_DEBUTS = ("pas de ", "pas d ", "sans ", "non communique", "aucun ", "aucune ")
_SIGNES = re.compile(r"[\s\-–—_.?!/*]*")
_ERREUR_EXCEL = re.compile(r"#(REF|N/?A|VALEUR|VALUE|DIV/0|NOM|NAME|NUL|NULL|NOMBRE|NUM|CHAMP|SPILL|CALC)[!?]?", re.IGNORECASE)


@lru_cache(maxsize=1 << 14)
def est_vide(texte: str, case_a_cocher: bool = False) -> bool:
    """« pas de mail », « x », « - », « néant », « ? », « NC »… : an empty cell, without a warning.
    In a yes/no column (`case_a_cocher`) a cross « x » or a « 0 » is an answer, not an empty cell."""
    brut = str(texte).strip()
    if _SIGNES.fullmatch(brut) or _ERREUR_EXCEL.fullmatch(brut):
        return True
    if not case_a_cocher and re.fullmatch(r"[xX\s]+|0+", brut):
        return True
    cle = cle_texte(brut)
    return cle in _VIDES or cle.startswith(_VIDE_DEBUTS)


@dataclass(frozen=True)
class Lu:
    """A cell read: the stored value (None when nothing could be read) and why, if it was not."""

    valeur: object = None
    probleme: str = ""      # why the value was left empty (empty: read, or nothing written)
    suggestion: str = ""    # what to type instead, for the report
    code: str = ""          # the kind of problem, stable for programs and tests (`valeur.date_future`)


# --- dates ------------------------------------------------------------------------------------

_MOIS = {"janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
         "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "aou": 8,
         "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
         "decembre": 12, "dec": 12}
_JOURS_SEMAINE = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "le", "ne", "nee")
_NUMERIQUE = re.compile(r"(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:[ T].*)?")
_SERIE = re.compile(r"\d{4,5}(?:\.0+)?")
AGE_MAXIMUM = 26  # the business rule of validation: older is not a pupil


def _annee(texte: str, aujourd_hui: date) -> int:
    """Two-digit years are this century unless that would be in the future."""
    annee = int(texte)
    if len(texte) == 2:
        annee += 2000 if 2000 + annee <= aujourd_hui.year else 1900
    return annee


def _en_mots(cle: str, aujourd_hui: date) -> tuple[int, int, int] | None:
    """« 9 mars 2015 », « 1er mars 15 », « lundi 9 mars 2015 », « 9-mars-2015 » → (2015, 3, 9)."""
    mots = [m for m in cle.split() if m not in _JOURS_SEMAINE]
    m = re.fullmatch(r"(\d{1,2})(?: ?er)? ([a-z]+) (\d{2}|\d{4})", " ".join(mots))
    if not m:
        return None
    mois = _MOIS.get(m[2]) or next((n for nom, n in _MOIS.items() if len(m[2]) >= 3 and nom.startswith(m[2])), None)
    return (_annee(m[3], aujourd_hui), mois, int(m[1])) if mois else None


def _morceaux_date(texte: str, aujourd_hui: date) -> tuple[int, int, int] | None:
    if _SERIE.fullmatch(texte):
        jour = EPOQUE_EXCEL + timedelta(days=int(float(texte)))
        return jour.year, jour.month, jour.day
    if m := _ISO.fullmatch(texte):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _NUMERIQUE.fullmatch(texte):
        return _annee(m[3], aujourd_hui), int(m[2]), int(m[1])
    return _en_mots(cle_texte(texte.replace("1er", "1 er")), aujourd_hui)


@lru_cache(maxsize=1 << 14)
def lire_date_naissance(texte: str, aujourd_hui: date | None = None) -> Lu:
    """A birth date as partners write it: 09/03/2015, 9/3/15, 9-3-2015, 2015-03-09, 9 mars 2015,
    an Excel serial day. A date that cannot exist, or in the future, or too old, stays empty."""
    aujourd_hui = aujourd_hui or date.today()
    brut = str(texte).strip()
    morceaux = _morceaux_date(brut, aujourd_hui)
    if morceaux is None:
        return Lu(probleme="date illisible", suggestion="écrivez-la jj/mm/aaaa, par exemple 09/03/2015",
                  code="valeur.date_illisible")
    try:
        jour = date(*morceaux)
    except ValueError:
        return Lu(probleme="date qui n'existe pas", suggestion="vérifiez le jour et le mois (jj/mm/aaaa)",
                  code="valeur.date_inexistante")
    if jour > aujourd_hui:
        return Lu(probleme="date dans le futur", suggestion="vérifiez l'année (jj/mm/aaaa)", code="valeur.date_future")
    if aujourd_hui.year - jour.year > AGE_MAXIMUM:
        return Lu(probleme="date improbable pour un enfant scolarisé", suggestion="vérifiez l'année (jj/mm/aaaa)",
                  code="valeur.date_improbable")
    return Lu(jour.isoformat())


# --- class names --------------------------------------------------------------------------------

_NIVEAUX_MOTS = [("toute petite section", "TPS"), ("petite section", "PS"), ("moyenne section", "MS"),
                 ("grande section", "GS"), ("cours preparatoire", "CP"), ("cours elementaire 1", "CE1"),
                 ("cours elementaire 2", "CE2"), ("cours moyen 1", "CM1"), ("cours moyen 2", "CM2"),
                 ("sixieme", "6e"), ("cinquieme", "5e"), ("quatrieme", "4e"), ("troisieme", "3e")]
_DISPOSITIFS = ("ULIS", "SEGPA", "UPE2A", "CLIS", "UEE", "UEMA")
COLLEGE_NIVEAUX = ("6e", "5e", "4e", "3e")
_NIVEAU = re.compile(r"^(tps|ps|ms|gs|cp|ce ?[12]|cm ?[12]|[3-6] ?(?:eme|em|ieme|e)?)(?:\b|(?=[a-z0-9]))")


def _plier(texte: str) -> str:
    """Lower case without accents, keeping the separators of multi-level classes (- / + et)."""
    return en_ascii(str(texte).replace("°", "e"))


def _niveau_et_division(partie: str) -> tuple[str, str]:
    """« 6eme 2 » → ('6e', '2') ; « cm2a » → ('CM2', 'A') ; « b » → ('', 'B')."""
    cle = cle_texte(partie)
    for mots, niveau in _NIVEAUX_MOTS:
        cle = re.sub(rf"\b{mots}\b", niveau.lower(), cle)
    cle = " ".join(m for m in cle.split() if m.upper() not in _DISPOSITIFS and m not in ("ecole", "classe", "college", "de", "en", "du"))
    m = _NIVEAU.match(cle)
    if not m:
        reste = re.fullmatch(r"([a-z]|\d{1,2})", cle)
        return "", reste[1].upper() if reste else ""
    niveau = m[1].replace(" ", "").upper()
    niveau = f"{niveau[0]}e" if niveau[0].isdigit() else niveau
    reste = re.fullmatch(r"\s*([a-z]|\d{1,2})?\s*", cle[m.end():])
    return niveau, (reste[1] or "").upper() if reste else ""


@lru_cache(maxsize=1 << 14)
def lire_classe(texte: str) -> Lu:
    """One normal form per level: « 6EME 2 », « 6ème2 », « 6e2 » → « 6e 2 » ; « 5eB » → « 5e B » ;
    « Grande section » → « GS » ; « CM1-CM2 » → « CM1-CM2 » ; « ULIS école » → « ULIS »."""
    plie = _plier(texte)
    dispositif = next((d for d in _DISPOSITIFS if re.search(rf"\b{d.lower()}\b", plie)), None)
    niveaux, division = [], ""
    plie = re.sub(r"\b(tps|ps|ms|gs|cp|ce ?[12]|cm ?[12]) (?=(tps|ps|ms|gs|cp|ce ?[12]|cm ?[12])\b)", r"\1-", plie)
    for partie in re.split(r"\s*(?:[-/+&,]|\bet\b)\s*", plie):
        niveau, div = _niveau_et_division(partie)
        if niveau and niveau not in niveaux:
            niveaux.append(niveau)
        division = division or div
    if not niveaux:
        return Lu(dispositif) if dispositif else Lu(
            probleme="classe non reconnue", suggestion="écrivez le niveau, par exemple CP, CM2, 6e 2 ou ULIS",
            code="valeur.classe_inconnue")
    if len(niveaux) > 1:
        forme = "-".join(niveaux)
    else:
        forme = f"{niveaux[0]} {division}" if division else niveaux[0]
    return Lu(f"{forme} {dispositif}" if dispositif else forme)


# --- the guardian's relationship, yes / no / don't know -----------------------------------------

_LIENS = [("grand mere", "grand_mere"), ("mamie", "grand_mere"), ("grand pere", "grand_pere"), ("papi", "grand_pere"),
          ("mere", "mere"), ("maman", "mere"), ("pere", "pere"), ("papa", "pere"), ("tutrice", "tutrice"),
          ("tuteur", "tuteur"), ("tante", "autre"), ("oncle", "autre"), ("beau pere", "autre"),
          ("belle mere", "autre"), ("famille d accueil", "autre"), ("assistante familiale", "autre"),
          ("ase", "autre"), ("educat", "autre"), ("soeur", "autre"), ("frere", "autre"), ("autre", "autre")]


@lru_cache(maxsize=1 << 14)
def lire_lien(texte: str) -> Lu:
    """« Mère », « mere », « Grand-mère », « tuteur légal », « Famille d'accueil » → the schema's values."""
    cle = cle_texte(texte)
    for mots, valeur in sorted(_LIENS, key=lambda p: -len(p[0])):  # « grand mere » before « mere »
        if re.search(rf"\b{mots}", cle):
            return Lu(valeur)
    return Lu(probleme="lien avec l'enfant non reconnu",
              suggestion="écrivez mère, père, grand-mère, grand-père, tuteur, tutrice ou autre", code="valeur.lien_inconnu")


_OUI = {"oui", "o", "x", "yes", "y", "1", "vrai", "true", "ok", "v"}
_NON = {"non", "n", "no", "0", "faux", "false"}
_NSP = {"ne sait pas", "nsp", "peut etre", "a voir", "je ne sais pas", "sais pas", "pe"}


@lru_cache(maxsize=1 << 14)
def lire_oui_non_nsp(texte: str) -> Lu:
    """'oui' / 'non' / 'ne_sait_pas' from what people write in a yes/no column."""
    cle = cle_texte(texte) or ("x" if str(texte).strip().lower() in ("x", "✓", "✔") else "")
    if cle in _NSP:
        return Lu("ne_sait_pas")
    if cle in _OUI or cle.startswith("oui"):
        return Lu("oui")
    if cle in _NON or cle.startswith("non"):
        return Lu("non")
    return Lu(probleme="réponse non reconnue", suggestion="écrivez oui, non ou ne sait pas", code="valeur.reponse_inconnue")


# --- phones and e-mails inside a sentence ------------------------------------------------------

_TELEPHONE = re.compile(r"(?:\+|00)\s*\d[\d\s.\-/()]{7,18}\d|\d[\d\s.\-]{7,16}\d")
COURRIEL = re.compile(r"[^@\s,;:<>()\"']+@[^@\s,;:<>()\"']+\.[a-zA-Z]{2,}")


def morceaux_telephone(texte: str) -> list[str]:
    """« Mère : 06 39 98 01 02 / père 0639980103 » → the two numbers as written."""
    brut = str(texte).strip()
    trouves = [m.group(0).strip() for m in _TELEPHONE.finditer(brut)]
    return trouves or ([brut] if brut else [])


def courriels(texte: str) -> list[str]:
    return [c.lower().rstrip(".") for c in COURRIEL.findall(str(texte))]
