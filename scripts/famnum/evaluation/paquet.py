"""The open-data package of the evaluation: CSV files and datapackage.json, after disclosure control.

Only controlled figures are written: counts, shares and amounts by period (quarter, school year),
QPV and school level; a hidden cell is an empty value with `secret = oui`. No family id, pseudonym,
name, school or date finer than the period is ever in these tables: they are built from the
controlled tables alone, never from a dossier.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..attribution.stock import ETATS, TYPES, Appareil
from .calcul import ECHELLE_PUBLIEE, ENSEMBLE, EVALUATIONS, NIVEAUX, Resultat
from . import intervalles, perte
from .definitions import PLANS, Definitions
from .secret import Controle, cle_case

NOM = "famnum-evaluation"
LICENCE = {"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
           "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
# The stock the PRE holds: every state but "pret" (a device lent, given or rented sits with a family,
# which the family indicators already count, under disclosure control). The states are the park's as
# the dossiers make it (attribution/parc.py), never the public file's alone.
ETATS_DETENUS = tuple(e for e in ETATS if e != "pret")
LIBELLES_TYPES = {"ordinateur_portable": "Ordinateur portable", "ordinateur_fixe": "Ordinateur fixe",
                  "imprimante": "Imprimante", ENSEMBLE: "Ensemble"}
LIBELLES_ETATS = {"disponible": "Disponible (prêt à être remis)", "en_preparation": "En préparation (à remettre en état)",
                  "hors_service": "Hors service", "reforme": "Réformé (sorti du parc)", ENSEMBLE: "Ensemble"}
VENTILATIONS = {"qpv": "par quartier prioritaire (QPV)", "niveau": "par niveau scolaire", ENSEMBLE: "ensemble du territoire"}


def regle_secret(seuil: int) -> str:
    return (f"Secret statistique : aucune case publiée ne compte de 1 à {seuil - 1} familles (ou personnes) ; "
            "ces cases sont masquées (secret primaire). D'autres cases sont masquées (secret secondaire) pour "
            "qu'aucune case masquée ne puisse être retrouvée ni trop bien encadrée en combinant tout ce qui est "
            "publié : les totaux, les autres tableaux, les autres périodes (un chiffre cumulé ne baisse jamais) et "
            "la publication précédente. Pour chaque case masquée, le plus petit et le plus grand nombre possibles "
            "sont calculés par programmation linéaire (HiGHS) : l'écart est d'au moins "
            f"{intervalles.LARGEUR} familles, ou bien l'intervalle va jusqu'à 0 ou jusqu'au seuil. Les tableaux "
            f"sont cumulés depuis le début du programme ; une évolution de 1 à {seuil - 1} familles entre deux "
            "périodes n'est jamais lisible. "
            "Les cases masquées en plus sont choisies au moindre coût : une case intérieure plutôt qu'un total. "
            "Une somme en euros n'est publiée que si ses familles le sont et si les deux plus gros montants n'en font "
            "pas plus de 85 % (règle de dominance) ; une somme masquée ne peut être ni recalculée ni encadrée à moins "
            f"de {intervalles.LARGEUR_EUROS} € (le prix du matériel le moins cher, plus qu'une famille ne paie en un an "
            "de location), sauf si l'intervalle va jusqu'à 0. "
            "D'une publication à la suivante, une case secrète le reste, un chiffre qui a changé de 1 à "
            f"{seuil - 1} familles est masqué, et une somme en euros qui a changé aussi. "
            "Une part (%) n'est publiée que si son numérateur et son dénominateur le sont. "
            "Une case à 0 est publiée : elle ne désigne personne.")


def _texte_csv(entetes: list[str], lignes: list[list]) -> bytes:
    flux = io.StringIO()
    ecrivain = csv.writer(flux, lineterminator="\n")
    ecrivain.writerow(entetes)
    ecrivain.writerows(lignes)
    return flux.getvalue().encode("utf-8")


def _montant_csv(x: float) -> str:
    """A euro amount for the CSV files (a dot, no trailing zeros): read by programs, not people."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def lignes_indicateurs(resultat: Resultat, controle: Controle) -> list[list]:
    lignes = []
    # euro amounts the disclosure control hides while the count stays published (absent: none)
    montants_masques = getattr(controle, "montants_masques", set())
    for t in resultat.tableaux:
        if t.indicateur in ("seances", EVALUATIONS):
            continue
        libelles_groupes = {**resultat.groupes.get(t.par, {}), ENSEMBLE: "Ensemble"}
        libelles_mod = {**resultat.modalites[t.indicateur], ENSEMBLE: "Ensemble"}
        for groupe, mod in t.cles():
            masque = cle_case(t, (groupe, mod)) in controle.masques
            base = (groupe, ENSEMBLE)
            part = ""
            if mod != ENSEMBLE and not masque and cle_case(t, base) not in controle.masques and t.comptes[base]:
                part = f"{100 * t.comptes[(groupe, mod)] / t.comptes[base]:.1f}"
            montants = {} if cle_case(t, (groupe, mod)) in montants_masques else t.montants.get((groupe, mod)) or {}
            lignes.append([t.indicateur, t.periode, t.par, groupe, libelles_groupes[groupe], mod, libelles_mod[mod],
                           "" if masque else t.comptes[(groupe, mod)], part,
                           "" if masque or not montants else _montant_csv(montants["cout_familles"]),
                           "" if masque or not montants else _montant_csv(montants["aide_pre"]),
                           "oui" if masque else "non"])
    return lignes


