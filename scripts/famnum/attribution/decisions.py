"""The commission's decisions, from the file the secretary fills in, to `decision` events.

Everything is checked before anything is written: an unknown pseudonym, a family named twice, an
unknown opinion, equipment or mode, a departure from the ranking without a reason, equipment that
neither the stock nor the budget can cover. One problem and no dossier changes."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..dossiers import evenement
from ..erreurs import ErreurRapport, Probleme, Rapport
from ..formats import nombre, sans_accents
from .grille import TYPES_MATERIEL, en_donnees, lire_yaml
from .proposition import Candidature, Proposition, chiffrer, mode_final

AVIS = {"accorde": "accorde", "accorde_e": "accorde", "accepte": "accorde", "ajourne": "ajourne", "refuse": "refuse"}
MATERIELS = (*TYPES_MATERIEL, "connexion_internet")
MODES = ("don", "pret", "location", "location_aidee")
# the decisions typed at the terminal, one family after another
REPONSES = {"a": "accorde", "j": "ajourne", "r": "refuse"}
FINIR = "f"
CONSIGNE = "Pour chaque famille : a = accorder, j = ajourner, r = refuser ; Entrée suit la proposition ; f = finir là."


class DecisionsInvalides(ErreurRapport):
    entete = "le fichier des décisions n'est pas utilisable ; aucun dossier n'a été modifié."
    nature = "decisions.invalides"


@dataclass
class Decision:
    candidature: Candidature
    avis: str
    motif: str
    materiels: list[str] | None
    mode: str | None


def normaliser_avis(brut) -> str | None:
    texte = sans_accents(str(brut or "").strip())
    return AVIS.get(texte.replace("é", "e").replace(" ", "_"))


def lire_decisions(chemin: Path, proposition: Proposition) -> tuple[dict, list[Decision]]:
    """The secretary's file, checked line by line against the session's proposal."""
    nom = str(chemin)
    donnees = en_donnees(lire_yaml(chemin, nom))
    rapport = Rapport()
    if not isinstance(donnees, dict) or not isinstance(donnees.get("decisions"), list):
        raise DecisionsInvalides(Rapport([Probleme(nom, "il faut une clé « decisions » suivie d'une liste",
                                                   correction="partez du modèle écrit par « famnum attribution commission »", code="decisions.liste_manquante")]))
    connues = proposition.par_pseudonyme()
    vues: set[str] = set()
    decisions = []
    for n, ligne in enumerate(donnees["decisions"], 1):
        lieu = f"{nom}, décision n° {n}"
        if not isinstance(ligne, dict):
            rapport.ajouter(Probleme(lieu, "une décision est un groupe de clés (famille, avis, motif…)", code="decisions.pas_un_groupe"))
            continue
        pseudonyme = str(ligne.get("famille", "")).strip().upper()
        if pseudonyme not in connues:
            rapport.ajouter(Probleme(lieu, f"pseudonyme inconnu « {pseudonyme} » (aucune famille examinée à cette séance ne le porte)",
                                     "famille", correction="recopiez le pseudonyme depuis le dossier de la commission", code="decisions.pseudonyme_inconnu"))
            continue
        if pseudonyme in vues:
            rapport.ajouter(Probleme(lieu, f"la famille {pseudonyme} a déjà une décision plus haut dans le fichier", "famille",
                                     correction="gardez une seule décision par famille", code="decisions.famille_en_double"))
            continue
        vues.add(pseudonyme)
        decision = _decision(ligne, connues[pseudonyme], lieu, rapport)
        if decision:
            decisions.append(decision)
    if not rapport.valide:
        raise DecisionsInvalides(rapport)
    return donnees, decisions


def _decision(ligne: dict, c: Candidature, lieu: str, rapport: Rapport) -> Decision | None:
    avis = normaliser_avis(ligne.get("avis"))
    if avis is None:
        rapport.ajouter(Probleme(lieu, f"avis inconnu « {ligne.get('avis', '')} »", "avis",
                                 correction="écrivez accorde, ajourne ou refuse", code="decisions.avis_inconnu"))
        return None
    materiels = ligne.get("materiels")
    if materiels is not None:
        inconnus = [m for m in materiels if m not in MATERIELS] if isinstance(materiels, list) else [materiels]
        if inconnus:
            rapport.ajouter(Probleme(lieu, f"matériel inconnu : {', '.join(map(str, inconnus))}", "materiels",
                                     correction="valeurs permises : " + ", ".join(MATERIELS), code="decisions.materiel_inconnu"))
            return None
    mode = ligne.get("mode")
    if mode is not None and mode not in MODES:
        rapport.ajouter(Probleme(lieu, f"mode inconnu « {mode} »", "mode", correction="valeurs permises : " + ", ".join(MODES), code="decisions.mode_inconnu"))
        return None
    motif = str(ligne.get("motif") or "").strip()
    decision = Decision(c, avis, motif, materiels, mode)
    if ecart(decision) != "aucun" and len(motif) < 3:
        rapport.ajouter(Probleme(lieu, f"la commission s'écarte de la proposition pour {c.pseudonyme} sans motif", "motif",
                                 correction="écrivez le motif de la décision (obligatoire quand elle diffère du classement)", code="decisions.motif_manquant"))
        return None
    return decision


def ecart(d: Decision) -> str:
    c = d.candidature
    if (d.avis == "accorde") != c.retenue:
        return "hors_classement"
    if d.avis == "accorde" and ((d.materiels is not None and sorted(d.materiels) != sorted(c.materiels))
                                or (d.mode is not None and d.mode != c.mode)):
        return "materiel_modifie"
    return "aucun"


def decisions_une_a_une(proposition: Proposition, demander: Callable[[str, str], str],
                        prevenir: Callable[[str], None]) -> list[Decision]:
    """The decisions asked family after family in the ranking (CONSIGNE says how to answer): Entrée follows
    the grid, « f » stops there, and a reason is asked until given when a decision departs from the ranking.
    `demander(question, defaut)` returns what the person typed; `prevenir(texte)` says why an answer was not taken."""
    decisions = []
    for c in [*proposition.retenues, *proposition.attente]:
        avis = _avis_demande(c, proposition, demander, prevenir)
        if avis is None:
            break
        decision = Decision(c, avis, "", None, None)
        while ecart(decision) != "aucun" and len(decision.motif) < 3:
            decision.motif = demander("  Motif (obligatoire : la décision s'écarte du classement)", "").strip()
        decisions.append(decision)
    return decisions


def _avis_demande(c: Candidature, proposition: Proposition, demander: Callable[[str, str], str],
                  prevenir: Callable[[str], None]) -> str | None:
    """One family's opinion (accorde, ajourne, refuse), or None when the person stops there."""
    proposee = ", ".join(proposition.grille.libelle_materiel(t) for t in c.materiels) if c.retenue else "liste d'attente"
    question = f"{c.pseudonyme} (rang {c.rang}, {nombre(c.score)} points : {proposee})"
    while True:
        reponse = demander(question, "a" if c.retenue else "j").strip().lower()
        if reponse == FINIR:
            return None
        avis = REPONSES.get(reponse) or normaliser_avis(reponse)
        if avis:
            return avis
        prevenir(f"  Répondez {', '.join(REPONSES)} ou {FINIR}.")


