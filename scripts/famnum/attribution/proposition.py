"""From scores to a proposal: the equipment each family needs (the age rule), the mode (the
capacity to pay a rental), then the allocation in rank order, stock first and purchases within the
budget, and the purchase plan by item and by phase.

Deterministic: families are ranked by score, then by the tie-break rule the grid states (larger
household, more school-age children, then the keyed pseudonym), never by file order; stock devices
are drawn by state (available before in preparation) then by asset tag."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from ..statuts import statut
from ..erreurs import FamnumError, a_faire
from ..referentiels import Referentiels
from ..validation import diagnostiquee
from .bareme import Point, Situation, detail, enfants_scolarises, preparer, situation, total
from .grille import Grille
from .stock import Appareil

STATUTS_A_EXAMINER = ("recense", "diagnostique", "preconise", "ajourne")
ORDINATEURS = ("ordinateur_fixe", "ordinateur_portable")


@dataclass(frozen=True)
class Besoin:
    """What the rules propose to one family, before stock and budget."""

    materiels: tuple[str, ...]  # devices, in the order they are drawn
    connexion: bool
    mode_selon_capacite: str
    raisons: tuple[str, ...]  # why each item is (or is not) proposed, in French


@dataclass
class Candidature:
    identifiant: str
    pseudonyme: str
    situation: Situation
    points: list[Point]
    score: float
    besoin: Besoin
    phase: int
    rang: int = 0
    retenue: bool = False
    place_attente: int = 0
    attribution: list[tuple[str, str]] = field(default_factory=list)  # (type, asset tag or "achat")
    mode: str = ""
    cout_achats: float = 0.0
    loyer_mensuel: float = 0.0
    aide_pre_mensuelle: float = 0.0
    aide_connexion_mensuelle: float = 0.0

    @property
    def materiels(self) -> list[str]:
        return [t for t, _ in self.attribution] + (["connexion_internet"] if self.besoin.connexion else [])

    @property
    def a_proposer(self) -> bool:
        return bool(self.besoin.materiels or self.besoin.connexion)


@dataclass
class Proposition:
    jour: date
    grille: Grille
    candidatures: list[Candidature]  # every family examined, ranked (rank 0: nothing to propose)
    budget_achats: float
    engage_avant: float
    stock_initial: dict[str, int]
    stock_restant: dict[str, int]
    plan: dict[int, dict[str, dict[str, float]]]  # phase → type → {stock, achats, cout}
    avertissements: list[str] = field(default_factory=list)
    reserve: Reserve | None = None  # what is left after the proposal, for the commission's amendments
    sources: dict[str, str] = field(default_factory=dict)  # asset tag → source (dsi, donateur, achat)

    @property
    def retenues(self) -> list[Candidature]:
        return [c for c in self.candidatures if c.retenue]

    @property
    def attente(self) -> list[Candidature]:
        return sorted((c for c in self.candidatures if c.place_attente), key=lambda c: c.place_attente)

    @property
    def sans_proposition(self) -> list[Candidature]:
        return [c for c in self.candidatures if not c.a_proposer]

    @property
    def cout_achats(self) -> float:
        return sum(c.cout_achats for c in self.retenues)

    @property
    def budget_restant(self) -> float:
        return self.budget_achats - self.engage_avant - self.cout_achats

    def par_pseudonyme(self) -> dict[str, Candidature]:
        return {c.pseudonyme: c for c in self.candidatures}


# --- the rules ----------------------------------------------------------------------------------

def besoin(s: Situation, grille: dict) -> Besoin:
    raisons, materiels = [], []
    regle = grille["regle_age"]
    enfants = [a for a in s.ages if a < regle["age_max"]]
    demande_ordinateur = s.demande.get("ordinateur_fixe") or s.demande.get("ordinateur_portable")
    manque = s.ordinateurs_en_etat == 0 or s.personnes > grille["seuils"]["personnes_par_ordinateur"] * s.ordinateurs_en_etat
    if not demande_ordinateur:
        raisons.append("Ordinateur : la famille n'en demande pas.")
    elif not manque:
        raisons.append("Ordinateur : la famille en a assez qui fonctionnent pour le foyer.")
    elif not enfants:
        raisons.append(f"Ordinateur : aucun enfant de moins de {regle['age_max']} ans au foyer.")
    else:
        grands = [a for a in enfants if a >= regle["age_portable"]]
        petits = [a for a in enfants if a < regle["age_portable"]]
        second = regle["second_ordinateur"]
        if grands and petits and second["autorise"] and s.ordinateurs_en_etat == 0 and s.personnes >= second["personnes_min"]:
            materiels += ["ordinateur_portable", "ordinateur_fixe"]
            raisons.append(f"Ordinateurs : un portable (enfant de {regle['age_portable']} ans ou plus) et un fixe "
                           f"(enfant de moins de {regle['age_portable']} ans), car le foyer compte {s.personnes} personnes "
                           f"sans ordinateur (second ordinateur à partir de {second['personnes_min']}).")
        elif grands:
            materiels.append("ordinateur_portable")
            raisons.append(f"Ordinateur portable : un enfant a {regle['age_portable']} ans ou plus (règle d'âge).")
        else:
            materiels.append("ordinateur_fixe")
            raisons.append(f"Ordinateur fixe : tous les enfants ont moins de {regle['age_portable']} ans (règle d'âge).")
    aura_ordinateur = bool(materiels) or s.ordinateurs_en_etat > 0
    if s.demande.get("imprimante") and s.imprimante in grille["imprimante"]["si_etat"] and aura_ordinateur:
        materiels.append("imprimante")
        raisons.append("Imprimante : demandée, et la famille n'en a pas qui fonctionne.")
    elif s.demande.get("imprimante"):
        raisons.append("Imprimante : demandée, mais " + ("la famille en a déjà une qui peut servir." if aura_ordinateur and s.imprimante not in grille["imprimante"]["si_etat"]
                                                          else "sans ordinateur à la maison elle ne servirait pas."))
    connexion = bool(s.demande.get("connexion_internet")) and s.internet in grille["connexion"]["si_abonnement"]
    if connexion:
        raisons.append("Aide à la connexion : demandée, et la famille n'a pas de box internet.")
    elif s.demande.get("connexion_internet"):
        raisons.append("Aide à la connexion : demandée, mais la famille a déjà une box internet.")
    return Besoin(tuple(materiels), connexion, grille["modes"]["selon_capacite"][s.capacite_location], tuple(raisons))


def cle_de_rang(c: Candidature, grille: dict) -> tuple:
    """The grid's stated order: score, then household size, then school-age children, then pseudonym."""
    return (-c.score, -c.situation.personnes, -enfants_scolarises(c.situation, grille), c.pseudonyme)


