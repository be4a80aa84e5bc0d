"""`famnum verifier`: every problem at once, as a report.

Two parts. The plain-text part needs no key (the git pre-commit hook runs it): only ciphertext and
the recipients list in data/families/, only ciphertext in data/effaces/ (erased families' anonymous
remainders), no private key and no dossier in clear anywhere in the tree.
The full part decrypts every dossier and remainder in memory (a remainder: its shape and its
holders), validates each dossier against the schema and the reference
tables, and searches the repository for any of their personal values in clear.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from . import depot, restes, vault
from .erreurs import FamnumError, Probleme, Rapport
from .workspace import NOM_DESTINATAIRES, SUFFIXE_DOSSIER, Territoire

# The prefix is split so that a grep of the tree for private keys finds none in famnum itself.
_CLE_PRIVEE = re.compile("AGE-SECRET-KEY" + r"-1[0-9A-Z]{20,}")
_DOSSIER_EN_CLAIR = re.compile(r"representants_legaux")
_DONNEE_PERSONNELLE = re.compile(r"\+33\d{9}|\b\d{4}-\d{2}-\d{2}\b|\b\d{2}/\d{2}/\d{4}\b|\b0\d(?:[ .]?\d{2}){4}\b")
_IGNORES_CLAIR = ("data/schemas/", ".git/", ".venv/", "build/", "site/")


def fichiers_du_depot(territoire: Territoire) -> list[str]:
    """Tracked files plus untracked ones that are not ignored: what a commit could carry. Encrypted
    files (*.json.age) are left out: they are checked apart, and with 10,000 of them a stat each costs."""
    sortie = depot.lire(territoire.racine, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({f for f in sortie.split("\0")
                   if f and not f.endswith(SUFFIXE_DOSSIER) and (territoire.racine / f).is_file()})


def verifier_texte_clair(territoire: Territoire, fichiers: list[str] | None = None, entetes: bool = True) -> Rapport:
    """The checks that need no key (`famnum verifier --texte-clair`); `fichiers`: fichiers_du_depot, if
    already listed; `entetes=False` when the reading that follows opens every dossier anyway (it reports a
    file that is not age-encrypted), so that nothing reads 10,000 headers before the processes start."""
    rapport = Rapport()
    _verifier_dossier_familles(territoire, rapport, entetes)
    _verifier_fichiers_des_restes(territoire, rapport)
    for relatif in fichiers_du_depot(territoire) if fichiers is None else fichiers:
        if relatif.startswith(_IGNORES_CLAIR):
            continue
        try:
            texte = (territoire.racine / relatif).read_text(encoding="utf-8", errors="ignore")
        except OSError:
            continue
        rapport.ajouter(*_problemes_texte(relatif, texte))
    return rapport


def _problemes_texte(relatif: str, texte: str) -> list[Probleme]:
    """A private key or a dossier in clear in a file of the repository."""
    problemes = []
    if _CLE_PRIVEE.search(texte):  # a .md too: content/ is the public site's source
        problemes.append(Probleme(relatif, "contient une clé privée age (AGE-SECRET-KEY-…)",
                                  correction="retirez ce fichier du dépôt et gardez la clé hors du dépôt (~/.config/famnum/)", code="verifier.cle_privee"))
    if _DOSSIER_EN_CLAIR.search(texte) and _DONNEE_PERSONNELLE.search(texte):
        problemes.append(Probleme(relatif, "ressemble à un dossier de famille en clair",
                                  correction="supprimez ce fichier (et videz la corbeille) : les dossiers ne "
                                             "s'écrivent que chiffrés, avec les commandes famnum", code="verifier.dossier_en_clair"))
    return problemes


def _verifier_dossier_familles(territoire: Territoire, rapport: Rapport, entetes: bool = True) -> None:
    if not territoire.familles.is_dir():
        rapport.ajouter(Probleme("data/families", "dossier absent", correction="restaurez-le depuis git", code="verifier.dossier_absent"))
        return
    with os.scandir(territoire.familles) as entrees:  # the kind of each entry comes without a stat
        fichiers = sorted(entrees, key=lambda e: e.name)
    for entree in fichiers:
        if entree.name == NOM_DESTINATAIRES:
            continue
        attendu = not entree.is_dir() and entree.name.endswith(SUFFIXE_DOSSIER)
        entete = None
        if attendu and entetes:
            with open(entree.path, "rb") as f:
                entete = f.read(len(vault.ENTETE_AGE))
        rapport.ajouter(*_problemes_familles(f"data/families/{entree.name}", attendu, entete))


def _problemes_familles(relatif: str, attendu: bool, entete: bytes | None) -> list[Probleme]:
    """One entry of data/families/ without a key: `attendu`, a file named *.json.age; `entete`, its first
    bytes (None: not read)."""
    if not attendu:
        return [fichier_inattendu(relatif, "data/families/", "les dossiers chiffrés *.json.age et destinataires.txt")]
    if entete is not None and entete != vault.ENTETE_AGE:
        return [vault.pas_age(relatif).en_probleme()]
    return []


def fichier_inattendu(origine: str, dossier: str, seuls: str) -> Probleme:
    """A file that has no place in data/families/ or data/effaces/ (`seuls`: what does)."""
    return Probleme(origine, f"fichier inattendu dans {dossier} (seuls {seuls} y ont leur place)",
                    correction="déplacez-le hors du dépôt ; s'il contient des données en clair, supprimez-le définitivement",
                    code="verifier.fichier_inattendu")


def _verifier_fichiers_des_restes(territoire: Territoire, rapport: Rapport) -> None:
    """Without a key: only ciphertexts live in data/effaces/."""
    dossier = restes.dossier_restes(territoire)
    if not dossier.is_dir():
        return
    for chemin in sorted(dossier.iterdir()):
        if chemin.is_dir() or not chemin.name.endswith(SUFFIXE_DOSSIER):
            rapport.ajouter(fichier_inattendu(restes.relatif(chemin), f"data/{restes.NOM_DOSSIER}/",
                                              "les restes anonymes chiffrés *.json.age"))
            continue
        with chemin.open("rb") as f:
            if f.read(len(vault.ENTETE_AGE)) != vault.ENTETE_AGE:
                rapport.ajouter(vault.pas_age(restes.relatif(chemin)).en_probleme())


def _verifier_contenus_des_restes(territoire: Territoire, identites, attendus: int | None, rapport: Rapport) -> dict[str, dict]:
    """With the key: each remainder opens, has the remainder's shape and is encrypted to every holder.
    Returns the remainders read, keyed as restes.lire_tous keys them (the evaluation then reads none again)."""
    from .lecture import destinataires_perimes

    lus = {}
    for chemin in restes.chemins(territoire):
        chiffre = chemin.read_bytes()
        if not chiffre.startswith(vault.ENTETE_AGE):
            continue  # already reported by _verifier_fichiers_des_restes
        try:
            lus[restes.PREFIXE_CLE + chemin.name[: -len(SUFFIXE_DOSSIER)]] = restes.lire(chemin, identites)
        except vault.FichierIllisible as e:
            rapport.ajouter(e.en_probleme())
            continue
        n = vault.nombre_destinataires(chiffre)
        if attendus is not None and n != attendus:  # None: destinataires.txt is unreadable, reported apart
            rapport.ajouter(destinataires_perimes(restes.relatif(chemin), n, attendus))
    return lus


def verifier_tout(coffre, processus: int | None = None, garder: bool = True):
    """The full check. Returns (report, reading) so that later steps reuse the decrypted dossiers
    (`garder=False` when nothing follows: the reading then keeps only the ids)."""
    from . import cache_textes
    from .fuites import fichiers_texte, lire

    territoire = coffre.territoire
    rapport = Rapport()

    def pendant_la_lecture():
        """The parent's own work, done while the reading processes decrypt: the checks without a key,
        then the texts read and indexed for the leak guard (the index kept while they do not change)."""
        suivis = fichiers_du_depot(territoire)
        rapport.fusionner(verifier_texte_clair(territoire, suivis, entetes=False))
        lus = lire(territoire.racine, fichiers_texte(territoire.racine, suivis, exclure=("build/", "site/")))
        return cache_textes.indexer(territoire, lus)

    lecture = coffre.lire_tous(valider=True, processus=processus, textes=pendant_la_lecture, garder=garder)
    rapport.fusionner(lecture.rapport)
    lus = _verifier_contenus_des_restes(territoire, coffre.identites, coffre.nombre_destinataires(), rapport)
    if garder:
        lecture.restes = lus  # the evaluation that follows (famnum publier) decrypts them no second time
    if coffre.erreur_destinataires is not None:
        rapport.ajouter(_probleme_destinataires(coffre.erreur_destinataires))
    elif len(coffre.destinataires) < 2:
        rapport.avertir(Probleme("data/families/destinataires.txt", "une seule clé peut ouvrir les dossiers : "
                                 "si elle est perdue, tout est perdu",
                                 correction="ajoutez une clé de secours imprimée (« famnum cles ajouter … --role \"clé de secours\" »)", code="verifier.une_seule_cle"))
    rapport.ajouter(*map(_probleme_fuite, lecture.fuites or []))
    return rapport, lecture


def _probleme_destinataires(erreur: vault.FichierIllisible) -> Probleme:
    return erreur.en_probleme()



# --- the incremental check: what a commit changes (pre-commit hook, famnum verifier --depuis) ---------

# A change to one of these can make any dossier wrong (rules, reference tables, holders, remainders):
# the incremental check then runs the full one.
_TOUT_REVERIFIER = ("data/schemas/", "data/referentiels/", f"data/families/{NOM_DESTINATAIRES}", "data/effaces/")
_ARBRE_VIDE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's empty tree: what a first commit is compared with


def changements(territoire: Territoire, depuis: str | None = None) -> dict[str, bytes]:
    """{relative path: content} of the files changed since the commit `depuis`, as they are in the working
    tree (untracked files included); with `depuis=None`, those staged for the next commit, as staged
    (the pre-commit hook). Deleted files are not listed: nothing is left to check in them."""
    racine = territoire.racine
    if depuis is not None:
        noms = depot.lire(racine, "diff", "--name-only", "--no-renames", "--diff-filter=d", "-z", depuis, "--").split("\0")
        noms += depot.lire(racine, "ls-files", "-z", "--others", "--exclude-standard").split("\0")
        return {nom: (racine / nom).read_bytes() for nom in sorted(set(noms)) if nom and (racine / nom).is_file()}
    noms = [n for n in depot.lire(racine, "diff", "--cached", "--name-only", "--no-renames", "--diff-filter=d", "-z",
                                  _base_du_commit(racine), "--").split("\0") if n]
    return _contenus_de_l_index(racine, noms)


def _base_du_commit(racine: Path) -> str:
    """HEAD, or git's empty tree before the first commit."""
    try:
        return depot.lire(racine, "rev-parse", "--verify", "-q", "HEAD^{commit}").strip()
    except FamnumError:
        return _ARBRE_VIDE


