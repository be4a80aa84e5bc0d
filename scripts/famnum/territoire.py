"""`famnum init`: lays out a new territory in an empty git repository, from famnum's own model."""
from __future__ import annotations

import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from . import depot, vault
from .erreurs import FamnumError
from .pseudonymes import creer_cle
from .workspace import Territoire

# What a territory copies from the model (famnum's own repository): the schemas, the public reference
# tables and grids, and the public site's sources, which the territory then adapts.
A_COPIER = ("data/schemas", "data/referentiels", "data/datapackage.yaml", "data/attribution.yaml",
            "data/conservation.yaml", "mkdocs.yml", "content")

GITIGNORE = """# Produits par famnum : jamais publiés tels quels, jamais suivis par git.
build/
site/
.venv/
__pycache__/
"""

CROCHET_PRE_COMMIT = """#!/bin/sh
# Installé par « famnum init » : refuse un commit qui mettrait des données personnelles en clair
# (fichier non chiffré dans data/families/, clé privée, dossier en clair ailleurs).
exec "{python}" -m famnum verifier --texte-clair
"""


def modele() -> Path:
    """famnum's own repository, the model every territory starts from."""
    racine = Path(__file__).resolve().parents[2]
    if not (racine / "data" / "schemas" / "famille.schema.json").is_file():
        raise FamnumError(f"Modèle de territoire introuvable à {racine} : famnum doit être installé depuis son dépôt.")
    return racine


@dataclass
class Creation:
    territoire: Territoire
    cle_publique: str
    identite_creee: bool
    cle_secours: str  # the recovery key's secret, to print once on paper and never store


def initialiser(racine: Path, role: str = "responsable des données du territoire") -> Creation:
    racine = racine.resolve()
    depot.ouvrir(racine)
    if (racine / "data" / "families" / "destinataires.txt").exists():
        raise FamnumError(f"{racine} est déjà un territoire famnum (data/families/destinataires.txt existe).")
    source = modele()
    for relatif in A_COPIER:
        origine, cible = source / relatif, racine / relatif
        if cible.exists() or not origine.exists():
            continue
        if origine.is_dir():
            shutil.copytree(origine, cible)
        else:
            cible.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origine, cible)
    identite_creee = False
    try:
        identites = vault.charger_identites()
    except FamnumError:
        identite = vault.generer_identite()
        vault.enregistrer_identite(identite, vault.chemin_identite(), "clé famnum personnelle")
        identites, identite_creee = [identite], True
    secours = vault.generer_identite()
    destinataires = [vault.Destinataire(vault.cles_publiques(identites)[0], role),
                     vault.Destinataire(str(secours.to_public()), "clé de secours (sur papier, dans le coffre du coordinateur)")]
    territoire = Territoire(racine)
    territoire.familles.mkdir(parents=True, exist_ok=True)
    vault.ecrire_atomiquement(territoire.destinataires, vault.texte_destinataires(destinataires).encode())
    creer_cle(territoire, vault.destinataires_age(destinataires))
    gitignore = racine / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE, encoding="utf-8")
    installer_crochet(racine)
    depot.commiter(racine, [racine / r for r in A_COPIER if (racine / r).exists()]
                   + [territoire.destinataires, territoire.cle_pseudonymes, gitignore],
                   "Création du territoire famnum")
    return Creation(territoire, vault.cles_publiques(identites)[0], identite_creee, str(secours))


def installer_crochet(racine: Path) -> Path:
    crochet = racine / ".git" / "hooks" / "pre-commit"
    crochet.parent.mkdir(parents=True, exist_ok=True)
    crochet.write_text(CROCHET_PRE_COMMIT.format(python=sys.executable), encoding="utf-8")
    crochet.chmod(crochet.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return crochet