def appliquer(decisions: list[Decision], proposition: Proposition, dossiers: dict[str, dict], par: str,
              seance: date) -> list[dict]:
    """The decided dossiers, each with one more `decision` event (copies: the originals are untouched)."""
    grille = proposition.grille.donnees
    reserve = proposition.reserve
    for d in decisions:  # refusals first give back what the proposal had set aside for them
        if d.avis != "accorde" and d.candidature.retenue:
            rendre(reserve, d.candidature.attribution, grille)
    rapport = Rapport()
    modifies = []
    for d in sorted(decisions, key=lambda d: (d.candidature.rang or 10**9, d.candidature.pseudonyme)):
        details = _details(d, proposition, reserve, grille, seance, rapport)
        if details is None:
            continue
        dossier = copy.deepcopy(dossiers[d.candidature.identifiant])
        dossier["journal"].append(evenement("decision", par, seance, details, note=""))
        modifies.append(dossier)
    if not rapport.valide:
        raise DecisionsInvalides(rapport)
    return modifies


def rendre(reserve, attribution: list[tuple[str, str]], grille: dict) -> None:
    """Puts devices (or their purchase money) back into the session's reserve."""
    from .stock import Appareil

    for t, tag in attribution:
        if tag == "achat":
            reserve.budget += round(grille["materiels"][t]["cout_achat"] * 100)
        else:
            reserve.par_type[t].append(Appareil(tag, t, "", "", "", "disponible"))


