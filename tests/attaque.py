"""An attacker of the published package: exact solving (fractions), and linear programming (HiGHS).

It reads every table of the package (indicateurs.csv, seances.csv, evaluations_ateliers.csv) and the
indicators' definitions, writes every relation a reader knows (margins of each table, the same
population in several tables, the same totals by QPV and by level, euros adding up like families),
solves them exactly (fractions), uses that counts and euros are never negative (a line whose total is
0 is all zeros), and returns every hidden value it can recompute. The tests then also compare each
figure with itself in the other periods, to read small evolutions.
"""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

ENSEMBLE = "ensemble"


@dataclass(frozen=True)
class Cellule:
    table: tuple       # the cells that add up together: (file, table, period, breakdown)
    groupe: str
    modalite: str
    periode: str
    serie: tuple       # the same figure in every period
    ident: tuple       # the unknown it is (cells counting the same families are one unknown)
    valeur: Fraction | None  # None when published as secret
    montants: tuple = ()     # (name, unknown, value or None) for euro columns


def _identite_indicateur(ligne, definitions):
    ind = definitions[ligne["indicateur"]]
    groupe = ligne["groupe"]
    ventilation = ligne["ventilation"] if groupe != ENSEMBLE else "*"
    pop = None
    if ligne["modalite"] == ENSEMBLE:
        pop = [ind.denominateur["critere"], ind.temps]
    elif ligne["modalite"] == "oui" and ind.repartition is None:
        pop = [ind.numerateur["critere"], ind.temps]
    elif ligne["modalite"] == "equipee" and ind.repartition == "situation":
        pop = [{"evenement": "livraison"}, None]
    if pop is not None:
        return ("pop", json.dumps(pop, sort_keys=True), ligne["periode"], ventilation, groupe)
    if groupe == ENSEMBLE:
        return ("mod", ligne["indicateur"], ligne["periode"], ligne["modalite"])
    return ("case", ligne["indicateur"], ligne["periode"], ligne["ventilation"], groupe, ligne["modalite"])


# kept for the tests that name the unknown of a line of indicateurs.csv
_identite = _identite_indicateur


def _valeur(texte):
    return None if texte in ("", None) else Fraction(texte)


def cellules(dossier: Path, definitions) -> list[Cellule]:
    resultat = []
    for l in csv.DictReader(open(dossier / "indicateurs.csv", encoding="utf-8")):
        ident = _identite_indicateur(l, definitions)
        groupe = l["groupe"]
        # euros are one figure per cell of the (indicator, period) wherever the cell is printed
        cle_euros = ("euros", l["indicateur"], l["periode"], l["ventilation"] if groupe != ENSEMBLE else "*", groupe, l["modalite"])
        montants = tuple((nom, cle_euros + (nom,), _valeur(l[nom])) for nom in ("cout_familles_euros", "aide_pre_euros")
                         if definitions[l["indicateur"]].montants)
        resultat.append(Cellule(("indicateurs", l["indicateur"], l["periode"], l["ventilation"]), groupe, l["modalite"],
                                l["periode"], ("indicateurs", l["indicateur"], l["ventilation"], groupe, l["modalite"]),
                                ident, _valeur(l["familles"]), montants))
    for l in csv.DictReader(open(dossier / "seances.csv", encoding="utf-8")):
        resultat.append(Cellule(("seances", l["periode"]), ENSEMBLE, l["type"], l["periode"], ("seances", l["type"]),
                                ("seances", l["periode"], l["type"]), _valeur(l["participants"])))
    for l in csv.DictReader(open(dossier / "evaluations_ateliers.csv", encoding="utf-8")):
        resultat.append(Cellule(("evaluations", l["periode"]), l["fiche"], l["reponse"], l["periode"],
                                ("evaluations", l["fiche"], l["reponse"]),
                                ("evaluations", l["periode"], l["fiche"], l["reponse"]), _valeur(l["reponses"])))
    return resultat


def _lignes(tables: dict) -> list[tuple[list, object]]:
    """Each line of inner cells and its margin, as unknowns."""
    lignes = []
    for t in tables.values():
        groupes = sorted({g for g, _ in t})
        modalites = sorted({m for _, m in t})
        if ENSEMBLE in modalites:
            lignes += [([t[(g, m)] for m in modalites if m != ENSEMBLE and (g, m) in t], t[(g, ENSEMBLE)])
                       for g in groupes if (g, ENSEMBLE) in t]
        if ENSEMBLE in groupes:
            lignes += [([t[(g, m)] for g in groupes if g != ENSEMBLE and (g, m) in t], t[(ENSEMBLE, m)])
                       for m in modalites if (ENSEMBLE, m) in t]
    return [(interieur, marge) for interieur, marge in lignes if interieur]


