"""The previous release of the open-data package: what the public already knows.

A figure of a finished period can still change after it was published (an event entered late, an
answer corrected). Two releases that print the same cell 60 then 61 tell everyone that one family
did something in that period. So the disclosure control reads the previous release: a figure
secret there stays secret, and a figure that moved by fewer than the threshold is hidden now
(secret.controler, `precedent`). The previous release is found in FAMNUM_PUBLICATION_PRECEDENTE
(a folder or the address of the published `evaluation/donnees/` folder), else in build/public/.
"""
from __future__ import annotations

import csv
import io
import os
import urllib.error
import urllib.request
from pathlib import Path

from ..erreurs import FamnumError
from .calcul import ENSEMBLE, EVALUATIONS

VARIABLE = "FAMNUM_PUBLICATION_PRECEDENTE"
FICHIERS = ("indicateurs.csv", "seances.csv", "evaluations_ateliers.csv")
EUROS = ("cout_familles_euros", "aide_pre_euros")


def _valeur(texte: str, secret: str) -> int | None:
    return None if secret == "oui" else int(texte)


def cases_publiees(textes: dict[str, str]) -> dict[tuple, int | None]:
    """Each cell of a release (as secret.cle_case names it) -> its published value, None when secret; and
    each sum of euros, under ("euros", *cell, amount), the same way."""
    cases = {}
    lignes = list(csv.DictReader(io.StringIO(textes["indicateurs.csv"])))
    avec_euros = {l["indicateur"] for l in lignes if l.get(EUROS[0]) or l.get(EUROS[1])}
    for l in lignes:
        cle = (l["indicateur"], l["periode"], l["ventilation"], l["groupe"], l["modalite"])
        cases[cle] = _valeur(l["familles"], l["secret"])
        if l["indicateur"] in avec_euros:  # an empty sum there was a secret one
            for colonne, nom in zip(EUROS, ("cout_familles", "aide_pre")):
                cases[("euros", *cle, nom)] = float(l[colonne]) if l[colonne] else None
    for l in csv.DictReader(io.StringIO(textes.get("seances.csv", ""))):
        cases[("seances", l["periode"], ENSEMBLE, ENSEMBLE, l["type"])] = _valeur(l["participants"], l["secret"])
    cases.update(_formulaires(list(csv.DictReader(io.StringIO(textes.get("evaluations_ateliers.csv", ""))))))
    return cases


def _formulaires(lignes: list[dict]) -> dict[tuple, int | None]:
    """The evaluation forms' cells, one row per sheet and one for every sheet. A release before December
    2026 counted them question by question: a sheet's cell is the sum of its questions' cells, secret
    when one of them was (else the new sum less the published questions would give the secret back)."""
    if lignes and "reponses" in lignes[0]:
        return {(EVALUATIONS, l["periode"], "fiche", l["fiche"], l["reponse"]): _valeur(l["reponses"], l["secret"])
                for l in lignes}
    sommes: dict[tuple, int | None] = {}
    for l in lignes:
        valeur = _valeur(l["personnes"], l["secret"])
        for fiche in (l["fiche"], ENSEMBLE):
            cle = (EVALUATIONS, l["periode"], "fiche", fiche, l["reponse"])
            sommes[cle] = None if valeur is None or (cle in sommes and sommes[cle] is None) else sommes.get(cle, 0) + valeur
    return sommes


def _lire_dossier(dossier: Path) -> dict[str, str]:
    return {nom: (dossier / nom).read_text(encoding="utf-8") for nom in FICHIERS if (dossier / nom).is_file()}


def _telecharger(adresse: str) -> dict[str, str]:
    base = adresse if adresse.endswith("/") else adresse + "/"
    textes = {}
    for nom in FICHIERS:
        try:
            with urllib.request.urlopen(base + nom, timeout=30) as reponse:
                textes[nom] = reponse.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            if e.code == 404 and nom != "indicateurs.csv":
                continue  # an older release without this file
            if e.code == 404:
                return {}  # nothing published there yet: the first release
            raise
    return textes


def trouver(public_actuel: Path, dire=lambda texte: None) -> dict[tuple, int | None]:
    """The previous release's cells; {} for a first release. An address or folder that was given
    but cannot be read stops the publication: publishing blind could undo the earlier secret."""
    source = os.environ.get(VARIABLE, "").strip()
    try:
        if source.startswith(("https://", "http://")):
            textes = _telecharger(source)
        elif source:
            if not Path(source).is_dir():
                raise FamnumError(f"{VARIABLE} = {source} : ce dossier n'existe pas.", code="publication.precedente_introuvable",
                                  correction="indiquez le dossier de la "
                                  "publication précédente (celui qui contient indicateurs.csv) ou son adresse en ligne.")
            textes = _lire_dossier(Path(source))
        else:
            textes = _lire_dossier(public_actuel)
        cases = cases_publiees(textes) if "indicateurs.csv" in textes else {}
    except (OSError, urllib.error.URLError, KeyError, ValueError) as e:
        raise FamnumError(f"La publication précédente ({source or public_actuel}) est illisible ({e}) : rien n'est publié.", code="publication.precedente_illisible",
                          correction="vérifiez l'adresse ou le dossier, ou retirez la variable si c'est la première "
                          "publication.") from None
    dire(f"   Publication précédente : {len(cases)} cases relues, ses secrets sont gardés." if cases
         else "   Aucune publication précédente : première publication.")
    return cases
