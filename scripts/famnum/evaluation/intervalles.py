"""Protection intervals: what an attacker reading the whole package can bound a hidden figure to.

The attacker's model, the one τ-Argus and sdcTable judge a table with: every hidden figure is an
unknown, at least 0; every line of every table adds up (inner cells to their margin), in every
period; a cumulative figure never decreases from one period to the next; a hidden figure known to
be 0 is 0 (whoever assumes it loses nothing). Minimising and maximising each hidden figure by
linear programming (HiGHS, warm-started: one model per group of linked hidden figures, only the
objective changes between solves) gives its interval; integers round it inwards.

The rule a hidden figure must meet (its true value not 0): the interval is at least `LARGEUR` wide,
or it reaches 0, or it straddles the threshold (the reader cannot tell a small count from a
publishable one). Anything else is a disclosure: exact (a single value) or narrow.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..erreurs import FamnumError

# what to do when the protection itself fails (fail closed): the one place this advice is written
SIGNALER = ("signalez-le à l'équipe de famnum avec votre data/indicateurs.yaml (aucune donnée de famille n'est à "
            "joindre) ; la publication reste refusée d'ici là.")

LARGEUR = 4      # the narrowest interval that protects a hidden count
# The narrowest interval that protects a hidden sum of euros: 150 €, the price of the cheapest device
# (a printer, data/attribution.yaml), more than a family pays in a year of renting (10 € a month at most,
# 120 €) or receives in a year of PRE aid. Narrower, a sum could tell what one family paid.
LARGEUR_EUROS = 150
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Contrainte:
    """sum(coef * x) == 0 (egalite) or <= 0: the tables' lines and the monotone series."""
    coefs: tuple  # ((unknown, coefficient), ...)
    egalite: bool


@dataclass(frozen=True)
class Intervalle:
    bas: int
    haut: float  # math.inf when nothing bounds it from above

    @property
    def largeur(self) -> float:
        return self.haut - self.bas


def faille(intervalle: Intervalle, valeur: int, seuil: int) -> str | None:
    """Why a hidden count of `valeur` is under-protected by this interval (None when it is not).

    Never names the value: the reason is what a person can read in an error message."""
    if valeur == 0 or intervalle.bas <= 0 or intervalle.largeur >= LARGEUR:
        return None
    if intervalle.bas < seuil <= intervalle.haut:
        return None
    if intervalle.largeur == 0:
        return "retrouvée exactement"
    return f"encadrée dans un intervalle de largeur {int(intervalle.largeur)} (il en faut au moins {LARGEUR})"


def composante(depart, relations_de, membres, dans) -> tuple[set, set]:
    """The unknowns of `dans` linked to `depart` by relations, each relation reached from one of them
    (relations_de: unknown -> its relations; membres: relation -> its unknowns), and those relations."""
    groupe, relations, pile = {depart}, set(), [depart]
    while pile:
        for k in relations_de[pile.pop()]:
            if k in relations:
                continue
            relations.add(k)
            for w in membres(k):
                if w in dans and w not in groupe:
                    groupe.add(w)
                    pile.append(w)
    return groupe, relations


def faille_euros(intervalle: Intervalle, valeur: float) -> str | None:
    """Why a hidden sum of `valeur` euros is under-protected (None when it is not): its interval is
    narrower than LARGEUR_EUROS and does not reach 0. Never names the value."""
    if valeur == 0 or intervalle.bas <= 0 or intervalle.largeur >= LARGEUR_EUROS:
        return None
    if intervalle.largeur < 1:
        return "somme en euros retrouvée exactement"
    return (f"somme en euros encadrée dans un intervalle de {int(intervalle.largeur)} € "
            f"(il en faut au moins {LARGEUR_EUROS} €)")


