"""Statistical disclosure control: what of the tables may leave memory.

The rule (the Insee's for small-area household data, like τ-Argus and sdcTable apply it):
1. primary suppression: a cell counting 1 to `seuil`-1 families is never published (0 is: it
   names no one);
2. secondary suppression: no suppressed cell may be recomputed, exactly, from the published cells
   of ALL tables together: the margins of its table, the same families counted in another table
   (cells counting the very same set of families are one unknown), and the other periods;
3. differencing between releases: a figure secret in the previous release stays secret, a figure
   that moved by 1 to `seuil`-1 since the previous release is hidden (precedent.py finds it);
4. differencing between periods: tables are cumulative, so the difference of one cell between two
   periods counts the families who entered or left it; when that difference is 1 to `seuil`-1, the
   two values are never both known (published or recomputable): the earlier one is suppressed, so
   that the latest figures, the ones readers need, stay published.

Secondary cells are chosen the way τ-Argus's cost-based methods do it, simply: each published figure
has a cost, the families it would hide times a weight for what it is (an inner cell 1, a margin
40, a table's grand total a million) times the number of tables that print it; for a hidden cell
that the published figures still determine, the cheapest figure on one of its lines whose hiding
sets it free is hidden, then everything is checked again, until no protected value can be
recomputed. Totals are what a funder reads first: they go only when nothing else can protect.
The check is exact linear algebra (modulo a large prime) on each connected group of hidden cells:
a hidden value is recomputable exactly when its unit vector lies in the row space of the additive
relations restricted to the hidden cells. Rates are published only when their numerator and
denominator are.
"""
from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field

from ..erreurs import FamnumError
from . import intervalles
from .calcul import ENSEMBLE, Tableau

PREMIER = (1 << 61) - 1
POIDS = {"case": 1, "marge": 40, "total": 1_000_000}  # what hiding a figure costs, by what it is
ESSAIS = 4  # candidates checked, cheapest first, before settling for the one that helps most


@dataclass
class Controle:
    seuil: int
    masques: set            # (indicator, period, breakdown, group, modality) never published
    primaires: int
    secondaires: int
    tours: int
    montants_masques: set = field(default_factory=set)  # cells whose euros are not published (count may be)


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

    def __init__(self, tableaux: list[Tableau], identifier=inconnue, montant: str | None = None):
        """montant: the system of one euro amount instead of the families (same lines, same cells)."""
        self.var_de_case, self.valeur, self.familles, self.cases_de_var, self.genre = {}, [], [], defaultdict(list), {}
        index = {}
        for t in tableaux:
            for cle in t.cles():
                ident = identifier(t, cle)
                if ident not in index:
                    index[ident] = len(self.valeur)
                    self.valeur.append(t.comptes[cle] if montant is None else t.montants[cle][montant])
                    self.familles.append(t.comptes[cle])
                v = index[ident]
                self.var_de_case[cle_case(t, cle)] = v
                self.cases_de_var[v].append(cle_case(t, cle))
                self.genre[v] = max(self.genre.get(v, "case"), _genre(cle), key=list(POIDS).index)
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
        # counts are never negative: every cell of a line whose margin is a published 0 is known to be 0,
        # hidden or not; hiding such a cell would protect nothing
        self.zero_connu = {w for rel in self.relations for m, c in rel.items() if c == -1 and self.valeur[m] == 0
                           for w in rel}

    def avec_valeurs(self, valeurs: list) -> _Systeme:
        """The same unknowns and lines with other values (a sum of euros instead of families), every
        zero known (a gift costs no rent: a reader assumes it)."""
        autre = copy.copy(self)
        autre.valeur = valeurs
        autre.zero_connu = {v for v, x in enumerate(valeurs) if x == 0}
        return autre

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

    def determinee(self, v: int, caches: set[int]) -> bool:
        """Whether the published values still pin down hidden v (only v's group of hidden cells is solved)."""
        _, relations = self._composante(v, caches)
        return v in _pivots_isoles([{w: c for w, c in self.relations[r].items() if w in caches} for r in relations])

    def cout(self, w: int) -> int:
        """Families hidden (a zero cell still costs one), by what the figure is, by the tables printing it."""
        return POIDS[self.genre[w]] * (self.familles[w] + 1) * len(self.cases_de_var[w])

    def _composante(self, depart: int, caches: set[int]):
        groupe, relations = intervalles.composante(depart, self.relations_de_var, self.relations.__getitem__, caches)
        return groupe, sorted(relations)


def _genre(cle) -> str:
    groupe, mod = cle
    if groupe == ENSEMBLE and mod == ENSEMBLE:
        return "total"
    return "marge" if ENSEMBLE in (groupe, mod) else "case"


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


