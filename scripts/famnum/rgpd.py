"""The families' rights (RGPD): access (a readable export), erasure (an encrypted anonymous remainder
that the evaluation counts as it counted the family, and a register holding only dates and reasons),
retention (data/conservation.yaml) and what git history keeps.

Rectification is `famille modifier` with a `rectification` event (see cli/rgpd.py).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from . import restes
from .affichage import Afficheur
from .dossiers import Coffre
from .statuts import STATUTS, statut
from .erreurs import FamnumError
from .formats import fin_du_mois
from .referentiels import Referentiels
from .schemas import SchemaFamille, du_modele
from .workspace import Territoire

REGISTRE = "registre-effacements.csv"
# Only the date and the reason: what the erased family was is in its encrypted remainder (data/effaces/).
COLONNES_REGISTRE = ["date_effacement", "motif"]
MOTIFS = {"demande": "demande de la famille (droit à l'effacement)", "conservation": "durée de conservation écoulée"}

HISTOIRE_GIT = (
    "Le fichier chiffré du dossier est retiré du dépôt, mais l'historique git garde ses versions passées, "
    "chiffrées : elles restent lisibles par les clés qui les ont chiffrées. Pour les rendre illisibles : "
    "lancez « famnum cles rotation » (nouvelle clé de secours et nouvelle clé personnelle, tous les dossiers "
    "rechiffrés), détruisez l'ancienne clé de secours sur papier, et demandez à chaque autre détenteur de "
    "changer de clé (« famnum cles creer », puis « famnum cles ajouter » et « famnum cles retirer »). "
    "Quand plus aucune ancienne clé n'existe, l'historique ne contient plus qu'un chiffré illisible."
)


# --- retention ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Regle:
    statut: str
    depuis: str
    annees: int
    pourquoi: str


def chemin_conservation(territoire: Territoire) -> Path:
    return territoire.data / "conservation.yaml"


def charger_conservation(chemin: Path) -> list[Regle]:
    """The retention rules; a wrong rule is refused with the file, the field and the fix."""
    from ruamel.yaml import YAML

    if not chemin.is_file():
        raise FamnumError(f"{chemin} est introuvable.", code="rgpd.conservation_introuvable",
                          correction="copiez data/conservation.yaml depuis famnum et "
                          "adaptez les durées.")
    contenu = YAML(typ="safe").load(chemin.read_text(encoding="utf-8")) or {}
    regles, types = [], du_modele().types_evenements()
    for i, r in enumerate(contenu.get("regles") or [], 1):
        lieu = f"{chemin.name}, règle n°{i}"
        if not isinstance(r, dict) or r.get("statut") not in STATUTS:
            raise FamnumError(f"{lieu} : statut inconnu.", code="rgpd.statut_inconnu",
                              correction=f"choisissez parmi {', '.join(STATUTS)}.")
        if r.get("depuis") not in types:
            raise FamnumError(f"{lieu} : « depuis » doit être un type d'événement ({', '.join(types)}).", code="rgpd.depuis_inconnu")
        if not isinstance(r.get("annees"), int) or isinstance(r.get("annees"), bool) or not 0 < r["annees"] <= 30:
            raise FamnumError(f"{lieu} : « annees » doit être un nombre entier d'années entre 1 et 30.", code="rgpd.annees_hors_limites")
        regles.append(Regle(r["statut"], r["depuis"], r["annees"], str(r.get("pourquoi", ""))))
    if not regles:
        raise FamnumError(f"{chemin.name} ne contient aucune règle (« regles: »).", code="rgpd.conservation_vide",
                          correction="ajoutez-en au moins une.")
    return regles


def _plus_annees(jour: date, annees: int) -> date:
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + annees, day=28)


def echeance(dossier: dict, regles: list[Regle]) -> tuple[date, Regle] | None:
    """When the dossier is due for erasure, by the rule of its status (None: kept, in progress)."""
    etat = statut(dossier)
    for regle in regles:
        if regle.statut != etat:
            continue
        dates = [e["date"] for e in dossier.get("journal", []) if e.get("type") == regle.depuis]
        if dates:
            return _plus_annees(date.fromisoformat(max(dates)), regle.annees), regle
    return None


def dus(dossiers: dict[str, dict], regles: list[Regle], jour: date) -> list[tuple[str, date, Regle]]:
    sortie = []
    for identifiant in sorted(dossiers):
        trouve = echeance(dossiers[identifiant], regles)
        if trouve and trouve[0] <= jour:
            sortie.append((identifiant, *trouve))
    return sortie


# --- erasure --------------------------------------------------------------------------------

# What calcul.py reads in each event's details (every other field, free text included, is dropped).
# All are coded values checked by the schema; the convention's dates are rounded like the event's.
DETAILS_GARDES = {
    "decision": ("avis", "mode", "materiels"),
    "convention": ("type", "debut", "fin", "loyer_mensuel", "aide_mensuelle"),
    "suivi": ("temps", "famille", "ecole"),
}
DATES_DES_DETAILS = {"convention": ("debut", "fin")}


def _arrondi_au_mois(jour: str) -> str:
    """The month's last day. Every period of the evaluation ends on a month's last day (quarters,
    school years ending 31 August), so an event falls in the same periods once rounded."""
    return fin_du_mois(date.fromisoformat(jour)).isoformat()


def _details(evenement: dict, arrondir) -> dict:
    details = evenement.get("details") or {}
    gardes = {c: details[c] for c in DETAILS_GARDES.get(evenement["type"], ()) if c in details}
    for champ in DATES_DES_DETAILS.get(evenement["type"], ()):
        if champ in gardes:
            gardes[champ] = arrondir(gardes[champ])
    return gardes


def reste_anonyme(dossier: dict, referentiels: Referentiels, arrondir: bool = True) -> dict:
    """The only trace an erased family leaves: what the evaluation counts (QPV, school level, the
    journal's types, dates rounded to the month's end and coded details), never a name, an address,
    a date of birth, a free text, the author of an event, an id or a pseudonym."""
    fiche = dossier.get("fiche", {})
    ecole = (fiche.get("enfants") or [{}])[0].get("etablissement")
    niveau = (referentiels.etablissements.get(ecole) or {}).get("niveau") or "non_renseigne"
    jour = _arrondi_au_mois if arrondir else str
    journal = []
    # calcul.py's order, kept here: events of one month tie once rounded, and a stable sort keeps them so
    for e in sorted(dossier.get("journal", []), key=lambda e: e["date"]):
        evenement = {"type": e["type"], "date": jour(e["date"])}
        details = _details(e, jour)
        if details:
            evenement["details"] = details
        journal.append(evenement)
    return {"version": 1, "fiche": {"qpv": fiche.get("qpv", "hors-qpv"), "niveau": niveau}, "journal": journal}


def _tableaux(dossier: dict, coffre: Coffre, defs, horizon: date) -> list:
    from .evaluation import calcul

    res = calcul.calculer({"x": dossier}, coffre.referentiels, coffre.schema.schema, defs, [], horizon)
    return [(t.indicateur, t.periode, t.par, t.comptes, t.montants) for t in res.tableaux]


def _horizon(dossier: dict) -> date:
    """A day after every date of the dossier: the comparison covers every period it can change."""
    dates = [e["date"] for e in dossier.get("journal", [])]
    dates += [v for e in dossier.get("journal", []) for c, v in (e.get("details") or {}).items() if c in ("debut", "fin")]
    return max([date.today()] + [date.fromisoformat(d) for d in dates]) + timedelta(days=400)


def reste_fidele(dossier: dict, coffre: Coffre, defs) -> dict:
    """The remainder, checked: the evaluation counts it exactly as it counted the dossier, in every
    period up to well after its last date. Rounded dates first; exact ones if rounding would move a
    figure (a convention ending before it starts, in the same month); else a refusal, nothing erased."""
    horizon = _horizon(dossier)
    attendu = _tableaux(dossier, coffre, defs, horizon)
    for arrondir in (True, False):
        reste = reste_anonyme(dossier, coffre.referentiels, arrondir)
        if _tableaux(reste, coffre, defs, horizon) == attendu:
            return reste
    raise FamnumError("Le reste anonyme de ce dossier ne donnerait pas les mêmes chiffres publiés : rien n'a été "
                      "effacé. Un indicateur de data/indicateurs.yaml lit sans doute une donnée que l'effacement ne "
                      "garde pas.", code="rgpd.reste_infidele",
                      correction="signalez-le à l'équipe famnum avec le nom des indicateurs modifiés "
                      "récemment ; l'effacement reste dû.")


def registre_complete(chemin: Path, lignes: list[dict]) -> bytes:
    """The register's new content: the old rows (only its columns: older registers lose their extra
    ones), then the new ones, sorted."""
    sortie = io.StringIO()
    ecrivain = csv.DictWriter(sortie, fieldnames=COLONNES_REGISTRE, lineterminator="\n")
    ecrivain.writeheader()
    if chemin.is_file():
        for ligne in csv.DictReader(io.StringIO(chemin.read_text(encoding="utf-8"))):
            ecrivain.writerow({c: ligne.get(c, "") for c in COLONNES_REGISTRE})
    for ligne in sorted(lignes, key=lambda l: [str(l[c]) for c in COLONNES_REGISTRE]):
        ecrivain.writerow(ligne)
    return sortie.getvalue().encode("utf-8")


def effacer(coffre: Coffre, dossiers: dict[str, dict], motif: str, jour: date | None = None) -> str:
    """Removes the dossiers, writes each one's checked anonymous remainder (encrypted, under a random
    name) and a register row (date, reason), in one commit. Every remainder is built and checked
    before anything is written."""
    from .attribution.parc import exiger_parc_rendu
    from .evaluation import definitions

    if motif not in MOTIFS:
        raise FamnumError(f"Motif d'effacement inconnu « {motif} » ({', '.join(MOTIFS)}).", code="rgpd.motif_inconnu")
    jour = jour or date.today()
    exiger_parc_rendu(coffre, dossiers)
    defs = definitions.charger(coffre.territoire.racine)
    ecritures, pris = [], set()
    for dossier in dossiers.values():
        chemin = restes.nouveau_chemin(coffre.territoire, pris)
        pris.add(chemin)
        ecritures.append((chemin, restes.chiffrer(reste_fidele(dossier, coffre, defs), coffre.destinataires)))
    registre = coffre.territoire.data / REGISTRE
    lignes = [{"date_effacement": jour.isoformat(), "motif": motif} for _ in dossiers]
    ecritures.append((registre, registre_complete(registre, lignes)))
    return coffre.supprimer(sorted(dossiers), f"Effacement RGPD ({MOTIFS[motif]})", ecritures=ecritures)


# --- access: the export ---------------------------------------------------------------------

def exporter(coffre: Coffre, dossier: dict, regles: list[Regle], dossier_sortie: Path) -> tuple[Path, Path]:
    """Writes the HTML (readable, in French) and the JSON (complete) into a private folder (0700,
    files 0600): they are handed to the family, never published nor committed."""
    from .vault import ecrire_prive

    base = dossier_sortie / f"acces-{dossier['id']}"
    page = page_acces(dossier, coffre.schema, coffre.referentiels, regles, [d.role for d in coffre.destinataires])
    sorties = []
    for chemin, contenu in ((base.with_suffix(".html"), page),
                            (base.with_suffix(".json"), json.dumps(dossier, ensure_ascii=False, indent=2) + "\n")):
        ecrire_prive(chemin, contenu.encode("utf-8"))
        sorties.append(chemin)
    return sorties[0], sorties[1]


def _arbre(valeur, noeud: dict, afficheur: Afficheur) -> dict:
    """A value as the template's nested lists: a text, numbered items, or fields with the schema's
    French titles (`gabarits/rgpd/acces.html` writes them as definition lists)."""
    if isinstance(valeur, list) and noeud.get("items", {}).get("type") == "object":
        titre = noeud["items"].get("title", "Élément")
        return {"nature": "elements", "elements": [(f"{titre} n°{i}", _arbre(v, noeud["items"], afficheur))
                                                   for i, v in enumerate(valeur, 1)]}
    if not isinstance(valeur, dict):
        return {"nature": "texte", "texte": str(afficheur.valeur(valeur, noeud))}
    proprietes = noeud.get("properties", {})
    ordre = [c for c in proprietes if c in valeur] + sorted(c for c in valeur if c not in proprietes)
    return {"nature": "champs", "champs": [(proprietes.get(c, {}).get("title", c),
                                            _arbre(valeur[c], proprietes.get(c, {}), afficheur)) for c in ordre]}


def _sources_du_recensement(dossier: dict, schema: SchemaFamille) -> list[str]:
    """Who sent the census lists the family was found in, by the schema's French names."""
    sources = sorted({(e.get("details") or {}).get("source", "") for e in dossier.get("journal", [])
                      if e.get("type") == "recensement"} - {""})
    types = schema.schema["definitions"]["details_recensement"]["properties"]["source"]["x-libelles"]
    return [types.get(s, s) for s in sources]


def page_acces(dossier: dict, schema: SchemaFamille, referentiels: Referentiels, regles: list[Regle],
               roles: list[str]) -> str:
    """The family's access page (French, from the template `rgpd/acces.html`: every value escaped)."""
    from .gabarits import rendre

    afficheur = Afficheur(schema, referentiels)
    trouve = echeance(dossier, regles)
    return rendre(
        "rgpd/acces.html", identifiant=dossier["id"], etat=STATUTS[statut(dossier)],
        remis_le=date.today().strftime("%d/%m/%Y"), sources=_sources_du_recensement(dossier, schema),
        diagnostic=any(e.get("type") == "diagnostic" for e in dossier.get("journal", [])), roles=roles,
        efface_le=trouve[0].strftime("%d/%m/%Y") if trouve else "", pourquoi=trouve[1].pourquoi if trouve else "",
        regles=[r.pourquoi for r in regles], fiche=_arbre(dossier.get("fiche", {}), schema.sous_schema(("fiche",)), afficheur),
        journal=[l.strip() for l in afficheur.journal(dossier.get("journal", [])).splitlines()])

