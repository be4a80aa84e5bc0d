"""The stock (data/referentiels/materiels.csv): every device with its asset tag, serial and state.

A device is in stock, with one family, or out of service, never two places: the state column
says which, and the tags and serials are unique."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..erreurs import ErreurRapport, FamnumError, Probleme, Rapport
from ..workspace import Territoire

NOM_STOCK = "materiels.csv"
COLONNES = ("inventaire", "type", "source", "modele", "numero_serie", "etat")
TYPES = ("ordinateur_fixe", "ordinateur_portable", "imprimante")
SOURCES = ("dsi", "donateur", "achat")
ETATS = ("en_preparation", "disponible", "pret", "hors_service", "reforme")


class StockInvalide(ErreurRapport):
    entete = "le stock de matériel n'est pas utilisable."


@dataclass(frozen=True)
class Appareil:
    inventaire: str
    type: str
    source: str
    modele: str
    numero_serie: str
    etat: str


def chemin_stock(territoire: Territoire) -> Path:
    return territoire.referentiels / NOM_STOCK


def charger_stock(territoire: Territoire) -> list[Appareil]:
    chemin = chemin_stock(territoire)
    fichier = territoire.relatif(chemin)
    try:
        with chemin.open(encoding="utf-8", newline="") as f:
            lecteur = csv.DictReader(f)
            lignes = list(lecteur)
            colonnes = lecteur.fieldnames or []
    except FileNotFoundError:
        raise FamnumError(f"{fichier} introuvable. À faire : restaurez-le depuis git, ou créez-le avec "
                          f"l'en-tête {','.join(COLONNES)}.") from None
    manquantes = [c for c in COLONNES if c not in colonnes]
    if manquantes:
        raise FamnumError(f"{fichier} : colonnes manquantes : {', '.join(manquantes)}. "
                          f"À faire : l'en-tête doit être {','.join(COLONNES)}.")
    rapport = Rapport()
    appareils = [Appareil(**{c: (ligne.get(c) or "").strip() for c in COLONNES}) for ligne in lignes]
    rapport.ajouter(*problemes_stock(appareils, fichier))
    if not rapport.valide:
        raise StockInvalide(rapport)
    return appareils


def problemes_stock(appareils: list[Appareil], fichier: str) -> list[Probleme]:
    problemes, tags, series = [], set(), set()
    for n, a in enumerate(appareils, 2):
        lieu = f"{fichier}, ligne {n}"
        for champ, permis in (("type", TYPES), ("source", SOURCES), ("etat", ETATS)):
            valeur = getattr(a, champ)
            if valeur not in permis:
                problemes.append(Probleme(lieu, f"valeur non permise « {valeur} »", champ, correction="valeurs permises : " + ", ".join(permis)))
        if not a.inventaire:
            problemes.append(Probleme(lieu, "numéro d'inventaire vide", "inventaire", correction="donnez un numéro unique"))
        elif a.inventaire in tags:
            problemes.append(Probleme(lieu, f"numéro d'inventaire en double « {a.inventaire} »", "inventaire",
                                      correction="un appareil n'a qu'une ligne : corrigez ou retirez le doublon"))
        if a.numero_serie and a.numero_serie in series:
            problemes.append(Probleme(lieu, f"numéro de série en double « {a.numero_serie} »", "numero_serie",
                                      correction="vérifiez l'étiquette de l'appareil"))
        tags.add(a.inventaire)
        series.add(a.numero_serie)
    return problemes