def protection_impossible() -> FamnumError:
    """Fail closed: no set of hidden cells was found that protects every small count (it should not happen)."""
    return FamnumError("Secret statistique : aucun choix de cases cachées ne protège chaque petit nombre : rien n'est publié.",
                       code="secret.protection_impossible",
                       correction=intervalles.SIGNALER)


def controler(tableaux: list[Tableau], seuil: int, ordre_periodes: list[str], precedent: dict | None = None) -> Controle:
    """precedent: the previous release's cells (precedent.cases_publiees), None where they were secret."""
    if seuil < 5:
        raise ValueError("le seuil du secret statistique ne descend jamais sous 5")
    s = _Systeme(tableaux)
    ordre = {p: i for i, p in enumerate(ordre_periodes)}
    proteges = {v for v, n in enumerate(s.valeur) if 0 < n < seuil}
    primaires = len(proteges)
    proteges |= _deja_publies(s, precedent or {}, seuil)
    paires = _paires_de_periodes(tableaux, s, seuil, ordre)
    # equalities first (fast, exact): then the LP adds what inequalities and narrow intervals need
    try:
        caches, tours = _proteger(s, set(proteges), paires)
    except RuntimeError:  # equalities alone found no way: the LP below searches with inequalities too
        caches, tours = set(proteges), 0
    attaque = _Attaque(s, tableaux, ordre, seuil, _inchanges(s, precedent or {}))
    caches, tours_lp = attaque.proteger(caches, proteges, paires)
    tours += tours_lp
    masques = {case for v in caches for case in s.cases_de_var[v]}
    return Controle(seuil, masques, primaires, len(caches) - primaires, tours,
                    controler_montants(tableaux, masques, ordre_periodes, precedent or {}))


@dataclass
class Faille:
    """A hidden cell the attacker bounds too tightly: where it is and how, never its value."""
    case: tuple      # (indicator, period, breakdown, group, modality)
    raison: str      # "retrouvée exactement", "encadrée dans un intervalle de largeur 2…"
    tableaux: list   # the tables (indicator, period) whose relations give it away

    def texte(self) -> str:
        indicateur, periode, par, groupe, modalite = self.case
        sources = ", ".join(f"{i} ({p})" for i, p in self.tableaux[:6]) + (" …" if len(self.tableaux) > 6 else "")
        return (f"{indicateur}, période {periode}, ventilation {par}, groupe {groupe}, modalité {modalite} : {self.raison} "
                f"en combinant les marges et les séries cumulées des tableaux {sources}")


def verifier(tableaux: list[Tableau], controle: Controle, ordre_periodes: list[str], precedent: dict | None = None
             ) -> list[Faille]:
    """The protection check publier runs on what it is about to publish, with the same solver: every
    hidden family count whose interval breaks the rule, from the mask alone."""
    s = _Systeme(tableaux)
    ordre = {p: i for i, p in enumerate(ordre_periodes)}
    attaque = _Attaque(s, tableaux, ordre, controle.seuil, _inchanges(s, precedent or {}))
    caches = {s.var_de_case[c] for c in controle.masques if c in s.var_de_case}
    # a cell printed in two tables is one figure: published in one, it is published
    caches = {v for v in caches if all(c in controle.masques for c in s.cases_de_var[v])}
    failles = []
    for v, raison in sorted(attaque.failles(caches).items()):
        failles.append(Faille(s.cases_de_var[v][0], raison, attaque.tableaux_lies(v, caches)))
    return failles + verifier_montants(tableaux, controle, ordre_periodes, precedent)


def _inchanges(s: _Systeme, precedent: dict) -> set[int]:
    """Unknowns the previous release printed with today's value: hidden now, they are known all the same."""
    return {v for v, cases in s.cases_de_var.items()
            if any(precedent.get(c) is not None and precedent[c] == s.valeur[v] for c in cases)}


