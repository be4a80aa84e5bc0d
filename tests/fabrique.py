"""Test data: a realistic dossier whose every value is invented, and small git helpers.

Every personal value here is invented; phone numbers come from ARCEP's fiction ranges.
"""
from __future__ import annotations

import copy
import re
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from famnum.dossiers import evenement, nouveau_dossier
from famnum.erreurs import FamnumError

FICHE = {
    "enfants": [
        {"prenom": "Zéphirine", "nom": "Quillembois", "date_naissance": "2013-04-17",
         "etablissement": "col-alain-fournier", "classe": "6e"},
        {"prenom": "Anatole", "nom": "Quillembois", "date_naissance": "2018-09-02",
         "etablissement": "ee-gaston-bachelard", "classe": "CP"},
    ],
    "representants_legaux": [
        {"prenom": "Noémie", "nom": "Quillembois", "lien": "mere", "telephone": "+33639987351",
         "courriel": "noemie.quillembois@example.org", "langues": ["fr", "ar"]},
    ],
    "qpv": "sablons-bords-huisne",
    "adresse": {"ligne": "12 rue des Tilleuls Imaginaires", "code_postal": "72100", "commune": "Le Mans"},
    "foyer": {"nb_adultes": 1, "nb_enfants": 2, "ages_enfants": [7, 12], "bailleur_social": "Le Mans Métropole Habitat"},
    "besoin_declare": True,
    "equipements": {
        "ordinateurs": {"nombre": 0},
        "imprimantes": {"nombre": 0},
        "tablettes": {"nombre": 1, "usage_scolaire": False},
        "smartphones": {"nombre": 1, "usage_scolaire": False},
        "internet": {"abonnement": "mobile"},
    },
    "capacites": {"location": "partiellement", "location_aide": True, "installation": "ne_sait_pas",
                  "utilisation": "partiellement", "formation": "oui"},
    "demande": {"ordinateur_fixe": True, "ordinateur_portable": True, "imprimante": True, "connexion_internet": False},
    "consentement": {"date": "2025-05-12", "recueilli_par": "référente de parcours PRE Sablons", "modalite": "ecrit"},
}
VALEURS_PLANTEES = ["Zéphirine", "Quillembois", "+33639987351", "06 39 98 73 51", "noemie.quillembois@example.org",
                    "Tilleuls Imaginaires", "2013-04-17", "17/04/2013"]


def fiche(**modifications) -> dict:
    f = copy.deepcopy(FICHE)
    f.update(modifications)
    return f


def dossier(existants=frozenset(), **modifications) -> dict:
    return nouveau_dossier(fiche(**modifications), set(existants),
                           [evenement("diagnostic", "référente de parcours PRE Sablons")])


def git_init(racine: Path) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(racine)], check=True)
    for cle, valeur in (("user.name", "Test"), ("user.email", "test@example.org"), ("commit.gpgsign", "false")):
        subprocess.run(["git", "-C", str(racine), "config", cle, valeur], check=True)


def lignes_du_tableau(sortie: str) -> list[list[str]]:
    """The printed table's rows as lists of cells (columns are set apart by two spaces or more), so that a
    test reads what a row says, not how wide its columns are."""
    return [re.split(r" {2,}", ligne.strip()) for ligne in sortie.splitlines() if ligne.strip()]


def git_log(racine: Path) -> str:
    return subprocess.run(["git", "-C", str(racine), "log", "--format=%s%n%b"], capture_output=True, text=True, check=True).stdout


def codes(erreur: FamnumError) -> list[str]:
    """A refusal's code, then those of its report's problems (an ErreurRapport), in order."""
    return [erreur.code, *(p.code for p in getattr(getattr(erreur, "rapport", None), "problemes", []))]


@contextmanager
def refuse(code: str):
    """`with refuse("cles.derniere_cle"):` — the block must end on a FamnumError of this code."""
    with pytest.raises(FamnumError) as refus:
        yield refus
    assert refus.value.code == code, f"refus {refus.value.code!r} au lieu de {code!r} : {refus.value}"


def refus(resultat) -> FamnumError:
    """The refusal a command run in process (CliRunner) ended on: its exit is chained to it (cli.refuser),
    so a test reads which refusal it was by its `code`, not by its French text."""
    erreur = getattr(resultat.exception, "__cause__", None)
    assert isinstance(erreur, FamnumError), f"pas un refus de famnum (sortie {resultat.exit_code}) :\n{resultat.output}"
    return erreur


@contextmanager
def sous_verrou(partage: Path, nom: str):
    """The block run under the file lock `nom` in `partage` (made if need be): what a test session makes once
    for its pytest workers is made by the first one to ask; the others wait, then find it made."""
    import fcntl

    partage.mkdir(parents=True, exist_ok=True)
    with open(partage / f"{nom}.lock", "w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        yield


def lancer_formulaire(racine: Path) -> tuple[subprocess.Popen, str]:
    """`famnum formulaire --sans-navigateur` in its own process on a free port: (process, its address)."""
    import os
    import re
    import sys

    processus = subprocess.Popen([str(Path(sys.executable).with_name("famnum")), "formulaire", "--sans-navigateur"],
                                 cwd=racine, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    ligne = processus.stdout.readline()
    adresse = re.search(r"http://127\.0\.0\.1:\d+/[\w-]+/", ligne)
    if not adresse:
        processus.kill()
        raise AssertionError(ligne + processus.communicate()[1])
    return processus, adresse.group(0)
