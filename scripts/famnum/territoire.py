"""`famnum init`: lays out a new territory in an empty git repository, from famnum's model.

Everything that can fail is checked before any key exists (a git repository, who git records as the
author, files already there, where the personal key goes); the recovery key is given back only once
the territory is committed, and a failure on the way removes everything init wrote."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from . import crochet_git, depot, vault
from .erreurs import FamnumError
from .pseudonymes import creer_cle
from .workspace import Territoire

# What a territory copies from the model: the schemas, the public reference tables and grids, and the
# public site's sources, which the territory then adapts.
A_COPIER = ("data/schemas", "data/referentiels", "data/datapackage.yaml", "data/attribution.yaml",
            "data/conservation.yaml", "mkdocs.yml", "content")

GITIGNORE = """# Produits par famnum : jamais publiés tels quels, jamais suivis par git.
build/
site/
.venv/
__pycache__/
"""


def modele() -> Path:
    """famnum's model, every territory's starting point (package data of the installed famnum)."""
    from .modele import racine

    source = racine()
    if not (source / "data" / "schemas" / "famille.schema.json").is_file():
        raise FamnumError(f"Modèle de territoire introuvable dans {source}.", code="territoire.modele_introuvable",
                          correction="réinstallez famnum (« pip install famnum » ou « make installer » dans son dépôt).")
    return source


@dataclass
class Creation:
    territoire: Territoire
    cle_publique: str
    identite_creee: bool
    cle_secours: str  # the recovery key's secret, to print once on paper and never store
    chemin_identite: Path | None = None


@dataclass
class _Ecrits:
    """What init wrote so far, to remove on failure."""
    chemins: list[Path] = field(default_factory=list)

    def noter(self, chemin: Path) -> Path:
        self.chemins.append(chemin)
        return chemin


def initialiser(racine: Path, role: str = "responsable des données du territoire", vierge: bool = True) -> Creation:
    """A new territory; `vierge=False` keeps the model's own data (Le Mans's: the demo, the tests)."""
    racine = racine.resolve()
    source = modele()
    identites, nouvelle = verifier_avant_init(racine)
    secours = vault.generer_identite()
    publique = vault.cles_publiques(identites)[0]
    destinataires = [vault.Destinataire(publique, role),
                     vault.Destinataire(str(secours.to_public()), "clé de secours (sur papier, dans le coffre du coordinateur)")]
    territoire, ecrits = Territoire(racine), _Ecrits()
    try:
        copier_modele(source, racine, ecrits)
        if vierge:
            from .territoire_vierge import vider

            vider(racine)
        ecrire_cles(territoire, destinataires, ecrits)
        gitignore = racine / ".gitignore"
        if not gitignore.exists():
            ecrits.noter(gitignore).write_text(GITIGNORE, encoding="utf-8")
        installer_crochet(racine, ecrits)
        chemin = vault.chemin_identite() if nouvelle else None
        if chemin is not None:
            vault.enregistrer_identite(identites[0], ecrits.noter(chemin), "clé famnum personnelle")
        depot.commiter(racine, [racine / r for r in A_COPIER] + [territoire.destinataires, territoire.cle_pseudonymes,
                                                                 gitignore], "Création du territoire famnum")
    except BaseException:
        defaire(racine, ecrits)
        raise
    return Creation(territoire, publique, nouvelle, str(secours), chemin)


class InitRefusee(FamnumError):
    """« famnum init » refused before writing anything; `refus` keeps every problem found, each with its code."""

    def __init__(self, refus: list[FamnumError]):
        self.refus = refus
        super().__init__("« famnum init » n'a rien écrit :\n\n" + "\n\n".join(map(str, refus)),
                         code="territoire.init_refuse")


def verifier_avant_init(racine: Path) -> tuple[list, bool]:
    """Every check init can make before writing anything; returns the personal identities and whether
    they are new (to be written). Raises one FamnumError listing every problem found."""
    depot.ouvrir(racine)
    if (racine / "data" / "families" / "destinataires.txt").exists():
        raise FamnumError(f"{racine} est déjà un territoire famnum (data/families/destinataires.txt existe).", code="territoire.deja_territoire",
                          correction="travaillez dans ce territoire, ou lancez « famnum init » dans un dépôt git vide.")
    problemes = [p for p in (probleme_identite_git(racine), probleme_fichiers_existants(racine),
                             probleme_crochet(racine)) if p]
    identites, nouvelle = None, False
    try:
        identites, nouvelle = identite_personnelle()
    except FamnumError as e:
        problemes.append(e)
    if problemes:
        raise InitRefusee(problemes)
    return identites, nouvelle


def probleme_identite_git(racine: Path) -> FamnumError | None:
    """git refuses to commit when it cannot name the author: check it the way git commit will."""
    fait = subprocess.run(["git", "var", "GIT_COMMITTER_IDENT"], cwd=racine, capture_output=True, text=True)
    if fait.returncode == 0 and subprocess.run(["git", "var", "GIT_AUTHOR_IDENT"], cwd=racine,
                                               capture_output=True).returncode == 0:
        return None
    return FamnumError("git ne sait pas quel nom et quelle adresse inscrire comme auteur des commits (user.name et "
                       "user.email ne sont pas réglés).", code="territoire.identite_git",
                       correction="tapez, avec votre nom ou celui de votre service et une adresse de travail :\n"
                                  "    git config --global user.name \"Coordination PRE\"\n"
                                  "    git config --global user.email \"pre@exemple.fr\"\n"
                                  "puis relancez « famnum init ».")


def probleme_fichiers_existants(racine: Path) -> FamnumError | None:
    deja = [r for r in A_COPIER if (racine / r).exists()]
    if not deja:
        return None
    return FamnumError("Ces fichiers existent déjà dans le dépôt, et « famnum init » ne les écrase pas :\n"
                       + "\n".join(f"    {r}" for r in deja), code="territoire.fichiers_existants",
                       correction="lancez « famnum init » dans un dépôt git vide (« git init nouveau-dossier »), "
                                  "ou déplacez ces fichiers.")


def probleme_crochet(racine: Path) -> FamnumError | None:
    crochet = racine / ".git" / "hooks" / "pre-commit"
    if crochet.exists():
        return FamnumError(f"Un crochet git existe déjà ({crochet}) : famnum veut y installer sa garde contre les "
                           "données en clair.", code="territoire.crochet_existant",
                           correction="déplacez ce fichier, puis relancez « famnum init ».")
    return None


def identite_personnelle() -> tuple[list, bool]:
    """The steward's key if there is one; else a new one, kept in memory until the territory is ready
    (its folder checked writable now, so that writing it later cannot fail for want of rights)."""
    if os.environ.get("FAMNUM_IDENTITE") or vault.chemin_identite().is_file():
        return vault.charger_identites(), False
    chemin = vault.chemin_identite()
    existant = next(p for p in (chemin.parent, *chemin.parents) if p.exists())
    if not existant.is_dir() or not os.access(existant, os.W_OK | os.X_OK):
        raise FamnumError(f"Impossible d'écrire votre clé personnelle dans {chemin} : {existant} n'est pas modifiable.", code="territoire.cle_non_modifiable",
                          correction="donnez-vous les droits sur ce dossier, ou choisissez un autre fichier avec la "
                          "variable FAMNUM_IDENTITE_FICHIER, puis relancez « famnum init ».")
    return [vault.generer_identite()], True


def copier_modele(source: Path, racine: Path, ecrits: _Ecrits) -> None:
    for relatif in A_COPIER:
        origine, cible = source / relatif, ecrits.noter(racine / relatif)
        if origine.is_dir():
            shutil.copytree(origine, cible, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            cible.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origine, cible)


def ecrire_cles(territoire: Territoire, destinataires: list, ecrits: _Ecrits) -> None:
    ecrits.noter(territoire.familles)
    territoire.familles.mkdir(parents=True, exist_ok=True)
    vault.ecrire_atomiquement(territoire.destinataires, vault.texte_destinataires(destinataires).encode())
    creer_cle(territoire, vault.destinataires_age(destinataires))
    ecrits.noter(territoire.cle_pseudonymes)


def defaire(racine: Path, ecrits: _Ecrits) -> None:
    """Removes what init wrote (files, folders, the index's entries): the repository is as it was."""
    for chemin in reversed(ecrits.chemins):
        if chemin.is_dir() and not chemin.is_symlink():
            shutil.rmtree(chemin, ignore_errors=True)
        else:
            chemin.unlink(missing_ok=True)
    data = racine / "data"
    if data.is_dir() and not any(data.iterdir()):
        data.rmdir()
    relatifs = [str(c.relative_to(racine)) for c in ecrits.chemins if c.is_relative_to(racine) and ".git" not in c.parts]
    if relatifs:
        subprocess.run(["git", "rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", *relatifs], cwd=racine,
                       capture_output=True)


def installer_crochet(racine: Path, ecrits: _Ecrits | None = None) -> Path:
    if ecrits is not None:
        ecrits.noter(crochet_git.chemin(racine))
    return crochet_git.installer(racine)
