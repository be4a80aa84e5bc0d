"""Reading what a person types: French dates, phone numbers, yes/no. Shared by every form and import."""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from .erreurs import FamnumError
from .formats import sans_accents

_DATE_FR = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
OUI = {"o", "oui", "x", "1", "y", "yes", "vrai", "true"}
NON = {"n", "non", "0", "no", "faux", "false", ""}


class SaisieInvalide(FamnumError):
    """A typed value that cannot be read; the message says what is expected."""


MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")


def lire_date(texte: str) -> str:
    """'05/03/2014' or '2014-03-05' → '2014-03-05'; a date that is not on the calendar says why."""
    texte = str(texte).strip()
    m = _DATE_FR.match(texte)
    try:
        if m:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        return date.fromisoformat(texte).isoformat()
    except ValueError:
        if m:
            raise SaisieInvalide(_date_inexistante(int(m[1]), int(m[2]), int(m[3]), texte), code="saisie.date_inexistante") from None
        raise SaisieInvalide(f"date illisible « {texte} » : écrivez-la jj/mm/aaaa, par exemple 05/03/2014", code="saisie.date") from None


def _date_inexistante(jour: int, mois: int, annee: int, texte: str) -> str:
    if not 1 <= mois <= 12:
        return f"la date {texte} n'existe pas : le mois s'écrit de 01 à 12 (jj/mm/aaaa, par exemple 05/03/2014)"
    dernier = calendar.monthrange(annee, mois)[1]
    return (f"la date {texte} n'existe pas : {MOIS[mois - 1]} {annee} n'a que {dernier} jours "
            f"(tapez un jour de 01 à {dernier})")


def lire_code_postal(texte) -> str:
    """'72 100' → '72100'; a French postal code has exactly five digits."""
    brut = str(texte).strip()
    chiffres = re.sub(r"\s", "", brut)
    if not chiffres.isdigit():
        raise SaisieInvalide(f"« {brut} » : un code postal s'écrit avec 5 chiffres seulement, par exemple 72100", code="saisie.code_postal")
    if len(chiffres) != 5:
        raise SaisieInvalide(f"« {brut} » : {accorder(len(chiffres), 'chiffre')} au lieu de 5 "
                             "(par exemple 72100 ; un code qui commence par 0 garde son 0, comme 01000)", code="saisie.code_postal_longueur")
    return chiffres


def lire_classe(texte, connues: list[str]) -> str:
    """'6ème' → '6e', 'cm2' → 'CM2': a class of the schema's list, whatever the case, accents or spaces."""
    brut = str(texte).strip()
    cle = re.sub(r"[\s.\-]", "", sans_accents(brut))
    cle = re.sub(r"^(\d)(e|eme|em|ieme)$", r"\1e", cle)
    for classe in connues:
        if re.sub(r"[\s.\-]", "", sans_accents(classe)) == cle:
            return classe
    raise SaisieInvalide(f"classe inconnue « {brut} » : tapez l'une de celles-ci : {', '.join(connues)}", code="saisie.classe")


def accorder(n: int, mot: str, pluriel: str | None = None) -> str:
    """« 1 chiffre », « 4 chiffres »: the number and its noun, agreed."""
    return f"{n} {mot if n <= 1 else (pluriel or mot + 's')}"


def choisir_nom(texte: str, noms: dict[str, str], quoi: str = "établissement") -> str:
    """The code whose name the person typed: the number of a listed choice, the code, a whole name or
    the start of its words (« Gaston », « Alain F »). Several or none: the message names up to three
    candidates, best first, or says that none is close."""
    from rapidfuzz import fuzz, process

    brut = str(texte).strip()
    codes = list(noms)
    if brut.isdigit() and 1 <= int(brut) <= len(codes):
        return codes[int(brut) - 1]
    if brut in noms:
        return brut
    mots = sans_accents(brut).split()
    retenus = [c for c in codes if _mots_commencent(mots, sans_accents(noms[c]).split())]
    exact = [c for c in retenus if sans_accents(noms[c]) == sans_accents(brut)]
    if len(retenus) == 1 or len(exact) == 1:
        return (exact or retenus)[0]
    if retenus:
        tries = sorted(retenus, key=lambda c: -fuzz.WRatio(brut, noms[c]))
        raise SaisieInvalide(f"{accorder(len(retenus), quoi)} correspondent à « {brut} » : tapez la suite du nom "
                             f"ou le numéro de la liste. Par exemple : {_candidats(tries[:3], noms, codes)}", code="saisie.nom_ambigu")
    proches = process.extract(_distinctif(brut, noms), {c: _distinctif(n, noms) for c, n in noms.items()},
                              scorer=fuzz.WRatio, limit=3, score_cutoff=75)
    if not proches:
        raise SaisieInvalide(f"aucun {quoi} ne ressemble à « {brut} » : tapez le numéro de la liste, "
                             "ou laissez vide s'il n'y est pas (et signalez-le au coordinateur)", code="saisie.nom_sans_proche")
    raise SaisieInvalide(f"aucun {quoi} ne s'appelle « {brut} ». Les plus proches : "
                         f"{_candidats([c for _, _, c in proches], noms, codes)}. Tapez le numéro du bon, "
                         "ou laissez vide s'il n'est pas dans la liste", code="saisie.nom_inconnu")


