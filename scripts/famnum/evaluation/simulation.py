"""A year of fictitious programme life for the demo and the bench: decisions, deliveries,
conventions, follow-ups at T0/T3/T12, training and CLAS sessions. Deterministic (seeded); no date
after `jusqu_au`. Works on decrypted dossiers in memory; the caller encrypts and commits."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from ..dossiers import evenement
from ..schemas import du_modele

ECHELLE = tuple(du_modele().echelle())
COMMISSIONS = (date(2025, 9, 18), date(2025, 11, 20), date(2026, 1, 22), date(2026, 3, 19), date(2026, 6, 18))
QUESTIONS_FAMILLE = ("usage_hebdomadaire", "devoirs_enfant", "connexion_ent", "ecrire_ecole", "demarches_seul",
                     "recherche_information", "autonomie")
QUESTIONS_ECOLE = ("devoirs_en_ligne", "contact_famille", "implication_parents")
FICHES_FORMATION = ("decouvrir-ordinateur-en-famille", "educonnect-et-ent", "demarches-caf-ameli", "adresse-email-ecrire-a-ecole")
FICHES_ATELIER = ("pronote-devoirs-et-notes", "cahier-de-textes-organisation-semaine", "souris-et-clavier-par-le-jeu",
                  "reviser-avec-ressources-gratuites")
STRUCTURES = ("CLAS centre social des Sablons", "CLAS maison de quartier Bellevue", "CLAS Epine", "CLAS Ronceray")
BASE = {"non": 0, "partiellement": 1, "oui": 2}


class Simulation:
    """With a `stock` (the territory's park as the dossiers make it, parc.etat_du_parc), each delivery
    takes an available device of the right type, once: the delivery events are all the stock needs
    (`famnum prets verifier`); without one (the bench), delivered devices get invented tags."""

    def __init__(self, jusqu_au: date, graine: int = 2026, stock: list | None = None):
        self.hasard = random.Random(graine)
        self.jusqu_au = jusqu_au
        self.presences = defaultdict(list)  # (type, fiche, day, structure) -> [dossier ids]
        self.stock = stock
        self._libres = defaultdict(list)  # type -> tags still free, in the file's order
        for appareil in stock or []:
            if appareil.etat == "disponible":
                self._libres[appareil.type].append(appareil.inventaire)

    def _prendre_appareil(self, type_: str) -> str | None:
        """The tag of the device delivered; None when the stock has none of this type left."""
        if self.stock is None:
            return f"LM-{self.hasard.randrange(10**5):05d}"
        if not self._libres[type_]:
            return None
        return self._libres[type_].pop(0)

    def completer(self, dossiers: list[dict], suivis: int = 3) -> None:
        for d in dossiers:
            self._famille(d, suivis)

    def _date(self, jour: date) -> date | None:
        return jour if jour <= self.jusqu_au else None

    def _famille(self, d: dict, suivis: int) -> None:
        h, fiche, journal = self.hasard, d["fiche"], d["journal"]
        role = journal[-1]["par"]
        debut = date.fromisoformat(journal[-1]["date"])
        if h.random() > 0.75:
            return
        materiels = self._materiels(fiche)
        jour = debut + timedelta(days=10 + h.randrange(30))
        journal.append(evenement("preconisation", role, jour, {"materiels": materiels}))
        commission = next((c for c in COMMISSIONS if c > jour + timedelta(days=h.randrange(120))), None)
        if commission is None or self._date(commission) is None:
            return
        avis = h.choices(["accorde", "ajourne", "refuse"], [80, 12, 8])[0]
        mode = h.choices(["don", "pret", "location_aidee"], [20, 45, 35])[0]
        details = {"avis": avis, "commission": commission.isoformat()}
        if avis == "accorde":
            details.update(materiels=materiels, mode=mode)
        journal.append(evenement("decision", "commission d'attribution", commission, details))
        if avis != "accorde" or h.random() > 0.88:
            return
        livraison = self._date(commission + timedelta(days=14 + h.randrange(50)))
        if livraison is None:
            return
        appareil = self._prendre_appareil(materiels[0])
        if appareil is None:
            return  # granted, waiting for a device: the waiting list
        journal.append(evenement("livraison", role, livraison,
                                 {"materiel": appareil, "lieu": h.choice(["domicile", "distribution"])}))
        convention = {"type": {"don": "don", "pret": "pret", "location_aidee": "location"}[mode],
                      "signee_par": "representant_1", "debut": livraison.isoformat()}
        if mode == "location_aidee":
            convention.update(loyer_mensuel=10, aide_mensuelle=7)
        journal.append(evenement("convention", role, livraison, convention))
        self._suivis(journal, fiche, role, livraison, suivis)
        self._seances(d["id"], livraison)

    def _materiels(self, fiche: dict) -> list[str]:
        ages = fiche.get("foyer", {}).get("ages_enfants") or [10]
        m = ["ordinateur_portable" if max(ages) >= 9 else "ordinateur_fixe"]
        if self.hasard.random() < 0.5:
            m.append("imprimante")
        if fiche.get("equipements", {}).get("internet", {}).get("abonnement") == "aucun" or self.hasard.random() < 0.15:
            m.append("connexion_internet")
        return m

    def _suivis(self, journal, fiche, role, livraison, suivis) -> None:
        h = self.hasard
        base = BASE.get(fiche.get("capacites", {}).get("utilisation"), 1)
        for n, (temps, delai) in enumerate((("T0", 0), ("T3", 91), ("T12", 365))[:suivis]):
            jour = self._date(livraison + timedelta(days=delai + (h.randrange(20) if delai else 0)))
            if jour is None or h.random() > (1.0, 0.85, 0.75)[n]:
                return
            progres = n * h.choice([0, 0, 1, 1, 2])
            famille = {q: ECHELLE[max(0, min(4, base + progres + h.choice([-1, 0, 0, 1])))] for q in QUESTIONS_FAMILLE
                       if h.random() < 0.95}
            if any(a >= 9 for a in fiche.get("foyer", {}).get("ages_enfants") or []) and h.random() < 0.8:
                famille["plateformes_orientation"] = ECHELLE[max(0, min(4, base + progres - 1))]
            famille["internet_maison"] = n > 0 or h.random() < 0.6
            famille["demarche_seul_faite"] = h.random() < 0.25 + 0.2 * n
            details = {"temps": temps, "famille": famille}
            if h.random() < 0.7:
                details["ecole"] = {"repondant": h.choice(["enseignant", "professeur_principal", "referent"]),
                                    **{q: ECHELLE[max(0, min(4, 1 + progres + h.choice([0, 1])))] for q in QUESTIONS_ECOLE}}
            journal.append(evenement("suivi", role, jour, details))

    def _seances(self, identifiant: str, livraison: date) -> None:
        h = self.hasard
        for type_, fiches, part in (("formation", FICHES_FORMATION, 0.55), ("atelier", FICHES_ATELIER, 0.4)):
            if h.random() > part:
                continue
            for _ in range(1 + h.randrange(2)):
                mois = livraison.month + 1 + h.randrange(4)  # each sheet runs once a month in each structure
                premier = date(livraison.year + (mois - 1) // 12, (mois - 1) % 12 + 1, 1)
                jour = self._date(premier + timedelta(days=(2 - premier.weekday()) % 7))  # its first Wednesday
                if jour and jour > livraison:
                    self.presences[(type_, h.choice(fiches), jour, h.choice(STRUCTURES))].append(identifiant)

    def seances(self, dossiers_par_id: dict) -> list:
        """The sessions behind the attendance: one `Seance` each, with anonymous attendees and answers."""
        from .seances import Seance

        resultat = []
        for (type_, fiche, jour, structure), ids in sorted(self.presences.items()):
            anonymes = self.hasard.randrange(4)
            s = Seance(type_, fiche, jour, structure.replace("CLAS ", ""), structure,
                       ["animatrice CLAS", "référent PRE"] if type_ == "atelier" else ["conseiller numérique"],
                       len(ids), anonymes)
            resultat.append((s, ids))
        return resultat
