"""The store of family dossiers: one age file per family, canonical JSON inside, one commit per change.

A dossier is `{"id", "version", "fiche", "journal"}` (see data/schemas/famille.schema.json).
Plain text exists only in this process's memory (and its worker processes'): it is decrypted from
disk, validated, and forgotten; nothing here writes it anywhere but into a ciphertext.
"""
from __future__ import annotations

import json
import secrets
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from . import depot, ecriture, vault
from .erreurs import ErreurRapport, FamnumError, Rapport
from .referentiels import Referentiels
from .schemas import SchemaFamille
from .workspace import SUFFIXE_DOSSIER, Territoire

if TYPE_CHECKING:
    from .lecture import Lecture

ALPHABET_ID = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O, 0, 1: read aloud on the phone without doubt


class ErreurValidation(ErreurRapport):
    """Raised when dossiers to be saved do not validate; carries the whole report."""

    nature = "dossier.invalide"


def nouvel_identifiant(existants: set[str], hasard=None) -> str:
    """A short random id (F-7K2Q9), never derived from a name."""
    hasard = hasard or secrets.SystemRandom()
    while True:
        identifiant = "F-" + "".join(hasard.choice(ALPHABET_ID) for _ in range(5))
        if identifiant not in existants:
            return identifiant


def canonique(dossier: dict) -> bytes:
    """The bytes inside a ciphertext: sorted keys, UTF-8, no spaces; same dossier, same bytes."""
    return json.dumps(dossier, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def identifiant_du_fichier(chemin: Path) -> str:
    return chemin.name[: -len(SUFFIXE_DOSSIER)]


class Coffre:
    """The territory's encrypted dossiers, opened with the steward's identity."""

    def __init__(self, territoire: Territoire, identites=None, verifier_acces: bool = True):
        self.territoire = territoire
        self.erreur_destinataires: FamnumError | None = None
        try:
            self.identites = identites if identites is not None else vault.charger_identites()
            try:
                self._destinataires = vault.lire_destinataires(territoire.destinataires)
            except FamnumError as e:  # reading needs only my key: a broken list stops writing, not reading
                self.erreur_destinataires, self._destinataires = e, None
            if verifier_acces and self._destinataires is not None:
                vault.verifier_acces(self._destinataires, self.identites)
        except FamnumError as e:
            if territoire.cle_de_demo is None or type(e) is not FamnumError:
                raise
            raise FamnumError(f"{e.message}\nC'est le territoire de démonstration : sa clé (fictive) est {territoire.cle_de_demo}.", code="cles.demo_sans_cle",
                              correction=f"tapez « export FAMNUM_IDENTITE_FICHIER={territoire.cle_de_demo} », puis "
                              "relancez la commande.") from None
        self._schema: SchemaFamille | None = None
        self._referentiels: Referentiels | None = None

    @classmethod
    def ouvrir(cls, racine: Path | None = None) -> Coffre:
        return cls(Territoire.trouver(racine))

    @property
    def destinataires(self) -> list[vault.Destinataire]:
        """The holders every file is encrypted to; an unreadable destinataires.txt refuses here, so that
        nothing is encrypted to a wrong list, while dossiers can still be read and checked."""
        if self._destinataires is None:
            raise self.erreur_destinataires
        return self._destinataires

    @destinataires.setter
    def destinataires(self, valeur: list[vault.Destinataire]) -> None:
        self._destinataires, self.erreur_destinataires = valeur, None

    def nombre_destinataires(self) -> int | None:
        return None if self._destinataires is None else len(self._destinataires)

    @property
    def schema(self) -> SchemaFamille:
        if self._schema is None:
            self._schema = SchemaFamille.charger(self.territoire.schema_famille)
        return self._schema

    @property
    def referentiels(self) -> Referentiels:
        if self._referentiels is None:
            self._referentiels = Referentiels.charger(self.territoire)
        return self._referentiels

    # --- reading ---------------------------------------------------------------------------

    def chemins(self) -> list[Path]:
        return sorted(self.territoire.familles.glob("*" + SUFFIXE_DOSSIER))

    def identifiants(self) -> set[str]:
        return {identifiant_du_fichier(c) for c in self.chemins()}

    def lire(self, identifiant: str) -> dict:
        chemin = self.territoire.chemin_dossier(identifiant.strip().upper())
        if not chemin.is_file():
            raise FamnumError(
                f"Aucun dossier « {identifiant} » dans {self.territoire.relatif(self.territoire.familles)}.", code="dossier.inconnu",
                correction="vérifiez l'identifiant avec « famnum familles lister »."
            )
        origine = self.territoire.relatif(chemin)
        try:
            return vault.dechiffrer_objet(chemin.read_bytes(), self.identites, origine)
        except vault.FichierIllisible as e:
            if e.nature == "autre_cle" and self.un_autre_s_ouvre(chemin):
                raise vault.illisible_cle_etrangere(origine) from None
            raise

    def un_autre_s_ouvre(self, chemin: Path) -> bool:
        """Whether my key opens another dossier than `chemin` (one is enough to tell a stranger's file
        from a missing key)."""
        import pyrage

        for autre in [c for c in self.chemins() if c != chemin][:5]:
            if autre.stat().st_size <= vault.TAILLE_MAXIMALE:
                try:
                    pyrage.decrypt(autre.read_bytes(), self.identites)
                    return True
                except (pyrage.DecryptError, OSError):
                    continue
        return False

    def lire_tous(self, valider: bool = True, processus: int | None = None, textes=None,
                  garder: bool = True) -> Lecture:
        """`textes` (fuites.Textes): search them for each dossier's personal values (`lecture.fuites`)."""
        from .lecture import lire_en_parallele

        return lire_en_parallele(self, valider=valider, processus=processus, textes=textes, garder=garder)

    # --- writing ---------------------------------------------------------------------------

    def valider(self, dossiers: list[dict], aujourd_hui: date | None = None) -> Rapport:
        from .validation import valider_dossier

        rapport = Rapport()
        for dossier in dossiers:
            nom = f"{dossier.get('id', '?')}{SUFFIXE_DOSSIER}"
            rapport.ajouter(*valider_dossier(dossier, self.schema, self.referentiels, nom, aujourd_hui))
        return rapport

    def enregistrer(self, dossiers: list[dict], action: str) -> str:
        """Validates every dossier, then encrypts and writes each atomically, then commits once.

        Nothing is written if any dossier is invalid. Returns the commit id.
        """
        if not dossiers:
            raise FamnumError("Aucun dossier à enregistrer.", code="dossier.rien_a_enregistrer")
        return self.enregistrer_avec(dossiers, f"{action} ({compte(len(dossiers), 'dossier')})")

    def enregistrer_avec(self, dossiers: list[dict], message: str, autres: list[tuple[Path, bytes]] = ()) -> str:
        """The dossiers (validated, then encrypted) and other files of the same change (a stock, a
        session), through the one write path: nothing is written if any dossier is invalid."""
        depot.exiger_propre(self.territoire.racine)  # before validating: fail fast over someone's edits
        rapport = self.valider(dossiers)
        if not rapport.valide:
            raise ErreurValidation(rapport)
        recipients = vault.destinataires_age(self.destinataires)
        chiffres = [(self.territoire.chemin_dossier(d["id"]), vault.chiffrer(canonique(d), recipients)) for d in dossiers]
        return ecriture.enregistrer(self.territoire.racine, chiffres + list(autres), message)

    def supprimer(self, identifiants: list[str], action: str,
                  ecritures: list[tuple[Path, bytes]] = ()) -> str:
        """Removes dossiers in one commit; `ecritures` (path, content) are written atomically after
        the clean-tree check and committed with them (an erasure register, for example)."""
        chemins = [self.territoire.chemin_dossier(i) for i in identifiants]
        return ecriture.enregistrer(self.territoire.racine, list(ecritures),
                                    f"{action} ({compte(len(chemins), 'dossier')})", suppressions=chemins)


def compte(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def nouveau_dossier(fiche: dict, existants: set[str], evenements: list[dict] = (), hasard=None) -> dict:
    return {"id": nouvel_identifiant(existants, hasard), "version": 1, "fiche": fiche, "journal": list(evenements)}


def evenement(type_: str, par: str, jour: date | None = None, details: dict | None = None, note: str = "") -> dict:
    e = {"type": type_, "date": (jour or date.today()).isoformat(), "par": par}
    if details:
        e["details"] = details
    if note:
        e["note"] = note
    return e