def _resoudre_avec_positivite(lignes, connu: dict) -> dict:
    """Exact solve, then a line whose margin is known to be 0 makes its cells 0; again until nothing new."""
    savoir = dict(connu)
    while True:
        nouveau = _resoudre(_systeme(lignes, savoir))
        for interieur, marge in lignes:
            if {**savoir, **nouveau}.get(marge) == 0:
                nouveau.update({i: Fraction(0) for i in interieur})
        nouveau = {k: v for k, v in nouveau.items() if k not in savoir}
        if not nouveau:
            return {k: v for k, v in savoir.items() if k not in connu}
        savoir.update(nouveau)


def _systeme(lignes, connu):
    systeme = []
    for interieur, marge in lignes:
        coef, rhs = defaultdict(Fraction), Fraction(0)
        for ident, c in [(i, 1) for i in interieur] + [(marge, -1)]:
            if ident in connu:
                rhs -= c * connu[ident]
            else:
                coef[ident] += c
        coef = {k: v for k, v in coef.items() if v}
        if coef:
            systeme.append((coef, rhs))
    return systeme


@dataclass
class Attaque:
    retrouvees: dict   # hidden unknown -> recomputed value (families, people or euros)
    connu: dict        # published unknown -> value
    cellules: list

    def masquees(self) -> set:
        caches = {c.ident for c in self.cellules if c.valeur is None}
        return caches | {ident for c in self.cellules for _, ident, v in c.montants if v is None}


def attaquer(dossier: Path, definitions) -> Attaque:
    dossier = Path(dossier)
    if dossier.is_file():  # the old calling form: the path of indicateurs.csv
        dossier = dossier.parent
    toutes = cellules(dossier, definitions)
    connu = {c.ident: c.valeur for c in toutes if c.valeur is not None}
    tables = defaultdict(dict)
    euros = defaultdict(dict)
    for c in toutes:
        tables[c.table][(c.groupe, c.modalite)] = c.ident
        for nom, ident, v in c.montants:
            euros[c.table + (nom,)][(c.groupe, c.modalite)] = ident
            if v is not None:
                connu[ident] = v
    retrouvees = _resoudre_avec_positivite(_lignes(tables) + _lignes(euros), connu)
    return Attaque(retrouvees, connu, toutes)


def _resoudre(systeme):
    pivots = {}
    for coef, rhs in systeme:
        coef = dict(coef)
        for p, (cp, rp) in list(pivots.items()):
            if p in coef:
                f = coef[p]
                for k, v in cp.items():
                    coef[k] = coef.get(k, 0) - f * v
                rhs -= f * rp
                coef = {k: v for k, v in coef.items() if v}
        if not coef:
            continue
        p = min(coef, key=repr)
        f = coef[p]
        coef = {k: v / f for k, v in coef.items()}
        rhs = rhs / f
        for q, (cq, rq) in list(pivots.items()):
            if p in cq:
                g = cq[p]
                nouveau = dict(cq)
                for k, v in coef.items():
                    nouveau[k] = nouveau.get(k, 0) - g * v
                pivots[q] = ({k: v for k, v in nouveau.items() if v}, rq - g * rhs)
        pivots[p] = (coef, rhs)
    return {p: rhs for p, (coef, rhs) in pivots.items() if len(coef) == 1}


# --- linear programming: the protection intervals an attacker derives -----------------------

LARGEUR_MINIMALE = 4
LARGEUR_MINIMALE_EUROS = 150  # a sum of euros: the price of the cheapest device, more than a year of rent


@dataclass
class Bornes:
    intervalles: dict  # hidden unknown -> (lowest, highest) integer it can be; highest None when unbounded
    cellules: list

    def sous_protegees(self, vraies: dict, seuil: int) -> dict:
        """Hidden unknowns (true value not 0) whose interval holds the true value and is narrower than 4
        without reaching 0 nor straddling the threshold: {unknown: (low, high)}."""
        mauvaises = {}
        for ident, (bas, haut) in self.intervalles.items():
            v = vraies.get(ident)
            if not v or bas <= 0 or haut is None:
                continue
            if ident[0] == "euros" and haut - bas >= LARGEUR_MINIMALE_EUROS:
                continue
            if ident[0] != "euros" and (haut - bas >= LARGEUR_MINIMALE or bas < seuil <= haut):
                continue
            if not bas <= v <= haut:
                continue  # a monotone series assumed where it is not: a wrong guess, no disclosure
            mauvaises[ident] = (bas, haut)
        return mauvaises


def _ordre_des_periodes(dossier: Path) -> dict:
    periodes = sorted(csv.DictReader(open(dossier / "periodes.csv", encoding="utf-8")), key=lambda p: p["fin"])
    return {p["code"]: i for i, p in enumerate(periodes)}


