"""Reading every dossier at once: decrypt + parse + validate spread over the cores.

Decryption is the floor of a full read (one X25519 per recipient stanza tried), so each file is
read once, in a worker process, and only the parsed dossier and its problems come back.
"""
from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

from . import cache_validation, vault
from .dossiers import Coffre, Lecture, identifiant_du_fichier, nombre_processus, texte_identite_pour_workers
from .erreurs import Probleme
from .referentiels import Referentiels
from .schemas import SchemaFamille

SEUIL_PARALLELE = 64  # below this, starting processes costs more than it saves

_etat: dict = {}


def _initialiser(cles: list[str], schema: dict, referentiels: Referentiels, attendus: int, valider: bool,
                 aujourd_hui: date, valeurs: bool = False, garder: bool = True,
                 deja_valides: frozenset = frozenset()) -> None:
    import pyrage

    _etat.update(
        identites=[pyrage.x25519.Identity.from_str(c) for c in cles],
        schema=SchemaFamille(schema),
        referentiels=referentiels,
        attendus=attendus,
        valider=valider,
        aujourd_hui=aujourd_hui,
        valeurs=valeurs,
        garder=garder,
        deja_valides=deja_valides,
    )


def _lire_un(chemin: str) -> tuple[str, dict | None, list[Probleme], list | None, str | None, list[Probleme]]:
    """(file, dossier, problems, personal values, hash of the ciphertext when the dossier is valid,
    what a census-only dossier still lacks); a file that does not open as a dossier comes back as
    (file, ("illisible", why), [its problem], None, None, [])."""
    from .fuites import valeurs_personnelles
    from .validation import a_completer, valider_dossier

    chemin = Path(chemin)
    nom = f"data/families/{chemin.name}"
    chiffre = chemin.read_bytes()
    try:
        dossier = vault.dechiffrer_objet(chiffre, _etat["identites"], nom)
    except vault.FichierIllisible as e:
        return nom, ("illisible", e.nature), [Probleme(nom, e.probleme, correction=e.correction)], None, None, []
    problemes = []
    n = vault.nombre_destinataires(chiffre)
    if _etat["attendus"] is not None and n != _etat["attendus"]:  # None: destinataires.txt itself is unreadable
        problemes.append(Probleme(nom, f"chiffré pour {n} clé(s) alors que destinataires.txt en liste {_etat['attendus']}",
                                  correction="relancez le rechiffrement : « famnum cles rechiffrer »"))
    if dossier.get("id") != identifiant_du_fichier(chemin):
        problemes.append(Probleme(nom, "l'identifiant inscrit dans le dossier ne correspond pas au nom du fichier",
                                  "Identifiant du dossier", correction="renommez le fichier ou corrigez l'identifiant"))
    empreinte = None
    if _etat["valider"]:
        empreinte = cache_validation.empreinte(chiffre)
        if empreinte not in _etat["deja_valides"]:  # the same ciphertext was valid under the same rules
            problemes += valider_dossier(dossier, _etat["schema"], _etat["referentiels"], nom, _etat["aujourd_hui"])
    avertissements = a_completer(dossier, _etat["schema"], nom) if _etat["valider"] else []
    valeurs = None
    if _etat["valeurs"]:
        valeurs = valeurs_personnelles(dossier, _etat["schema"].champs("x-personnel"))
    if not _etat["garder"]:
        dossier = dossier.get("id")  # the caller needs only the id: don't ship the dossier back
    return nom, dossier, problemes, valeurs, None if problemes else empreinte, avertissements


def lire_en_parallele(coffre: Coffre, valider: bool = True, processus: int | None = None,
                      valeurs: bool = False, garder: bool = True) -> Lecture:
    """Every dossier, its problems, and (with `valeurs`) the personal values the leak guard looks for.

    With `garder=False` (a check that needs no dossier afterwards) only ids come back from the
    workers: sending 10,000 dossiers between processes costs more than validating them."""
    chemins = [str(c) for c in coffre.chemins()]
    contexte_, deja_valides = cache_validation.charger(coffre.territoire) if valider else ("", frozenset())
    args = (texte_identite_pour_workers(coffre.identites), coffre.schema.schema, coffre.referentiels,
            coffre.nombre_destinataires(), valider, date.today(), valeurs, garder, deja_valides)
    processus = processus or nombre_processus()
    if processus == 1 or len(chemins) < SEUIL_PARALLELE:
        _initialiser(*args)
        lecture = _rassembler(map(_lire_un, chemins))
    else:
        with multiprocessing.get_context("fork").Pool(processus, initializer=_initialiser, initargs=args) as pool:
            lecture = _rassembler(pool.imap(_lire_un, chemins, chunksize=max(1, len(chemins) // (processus * 8))))
    if valider and lecture.empreintes_valides != deja_valides:
        cache_validation.enregistrer(coffre.territoire, contexte_, lecture.empreintes_valides)
    return lecture


def _rassembler(resultats) -> Lecture:
    lecture = Lecture()
    lecture.rapport.compteurs["dossiers"] = 0
    pas_pour_moi = []
    for nom, dossier, problemes, valeurs, empreinte, avertissements in resultats:
        lecture.rapport.compteurs["dossiers"] += 1
        if isinstance(dossier, tuple):  # ("illisible", why)
            if dossier[1] == "autre_cle":
                pas_pour_moi.append(nom)
            else:
                lecture.rapport.ajouter(*problemes)
            continue
        lecture.rapport.ajouter(*problemes)
        lecture.rapport.avertir(*avertissements)
        if empreinte:
            lecture.empreintes_valides.add(empreinte)
        if isinstance(dossier, str):
            identifiant = dossier
        elif isinstance(dossier, dict):
            identifiant = dossier.get("id")
        else:
            continue
        if identifiant in lecture.dossiers or identifiant in lecture.identifiants:
            lecture.rapport.ajouter(Probleme(nom, "un autre dossier porte déjà le même identifiant",
                                             "Identifiant du dossier",
                                             correction="gardez le bon dossier et supprimez ou renumérotez l'autre"))
            continue
        if isinstance(dossier, dict):
            lecture.dossiers[identifiant] = dossier
        else:
            lecture.identifiants.add(identifiant)
        if valeurs is not None:
            lecture.valeurs_personnelles.append(valeurs)
    # some dossiers open and these do not: encrypted to strangers' keys; none opens: my key was never added
    illisible = vault.illisible_cle_etrangere if lecture.dossiers or lecture.identifiants else vault.illisible_pas_pour_moi
    for nom in pas_pour_moi:
        e = illisible(nom)
        lecture.rapport.ajouter(Probleme(nom, e.probleme, correction=e.correction))
    return lecture
