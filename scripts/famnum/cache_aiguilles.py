"""The leak guard's values of every dossier, as keyed hashes: build/cache/aiguilles.json.

A text a commit changes may hold any family's values, so the incremental check (pre-commit hook,
`famnum verifier --depuis`) searches it for all of them. Decrypting 10,000 dossiers for one changed page
costs seconds: this cache keeps, for each ciphertext (by its SHA-256, as cache_validation does), the
values the guard searches (fuites.valeurs_personnelles), each as an HMAC-SHA256 under a key derived from
the private key. Without that key the file tells nothing of any value; it holds no id, no name, nothing in
clear but the nature of each value (nom, telephone…) and its number of words. The changed texts' ids,
e-mails, phone numbers, dates and runs of words are hashed the same way and looked up: only the dossiers
whose ciphertext the cache does not know yet are decrypted. It lives in build/ (never committed).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from . import cache_validation, vault
from .fuites import Fuite, Textes, plan_personnel, valeurs_personnelles
from .workspace import SUFFIXE_DOSSIER, Territoire

_CODE = [Path(__file__).with_name(nom) for nom in ("fuites.py", "cache_aiguilles.py")]
_PAR_MOTS = ("nom", "adresse")  # searched as runs of words; the others as one whole value of their nature
_GENRE_DES_DATES = "date"


def chemin(territoire: Territoire) -> Path:
    return territoire.racine / "build" / "cache" / "aiguilles.json"


def cle(identites) -> bytes:
    """The key of the hashes, derived from the first private key; never written anywhere."""
    return hmac.new(str(identites[0]).encode(), b"famnum : aiguilles de la garde contre les fuites", hashlib.sha256).digest()


def _hacher(cle_: bytes, valeur: str) -> str:
    return hmac.new(cle_, valeur.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def contexte(territoire: Territoire, cle_: bytes) -> str:
    """What the hashes depend on besides the dossiers: the key, the schema's personal fields, the code."""
    h = hashlib.sha256(_hacher(cle_, "contexte").encode())
    for source in (territoire.schema_famille, *_CODE):
        h.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return h.hexdigest()


def _aiguilles(dossier: dict, plan: dict, cle_: bytes) -> list[list]:
    """[nature, number of words (0: searched whole), hash] for each value the guard searches in a dossier."""
    return [[nature, len(valeur.split()) if nature in _PAR_MOTS else 0, _hacher(cle_, valeur)]
            for nature, valeur in valeurs_personnelles(dossier, plan) if isinstance(valeur, str) and valeur]


def charger(territoire: Territoire, contexte_: str) -> dict[str, list]:
    """{ciphertext hash: its values' hashes}; nothing when the file is absent, unreadable or of another context."""
    import orjson

    try:
        contenu = orjson.loads(chemin(territoire).read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(contenu, dict) or contenu.get("contexte") != contexte_ or not isinstance(contenu.get("dossiers"), dict):
        return {}
    return contenu["dossiers"]


def enregistrer(territoire: Territoire, contexte_: str, dossiers: dict[str, list]) -> None:
    """Keeps exactly the dossiers read now (files gone or changed fall out). Never fails a command."""
    import orjson

    try:
        vault.ecrire_atomiquement(chemin(territoire), orjson.dumps({"contexte": contexte_, "dossiers": dossiers}))
    except OSError:
        pass  # a read-only checkout still checks, only without the cache


def aiguilles_des_dossiers(coffre) -> tuple[dict[str, list], bytes]:
    """(every dossier's values as hashes, by ciphertext hash; the key): from the cache, each dossier the cache
    does not know decrypted here and added. A file that does not open gives no value (the check of that
    file says why)."""
    territoire = coffre.territoire
    cle_ = cle(coffre.identites)
    contexte_ = contexte(territoire, cle_)
    gardees = charger(territoire, contexte_)
    dossiers, plan = {}, None
    with os.scandir(territoire.familles) as entrees:
        fichiers = sorted((e.name, e.path) for e in entrees if e.name.endswith(SUFFIXE_DOSSIER) and e.is_file())
    for nom, fichier in fichiers:
        with open(fichier, "rb") as f:
            chiffre = f.read()
        empreinte = cache_validation.empreinte(chiffre)
        if empreinte not in gardees:
            plan = plan or plan_personnel(coffre.schema.champs("x-personnel"))
            try:
                dossier = vault.dechiffrer_objet(chiffre, coffre.identites, f"data/families/{nom}")
                gardees[empreinte] = _aiguilles(dossier, plan, cle_)
            except vault.FichierIllisible:
                gardees[empreinte] = []
        dossiers[empreinte] = gardees[empreinte]
    if dossiers.keys() != gardees.keys() or plan is not None:
        enregistrer(territoire, contexte_, dossiers)
    return dossiers, cle_


def fuites(coffre, textes: Textes) -> list[Fuite]:
    """The leaks of any dossier's values in `textes`, found as Textes.trouver finds them, by keyed hashes."""
    dossiers, cle_ = aiguilles_des_dossiers(coffre)
    index: dict[tuple[str, str], list[tuple[str, str]]] = {}
    longueurs = set()
    for empreinte, aiguilles in dossiers.items():
        for nature, mots, valeur in aiguilles:
            genre = "mots" if mots else _GENRE_DES_DATES if nature == "date_naissance" else nature
            index.setdefault((genre, valeur), []).append((empreinte, nature))
            longueurs.add(mots)
    trouvees: dict[tuple[int, str], set[str]] = {}
    dates = []
    for numero, genre, valeur in textes.candidats(sorted(longueurs - {0})):
        for empreinte, nature in index.get((genre, _hacher(cle_, valeur)), ()):
            if nature == "date_naissance":
                dates.append((numero, empreinte))
            elif not (nature == "nom" and valeur in textes.publics):
                trouvees.setdefault((numero, empreinte), set()).add(nature)
    for lieu in dates:  # a date of birth counts beside another value of the same family
        if lieu in trouvees:
            trouvees[lieu].add("date de naissance")
    return textes.fuites((numero, nature) for (numero, _), natures in trouvees.items() for nature in natures)
