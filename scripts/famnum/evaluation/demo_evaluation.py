"""The demo's year of programme life: decisions, deliveries, follow-ups, training and CLAS sessions,
then the demo evaluation, controlled and written as the open-data package the demo site renders.
Every value is fictitious (données fictives); nothing is dated after FIN_DEMO."""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date

from .seances import ECHELLE, fiches_ateliers, texte_yaml

FIN_DEMO = date(2026, 11, 23)


def completer_demo(coffre, dossiers: list[dict], dire: Callable[[str], None]) -> None:
    from ..dossiers import evenement
    from ..attribution.parc import etat_du_parc
    from ..attribution.stock import charger_stock
    from .simulation import Simulation

    jusqu_au = min(date.today(), FIN_DEMO)
    parc = etat_du_parc(charger_stock(coffre.territoire), {d["id"]: d for d in dossiers})
    simulation = Simulation(jusqu_au, stock=parc)
    simulation.completer(dossiers)
    par_id = {d["id"]: d for d in dossiers}
    fiches = fiches_ateliers(coffre.territoire.racine)
    dossier_seances = coffre.territoire.data / "seances"
    fichiers, noms = [], set()  # the deliveries live in the dossiers: the public stock file is not touched
    for seance, ids in simulation.seances(par_id):
        nom = f"{seance.jour.isoformat()}-{seance.fiche}"
        n = 2
        while nom in noms:
            nom, n = f"{seance.jour.isoformat()}-{seance.fiche}-{n}", n + 1
        noms.add(nom)
        seance.evaluation = reponses_fictives(simulation.hasard, fiches[seance.fiche].questions, seance.participants)
        for identifiant in ids:
            par_id[identifiant]["journal"].append(evenement(seance.type, "animatrice CLAS" if seance.type == "atelier"
                                                            else "conseiller numérique", seance.jour,
                                                            {"seance": nom, "fiche": seance.fiche, "structure": seance.structure}))
        fichiers.append((dossier_seances / f"{nom}.yaml", texte_yaml(seance).encode("utf-8")))
    for d in dossiers:
        d["journal"].sort(key=lambda e: e["date"])
    coffre.enregistrer_avec(dossiers, f"Une année fictive de suivis, formations et ateliers ({len(dossiers)} dossiers)",
                            fichiers)
    dire(f"Une année fictive ajoutée : décisions, livraisons, suivis T0/T3/T12, {len(fichiers)} séances (données fictives).")


def reponses_fictives(hasard, questions, participants: int) -> list[dict]:
    blocs = []
    for question in questions:
        repondants = hasard.randint(max(0, participants - 2), participants)
        comptes = dict.fromkeys(ECHELLE, 0)
        for _ in range(repondants):
            comptes[hasard.choices(list(comptes), [1, 2, 4, 5, 3])[0]] += 1
        blocs.append({"question": question, "reponses": comptes})
    return blocs


def publier_demo(coffre, lecture, dire: Callable[[str], None]) -> None:
    """The demo evaluation, controlled, written to the demo territory's build/public/ and checked
    (frictionless, leak guard); the demo site renders it (FAMNUM_PUBLIC)."""
    from ..attribution.parc import etat_du_parc
    from ..attribution.stock import charger_stock
    from ..erreurs import FamnumError
    from . import paquet
    from .publication import chercher_fuites, evaluer, resume

    ev = evaluer(coffre, lecture)
    public = coffre.territoire.public
    paquet.ecrire(public, paquet.fichiers(ev.resultat, ev.definitions, ev.controle, "Territoire fictif (données fictives)",
                                          stock=etat_du_parc(charger_stock(coffre.territoire), lecture.dossiers),
                                          fictif=True))
    erreurs = paquet.valider_frictionless(public)
    fuites = chercher_fuites(lecture, coffre.territoire, [public])
    if erreurs or fuites:
        raise FamnumError("Évaluation de démonstration refusée : " + " ; ".join(erreurs[:5] + [f"{f.fichier} : {f.nature}" for f in fuites[:5]]), code="publication.demo_refusee")
    os.environ["FAMNUM_PUBLIC"] = str(public)
    dire("\nÉvaluation (données fictives) :\n" + resume(ev))
    dire(f"Paquet de données ouvertes : {public} (validé par frictionless, aucune donnée personnelle).")