# --- the allocation -----------------------------------------------------------------------------

class Reserve:
    """Usable stock by type, drawn in a fixed order, with a budget for purchases (in cents)."""

    def __init__(self, appareils: Iterable[Appareil], grille: dict, exclus: set[str], budget_centimes: int):
        etats = grille["stock_utilisable"]
        utilisables = [a for a in appareils if a.etat in etats and a.inventaire not in exclus]
        utilisables.sort(key=lambda a: (etats.index(a.etat), a.inventaire))
        self.par_type: dict[str, list[Appareil]] = defaultdict(list)
        for a in utilisables:
            self.par_type[a.type].append(a)
        for liste in self.par_type.values():
            liste.reverse()  # pop() from the end takes the first in order
        self.materiels = grille["materiels"]
        self.budget = budget_centimes

    def compte(self) -> dict[str, int]:
        return {t: len(self.par_type.get(t, [])) for t in self.materiels}

    def servir(self, types: tuple[str, ...]) -> list[tuple[str, Appareil | None]] | None:
        """Every device of one family, or None (and nothing taken) if one cannot be had."""
        pris, depense = [], 0
        for t in types:
            if self.par_type.get(t):
                pris.append((t, self.par_type[t].pop()))
                continue
            cout = centimes(self.materiels[t]["cout_achat"])
            if self.materiels[t]["achat"] and depense + cout <= self.budget:
                pris.append((t, None))
                depense += cout
                continue
            for t_pris, appareil in reversed(pris):
                if appareil is not None:
                    self.par_type[t_pris].append(appareil)
            return None
        self.budget -= depense
        return pris


def centimes(euros: float) -> int:
    return round(euros * 100)


def mode_final(c: Candidature, grille: dict, sources: dict[str, str]) -> str:
    """The mode set by the capacity to pay, a gift for refurbished computers instead of a loan, and no
    mode at all when only a connection aid is proposed (nothing to lend)."""
    if not c.attribution:
        return ""
    mode = c.besoin.mode_selon_capacite
    ordinateurs = [tag for t, tag in c.attribution if t in ORDINATEURS]
    if mode == "pret" and ordinateurs and all(sources.get(tag) in grille["modes"]["don_si_sources"] for tag in ordinateurs):
        return "don"
    return mode


def chiffrer(c: Candidature, grille: dict) -> None:
    """Purchase cost, monthly rent, the PRE's monthly aid and the connection aid of one family."""
    c.cout_achats = sum(grille["materiels"][t]["cout_achat"] for t, tag in c.attribution if tag == "achat")
    if c.mode in ("location", "location_aidee"):
        c.loyer_mensuel = sum(grille["location"]["loyer_mensuel"][t] for t, _ in c.attribution)
    if c.mode == "location_aidee":
        c.aide_pre_mensuelle = round(c.loyer_mensuel * grille["location"]["taux_aide_pre"], 2)
    if c.besoin.connexion:
        c.aide_connexion_mensuelle = grille["connexion"]["aide_mensuelle"]


