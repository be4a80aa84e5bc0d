"""The families' rights (RGPD): access (a readable export), erasure (with an anonymous remainder and a
register holding no personal data), retention (data/conservation.yaml) and what git history keeps.

Rectification is `famille modifier` with a `rectification` event (see cli/rgpd.py).
"""
from __future__ import annotations

import csv
import html
import io
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .affichage import Afficheur
from .dossiers import STATUTS, TYPES_EVENEMENTS, Coffre, statut
from .erreurs import FamnumError
from .referentiels import Referentiels
from .schemas import SchemaFamille
from .workspace import Territoire

REGISTRE = "registre-effacements.csv"
COLONNES_REGISTRE = ["date_effacement", "motif", "qpv", "niveau", "statut", "nb_enfants", "annee_recensement"]
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
        raise FamnumError(f"{chemin} est introuvable. À faire : copiez data/conservation.yaml depuis famnum et "
                          "adaptez les durées.")
    contenu = YAML(typ="safe").load(chemin.read_text(encoding="utf-8")) or {}
    regles = []
    for i, r in enumerate(contenu.get("regles") or [], 1):
        lieu = f"{chemin.name}, règle n°{i}"
        if not isinstance(r, dict) or r.get("statut") not in STATUTS:
            raise FamnumError(f"{lieu} : statut inconnu. À faire : choisissez parmi {', '.join(STATUTS)}.")
        if r.get("depuis") not in TYPES_EVENEMENTS:
            raise FamnumError(f"{lieu} : « depuis » doit être un type d'événement ({', '.join(TYPES_EVENEMENTS)}).")
        if not isinstance(r.get("annees"), int) or isinstance(r.get("annees"), bool) or not 0 < r["annees"] <= 30:
            raise FamnumError(f"{lieu} : « annees » doit être un nombre entier d'années entre 1 et 30.")
        regles.append(Regle(r["statut"], r["depuis"], r["annees"], str(r.get("pourquoi", ""))))
    if not regles:
        raise FamnumError(f"{chemin.name} ne contient aucune règle (« regles: »). À faire : ajoutez-en au moins une.")
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

def reste_anonyme(dossier: dict, referentiels: Referentiels, motif: str, jour: date) -> dict:
    """The only trace an erased family leaves: what the published counts need (QPV, school level,
    status, number of children, census year), never a name, a date of birth, an id or a pseudonym."""
    fiche = dossier.get("fiche", {})
    ecole = (fiche.get("enfants") or [{}])[0].get("etablissement", "")
    dates = sorted(e["date"] for e in dossier.get("journal", []) if e.get("type") in ("recensement", "diagnostic"))
    return {"date_effacement": jour.isoformat(), "motif": motif, "qpv": fiche.get("qpv", ""),
            "niveau": referentiels.etablissements.get(ecole, {}).get("niveau", ""), "statut": statut(dossier),
            "nb_enfants": len(fiche.get("enfants", [])), "annee_recensement": dates[0][:4] if dates else ""}


def registre_complete(chemin: Path, lignes: list[dict]) -> bytes:
    """The register's new content: the old rows, then the new ones (sorted, so their order tells
    nothing about which family was erased first)."""
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
    """Removes the dossiers and records each erasure anonymously, in one commit."""
    if motif not in MOTIFS:
        raise FamnumError(f"Motif d'effacement inconnu « {motif} » ({', '.join(MOTIFS)}).")
    jour = jour or date.today()
    chemin = coffre.territoire.data / REGISTRE
    restes = [reste_anonyme(d, coffre.referentiels, motif, jour) for d in dossiers.values()]
    return coffre.supprimer(sorted(dossiers), f"Effacement RGPD ({MOTIFS[motif]})",
                            ecritures=[(chemin, registre_complete(chemin, restes))])


# --- access: the export ---------------------------------------------------------------------

def exporter(coffre: Coffre, dossier: dict, regles: list[Regle], dossier_sortie: Path) -> tuple[Path, Path]:
    """Writes the HTML (readable, in French) and the JSON (complete) into a private folder (0700,
    files 0600): they are handed to the family, never published nor committed."""
    dossier_sortie.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(dossier_sortie, 0o700)
    base = dossier_sortie / f"acces-{dossier['id']}"
    page = page_acces(dossier, coffre.schema, coffre.referentiels, regles, [d.role for d in coffre.destinataires])
    sorties = []
    for chemin, contenu in ((base.with_suffix(".html"), page),
                            (base.with_suffix(".json"), json.dumps(dossier, ensure_ascii=False, indent=2) + "\n")):
        descripteur = os.open(chemin, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descripteur, "w", encoding="utf-8") as f:
            f.write(contenu)
        sorties.append(chemin)
    return sorties[0], sorties[1]