def lignes_seances(resultat: Resultat, controle: Controle) -> list[list]:
    lignes = []
    for t in resultat.tableaux:
        if t.indicateur != "seances":
            continue
        for groupe, mod in t.cles():
            masque = cle_case(t, (groupe, mod)) in controle.masques
            lignes.append([t.periode, mod, {**resultat.modalites["seances"], ENSEMBLE: "Ensemble"}[mod],
                           t.extra[(groupe, mod)]["seances"], "" if masque else t.comptes[(groupe, mod)],
                           "oui" if masque else "non"])
    return lignes


def lignes_evaluations(resultat: Resultat, controle: Controle) -> list[list]:
    lignes = []
    for t in resultat.tableaux:
        if t.indicateur != EVALUATIONS:
            continue
        for fiche, reponse in t.cles():
            masque = cle_case(t, (fiche, reponse)) in controle.masques
            base = (fiche, ENSEMBLE)
            part = ""
            if reponse != ENSEMBLE and not masque and cle_case(t, base) not in controle.masques and t.comptes[base]:
                part = f"{100 * t.comptes[(fiche, reponse)] / t.comptes[base]:.1f}"
            lignes.append([t.periode, fiche, reponse, "" if masque else t.comptes[(fiche, reponse)], part,
                           "oui" if masque else "non"])
    return lignes


def lignes_stock(stock: list[Appareil]) -> list[list]:
    """Devices held by the PRE, by type and state, with both margins (zeros written: a device is no one)."""
    comptes = {(t, e): 0 for t in (*TYPES, ENSEMBLE) for e in (*ETATS_DETENUS, ENSEMBLE)}
    for a in stock:
        if a.etat in ETATS_DETENUS:
            for cle in ((a.type, a.etat), (a.type, ENSEMBLE), (ENSEMBLE, a.etat), (ENSEMBLE, ENSEMBLE)):
                comptes[cle] += 1
    return [[t, LIBELLES_TYPES[t], e, LIBELLES_ETATS[e], n] for (t, e), n in comptes.items()]


def _champ(nom, type_, titre, description, **contraintes):
    champ = {"name": nom, "type": type_, "title": titre, "description": description}
    if contraintes:
        champ["constraints"] = contraintes
    return champ