class _Attaque:
    """The attacker's linear program over the whole package, and the choice of secondary cells
    against its protection intervals (intervalles.py)."""

    def __init__(self, s: _Systeme, tableaux: list[Tableau], ordre: dict, seuil: int, inchanges: set[int],
                 regle=None):
        """regle(interval, value) -> why it is under-protected, or None: families' rule by default."""
        self.s, self.seuil, self.inchanges = s, seuil, inchanges
        self.regle = regle or (lambda intervalle, valeur: intervalles.faille(intervalle, valeur, seuil))
        self.valeurs = dict(enumerate(s.valeur))
        contraintes = [intervalles.Contrainte(tuple(sorted(rel.items())), True) for rel in s.relations]
        contraintes += [intervalles.Contrainte(((a, 1), (b, -1)), False) for a, b in _series_croissantes(tableaux, s, ordre)]
        self.modele = intervalles.Modele(len(s.valeur), contraintes)
        self.tableau_de = {}
        for t in tableaux:
            for cle in t.cles():
                self.tableau_de.setdefault(s.var_de_case[cle_case(t, cle)], (t.indicateur, t.periode))

    def _inconnues(self, caches: set[int]) -> set[int]:
        """What the attacker does not know: hidden, not 0, not printed unchanged by the previous release."""
        return {v for v in caches if self.s.valeur[v] != 0 and v not in self.inchanges}

    def _connu(self, caches: set[int]) -> dict:
        """Every value, read only for the unknowns the attacker knows (the LP takes those as constants)."""
        return self.valeurs

    def intervalles(self, caches: set[int], cibles: set[int] | None = None) -> dict:
        return self.modele.intervalles(self._inconnues(caches), self._connu(caches), cibles)

    def failles(self, caches: set[int], cibles: set[int] | None = None) -> dict[int, str]:
        return self._failles(self.intervalles(caches, cibles), caches, cibles)

    def _failles(self, bornes: dict, caches: set[int], cibles: set[int] | None) -> dict[int, str]:
        failles = {v: self.regle(b, self.s.valeur[v]) for v, b in bornes.items()}
        failles.update({v: "recopiée de la publication précédente" for v in caches & self.inchanges
                        if self.s.valeur[v] and (cibles is None or v in cibles)})
        return {v: r for v, r in failles.items() if r}

    def tableaux_lies(self, v: int, caches: set[int]) -> list:
        _, relations = self.modele.composantes(self._inconnues(caches) | {v}, {v})[0]
        liees = {w for k in relations for w, _ in self.modele.contraintes[k].coefs}
        return sorted({self.tableau_de[w] for w in liees if w in self.tableau_de})

    def proteger(self, caches: set[int], proteges: set[int], paires: list) -> tuple[set[int], int]:
        """From the hidden unknowns `caches`, hide secondary ones until every hidden count meets the rule."""
        s, caches, tours = self.s, set(caches), 0
        a_revoir: set[int] | None = None  # None: every hidden unknown
        while True:
            tours += 1
            bornes = self.intervalles(caches, a_revoir)
            exacts = lambda v: v not in caches or (v in bornes and bornes[v].largeur == 0)  # noqa: E731
            nouveaux = {a for a, b in paires if exacts(a) and exacts(b) and a not in proteges and s.valeur[a]
                        and a not in s.zero_connu | self.inchanges}
            if nouveaux:  # hide the earlier figure of a small move: the latest one is what readers need
                proteges |= nouveaux
                caches |= nouveaux
                bornes = self.intervalles(caches, a_revoir if a_revoir is None else a_revoir | nouveaux)
            failles = self._failles(bornes, caches, a_revoir)
            if not failles:
                return caches, tours
            ajoutes = set()
            for v in sorted(failles):
                if ajoutes and self._deja_aide(v, ajoutes):
                    continue  # a cell hidden this round may be enough: seen next round
                w = self._secondaire(v, caches)
                if w is not None:
                    caches.add(w)
                    ajoutes.add(w)
            if not ajoutes:  # nothing left to hide: fail closed rather than publish
                raise protection_impossible()
            touches = ajoutes | set(failles)
            a_revoir = {w for g, _ in self.modele.composantes(self._inconnues(caches), touches) for w in g}

    def _deja_aide(self, v: int, ajoutes: set[int]) -> bool:
        liees = {w for k in self.modele.contraintes_de[v] for w, _ in self.modele.contraintes[k].coefs}
        return bool(liees & ajoutes)

    def _candidats(self, v: int, caches: set[int]) -> list[int]:
        s = self.s
        libre = lambda w: w not in caches and s.valeur[w] != 0 and w not in s.zero_connu and w not in self.inchanges  # noqa: E731
        voisins = {w for k in self.modele.contraintes_de[v] for w, _ in self.modele.contraintes[k].coefs}
        candidats = {w for w in voisins if libre(w)}
        if not candidats:  # every relation through v is hidden: widen to its neighbours' relations
            candidats = {x for w in voisins for k in self.modele.contraintes_de[w]
                         for x, _ in self.modele.contraintes[k].coefs if libre(x)}
        return sorted(candidats, key=lambda w: (s.cout(w), w))

    def _secondaire(self, v: int, caches: set[int]) -> int | None:
        """The cheapest published unknown whose hiding gives v a wide enough interval, among the
        ESSAIS cheapest next to it; else the one of them that widens v most (the next round goes on)."""
        candidats = self._candidats(v, caches)
        meilleur, largeur = None, -1.0
        for w in candidats[:ESSAIS]:
            b = self.intervalles(caches | {w}, {v})[v]
            if self.regle(b, self.s.valeur[v]) is None:
                return w
            if b.largeur > largeur:
                meilleur, largeur = w, b.largeur
        return meilleur


