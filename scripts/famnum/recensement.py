"""The census: dossiers → pseudonymised tables (families, children, demands) validated as a
frictionless data package against data/datapackage.yaml, and the per-school / per-QPV counts laid
out like the table of the 2020 application (with the 2020 forecast beside them)."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .dossiers import Coffre
from .statuts import statut
from .erreurs import ErreurRapport, Probleme, Rapport
from .formats import age_au, compte
from .lecture import CORRIGER_LES_DOSSIERS
from .controle_tables import valider_tables
from .pseudonymes import Pseudonymiseur, charger_cle
from .referentiels import Referentiels
from .workspace import Territoire

TABLES_DERIVEES = ("familles", "enfants", "demandes")
MATERIELS = ("ordinateur_fixe", "ordinateur_portable", "imprimante", "connexion_internet")


class RecensementRefuse(ErreurRapport):
    """Dossiers, or the tables drawn from them, that fail their checks: no table is printed nor written."""

    code_sortie = 1
    entete = "le recensement n'est pas fait : des dossiers, ou les tables qui en sont tirées, ne passent pas les contrôles."
    nature = "recensement.refuse"
    conseil = CORRIGER_LES_DOSSIERS


class TablesRefusees(ErreurRapport):
    """The pseudonymised tables written by --csv, refused by frictionless."""

    code_sortie = 1
    entete = "les tables pseudonymisées ont été écrites, mais frictionless les refuse."
    nature = "recensement.tables_refusees"
    conseil = ("vérifiez data/datapackage.yaml (famnum migrer remet celui du modèle) ; s'il n'a pas changé, signalez "
               "ces lignes à l'équipe famnum.")


@dataclass
class Recensement:
    tables: dict[str, list[dict]]
    referentiels: Referentiels
    rapport: Rapport = field(default_factory=Rapport)
    descripteur: dict = field(default_factory=dict)


def tables_depuis_dossiers(dossiers, pseudo: Pseudonymiseur, referentiels: Referentiels,
                           jour: date) -> dict[str, list[dict]]:
    familles, enfants, demandes = [], [], []
    for identifiant in sorted(dossiers):
        dossier = dossiers[identifiant]
        fiche = dossier["fiche"]
        p = pseudo(identifiant)
        premier = fiche["enfants"][0]
        ecole = premier.get("etablissement", "")
        familles.append({
            "famille": p,
            "qpv": fiche["qpv"],
            "etablissement": ecole,
            "niveau": referentiels.etablissements.get(ecole, {}).get("niveau", ""),
            **colonnes_du_diagnostic(fiche),
            "statut": statut(dossier),
        })
        for rang, enfant in enumerate(fiche["enfants"], 1):
            naissance = enfant.get("date_naissance")  # may be missing while the family is only counted
            enfants.append({"famille": p, "rang": rang, "age": age_au(naissance, jour) if naissance else None,
                            "etablissement": enfant.get("etablissement", ""), "classe": enfant.get("classe", "")})
        demandes += [{"famille": p, "materiel": m} for m in MATERIELS if fiche.get("demande", {}).get(m)]
    return {"familles": familles, "enfants": enfants, "demandes": demandes}


def colonnes_du_diagnostic(fiche: dict) -> dict:
    """The household's columns; empty (None) for a family only counted from a census list, whose
    fiche has no diagnostic parts yet."""
    foyer, capacites = fiche.get("foyer", {}), fiche.get("capacites", {})
    equipements = fiche.get("equipements")
    en_etat = {"ordinateurs_en_etat": None, "imprimante_en_etat": None, "internet": None}
    if equipements:
        ordinateurs, imprimantes = equipements["ordinateurs"], equipements["imprimantes"]
        en_etat = {
            "ordinateurs_en_etat": ordinateurs["nombre"] if ordinateurs.get("fonctionnement", "oui") != "non" else 0,
            "imprimante_en_etat": imprimantes["nombre"] > 0 and imprimantes.get("fonctionnement") == "oui",
            "internet": equipements["internet"]["abonnement"],
        }
    return {
        "nb_adultes": foyer.get("nb_adultes"),
        "nb_enfants": foyer.get("nb_enfants"),
        "besoin_declare": fiche.get("besoin_declare"),
        **en_etat,
        "capacite_location": capacites.get("location"),
        "capacite_installation": capacites.get("installation"),
        "capacite_utilisation": capacites.get("utilisation"),
        "accepte_formation": capacites.get("formation") or fiche.get("accepte_formation"),
    }


def descripteur_paquet(territoire: Territoire) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(territoire.datapackage.read_text(encoding="utf-8"))


def valider_paquet(descripteur: dict, tables: dict[str, list[dict]], base: Path) -> list[Probleme]:
    """Validates the derived tables (inline) with the reference CSVs, foreign keys included, with
    frictionless itself (slow: used on what is written to disk, and to check paquet.valider_tables)."""
    from frictionless import Package, system

    ressources = []
    for ressource in descripteur["resources"]:
        ressource = dict(ressource)
        if ressource["name"] in tables:
            champs = [c["name"] for c in ressource["schema"]["fields"]]
            ressource.pop("path", None)
            ressource["data"] = [champs] + [[ligne[c] if ligne[c] != "" else None for c in champs]
                                            for ligne in tables[ressource["name"]]]
        ressources.append(ressource)
    with system.use_context(trusted=True):
        paquet = Package({**descripteur, "resources": ressources}, basepath=str(base))
        rapport = paquet.validate()
    problemes = []
    for tache in rapport.tasks:
        for erreur in tache.errors:
            ligne = getattr(erreur, "row_number", None)
            champ = getattr(erreur, "field_name", "") or ""
            problemes.append(Probleme(f"table {tache.name}" + (f", ligne {ligne}" if ligne else ""),
                                      erreur.message, champ, correction="corrigez le dossier ou le référentiel en cause", code=f"tables.{erreur.type}"))
    return problemes


def construire(coffre: Coffre, lecture=None, jour: date | None = None) -> Recensement:
    lecture = lecture or coffre.lire_tous(valider=True)
    jour = jour or date.today()
    referentiels = coffre.referentiels
    recensement = Recensement(tables={}, referentiels=referentiels)
    recensement.rapport.fusionner(lecture.rapport)
    if not lecture.rapport.valide:
        return recensement
    pseudo = Pseudonymiseur(charger_cle(coffre.territoire, coffre.identites))
    recensement.tables = tables_depuis_dossiers(lecture.dossiers, pseudo, referentiels, jour)
    recensement.descripteur = descripteur_paquet(coffre.territoire)
    references = {"qpv": set(referentiels.qpv), "etablissements": set(referentiels.etablissements)}
    recensement.rapport.ajouter(*valider_tables(recensement.descripteur, recensement.tables, references))
    return recensement


# --- the table, as in the 2020 application --------------------------------------------------

def comptes(recensement: Recensement) -> tuple[Counter, Counter]:
    par_ecole = Counter(f["etablissement"] for f in recensement.tables["familles"])
    par_qpv = Counter(f["qpv"] for f in recensement.tables["familles"])
    return par_ecole, par_qpv


def texte_tableaux(recensement: Recensement) -> str:
    ref = recensement.referentiels
    par_ecole, par_qpv = comptes(recensement)
    total = sum(par_ecole.values())
    # the 2020 forecast column is Le Mans's own (the demo's); a new territory's schools have none
    avec_prevision = any(e["prevision_2020"] or e["etat_recensement_2020"] for e in ref.etablissements.values())
    prevision = (lambda texte: f" {texte:>10}") if avec_prevision else (lambda texte: "")
    lignes = ["Familles recensées par établissement (premier enfant), regroupées par QPV de l'établissement",
              f"{'Quartier prioritaire':<32} {'Établissement scolaire':<42} {'Familles':>8}{prevision('Prévu 2020')}",
              "-" * (95 if avec_prevision else 84)]
    for code_qpv, qpv in ref.qpv.items():
        ecoles = [e for e in ref.etablissements.values() if e["qpv"] == code_qpv]
        for i, ecole in enumerate(ecoles):
            prevu = ecole["prevision_2020"] or ("en cours" if ecole["etat_recensement_2020"] == "en_cours" else "")
            if ecole["etat_recensement_2020"] == "incomplet":
                prevu = f"{prevu}*"
            lignes.append(f"{qpv['nom'] if i == 0 else '':<32} {ecole['nom']:<42} {par_ecole.get(ecole['code'], 0):>8}"
                          f"{prevision(prevu)}")
    inconnus = par_ecole.get("", 0)
    prevu_total = sum(int(e["prevision_2020"] or 0) for e in ref.etablissements.values())
    lignes += ["-" * (95 if avec_prevision else 84),
               f"{'':<32} {'Établissement non renseigné':<42} {inconnus:>8}{prevision('')}",
               f"{'':<32} {'Total':<42} {total:>8}{prevision(prevu_total)}"]
    if any(e["etat_recensement_2020"] == "incomplet" for e in ref.etablissements.values()):
        lignes.append("* recensement encore incomplet au 12/05/2020.")
    lignes += ["",
               "Familles recensées par QPV de résidence",
               f"{'Quartier prioritaire':<42} {'Familles':>8}",
               "-" * 51]
    for code_qpv, qpv in ref.qpv.items():
        lignes.append(f"{qpv['nom']:<42} {par_qpv.get(code_qpv, 0):>8}")
    lignes += ["-" * 51, f"{'Total':<42} {sum(par_qpv.values()):>8}"]
    if inconnus:
        lignes.append(f"\nÉcart : {compte(inconnus, 'famille sans établissement connu compte', 'familles sans établissement connu comptent')} dans le total "
                      "mais dans aucune ligne d'établissement.")
    return "\n".join(lignes)


def ecrire_csv(recensement: Recensement, dossier: Path) -> list[Probleme]:
    """Writes the pseudonymised derived tables and their datapackage.json (never the dossiers),
    then validates what was written with frictionless; returns its problems."""
    import csv

    dossier.mkdir(parents=True, exist_ok=True)
    ressources = []
    for ressource in recensement.descripteur["resources"]:
        if ressource["name"] not in TABLES_DERIVEES:
            continue
        champs = [c["name"] for c in ressource["schema"]["fields"]]
        with (dossier / ressource["path"]).open("w", encoding="utf-8", newline="") as f:
            ecrivain = csv.DictWriter(f, fieldnames=champs)
            ecrivain.writeheader()
            for ligne in recensement.tables[ressource["name"]]:
                ecrivain.writerow({c: (str(ligne[c]).lower() if isinstance(ligne[c], bool) else ligne[c]) for c in champs})
        schema = dict(ressource["schema"])
        schema["foreignKeys"] = [fk for fk in schema.get("foreignKeys", []) if fk["reference"]["resource"] in TABLES_DERIVEES]
        ressources.append({**ressource, "schema": schema})
    descripteur = {k: v for k, v in recensement.descripteur.items() if k != "resources"}
    descripteur["resources"] = ressources
    (dossier / "datapackage.json").write_text(json.dumps(descripteur, ensure_ascii=False, indent=2), encoding="utf-8")
    return valider_paquet_ecrit(dossier / "datapackage.json")


def valider_paquet_ecrit(chemin: Path) -> list[Probleme]:
    from frictionless import Package, system

    with system.use_context(trusted=True):
        rapport = Package(str(chemin)).validate()
    return [Probleme(f"{chemin.parent.name}/{t.name}.csv, ligne {getattr(e, 'row_number', '?')}", e.message, code=f"tables.{e.type}")
            for t in rapport.tasks for e in t.errors]
