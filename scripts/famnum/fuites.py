"""Searching files for the personal values of the dossiers: the guard that nothing leaks.

Values come from the fields the schema marks `x-personnel`. Ids, phone numbers, e-mails, full names
and addresses are *strong*: one hit is a leak. A date of birth alone is *weak* (a page may carry a
date that happens to be someone's birthday): it counts when another value of the same family sits in
the same file.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .schemas import SchemaFamille, valeurs_au_chemin

_JETON = re.compile(r"[a-z0-9]+")
_ID = re.compile(r"F-[2-9A-HJ-NP-Z]{5}")
_COURRIEL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TELEPHONE = re.compile(r"(?:\+|00)?\d(?:[\s.\-]?\d){8,13}")
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{2})/(\d{2})/(\d{4})\b")
EXTENSIONS_TEXTE = {".html", ".htm", ".xml", ".json", ".csv", ".md", ".txt", ".js", ".yaml", ".yml", ".svg", ".tsv", ".log"}
MAX_JETONS_NOM = 6


def normaliser(texte: str) -> str:
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return " ".join(_JETON.findall(sans_accents.lower()))


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


def valeurs_personnelles(dossier: dict, champs) -> list[tuple[str, str]]:
    """(nature, value as searched) for every personal value of one dossier. Cheap enough to run in
    the reading processes, so the main process only gathers small lists."""
    valeurs = [("identifiant", dossier.get("id", ""))]
    fiche = dossier.get("fiche", {})
    for personne in (fiche.get("enfants") or []) + (fiche.get("representants_legaux") or []):
        prenom, nom = normaliser(personne.get("prenom", "")), normaliser(personne.get("nom", ""))
        if prenom and nom:
            valeurs += [("nom", f"{prenom} {nom}"), ("nom", f"{nom} {prenom}")]
    for chemin, nature in champs:
        for valeur in valeurs_au_chemin(dossier, chemin):
            if not isinstance(valeur, str):
                continue
            if nature == "telephone":
                valeurs.append(("telephone", valeur))
            elif nature == "courriel":
                valeurs.append(("courriel", valeur.lower()))
            elif nature == "adresse" and len(normaliser(valeur)) >= 8:
                valeurs.append(("adresse", normaliser(valeur)))
            elif nature == "date_naissance":
                valeurs.append(("date_naissance", valeur))
    return valeurs


@dataclass(frozen=True)
class Fuite:
    fichier: str
    nature: str  # never the value itself: the report of a leak must not leak


class Aiguilles:
    """The personal values to look for, indexed for fast lookup."""

    def __init__(self):
        self.fortes: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.dates: dict[str, set[int]] = defaultdict(set)
        self._index: dict[str, dict] = {}
        self._premiers_mots: dict[str, set[str]] = {}

    @classmethod
    def depuis_dossiers(cls, dossiers, schema: SchemaFamille) -> Aiguilles:
        aiguilles = cls()
        champs = schema.champs("x-personnel")
        for numero, dossier in enumerate(dossiers):
            aiguilles.ajouter_valeurs(numero, valeurs_personnelles(dossier, champs))
        return aiguilles

    def ajouter_valeurs(self, famille: int, valeurs: list[tuple[str, str]]) -> None:
        for nature, valeur in valeurs:
            if nature == "date_naissance":
                self.dates[valeur].add(famille)
            elif valeur:
                self.fortes[nature][valeur].add(famille)
        self._index.clear()

    def ignorer_noms_publics(self, texte_public: str) -> None:
        """A family may bear the name of a school ("Claude Bernard"): a name that appears in the
        public reference tables cannot, alone, prove a leak."""
        jetons = normaliser(texte_public).split()
        for debut in range(len(jetons)):
            for longueur in range(2, MAX_JETONS_NOM + 1):
                self.fortes["nom"].pop(" ".join(jetons[debut:debut + longueur]), None)
        self._index.pop("nom", None)

    def _index_deux_jetons(self, nature: str) -> dict[tuple, list[tuple[tuple, set[int]]]]:
        """Values indexed by their first two words (a one-word value under (word,)): a text's word pairs are
        each looked up once. Two words, not one: thousands of addresses begin with « 12 », and a text's
        numbers would each be compared with all of them."""
        if nature not in self._index:
            index: dict[tuple, list] = defaultdict(list)
            for valeur, familles in self.fortes[nature].items():
                mots = valeur.split()
                index[tuple(mots[:2])].append((tuple(mots[2:]), familles))
            self._index[nature] = index
            self._premiers_mots[nature] = {cle[0] for cle in index}
        return self._index[nature]

    def __len__(self) -> int:
        return sum(len(v) for v in self.fortes.values()) + len(self.dates)

    def chercher(self, texte: str, fichier: str) -> list[Fuite]:
        trouvees: dict[str, set[int]] = defaultdict(set)
        for identifiant in _ID.findall(texte):
            trouvees["identifiant"] |= self.fortes["identifiant"].get(identifiant, set())
        for courriel in _COURRIEL.findall(texte):
            trouvees["courriel"] |= self.fortes["courriel"].get(courriel.lower(), set())
        for brut in _TELEPHONE.findall(texte):
            numero = telephone_normalise(brut)
            if numero:
                trouvees["telephone"] |= self.fortes["telephone"].get(numero, set())
        jetons = normaliser(texte).split()
        mots = set(jetons)
        for nature in ("nom", "adresse"):
            index = self._index_deux_jetons(nature)
            presents = mots & self._premiers_mots[nature]
            if not presents:  # most texts hold no family's first word at all: one set operation says so
                continue
            for debut, jeton in enumerate(jetons):
                if jeton not in presents:
                    continue
                for cle in ((jeton,), tuple(jetons[debut:debut + 2])):
                    for suite, familles in index.get(cle, ()):
                        if not suite or tuple(jetons[debut + 2:debut + 2 + len(suite)]) == suite:
                            trouvees[nature] |= familles
        familles_fortes = set().union(*trouvees.values()) if trouvees else set()
        for m in _DATE.finditer(texte):
            iso = f"{m[1]}-{m[2]}-{m[3]}" if m[1] else f"{m[6]}-{m[5]}-{m[4]}"
            if self.dates.get(iso, set()) & familles_fortes:
                trouvees["date de naissance"] |= self.dates[iso]
        return [Fuite(fichier, nature) for nature, familles in sorted(trouvees.items()) if familles]


def aiguilles_de_la_lecture(lecture, territoire) -> Aiguilles:
    """The needles of a whole reading: the personal values the reading processes gathered (or, when
    the reading did not gather them, taken from its dossiers), less the public names of the
    territory's reference tables. One recipe for `famnum verifier` and `famnum publier`."""
    from .schemas import SchemaFamille

    if lecture.valeurs_personnelles:
        aiguilles = Aiguilles()
        for famille, valeurs in enumerate(lecture.valeurs_personnelles):
            aiguilles.ajouter_valeurs(famille, valeurs)
    else:
        aiguilles = Aiguilles.depuis_dossiers(lecture.dossiers.values(), SchemaFamille.charger(territoire.schema_famille))
    for referentiel in sorted(territoire.referentiels.glob("*.csv")):
        aiguilles.ignorer_noms_publics(referentiel.read_text(encoding="utf-8"))
    return aiguilles


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