def _contenus_de_l_index(racine: Path, noms: list[str]) -> dict[str, bytes]:
    """The staged content of each file, in one `git cat-file --batch`."""
    if not noms:
        return {}
    sortie = depot.lire_octets(racine, "cat-file", "--batch", entree="".join(f":{n}\n" for n in noms).encode())
    contenus, position = {}, 0
    for nom in noms:
        fin = sortie.index(b"\n", position)
        entete = sortie[position:fin].split()
        position = fin + 1
        if len(entete) == 3 and entete[1] == b"blob":
            taille = int(entete[2])
            contenus[nom] = sortie[position:position + taille]
            position += taille + 1
    return contenus


def verifier_changements(territoire: Territoire, contenus: dict[str, bytes], coffre=None) -> Rapport:
    """The checks of the changed files only (`contenus`: changements()): what the full check would find in
    them, at the cost of what changed. Without a key (`coffre` None), the checks that need none.

    A changed dossier is decrypted and checked alone; a changed text file is searched for the personal
    values of every dossier, by their keyed hashes (cache_aiguilles: only a dossier the cache does not know
    yet is decrypted). A change to the rules, the reference tables, the holders or the remainders runs the
    full check."""
    if any(nom.startswith(_TOUT_REVERIFIER) for nom in contenus):
        return verifier_tout(coffre, garder=False)[0] if coffre is not None else verifier_texte_clair(territoire)
    rapport = Rapport()
    dossiers, textes = {}, {}
    for relatif, contenu in sorted(contenus.items()):
        if relatif.startswith("data/families/"):
            nom = relatif[len("data/families/"):]
            attendu = "/" not in nom and nom.endswith(SUFFIXE_DOSSIER)
            problemes = _problemes_familles(relatif, attendu, contenu[:len(vault.ENTETE_AGE)])
            rapport.ajouter(*problemes)
            if attendu and not problemes:
                dossiers[nom] = contenu
        elif not relatif.endswith(SUFFIXE_DOSSIER) and not relatif.startswith(_IGNORES_CLAIR):
            texte = contenu.decode("utf-8", "ignore")
            rapport.ajouter(*_problemes_texte(relatif, texte))
            textes[relatif] = texte
    if coffre is not None:
        _verifier_avec_la_cle(coffre, dossiers, textes, rapport)
    return rapport


def _verifier_avec_la_cle(coffre, dossiers: dict[str, bytes], textes: dict[str, str], rapport: Rapport) -> None:
    from . import cache_aiguilles
    from .fuites import EXTENSIONS_TEXTE, Textes, noms_publics_du_territoire
    from .lecture import lire_contenus

    if dossiers:
        lecture = lire_contenus(coffre, dossiers)
        rapport.fusionner(lecture.rapport)
    a_fouiller = {r: t for r, t in textes.items() if Path(r).suffix.lower() in EXTENSIONS_TEXTE}
    if a_fouiller:  # a changed text may hold any family's values: searched by their keyed hashes, kept in a cache
        textes = Textes(list(a_fouiller.items()), noms_publics_du_territoire(coffre.territoire))
        rapport.ajouter(*map(_probleme_fuite, cache_aiguilles.fuites(coffre, textes)))


def _probleme_fuite(fuite) -> Probleme:
    return Probleme(fuite.fichier, f"contient en clair une donnée personnelle d'un dossier ({fuite.nature})",
                    correction="retirez-la de ce fichier ; si le fichier a été commité, "
                               "l'historique git la garde : prévenez le responsable des données", code="verifier.fuite")
