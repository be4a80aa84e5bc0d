"""The demo's attribution session (données fictives): the grid ranks the families still waiting,
the commission's dossier is written to build/private/, and a simulated commission follows the
proposal except for one refusal with its reason; decisions are committed in one commit."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from ..formats import compte

SEANCE_DEMO = date(2026, 11, 16)


def attribution_demo(coffre, lecture, dire: Callable[[str], None]) -> None:
    from .commission import ecrire_commission
    from .decisions import Decision, appliquer, modele_decisions
    from .rendu import texte_proposition
    from .seance_commission import ouvrir_seance

    jour = min(date.today(), SEANCE_DEMO)
    seance = ouvrir_seance(coffre, jour, lecture)
    p = seance.proposition
    dire("\nAttribution (données fictives) :\n" + texte_proposition(p, 10))
    prive = coffre.territoire.prive
    md, pdf = ecrire_commission(p, coffre.referentiels, prive, fictif=True)
    modele_decisions(p, prive / f"decisions-{jour.isoformat()}.yaml")
    dire(f"Dossier de la commission (pseudonymisé, privé) : {md} et {pdf.name}")
    decisions = [Decision(c, "accorde", "", None, None) for c in p.retenues]
    if decisions:
        decisions[-1] = Decision(p.retenues[-1], "refuse", "famille équipée entre-temps par la Cité éducative (fictif)", None, None)
    decisions += [Decision(c, "ajourne", "", None, None) for c in p.attente]
    if not decisions:
        dire("Aucune famille à présenter à la commission.")
        return
    dossiers = appliquer(decisions, p, lecture.dossiers, p.grille.donnees["commission"]["secretariat"], jour)
    coffre.enregistrer(dossiers, "Décisions fictives de la commission d'attribution")
    dire(f"Commission simulée du {jour.strftime('%d/%m/%Y')} : {compte(len(dossiers), 'décision commitée', 'décisions commitées')} (données fictives).")
    lettres_demo(coffre, seance.grille, dossiers, jour, dire)
    tous = {**lecture.dossiers, **{d["id"]: d for d in dossiers}}
    livrer_demo(coffre, seance.grille, dossiers, tous, min(date.today(), jour + timedelta(days=5)), dire)


def livrer_demo(coffre, grille, decides: list[dict], tous: dict[str, dict], jour: date, dire: Callable[[str], None],
                nombre: int = 3) -> None:
    """A few deliveries of the devices the commission set aside, each with its convention PDF; `tous`,
    every dossier, tells which devices are free (parc.py), and follows each delivery."""
    from .livraison import ecrire_convention, enregistrer_livraison, preparer_livraison
    from .parc import etat_du_parc
    from .stock import charger_stock

    livrees, publics = 0, charger_stock(coffre.territoire)
    for dossier in decides:
        details = dossier["journal"][-1]["details"]
        if livrees == nombre or details["avis"] != "accorde" or not details.get("reserves"):
            continue
        livraison = preparer_livraison(dossier, etat_du_parc(publics, tous), details["reserves"][0], grille, jour,
                                       "référent de parcours PRE", "domicile", "technicien DSI")
        enregistrer_livraison(coffre, livraison)
        tous[dossier["id"]] = livraison.dossier
        ecrire_convention(livraison, grille, coffre.territoire, coffre.territoire.racine / "content" / "programme" / "charte.md",
                          fictif=True)
        livrees += 1
    dire(f"{compte(livrees, 'livraison fictive', 'livraisons fictives')} avec convention (PDF privés dans {coffre.territoire.prive}).")


def lettres_demo(coffre, grille, decides: list[dict], jour: date, dire: Callable[[str], None]) -> None:
    """One decision letter of each kind the commission gave (granted, refused, adjourned), marked
    fictitious: a few PDFs show the letter without the minute the 100-odd letters would take."""
    from .explication import delai_habituel
    from .lettres import ecrire_lettres, preparer_lettres

    choisis, vus = [], set()
    for dossier in decides:
        decision = dossier["journal"][-1]
        if decision["type"] == "decision" and decision["details"]["avis"] not in vus:
            vus.add(decision["details"]["avis"])
            choisis.append((dossier, decision))
    if not choisis:
        return
    lettres = preparer_lettres(choisis, grille, delai_habituel(decides), jour, fictif=True)
    chemins = ecrire_lettres(lettres, coffre.territoire.prive, f"lettres-decision-demo-{jour.isoformat()}.pdf")
    dire(f"{compte(len(lettres), 'lettre de décision fictive', 'lettres de décision fictives')}, une par sorte de décision : {chemins[-1]}")