def ressource_stock() -> dict:
    return {
        "name": "stock", "path": "stock.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "title": "Stock de matériel détenu par le PRE",
        "description": ("Appareils que le PRE détient, par type et par état : disponibles, en préparation, hors "
                        "service, réformés (le parc de data/referentiels/materiels.csv, les livraisons et les retours "
                        "lus dans les dossiers chiffrés). Les appareils prêtés, donnés ou loués à une famille ne "
                        "sont pas comptés ici : ils décrivent des familles, que comptent les indicateurs d'équipement sous "
                        "secret statistique. État du stock au jour de la publication du paquet, et non à la fin de la "
                        "dernière période."),
        "schema": {"fields": [
            _champ("type", "string", "Type de matériel", "ordinateur_portable, ordinateur_fixe, imprimante, ou ensemble",
                   required=True, enum=[*TYPES, ENSEMBLE]),
            _champ("type_libelle", "string", "Libellé du type", "En français"),
            _champ("etat", "string", "État", "disponible, en_preparation, hors_service, reforme, ou ensemble",
                   required=True, enum=[*ETATS_DETENUS, ENSEMBLE]),
            _champ("etat_libelle", "string", "Libellé de l'état", "En français"),
            _champ("appareils", "integer", "Appareils", "Nombre d'appareils détenus par le PRE", required=True, minimum=0)],
            "primaryKey": ["type", "etat"]}}


