"""`famnum attribution lettres`: the letter the PRE sends each family after the commission decided.

It carries what ARCHITECTURE.md (« Les choix de fond ») asks of a decision taken with the help of the grid (CRPA L311-3-1 and
R311-3-1-2): the decision, the mention of the algorithmic processing, the right to its rules as
applied to the family (the document of `famnum expliquer`, handed over by the référent), a new
examination and the CADA. Plain French in short sentences: a parent may read it through a
translation app on a phone. The text lives in a Jinja2 template (gabarits/attribution/lettre-decision.html).

The letters name the family, like the convention: written the same way as livraison.py writes it
(A4 PDF by WeasyPrint, build/private/, never published, file named by the dossier's id)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..dossiers import ALPHABET_ID
from ..erreurs import ErreurRapport, FamnumError, Probleme, Rapport
from ..formats import euros
from ..gabarits import rendre
from .explication import Delai, minuscule, semaines_arrondies
from .grille import Grille

MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")
CIVILITES = {"mere": "Madame", "tutrice": "Madame", "pere": "Monsieur", "tuteur": "Monsieur"}
FORME_ID = re.compile(rf"^F-[{ALPHABET_ID}]{{5}}$")
REFERENT_PAR_DEFAUT = "le référent de parcours du Programme de Réussite Éducative"
TITRES = {"accorde": "Votre demande est accordée", "ajourne": "La décision est reportée",
          "refuse": "Votre demande est refusée"}


@dataclass
class Lettre:
    identifiant: str
    commission: date
    html: str


def date_longue(jour: date) -> str:
    return f"{'1er' if jour.day == 1 else jour.day} {MOIS[jour.month - 1]} {jour.year}"


def seance_de(decision: dict) -> date:
    return date.fromisoformat(decision.get("details", {}).get("commission", decision["date"]))


def decision_de(dossier: dict, commission: date | None) -> dict | None:
    """The family's last decision (of that commission, when one is given)."""
    decisions = [e for e in dossier["journal"] if e["type"] == "decision" and commission in (None, seance_de(e))]
    return decisions[-1] if decisions else None


def derniere_commission(dossiers: dict[str, dict]) -> date:
    seances = [seance_de(e) for d in dossiers.values() for e in d["journal"] if e["type"] == "decision"]
    if not seances:
        raise FamnumError("Aucune décision de la commission n'est enregistrée : aucune lettre à écrire.", code="lettres.aucune_decision",
                          correction="enregistrez d'abord les décisions (famnum attribution decider).")
    return max(seances)


class LettresRefusees(ErreurRapport):
    """famnum attribution lettres with ids that cannot all be written to: each refused id is a problem."""

    code_sortie = 1
    entete = "aucune lettre n'a été écrite :"
    nature = "lettres.identifiants_refuses"


def choisir(dossiers: dict[str, dict], identifiants: list[str], commission: date | None) -> list[tuple[dict, dict]]:
    """(dossier, decision) for each family to write to: the ids given, else every family decided by
    the commission (the last one by default). Any bad id: an error naming each, nothing chosen."""
    if identifiants:
        return choisir_par_identifiant(dossiers, identifiants, commission)
    commission = commission or derniere_commission(dossiers)
    choisis = [(d, e) for i, d in sorted(dossiers.items()) if (e := decision_de(d, commission))]
    if not choisis:
        raise FamnumError(f"La commission du {commission.strftime('%d/%m/%Y')} n'a enregistré aucune décision : "
                          "aucune lettre à écrire.", code="lettres.seance_sans_decision",
                          correction="vérifiez la date (--date), ou enregistrez les décisions "
                          "(famnum attribution decider).")
    return choisis


def choisir_par_identifiant(dossiers: dict[str, dict], identifiants: list[str],
                            commission: date | None) -> list[tuple[dict, dict]]:
    de_la_seance = f" du {commission.strftime('%d/%m/%Y')}" if commission else ""
    choisis, problemes = [], []
    for brut in dict.fromkeys(i.strip().upper() for i in identifiants):
        if not FORME_ID.match(brut):
            problemes.append(Probleme(f"« {brut} »", "n'est pas un numéro de dossier", code="lettres.identifiant_mal_forme",
                                      correction="un numéro a la forme F-XXXXX (F, un tiret, cinq lettres ou chiffres, "
                                                 "sans I, O, 0 ni 1)"))
        elif brut not in dossiers:
            problemes.append(Probleme(brut, "aucun dossier valide de ce numéro dans data/families/", code="lettres.dossier_inconnu",
                                      correction="vérifiez le numéro avec « famnum familles lister » ou « famnum verifier »"))
        elif (decision := decision_de(dossiers[brut], commission)) is None:
            problemes.append(Probleme(brut, f"aucune décision de la commission{de_la_seance} dans son journal, donc pas de "
                                      "lettre", code="lettres.sans_decision",
                                      correction="enregistrez d'abord la décision avec « famnum attribution decider »"))
        else:
            choisis.append((dossiers[brut], decision))
    if problemes:
        raise LettresRefusees(Rapport(problemes))
    return choisis


