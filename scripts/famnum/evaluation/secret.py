"""Statistical disclosure control: what of the tables may leave memory.

The rule (the Insee's for small-area household data, like τ-Argus and sdcTable apply it):
1. primary suppression: a cell counting 1 to `seuil`-1 families is never published (0 is: it
   names no one);
2. secondary suppression: no suppressed cell may be recomputed, exactly, from the published cells
   of ALL tables together: the margins of its table, the same families counted in another table
   (cells counting the very same set of families are one unknown), and the other periods;
3. differencing between periods: tables are cumulative, so the difference of one cell between two
   periods counts the families who entered or left it; when that difference is 1 to `seuil`-1, the
   two values are never both known (published or recomputable): the earlier one is suppressed, so
   that the latest figures, the ones readers need, stay published.

Secondary cells are chosen the way hypercube methods do it, simply: for a hidden cell that the
published figures still determine, hide the smallest non-zero published cell of a line it sits on
(fewest families hidden), then check again, until no protected value can be recomputed. The check is
exact linear algebra (modulo a large prime) on each connected group of hidden cells: a hidden value
is recomputable exactly when its unit vector lies in the row space of the additive relations
restricted to the hidden cells. Rates are published only when their numerator and denominator are.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .calcul import ENSEMBLE, Tableau

PREMIER = (1 << 61) - 1


@dataclass
class Controle:
    seuil: int
    masques: set            # (indicator, period, breakdown, group, modality) never published
    primaires: int
    secondaires: int
    tours: int


def cle_case(t: Tableau, cle) -> tuple:
    return (t.indicateur, t.periode, t.par, *cle)


def inconnue(t: Tableau, cle) -> tuple:
    """Which unknown a cell is, as an attacker reading the definitions knows it.

    The same population (denominator) in the same period and group is one figure wherever it is
    published; a modality's total is one figure in the table by QPV and in the table by level.
    """
    groupe, mod = cle
    par = t.par if groupe != ENSEMBLE else "*"
    if mod == ENSEMBLE:
        return ("population", t.population, t.periode, par, groupe)
    if mod in t.populations_modalites:
        return ("population", t.populations_modalites[mod], t.periode, par, groupe)
    if groupe == ENSEMBLE:
        return ("modalite", t.indicateur, t.periode, mod)
    return ("case", *cle_case(t, cle))


class _Systeme:
    """Unknowns are the published figures (cells that are one figure are one unknown); relations are
    the tables' additive lines."""

    def __init__(self, tableaux: list[Tableau]):
        self.var_de_case, self.valeur, self.cases_de_var = {}, [], defaultdict(list)
        index = {}
        for t in tableaux:
            for cle in t.cles():
                ident = inconnue(t, cle)
                if ident not in index:
                    index[ident] = len(self.valeur)
                    self.valeur.append(t.comptes[cle])
                v = index[ident]
                self.var_de_case[cle_case(t, cle)] = v
                self.cases_de_var[v].append(cle_case(t, cle))
        self.relations = []
        vues = set()
        for t in tableaux:
            for interieur, marge in t.lignes():
                rel = tuple(sorted(defaultdict(int, _coefficients(t, interieur, marge, self.var_de_case)).items()))
                rel = tuple((v, c) for v, c in rel if c % PREMIER)
                if rel and rel not in vues:
                    vues.add(rel)
                    self.relations.append(dict(rel))
        self.relations_de_var = defaultdict(list)
        for r, rel in enumerate(self.relations):
            for v in rel:
                self.relations_de_var[v].append(r)

    def determinees(self, caches: set[int]) -> set[int]:
        """Hidden unknowns that the published values and the relations still pin down."""
        resultat, vus = set(), set()
        for depart in caches:
            if depart in vus:
                continue
            groupe, relations = self._composante(depart, caches)
            vus |= groupe
            resultat |= _pivots_isoles([{v: c for v, c in self.relations[r].items() if v in caches} for r in relations])
        return resultat

    def _composante(self, depart: int, caches: set[int]):
        groupe, relations, pile = {depart}, set(), [depart]
        while pile:
            v = pile.pop()
            for r in self.relations_de_var[v]:
                if r in relations:
                    continue
                relations.add(r)
                for w in self.relations[r]:
                    if w in caches and w not in groupe:
                        groupe.add(w)
                        pile.append(w)
        return groupe, sorted(relations)


def _coefficients(t: Tableau, interieur, marge, var_de_case):
    coef = defaultdict(int)
    for cle in interieur:
        coef[var_de_case[cle_case(t, cle)]] += 1
    coef[var_de_case[cle_case(t, marge)]] -= 1
    return coef


