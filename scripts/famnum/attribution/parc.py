"""The device park as the people who deliver see it: the public stock file (which devices exist, in
service or not) joined with the loans read in the decrypted dossiers (who holds what, what came back
broken). Every command that asks « is this device free? » asks here.

State of one device, first rule that applies:
1. a family holds it (a delivery not followed by its return): « pret », or « reforme » for a gift the
   public file has taken out of the park (a gift is the family's: `famnum stock etat X reforme`);
2. the public file says hors_service or reforme: that state;
3. it says en_preparation, and the device was not delivered since that state was set (column
   etat_depuis, written by `famnum stock etat`; empty: since ever): en_preparation (a device delivered
   was ready: the file is not rewritten at the delivery, which would date it);
4. its last return said a_reparer or hors_service, after the public state was set: en_preparation or
   hors_service;
5. otherwise: « disponible »."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..erreurs import ErreurRapport, Probleme
from .prets import Pret, prets_en_cours
from .stock import Appareil, date_iso

ETAT_APRES_RETOUR = {"bon": "disponible", "a_reparer": "en_preparation", "hors_service": "hors_service"}


@dataclass(frozen=True)
class Retour:
    jour: date
    etat: str  # bon | a_reparer | hors_service


def detenteurs(dossiers: dict[str, dict]) -> dict[str, list[Pret]]:
    """Asset tag → the loans (gifts, rentals) that place it with a family now (more than one is an inconsistency)."""
    resultat: dict[str, list[Pret]] = {}
    for i in sorted(dossiers):
        for p in prets_en_cours(dossiers[i]):
            resultat.setdefault(p.materiel, []).append(p)
    return resultat


def donne_et_sorti(appareil: Appareil, prets: list[Pret]) -> bool:
    """A gift the public file took out of the park: consistent, and the family's for good."""
    return appareil.etat == "reforme" and bool(prets) and all(p.type_convention == "don" for p in prets)


def derniers_retours(dossiers: dict[str, dict]) -> dict[str, Retour]:
    """Asset tag → its latest return, whichever family gave it back."""
    retours: dict[str, Retour] = {}
    for dossier in dossiers.values():
        for e in dossier["journal"]:
            if e["type"] != "retour":
                continue
            tag, jour = e.get("details", {}).get("materiel"), date.fromisoformat(e["date"])
            if tag and (tag not in retours or retours[tag].jour <= jour):
                retours[tag] = Retour(jour, e["details"].get("etat", "bon"))
    return retours


def dernieres_livraisons(dossiers: dict[str, dict]) -> dict[str, date]:
    """Asset tag → the day it was last handed to a family."""
    jours: dict[str, date] = {}
    for dossier in dossiers.values():
        for e in dossier["journal"]:
            tag = e.get("details", {}).get("materiel") if e["type"] == "livraison" else None
            if tag:
                jours[tag] = max(jours.get(tag, date.min), date.fromisoformat(e["date"]))
    return jours


def etat_derive(appareil: Appareil, prets: list[Pret], livre_le: date | None, retour: Retour | None) -> str:
    if prets:
        return "reforme" if donne_et_sorti(appareil, prets) else "pret"
    if appareil.etat in ("hors_service", "reforme"):
        return appareil.etat
    fixe_le = date_iso(appareil.etat_depuis) or date.min
    if appareil.etat == "en_preparation" and not (livre_le and livre_le >= fixe_le):
        return "en_preparation"
    if retour and retour.jour > fixe_le:
        return ETAT_APRES_RETOUR.get(retour.etat, "disponible")
    return "disponible"


def etat_du_parc(stock: list[Appareil], dossiers: dict[str, dict]) -> list[Appareil]:
    """The public stock with each device's state as the dossiers make it (see the module's rules)."""
    tenus, livres, retours = detenteurs(dossiers), dernieres_livraisons(dossiers), derniers_retours(dossiers)
    return [replace(a, etat=etat_derive(a, tenus.get(a.inventaire, []), livres.get(a.inventaire), retours.get(a.inventaire)))
            for a in stock]


class StockIncoherent(ErreurRapport):
    """famnum prets verifier: a device in two places (two families, a family and the public file as out of
    the park); each problem says how to fix it."""

    entete = "le stock et les dossiers ne s'accordent pas : chaque appareil doit être en un seul endroit."
    nature = "parc.stock_incoherent"


