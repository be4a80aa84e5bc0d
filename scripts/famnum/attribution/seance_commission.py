"""Everything a commission command needs, read once: the grid, the stock (each device's state read
in the dossiers), every dossier, the keyed pseudonyms, and the proposal computed from them at the
session's date."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dossiers import Coffre
from ..lecture import Lecture
from ..erreurs import FamnumError
from ..pseudonymes import Pseudonymiseur, charger_cle
from .explication import avant, delai_habituel, expliquer, jour_de_seance
from .grille import Grille, charger_grille
from .parc import etat_du_parc
from .proposition import Proposition, proposer
from .stock import Appareil, charger_stock
from ..formats import compte


@dataclass
class Seance:
    coffre: Coffre
    lecture: Lecture
    grille: Grille
    stock: list[Appareil]  # the park as the dossiers make it (parc.etat_du_parc)
    proposition: Proposition
    pseudonyme: Pseudonymiseur


def charger_publics(coffre: Coffre) -> tuple[Grille, list[Appareil]]:
    """The grid and the stock first: a bad grid is refused before any dossier is decrypted."""
    return charger_grille(coffre.territoire, set(coffre.referentiels.qpv)), charger_stock(coffre.territoire)


def ouvrir_seance(coffre: Coffre, jour: date, lecture: Lecture | None = None) -> Seance:
    grille, stock = charger_publics(coffre)
    lecture = lecture or coffre.lire_tous(valider=True)
    if not lecture.rapport.valide:
        invalides = compte(len(lecture.rapport.problemes), "dossier n'est pas valide", "dossiers ne sont pas valides")
        raise FamnumError(f"{invalides} : la proposition serait faussée.", code="seance.dossiers_invalides",
                          correction="lancez « famnum verifier » et corrigez-les d'abord.")
    pseudonyme = Pseudonymiseur(charger_cle(coffre.territoire, coffre.identites))
    stock = etat_du_parc(stock, lecture.dossiers)
    proposition = proposer(lecture.dossiers, grille, coffre.referentiels, stock, pseudonyme, jour)
    return Seance(coffre, lecture, grille, stock, proposition, pseudonyme)


def seuil_du_secret(coffre: Coffre) -> int:
    """The territory's statistical-secret threshold (data/indicateurs.yaml), the same as the evaluation's."""
    from ..evaluation.definitions import charger

    return charger(coffre.territoire.racine).seuil


def explication_pour(coffre: Coffre, identifiant: str, jour_demande: date) -> str:
    """`famnum expliquer`: the text telling one family how its request was examined (CRPA L311-3-1), the
    proposal recomputed from the dossiers (and so the park) as they were on its session's day."""
    dossier = coffre.lire(identifiant)
    grille, stock = charger_publics(coffre)
    jour = jour_de_seance(dossier, jour_demande)
    lecture = coffre.lire_tous(valider=True)
    pseudonyme = Pseudonymiseur(charger_cle(coffre.territoire, coffre.identites))
    jusque_la = avant(lecture.dossiers, jour)
    proposition = proposer(jusque_la, grille, coffre.referentiels, etat_du_parc(stock, jusque_la), pseudonyme, jour)
    delai = delai_habituel(lecture.dossiers.values(), seuil_du_secret(coffre))
    return expliquer(identifiant, dossier, proposition, coffre.referentiels, delai, coffre.schema)
