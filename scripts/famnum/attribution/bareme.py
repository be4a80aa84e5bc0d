"""Scoring: what the grid reads in a dossier (the *situation*, with its source) and the points
each criterion gives, criterion by criterion, so that every score can be explained.

The names of the criteria are fixed here (one function each); their points live in
data/attribution.yaml. The schema's list of criteria and CRITERES below are the same (a test checks)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..formats import age_au, nombre
from ..referentiels import Referentiels

CLASSE_COLLEGE = re.compile(r"^\s*([6543])\s*(e|è|ème|eme)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Situation:
    """The facts of one family that the grid uses, computed at the session's date."""

    qpv: str
    adultes: int
    enfants: int  # children living at home (the household's count, at least the children listed)
    ages: tuple[int, ...]
    collegiens: int
    niveaux: tuple[str, ...]
    ordinateurs_en_etat: int
    portables_en_etat: int
    imprimante: str  # aucune | oui | non | sans_encre
    internet: str  # aucun | mobile | box
    besoin_declare: bool
    capacite_location: str
    formation: str
    demande: dict = field(hash=False, compare=False)

    @property
    def personnes(self) -> int:
        return self.adultes + self.enfants


def niveau_enfant(enfant: dict, referentiels: Referentiels) -> str:
    """'college', 'primaire' or '' — from the school's reference row, else from the class name."""
    etablissement = referentiels.etablissements.get(enfant.get("etablissement", ""))
    if etablissement:
        return etablissement["niveau"]
    return "college" if CLASSE_COLLEGE.match(enfant.get("classe", "")) else ""


def situation(fiche: dict, referentiels: Referentiels, jour: date) -> Situation:
    equipements = fiche["equipements"]
    ordinateurs = equipements["ordinateurs"]
    en_etat = 0 if ordinateurs.get("fonctionnement") == "non" else ordinateurs["nombre"]
    portables = en_etat if "portable" in ordinateurs.get("types", []) else 0
    imprimantes = equipements["imprimantes"]
    imprimante = "aucune" if imprimantes["nombre"] == 0 else imprimantes.get("fonctionnement", "oui")
    niveaux = [niveau_enfant(e, referentiels) for e in fiche["enfants"]]
    nb_enfants = max(fiche["foyer"]["nb_enfants"], len(fiche["enfants"]))
    ages = [age_au(e["date_naissance"], jour) for e in fiche["enfants"]]
    return Situation(
        qpv=fiche["qpv"], adultes=fiche["foyer"]["nb_adultes"],
        enfants=nb_enfants, ages=tuple(sorted(ages)),
        collegiens=niveaux.count("college"), niveaux=tuple(sorted({n for n in niveaux if n})),
        ordinateurs_en_etat=en_etat, portables_en_etat=portables, imprimante=imprimante,
        internet=equipements["internet"]["abonnement"], besoin_declare=fiche["besoin_declare"],
        capacite_location=fiche["capacites"]["location"], formation=fiche["capacites"]["formation"],
        demande=fiche["demande"],
    )


# --- the criteria: each returns what it counts (a number) or the value it reads (a text) --------

def _besoin_declare(s: Situation, grille: dict):
    return int(s.besoin_declare)


def _sans_ordinateur(s: Situation, grille: dict):
    return int(s.ordinateurs_en_etat == 0)


def _ordinateur_partage(s: Situation, grille: dict):
    seuil = grille["seuils"]["personnes_par_ordinateur"]
    return int(s.ordinateurs_en_etat > 0 and s.personnes > seuil * s.ordinateurs_en_etat)


def enfants_scolarises(s: Situation, grille: dict) -> int:
    bornes = grille["age_scolaire"]
    return sum(bornes["min"] <= a <= bornes["max"] for a in s.ages)


def _collegiens_portable(s: Situation, grille: dict):
    return max(s.collegiens - s.portables_en_etat, 0)


def _sans_internet(s: Situation, grille: dict):
    return s.internet


def _sans_imprimante(s: Situation, grille: dict):
    """No printer that works: the grid's list of states (a printer without ink or paper does not)."""
    return int(s.imprimante in grille["imprimante"]["si_etat"])


def _capacite_paiement(s: Situation, grille: dict):
    return s.capacite_location


def _accepte_formation(s: Situation, grille: dict):
    return s.formation


def _reside_qpv(s: Situation, grille: dict):
    return int(s.qpv not in grille["seuils"]["hors_qpv"])


CRITERES = {
    "besoin_declare": _besoin_declare,
    "sans_ordinateur": _sans_ordinateur,
    "ordinateur_partage": _ordinateur_partage,
    "enfants_scolarises": enfants_scolarises,
    "collegiens_portable": _collegiens_portable,
    "sans_internet": _sans_internet,
    "sans_imprimante": _sans_imprimante,
    "capacite_paiement": _capacite_paiement,
    "accepte_formation": _accepte_formation,
    "reside_qpv": _reside_qpv,
}


@dataclass(frozen=True)
class Point:
    """One criterion as applied to one family: what was read, and the points it gave."""

    critere: str
    libelle: str
    constate: int | str
    points: float
    regle: str  # the weight, in words: « 2 points », « 1 point par enfant, au plus 4 »


def _regle(critere: dict) -> str:
    if "points_par_valeur" in critere:
        return " ; ".join(f"{v} : {nombre(p)} pt" for v, p in critere["points_par_valeur"].items())
    texte = f"{nombre(critere['points'])} pt"
    return texte + (f" par unité, compté au plus {critere['plafond']} fois" if "plafond" in critere else "")


def preparer(grille: dict) -> list[tuple[str, dict, str]]:
    """The grid's criteria with their rule in words, computed once per command, not once per family."""
    return [(code, critere, _regle(critere)) for code, critere in grille["criteres"].items()]


def detail(s: Situation, grille: dict, prepares: list[tuple[str, dict, str]] | None = None) -> list[Point]:
    """Every criterion of the grid applied to the family, in the grid's order."""
    points = []
    for code, critere, regle in prepares or preparer(grille):
        constate = CRITERES[code](s, grille)
        if "points_par_valeur" in critere:
            obtenu = critere["points_par_valeur"][constate]
        else:
            obtenu = critere["points"] * min(constate, critere.get("plafond", constate))
        points.append(Point(code, critere["libelle"], constate, obtenu, regle))
    return points


def total(points: list[Point]) -> float:
    return sum(p.points for p in points)