def _texte(valeur) -> str:
    """Escaped for HTML text (apostrophes kept as typed: French is full of them)."""
    return html.escape(str(valeur), quote=False)


def _html_valeur(valeur, noeud: dict, afficheur: Afficheur) -> str:
    """A value as nested definition lists, with the schema's French titles."""
    if isinstance(valeur, list) and noeud.get("items", {}).get("type") == "object":
        titre = noeud["items"].get("title", "Élément")
        return "".join(f"<h4>{_texte(titre)} n°{i}</h4>{_html_valeur(v, noeud['items'], afficheur)}"
                       for i, v in enumerate(valeur, 1))
    if not isinstance(valeur, dict):
        return _texte(afficheur.valeur(valeur, noeud))
    proprietes = noeud.get("properties", {})
    ordre = [c for c in proprietes if c in valeur] + sorted(c for c in valeur if c not in proprietes)
    lignes = [f"<dt>{_texte(proprietes.get(c, {}).get('title', c))}</dt>"
              f"<dd>{_html_valeur(valeur[c], proprietes.get(c, {}), afficheur)}</dd>" for c in ordre]
    return f"<dl>{''.join(lignes)}</dl>"


def page_acces(dossier: dict, schema: SchemaFamille, referentiels: Referentiels, regles: list[Regle],
               roles: list[str]) -> str:
    afficheur = Afficheur(schema, referentiels)
    trouve = echeance(dossier, regles)
    conservation = (f"Ce dossier sera effacé le {trouve[0].strftime('%d/%m/%Y')} ({_texte(trouve[1].pourquoi)})."
                    if trouve else "Le dossier est en cours : il est gardé tant que l'accompagnement continue, puis "
                                   "selon ces durées :</p><ul>" + "".join(f"<li>{_texte(r.pourquoi)}</li>" for r in regles)
                    + "</ul><p>")
    sources = sorted({(e.get("details") or {}).get("source", "") for e in dossier.get("journal", [])
                      if e.get("type") == "recensement"} - {""})
    types = schema.schema["definitions"]["details_recensement"]["properties"]["source"]["x-libelles"]
    provenance = [f"la liste de recensement transmise par : {types.get(s, s)}" for s in sources]
    if any(e.get("type") == "diagnostic" for e in dossier.get("journal", [])):
        provenance.append("l'entretien de diagnostic avec votre famille")
    journal = "".join(f"<li>{_texte(l.strip())}</li>" for l in afficheur.journal(dossier.get("journal", [])).splitlines())
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Vos données – dossier {_texte(dossier['id'])}</title>
<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;line-height:1.5;padding:0 1rem}}
dt{{font-weight:bold}}dd{{margin:0 0 .5rem 1.5rem}}</style></head>
<body>
<h1>Les données que nous avons sur votre famille</h1>
<p>Dossier {_texte(dossier['id'])} — état : {_texte(STATUTS[statut(dossier)])}. Document remis le
{date.today().strftime('%d/%m/%Y')} à votre demande (droit d'accès, article 15 du RGPD).</p>
<h2>D'où viennent ces données</h2>
<ul>{''.join(f'<li>{_texte(p)}</li>' for p in provenance) or '<li>saisie par le Programme de Réussite Éducative</li>'}</ul>
<h2>Pourquoi nous les gardons</h2>
<p>Pour étudier votre demande d'équipement numérique (ordinateur, imprimante, connexion), la décider en
commission, vous remettre le matériel, vous proposer des formations et suivre l'effet du programme.</p>
<h2>Qui peut les lire</h2>
<ul>{''.join(f'<li>{_texte(r)}</li>' for r in roles)}</ul>
<p>Le dossier est chiffré : seules ces personnes, avec leur clé, peuvent l'ouvrir. Les chiffres publiés
ne contiennent ni nom, ni adresse, ni date de naissance.</p>
<h2>Combien de temps</h2>
<p>{conservation}</p>
<h2>La fiche</h2>
{_html_valeur(dossier.get('fiche', {}), schema.sous_schema(('fiche',)), afficheur)}
<h2>Le journal</h2>
<ul>{journal}</ul>
<h2>Vos droits</h2>
<p>Vous pouvez demander de corriger une donnée fausse (rectification), d'effacer votre dossier, ou de
limiter son usage. Adressez-vous à votre référent de parcours. Vous pouvez aussi saisir la CNIL
(www.cnil.fr).</p>
</body></html>
"""

