"""Grouping imported rows into families, with each other and with the existing dossiers.

Two rows are one family when they share a guardian's phone or e-mail (normalised), or name the same
child. The same child is the same folded names (accents, case, hyphens, doubled letters, in either
order) and the same birth date; a child without a birth date is the same as a child of the same
names in the same family, or at the same school when only one such child is known.
Never merged: homonyms with different birth dates, twins (same date, different first names),
families that share only a surname or a school, and two existing dossiers (a link between them is
reported for a person to check). A phone or e-mail given for children of many different surnames
is a structure's, not a family's: it links nobody.
"""
from __future__ import annotations

import copy
import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date

from ..dossiers import evenement, nouvel_identifiant
from ..erreurs import FamnumError
from ..validation import seulement_recensee
from .import_tableur import SOURCES, Analyse, Ligne
from .tableur import cle_texte

NOMS_PAR_CONTACT = 3
_H_MUET = re.compile(r"(?<![cs])h")
_DOUBLES = re.compile(r"(.)\1+")  # a contact shared by more surnames than this is a structure's number


@lru_cache(maxsize=1 << 16)
def cle_nom(texte: str) -> str:
    """« Marie-Lou » = « marie lou » = « MARIELOU » ; « Mohammed » = « Mohamed » ; « Yanis » = « Ianis »."""
    cle = cle_texte(texte).replace(" ", "").replace("ph", "f").replace("y", "i")
    return _DOUBLES.sub(r"\1", _H_MUET.sub("", cle))


def identite(enfant: dict) -> tuple | None:
    """The child's identity key: both names (in either order) and the birth date."""
    if not enfant.get("date_naissance"):
        return None
    return tuple(sorted((cle_nom(enfant.get("nom", "")), cle_nom(enfant.get("prenom", ""))))) + (enfant["date_naissance"],)


def meme_enfant(a: dict, b: dict) -> bool:
    """Same names (folded, either order) and compatible birth dates (equal, or one missing)."""
    noms_a = sorted((cle_nom(a.get("nom", "")), cle_nom(a.get("prenom", ""))))
    noms_b = sorted((cle_nom(b.get("nom", "")), cle_nom(b.get("prenom", ""))))
    dates = {a.get("date_naissance"), b.get("date_naissance")} - {None, ""}
    return noms_a == noms_b and len(dates) <= 1


def contacts_de(dossier: dict) -> set[str]:
    fiche = dossier.get("fiche", {})
    personnes = [fiche.get("contact_recensement", {}), *fiche.get("representants_legaux", [])]
    return {cle for p in personnes for cle in _cles_contact(p)}


def _cles_contact(contact: dict) -> set[str]:
    cles = {f"tel:{contact[c]}" for c in ("telephone", "telephone_2") if contact.get(c)}
    return cles | ({f"mail:{contact['courriel'].strip().lower()}"} if contact.get("courriel") else set())


@dataclass
class Lien:
    """Why a row joined a family: for the report."""

    numero: int
    identifiant: str
    raison: str
    existant: bool   # joined a dossier that existed before this import (another file)


@dataclass
class Plan:
    """What saving would do: new dossiers, completed ones, the rows already imported, the links made."""

    nouveaux: list[dict] = field(default_factory=list)
    completes: list[dict] = field(default_factory=list)
    inchanges: set[str] = field(default_factory=set)
    liens: list[Lien] = field(default_factory=list)
    refus: list[tuple[int, str]] = field(default_factory=list)
    alertes: list[str] = field(default_factory=list)
    lignes_par_dossier: dict[str, list[int]] = field(default_factory=dict)

    @property
    def a_enregistrer(self) -> list[dict]:
        return self.nouveaux + self.completes