def _distinctif(texte: str, noms: dict[str, str]) -> str:
    """A name without the words most names share (« école », « collège »), which say nothing of which one."""
    from collections import Counter

    frequents = Counter(m for n in noms.values() for m in set(sans_accents(n).split()))
    seuil = max(3, len(noms) // 4)
    return " ".join(m for m in sans_accents(texte).split() if frequents[m] < seuil) or sans_accents(texte)


def _mots_commencent(mots: list[str], nom: list[str]) -> bool:
    """Every typed word starts a word of the name, in any order."""
    return bool(mots) and all(any(m.startswith(t) for m in nom) for t in mots)


def _candidats(choisis: list[str], noms: dict[str, str], codes: list[str]) -> str:
    return " ; ".join(f"{codes.index(c) + 1}. {noms[c]}" for c in choisis)


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
        raise SaisieInvalide(f"numéro de téléphone illisible « {brut} » : tapez-le comme on vous le dicte, "
                             "par exemple 06 39 98 01 02 (ou +44 … pour un numéro étranger)", code="saisie.telephone") from None
    if not phonenumbers.is_possible_number(numero):
        chiffres = len(re.sub(r"\D", "", brut))
        raise SaisieInvalide(f"le numéro « {brut} » a {accorder(chiffres, 'chiffre')} : un numéro français en a 10, "
                             "tapez-le comme on vous le dicte, par exemple 06 39 98 01 02", code="saisie.telephone_longueur")
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
    raise SaisieInvalide(f"« {texte} » : répondez o pour oui ou n pour non", code="saisie.oui_non")


def normaliser_saisie(valeur, noeud: dict):
    """Brings a value typed in a form or an editor to its stored form, by what the schema says of it.

    A value that cannot be read is left as typed: `erreurs_de_saisie` then says why, by field.
    """
    if isinstance(valeur, (date, datetime)):
        return valeur.isoformat()[:10]
    if isinstance(valeur, dict):
        proprietes = noeud.get("properties", {})
        return {k: normaliser_saisie(v, proprietes.get(k, {})) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [normaliser_saisie(v, noeud.get("items", {})) for v in valeur]
    try:
        return _lire_selon(valeur, noeud)
    except SaisieInvalide:
        return valeur


def _lire_selon(valeur, noeud: dict):
    """One typed value read as its field says (date, phone, postal code, class); raises SaisieInvalide."""
    if noeud.get("format") == "date" and isinstance(valeur, str):
        return lire_date(valeur)
    if noeud.get("type") == "boolean" and isinstance(valeur, str) and valeur.strip():
        return lire_oui_non(valeur)
    if isinstance(valeur, (str, int)) and not isinstance(valeur, bool):
        lecteurs = {"telephone": lambda v: lire_telephone(str(v))[0], "code_postal": lire_code_postal,
                    "classe": lambda v: lire_classe(str(v), noeud.get("x-classes", []))}
        if noeud.get("x-saisie") in lecteurs:
            return lecteurs[noeud["x-saisie"]](valeur)
    return valeur


def erreurs_de_saisie(valeur, noeud: dict, chemin: tuple = ()) -> dict[tuple, str]:
    """Each typed value that cannot be read, by path: the reader's own message (« la date 31/02/2020
    n'existe pas… »), more useful than the schema's « format incorrect »."""
    if isinstance(valeur, dict):
        proprietes = noeud.get("properties", {})
        return {c: m for k, v in valeur.items() for c, m in erreurs_de_saisie(v, proprietes.get(k, {}), chemin + (k,)).items()}
    if isinstance(valeur, list):
        return {c: m for i, v in enumerate(valeur) for c, m in erreurs_de_saisie(v, noeud.get("items", {}), chemin + (i,)).items()}
    try:
        _lire_selon(valeur, noeud)
    except SaisieInvalide as e:
        return {chemin: str(e)}
    return {}