def proposer(dossiers: dict[str, dict], grille: Grille, referentiels: Referentiels, stock: list[Appareil],
             pseudonyme: Callable[[str], str], jour: date) -> Proposition:
    """Scores every family still to be examined, ranks them, and allocates stock then purchases."""
    regles = grille.donnees
    engage, reserves = deja_engage(dossiers.values())
    reserve = Reserve(stock, regles, reserves, centimes(regles["budget"]["achats"]) - centimes(engage))
    stock_initial = reserve.compte()
    avertissements = []
    if not any(stock_initial.values()):
        if not any(m["achat"] for m in regles["materiels"].values()) or regles["budget"]["achats"] - engage <= 0:
            raise FamnumError("Le stock ne contient aucun matériel attribuable et le budget ne permet aucun achat.", code="proposition.rien_a_attribuer",
                              correction="complétez data/referentiels/materiels.csv (état « disponible ») "
                              "ou ouvrez un budget d'achat dans data/attribution.yaml.")
        avertissements.append("Le stock est vide : tout le matériel proposé serait acheté.")
    prepares = preparer(regles)
    a_examiner = [i for i, d in dossiers.items() if statut(d) in STATUTS_A_EXAMINER]
    # a family counted from a list but not interviewed yet has nothing the grid can score
    sans_diagnostic = [i for i in a_examiner if not diagnostiquee(dossiers[i])]
    if sans_diagnostic:
        avertissements.append(phrase_sans_diagnostic(len(sans_diagnostic)))
    candidatures = [candidature(i, dossiers[i], regles, grille, referentiels, pseudonyme, jour, prepares)
                    for i in a_examiner if diagnostiquee(dossiers[i])]
    candidatures.sort(key=lambda c: (not c.a_proposer, *cle_de_rang(c, regles)))
    sources = {a.inventaire: a.source for a in stock}
    attente = 0
    for rang, c in enumerate((c for c in candidatures if c.a_proposer), 1):
        c.rang = rang
        servi = reserve.servir(c.besoin.materiels)
        if servi is None:
            attente += 1
            c.place_attente = attente
            continue
        c.retenue = True
        c.attribution = [(t, a.inventaire if a else "achat") for t, a in servi]
        c.mode = mode_final(c, regles, sources)
        chiffrer(c, regles)
    return Proposition(jour, grille, candidatures, regles["budget"]["achats"], engage, stock_initial, reserve.compte(),
                       plan_par_phase(candidatures, regles), avertissements, reserve, sources)


def phrase_sans_diagnostic(n: int) -> str:
    return (f"{n} famille{'s' if n > 1 else ''} seulement recensée{'s' if n > 1 else ''} (sans entretien de diagnostic) "
            f"{'ne sont pas classées' if n > 1 else 'n’est pas classée'} : la grille n'a rien à noter. "
            + a_faire("« famnum familles lister --statut recense » les liste ; « famnum famille completer <identifiant> » "
                      "fait l'entretien."))


def candidature(identifiant, dossier, regles, grille, referentiels, pseudonyme, jour, prepares=None) -> Candidature:
    s = situation(dossier["fiche"], referentiels, jour)
    points = detail(s, regles, prepares)
    return Candidature(identifiant, pseudonyme(identifiant), s, points, total(points), besoin(s, regles),
                       grille.phase_de(s.qpv)["numero"])


def deja_engage(dossiers: Iterable[dict]) -> tuple[float, set[str]]:
    """Purchases already granted by earlier commissions, and the stock devices they reserved."""
    engage, reserves = 0.0, set()
    for dossier in dossiers:
        decisions = [e for e in dossier.get("journal", []) if e.get("type") == "decision"]
        if decisions and decisions[-1].get("details", {}).get("avis") == "accorde":
            details = decisions[-1]["details"]
            engage += details.get("cout_achats", 0)
            reserves.update(details.get("reserves", []))
    return engage, reserves


def plan_par_phase(candidatures: list[Candidature], grille: dict) -> dict[int, dict[str, dict[str, float]]]:
    plan: dict[int, dict[str, dict[str, float]]] = {p["numero"]: {} for p in grille["phases"]}
    for c in candidatures:
        if not c.retenue:
            continue
        for t, tag in c.attribution:
            ligne = plan[c.phase].setdefault(t, {"stock": 0, "achats": 0, "cout": 0.0})
            if tag == "achat":
                ligne["achats"] += 1
                ligne["cout"] += grille["materiels"][t]["cout_achat"]
            else:
                ligne["stock"] += 1
        if c.besoin.connexion:
            ligne = plan[c.phase].setdefault("connexion_internet", {"stock": 0, "achats": 0, "cout": 0.0})
            ligne["achats"] += 1
            ligne["cout"] += c.aide_connexion_mensuelle * grille["connexion"]["duree_mois"]
    return plan
