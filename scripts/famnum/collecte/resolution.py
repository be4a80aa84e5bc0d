"""Which school or QPV a partner meant: « E.E. G. Philippe », « Clg Alain Fournier », « Epau »,
« Genne », « Carnac ».

A name is compared on folded text (no accent, no case), abbreviations expanded (Mat., Élém., E.E.,
G.S., Clg, EP…), type words (école, collège…) set apart, then word by word: an exact word, a
first-name initial (« G. » for Gérard), a small typo (rapidfuzz). A territory's other names
(district, street, former name) come from `data/referentiels/autres_noms.csv` or an `autres_noms`
column. The school's type and the child's class (6e → a collège) break ties.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .tableur import cle_texte

HAUT = 90   # at or above: taken, with a report line
BAS = 70    # between BAS and HAUT: asked once at the terminal (with --oui: left empty and flagged)
_ECART = 6  # the best must lead the next candidate by this much to be taken without asking

_SIGLES = {("e", "e"): "ecole elementaire", ("e", "m"): "ecole maternelle", ("g", "s"): "groupe scolaire",
           ("e", "p"): "ecole primaire", ("c", "s"): "centre social"}
_ABREVIATIONS = {"ee": "ecole elementaire", "em": "ecole maternelle", "gs": "groupe scolaire", "ep": "ecole primaire",
                 "mat": "maternelle", "mater": "maternelle", "elem": "elementaire", "elt": "elementaire",
                 "elm": "elementaire", "prim": "primaire", "clg": "college", "col": "college", "coll": "college",
                 "ec": "ecole", "eco": "ecole", "grp": "groupe", "gpe": "groupe", "sco": "scolaire", "scol": "scolaire",
                 "st": "saint", "ste": "sainte", "dr": "docteur", "pr": "professeur", "prof": "professeur"}
_TYPES = {"maternelle": "maternelle", "elementaire": "elementaire", "primaire": "primaire", "groupe": "groupe",
          "scolaire": "groupe", "college": "college", "ecole": "ecole", "erea": "erea", "qpv": "", "quartier": "",
          "cite": "", "residence": ""}
_VIDES = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "a", "au", "aux", "en", "sur"}
# what each type word allows, among the types of data/referentiels/etablissements.csv
_COMPATIBLES = {
    "maternelle": {"ecole_maternelle", "groupe_scolaire", "ecole"},
    "elementaire": {"ecole_elementaire", "groupe_scolaire", "ecole"},
    "primaire": {"ecole", "groupe_scolaire", "ecole_elementaire", "ecole_maternelle"},
    "groupe": {"groupe_scolaire", "ecole", "ecole_elementaire", "ecole_maternelle"},
    "ecole": {"ecole", "groupe_scolaire", "ecole_elementaire", "ecole_maternelle"},
    "college": {"college", "erea"},
    "erea": {"erea"},
}


@dataclass(frozen=True)
class Forme:
    types: frozenset
    coeur: tuple[str, ...]


@dataclass(frozen=True)
class Candidat:
    code: str
    nom: str
    score: float
    exact: bool = False


def _mots(texte: str) -> list[str]:
    mots = cle_texte(texte).split()
    for longueur in (2,):  # « E.E. », « G.S. » at the start: initials of the school's type
        if len(mots) > longueur and tuple(mots[:longueur]) in _SIGLES:
            mots = _SIGLES[tuple(mots[:longueur])].split() + mots[longueur:]
    return [mot for m in mots for mot in _ABREVIATIONS.get(m, m).split()]


def decomposer(texte: str) -> Forme:
    """« E.E. G. Philippe » → types {elementaire, ecole}, heart ('g', 'philippe')."""
    types, coeur = set(), []
    for mot in _mots(texte):
        if mot in _TYPES:
            if _TYPES[mot]:
                types.add(_TYPES[mot])
        elif mot not in _VIDES:
            coeur.append(mot)
    return Forme(frozenset(types), tuple(coeur))


def _accord(mot: str, autres: tuple[str, ...]) -> tuple[float, int]:
    """How well one word of the query matches the best word of a name: 1 exact, 0.9 an initial,
    the rapidfuzz ratio for a small typo (0 below 0.8). Returns (score, index)."""
    from rapidfuzz.fuzz import ratio

    meilleur = (0.0, -1)
    for i, autre in enumerate(autres):
        if mot == autre:
            return 1.0, i
        if len(mot) == 1 and autre.startswith(mot):
            score = 0.9
        elif len(mot) >= 4 and len(autre) >= 4:
            proche = ratio(mot, autre) / 100  # one letter off in a long word is nearly the word
            score = 1 - (1 - proche) / 3 if proche >= 0.8 else 0.0
        else:
            score = 0.0
        meilleur = max(meilleur, (score, i))
    return meilleur


def score_formes(question: Forme, nom: Forme) -> float:
    """0–100: every word of the question found in the name, and most of the name's words covered."""
    from rapidfuzz.fuzz import token_sort_ratio

    if not question.coeur or not nom.coeur:
        return 0.0
    accords = [_accord(m, nom.coeur) for m in question.coeur]
    couverts = {i for s, i in accords if s > 0}
    part_question = sum(s for s, _ in accords) / len(question.coeur)
    part_nom = len(couverts) / len(nom.coeur)
    par_mots = 100 * part_question * (0.9 + 0.1 * part_nom)
    entier = token_sort_ratio(" ".join(question.coeur), " ".join(nom.coeur)) * 0.95
    return max(par_mots, entier)


