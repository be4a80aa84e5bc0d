"""`famnum livrer`: a granted device handed over (at home or at a distribution): the `livraison` and
`convention` events in the family's dossier, one commit of that dossier alone (the public stock
file is not touched: the device is lent because the dossier says so, parc.py); then the
personalised convention, the charter and the accompaniment plan as a PDF in build/private/ (it
names the family: private, never published)."""
from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..dossiers import Coffre, evenement
from ..erreurs import FamnumError
from ..formats import ajouter_mois, euros
from .grille import Grille
from .stock import Appareil, inventaire_inconnu

CONVENTIONS = {"don": "don", "pret": "pret", "location": "location", "location_aidee": "location"}
TITRES = {"don": "Convention de don", "pret": "Convention de prêt", "location": "Convention de location"}


@dataclass
class Livraison:
    dossier: dict
    appareil: Appareil
    convention: dict


def decision_accordee(dossier: dict) -> dict:
    decisions = [e for e in dossier["journal"] if e["type"] == "decision"]
    if not decisions or decisions[-1].get("details", {}).get("avis") != "accorde":
        raise FamnumError(f"Le dossier {dossier['id']} n'a pas de décision « accordé » de la commission : rien à livrer.", code="livraison.pas_accordee",
                          correction="enregistrez d'abord la décision (famnum attribution decider).")
    return decisions[-1]["details"]


def preparer_livraison(dossier: dict, parc: list[Appareil], inventaire: str, grille: Grille, jour: date, par: str,
                       lieu: str, installe_par: str = "") -> Livraison:
    """Checks everything and returns the new dossier; writes nothing. `parc`: the stock with each
    device's state read in the dossiers (parc.etat_du_parc)."""
    details = decision_accordee(dossier)
    par_tag = {a.inventaire: a for a in parc}
    appareil = par_tag.get(inventaire.strip().upper())
    if appareil is None:
        raise inventaire_inconnu(inventaire)
    if appareil.etat == "pret":
        raise FamnumError(f"L'appareil {appareil.inventaire} est déjà chez une famille (état « pret ») : il ne peut pas être "
                          "livré deux fois.", code="livraison.appareil_deja_prete",
                          correction="choisissez un autre appareil, ou enregistrez d'abord son retour.")
    if appareil.etat not in grille["stock_utilisable"]:
        raise FamnumError(f"L'appareil {appareil.inventaire} n'est pas attribuable (état « {appareil.etat} »).", code="livraison.appareil_non_attribuable",
                          correction="choisissez un appareil disponible.")
    from .prets import prets_en_cours

    # what the family holds now: a device returned broken can be replaced under the same decision
    types_livres = [par_tag[p.materiel].type for p in prets_en_cours(dossier) if p.materiel in par_tag]
    restants = [t for t in details.get("materiels", []) if t != "connexion_internet"]
    for t in types_livres:
        if t in restants:
            restants.remove(t)
    if appareil.type not in restants:
        attendu = ", ".join(grille.libelle_materiel(t) for t in restants) or "plus rien"
        raise FamnumError(f"La commission n'a pas accordé ce matériel ({grille.libelle_materiel(appareil.type).lower()}) à cette "
                          f"famille, ou elle l'a déjà (reste à livrer : {attendu}).", code="livraison.materiel_non_accorde",
                          correction="vérifiez l'appareil, ou faites modifier la décision.")
    mode = details.get("mode") or "pret"
    convention = {"type": CONVENTIONS[mode], "signee_par": "representant_1", "debut": jour.isoformat()}
    if mode != "don":
        duree = grille["durees"]["location_mois" if mode.startswith("location") else "pret_mois"]
        convention["fin"] = ajouter_mois(jour, duree).isoformat()
    if mode.startswith("location"):
        loyer = grille["location"]["loyer_mensuel"][appareil.type]
        convention["loyer_mensuel"] = loyer
        if mode == "location_aidee":
            convention["aide_mensuelle"] = round(loyer * grille["location"]["taux_aide_pre"], 2)
    livraison = {"materiel": appareil.inventaire, "numero_serie": appareil.numero_serie, "lieu": lieu}
    if installe_par:
        livraison["installe_par"] = installe_par
    nouveau = copy.deepcopy(dossier)
    nouveau["journal"] += [evenement("livraison", par, jour, livraison), evenement("convention", par, jour, convention)]
    return Livraison(nouveau, appareil, convention)


def enregistrer_livraison(coffre: Coffre, livraison: Livraison) -> str:
    """The family's dossier alone, in one commit: no public file names the device it received."""
    return coffre.enregistrer([livraison.dossier], "Livraison de matériel et convention")