def _monotonie(toutes: list, ordre: dict) -> list[tuple]:
    """(earlier, later) unknowns of every series, consecutive periods: cumulative counts never decrease.
    A series whose published figures do decrease is not assumed monotone."""
    series = defaultdict(dict)
    for c in toutes:
        series[c.serie][ordre[c.periode]] = c
    paires = []
    for suite in series.values():
        cles = sorted(suite)
        publiees = [suite[k].valeur for k in cles if suite[k].valeur is not None]
        if any(b < a for a, b in zip(publiees, publiees[1:])):
            continue
        paires += [(suite[a].ident, suite[b].ident) for a, b in zip(cles, cles[1:]) if suite[a].ident != suite[b].ident]
    return paires


def _sommes(toutes: list) -> list[Cellule]:
    """Each euro column of a cell as a cell of its own: its table, its series, its unknown."""
    return [Cellule(c.table + (nom,), c.groupe, c.modalite, c.periode, c.serie + (nom,), ident, v)
            for c in toutes for nom, ident, v in c.montants]


def borner(dossier: Path, definitions) -> Bornes:
    """Minimise and maximise every hidden count and sum of euros under every relation the package allows."""
    dossier = Path(dossier)
    publiees = cellules(dossier, definitions)
    toutes = publiees + _sommes(publiees)
    connu = {c.ident: c.valeur for c in toutes if c.valeur is not None}
    tables = defaultdict(dict)
    for c in toutes:
        tables[c.table][(c.groupe, c.modalite)] = c.ident
    egalites = [([*interieur], marge) for interieur, marge in _lignes(tables)]
    inegalites = _monotonie(toutes, _ordre_des_periodes(dossier))
    caches = sorted({c.ident for c in toutes if c.valeur is None}, key=repr)
    voisins = defaultdict(set)
    relations = [("=", {**{i: 0 for i in interieur}, marge: 0}, interieur, marge) for interieur, marge in egalites]
    relations += [("<=", {a: 0, b: 0}, [a], b) for a, b in inegalites]
    for k, (_, idents, _, _) in enumerate(relations):
        for i in idents:
            voisins[i].add(k)
    intervalles, vus = {}, set()
    for depart in caches:
        if depart in vus:
            continue
        groupe, rels, pile = {depart}, set(), [depart]
        while pile:
            x = pile.pop()
            for k in voisins[x]:
                if k not in rels:
                    rels.add(k)
                    for y in relations[k][1]:
                        if y not in connu and y not in groupe:
                            groupe.add(y)
                            pile.append(y)
        vus |= groupe
        groupe = sorted(groupe, key=repr)
        intervalles.update(_programme(groupe, _compatibles(groupe, [relations[k] for k in sorted(rels)], connu), connu))
    return Bornes(intervalles, publiees)


def _compatibles(groupe: list, relations: list, connu: dict) -> list:
    """The relations, less the monotone ones the published figures contradict (a series that is not
    cumulative after all): kept one by one while the model stays feasible."""
    if _faisable(groupe, relations, connu):
        return relations
    gardees = [r for r in relations if r[0] == "="]
    for r in relations:
        if r[0] == "<=" and _faisable(groupe, gardees + [r], connu):
            gardees.append(r)
    return gardees


def _faisable(groupe, relations, connu) -> bool:
    import highspy

    h, _ = _modele(groupe, relations, connu)
    h.run()
    return h.getModelStatus() != highspy.HighsModelStatus.kInfeasible


def _programme(groupe: list, relations: list, connu: dict) -> dict:
    import math

    import highspy

    h, col = _modele(groupe, relations, connu)
    resultat = {}
    for x, i in col.items():
        h.changeColCost(i, 1.0)
        bornes = []
        for sens in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sens)
            h.run()
            statut = h.getModelStatus()
            if statut == highspy.HighsModelStatus.kInfeasible:
                raise AssertionError("modèle de l'attaque infaisable : une relation supposée est fausse")
            ok = statut == highspy.HighsModelStatus.kOptimal
            bornes.append(h.getInfo().objective_function_value if ok else None)
        h.changeColCost(i, 0.0)
        bas = max(0, math.ceil(bornes[0] - 1e-6)) if bornes[0] is not None else 0
        haut = math.floor(bornes[1] + 1e-6) if bornes[1] is not None else None
        resultat[x] = (bas, haut)
    return resultat


def _modele(groupe: list, relations: list, connu: dict):
    import highspy
    import numpy as np

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    inf = h.getInfinity()
    col = {x: i for i, x in enumerate(groupe)}
    h.addVars(len(groupe), np.zeros(len(groupe)), np.full(len(groupe), inf))
    for sens, _, gauche, droite in relations:
        coefs = defaultdict(float)
        for x in gauche:
            coefs[x] += 1.0
        coefs[droite] -= 1.0
        rhs = -sum(a * float(connu[x]) for x, a in coefs.items() if x not in col)
        idx = [col[x] for x, a in coefs.items() if x in col and a]
        if not idx:
            continue
        vals = [coefs[x] for x, a in coefs.items() if x in col and a]
        h.addRow(rhs if sens == "=" else -inf, rhs, len(idx), np.array(idx, dtype=np.int32), np.array(vals))
    return h, col