class Modele:
    """The linear relations between unknowns, and what is published, for the attacker's LP."""

    def __init__(self, n: int, contraintes: list[Contrainte]):
        self.n = n
        self.contraintes = contraintes
        self.contraintes_de = defaultdict(list)
        for k, c in enumerate(contraintes):
            for v, _ in c.coefs:
                self.contraintes_de[v].append(k)

    def composantes(self, inconnues: set[int], departs: set[int] | None = None) -> list[tuple[list[int], list[int]]]:
        """Groups of unknowns linked by a relation, each with the relations that touch it (only the
        groups of `departs` when given)."""
        vus, groupes = set(), []
        membres = lambda k: (w for w, _ in self.contraintes[k].coefs)  # noqa: E731
        for depart in sorted(inconnues if departs is None else departs & inconnues):
            if depart not in vus:
                groupe, relations = composante(depart, self.contraintes_de, membres, inconnues)
                vus |= groupe
                groupes.append((sorted(groupe), sorted(relations)))
        return groupes

    def intervalles(self, inconnues: set[int], connu: dict[int, float], cibles: set[int] | None = None
                    ) -> dict[int, Intervalle]:
        """The interval of each unknown in `cibles` (default: all), the others in `connu` fixed."""
        resultat = {}
        for groupe, relations in self.composantes(inconnues, cibles):
            voulus = [v for v in groupe if cibles is None or v in cibles]
            resultat.update(_resoudre_groupe(self, groupe, relations, connu, voulus))
        return resultat


def _resoudre_groupe(modele: Modele, groupe: list[int], relations: list[int], connu: dict, voulus: list[int]):
    import highspy
    import numpy as np

    colonne = {v: i for i, v in enumerate(groupe)}
    h = _highs()
    h.setOptionValue("presolve", "off")  # each solve starts from the previous basis (warm start)
    h.setOptionValue("threads", 1)  # a thread pool costs more than these small models (and the machine is shared)
    inf = h.getInfinity()
    h.addVars(len(groupe), np.zeros(len(groupe)), np.full(len(groupe), inf))
    for k in relations:
        c = modele.contraintes[k]
        constante = sum(a * connu[v] for v, a in c.coefs if v not in colonne)
        indices = np.array([colonne[v] for v, _ in c.coefs if v in colonne], dtype=np.int32)
        valeurs = np.array([float(a) for v, a in c.coefs if v in colonne])
        h.addRow(-constante if c.egalite else -inf, -constante, len(indices), indices, valeurs)
    resultat = {}
    for v in voulus:
        i = colonne[v]
        h.changeColCost(i, 1.0)
        bas = _optimum(h, highspy.ObjSense.kMinimize)
        haut = _optimum(h, highspy.ObjSense.kMaximize)
        h.changeColCost(i, 0.0)
        resultat[v] = Intervalle(max(0, math.ceil(bas - TOLERANCE)),
                                 math.inf if haut == math.inf else math.floor(haut + TOLERANCE))
    return resultat


_BANNIERE = [True]  # HiGHS prints its banner on stdout when the process makes its first model


def _highs():
    """A silent single-threaded HiGHS model (the first one's banner goes to /dev/null, not to the user)."""
    import os
    import sys

    import highspy

    if _BANNIERE[0]:
        sys.stdout.flush()
        sortie, nul = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        os.dup2(nul, 1)
        try:
            h = highspy.Highs()
        finally:
            os.dup2(sortie, 1)
            os.close(sortie)
            os.close(nul)
        _BANNIERE[0] = False
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _optimum(h, sens) -> float:
    import highspy

    h.changeObjectiveSense(sens)
    h.run()
    statut = h.getModelStatus()
    if statut == highspy.HighsModelStatus.kOptimal:
        return h.getInfo().objective_function_value
    if statut in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return math.inf if sens == highspy.ObjSense.kMaximize else 0.0
    raise FamnumError(f"Secret statistique : le calcul des intervalles a échoué ({h.modelStatusToString(statut)}) : "
                      "rien n'est publié.", code="secret.calcul_echoue", correction="relancez la commande ; si l'échec revient, "
                      + SIGNALER)