def _details(d: Decision, p: Proposition, reserve, grille: dict, seance: date, rapport: Rapport) -> dict | None:
    c = d.candidature
    details = {"avis": d.avis, "commission": seance.isoformat(), "score": c.score, "ecart": ecart(d)}
    if c.rang:
        details["rang"] = c.rang
    if d.motif:
        details["motif"] = d.motif
    if d.avis != "accorde":
        return details
    accordee = copy.copy(c)
    voulus = d.materiels if d.materiels is not None else c.materiels
    appareils = [m for m in voulus if m != "connexion_internet"]
    deja = [(t, tag) for t, tag in c.attribution] if c.retenue else []
    garde, manque = [], list(appareils)
    for t, tag in deja:
        if t in manque:
            manque.remove(t)
            garde.append((t, tag))
        else:
            rendre(reserve, [(t, tag)], grille)
    servi = reserve.servir(tuple(manque))
    if servi is None:
        rapport.ajouter(Probleme(f"décision pour {c.pseudonyme}", "ni le stock ni le budget restant ne couvrent le matériel accordé",
                                 "materiels", correction="ajournez cette famille ou réduisez le matériel accordé", code="decisions.ni_stock_ni_budget"))
        return None
    accordee.attribution = garde + [(t, a.inventaire if a else "achat") for t, a in servi]
    accordee.besoin = replace(c.besoin, connexion="connexion_internet" in voulus)
    if d.mode:
        accordee.mode = d.mode
    elif c.retenue and d.materiels is None:
        accordee.mode = c.mode
    else:
        accordee.mode = mode_final(accordee, grille, p.sources)
    accordee.loyer_mensuel = accordee.aide_pre_mensuelle = accordee.aide_connexion_mensuelle = 0
    chiffrer(accordee, grille)
    if accordee.mode:
        details["mode"] = accordee.mode
    details.update({"materiels": accordee.materiels,
                    "reserves": sorted(tag for _, tag in accordee.attribution if tag != "achat"),
                    "cout_achats": accordee.cout_achats})
    for cle, valeur in (("loyer_mensuel", accordee.loyer_mensuel), ("aide_mensuelle", accordee.aide_pre_mensuelle),
                        ("aide_connexion_mensuelle", accordee.aide_connexion_mensuelle)):
        if valeur:
            details[cle] = valeur
    return details


def modele_decisions(p: Proposition, chemin: Path) -> Path:
    """The file the secretary fills in: every family of the session, the proposal as the default."""
    lignes = [
        "# Décisions de la commission d'attribution : à remplir par le secrétariat, puis",
        "#   famnum attribution decider --fichier " + chemin.name,
        "# avis : accorde, ajourne ou refuse. Le motif est obligatoire quand la décision diffère de la proposition.",
        "# Pour modifier la proposition : materiels: [ordinateur_portable, imprimante, connexion_internet] et/ou",
        "# mode: don | pret | location | location_aidee. Sans ces clés, la proposition de la grille s'applique.",
        f"seance: {p.jour.isoformat()}",
        f"par: {p.grille.donnees['commission']['secretariat']}",
        "decisions:",
    ]
    for c in [*p.retenues, *p.attente]:
        proposition = ", ".join(c.materiels) if c.retenue else "liste d'attente"
        lignes += [f"  - famille: {c.pseudonyme}   # rang {c.rang}, {c.score:g} points : {proposition}",
                   f"    avis: {'accorde' if c.retenue else 'ajourne'}",
                   "    motif: \"\""]
    from ..vault import ecrire_prive

    ecrire_prive(chemin, ("\n".join(lignes) + "\n").encode("utf-8"))  # pseudonyms only, but the commission's work
    return chemin


def lire_seance_du_fichier(chemin: Path) -> tuple[date, str]:
    """The session's date and the secretary's role, read from the top of the decisions file."""
    from ..saisie import SaisieInvalide, lire_date

    donnees = en_donnees(lire_yaml(chemin, str(chemin)))
    if not isinstance(donnees, dict):
        raise DecisionsInvalides(Rapport([Probleme(str(chemin), "le fichier doit commencer par « seance: », « par: » et « decisions: »", code="decisions.entete_manquant")]))
    try:
        jour = date.fromisoformat(lire_date(str(donnees.get("seance", ""))))
    except SaisieInvalide:
        raise DecisionsInvalides(Rapport([Probleme(str(chemin), f"date de séance illisible « {donnees.get('seance', '')} »", "seance",
                                                   correction="écrivez la date de la séance, jj/mm/aaaa ou aaaa-mm-jj", code="decisions.date_illisible")])) from None
    par = str(donnees.get("par") or "").strip()
    if len(par) < 2:
        raise DecisionsInvalides(Rapport([Probleme(str(chemin), "« par » manque : la fonction de qui enregistre", "par",
                                                   correction="par exemple : par: secrétariat de la commission (jamais un nom)", code="decisions.par_manquant")]))
    return jour, par
