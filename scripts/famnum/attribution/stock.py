"""The public stock file (data/referentiels/materiels.csv): every device of the park with its asset
tag, type, source, model, serial and park state (in service, being prepared, out of service,
retired), and the date that state was last set.

It never says which device is with a family, nor since when: a delivery or a return changes only the
family's encrypted dossier, and `parc.py` joins the two for the people who hold a key. So no commit
pairs a family id with a device (ARCHITECTURE.md, « L'historique git »)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ..erreurs import ErreurRapport, FamnumError, Probleme, Rapport
from ..workspace import Territoire

NOM_STOCK = "materiels.csv"
COLONNES = ("inventaire", "type", "source", "modele", "numero_serie", "etat")
FACULTATIVES = ("etat_depuis",)  # absent from a file written before it existed: read as empty
TYPES = ("ordinateur_fixe", "ordinateur_portable", "imprimante")
SOURCES = ("dsi", "donateur", "achat")
# What the public file may say: the park, never a loan.
ETATS_PARC = ("en_service", "en_preparation", "hors_service", "reforme")
# What the people who deliver see (parc.py): the park state, with the loans read in the dossiers.
ETATS = ("en_preparation", "disponible", "pret", "hors_service", "reforme")
ANCIENS_ETATS = ("disponible", "pret")  # the file's old form, when it held the loans: `famnum migrer`


class StockInvalide(ErreurRapport):
    entete = "le stock de matériel n'est pas utilisable."
    nature = "stock.invalide"


@dataclass(frozen=True)
class Appareil:
    inventaire: str
    type: str
    source: str
    modele: str
    numero_serie: str
    etat: str
    etat_depuis: str = ""  # ISO date the park state was set ("" if unknown)


def chemin_stock(territoire: Territoire) -> Path:
    return territoire.referentiels / NOM_STOCK


def lire_lignes(territoire: Territoire) -> list[Appareil]:
    """The file as it is, checked for its columns only (the migration reads the old form with it)."""
    chemin = chemin_stock(territoire)
    fichier = territoire.relatif(chemin)
    try:
        with chemin.open(encoding="utf-8", newline="") as f:
            lecteur = csv.DictReader(f)
            lignes = list(lecteur)
            colonnes = lecteur.fieldnames or []
    except FileNotFoundError:
        raise FamnumError(f"{fichier} introuvable.", code="stock.introuvable",
                          correction="restaurez-le depuis git, ou créez-le avec "
                          f"l'en-tête {','.join(COLONNES + FACULTATIVES)}.") from None
    manquantes = [c for c in COLONNES if c not in colonnes]
    if manquantes:
        raise FamnumError(f"{fichier} : colonnes manquantes : {', '.join(manquantes)}.", code="stock.colonnes_manquantes",
                          correction=f"l'en-tête doit être {','.join(COLONNES + FACULTATIVES)}.")
    return [Appareil(**{c: (ligne.get(c) or "").strip() for c in COLONNES + FACULTATIVES}) for ligne in lignes]


def charger_stock(territoire: Territoire) -> list[Appareil]:
    """The public park, checked; refuses the old form (loan states in the file) with the command to run."""
    appareils = lire_lignes(territoire)
    fichier = territoire.relatif(chemin_stock(territoire))
    if ancienne_forme(appareils):
        raise FamnumError(
            f"{fichier} est dans l'ancienne forme : sa colonne etat dit encore « disponible » ou « pret ». "
            "Qui a quel appareil se lit désormais dans les dossiers chiffrés, plus dans ce fichier public.", code="stock.ancienne_forme",
            correction="lancez « famnum migrer » (il remplace ces deux états par « en_service », en un commit), "
            "puis relancez cette commande.")
    rapport = Rapport()
    rapport.ajouter(*problemes_stock(appareils, fichier))
    if not rapport.valide:
        raise StockInvalide(rapport)
    return appareils


def ancienne_forme(appareils: list[Appareil]) -> bool:
    return any(a.etat in ANCIENS_ETATS for a in appareils)


def nouvelle_forme(appareils: list[Appareil]) -> list[Appareil]:
    """The old form's loan states replaced by « en_service »: the dossiers say who holds what."""
    return [replace(a, etat="en_service") if a.etat in ANCIENS_ETATS else a for a in appareils]


def problemes_stock(appareils: list[Appareil], fichier: str) -> list[Probleme]:
    problemes, tags, series = [], set(), set()
    for n, a in enumerate(appareils, 2):
        lieu = f"{fichier}, ligne {n}"
        for champ, permis in (("type", TYPES), ("source", SOURCES), ("etat", ETATS_PARC)):
            valeur = getattr(a, champ)
            if valeur not in permis:
                problemes.append(Probleme(lieu, f"valeur non permise « {valeur} »", champ, correction="valeurs permises : " + ", ".join(permis), code="stock.valeur_non_permise"))
        if a.etat_depuis and not date_iso(a.etat_depuis):
            problemes.append(Probleme(lieu, f"date illisible « {a.etat_depuis} »", "etat_depuis",
                                      correction="écrivez la date où l'état a été fixé en aaaa-mm-jj (2026-03-12), ou laissez vide", code="stock.date_illisible"))
        if not a.inventaire:
            problemes.append(Probleme(lieu, "numéro d'inventaire vide", "inventaire", correction="donnez un numéro unique", code="stock.inventaire_vide"))
        elif a.inventaire in tags:
            problemes.append(Probleme(lieu, f"numéro d'inventaire en double « {a.inventaire} »", "inventaire",
                                      correction="un appareil n'a qu'une ligne : corrigez ou retirez le doublon", code="stock.inventaire_en_double"))
        if a.numero_serie and a.numero_serie in series:
            problemes.append(Probleme(lieu, f"numéro de série en double « {a.numero_serie} »", "numero_serie",
                                      correction="vérifiez l'étiquette de l'appareil", code="stock.serie_en_double"))
        tags.add(a.inventaire)
        series.add(a.numero_serie)
    return problemes


def inventaire_inconnu(inventaire: str) -> FamnumError:
    """The one refusal of a number that no line of the stock has (delivering a device, changing its state)."""
    return FamnumError(f"Numéro d'inventaire inconnu « {inventaire} » dans data/referentiels/materiels.csv.",
                       code="stock.inventaire_inconnu",
                       correction="recopiez le numéro collé sur l'appareil, ou ajoutez sa ligne au fichier.")


def date_iso(texte: str) -> date | None:
    try:
        return date.fromisoformat(texte)
    except ValueError:
        return None


def texte_stock(stock: list[Appareil]) -> bytes:
    """The public file's text: park states only (a derived state is never written)."""
    if any(a.etat not in ETATS_PARC for a in stock):
        raise ValueError("a loan state in the public stock file would link a device to a family")
    sortie = io.StringIO()
    ecrivain = csv.writer(sortie, lineterminator="\n")
    ecrivain.writerow(COLONNES + FACULTATIVES)
    ecrivain.writerows([getattr(a, c) for c in COLONNES + FACULTATIVES] for a in stock)
    return sortie.getvalue().encode("utf-8")