def verifier_stock(dossiers: dict[str, dict], stock: list[Appareil], fichier: str) -> list[Probleme]:
    """Every device in one place: with at most one family, and a device a family holds is in the
    public file as in service (or in preparation when it was reserved). Problems name devices and
    counts, never a family."""
    par_tag = {a.inventaire: a for a in stock}
    problemes = []
    for tag, prets in sorted(detenteurs(dossiers).items()):
        if len(prets) > 1:
            problemes.append(Probleme(fichier, f"l'appareil {tag} est livré à {len(prets)} familles à la fois", "inventaire", tag,
                                      "enregistrez le retour chez la famille qui ne l'a plus (famnum prets retour)", code="parc.appareil_chez_plusieurs"))
        if tag not in par_tag:
            problemes.append(Probleme(fichier, f"l'appareil {tag} est chez une famille mais absent du stock", "inventaire", tag,
                                      "ajoutez sa ligne, avec l'état « en_service »", code="parc.appareil_hors_stock"))
        elif par_tag[tag].etat in ("hors_service", "reforme") and not donne_et_sorti(par_tag[tag], prets):
            problemes.append(Probleme(fichier, f"l'appareil {tag} est chez une famille mais noté « {par_tag[tag].etat} »", "etat", tag,
                                      "mettez l'état « en_service », ou enregistrez d'abord son retour (famnum prets retour)", code="parc.appareil_mal_note"))
    return problemes


def changer_etat(coffre, inventaire: str, etat: str, jour: date) -> Appareil:
    """Sets one device's park state and its date in the public file, alone in one commit (no dossier:
    nothing in it says which family had the device). Refused for a device a family holds."""
    from .. import ecriture
    from ..erreurs import FamnumError
    from .stock import ETATS_PARC, charger_stock, chemin_stock, inventaire_inconnu, texte_stock

    if etat not in ETATS_PARC:
        raise FamnumError(f"État inconnu « {etat} ».", code="parc.etat_inconnu",
                          correction=f"choisissez {', '.join(ETATS_PARC[:-1])} ou {ETATS_PARC[-1]}.")
    stock, tag = charger_stock(coffre.territoire), inventaire.strip().upper()
    appareil = next((a for a in stock if a.inventaire == tag), None)
    if appareil is None:
        raise inventaire_inconnu(inventaire)
    prets = detenteurs(coffre.lire_tous(valider=False).dossiers).get(tag, []) if etat != "en_service" else []
    if prets and not donne_et_sorti(replace(appareil, etat=etat), prets):
        raise FamnumError(f"L'appareil {tag} est chez une famille : il ne peut pas passer « {etat} » (seul un appareil "
                          "donné peut sortir du parc, « reforme »).", code="parc.appareil_chez_une_famille",
                          correction="enregistrez d'abord son retour (famnum prets retour <identifiant> "
                          f"--materiel {tag} --etat a_reparer ou hors_service).")
    nouveau = replace(appareil, etat=etat, etat_depuis=jour.isoformat())
    stock = [nouveau if a.inventaire == tag else a for a in stock]
    ecriture.enregistrer(coffre.territoire.racine, [(chemin_stock(coffre.territoire), texte_stock(stock))],
                         "Stock : état d'un appareil du parc")
    return nouveau


def exiger_parc_rendu(coffre, dossiers: dict[str, dict]) -> None:
    """Before an erasure: once the dossier is gone, nothing would say its devices are taken. A loan or
    a rental must be returned first, a gift taken out of the park (the public file then says « reforme »,
    in a commit of its own, which names no family)."""
    from ..erreurs import FamnumError
    from .stock import charger_stock

    tenus = [p for d in dossiers.values() for p in prets_en_cours(d)]
    if not tenus:
        return
    par_tag = {a.inventaire: a for a in charger_stock(coffre.territoire)}
    for p in tenus:
        appareil = par_tag.get(p.materiel)
        if appareil is None or appareil.etat == "reforme":
            continue  # not in the park, or out of it: the erasure changes nothing the park shows
        a_faire = (f"sortez-le du parc d'abord : famnum stock etat {p.materiel} reforme" if p.type_convention == "don"
                   else f"enregistrez d'abord son retour : famnum prets retour {p.identifiant} --materiel {p.materiel} --etat bon")
        raise FamnumError(f"Le dossier {p.identifiant} a encore l'appareil {p.materiel} ({p.type_convention}) : effacé, "
                          "l'appareil paraîtrait disponible.", code="parc.appareil_a_rendre",
                          correction=f"{a_faire}, puis relancez l'effacement.")