def descripteur(resultat: Resultat, definitions: Definitions, controle: Controle, territoire: str,
                avec_stock: bool = False) -> dict:
    periodes = [p.code for p in resultat.periodes]
    indicateurs = [i.id for i in definitions.indicateurs]
    groupes = sorted({*resultat.groupes["qpv"], *NIVEAUX, ENSEMBLE})
    derniere = resultat.periodes[-1].fin.isoformat() if resultat.periodes else ""
    return {
        "name": NOM,
        "title": f"Évaluation du programme d'équipement numérique des familles — {territoire}",
        "description": ("Indicateurs de l'évaluation sur trois plans (équipement, utilisation, scolarité), par période "
                        "(trimestre, année scolaire), pour tout le territoire (ou par quartier prioritaire, par niveau "
                        "scolaire, quand data/indicateurs.yaml le dit : colonne ventilation). Tableaux cumulés "
                        "depuis le début du programme jusqu'au dernier jour de chaque période. " + regle_secret(controle.seuil)),
        "licenses": [LICENCE],
        "sources": [{"title": "Dossiers des familles (fiche de diagnostic, journal : décisions, livraisons, conventions, "
                               "questionnaires de suivi T0, T3, T12, formations, ateliers CLAS), chiffrés, lus en mémoire seulement"},
                    {"title": "Séances d'ateliers et de formations enregistrées (data/seances), sans donnée personnelle"},
                    {"title": "Référentiels publics : QPV et établissements (data/referentiels)"},
                    *([{"title": "Stock de matériel du PRE (data/referentiels/materiels.csv), au jour de la publication"}]
                      if avec_stock else [])],
        "keywords": ["quartiers prioritaires", "inclusion numérique", "réussite éducative", "évaluation"],
        "version": derniere,
        "famnum": {"seuil_secret": controle.seuil, "regle_secret": regle_secret(controle.seuil),
                   "cases_masquees": len(controle.masques), "familles": "nombre non publié"},
        "resources": [
            {"name": "definitions", "path": "definitions.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "Définitions des indicateurs",
             "description": "Chaque indicateur : plan, titre, numérateur, dénominateur, événements sources, unité (data/indicateurs.yaml).",
             "schema": {"fields": [
                 _champ("id", "string", "Indicateur", "Identifiant de l'indicateur", required=True, unique=True),
                 _champ("plan", "string", "Plan", "Plan de l'évaluation", required=True, enum=list(PLANS)),
                 _champ("titre", "string", "Titre", "Titre en français", required=True),
                 _champ("numerateur", "string", "Numérateur", "Ce que compte le numérateur, ou la répartition"),
                 _champ("denominateur", "string", "Dénominateur", "Les familles comptées"),
                 _champ("sources", "string", "Sources", "Événements du journal utilisés, séparés par des virgules"),
                 _champ("unite", "string", "Unité", "Unité des nombres publiés"),
                 _champ("description", "string", "Description", "Précisions")],
                 "primaryKey": ["id"]}},
            {"name": "periodes", "path": "periodes.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "Périodes", "description": "Trimestres et années scolaires terminés.",
             "schema": {"fields": [
                 _champ("code", "string", "Période", "Code de la période", required=True, unique=True),
                 _champ("libelle", "string", "Libellé", "Nom de la période"),
                 _champ("nature", "string", "Nature", "trimestre ou annee_scolaire", enum=["trimestre", "annee_scolaire"]),
                 _champ("debut", "date", "Début", "Premier jour de la période"),
                 _champ("fin", "date", "Fin", "Dernier jour de la période (date d'arrêt des tableaux cumulés)")],
                 "primaryKey": ["code"]}},
            {"name": "indicateurs", "path": "indicateurs.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "Indicateurs par période, QPV et niveau scolaire",
             "description": "Nombre de familles par modalité ; une case masquée par le secret statistique est vide (secret = oui).",
             "schema": {"fields": [
                 _champ("indicateur", "string", "Indicateur", "Voir definitions.csv", required=True, enum=indicateurs),
                 _champ("periode", "string", "Période", "Voir periodes.csv", required=True, enum=periodes or [""]),
                 _champ("ventilation", "string", "Ventilation", "qpv, niveau, ou ensemble (le territoire seul)", required=True,
                        enum=["qpv", "niveau", ENSEMBLE]),
                 _champ("groupe", "string", "Groupe", "Code du QPV ou du niveau, ou ensemble", required=True, enum=groupes),
                 _champ("groupe_libelle", "string", "Libellé du groupe", "Nom du QPV ou du niveau"),
                 _champ("modalite", "string", "Modalité", "Réponse ou situation comptée, ou ensemble (le dénominateur)", required=True),
                 _champ("modalite_libelle", "string", "Libellé de la modalité", "En français"),
                 _champ("familles", "integer", "Familles", "Nombre de familles ; vide si secret", minimum=0),
                 _champ("part", "number", "Part (%)", "Familles de la modalité pour 100 familles du groupe", minimum=0, maximum=100),
                 _champ("cout_familles_euros", "number", "Coût pour les familles (€)", "Loyers payés, conventions de location", minimum=0),
                 _champ("aide_pre_euros", "number", "Aide du PRE (€)", "Aide versée par le PRE, conventions de location", minimum=0),
                 _champ("secret", "string", "Secret statistique", "oui si la case est masquée", required=True, enum=["oui", "non"])],
                 "primaryKey": ["indicateur", "periode", "ventilation", "groupe", "modalite"],
                 "foreignKeys": [{"fields": ["indicateur"], "reference": {"resource": "definitions", "fields": ["id"]}},
                                 {"fields": ["periode"], "reference": {"resource": "periodes", "fields": ["code"]}}]}},
            {"name": "seances", "path": "seances.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "Séances d'ateliers et de formations",
             "description": "Séances tenues et participations (personnes), cumulées ; participations vides si secret.",
             "schema": {"fields": [
                 _champ("periode", "string", "Période", "Voir periodes.csv", required=True),
                 _champ("type", "string", "Type", "atelier, formation ou ensemble", required=True, enum=["atelier", "formation", ENSEMBLE]),
                 _champ("type_libelle", "string", "Libellé", "En français"),
                 _champ("seances", "integer", "Séances", "Nombre de séances tenues", minimum=0),
                 _champ("participants", "integer", "Participations", "Nombre de participations ; vide si secret", minimum=0),
                 _champ("secret", "string", "Secret statistique", "oui si la case est masquée", required=True, enum=["oui", "non"])],
                 "primaryKey": ["periode", "type"],
                 "foreignKeys": [{"fields": ["periode"], "reference": {"resource": "periodes", "fields": ["code"]}}]}},
            {"name": "evaluations_ateliers", "path": "evaluations_ateliers.csv", "format": "csv", "mediatype": "text/csv",
             "encoding": "utf-8", "title": "Fiches d'évaluation anonymes des ateliers et formations",
             "description": ("Réponses comptées par fiche atelier, toutes ses questions ensemble, sur l'échelle de fréquence "
                             "en trois groupes, cumulées, une fois par année scolaire ; la ligne « ensemble » réunit toutes "
                             "les fiches. Une personne qui répond aux cinq questions d'une fiche donne cinq réponses. Les "
                             "questions de chaque fiche sont sur sa page (content/ateliers/)."),
             "schema": {"fields": [
                 _champ("periode", "string", "Période", "Voir periodes.csv", required=True),
                 _champ("fiche", "string", "Fiche atelier", "Nom de la fiche (content/ateliers/), ou ensemble (toutes les "
                        "fiches)", required=True),
                 _champ("reponse", "string", "Réponse", f"{', '.join(ECHELLE_PUBLIEE)} (l'échelle en trois groupes), ou "
                        "ensemble", required=True, enum=[*ECHELLE_PUBLIEE, ENSEMBLE]),
                 _champ("reponses", "integer", "Réponses", "Nombre de réponses, toutes les questions de la fiche ensemble ; "
                        "vide si secret", minimum=0),
                 _champ("part", "number", "Part (%)", "Pour 100 réponses à la fiche", minimum=0, maximum=100),
                 _champ("secret", "string", "Secret statistique", "oui si la case est masquée", required=True, enum=["oui", "non"])],
                 "primaryKey": ["periode", "fiche", "reponse"],
                 "foreignKeys": [{"fields": ["periode"], "reference": {"resource": "periodes", "fields": ["code"]}}]}},
            *([ressource_stock()] if avec_stock else []),
        ],
    }


