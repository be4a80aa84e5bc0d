"""An attacker of the published package: reads indicateurs.csv and the indicators' definitions,
writes every relation a reader knows (margins of each table, the same population in several tables,
the same totals by QPV and by level), solves them exactly (fractions) and returns every hidden value
it can recompute, and every evolution between two periods it can read."""
from __future__ import annotations

import csv
import json
from collections import defaultdict
from fractions import Fraction


def _identite(ligne, definitions):
    ind = definitions[ligne["indicateur"]]
    groupe = ligne["groupe"]
    ventilation = ligne["ventilation"] if groupe != "ensemble" else "*"
    pop = None
    if ligne["modalite"] == "ensemble":
        pop = [ind.denominateur["critere"], ind.temps]
    elif ligne["modalite"] == "oui" and ind.repartition is None:
        pop = [ind.numerateur["critere"], ind.temps]
    elif ligne["modalite"] == "equipee" and ind.repartition == "situation":
        pop = [{"evenement": "livraison"}, None]
    if pop is not None:
        return ("pop", json.dumps(pop, sort_keys=True), ligne["periode"], ventilation, groupe)
    if groupe == "ensemble":
        return ("mod", ligne["indicateur"], ligne["periode"], ligne["modalite"])
    return ("case", ligne["indicateur"], ligne["periode"], ligne["ventilation"], groupe, ligne["modalite"])


def attaquer(chemin_csv, definitions):
    lignes = list(csv.DictReader(open(chemin_csv, encoding="utf-8")))
    connu, inconnues = {}, set()
    tables = defaultdict(dict)
    for l in lignes:
        ident = _identite(l, definitions)
        if l["secret"] == "non":
            connu[ident] = Fraction(int(l["familles"]))
        tables[(l["indicateur"], l["periode"], l["ventilation"])][(l["groupe"], l["modalite"])] = ident
    inconnues = {i for t in tables.values() for i in t.values() if i not in connu}
    relations = []
    for t in tables.values():
        groupes = sorted({g for g, _ in t}); modalites = sorted({m for _, m in t})
        for g in groupes:
            relations.append([(t[(g, m)], 1) for m in modalites if m != "ensemble"] + [(t[(g, "ensemble")], -1)])
        for m in modalites:
            relations.append([(t[(g, m)], 1) for g in groupes if g != "ensemble"] + [(t[("ensemble", m)], -1)])
    # unknown part = - known part
    systeme = []
    for rel in relations:
        coef, rhs = defaultdict(Fraction), Fraction(0)
        for ident, c in rel:
            if ident in connu:
                rhs -= c * connu[ident]
            else:
                coef[ident] += c
        coef = {k: v for k, v in coef.items() if v}
        if coef:
            systeme.append((coef, rhs))
    return _resoudre(systeme), connu, lignes


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