def _series_croissantes(tableaux: list[Tableau], s: _Systeme, ordre: dict) -> list[tuple[int, int]]:
    """(earlier, later) unknowns of one figure in consecutive periods, where it did not decrease: a
    reader knows cumulative counts never decrease, and may assume it wherever the data allow it."""
    series = defaultdict(set)
    for t in tableaux:
        for cle in t.cles():
            series[(t.indicateur, t.par, *cle)].add((ordre[t.periode], s.var_de_case[cle_case(t, cle)]))
    paires = set()
    for suite in series.values():
        suite = sorted(suite)
        for (_, a), (_, b) in zip(suite, suite[1:]):
            if a != b and s.valeur[a] <= s.valeur[b]:
                paires.add((a, b))
    return sorted(paires)


def _deja_publies(s: _Systeme, precedent: dict, seuil: int) -> set[int]:
    """What the previous release constrains: a figure secret there stays secret (else the two
    releases together would recompute it), a figure that moved by 1 to seuil-1 is hidden now."""
    proteges = set()
    for v, cases in s.cases_de_var.items():
        avant = [precedent[c] for c in cases if c in precedent]
        if v not in s.zero_connu and any(a is None or 0 < abs(s.valeur[v] - a) < seuil for a in avant):
            proteges.add(v)
    return proteges


def _proteger(s: _Systeme, proteges: set[int], paires: list) -> tuple[set[int], int]:
    """Hide the protected unknowns, and secondary ones until none can be recomputed; the hidden set."""
    caches, tours = set(proteges), 0
    while True:
        tours += 1
        determinees = s.determinees(caches)
        connues = lambda v: v not in caches or v in determinees  # noqa: E731
        for a, b in paires:  # hide the earlier figure: the latest one is what readers need
            if connues(a) and connues(b) and a not in proteges and a not in s.zero_connu:
                proteges.add(a)
                caches.add(a)
        # every hidden cell is protected, secondary ones too: a hidden cell that can be recomputed
        # tells a reader where the small cells are, and would be hidden for nothing
        a_couvrir = sorted(v for v in caches if v in determinees)
        if not a_couvrir:
            return caches, tours
        avant = len(caches)
        for v in a_couvrir:
            if v in determinees and s.determinee(v, caches):  # an earlier choice of this round may have freed it
                caches.add(_secondaire(s, v, caches))
            determinees.discard(v)
        if len(caches) == avant:  # cannot happen with additive tables; fail closed rather than publish
            raise RuntimeError("secret statistique : protection impossible, rien n'est publié")


# --- euros: a sum of money is a figure about the families who paid it ------------------------

DOMINANCE = (2, 0.85)  # (n, k): the n largest payers may not make more than k of a published sum


def domine(total: float, plus_grands: list[float]) -> bool:
    """The (2, 85 %) dominance rule: one payer, knowing their own amount, would read the other's."""
    n, k = DOMINANCE
    return total > 0 and sum(sorted(plus_grands, reverse=True)[:n]) > k * total


def _somme_changee(precedent: dict, case: tuple, nom: str, somme: float) -> bool:
    cle = ("euros", *case, nom)
    return cle in precedent and (precedent[cle] is None or abs(precedent[cle] - somme) > 0.005)


def inconnue_montant(t: Tableau, cle) -> tuple:
    """A sum of euros is one figure per cell; only the totals by modality are shared by QPV and by level."""
    groupe, _ = cle
    return ("euros", t.indicateur, t.periode, t.par if groupe != ENSEMBLE else "*", *cle)


NOMS_EUROS = ("cout_familles", "aide_pre")  # the package prints both, hidden together


