"""Reading every dossier at once: decrypt + parse + validate spread over the cores.

Decryption is the floor of a full read (one X25519 per recipient stanza tried), so each file is
read once, in a worker process, and only the parsed dossier and its problems come back.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from . import cache_validation, vault
from .erreurs import Probleme, Rapport
from .referentiels import Referentiels
from .schemas import SchemaFamille
from .formats import compte
from .workspace import SUFFIXE_DOSSIER

if TYPE_CHECKING:
    from .dossiers import Coffre


@dataclass
class Lecture:
    """Every dossier read in one pass, with the report of what went wrong."""

    dossiers: dict[str, dict] = field(default_factory=dict)
    rapport: Rapport = field(default_factory=Rapport)
    fuites: list | None = None  # the leaks of personal values found while reading (lire_tous(textes=…))
    identifiants: set[str] = field(default_factory=set)  # read but not kept (garder=False)
    empreintes_valides: set[str] = field(default_factory=set)  # ciphertext hashes of valid dossiers (cache_validation)
    restes: dict[str, dict] | None = None  # erased families' remainders (restes.lire_tous) once read, for the evaluation


def texte_identite_pour_workers(identites) -> list[str]:
    """The private keys as strings, handed in memory to the reading processes (never written)."""
    return [str(i) for i in identites]


def nombre_processus() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


# What to do when a command that computes from every dossier finds some that fail their checks.
CORRIGER_LES_DOSSIERS = "corrigez chaque dossier nommé (famnum famille modifier <identifiant>) ; famnum verifier les liste tous."

SEUIL_PARALLELE = 64  # below this, starting processes costs more than it saves

_etat: dict = {}


def _initialiser(cles: list[str], schema: SchemaFamille, referentiels: Referentiels, attendus: int, valider: bool,
                 aujourd_hui: date, chercher: bool = False, garder: bool = True, deja_valides: frozenset = frozenset()) -> None:
    """`chercher`: each dossier's personal values come back, for the leak guard. Arguments reach a forked
    process without being copied: a schema compiled before the fork is so once for all."""
    from .fuites import plan_personnel

    import pyrage

    _etat.update(
        identites=[pyrage.x25519.Identity.from_str(c) for c in cles],
        schema=schema,
        referentiels=referentiels,
        attendus=attendus,
        valider=valider,
        aujourd_hui=aujourd_hui,
        plan=plan_personnel(schema.champs("x-personnel")) if chercher else None,
        garder=garder,
        deja_valides=deja_valides,
    )


def _chemins(familles) -> list[str]:
    """The dossiers' files, as Coffre.chemins but 10× faster at 10,000 (no Path per file; a folder named
    like a dossier is left to the check of data/families/, which names it)."""
    with os.scandir(familles) as entrees:
        return sorted(e.path for e in entrees if e.name.endswith(SUFFIXE_DOSSIER) and not e.name.startswith(".")
                      and e.is_file())


def destinataires_perimes(origine: str, n: int, attendus: int) -> Probleme:
    """A dossier (or a remainder, checked by famnum verifier) encrypted to other holders than
    destinataires.txt lists: every reading says it, with the key."""
    return Probleme(origine, f"chiffré pour {compte(n, 'clé')} alors que destinataires.txt en liste {attendus}",
                    correction="relancez le rechiffrement : « famnum cles rechiffrer »", code="verifier.destinataires_perimes")


def _initialiser_processus(*args) -> None:
    gc.freeze()  # what a forked process inherited is never its garbage: its collections skip it
    _initialiser(*args)


def _lire_un(chemin: str) -> tuple[str, dict | str | tuple, list[Probleme], tuple, str | None, list[Probleme]]:
    """(file, dossier (only its id without `garder`), problems, its personal values as one flat tuple
    (nature, value, nature, value…: fuites.valeurs_a_plat), hash of the ciphertext when the dossier is valid,
    what a census-only dossier still lacks); a file that does not open as a dossier comes back as
    (file, ("illisible", why), [its problem], (), None, [])."""
    with open(chemin, "rb") as f:
        return _examiner(os.path.basename(chemin), f.read())


def _examiner(fichier: str, chiffre: bytes) -> tuple:
    """_lire_un for the ciphertext `chiffre` of data/families/`fichier`."""
    from .fuites import valeurs_a_plat
    from .validation import a_completer, valider_dossier

    nom = "data/families/" + fichier
    try:
        clair, dossier = vault.dechiffrer_clair_et_objet(chiffre, _etat["identites"], nom)
    except vault.FichierIllisible as e:
        return nom, ("illisible", e.nature), [e.en_probleme()], (), None, []
    problemes = []
    n = vault.nombre_destinataires(chiffre)
    if _etat["attendus"] is not None and n != _etat["attendus"]:  # None: destinataires.txt itself is unreadable
        problemes.append(destinataires_perimes(nom, n, _etat["attendus"]))
    if dossier.get("id") != fichier[: -len(SUFFIXE_DOSSIER)]:
        problemes.append(Probleme(nom, "l'identifiant inscrit dans le dossier ne correspond pas au nom du fichier",
                                  "Identifiant du dossier", correction="renommez le fichier ou corrigez l'identifiant", code="dossier.identifiant_different"))
    empreinte, avertissements = None, []
    if _etat["valider"]:
        empreinte = cache_validation.empreinte(chiffre)
        if empreinte not in _etat["deja_valides"]:  # the same ciphertext was valid under the same rules
            problemes += valider_dossier(dossier, _etat["schema"], _etat["referentiels"], nom, _etat["aujourd_hui"], clair)
        avertissements = a_completer(dossier, _etat["schema"], nom)
    valeurs = () if _etat["plan"] is None else valeurs_a_plat(dossier, _etat["plan"])
    if not _etat["garder"]:
        dossier = dossier.get("id")  # the caller needs only the id: don't ship the dossier back
    return nom, dossier, problemes, valeurs, None if problemes else empreinte, avertissements


def lire_en_parallele(coffre: Coffre, valider: bool = True, processus: int | None = None,
                      textes=None, garder: bool = True) -> Lecture:
    """Every dossier, its problems, and (with `textes`) the leaks of their personal values in these texts
    (`lecture.fuites`). `textes`: a fuites.Textes, or a function that returns one, called here once the
    processes have started: the texts are read and indexed while the processes decrypt, and each dossier's
    values are searched in them as it comes back.

    With `garder=False` (a check that needs no dossier afterwards) only ids come back from the
    workers: sending 10,000 dossiers between processes costs more than validating them."""
    chemins = _chemins(coffre.territoire.familles)
    contexte_, deja_valides = cache_validation.charger(coffre.territoire) if valider else ("", frozenset())
    schema = coffre.schema
    if valider and len(deja_valides) < len(chemins):
        _ = schema.valide_vite  # compiled once here, before the fork, rather than in every process
    args = (texte_identite_pour_workers(coffre.identites), schema, coffre.referentiels,
            coffre.nombre_destinataires(), valider, date.today(), textes is not None, garder, deja_valides)
    processus = processus or nombre_processus()
    gc.disable()  # the reading builds 100,000s of small objects and none is ever garbage
    try:
        if processus == 1 or len(chemins) < SEUIL_PARALLELE:
            _initialiser(*args)
            lecture = _rassembler(map(_lire_un, chemins), _indexer(textes))
        else:
            with multiprocessing.get_context("fork").Pool(processus, initializer=_initialiser_processus, initargs=args) as pool:
                taille = max(1, len(chemins) // (processus * 8))
                resultats = pool.imap(_lire_un, chemins, chunksize=taille)
                lecture = _rassembler(resultats, _indexer(textes))  # indexed while the processes decrypt
    finally:
        gc.enable()
    if valider and lecture.empreintes_valides != deja_valides:
        cache_validation.enregistrer(coffre.territoire, contexte_, lecture.empreintes_valides)
    return lecture


def _indexer(textes):
    """The fuites.Textes given, or made now by the function given."""
    return textes() if callable(textes) else textes


def lire_contenus(coffre: Coffre, contenus: dict[str, bytes]) -> Lecture:
    """The dossiers given as {file name in data/families/: ciphertext} (the files a commit changes), checked
    in this process exactly as lire_en_parallele checks each file, with the validation cache."""
    _, deja_valides = cache_validation.charger(coffre.territoire)
    _initialiser(texte_identite_pour_workers(coffre.identites), coffre.schema, coffre.referentiels,
                 coffre.nombre_destinataires(), True, date.today(), False, False, deja_valides)
    resultats = (_examiner(fichier, chiffre) for fichier, chiffre in sorted(contenus.items()))
    un = coffre.territoire.familles / next(iter(contenus), "")
    return _rassembler(resultats, autres_ouverts=lambda: coffre.un_autre_s_ouvre(un))


def _rassembler(resultats, textes=None, autres_ouverts=lambda: False) -> Lecture:
    """`autres_ouverts`: whether dossiers not among these open with my key (a file none of mine opens
    is then a stranger's, not a sign that my key was never added)."""
    lecture = Lecture()
    pas_pour_moi, trouvees = [], []
    lus = 0
    for nom, dossier, problemes, valeurs, empreinte, avertissements in resultats:
        lus += 1
        if valeurs and textes is not None:
            trouvees += textes.trouver(zip(valeurs[::2], valeurs[1::2]))
        if isinstance(dossier, tuple):  # ("illisible", why)
            if dossier[1] == "autre_cle":
                pas_pour_moi.append(nom)
            else:
                lecture.rapport.ajouter(*problemes)
            continue
        if problemes:
            lecture.rapport.ajouter(*problemes)
        if avertissements:
            lecture.rapport.avertir(*avertissements)
        if empreinte:
            lecture.empreintes_valides.add(empreinte)
        identifiant = dossier if isinstance(dossier, str) else dossier.get("id")
        if identifiant in lecture.dossiers or identifiant in lecture.identifiants:
            lecture.rapport.ajouter(Probleme(nom, "un autre dossier porte déjà le même identifiant",
                                             "Identifiant du dossier",
                                             correction="gardez le bon dossier et supprimez ou renumérotez l'autre", code="dossier.identifiant_en_double"))
            continue
        if isinstance(dossier, dict):
            lecture.dossiers[identifiant] = dossier
        else:
            lecture.identifiants.add(identifiant)
    lecture.rapport.compteurs["dossiers"] = lus
    lecture.fuites = None if textes is None else textes.fuites(trouvees)
    # some dossiers open and these do not: encrypted to strangers' keys; none opens: my key was never added
    ouverts = lecture.dossiers or lecture.identifiants or (pas_pour_moi and autres_ouverts())
    illisible = vault.illisible_cle_etrangere if ouverts else vault.illisible_pas_pour_moi
    for nom in pas_pour_moi:
        e = illisible(nom)
        lecture.rapport.ajouter(e.en_probleme())
    return lecture