class _Ensembles:
    """Union-find over row numbers (int) and existing dossier ids (str)."""

    def __init__(self):
        self.parent: dict = {}

    def trouver(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def unir(self, a, b) -> None:
        self.parent[self.trouver(a)] = self.trouver(b)


class Regroupement:
    """Links the rows of one analysis with each other and with the existing dossiers."""

    def __init__(self, analyse: Analyse, dossiers: dict[str, dict]):
        self.analyse, self.dossiers = analyse, dossiers
        self.ensembles = _Ensembles()
        self.raisons: dict[int, tuple[str, str]] = {}   # row → (dossier or row it was linked to, why)
        self.alertes: list[str] = []

    def grouper(self) -> dict:
        """Component root → rows (in file order) and existing dossiers."""
        self._par_identite()
        self._par_contact()
        self._sans_date()
        groupes: dict = {}
        for ligne in self.analyse.lignes:
            groupes.setdefault(self.ensembles.trouver(ligne.numero), {"lignes": [], "dossiers": set()})["lignes"].append(ligne)
        for identifiant in self.dossiers:
            racine = self.ensembles.trouver(identifiant)
            if racine in groupes:
                groupes[racine]["dossiers"].add(identifiant)
        return groupes

    def _relier(self, numero: int, autre, raison: str) -> None:
        if self.ensembles.trouver(numero) != self.ensembles.trouver(autre):
            self.raisons.setdefault(numero, (autre, raison))
            self.ensembles.unir(numero, autre)

    def _par_identite(self) -> None:
        index: dict[tuple, object] = {}
        for identifiant, dossier in self.dossiers.items():
            for enfant in dossier["fiche"].get("enfants", []):
                if identite(enfant):
                    index.setdefault(identite(enfant), identifiant)
        for ligne in self.analyse.lignes:
            cle = identite(ligne.enfant)
            if cle is None:
                continue
            if cle in index:
                self._relier(ligne.numero, index[cle], "même enfant (nom, prénom et date de naissance)")
            else:
                index[cle] = ligne.numero

    def _par_contact(self) -> None:
        porteurs: dict[str, list] = {}   # contact key → rows and dossiers that give it
        noms: dict[str, set[str]] = {}
        for identifiant, dossier in self.dossiers.items():
            for cle in contacts_de(dossier):
                porteurs.setdefault(cle, []).append(identifiant)
                noms.setdefault(cle, set()).update(cle_nom(e.get("nom", "")) for e in dossier["fiche"].get("enfants", []))
        for ligne in self.analyse.lignes:
            for cle in _cles_contact(ligne.contact):
                porteurs.setdefault(cle, []).append(ligne.numero)
                noms.setdefault(cle, set()).add(cle_nom(ligne.enfant["nom"]))
        for cle, qui in porteurs.items():
            if len(noms[cle]) > NOMS_PAR_CONTACT:
                lignes = [q for q in qui if isinstance(q, int)]
                if lignes:
                    self.alertes.append(f"le même {'téléphone' if cle.startswith('tel:') else 'e-mail'} est donné pour des enfants "
                                        f"de {len(noms[cle])} noms différents (lignes {', '.join(map(str, lignes[:8]))}"
                                        f"{'…' if len(lignes) > 8 else ''}) : c'est sans doute celui d'une structure, aucune famille "
                                        "n'est regroupée sur lui")
                continue
            raison = "même téléphone du responsable" if cle.startswith("tel:") else "même adresse e-mail du responsable"
            premier = qui[0]
            for autre in qui[1:]:
                if isinstance(autre, int):
                    self._relier(autre, premier, raison)
                elif isinstance(premier, int):
                    self._relier(premier, autre, raison)
                # two existing dossiers sharing a contact are never merged by an import

    def _sans_date(self) -> None:
        """A child without a birth date is the child of the same names at the same school when that
        names one child: one known birth date, or none known (a dossier first, else a row)."""
        connus: dict[tuple, list] = {}
        for identifiant, dossier in self.dossiers.items():
            for enfant in dossier["fiche"].get("enfants", []):
                connus.setdefault(_cle_ecole(enfant), []).append((identifiant, enfant.get("date_naissance", "")))
        for ligne in self.analyse.lignes:
            connus.setdefault(_cle_ecole(ligne.enfant), []).append((ligne.numero, ligne.enfant.get("date_naissance", "")))
        for ligne in self.analyse.lignes:
            if not ligne.enfant.get("etablissement"):
                continue
            date_ligne = ligne.enfant.get("date_naissance", "")
            autres = [(q, d) for q, d in connus[_cle_ecole(ligne.enfant)] if q != ligne.numero]
            dates = {d for _, d in autres if d} | ({date_ligne} if date_ligne else set())
            sans_date = [q for q, d in autres if not d]
            if len(dates) > 1 or not autres or (date_ligne and not sans_date):
                continue  # two children of these names at this school, or nothing to complete
            cible = (next((q for q in sans_date if isinstance(q, str)), sans_date[0]) if date_ligne else
                     next((q for q, d in autres if d), None) or next((q for q, _ in autres if isinstance(q, str)), autres[0][0]))
            self._relier(ligne.numero, cible, "même enfant (nom, prénom et établissement ; date de naissance manquante d'un côté)")


def _cle_ecole(enfant: dict) -> tuple:
    return tuple(sorted((cle_nom(enfant.get("nom", "")), cle_nom(enfant.get("prenom", ""))))) + (enfant.get("etablissement", ""),)


# --- building the dossiers --------------------------------------------------------------------------

def planifier(analyse: Analyse, dossiers: dict[str, dict], type_source: str, par: str, jour: date,
              qpv_par_defaut: str = "") -> Plan:
    """Creates or completes dossiers in memory; the same rows applied twice change nothing."""
    if type_source not in SOURCES:
        raise FamnumError(f"Type de source « {type_source} » inconnu. Choisissez parmi : {', '.join(SOURCES)}.", code="import.type_de_source")
    regroupement = Regroupement(analyse, dossiers)
    plan = Plan(alertes=regroupement.alertes)
    identifiants = set(dossiers)
    avant: dict[str, dict] = {}
    for groupe in regroupement.grouper().values():
        for identifiant, lignes in _repartir(groupe, plan, dossiers, regroupement.raisons).items():
            if identifiant is None:
                dossier = _nouveau(lignes, identifiants, qpv_par_defaut, plan)
                if dossier is None:
                    continue
            else:
                dossier = avant.setdefault(identifiant, copy.deepcopy(dossiers[identifiant]))
            for ligne in lignes:
                _completer(dossier, ligne, plan)
            _recensement(dossier, type_source, par, jour)
            plan.lignes_par_dossier.setdefault(dossier["id"], []).extend(l.numero for l in lignes)
            if identifiant is None:
                plan.nouveaux.append(dossier)
    _liens(regroupement, plan, set(dossiers))
    for identifiant, dossier in avant.items():
        (plan.completes.append(dossier) if dossier != dossiers[identifiant] else plan.inchanges.add(identifiant))
    return plan


def _repartir(groupe: dict, plan: Plan, dossiers: dict[str, dict], raisons: dict) -> dict[str | None, list[Ligne]]:
    """The rows of one family → the dossier they complete (None: a new one). Two existing dossiers
    linked by the rows are never merged: each row goes to the dossier of its own child or link."""
    existants = sorted(groupe["dossiers"])
    if len(existants) <= 1:
        return {existants[0] if existants else None: groupe["lignes"]}
    plan.alertes.append(f"les dossiers {', '.join(existants)} sont reliés par les lignes "
                        f"{', '.join(str(l.numero) for l in groupe['lignes'])} (même enfant ou même contact) : "
                        "ils ne sont pas fusionnés, vérifiez s'il s'agit d'une seule famille")
    repartition: dict[str | None, list[Ligne]] = {}
    for ligne in groupe["lignes"]:
        cible = next((i for i in existants if any(meme_enfant(e, ligne.enfant) for e in dossiers[i]["fiche"]["enfants"])), None)
        if cible is None:
            autre = raisons.get(ligne.numero, (None, ""))[0]
            cible = autre if autre in existants else existants[0]
        repartition.setdefault(cible, []).append(ligne)
    return repartition


def _nouveau(lignes: list[Ligne], identifiants: set[str], qpv_par_defaut: str, plan: Plan) -> dict | None:
    qpv = next((l.qpv for l in lignes if l.qpv), "") or qpv_par_defaut
    if not qpv:
        for l in lignes:
            plan.refus.append((l.numero, "ni établissement ni quartier lisible : impossible de rattacher la famille à un QPV "
                                         "(indiquez l'école ou le quartier dans le tableur ; si toute la liste vient d'un seul quartier, relancez avec « --quartier CODE », un code de data/referentiels/qpv.csv, gardé pour cette source)"))
        return None
    identifiant = nouvel_identifiant(identifiants)
    identifiants.add(identifiant)
    return {"id": identifiant, "version": 1, "fiche": {"enfants": [], "qpv": qpv}, "journal": []}


def _completer(dossier: dict, ligne: Ligne, plan: Plan) -> None:
    """Adds what the row knows and the dossier does not; never overwrites what a référent wrote."""
    fiche = dossier["fiche"]
    meme = next((e for e in fiche["enfants"] if meme_enfant(e, ligne.enfant)), None)
    if meme is not None:
        for cle, valeur in ligne.enfant.items():
            meme.setdefault(cle, valeur)
    elif ligne.enfant.get("date_naissance") or seulement_recensee(dossier) or not dossier["journal"]:
        fiche["enfants"].append(dict(ligne.enfant))
    else:
        plan.refus.append((ligne.numero, f"enfant sans date de naissance, non ajouté au dossier {dossier['id']} déjà "
                                         "diagnostiqué : ajoutez-le avec « famnum famille modifier » et sa date de naissance"))
        return
    if seulement_recensee(dossier) or not dossier["journal"]:
        _contact(fiche, ligne)


def _contact(fiche: dict, ligne: Ligne) -> None:
    contact = fiche.setdefault("contact_recensement", {})
    for cle, valeur in ligne.contact.items():
        if cle in ("telephone", "telephone_2"):
            if valeur not in (contact.get("telephone"), contact.get("telephone_2")):
                contact.setdefault("telephone" if "telephone" not in contact else "telephone_2", valeur)
        elif cle != "lien" or "responsable" not in contact or contact.get("responsable") == ligne.contact.get("responsable"):
            contact.setdefault(cle, valeur)
    if not contact:
        del fiche["contact_recensement"]
    if ligne.besoin_declare is not None:
        fiche.setdefault("besoin_declare", ligne.besoin_declare)
    if ligne.accepte_formation:
        fiche.setdefault("accepte_formation", ligne.accepte_formation)


def _recensement(dossier: dict, type_source: str, par: str, jour: date) -> None:
    deja = any(e.get("type") == "recensement" and e.get("details", {}).get("source") == type_source
               for e in dossier["journal"])
    if not deja:
        dossier["journal"].append(evenement("recensement", par, jour, {"source": type_source}))


def _liens(regroupement: Regroupement, plan: Plan, existants: set[str]) -> None:
    """One explained line per row that joined a family through another row or an earlier file."""
    dossier_de = {n: i for i, ns in plan.lignes_par_dossier.items() for n in ns}
    for numero, (autre, raison) in sorted(regroupement.raisons.items()):
        if numero not in dossier_de:
            continue
        identifiant = dossier_de[numero]
        existant = isinstance(autre, str)
        plan.liens.append(Lien(numero, identifiant, raison if not existant else f"{raison} qu'un dossier déjà enregistré (autre fichier ou import précédent)",
                               existant and identifiant in existants))
        if not existant:
            plan.liens[-1].raison = f"{raison} que la ligne {autre}"