def controler_montants(tableaux: list[Tableau], masques: set, ordre_periodes: list[str], precedent: dict | None = None) -> set:
    """Cells whose euros are not published: hidden families, dominated sums, sums the previous release
    kept secret or printed otherwise, and secondary sums.

    Euro sums add up along the same lines as families (the lines are built once, for both amounts); an
    attacker is assumed to know every sum of 0 (a gift costs no rent), so a zero never protects. A sum
    is hidden when its families are, when it fails the dominance rule, or when it differs from the
    previous release's (the difference would be what one or two families paid); then secondary sums,
    first against exact recomputation, then against the attacker's linear program: every hidden sum
    not 0 has an interval at least intervalles.LARGEUR_EUROS wide, or reaching 0.
    """
    precedent = precedent or {}
    avec_euros = [t for t in tableaux if t.montants]
    if not avec_euros:
        return set()
    lignes = _Systeme(avec_euros, inconnue_montant)
    ordre = {p: i for i, p in enumerate(ordre_periodes)}
    par_case = {cle_case(t, cle): (t, cle) for t in avec_euros for cle in t.cles()}
    caches = {v for v, cases in lignes.cases_de_var.items() for nom in NOMS_EUROS
              if any(_somme_a_cacher(*par_case[c], nom, masques, precedent) for c in cases)}
    for nom in NOMS_EUROS:  # hiding more only widens the other amount's intervals: one pass each
        s = _sommes(lignes, avec_euros, nom)
        attaque = _Attaque(s, avec_euros, ordre, 0, _inchanges_euros(s, precedent, nom), intervalles.faille_euros)
        a_proteger = {v for v in caches if s.valeur[v]}  # a hidden 0 is known: it protects nothing
        try:
            a_proteger, _ = _proteger(s, a_proteger, [])
        except RuntimeError:  # equalities alone found no way: the LP searches with inequalities too
            pass
        caches |= attaque.proteger(a_proteger, set(a_proteger), [])[0]
    return {case for v in caches for case in lignes.cases_de_var[v]}


def verifier_montants(tableaux: list[Tableau], controle: Controle, ordre_periodes: list[str],
                      precedent: dict | None = None) -> list[Faille]:
    """The euro sums publier is about to hide (with their families, or alone), checked with the LP."""
    avec_euros = [t for t in tableaux if t.montants]
    if not avec_euros:
        return []
    lignes = _Systeme(avec_euros, inconnue_montant)
    masques = controle.masques | controle.montants_masques
    caches = {v for v, cases in lignes.cases_de_var.items() if all(c in masques for c in cases)}
    ordre = {p: i for i, p in enumerate(ordre_periodes)}
    failles = []
    for nom in NOMS_EUROS:
        s = _sommes(lignes, avec_euros, nom)
        attaque = _Attaque(s, avec_euros, ordre, 0, _inchanges_euros(s, precedent or {}, nom), intervalles.faille_euros)
        for v, raison in sorted(attaque.failles(caches).items()):
            failles.append(Faille(s.cases_de_var[v][0], f"{raison} ({nom})", attaque.tableaux_lies(v, caches)))
    return failles


def _sommes(lignes: _Systeme, tableaux: list[Tableau], nom: str) -> _Systeme:
    """The lines of the euro cells with the values of one amount."""
    montants = {cle_case(t, cle): t.montants[cle][nom] for t in tableaux for cle in t.cles()}
    return lignes.avec_valeurs([montants[cases[0]] for _, cases in sorted(lignes.cases_de_var.items())])


def _somme_a_cacher(t: Tableau, cle, nom: str, masques: set, precedent: dict) -> bool:
    somme = t.montants[cle][nom]
    return bool(somme) and (cle_case(t, cle) in masques or domine(somme, t.dominants[cle][nom])
                            or _somme_changee(precedent, cle_case(t, cle), nom, somme))


def _inchanges_euros(s: _Systeme, precedent: dict, nom: str) -> set[int]:
    """Sums the previous release printed with today's value: hidden now, they are known all the same."""
    return {v for v, cases in s.cases_de_var.items()
            if any(precedent.get(("euros", *c, nom)) is not None and abs(precedent[("euros", *c, nom)] - s.valeur[v]) < 0.005
                   for c in cases)}


def _secondaire(s: _Systeme, v: int, caches: set[int]) -> int:
    """The published unknown to hide next to v: on a line with v, the cheapest one that frees v, or the
    cheapest one when none of the first ESSAIS does alone (the next round goes on from there)."""
    libre = lambda w: w not in caches and w not in s.zero_connu  # noqa: E731
    candidats = {w for r in s.relations_de_var[v] for w in s.relations[r] if libre(w)}
    if not candidats:  # every line through v is hidden yet v is pinned: widen to the lines of its neighbours
        voisins = {w for r in s.relations_de_var[v] for w in s.relations[r]}
        candidats = {x for w in voisins for r in s.relations_de_var[w] for x in s.relations[r] if libre(x)}
    if not candidats:
        return v
    par_cout = sorted(candidats, key=lambda w: (s.cout(w), w))
    for w in par_cout[:ESSAIS]:
        if not s.determinee(v, caches | {w}):
            return w
    return par_cout[0]
