"""Loans and rentals, read in the dossiers: what is due, what is late, what rentals cost and what the
PRE pays, renewals and returns. A return changes the family's dossier only; what the device becomes
(back in stock, to repair, out of service) follows from it (parc.py)."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta

from ..dossiers import evenement
from ..erreurs import FamnumError
from ..formats import ajouter_mois

ETATS_AU_RETOUR = ("bon", "a_reparer", "hors_service")


@dataclass
class Pret:
    identifiant: str
    materiel: str
    type_convention: str  # pret | location | don
    debut: date
    fin: date | None  # None: a gift, never due
    loyer_mensuel: float = 0.0
    aide_mensuelle: float = 0.0


def prets_en_cours(dossier: dict) -> list[Pret]:
    """The devices a family holds now, each with its convention and its end after renewals."""
    en_cours: dict[str, Pret] = {}
    dernier = None
    for e in dossier["journal"]:
        d = e.get("details", {})
        if e["type"] == "livraison" and d.get("materiel"):
            dernier = d["materiel"]
            en_cours[dernier] = Pret(dossier["id"], dernier, "pret", date.fromisoformat(e["date"]), None)
        elif e["type"] == "convention" and dernier in en_cours:
            p = en_cours[dernier]
            p.type_convention = d["type"]
            p.fin = date.fromisoformat(d["fin"]) if d.get("fin") else None
            p.loyer_mensuel, p.aide_mensuelle = d.get("loyer_mensuel", 0), d.get("aide_mensuelle", 0)
        elif e["type"] == "renouvellement":
            for p in en_cours.values():
                if p.type_convention != "don":
                    p.fin = date.fromisoformat(d["jusqu_au"])
        elif e["type"] == "retour":
            en_cours.pop(d.get("materiel"), None)
    return list(en_cours.values())


@dataclass
class Echeancier:
    a_echeance: list[Pret]
    en_retard: list[Pret]
    locations: list[Pret]

    @property
    def loyers_mensuels(self) -> float:
        return sum(p.loyer_mensuel for p in self.locations)

    @property
    def aides_mensuelles(self) -> float:
        return sum(p.aide_mensuelle for p in self.locations)


def echeancier(dossiers: dict[str, dict], jour: date, semaines: int) -> Echeancier:
    tous = sorted((p for i in sorted(dossiers) for p in prets_en_cours(dossiers[i])), key=lambda p: (p.fin or date.max, p.materiel))
    horizon = jour + timedelta(weeks=semaines)
    return Echeancier([p for p in tous if p.fin and jour <= p.fin <= horizon], [p for p in tous if p.fin and p.fin < jour],
                      [p for p in tous if p.type_convention == "location"])


def renouveler(dossier: dict, jour: date, mois: int, par: str) -> dict:
    prets = [p for p in prets_en_cours(dossier) if p.type_convention != "don"]
    if not prets:
        raise FamnumError(f"Le dossier {dossier['id']} n'a aucun prêt ni location en cours : rien à renouveler.", code="prets.rien_a_renouveler")
    fin = max(p.fin or jour for p in prets)
    nouveau = copy.deepcopy(dossier)
    nouveau["journal"].append(evenement("renouvellement", par, jour, {"jusqu_au": ajouter_mois(max(fin, jour), mois).isoformat()}))
    return nouveau


def retour(dossier: dict, inventaire: str, etat: str, jour: date, par: str) -> dict:
    """The dossier with the `retour` event; the stock file is not touched (parc.py reads the event)."""
    inventaire = inventaire.strip().upper()
    if inventaire not in {p.materiel for p in prets_en_cours(dossier)}:
        raise FamnumError(f"L'appareil {inventaire} n'est pas chez la famille {dossier['id']} : retour impossible.", code="prets.appareil_pas_chez_la_famille",
                          correction="vérifiez le numéro d'inventaire dans « famnum famille voir » (journal, livraison).")
    if etat not in ETATS_AU_RETOUR:
        raise FamnumError(f"État au retour inconnu « {etat} ».", code="prets.etat_retour_inconnu",
                          correction="choisissez bon, a_reparer ou hors_service.")
    nouveau = copy.deepcopy(dossier)
    nouveau["journal"].append(evenement("retour", par, jour, {"materiel": inventaire, "etat": etat}))
    return nouveau
