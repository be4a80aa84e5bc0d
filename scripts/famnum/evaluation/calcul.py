"""Dossiers → frequency tables of families, one per indicator, period and breakdown (QPV, level).

Each family's journal is swept once in date order; at the end of each period a snapshot of its
state (events seen, last decision, last answers to each follow-up question) decides, for every
indicator of data/indicateurs.yaml, whether the family counts and in which modality. Tables are
cumulative: a period's table describes the programme from its start to the period's last day.
Nothing here leaves memory: secret.py decides what may be published.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..schemas import du_modele
from .definitions import Definitions, Indicateur

ENSEMBLE = "ensemble"
ECHELLE = tuple(du_modele().echelle())  # the answer scale of the follow-up and the workshops' evaluation forms
SITUATIONS = {"equipee": "Équipée", "en_attente": "En attente de livraison (équipement accordé)",
              "ajournee_ou_refusee": "Ajournée ou refusée", "en_cours": "En cours d'instruction"}
PROGRESSIONS = {"progresse": "Progresse", "stable": "Stable", "recule": "Recule"}
OUI_NON = {"oui": "Oui", "non": "Non"}
NIVEAUX = {"primaire": "Primaire", "college": "Collège", "non_renseigne": "Établissement non renseigné"}
# The five-point scale is published in three groups: the detail is too thin for a few hundred
# families (a « toujours » of 9 would hide the summary's « souvent ou toujours »).
ECHELLE_PUBLIEE = {"jamais_rarement": "Jamais ou rarement", "parfois": "Parfois", "souvent_toujours": "Souvent ou toujours"}
# the two lowest answers, the middle one, the two highest
GROUPE_ECHELLE = dict(zip(ECHELLE, ("jamais_rarement", "jamais_rarement", "parfois", "souvent_toujours", "souvent_toujours"),
                          strict=True))


@dataclass(frozen=True)
class Periode:
    code: str
    libelle: str
    nature: str  # trimestre | annee_scolaire
    debut: date
    fin: date


def periodes(premier_jour: date, aujourd_hui: date) -> list[Periode]:
    """Finished quarters and school years since the first event, in order of their last day.

    Only finished periods: a period published while it runs would be published again, different,
    and the difference between the two releases would describe a handful of families.
    """
    resultat = []
    annee, trimestre = premier_jour.year, (premier_jour.month - 1) // 3 + 1
    while True:
        debut = date(annee, 3 * trimestre - 2, 1)
        fin = (date(annee + (trimestre == 4), (3 * trimestre) % 12 + 1, 1)) - timedelta(days=1)
        if fin >= aujourd_hui:
            break
        resultat.append(Periode(f"{annee}-T{trimestre}", f"{trimestre}{'er' if trimestre == 1 else 'e'} trimestre {annee}",
                                "trimestre", debut, fin))
        annee, trimestre = (annee + 1, 1) if trimestre == 4 else (annee, trimestre + 1)
    rentree = premier_jour.year - (premier_jour.month < 9)
    while date(rentree + 1, 8, 31) < aujourd_hui:
        resultat.append(Periode(f"{rentree}-{rentree + 1}", f"année scolaire {rentree}-{rentree + 1}", "annee_scolaire",
                                date(rentree, 9, 1), date(rentree + 1, 8, 31)))
        rentree += 1
    return sorted(resultat, key=lambda p: (p.fin, p.nature))


@dataclass
class Tableau:
    """One indicator, one period, one breakdown: counts of families by (group, modality), with margins."""

    indicateur: str
    periode: str
    par: str  # qpv | niveau | ensemble
    groupes: list[str]
    modalites: list[str]
    population: str = ""  # what the denominator counts: tables sharing it share their "ensemble" cells
    populations_modalites: dict = field(default_factory=dict)  # modality -> the population it is, by definition
    comptes: dict = field(default_factory=dict)     # (groupe, modalite) -> int
    montants: dict = field(default_factory=dict)    # (groupe, modalite) -> {name: euros}
    dominants: dict = field(default_factory=dict)   # (groupe, modalite) -> {name: [two largest family amounts]}
    extra: dict = field(default_factory=dict)       # (groupe, modalite) -> {name: value}, not about families

    def cles(self):
        return [(g, m) for g in self.groupes for m in self.modalites]

    def lignes(self):
        """The additive relations: each line of inner cells sums to its margin."""
        g_in, m_in = [g for g in self.groupes if g != ENSEMBLE], [m for m in self.modalites if m != ENSEMBLE]
        if ENSEMBLE in self.modalites and len(m_in) > 0:
            for g in self.groupes:
                yield [(g, m) for m in m_in], (g, ENSEMBLE)
        if ENSEMBLE in self.groupes and len(g_in) > 0:
            for m in self.modalites:
                yield [(g, m) for g in g_in], (ENSEMBLE, m)


# --- the state of one family at a date ------------------------------------------------------

class Etat:
    __slots__ = ("types", "details", "decision", "convention", "convention_debut", "dernier", "par_temps", "apres_t0")

    def __init__(self):
        self.types, self.details = set(), defaultdict(list)
        self.decision = self.convention = self.convention_debut = None
        self.dernier, self.par_temps, self.apres_t0 = {}, {}, {}

    def ajouter(self, e: dict) -> None:
        t, d = e["type"], e.get("details") or {}
        self.types.add(t)
        self.details[t].append(d)
        if t == "decision":
            self.decision = d
        elif t == "convention":
            self.convention, self.convention_debut = d, d.get("debut", e["date"])
        elif t == "suivi":
            temps = d.get("temps")
            for partie in ("famille", "ecole"):
                for q, v in (d.get(partie) or {}).items():
                    cle = f"{partie}.{q}"
                    self.dernier[cle] = v
                    self.par_temps[(temps, cle)] = v
                    if temps != "T0" and ("T0", cle) in self.par_temps:
                        self.apres_t0[cle] = v


def _detail_correspond(details: dict, attendu: dict) -> bool:
    for champ, valeur in attendu.items():
        present = details.get(champ)
        if present != valeur and not (isinstance(present, list) and valeur in present):
            return False
    return True


def critere_vrai(critere: dict, etat: Etat, temps: str | None) -> bool:
    if "tous" in critere:
        return all(critere_vrai(c, etat, temps) for c in critere["tous"])
    if "evenement" in critere:
        if critere["evenement"] not in etat.types:
            return False
        attendu = critere.get("details")
        return not attendu or any(_detail_correspond(d, attendu) for d in etat.details[critere["evenement"]])
    if "suivi" in critere:
        q = critere["suivi"]
        valeur = etat.par_temps.get((temps, q)) if temps else etat.dernier.get(q)
        if valeur is None:
            return False
        return "valeurs" not in critere or valeur in critere["valeurs"]
    if "progression" in critere:
        return critere["progression"] in etat.apres_t0
    raise ValueError(f"critère inconnu : {critere}")


def situation(etat: Etat) -> str:
    if "livraison" in etat.types:
        return "equipee"
    avis = (etat.decision or {}).get("avis")
    if avis == "accorde":
        return "en_attente"
    return "ajournee_ou_refusee" if avis in ("ajourne", "refuse") else "en_cours"


def modalite(ind: Indicateur, etat: Etat) -> str:
    rep = ind.repartition
    if rep is None:
        return "oui" if critere_vrai(ind.numerateur["critere"], etat, ind.temps) else "non"
    if rep == "situation":
        return situation(etat)
    if "suivi" in rep:
        v = etat.par_temps.get((ind.temps, rep["suivi"])) if ind.temps else etat.dernier.get(rep["suivi"])
        return ("oui" if v else "non") if isinstance(v, bool) else GROUPE_ECHELLE.get(v, v)
    if "progression" in rep:
        q = rep["progression"]
        ecart = ECHELLE.index(etat.apres_t0[q]) - ECHELLE.index(etat.par_temps[("T0", q)])
        return "progresse" if ecart > 0 else "recule" if ecart < 0 else "stable"
    if "decision" in rep:
        d = etat.decision or {}
        return d.get(rep["decision"], "non_renseigne") if d.get("avis") == "accorde" else "non_renseigne"
    if "convention" in rep:
        return (etat.convention or {}).get(rep["convention"], "non_renseigne")
    raise ValueError(f"répartition inconnue : {rep}")


def _mois(debut: str, fin: date) -> int:
    d = date.fromisoformat(debut)
    return max(0, (fin.year - d.year) * 12 + fin.month - d.month + 1) if d <= fin else 0


def montants(etat: Etat, fin: date) -> dict:
    c = etat.convention or {}
    terme = min(fin, date.fromisoformat(c["fin"])) if c.get("fin") else fin
    mois = _mois(etat.convention_debut, terme) if etat.convention_debut else 0
    return {"cout_familles": mois * float(c.get("loyer_mensuel", 0)), "aide_pre": mois * float(c.get("aide_mensuelle", 0))}


# --- modalities and labels, from the schema where the values live ----------------------------

def modalites(ind: Indicateur, schema: dict) -> dict[str, str]:
    rep = ind.repartition
    if rep is None:
        return dict(OUI_NON)
    if rep == "situation":
        return dict(SITUATIONS)
    if "progression" in rep:
        return dict(PROGRESSIONS)
    definitions = schema["definitions"]
    if "suivi" in rep:
        partie, q = rep["suivi"].split(".")
        noeud = definitions["details_suivi"]["properties"][partie]["properties"][q]
        if noeud.get("type") == "boolean":
            return dict(OUI_NON)
        return dict(ECHELLE_PUBLIEE) if set(noeud["x-libelles"]) == set(ECHELLE) else dict(noeud["x-libelles"])
    nom, champ = ("details_decision", rep["decision"]) if "decision" in rep else ("details_convention", rep["convention"])
    return {**definitions[nom]["properties"][champ]["x-libelles"], "non_renseigne": "Non renseigné"}


# --- the computation ----------------------------------------------------------------------

@dataclass
class Profil:
    qpv: str
    niveau: str
    evenements: list  # sorted by date


def profil(dossier: dict, niveaux_ecoles: dict[str, str]) -> Profil:
    fiche = dossier.get("fiche", {})
    ecole = (fiche.get("enfants") or [{}])[0].get("etablissement")
    evenements = sorted(dossier.get("journal", []), key=lambda e: e["date"])
    # an erased family's anonymous remainder (data/effaces/) keeps its school level, not its school
    niveau = fiche.get("niveau") or niveaux_ecoles.get(ecole, "non_renseigne")
    return Profil(fiche.get("qpv", "hors-qpv"), niveau, evenements)


@dataclass
class Resultat:
    periodes: list[Periode]
    tableaux: list[Tableau]
    groupes: dict[str, dict[str, str]]       # par -> code -> label
    modalites: dict[str, dict[str, str]]     # indicator -> code -> label
    familles: int


def calculer(dossiers: dict, referentiels, schema: dict, definitions: Definitions, seances: list[dict] = (),
             aujourd_hui: date | None = None) -> Resultat:
    aujourd_hui = aujourd_hui or date.today()
    niveaux_ecoles = {c: e.get("niveau") or "non_renseigne" for c, e in referentiels.etablissements.items()}
    profils = [profil(d, niveaux_ecoles) for _, d in sorted(dossiers.items())]
    dates = [p.evenements[0]["date"] for p in profils if p.evenements] + [s["date"].isoformat() for s in seances]
    liste = periodes(date.fromisoformat(min(dates)), aujourd_hui) if dates else []
    inds = definitions.indicateurs
    # accumulators: (indicator index, period index) -> (qpv, niveau, modality) ->
    # [count, cost, aid, two largest costs, two largest aids] (the largest for the dominance rule)
    cumuls = [[defaultdict(lambda: [0, 0.0, 0.0, [], []]) for _ in liste] for _ in inds]
    fins = [p.fin.isoformat() for p in liste]
    for p in profils:
        _balayer(p, inds, liste, fins, cumuls)
    groupes = {"qpv": {c: r.get("nom", c) for c, r in referentiels.qpv.items()}, "niveau": dict(NIVEAUX)}
    libelles = {ind.id: modalites(ind, schema) for ind in inds}
    tableaux = []
    for i, ind in enumerate(inds):
        for k, per in enumerate(liste):
            for par in ind.ventilations:
                if not ind.publie(par, per.nature):
                    continue  # a thin table is published once a school year, not every quarter
                tableaux.append(_tableau(ind, per.code, par, list(groupes.get(par, {})), list(libelles[ind.id]), cumuls[i][k]))
    tableaux += _tableaux_seances(seances, liste)
    libelles["seances"] = {"atelier": "Ateliers CLAS", "formation": "Formations des parents"}
    return Resultat(liste, tableaux + _tableaux_evaluations(seances, liste), groupes, libelles, len(profils))


def _balayer(p: Profil, inds, liste, fins, cumuls) -> None:
    """One pass over a family's journal, snapshotting its state at each period's end.

    When no event happened since the previous period's end, the family falls in the same cells:
    the snapshot is reused (only amounts, which grow with the months, are computed again).
    """
    etat, n, cases, lu = Etat(), 0, [], -1
    evenements = p.evenements
    avec_montants = [i for i, ind in enumerate(inds) if ind.montants]
    for k, fin in enumerate(fins):
        while n < len(evenements) and evenements[n]["date"] <= fin:
            etat.ajouter(evenements[n])
            n += 1
        if not etat.types:
            continue
        if n != lu:
            cases = [(i, (p.qpv, p.niveau, modalite(ind, etat))) for i, ind in enumerate(inds)
                     if critere_vrai(ind.denominateur["critere"], etat, ind.temps)]
            lu = n
        for i, cle in cases:
            cumuls[i][k][cle][0] += 1
        for i, cle in cases:
            if i in avec_montants:
                m = montants(etat, liste[k].fin)
                case = cumuls[i][k][cle]
                case[1] += m["cout_familles"]
                case[2] += m["aide_pre"]
                case[3] = plus_grands(case[3], [m["cout_familles"]])
                case[4] = plus_grands(case[4], [m["aide_pre"]])


def plus_grands(a: list, b: list) -> list:
    """The two largest contributions of two groups of families together."""
    return sorted(a + b, reverse=True)[:2]


def cle_population(critere: dict, temps: str | None) -> str:
    """Two cells counting families by the same definition are one figure to whoever reads both."""
    return json.dumps([critere, temps], sort_keys=True, ensure_ascii=False)


def _tableau(ind: Indicateur, periode: str, par: str, groupes: list, modalites_: list, cumul: dict) -> Tableau:
    t = Tableau(ind.id, periode, par, groupes + [ENSEMBLE], modalites_ + [ENSEMBLE],
                cle_population(ind.denominateur["critere"], ind.temps))
    if ind.repartition is None:
        t.populations_modalites["oui"] = cle_population(ind.numerateur["critere"], ind.temps)
    elif ind.repartition == "situation":
        t.populations_modalites["equipee"] = cle_population({"evenement": "livraison"}, None)
    for cle in t.cles():
        t.comptes[cle] = 0
        if ind.montants:
            t.montants[cle] = {"cout_familles": 0.0, "aide_pre": 0.0}
            t.dominants[cle] = {"cout_familles": [], "aide_pre": []}
    for (qpv, niveau, mod), (n, cout, aide, grands_couts, grandes_aides) in cumul.items():
        groupe = {"qpv": qpv, "niveau": niveau}.get(par, ENSEMBLE)  # a table of the whole territory: one row
        if groupe not in t.groupes or mod not in modalites_:
            raise ValueError(f"{ind.id} : valeur inattendue {groupe!r} / {mod!r}")
        for cle in {(groupe, mod), (groupe, ENSEMBLE), (ENSEMBLE, mod), (ENSEMBLE, ENSEMBLE)}:
            t.comptes[cle] += n
            if ind.montants:
                t.montants[cle]["cout_familles"] += cout
                t.montants[cle]["aide_pre"] += aide
                dominants = t.dominants[cle]
                dominants["cout_familles"] = plus_grands(dominants["cout_familles"], grands_couts)
                dominants["aide_pre"] = plus_grands(dominants["aide_pre"], grandes_aides)
    return t


def _tableaux_seances(seances: list[dict], liste: list[Periode]) -> list[Tableau]:
    """Sessions held and attendance (people, not families), cumulated like every other table."""
    tableaux = []
    for per in liste:
        t = Tableau("seances", per.code, ENSEMBLE, [ENSEMBLE], ["atelier", "formation", ENSEMBLE], "seances")
        for cle in t.cles():
            t.comptes[cle], t.extra[cle] = 0, {"seances": 0}
        for s in seances:
            if s["date"] <= per.fin:
                for cle in ((ENSEMBLE, s["type"]), (ENSEMBLE, ENSEMBLE)):
                    p = s.get("participants") or {}
                    t.comptes[cle] += int(p.get("familles_identifiees", 0)) + int(p.get("anonymes", 0))
                    t.extra[cle]["seances"] += 1
        tableaux.append(t)
    return tableaux


EVALUATIONS = "evaluations_ateliers"  # the table of the anonymous workshop evaluation forms


def _tableaux_evaluations(seances: list[dict], liste: list[Periode]) -> list[Tableau]:
    """The anonymous evaluation forms, once a school year, cumulated: one row per workshop sheet, its
    answers to every question of the form counted on the scale in three groups (answers, not people:
    a person who answers five questions gives five answers), and the row of every sheet together.

    Question by question, a sheet's twenty-odd forms make cells of 2 to 10 answers almost everywhere
    (nine in ten hidden on the demo); summed over its questions, a sheet's row is published."""
    fiches = sorted({s["fiche"] for s in seances if s.get("evaluation")})
    tableaux = []
    for per in liste:
        if per.nature != "annee_scolaire" or not fiches:
            continue  # a few dozen forms a quarter: published once a school year
        t = Tableau(EVALUATIONS, per.code, "fiche", [*fiches, ENSEMBLE], [*ECHELLE_PUBLIEE, ENSEMBLE], EVALUATIONS)
        for cle in t.cles():
            t.comptes[cle] = 0
        for s in seances:
            if s["date"] <= per.fin:
                _compter_formulaires(t, s)
        tableaux.append(t)
    return tableaux


def _compter_formulaires(t: Tableau, seance: dict) -> None:
    """Adds a session's counted answers to its sheet's row and to every margin."""
    for bloc in seance.get("evaluation") or []:
        for reponse, nombre in (bloc.get("reponses") or {}).items():
            if reponse in ECHELLE:
                for cle in {(seance["fiche"], GROUPE_ECHELLE[reponse]), (seance["fiche"], ENSEMBLE),
                            (ENSEMBLE, GROUPE_ECHELLE[reponse]), (ENSEMBLE, ENSEMBLE)}:
                    t.comptes[cle] += int(nombre)
