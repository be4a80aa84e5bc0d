"""Searching files for the personal values of the dossiers: the guard that nothing leaks.

Values come from the fields the schema marks `x-personnel`. Ids, phone numbers, e-mails, full names
and addresses are *strong*: one hit is a leak. A date of birth alone is *weak* (a page may carry a
date that happens to be someone's birthday): it counts when another value of the same family sits in
the same file.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .formats import en_ascii
from .schemas import SchemaFamille

_JETON = re.compile(r"[a-z0-9]+")
_ID = re.compile(r"F-[2-9A-HJ-NP-Z]{5}")
_COURRIEL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TELEPHONE = re.compile(r"(?:\+|00)?\d(?:[\s.\-]?\d){8,13}")
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{2})/(\d{2})/(\d{4})\b")
EXTENSIONS_TEXTE = {".html", ".htm", ".xml", ".json", ".csv", ".md", ".txt", ".js", ".yaml", ".yml", ".svg", ".tsv", ".log"}
MAX_JETONS_NOM = 6


def normaliser(texte: str) -> str:
    return " ".join(_JETON.findall(en_ascii(texte)))


def telephone_normalise(brut: str) -> str | None:
    chiffres = re.sub(r"\D", "", brut)
    if brut.strip().startswith(("+", "00")):
        chiffres = chiffres[2:] if brut.strip().startswith("00") else chiffres
        return "+" + chiffres
    if len(chiffres) == 10 and chiffres.startswith("0"):
        return "+33" + chiffres[1:]
    if len(chiffres) == 9 and chiffres[0] in "123456789":
        return "+33" + chiffres
    return None


_NATURES_PAR_CHAMP = ("telephone", "courriel", "adresse", "date_naissance")


def plan_personnel(champs) -> dict:
    """The schema's `x-personnel` fields (SchemaFamille.champs) as a tree of keys ("*": every element
    of a list) whose leaves are natures: one walk of a dossier reads them all."""
    plan: dict = {}
    for chemin, nature in champs:
        if nature not in _NATURES_PAR_CHAMP:
            continue
        noeud = plan
        for cle in chemin[:-1]:
            noeud = noeud.setdefault(cle, {})
        noeud[chemin[-1]] = nature
    return plan


def _cueillir(donnees, plan: dict, sortie: list) -> None:
    for cle, suite in plan.items():
        if cle == "*":
            if isinstance(donnees, list):
                for element in donnees:
                    _cueillir(element, suite, sortie)
        elif isinstance(donnees, dict) and cle in donnees:
            if isinstance(suite, str):
                sortie.append((suite, donnees[cle]))
            else:
                _cueillir(donnees[cle], suite, sortie)


def valeurs_personnelles(dossier: dict, plan: dict) -> list[tuple[str, str]]:
    """(nature, value as searched) for every personal value of one dossier (`plan`: plan_personnel).
    Cheap enough to run in the reading processes, so the main process only gathers small lists."""
    valeurs = [("identifiant", dossier.get("id", ""))]
    fiche = dossier.get("fiche", {})
    for personne in (fiche.get("enfants") or []) + (fiche.get("representants_legaux") or []):
        prenom, nom = normaliser(personne.get("prenom", "")), normaliser(personne.get("nom", ""))
        if prenom and nom:
            valeurs += [("nom", f"{prenom} {nom}"), ("nom", f"{nom} {prenom}")]
    brutes: list = []
    _cueillir(dossier, plan, brutes)
    for nature, valeur in brutes:
        if not isinstance(valeur, str):
            continue
        if nature == "courriel":
            valeurs.append(("courriel", valeur.lower()))
        elif nature == "adresse":
            adresse = normaliser(valeur)
            if len(adresse) >= 8:
                valeurs.append(("adresse", adresse))
        else:  # telephone, date_naissance: searched as stored
            valeurs.append((nature, valeur))
    return valeurs


def noms_publics(texte_public: str) -> set[str]:
    """Every run of 2 to MAX_JETONS_NOM words of a public text, normalised: a family name equal to one
    of them (a school named « Claude Bernard ») cannot, alone, prove a leak."""
    jetons = normaliser(texte_public).split()
    return {" ".join(jetons[debut:debut + longueur])
            for debut in range(len(jetons)) for longueur in range(2, MAX_JETONS_NOM + 1)
            if debut + longueur <= len(jetons)}


def noms_publics_du_territoire(territoire) -> set[str]:
    """The public names of every reference table of the territory (data/referentiels/*.csv)."""
    publics: set[str] = set()
    for referentiel in sorted(territoire.referentiels.glob("*.csv")):
        publics |= noms_publics(referentiel.read_text(encoding="utf-8"))
    return publics


@dataclass(frozen=True)
class Fuite:
    fichier: str
    nature: str  # never the value itself: the report of a leak must not leak


class Aiguilles:
    """The personal values to look for, indexed for fast lookup as they are added.

    Names and addresses are indexed by their first two words (a one-word value under (word,)): a
    text's word pairs are each looked up once. Two words, not one: thousands of addresses begin with
    « 12 », and a text's numbers would each be compared with all of them."""

    def __init__(self, publics: set[str] | frozenset = frozenset()):
        self.fortes: dict[str, dict[str, set[int]]] = {"identifiant": {}, "courriel": {}, "telephone": {}}
        self.dates: dict[str, set[int]] = {}
        self._index: dict[str, dict[tuple, dict[tuple, set[int]]]] = {"nom": {}, "adresse": {}}
        self._premiers_mots: dict[str, set[str]] = {"nom": set(), "adresse": set()}
        self._publics = set(publics)  # names of the reference tables (noms_publics): never a needle

    @classmethod
    def depuis_dossiers(cls, dossiers, schema: SchemaFamille, publics: set[str] | frozenset = frozenset()) -> Aiguilles:
        aiguilles = cls(publics)
        plan = plan_personnel(schema.champs("x-personnel"))
        for numero, dossier in enumerate(dossiers):
            aiguilles.ajouter_valeurs(numero, valeurs_personnelles(dossier, plan))
        return aiguilles

    def ajouter_valeurs(self, famille: int, valeurs: list[tuple[str, str]]) -> None:
        for nature, valeur in valeurs:
            if nature == "date_naissance":
                self.dates.setdefault(valeur, set()).add(famille)
            elif not valeur:
                continue
            elif nature in self._index:
                if nature == "nom" and valeur in self._publics:
                    continue
                mots = valeur.split()
                self._index[nature].setdefault(tuple(mots[:2]), {}).setdefault(tuple(mots[2:]), set()).add(famille)
                self._premiers_mots[nature].add(mots[0])
            else:
                self.fortes.setdefault(nature, {}).setdefault(valeur, set()).add(famille)

    def ignorer_noms_publics(self, texte_public: str) -> None:
        """A family may bear the name of a school ("Claude Bernard"): a name that appears in the
        public reference tables cannot, alone, prove a leak (for names added before or after)."""
        publics = noms_publics(texte_public)
        self._publics |= publics
        index = self._index["nom"]
        for nom in publics:
            mots = nom.split()
            suites = index.get(tuple(mots[:2]))
            if suites is not None:
                suites.pop(tuple(mots[2:]), None)

    def __len__(self) -> int:
        return (sum(len(v) for v in self.fortes.values()) + len(self.dates)
                + sum(len(suites) for index in self._index.values() for suites in index.values()))

    def chercher(self, texte: str, fichier: str) -> list[Fuite]:
        trouvees: dict[str, set[int]] = defaultdict(set)
        for identifiant in _ID.findall(texte):
            trouvees["identifiant"] |= self.fortes["identifiant"].get(identifiant, set())
        for courriel in _COURRIEL.findall(texte) if "@" in texte else ():
            trouvees["courriel"] |= self.fortes["courriel"].get(courriel.lower(), set())
        for brut in _TELEPHONE.findall(texte):
            numero = telephone_normalise(brut)
            if numero:
                trouvees["telephone"] |= self.fortes["telephone"].get(numero, set())
        jetons = normaliser(texte).split()
        mots = set(jetons)
        for nature, index in self._index.items():
            presents = mots & self._premiers_mots[nature]
            if not presents:  # most texts hold no family's first word at all: one set operation says so
                continue
            for debut, jeton in enumerate(jetons):
                if jeton not in presents:
                    continue
                for cle in ((jeton,), tuple(jetons[debut:debut + 2])):
                    for suite, familles in index.get(cle, {}).items():
                        if not suite or tuple(jetons[debut + 2:debut + 2 + len(suite)]) == suite:
                            trouvees[nature] |= familles
        familles_fortes = set().union(*trouvees.values()) if trouvees else set()
        for m in _DATE.finditer(texte):
            iso = f"{m[1]}-{m[2]}-{m[3]}" if m[1] else f"{m[6]}-{m[5]}-{m[4]}"
            if self.dates.get(iso, set()) & familles_fortes:
                trouvees["date de naissance"] |= self.dates[iso]
        return [Fuite(fichier, nature) for nature, familles in sorted(trouvees.items()) if familles]


def aiguilles_de_la_lecture(lecture, territoire) -> Aiguilles:
    """The needles of a whole reading, less the public names of the territory's reference tables:
    those the reading processes gathered (`lire_tous(valeurs=True)`), or else taken from its
    dossiers. One recipe for `famnum verifier` and `famnum publier`."""
    from .schemas import SchemaFamille

    if lecture.aiguilles is not None:
        return lecture.aiguilles
    return Aiguilles.depuis_dossiers(lecture.dossiers.values(), SchemaFamille.charger(territoire.schema_famille),
                                     noms_publics_du_territoire(territoire))


def fichiers_texte(racine: Path, chemins: list[str] | None = None, exclure=()) -> list[Path]:
    if chemins is None:
        candidats = [p for p in racine.rglob("*") if p.is_file()]
    else:
        candidats = [racine / c for c in chemins]
    return [p for p in candidats
            if p.suffix.lower() in EXTENSIONS_TEXTE and p.is_file()
            and not any(str(p.relative_to(racine)).startswith(e) for e in exclure)]


def scanner(aiguilles: Aiguilles, racine: Path, fichiers: list[Path]) -> list[Fuite]:
    fuites = []
    for fichier in fichiers:
        try:
            texte = fichier.read_text(encoding="utf-8", errors="ignore")
        except OSError:
            continue
        fuites += aiguilles.chercher(texte, str(fichier.relative_to(racine)))
    return fuites
