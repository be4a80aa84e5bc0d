"""`famnum expliquer`: the explanation owed to a family (CRPA L311-3-1 and R311-3-1-2), in plain
French for a référent to read aloud: how much the grid weighed in the decision, the data used and
their sources, the criteria and weights as applied to the family, the operations, and its result
(rank band or waiting-list place). Only this family's data and counts of the others, never theirs."""
from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..erreurs import FamnumError
from ..formats import compte, date_fr, euros, nombre
from .commission import VALEURS
from .proposition import Candidature, Proposition

IMPRIMANTE = {"aucune": "aucune", "oui": "une imprimante qui fonctionne", "non": "une imprimante qui ne fonctionne pas",
              "sans_encre": "une imprimante sans encre ni papier"}
QUARTS = ("dans le premier quart", "dans le deuxième quart", "dans le troisième quart", "dans le dernier quart")
SEUIL_SECRET = 11  # Insee's small-area rule (ARCHITECTURE.md, « Les choix de fond »): never a figure computed on fewer families
BORNES_ATTENTE = (10, 20, 50, 100, 200, 500)


@dataclass
class Delai:
    """The usual time between a grant and its delivery, over every family delivered."""
    semaines: float | None  # the median; None below the statistical-secret threshold
    familles: int
    seuil: int = SEUIL_SECRET  # the territory's threshold (data/indicateurs.yaml, secret.seuil)


def semaines_avant_livraison(dossier: dict) -> float | None:
    """Weeks from the family's first grant to its first delivery after it; None if not delivered."""
    accord = None
    for e in sorted(dossier.get("journal", []), key=lambda e: e["date"]):  # stable: same-day order kept
        if accord is None and e["type"] == "decision" and e.get("details", {}).get("avis") == "accorde":
            accord = date.fromisoformat(e["date"])
        elif accord is not None and e["type"] == "livraison":
            return (date.fromisoformat(e["date"]) - accord).days / 7
    return None


def delai_habituel(dossiers: Iterable[dict], seuil: int = SEUIL_SECRET) -> Delai:
    delais = [s for s in map(semaines_avant_livraison, dossiers) if s is not None]
    return Delai(statistics.median(delais) if len(delais) >= seuil else None, len(delais), seuil)


def semaines_arrondies(delai: Delai | None) -> int | None:
    """Half rounds up; under a week reads « environ 1 semaine »."""
    if delai is None or delai.semaines is None:
        return None
    return max(1, int(delai.semaines + 0.5))


def phrase_delai(delai: Delai) -> str:
    semaines = semaines_arrondies(delai)
    if semaines is None:
        return (f"Délai habituel entre l'accord et la livraison : pas encore connu. Moins de {delai.seuil} familles "
                "ont été livrées, et on ne donne jamais un chiffre calculé sur moins de "
                f"{delai.seuil} familles (secret statistique).")
    return (f"Délai habituel entre l'accord et la livraison : environ {semaines} semaine{'s' if semaines > 1 else ''} "
            f"(médiane sur {delai.familles} familles).")


def bande_attente(place: int, inscrites: int) -> str:
    """« parmi les 10 premières » rather than an exact place, which would tell about the families around."""
    borne = next((b for b in BORNES_ATTENTE if place <= b), None)
    if borne is None:
        return f"après les {BORNES_ATTENTE[-1]} premières familles de la liste d'attente"
    if borne >= inscrites:
        return "sur la liste d'attente"
    return f"parmi les {borne} premières familles de la liste d'attente"


def minuscule(texte: str) -> str:
    """« Location avec aide du PRE » → « location avec aide du PRE » (acronyms kept)."""
    return texte[:1].lower() + texte[1:]


def derniere_decision(dossier: dict) -> dict | None:
    decisions = [e for e in dossier.get("journal", []) if e.get("type") == "decision"]
    return decisions[-1] if decisions else None


def jour_de_seance(dossier: dict, defaut: date) -> date:
    """The session that decided for the family, else the given day."""
    decision = derniere_decision(dossier)
    if decision and decision.get("details", {}).get("commission"):
        return date.fromisoformat(decision["details"]["commission"])
    return defaut


ARRIVEES = ("recensement", "diagnostic")  # how a family enters the programme: never a session's outcome