def markdown_convention(livraison: Livraison, grille: Grille, charte: str, territoire_nom: str) -> str:
    """The convention in Markdown; every value typed into the dossier or the stock file is escaped
    (markupsafe), so that it reaches the document as text, never as HTML."""
    d, a, c = _echappe(livraison.dossier), _echappe(livraison.appareil), livraison.convention
    fiche = d["fiche"]
    responsable = fiche["representants_legaux"][0]
    adresse = fiche.get("adresse", {})
    debut = date.fromisoformat(c["debut"]).strftime("%d/%m/%Y")
    lignes = [
        f"# {TITRES[c['type']]} de matériel numérique",
        "",
        f"Entre **{territoire_nom}**, et "
        f"**{responsable['prenom']} {responsable['nom']}**, responsable légal, "
        + (f"demeurant {adresse.get('ligne', '')}, {adresse.get('code_postal', '')} {adresse.get('commune', '')}." if adresse else "."),
        "",
        f"Dossier {d['id']}.",
        "",
        "## Le matériel",
        "",
        f"- {grille.libelle_materiel(a.type)}, numéro d'inventaire **{a.inventaire}**, numéro de série {a.numero_serie}"
        + (f" ({a.modele})" if a.modele else "") + ".",
        f"- Remis le {debut}.",
    ]
    if c["type"] != "don":
        lignes.append(f"- Jusqu'au {date.fromisoformat(c['fin']).strftime('%d/%m/%Y')}, renouvelable.")
    if c.get("loyer_mensuel"):
        reste = c["loyer_mensuel"] - c.get("aide_mensuelle", 0)
        lignes.append(f"- Loyer : {euros(c['loyer_mensuel'])} par mois" + (
            f", dont {euros(c['aide_mensuelle'])} payés par le PRE ; reste à la famille : {euros(reste)} par mois."
            if c.get("aide_mensuelle") else "."))
    lignes += ["", "## Le plan d'accompagnement", "", *plan_accompagnement(fiche), "", "## Signatures", "",
               "| Le responsable légal | Pour le programme (fonction) |", "| --- | --- |",
               f"| {responsable['prenom']} {responsable['nom']}<br><br><br> | {d['journal'][-1]['par']}<br><br><br> |", "",
               charte]
    return "\n".join(lignes) + "\n"


def _echappe(valeur):
    """A dossier (or a device of the stock) with each text escaped for the HTML the Markdown becomes."""
    from markupsafe import escape

    if isinstance(valeur, dict):
        return {cle: _echappe(v) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [_echappe(v) for v in valeur]
    if isinstance(valeur, Appareil):
        return replace(valeur, **{cle: str(escape(v)) for cle, v in vars(valeur).items() if isinstance(v, str)})
    return str(escape(valeur)) if isinstance(valeur, str) else valeur


def plan_accompagnement(fiche: dict) -> list[str]:
    """From the diagnostic: training when the family cannot (fully) use the device, CLAS workshops always."""
    capacites = fiche["capacites"]
    plan = []
    if capacites["utilisation"] != "oui":
        accord = {"oui": "la famille l'a acceptée", "non": "la famille l'a refusée ; le référent la reproposera",
                  "ne_sait_pas": "la famille réfléchit"}[capacites["formation"]]
        plan.append(f"- Une formation gratuite à l'utilisation de l'ordinateur ({accord}).")
    if capacites.get("installation") != "oui" or capacites.get("installation_aide"):
        plan.append("- Une aide à l'installation et au branchement, le jour de la remise.")
    plan.append("- Des ateliers parents avec le CLAS : l'ENT et Pronote, les devoirs, l'orientation, la sécurité en ligne.")
    plan.append("- Un point avec le référent trois mois puis un an après la remise.")
    return plan


def ecrire_convention(livraison: Livraison, grille: Grille, territoire, charte_md: Path, fictif: bool = False) -> Path:
    from .commission import pdf_depuis_markdown

    charte = charte_md.read_text(encoding="utf-8") if charte_md.is_file() else ""
    charte = charte.replace("# La charte de la famille", "## La charte de la famille", 1)
    texte = markdown_convention(livraison, grille, charte, grille["territoire"])
    if fictif:
        texte = texte.replace("\n", "\n\n**DONNÉES FICTIVES — démonstration.**\n", 1)
    sortie = territoire.prive / f"convention-{livraison.dossier['id']}-{livraison.appareil.inventaire}.pdf"
    pdf_depuis_markdown(texte, sortie, TITRES[livraison.convention["type"]],
                        f"{TITRES[livraison.convention['type']]} — dossier {livraison.dossier['id']} — document personnel")
    return sortie