def referent(dossier: dict) -> str:
    """Who to contact: the function recorded at the diagnostic (the fiche stores no référent's name)."""
    diagnostics = [e["par"] for e in dossier["journal"] if e["type"] == "diagnostic"]
    return diagnostics[-1] if diagnostics else dossier["fiche"].get("consentement", {}).get("recueilli_par", REFERENT_PAR_DEFAUT)


def majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def lignes_adresse(adresse: dict | None) -> list[str]:
    if not adresse:
        return []
    return [x for x in (adresse.get("ligne"), adresse.get("complement"),
                        f"{adresse.get('code_postal', '')} {adresse.get('commune', '')}".strip()) if x]


def phrases_mode(details: dict, grille: Grille) -> list[str]:
    """What the mode means for the family, with the grid's durations and the amounts recorded by the decision."""
    regles = grille.donnees
    mode = details.get("mode")
    loyer, aide = details.get("loyer_mensuel", 0), details.get("aide_mensuelle", 0)
    if mode == "don":
        return ["C'est un don.", "Le matériel est à vous.", "Vous n'avez rien à payer et rien à rendre."]
    if mode == "pret":
        return [f"C'est un prêt gratuit de {regles['durees']['pret_mois']} mois.", "Vous ne payez rien.",
                "À la fin, le prêt peut être renouvelé. Sinon, vous rendez le matériel."]
    if mode in ("location", "location_aidee"):
        phrases = [f"C'est une location de {regles['durees']['location_mois']} mois.", f"Le loyer est de {euros(loyer)} par mois."]
        if aide:
            phrases += [f"Le Programme de Réussite Éducative paie {euros(aide)} par mois.",
                        f"Vous payez {euros(loyer - aide)} par mois."]
        return phrases + ["À la fin, la location peut être renouvelée. Sinon, vous rendez le matériel."]
    return []


def contexte(dossier: dict, decision: dict, grille: Grille, delai: Delai | None, jour: date) -> dict:
    """Every value the template shows, already in French."""
    regles = grille.donnees
    details = decision["details"]
    responsable = dossier["fiche"]["representants_legaux"][0]
    civilite = CIVILITES.get(responsable.get("lien"))
    materiels = details.get("materiels", [])
    return {
        "territoire": regles["territoire"], "secretariat": regles["commission"]["secretariat"], "date": date_longue(jour),
        "identifiant": dossier["id"], "destinataire": " ".join(x for x in (civilite, responsable["prenom"], responsable["nom"]) if x),
        "adresse": lignes_adresse(dossier["fiche"].get("adresse")), "salutation": civilite or "Madame, Monsieur",
        "commission": date_longue(seance_de(decision)), "avis": details["avis"], "titre": TITRES[details["avis"]],
        "motif": details.get("motif", "").strip().rstrip("."),  # the template closes the sentence
        "materiels": [grille.libelle_materiel(t) for t in materiels if t != "connexion_internet"],
        "connexion": (f"Une aide pour internet : {euros(details['aide_connexion_mensuelle'])} par mois pendant "
                      f"{regles['connexion']['duree_mois']} mois.") if details.get("aide_connexion_mensuelle") else "",
        "mode": minuscule(grille.libelle_mode(details["mode"])) if details.get("mode") else "", "phrases_mode": phrases_mode(details, grille),
        "semaines": semaines_arrondies(delai),
        "referent": majuscule(referent(dossier)),
    }


def preparer_lettres(choisis: list[tuple[dict, dict]], grille: Grille, delai: Delai | None, jour: date,
                     fictif: bool = False) -> list[Lettre]:
    """fictif: the demo's letters say on their first line that they concern no real family."""
    return [Lettre(d["id"], seance_de(e), rendre("attribution/lettre-decision.html", **contexte(d, e, grille, delai, jour),
                                                 fictif=fictif))
            for d, e in choisis]


def nom_du_lot(lettres: list[Lettre], choisies: bool, jour: date) -> str:
    """All the letters of a session, or a selection (ids given) that must not replace the session's file."""
    if choisies:
        return f"lettres-decision-selection-{jour.isoformat()}.pdf"
    return f"lettres-decision-{lettres[0].commission.isoformat()}.pdf"


def rendre_pdfs(lettres: list[Lettre], prive: Path, nom_lot: str) -> list[tuple[Path, bytes]]:
    """Every PDF in memory first (one per family, then all of them for printing): nothing is written
    if one letter fails. No network: base_url is the private folder."""
    from weasyprint import HTML

    documents = [HTML(string=l.html, base_url=str(prive)).render() for l in lettres]
    lot = documents[0].copy([page for d in documents for page in d.pages])
    lot.metadata.title = f"Lettres de décision ({len(lettres)})"
    sorties = [(prive / f"lettre-decision-{l.identifiant}-{l.commission.isoformat()}.pdf", d.write_pdf())
               for l, d in zip(lettres, documents)]
    return sorties + [(prive / nom_lot, lot.write_pdf())]


def ecrire_lettres(lettres: list[Lettre], prive: Path, nom_lot: str) -> list[Path]:
    """Like the convention (livraison.ecrire_convention): build/private/ (0700), a file per family named by
    its id (0600)."""
    from ..vault import ecrire_prive

    sorties = rendre_pdfs(lettres, prive, nom_lot)
    for chemin, contenu in sorties:
        ecrire_prive(chemin, contenu)
    return [chemin for chemin, _ in sorties]
