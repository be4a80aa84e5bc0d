"""`famnum verifier`: every problem at once, as a report.

Two parts. The plain-text part needs no key (the git pre-commit hook runs it): only ciphertext and
the recipients list in data/families/, only ciphertext in data/effaces/ (erased families' anonymous
remainders), no private key and no dossier in clear anywhere in the tree.
The full part decrypts every dossier and remainder in memory (a remainder: its shape and its
holders), validates each dossier against the schema and the reference
tables, and searches the repository for any of their personal values in clear.
"""
from __future__ import annotations

import re

from . import depot, restes, vault
from .erreurs import Probleme, Rapport
from .workspace import NOM_DESTINATAIRES, SUFFIXE_DOSSIER, Territoire

# The prefix is split so that a grep of the tree for private keys finds none in famnum itself.
_CLE_PRIVEE = re.compile("AGE-SECRET-KEY" + r"-1[0-9A-Z]{20,}")
_DOSSIER_EN_CLAIR = re.compile(r"representants_legaux")
_DONNEE_PERSONNELLE = re.compile(r"\+33\d{9}|\b\d{4}-\d{2}-\d{2}\b|\b\d{2}/\d{2}/\d{4}\b|\b0\d(?:[ .]?\d{2}){4}\b")
_IGNORES_CLAIR = ("data/schemas/", ".git/", ".venv/", "build/", "site/")


def fichiers_du_depot(territoire: Territoire) -> list[str]:
    """Tracked files plus untracked ones that are not ignored: what a commit could carry. Encrypted
    files (*.json.age) are left out: they are checked apart, and with 10,000 of them a stat each costs."""
    depot_git = depot.ouvrir(territoire.racine)
    sortie = depot_git.git.ls_files("-z", "--cached", "--others", "--exclude-standard")
    return sorted({f for f in sortie.split("\0")
                   if f and not f.endswith(SUFFIXE_DOSSIER) and (territoire.racine / f).is_file()})


def verifier_texte_clair(territoire: Territoire, fichiers: list[str] | None = None) -> Rapport:
    """The checks that need no key (the pre-commit hook's); `fichiers`: fichiers_du_depot, if already listed."""
    rapport = Rapport()
    _verifier_dossier_familles(territoire, rapport)
    restes.verifier_fichiers(territoire, rapport)
    for relatif in fichiers_du_depot(territoire) if fichiers is None else fichiers:
        if relatif.startswith(_IGNORES_CLAIR):
            continue
        chemin = territoire.racine / relatif
        try:
            texte = chemin.read_text(encoding="utf-8", errors="ignore")
        except OSError:
            continue
        if _CLE_PRIVEE.search(texte):  # a .md too: content/ is the public site's source
            rapport.ajouter(Probleme(relatif, "contient une clé privée age (AGE-SECRET-KEY-…)",
                                     correction="retirez ce fichier du dépôt et gardez la clé hors du dépôt (~/.config/famnum/)"))
        if _DOSSIER_EN_CLAIR.search(texte) and _DONNEE_PERSONNELLE.search(texte):
            rapport.ajouter(Probleme(relatif, "ressemble à un dossier de famille en clair",
                                     correction="supprimez ce fichier (et videz la corbeille) : les dossiers ne "
                                                "s'écrivent que chiffrés, avec les commandes famnum"))
    return rapport


def _verifier_dossier_familles(territoire: Territoire, rapport: Rapport) -> None:
    if not territoire.familles.is_dir():
        rapport.ajouter(Probleme("data/families", "dossier absent", correction="restaurez-le depuis git"))
        return
    for chemin in sorted(territoire.familles.iterdir(), key=lambda c: c.name):  # names sort 10× faster than paths
        relatif = f"data/families/{chemin.name}"
        if chemin.name == NOM_DESTINATAIRES:
            continue
        if chemin.is_dir() or not chemin.name.endswith(SUFFIXE_DOSSIER):
            rapport.ajouter(Probleme(relatif, "fichier inattendu dans data/families/ (seuls les dossiers chiffrés "
                                              "*.json.age et destinataires.txt y ont leur place)",
                                     correction="déplacez-le hors du dépôt ; s'il contient des données en clair, "
                                                "supprimez-le définitivement"))
            continue
        with chemin.open("rb") as f:
            entete = f.read(len(vault.ENTETE_AGE))
        if entete != vault.ENTETE_AGE:
            rapport.ajouter(Probleme(relatif, "n'est pas un fichier chiffré age",
                                     correction="supprimez-le ; recréez le dossier avec « famnum famille nouvelle »"))


def verifier_tout(coffre, processus: int | None = None, chercher_fuites: bool = True, garder: bool = True):
    """The full check. Returns (report, reading) so that later steps reuse the decrypted dossiers
    (`garder=False` when nothing follows: the reading then keeps only the ids)."""
    from .fuites import aiguilles_de_la_lecture, fichiers_texte, scanner

    territoire = coffre.territoire
    suivis = fichiers_du_depot(territoire)
    rapport = verifier_texte_clair(territoire, suivis)
    lecture = coffre.lire_tous(valider=True, processus=processus, valeurs=chercher_fuites, garder=garder)
    rapport.fusionner(lecture.rapport)
    lus = restes.verifier_contenus(territoire, coffre.identites, coffre.nombre_destinataires(), rapport)
    if garder:
        lecture.restes = lus  # the evaluation that follows (famnum publier) decrypts them no second time
    if coffre.erreur_destinataires is not None:
        rapport.ajouter(_probleme_destinataires(coffre.erreur_destinataires))
    elif len(coffre.destinataires) < 2:
        rapport.avertir(Probleme("data/families/destinataires.txt", "une seule clé peut ouvrir les dossiers : "
                                 "si elle est perdue, tout est perdu",
                                 correction="ajoutez une clé de secours imprimée (« famnum cles ajouter … --role \"clé de secours\" »)"))
    if chercher_fuites and (lecture.dossiers or lecture.identifiants):
        aiguilles = aiguilles_de_la_lecture(lecture, territoire)
        fichiers = fichiers_texte(territoire.racine, suivis, exclure=("build/", "site/"))
        for fuite in scanner(aiguilles, territoire.racine, fichiers):
            rapport.ajouter(Probleme(fuite.fichier, f"contient en clair une donnée personnelle d'un dossier ({fuite.nature})",
                                     correction="retirez-la de ce fichier ; si le fichier a été commité, "
                                                "l'historique git la garde : prévenez le responsable des données"))
    return rapport, lecture


def _probleme_destinataires(erreur: vault.FichierIllisible) -> Probleme:
    return Probleme(erreur.fichier, erreur.probleme, correction=erreur.correction)