def _pivots_isoles(lignes: list[dict]) -> set[int]:
    """Gauss-Jordan modulo a prime; the unknowns whose reduced row is a single 1 are determined."""
    pivots: dict[int, dict] = {}
    for ligne in lignes:
        ligne = {v: c % PREMIER for v, c in ligne.items() if c % PREMIER}
        for p, rp in pivots.items():
            if p in ligne:
                f = ligne[p]
                for v, c in rp.items():
                    ligne[v] = (ligne.get(v, 0) - f * c) % PREMIER
                ligne = {v: c for v, c in ligne.items() if c}
        if not ligne:
            continue
        p = min(ligne)
        inverse = pow(ligne[p], PREMIER - 2, PREMIER)
        ligne = {v: c * inverse % PREMIER for v, c in ligne.items()}
        for q, rq in pivots.items():
            if p in rq:
                f = rq[p]
                for v, c in ligne.items():
                    rq[v] = (rq.get(v, 0) - f * c) % PREMIER
                pivots[q] = {v: c for v, c in rq.items() if c}
        pivots[p] = ligne
    return {p for p, ligne in pivots.items() if len(ligne) == 1}


def _paires_de_periodes(tableaux: list[Tableau], systeme: _Systeme, seuil: int, ordre: dict[str, int]):
    """Same cell, two periods, a difference of 1 to seuil-1 families: (earlier unknown, later unknown)."""
    series = defaultdict(list)
    for t in tableaux:
        for cle in t.cles():
            series[(t.indicateur, t.par, *cle)].append((ordre[t.periode], systeme.var_de_case[cle_case(t, cle)]))
    paires = []
    for suite in series.values():
        suite.sort()
        for i, (_, a) in enumerate(suite):
            for _, b in suite[i + 1:]:
                if a != b and 0 < abs(systeme.valeur[b] - systeme.valeur[a]) < seuil:
                    paires.append((a, b))
    return paires


def controler(tableaux: list[Tableau], seuil: int, ordre_periodes: list[str]) -> Controle:
    if seuil < 5:
        raise ValueError("le seuil du secret statistique ne descend jamais sous 5")
    s = _Systeme(tableaux)
    ordre = {p: i for i, p in enumerate(ordre_periodes)}
    proteges = {v for v, n in enumerate(s.valeur) if 0 < n < seuil}
    caches = set(proteges)
    primaires = len(proteges)
    paires = _paires_de_periodes(tableaux, s, seuil, ordre)
    tours = 0
    while True:
        tours += 1
        determinees = s.determinees(caches)
        connues = lambda v: v not in caches or v in determinees  # noqa: E731
        for a, b in paires:  # hide the earlier figure: the latest one is what readers need
            if connues(a) and connues(b) and a not in proteges:
                proteges.add(a)
                caches.add(a)
        # every hidden cell is protected, secondary ones too: a hidden cell that can be recomputed
        # tells a reader where the small cells are, and would be hidden for nothing
        a_couvrir = sorted(v for v in caches if v in determinees)
        if not a_couvrir:
            break
        avant = len(caches)
        for v in a_couvrir:
            caches.add(_secondaire(s, v, caches))
        if len(caches) == avant:  # cannot happen with additive tables; fail closed rather than publish
            raise RuntimeError("secret statistique : protection impossible, rien n'est publié")
    masques = {case for v in caches for case in s.cases_de_var[v]}
    return Controle(seuil, masques, primaires, len(caches) - primaires, tours)


def _secondaire(s: _Systeme, v: int, caches: set[int]) -> int:
    """The published unknown to hide next to v, on a line with v: an inner cell rather than a total
    (totals are shared by many tables), one that closes a cycle of hidden cells, then non-zero and
    the smallest (fewest families hidden)."""
    candidats = {w for r in s.relations_de_var[v] for w in s.relations[r] if w not in caches}
    if not candidats:  # every line through v is hidden yet v is pinned: widen to the lines of its neighbours
        voisins = {w for r in s.relations_de_var[v] for w in s.relations[r]}
        candidats = {x for w in voisins for r in s.relations_de_var[w] for x in s.relations[r] if x not in caches}
    if not candidats:
        return v
    def ferme(w):  # its other line already has a hidden cell: hiding w closes a cycle, the cheapest protection
        return sum(any(x in caches and x != v for x in s.relations[r]) for r in s.relations_de_var[w]) >= 2

    return min(candidats, key=lambda w: (len(s.relations_de_var[w]) > 2, not ferme(w), s.valeur[w] == 0, s.valeur[w], w))