def charger_autres_noms(dossier_referentiels: Path, table: str, lignes: dict[str, dict]) -> dict[str, list[str]]:
    """code → other names, from an `autres_noms` column (separated by « ; ») and from
    autres_noms.csv (columns referentiel, code, autre_nom)."""
    autres: dict[str, list[str]] = {}
    for code, ligne in lignes.items():
        for nom in (ligne.get("autres_noms") or "").split(";"):
            if nom.strip():
                autres.setdefault(code, []).append(nom.strip())
    chemin = dossier_referentiels / "autres_noms.csv"
    if chemin.is_file():
        with chemin.open(encoding="utf-8", newline="") as f:
            for ligne in csv.DictReader(f):
                if ligne.get("referentiel") == table and ligne.get("code") in lignes and (ligne.get("autre_nom") or "").strip():
                    autres.setdefault(ligne["code"], []).append(ligne["autre_nom"].strip())
    return autres


class Resolveur:
    """Finds the code of a school or a QPV from its name as a partner wrote it."""

    def __init__(self, lignes: dict[str, dict], autres_noms: dict[str, list[str]], avec_types: bool):
        self.noms = {code: ligne.get("nom", code) for code, ligne in lignes.items()}
        self.types = {code: ligne.get("type", "") for code, ligne in lignes.items()} if avec_types else {}
        self.niveaux = {code: ligne.get("niveau", "") for code, ligne in lignes.items()} if avec_types else {}
        self.exacts: dict[str, str] = {}
        self.formes: list[tuple[str, Forme]] = []
        for code, nom in self.noms.items():
            for texte in [nom, code.replace("-", " "), *autres_noms.get(code, [])]:
                self.exacts.setdefault(" ".join(_mots(texte)), code)
                self.formes.append((code, decomposer(texte)))
        self._cache: dict[tuple, list[Candidat]] = {}

    def candidats(self, texte: str, niveau: str = "") -> list[Candidat]:
        """Up to 3 candidates, best first, one per code. `niveau` (« primaire », « college »), read
        from the child's class, lowers the schools of the other level."""
        cle = (" ".join(_mots(texte)), niveau)
        if cle not in self._cache:
            self._cache[cle] = self._chercher(texte, cle[0], niveau)
        return self._cache[cle]

    def _chercher(self, texte: str, plie: str, niveau: str) -> list[Candidat]:
        if plie in self.exacts:
            code = self.exacts[plie]
            return [Candidat(code, self.noms[code], 100.0, exact=True)]
        question = decomposer(texte)
        meilleurs: dict[str, float] = {}
        for code, forme in self.formes:
            score = score_formes(question, forme) - self._ecart_de_type(question, code, niveau)
            meilleurs[code] = max(meilleurs.get(code, 0.0), score)
        tries = sorted(meilleurs.items(), key=lambda p: (-p[1], p[0]))[:3]
        return [Candidat(code, self.noms[code], round(score, 1)) for code, score in tries if score > 0]

    def _ecart_de_type(self, question: Forme, code: str, niveau: str) -> float:
        if not self.types:
            return 0.0
        penalite = 0.0
        if question.types and not any(self.types[code] in _COMPATIBLES[t] for t in question.types if t in _COMPATIBLES):
            penalite += 30
        if niveau and self.niveaux.get(code) and self.niveaux[code] != niveau:
            penalite += 20
        return penalite


def decider(candidats: list[Candidat]) -> Candidat | None:
    """The candidate taken without asking: exact, or high and clearly ahead of the next one."""
    if not candidats:
        return None
    premier = candidats[0]
    if premier.exact:
        return premier
    second = candidats[1].score if len(candidats) > 1 else 0.0
    return premier if premier.score >= HAUT and premier.score - second >= _ECART else None


def a_demander(candidats: list[Candidat]) -> bool:
    return bool(candidats) and decider(candidats) is None and candidats[0].score >= BAS
