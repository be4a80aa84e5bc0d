"""Searching files for the personal values of the dossiers: the guard that nothing leaks.

Values come from the fields the schema marks `x-personnel`. Ids, phone numbers, e-mails, full names
and addresses are *strong*: one hit is a leak. A date of birth alone is *weak* (a page may carry a
date that happens to be someone's birthday): it counts when another value of the same family sits in
the same file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from .erreurs import FamnumError
from .formats import en_ascii
from .schemas import SchemaFamille

_ID = re.compile(r"F-[2-9A-HJ-NP-Z]{5}")
_COURRIEL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_AVANT_AROBASE = re.compile(r"[\w.+-]")
_TELEPHONE = re.compile(r"(?:\+|00)?\d(?:[\s.\-]?\d){8,13}")
# Every phone number lies inside one such run (a « + » only first): _TELEPHONE is tried within them only.
_SUITE_DE_CHIFFRES = re.compile(r"[+\d][\d\s.\-]{8,}")
_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{2})/(\d{2})/(\d{4})\b")
# Where a date may begin (_DATE without its word boundaries): the only places _DATE is tried.
_DEBUT_DE_DATE = re.compile(r"\d\d(?:\d\d-\d\d-\d\d|/\d\d/\d{4})")
# Lower-case ASCII letters and digits kept, every other byte a space: the words of a text, in one pass.
_HORS_MOTS = bytes(o if "0" <= chr(o) <= "9" or "a" <= chr(o) <= "z" else 32 for o in range(256))
EXTENSIONS_TEXTE = {".html", ".htm", ".xml", ".json", ".csv", ".md", ".txt", ".js", ".yaml", ".yml", ".svg", ".tsv", ".log"}
# What a published folder holds that is not read as text (ARCHITECTURE.md, « Ce que la recherche de fuites
# ne lit pas »): the site's PDFs, printed from its pages, which are read; images and fonts of the model
# and the theme. Any other file of site/ or build/public/ is read as text.
NON_LUS = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".woff", ".woff2", ".ttf", ".otf", ".eot")
COPIES_COMPRESSEES = (".gz", ".br")  # site.leger.precompresser: the same bytes as the file beside them
REFAIRE_LES_COPIES = ("supprimez le cache des fichiers compressés (rm -r build/cache/compression), puis relancez : "
                      "chaque copie sera refaite depuis son fichier.")
MAX_JETONS_NOM = 6


def jetons(texte: str) -> list[str]:
    """The words of a text: runs of lower-case ASCII letters and digits, accents removed."""
    return en_ascii(texte).encode("ascii").translate(_HORS_MOTS).decode("ascii").split()


def normaliser(texte: str) -> str:
    """Lower-case ASCII words joined by one space. A plain ASCII word (most names) is only lowered."""
    if isinstance(texte, str) and texte.isascii() and texte.isalnum():
        return texte.lower()
    return " ".join(jetons(texte))


def courriels(texte: str):
    """What _COURRIEL.findall finds, tried only where an « @ » is: its leftmost possible start, back
    from the « @ » (a local part holds no « @ »), then on after the address or after the « @ »."""
    debut = 0
    while (arobase := texte.find("@", debut)) != -1:
        depart = arobase
        while depart > debut and _AVANT_AROBASE.match(texte, depart - 1):
            depart -= 1
        trouve = _COURRIEL.match(texte, depart) if depart < arobase else None
        if trouve:
            yield trouve.group()
        debut = trouve.end() if trouve else arobase + 1


def telephones(texte: str):
    """Each phone number of a text, in the international form (telephone_normalise)."""
    for suite in _SUITE_DE_CHIFFRES.findall(texte):
        for brut in _TELEPHONE.findall(suite):
            numero = telephone_normalise(brut)
            if numero:
                yield numero


def dates(texte: str):
    """Each date of a text as AAAA-MM-JJ (written so or JJ/MM/AAAA): what _DATE.finditer finds, tried
    only where _DEBUT_DE_DATE says one may begin."""
    debut = 0
    while debut_possible := _DEBUT_DE_DATE.search(texte, debut):
        m = _DATE.match(texte, debut_possible.start())
        if m:
            yield f"{m[1]}-{m[2]}-{m[3]}" if m[1] else f"{m[6]}-{m[5]}-{m[4]}"
        debut = m.end() if m else debut_possible.start() + 1


def telephone_normalise(brut: str) -> str | None:
    chiffres = re.sub(r"\D", "", brut)
    if brut.strip().startswith(("+", "00")):
        chiffres = chiffres[2:] if brut.strip().startswith("00") else chiffres
        return "+" + chiffres
    if len(chiffres) == 10 and chiffres.startswith("0"):
        return "+33" + chiffres[1:]
    if len(chiffres) == 9 and chiffres[0] in "123456789":
        return "+33" + chiffres
    return None


_NATURES_PAR_CHAMP = ("telephone", "courriel", "adresse", "date_naissance")
# A field marked `nom` holds a surname when it is the `nom` half of a prenom/nom pair (searched as the
# pair, below); any other (the census list's « responsable ») holds a whole name as written.
_NOM_COMPLET = "nom_complet"


def plan_personnel(champs) -> dict:
    """The schema's `x-personnel` fields (SchemaFamille.champs) as a tree of keys ("*": every element
    of a list) whose leaves are natures: one walk of a dossier reads them all."""
    plan: dict = {}
    for chemin, nature in champs:
        if nature == "nom" and chemin[-1] != "nom":
            nature = _NOM_COMPLET
        elif nature not in _NATURES_PAR_CHAMP:
            continue
        noeud = plan
        for cle in chemin[:-1]:
            noeud = noeud.setdefault(cle, {})
        noeud[chemin[-1]] = nature
    return plan


def _cueillir(donnees, plan: dict, sortie: list) -> None:
    for cle, suite in plan.items():
        if cle == "*":
            if isinstance(donnees, list):
                for element in donnees:
                    _cueillir(element, suite, sortie)
        elif isinstance(donnees, dict) and cle in donnees:
            if isinstance(suite, str):
                sortie.append((suite, donnees[cle]))
            else:
                _cueillir(donnees[cle], suite, sortie)


def valeurs_personnelles(dossier: dict, plan: dict) -> list[tuple[str, str]]:
    """(nature, value as searched) for every personal value of one dossier (`plan`: plan_personnel).
    Cheap enough to run in the reading processes, so the main process only gathers small lists."""
    valeurs = [("identifiant", dossier.get("id", ""))]
    fiche = dossier.get("fiche", {})
    for personne in (fiche.get("enfants") or []) + (fiche.get("representants_legaux") or []):
        prenom, nom = normaliser(personne.get("prenom", "")), normaliser(personne.get("nom", ""))
        if prenom and nom:
            valeurs += [("nom", f"{prenom} {nom}"), ("nom", f"{nom} {prenom}")]
    brutes: list = []
    _cueillir(dossier, plan, brutes)
    for nature, valeur in brutes:
        if not isinstance(valeur, str):
            continue
        if nature == "courriel":
            valeurs.append(("courriel", valeur.lower()))
        elif nature == "adresse":
            adresse = normaliser(valeur)
            if len(adresse) >= 8:
                valeurs.append(("adresse", adresse))
        elif nature == _NOM_COMPLET:
            valeurs += [("nom", ordre) for ordre in _ordres_du_nom(valeur)]
        else:  # telephone, date_naissance: searched as stored
            valeurs.append((nature, valeur))
    return valeurs


def valeurs_a_plat(dossier: dict, plan: dict) -> tuple[str, ...]:
    """valeurs_personnelles as one flat tuple (nature, value, nature, value…): what a reading process
    sends back costs little to pickle."""
    return tuple(chain.from_iterable(valeurs_personnelles(dossier, plan)))


def _ordres_du_nom(valeur: str) -> list[str]:
    """A whole name as a list writes it (« DUPONT Marie Claire »), normalised, in the orders a page may
    use: as written, surname last, surname first. One word alone is not searched (too common)."""
    mots = jetons(valeur)
    if len(mots) < 2:
        return []
    return list(dict.fromkeys([" ".join(mots), " ".join(mots[1:] + mots[:1]), " ".join(mots[-1:] + mots[:-1])]))


def noms_publics(texte_public: str) -> set[str]:
    """Every run of 2 to MAX_JETONS_NOM words of a public text, normalised: a family name equal to one
    of them (a school named « Claude Bernard ») cannot, alone, prove a leak."""
    mots = jetons(texte_public)
    return {" ".join(mots[debut:debut + longueur])
            for debut in range(len(mots)) for longueur in range(2, MAX_JETONS_NOM + 1)
            if debut + longueur <= len(mots)}


def noms_publics_du_territoire(territoire) -> set[str]:
    """The public names of every reference table of the territory (data/referentiels/*.csv)."""
    publics: set[str] = set()
    for referentiel in sorted(territoire.referentiels.glob("*.csv")):
        publics |= noms_publics(referentiel.read_text(encoding="utf-8"))
    return publics


def _en_listes(table: dict[str, set[int]]) -> dict[str, list[int]]:
    return {valeur: list(numeros) for valeur, numeros in table.items()}


def _en_ensembles(table: dict[str, list[int]]) -> dict[str, set[int]]:
    return {valeur: set(numeros) for valeur, numeros in table.items()}


@dataclass(frozen=True)
class Fuite:
    fichier: str
    nature: str  # never the value itself: the report of a leak must not leak


class Textes:
    """The texts searched, indexed once for what they could reveal: the ids, e-mails, phone numbers (in
    every writing) and dates they hold, their words and word pairs. Each family's values are then
    looked up in it (`fuites`), a few dictionary lookups per value: the search costs the texts once,
    plus little per family, and runs in the reading processes as well as here."""

    def __init__(self, fichiers: list[tuple[str, str]], publics: set[str] | frozenset = frozenset()):
        """`fichiers`: (name, text); `publics`: names of the reference tables (noms_publics), never a leak.
        A content held by several files (a theme's script in each language) is indexed once; each of its
        files is named in a leak."""
        self.noms: list[list[tuple[int, str]]] = []  # each distinct text's files: (rank in `fichiers`, name)
        self.publics = set(publics)
        self._fortes: dict[str, dict[str, set[int]]] = {"identifiant": {}, "courriel": {}, "telephone": {}}
        self._dates: dict[str, set[int]] = {}
        self._textes: list[str] = []  # each text normalised, between spaces: " mot mot … "
        self._mots: list[set[str]] = []  # each text's words
        self._paires: list[set[str]] = []  # each text's pairs of successive words, "mot mot"
        numeros: dict[str, int] = {}
        for rang, (nom, texte) in enumerate(fichiers):
            numero = numeros.setdefault(texte, len(numeros))
            if numero == len(self.noms):
                self.noms.append([])
                self._indexer(numero, texte)
            self.noms[numero].append((rang, nom))
        self._tous_mots: set[str] = set().union(*self._mots)
        self._toutes_paires: set[str] = set().union(*self._paires)
        self._memoire: dict[str, list[int]] = {}

    def etat(self) -> tuple:
        """The index as plain containers for marshal (cache_textes keeps it). No set: marshal sorts each
        one it writes, 0.4 s for a new territory's texts; each text's words (never a space inside) and
        word pairs (one space inside, never a line break) are written as one string each."""
        return (self.noms, sorted(self.publics),
                {nature: _en_listes(table) for nature, table in self._fortes.items()}, _en_listes(self._dates),
                self._textes, [" ".join(mots) for mots in self._mots], ["\n".join(paires) for paires in self._paires])

    @classmethod
    def depuis_etat(cls, etat: tuple) -> Textes:
        """The index `etat()` gave, without indexing again."""
        noms, publics, fortes, dates, textes_normalises, mots, paires = etat
        textes = cls.__new__(cls)
        textes.noms, textes.publics, textes._textes = noms, set(publics), textes_normalises
        textes._fortes = {nature: _en_ensembles(table) for nature, table in fortes.items()}
        textes._dates = _en_ensembles(dates)
        textes._mots = [set(m.split()) for m in mots]
        textes._paires = [set(p.split("\n")) if p else set() for p in paires]
        textes._tous_mots = set().union(*textes._mots)
        textes._toutes_paires = set().union(*textes._paires)
        textes._memoire = {}
        return textes

    def _indexer(self, numero: int, texte: str) -> None:
        def noter(table: dict, valeur: str) -> None:
            table.setdefault(valeur, set()).add(numero)

        for identifiant in _ID.findall(texte):
            noter(self._fortes["identifiant"], identifiant)
        for courriel in courriels(texte):
            noter(self._fortes["courriel"], courriel.lower())
        for telephone in telephones(texte):
            noter(self._fortes["telephone"], telephone)
        for jour in dates(texte):
            noter(self._dates, jour)
        mots = jetons(texte)
        self._textes.append(f" {' '.join(mots)} ")
        self._mots.append(set(mots))
        self._paires.append(set(map(" ".join, zip(mots, mots[1:]))))

    def _fichiers_des_mots(self, valeur: str) -> list[int]:
        """The texts where the words of `valeur` follow each other. Most values are in no text: one set
        lookup says so; the texts are looked at one by one only for the others."""
        mots = valeur.split()
        if len(mots) == 1:
            return [n for n, m in enumerate(self._mots) if valeur in m] if valeur in self._tous_mots else []
        paire = f"{mots[0]} {mots[1]}"
        if paire not in self._toutes_paires:
            return []
        if paire not in self._memoire:  # « 12 rue » begins thousands of addresses: its texts are listed once
            self._memoire[paire] = [n for n, paires in enumerate(self._paires) if paire in paires]
        cible = f" {valeur} "
        return [n for n in self._memoire[paire] if len(mots) == 2 or cible in self._textes[n]]

    def trouver(self, valeurs) -> list[tuple[int, str]]:
        """(text number, nature) of each value of ONE family found in the texts. A date of birth counts only
        in a text where another value of the same family is."""
        trouvees: dict[int, set[str]] = {}
        dates = []
        for nature, valeur in valeurs:
            if nature == "date_naissance":
                dates.append(valeur)
                continue
            if not valeur or (nature == "nom" and valeur in self.publics):
                continue
            if nature in ("nom", "adresse"):
                fichiers = self._fichiers_des_mots(valeur)
            else:
                fichiers = self._fortes.get(nature, {}).get(valeur, ())
            for numero in fichiers:
                trouvees.setdefault(numero, set()).add(nature)
        for date_naissance in dates if trouvees else ():
            for numero in self._dates.get(date_naissance, ()):
                if numero in trouvees:
                    trouvees[numero].add("date de naissance")
        return [(numero, nature) for numero, natures in trouvees.items() for nature in natures]

    def candidats(self, longueurs) -> list[tuple[int, str, str]]:
        """(text number, kind, value) of every value the texts could reveal, for a search by keyed hashes
        (cache_aiguilles): kind « identifiant », « courriel » or « telephone » for those found, « date » for
        the dates, « mots » for every run of n successive words, n in `longueurs` (a name or an address of n
        words is in a text where its words follow each other, as `trouver` searches them)."""
        sortie = [(numero, nature, valeur) for nature, table in self._fortes.items()
                  for valeur, numeros in table.items() for numero in numeros]
        sortie += [(numero, "date", valeur) for valeur, numeros in self._dates.items() for numero in numeros]
        for numero, texte in enumerate(self._textes):
            jetons = texte.split()
            for n in longueurs:
                sortie += [(numero, "mots", " ".join(jetons[i:i + n])) for i in range(len(jetons) - n + 1)]
        return sortie

    def fuites(self, trouvees) -> list[Fuite]:
        """The leaks of found (text number, nature) pairs, in each file holding the text, in the order of
        the files, each nature once."""
        return [Fuite(nom, nature) for _, nom, nature in
                sorted({(rang, nom, nature) for numero, nature in trouvees for rang, nom in self.noms[numero]})]


class Aiguilles:
    """The personal values of a set of families, to look for in texts (Textes does the search)."""

    def __init__(self, publics: set[str] | frozenset = frozenset()):
        self.familles: list[list[tuple[str, str]]] = []
        self.publics = set(publics)  # names of the reference tables (noms_publics): never a needle

    @classmethod
    def depuis_dossiers(cls, dossiers, schema: SchemaFamille, publics: set[str] | frozenset = frozenset()) -> Aiguilles:
        aiguilles = cls(publics)
        plan = plan_personnel(schema.champs("x-personnel"))
        aiguilles.familles = [valeurs_personnelles(dossier, plan) for dossier in dossiers]
        return aiguilles

    def ignorer_noms_publics(self, texte_public: str) -> None:
        """A family may bear the name of a school ("Claude Bernard"): a name that appears in the
        public reference tables cannot, alone, prove a leak."""
        self.publics |= noms_publics(texte_public)

    def __len__(self) -> int:
        return sum(map(len, self.familles))

    def chercher_dans(self, textes: Textes) -> list[Fuite]:
        textes.publics |= self.publics
        return textes.fuites(trouvee for valeurs in self.familles for trouvee in textes.trouver(valeurs))

    def chercher(self, texte: str, fichier: str) -> list[Fuite]:
        return self.chercher_dans(Textes([(fichier, texte)]))


def aiguilles_de_la_lecture(lecture, territoire) -> Aiguilles:
    """The needles of a whole reading (its dossiers), less the public names of the territory's
    reference tables: one recipe for `famnum verifier --depuis` and `famnum publier`."""
    from .schemas import SchemaFamille

    return Aiguilles.depuis_dossiers(lecture.dossiers.values(), SchemaFamille.charger(territoire.schema_famille),
                                     noms_publics_du_territoire(territoire))


def fichiers_texte(racine: Path, chemins: list[str] | None = None, exclure=()) -> list[Path]:
    if chemins is None:
        candidats = [p for p in racine.rglob("*") if p.is_file()]
    else:
        candidats = [racine / c for c in chemins]
    return [p for p in candidats
            if p.suffix.lower() in EXTENSIONS_TEXTE and p.is_file()
            and not any(str(p.relative_to(racine)).startswith(e) for e in exclure)]


def lire(racine: Path, fichiers: list[Path]) -> list[tuple[str, str]]:
    """(name, text) of the text files (undecodable bytes ignored). A file that cannot be read is refused,
    never skipped: what the guard has not read, it cannot say is free of personal values."""
    return [(nom, contenu.decode("utf-8", errors="ignore")) for nom, contenu in _octets(racine, fichiers)]


def _octets(racine: Path, fichiers: list[Path]):
    """(name, bytes) of each file, or the refusal of the first that cannot be read."""
    for fichier in fichiers:
        nom = str(fichier.relative_to(racine))
        try:
            if not fichier.is_file():  # a broken link, a pipe: never opened (a pipe would wait forever)
                raise OSError(0, "ce n'est pas un fichier ordinaire : lien cassé, tube ou périphérique")
            yield nom, fichier.read_bytes()
        except OSError as e:
            raise FamnumError(f"{nom} ne se lit pas ({e.strerror or e}) : la recherche de données personnelles ne peut "
                              "pas dire qu'il n'en contient pas.", code="fuites.fichier_illisible",
                              correction=f"rendez-le lisible (droits du fichier : chmod u+r {nom}) ou retirez-le, "
                                         "puis relancez.") from None


def lire_publie(dossier: Path) -> list[tuple[str, str]]:
    """(name, text) of every file of a folder about to be published (site/, build/public/), named from
    the folder's parent: each one is read as text but the kinds of NON_LUS; a compressed copy (.gz, .br)
    is proved to hold the bytes of the file beside it, which is read (one without that file is read
    decompressed). Refuses a file that cannot be read and a copy that holds anything else."""
    fichiers = sorted(p for p in dossier.rglob("*") if not p.is_dir())
    copies = [p for p in fichiers if p.suffix.lower() in COPIES_COMPRESSEES]
    lus = dict(_octets(dossier.parent, [p for p in fichiers if p.suffix.lower() not in NON_LUS + COPIES_COMPRESSEES]))
    lus.update(_copies_sans_original(dossier.parent, copies, lus))
    return [(nom, contenu.decode("utf-8", errors="ignore")) for nom, contenu in lus.items()]


def _copies_sans_original(racine: Path, copies: list[Path], lus: dict[str, bytes]) -> dict[str, bytes]:
    """Each compressed copy decompresses to the very bytes of the file it sits beside (a compressed content
    shared by several files, a theme's script in each language, is decompressed once); returns what the
    copies without such a file hold, to be read."""
    import hashlib

    seules, vus = {}, {}  # vus: digest of a compressed content -> digest of what it decompresses to
    for nom, compresse in _octets(racine, copies):
        original = lus.get(nom[:-3])
        if original is None:
            seules[nom] = _decompresser(nom, compresse)
            continue
        cle = hashlib.sha256(compresse).digest()
        if cle not in vus:
            vus[cle] = hashlib.sha256(_decompresser(nom, compresse)).digest()
        if vus[cle] != hashlib.sha256(original).digest():
            raise FamnumError(f"{nom} n'est pas la copie compressée de {nom[:-3]}, lu par la recherche de données "
                              "personnelles : il pourrait en contenir, rien n'est publié.", code="fuites.copie_differente",
                              correction=REFAIRE_LES_COPIES)
    return seules


def _decompresser(nom: str, compresse: bytes) -> bytes:
    import gzip

    import brotli

    try:
        return gzip.decompress(compresse) if nom.endswith(".gz") else brotli.decompress(compresse)
    except Exception:  # noqa: BLE001 (gzip, zlib, brotli: each its own error for a damaged content)
        raise FamnumError(f"{nom} ne se décompresse pas : la recherche de données personnelles ne peut pas le lire, "
                          "rien n'est publié.", code="fuites.copie_illisible",
                          correction=REFAIRE_LES_COPIES) from None