def fichiers(resultat: Resultat, definitions: Definitions, controle: Controle, territoire: str,
             stock: list[Appareil] | None = None, fictif: bool = False) -> dict[str, bytes]:
    """Every file of the package, as bytes (same inputs, same bytes); stock.csv when the stock is given."""
    defs = [[i.id, i.plan, i.titre, i.numerateur.get("libelle", ""), i.denominateur.get("libelle", ""), ",".join(i.sources),
             i.unite, " ".join(i.description.split())] for i in definitions.indicateurs]
    pers = [[p.code, p.libelle, p.nature, p.debut.isoformat(), p.fin.isoformat()] for p in resultat.periodes]
    contenus = {
        "definitions.csv": _texte_csv(["id", "plan", "titre", "numerateur", "denominateur", "sources", "unite", "description"], defs),
        "periodes.csv": _texte_csv(["code", "libelle", "nature", "debut", "fin"], pers),
        "indicateurs.csv": _texte_csv(["indicateur", "periode", "ventilation", "groupe", "groupe_libelle", "modalite",
                                       "modalite_libelle", "familles", "part", "cout_familles_euros", "aide_pre_euros", "secret"],
                                      lignes_indicateurs(resultat, controle)),
        "seances.csv": _texte_csv(["periode", "type", "type_libelle", "seances", "participants", "secret"],
                                  lignes_seances(resultat, controle)),
        "evaluations_ateliers.csv": _texte_csv(["periode", "fiche", "reponse", "reponses", "part", "secret"],
                                                lignes_evaluations(resultat, controle)),
    }
    if stock is not None:
        contenus["stock.csv"] = _texte_csv(["type", "type_libelle", "etat", "etat_libelle", "appareils"], lignes_stock(stock))
    descr = descripteur(resultat, definitions, controle, territoire, avec_stock=stock is not None)
    descr["famnum"]["perte_information"] = perte.mesurer(resultat, controle).en_donnees()
    if fictif:  # the site then says so on every page
        descr["famnum"]["donnees_fictives"] = True
    contenus["datapackage.json"] = (json.dumps(descr, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return contenus


def ecrire(dossier: Path, contenus: dict[str, bytes]) -> None:
    dossier.mkdir(parents=True, exist_ok=True)
    for nom, octets in contenus.items():
        (dossier / nom).write_bytes(octets)


def valider_frictionless(dossier: Path) -> list[str]:
    """What `frictionless validate datapackage.json` says in `dossier` (its paths checked as untrusted, as
    the command does), one line per error, after the file it is in (empty = valid); run here, not as that
    command: a second of Python start and imports saved on each publication."""
    from frictionless import FrictionlessException, Package

    try:
        rapport = Package("datapackage.json", basepath=str(dossier)).validate()
    except FrictionlessException as e:
        return [e.error.message]
    return [f"{t.place} : {e.message}" for t in rapport.tasks for e in t.errors] + [e.message for e in rapport.errors]