def avant(dossiers: dict[str, dict], jour: date) -> dict[str, dict]:
    """Every dossier as it stood when the session examined it, so that its ranking can be computed again:
    what the session and later days brought is left out (decisions, deliveries…), but never the census or
    the interview (even of that very day, or typed in later), without which a family would look like another."""
    limite = jour.isoformat()
    return {i: {**d, "journal": [e for e in d["journal"] if e["date"] < limite or e["type"] in ARRIVEES]}
            for i, d in dossiers.items()}


def bande(rang: int, classees: int) -> str:
    quart = min(4 * (rang - 1) // max(classees, 1), 3)
    return f"{QUARTS[quart]} des {classees} familles classées (rang {rang})"


def donnees_utilisees(c: Candidature, referentiels, jour: date) -> list[str]:
    s = c.situation
    ages = ", ".join(f"{a} ans" for a in sorted(s.ages, reverse=True)) or "aucun"
    demande = [t for t, v in s.demande.items() if v]
    libelles = {"ordinateur_fixe": "un ordinateur fixe", "ordinateur_portable": "un ordinateur portable",
                "imprimante": "une imprimante", "connexion_internet": "une aide pour internet"}
    return [
        f"Votre quartier : {referentiels.qpv.get(s.qpv, {}).get('nom', s.qpv)} (fiche de diagnostic).",
        f"Votre foyer : {s.personnes} personnes, dont {compte(s.adultes, 'adulte')} et {compte(s.enfants, 'enfant')} (fiche de diagnostic).",
        f"L'âge des enfants le {date_fr(jour)} : {ages} (calculé avec les dates de naissance de la fiche).",
        f"Enfants au collège : {s.collegiens} (établissement ou classe notés sur la fiche).",
        f"Ordinateurs qui fonctionnent chez vous : {s.ordinateurs_en_etat} (entretien de diagnostic).",
        f"Imprimante : {IMPRIMANTE[s.imprimante]} (entretien de diagnostic).",
        f"Internet : {VALEURS[s.internet]} (entretien de diagnostic).",
        f"Vous pouvez payer une petite location : {VALEURS[s.capacite_location]} (entretien de diagnostic).",
        f"Vous acceptez une formation : {VALEURS[s.formation]} (entretien de diagnostic).",
        f"Vous avez besoin du numérique, selon vous : {'oui' if s.besoin_declare else 'non'} (entretien de diagnostic).",
        "Votre demande : " + (", ".join(libelles[t] for t in demande) if demande else "aucun matériel") + " (entretien de diagnostic).",
    ]


def tableau_points(c: Candidature) -> list[str]:
    lignes = ["| Critère | Ce qui a été noté pour vous | Règle de la grille | Vos points |", "| --- | --- | --- | --- |"]
    for p in c.points:
        constate = VALEURS.get(p.constate, p.constate) if isinstance(p.constate, str) else (
            ("oui" if p.constate else "non") if p.critere not in ("enfants_scolarises", "collegiens_portable") else p.constate)
        lignes.append(f"| {p.libelle} | {constate} | {p.regle.replace('ne_sait_pas', 'ne sait pas')} | {nombre(p.points)} |")
    lignes.append(f"| **Total** | | | **{nombre(c.score)}** |")
    return lignes


def preconisation_retenue(dossier: dict, decision: dict | None) -> dict | None:
    """The grid's proposal as recorded for the family: the last préconisation since the previous decision
    and up to this one (an older one was another session's)."""
    journal = dossier.get("journal", [])
    fin = journal.index(decision) if decision in journal else len(journal)
    debut = max((k + 1 for k, e in enumerate(journal[:fin]) if e.get("type") == "decision"), default=0)
    recues = [e for e in journal[debut:fin] if e.get("type") == "preconisation"]
    return recues[-1] if recues else None


def offre(grille, materiels, mode: str | None) -> str:
    return ", ".join(grille.libelle_materiel(t) for t in materiels) + (f", en {minuscule(grille.libelle_mode(mode))}" if mode else "")


def proposition_de_la_grille(c: Candidature, p: Proposition, preconisation: dict | None) -> tuple[list[str], tuple]:
    """What the grid proposed (its recorded préconisation, else the ranking computed again), in words,
    and as (set of devices, mode) to compare with the decision."""
    grille = p.grille
    if preconisation:
        d = preconisation.get("details", {})
        materiels = [t for t in d.get("materiels", []) if t != "connexion_internet"]
        lignes = [f"La grille a proposé, le {date_fr(date.fromisoformat(preconisation['date']))} : "
                  f"{offre(grille, d.get('materiels', []), d.get('mode'))}."]
        if d.get("liste_attente"):
            lignes.append("Le stock et le budget de cette séance n'ont pas suffi : votre demande a été mise sur la liste d'attente.")
        return lignes, (frozenset(materiels), d.get("mode") or None)
    classees = sum(1 for x in p.candidatures if x.rang)
    if not c.a_proposer:
        return (["La grille n'a proposé aucun matériel, pour ces raisons :"]
                + ([f"- {r}" for r in c.besoin.raisons] or ["- aucune demande de matériel."]), (frozenset(), None))
    if c.retenue:
        return ([f"Votre demande est classée {bande(c.rang, classees)}.",
                 f"La grille a proposé : {offre(grille, c.materiels, c.mode)}."],
                (frozenset(t for t in c.materiels if t != "connexion_internet"), c.mode or None))
    return ([f"Votre demande est classée {bande(c.rang, classees)}. Le stock et le budget de cette séance "
             f"n'ont pas suffi : vous êtes {bande_attente(c.place_attente, len(p.attente))} "
             f"({len(p.attente)} familles y sont inscrites)."], (frozenset(), None))


def phrases_decision(decision: dict, grille) -> list[str]:
    d = decision.get("details", {})
    avis = {"accorde": "a accordé l'équipement", "ajourne": "a ajourné la décision", "refuse": "a refusé la demande"}[d["avis"]]
    lignes = [f"La commission du {date_fr(date.fromisoformat(d.get('commission', decision['date'])))} {avis}."]
    if d.get("materiels"):
        lignes.append(f"Matériel accordé : {offre(grille, d['materiels'], d.get('mode'))}.")
    if d.get("loyer_mensuel"):
        lignes.append(f"Loyer : {euros(d['loyer_mensuel'])} par mois" + (f", dont {euros(d['aide_mensuelle'])} payés par le PRE."
                                                                          if d.get("aide_mensuelle") else "."))
    if d.get("aide_connexion_mensuelle"):
        lignes.append(f"Aide pour internet : {euros(d['aide_connexion_mensuelle'])} par mois pendant {grille['connexion']['duree_mois']} mois.")
    return lignes


def ecart_de_la_commission(decision: dict, propose: tuple) -> list[str]:
    """Where the commission departed from the grid: its recorded reason, or that none was recorded."""
    d = decision.get("details", {})
    materiels = frozenset(t for t in d.get("materiels", []) if t != "connexion_internet")
    differe = d.get("avis") == "accorde" and propose[0] and (
        materiels != propose[0] or None not in (propose[1], d.get("mode")) and d.get("mode") != propose[1])
    if d.get("ecart", "aucun") == "aucun" and not differe:
        return ["La commission a suivi la proposition de la grille."]
    if d.get("motif"):
        return [f"La commission ne suit pas exactement la proposition de la grille. Son motif : {d['motif']}"]
    return ["La commission ne suit pas exactement la proposition de la grille, et aucun motif n'est noté dans votre "
            "dossier. Vous pouvez demander ce motif à votre référent : la commission doit le donner."]


def resultat(c: Candidature, p: Proposition, decision: dict | None, preconisation: dict | None = None) -> list[str]:
    """The final decision first; then what the grid proposed, why, and where the commission departed from it."""
    grille = p.grille
    lignes = phrases_decision(decision, grille) + [""] if decision else []
    proposee, propose = proposition_de_la_grille(c, p, preconisation)
    lignes += proposee
    if preconisation and propose[0] != frozenset(c.besoin.materiels):
        lignes += ["", "Le détail de cette proposition ne se recalcule pas avec votre fiche d'aujourd'hui (elle a pu "
                       "changer depuis) : les points ci-dessus sont ceux de votre fiche d'aujourd'hui."]
        return lignes + ([""] + ecart_de_la_commission(decision, propose) if decision else [])
    lignes += ["", "Pourquoi ce matériel et ce mode, selon la grille :"] + [f"- {r}" for r in c.besoin.raisons]
    modes = grille["modes"]["selon_capacite"]
    lignes.append(f"- Mode : la capacité à payer une location décide (oui : {minuscule(grille.libelle_mode(modes['oui']))} ; "
                  f"en partie : {minuscule(grille.libelle_mode(modes['partiellement']))} ; non : {minuscule(grille.libelle_mode(modes['non']))}, "
                  "ou don pour un ordinateur reconditionné).")
    if decision:
        lignes += [""] + ecart_de_la_commission(decision, propose)
    else:
        lignes += ["", "La commission n'a pas encore décidé : ceci est la proposition de la grille, pas la décision."]
    return lignes


def non_examinee(identifiant: str, dossier: dict, schema) -> FamnumError:
    """Why the grid has nothing to say about this family, and what to do."""
    from ..validation import diagnostiquee, parties_manquantes

    if not diagnostiquee(dossier):
        manque = parties_manquantes(dossier, schema) if schema is not None else []
        return FamnumError(f"Le dossier {identifiant} est seulement recensé : la famille n'a pas encore eu son entretien "
                           "de diagnostic, et la grille n'a rien à noter."
                           + (f"\nIl lui manque : {', '.join(manque)}." if manque else ""),
                           code="explication.seulement_recensee",
                           correction=f"faites l'entretien de diagnostic (« famnum famille completer {identifiant} »), "
                                      "puis « famnum attribution proposer ».")
    return FamnumError(f"Le dossier {identifiant} n'a pas été examiné par la grille à cette date "
                       "(il faut un diagnostic, et pas encore de matériel livré).", code="explication.non_examinee",
                       correction="vérifiez son journal avec « famnum famille voir ».")


def expliquer(identifiant: str, dossier: dict, proposition: Proposition, referentiels, delai: Delai | None = None,
              schema=None) -> str:
    c = next((x for x in proposition.candidatures if x.identifiant == identifiant), None)
    if c is None:
        raise non_examinee(identifiant, dossier, schema)
    grille = proposition.grille.donnees
    decision = derniere_decision(dossier)
    texte = [
        f"# Comment votre demande a été examinée — dossier {identifiant}",
        "",
        "Ce document explique la décision d'attribution de matériel numérique, comme le prévoit l'article "
        "L311-3-1 du code des relations entre le public et l'administration : une décision prise avec l'aide "
        "d'un traitement algorithmique doit le dire, et vous pouvez savoir comment il a été utilisé pour vous.",
        "",
        "## 1. La place de la grille dans la décision",
        "",
        f"La décision a été prise avec l'aide d'une grille de points, publiée sur le site du programme. {grille['portee']}",
        "",
        "## 2. Les données utilisées et leur source",
        "",
        *[f"- {ligne}" for ligne in donnees_utilisees(c, referentiels, proposition.jour)],
        "",
        "## 3. Les critères et leur poids, appliqués à votre situation",
        "",
        *tableau_points(c),
        "",
        "## 4. Les opérations effectuées",
        "",
        "1. Les points de chaque critère sont additionnés.",
        f"2. Les demandes sont classées de la plus forte à la plus faible. {grille['departage']}",
        "3. Le type de matériel suit la règle d'âge et vos besoins ; le mode suit votre capacité à payer une location.",
        "4. Dans l'ordre du classement, le matériel est pris d'abord dans le stock, puis acheté tant que le budget le permet.",
        "5. La commission d'attribution examine la proposition et décide.",
        "",
        "## 5. Votre résultat",
        "",
        *resultat(c, proposition, decision, preconisation_retenue(dossier, decision)),
        *(["", phrase_delai(delai)] if delai else []),
        "",
        "## 6. Vos droits",
        "",
        "Vous pouvez demander à votre référent un nouvel examen de votre dossier par la commission, par exemple si "
        "votre situation a changé ou si une donnée ci-dessus est fausse (elle sera corrigée). Si ces informations "
        "ne vous étaient pas communiquées, vous pouvez saisir la Commission d'accès aux documents administratifs (CADA).",
    ]
    return "\n".join(texte) + "\n"
