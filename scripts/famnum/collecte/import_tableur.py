"""Importing a census list: rows → children and contacts → dossiers created or completed.

The steps are separate so the CLI can show each before anything is written: `analyser` reads every
row, `regroupement.planifier` groups the rows into families (with the existing dossiers) and says
what would change, and only the CLI saves, with `Coffre.enregistrer`, in one commit.

A row is refused only when it names no child. Any other cell that cannot be read is left empty and
flagged (file, row, column, value, why, what to type instead): the child goes in. Placeholders
(« pas de mail », « x », « NC »…) are empty cells; total rows are skipped. School and QPV names are
resolved by `resolution` (aliases, abbreviations, fuzzy); an uncertain name is asked once and the
answer kept in the source's `data/imports/<source>.yaml`, the source's whole memory (type, columns,
answers). Importing the same file twice changes nothing.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path

from ..erreurs import FamnumError
from ..referentiels import Referentiels
from ..saisie import SaisieInvalide, lire_telephone
from . import resolution
from .resolution import Candidat, Resolveur
from .tableur import CHAMPS, IGNORER, Tableau, cle_texte, lire_feuilles, proposer_correspondance, trouver_liste
from .valeurs import (COLLEGE_NIVEAUX, Lu, courriels, est_vide, lire_classe, lire_date_naissance, lire_lien,
                      lire_oui_non_nsp, morceaux_telephone)

SOURCES = ("pre", "ecole", "college", "centre_social", "mairie", "autre")
_INTERDITS_NOM = re.compile(r"[0-9@+_=<>{}\[\]|\\/:;*#]")
_CIVILITES = {"m", "mr", "mme", "mlle", "madame", "monsieur", "mademoiselle", "et"}
_TOTAL = re.compile(r"^(sous )?total|^nombre|^nb |^effectif|^soit |^somme|^total")
_CASES_A_COCHER = ("besoin_declare", "accepte_formation")
TITRES_TABLES = {"etablissements": "établissement", "qpv": "quartier (QPV)"}


@dataclass
class Signalement:
    """A cell left empty (or changed) on import, for the report."""

    colonne: str
    valeur: str
    raison: str
    suggestion: str = ""
    garde: bool = False   # the value was kept (an unusual phone, a cleaned name): a note, not an empty field


@dataclass
class Ligne:
    """One row that names a child, read and normalised."""

    numero: int
    enfant: dict
    qpv: str = ""
    contact: dict = field(default_factory=dict)
    besoin_declare: bool | None = None
    accepte_formation: str | None = None
    signalements: list[Signalement] = field(default_factory=list)
    ecoles_possibles: list[Candidat] = field(default_factory=list)  # an uncertain school's candidates


@dataclass
class Analyse:
    fichier: str
    colonnes: dict[int, str]
    entetes: list[str] = field(default_factory=list)
    lignes: list[Ligne] = field(default_factory=list)
    refus: list[tuple[int, str]] = field(default_factory=list)
    lues: int = 0               # rows with something in them
    ignorees: int = 0           # totals and sub-titles, skipped silently
    resolutions: dict[tuple[str, str], tuple[str, float, list[int]]] = field(default_factory=dict)  # (table, as written) → code, score, rows
    classes: dict[tuple[str, str], list[int]] = field(default_factory=dict)   # (as written, normal form) → rows

    def titre(self, champ: str) -> str:
        """The column's title in this file (for the report), else the field's French label."""
        for i, c in self.colonnes.items():
            if c == champ and i < len(self.entetes) and self.entetes[i]:
                return self.entetes[i]
        return CHAMPS.get(champ, (champ,))[0]


# --- the source's memory (data/imports/<source>.yaml: column titles and answers, never a person's data) ---

@dataclass
class Memoire:
    type_source: str | None = None
    colonnes: dict[str, str] = field(default_factory=dict)          # column title → field
    reponses: dict[str, dict[str, str]] = field(default_factory=dict)  # table → {name as written: code, "" = none}
    quartier: str | None = None  # the QPV of a row that names neither school nor quartier (a one-quartier source)

    def reponse(self, table: str, texte: str) -> str | None:
        """The code answered before for this name (folded), "" for « none of them », None if never asked."""
        cle = cle_texte(texte)
        return next((code for ecrit, code in self.reponses.get(table, {}).items() if cle_texte(ecrit) == cle), None)


def chemin_correspondance(data: Path, source: str) -> Path:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,60}", source):
        raise FamnumError(f"Nom de source « {source} » refusé.", code="import.nom_de_source",
                          correction="des minuscules, chiffres et tirets, "
                          "par exemple « ecole-albert-camus » (jamais un nom de personne).")
    return data / "imports" / f"{source}.yaml"


def charger_memoire(chemin: Path | None) -> Memoire:
    from ruamel.yaml import YAML

    if chemin is None or not chemin.is_file():
        return Memoire()
    contenu = YAML(typ="safe").load(chemin.read_text(encoding="utf-8")) or {}
    reponses = {table: {str(k): str(v or "") for k, v in (contenu.get(table) or {}).items()} for table in TITRES_TABLES}
    return Memoire(contenu.get("type_source"), dict(contenu.get("colonnes") or {}), reponses, contenu.get("quartier"))


def colonnes_de_memoire(memoire: Memoire, entetes: list[str]) -> dict[int, str] | None:
    """The saved mapping applied to this file's headers, or None if a saved column is missing."""
    position = {e: i for i, e in enumerate(entetes)}
    colonnes = memoire.colonnes
    if not colonnes or any(e not in position for e in colonnes) or any(c not in CHAMPS and c != IGNORER for c in colonnes.values()):
        return None
    return {position[e]: c for e, c in colonnes.items() if c != IGNORER}


def texte_memoire(memoire: Memoire) -> bytes:
    """The source's memory as YAML (written by the CLI through the single write path)."""
    import io

    from ruamel.yaml import YAML

    contenu = {"type_source": memoire.type_source, "colonnes": dict(memoire.colonnes)}
    if memoire.quartier:
        contenu["quartier"] = memoire.quartier
    contenu.update({table: dict(sorted(r.items())) for table, r in memoire.reponses.items() if r})
    sortie = io.StringIO()
    sortie.write("# Mémoire d'une source de listes de recensement : qui l'envoie, ses colonnes, les noms d'établissements\n"
                 "# et de quartiers déjà tranchés (\"\" = aucun). Jamais de donnée d'une famille.\n")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(contenu, sortie)
    return sortie.getvalue().encode("utf-8")


def quartier_par_defaut(referentiels: Referentiels, code: str) -> str:
    """The code given with --quartier, once checked against data/referentiels/qpv.csv."""
    if code in referentiels.qpv:
        return code
    connus = ", ".join(sorted(referentiels.qpv)) or "aucun"
    proche = referentiels.plus_proche("qpv", code)
    raise FamnumError(f"Quartier « {code} » inconnu (option --quartier) : il n'est pas dans data/referentiels/qpv.csv "
                      f"(codes connus : {connus}).",
                      code="import.quartier_inconnu",
                      correction="donnez le code d'une ligne de data/referentiels/qpv.csv"
                      + (f" (le plus proche : « --quartier {proche} »)" if proche else "")
                      + ", ou ajoutez-y ce quartier (code,nom,note) puis relancez.")


def memoriser_colonnes(memoire: Memoire, entetes: list[str], colonnes: dict[int, str]) -> None:
    memoire.colonnes = {entetes[i]: colonnes.get(i, IGNORER) for i in range(len(entetes)) if entetes[i]}


def lire_tableau(chemin: Path, feuille: str | None = None) -> Tableau:
    return trouver_liste(lire_feuilles(chemin), chemin.name, feuille)


def colonnes_proposees(tableau: Tableau) -> dict[int, str]:
    return proposer_correspondance(tableau.entetes, tableau.bas)


def verifier_colonnes(colonnes: dict[int, str]) -> None:
    champs = set(colonnes.values())
    if not ({"nom", "prenom"} <= champs or "nom_complet" in champs):
        raise FamnumError("La correspondance doit désigner le nom et le prénom de l'enfant (ou une colonne « Élève » "
                          "qui contient les deux).", code="import.correspondance_sans_nom",
                          correction="corrigez la correspondance.")


# --- names ---------------------------------------------------------------------------------------

def separer_nom_complet(texte: str) -> tuple[str, str]:
    """'DUPONT Marie-Lou' → ('DUPONT', 'Marie-Lou'), 'Marie-Lou DUPONT' too: French lists write the
    family name in capitals; without capitals, the first word is the family name."""
    mots = texte.replace(",", " ").split()
    majuscules = [m for m in mots if m.isupper() and len(m) > 1]
    if majuscules and len(majuscules) < len(mots):
        return " ".join(majuscules), " ".join(m for m in mots if m not in majuscules)
    if len(mots) < 2:
        return texte.strip(), ""
    return mots[0], " ".join(mots[1:])


def nettoyer_nom(texte: str) -> tuple[str, bool]:
    """A name as the schema accepts it: notes in brackets and stray signs removed. (name, changed)."""
    sans_note = re.sub(r"\(.*?\)|\[.*?\]", " ", texte)
    propre = " ".join(_INTERDITS_NOM.sub(" ", sans_note).split()).strip(" .-'")
    return propre[:80], propre != " ".join(texte.split()).strip(" .-'*")


def _sans_civilite(texte: str) -> str:
    mots = texte.replace("/", " ").split()
    while mots and cle_texte(mots[0]) in _CIVILITES:
        mots = mots[1:]
    return " ".join(mots)


# --- reading the rows ------------------------------------------------------------------------------

Demander = Callable[[str, str, list[Candidat], list[int]], str | None]


class Lecteur:
    """Reads the rows of one file against the reference tables and the source's memory."""

    def __init__(self, referentiels: Referentiels, colonnes: dict[int, str], memoire: Memoire,
                 demander: Demander | None = None, aujourd_hui: date | None = None):
        self.referentiels = referentiels
        self.colonnes = colonnes
        self.memoire = memoire
        self.demander = demander
        self.aujourd_hui = aujourd_hui or date.today()
        dossier = getattr(referentiels, "dossier", None)
        self.resolveurs = {
            "etablissements": Resolveur(referentiels.etablissements, _autres_noms(dossier, "etablissements", referentiels), True),
            "qpv": Resolveur(referentiels.qpv, _autres_noms(dossier, "qpv", referentiels), False),
        }

    def lire(self, numero: int, cellules: list[str], analyse: Analyse) -> Ligne | None:
        brutes: dict[str, str] = {}
        for i, champ in self.colonnes.items():
            if i < len(cellules) and not est_vide(cellules[i], champ in _CASES_A_COCHER):
                brutes[champ] = " ".join(filter(None, (brutes.get(champ, ""), cellules[i].strip())))
            elif i < len(cellules):
                brutes.setdefault(champ, "")
        valeurs = {c: v for c, v in brutes.items() if not est_vide(v, c in _CASES_A_COCHER) or c in _CASES_A_COCHER}
        if self._a_ignorer(cellules, valeurs):
            analyse.ignorees += 1
            return None
        nom, prenom, notes = self._nom_prenom(valeurs, analyse)
        if not nom or not prenom:
            analyse.refus.append((numero, "la ligne ne nomme pas d'enfant (nom ou prénom manquant)"))
            return None
        ligne = Ligne(numero, {"prenom": prenom, "nom": nom}, signalements=notes)
        self._naissance(valeurs.get("date_naissance", ""), ligne, analyse)
        self._classe(valeurs.get("classe", ""), ligne, analyse)
        self._etablissement(valeurs.get("etablissement", ""), ligne, analyse)
        self._qpv(valeurs.get("qpv", ""), ligne, analyse)
        self._contact(valeurs, ligne, analyse)
        self._cases(valeurs, ligne, analyse)
        return ligne

    @staticmethod
    def _a_ignorer(cellules: list[str], valeurs: dict) -> bool:
        """A total row (« Total : 23 élèves », numbers only) or a sub-title (one cell): not a child."""
        remplies = [c for c in cellules if c.strip()]
        premier = cle_texte(remplies[0]) if remplies else ""
        if _TOTAL.match(premier) or all(re.fullmatch(r"[\d\s.,%:]+", c) for c in remplies):
            return True
        return len(remplies) == 1 and not (valeurs.get("nom_complet") and len(valeurs["nom_complet"].split()) > 1)

    @staticmethod
    def _nom_prenom(valeurs: dict, analyse: Analyse) -> tuple[str, str, list[Signalement]]:
        nom, prenom = valeurs.get("nom", ""), valeurs.get("prenom", "")
        if valeurs.get("nom_complet") and not (nom and prenom):
            nom, prenom = separer_nom_complet(valeurs["nom_complet"])
        elif bool(nom) != bool(prenom) and len((nom or prenom).split()) > 1:  # « DUPONT Marie » in one of the two
            nom, prenom = separer_nom_complet(nom or prenom)
        notes = []
        for champ, texte in (("nom", nom), ("prenom", prenom)):
            propre, change = nettoyer_nom(texte)
            if change and propre:
                colonne = analyse.titre(champ if champ in valeurs else "nom_complet")
                notes.append(Signalement(colonne, texte, "chiffres, signes ou note entre parenthèses retirés", f"lu « {propre} »", True))
            nom, prenom = (propre, prenom) if champ == "nom" else (nom, propre)
        return nom, prenom, notes

    def _signaler(self, ligne: Ligne, analyse: Analyse, champ: str, texte: str, lu: Lu) -> None:
        ligne.signalements.append(Signalement(analyse.titre(champ), texte, lu.probleme, lu.suggestion))

    def _naissance(self, texte: str, ligne: Ligne, analyse: Analyse) -> None:
        if not texte:
            return
        lu = lire_date_naissance(texte, self.aujourd_hui)
        if lu.valeur:
            ligne.enfant["date_naissance"] = lu.valeur
        else:
            self._signaler(ligne, analyse, "date_naissance", texte, lu)

    def _classe(self, texte: str, ligne: Ligne, analyse: Analyse) -> None:
        if not texte:
            return
        lu = lire_classe(texte)
        if lu.valeur and len(lu.valeur) > 20:  # the schema's limit
            lu = Lu(probleme="classe de plus de 20 signes", suggestion="écrivez un seul niveau, par exemple CM1",
                    code="valeur.classe_trop_longue")
        if lu.valeur:
            ligne.enfant["classe"] = lu.valeur
            if lu.valeur != texte.strip():
                analyse.classes.setdefault((texte.strip(), lu.valeur), []).append(ligne.numero)
        else:
            self._signaler(ligne, analyse, "classe", texte, lu)

    def _etablissement(self, texte: str, ligne: Ligne, analyse: Analyse) -> None:
        if not texte:
            return
        classe = ligne.enfant.get("classe", "")
        niveau = "college" if classe[:2] in COLLEGE_NIVEAUX else ("primaire" if classe else "")
        code = self.resoudre("etablissements", texte, niveau, ligne, analyse)
        if code:
            ligne.enfant["etablissement"] = code

    def _qpv(self, texte: str, ligne: Ligne, analyse: Analyse) -> None:
        """The QPV column, else the school's QPV, else the one QPV of all the schools the name could be."""
        code = self.resoudre("qpv", texte, "", ligne, analyse) if texte else None
        ecole = ligne.enfant.get("etablissement")
        ligne.qpv = code or (self.referentiels.etablissements[ecole]["qpv"] if ecole else "") or self._qpv_des_possibles(ligne)

    def _qpv_des_possibles(self, ligne: Ligne) -> str:
        quartiers = {self.referentiels.etablissements[c.code]["qpv"] for c in ligne.ecoles_possibles}
        return quartiers.pop() if len(quartiers) == 1 else ""

    def resoudre(self, table: str, texte: str, niveau: str, ligne: Ligne, analyse: Analyse) -> str | None:
        """The code for a name as written: the source's earlier answer, a sure match, or the
        steward's answer (asked once); otherwise empty and flagged with the nearest candidates."""
        champ = "etablissement" if table == "etablissements" else "qpv"
        deja = self.memoire.reponse(table, texte)
        if deja is not None:
            return self._noter(analyse, table, texte, deja, 100.0, ligne) if deja else self._inconnu(
                ligne, analyse, champ, texte, [], "déjà répondu « aucun » pour ce nom")
        candidats = self.resolveurs[table].candidats(texte, niveau)
        pris = resolution.decider(candidats)
        if pris:
            return self._noter(analyse, table, texte, pris.code, 100.0 if pris.exact else pris.score, ligne)
        if resolution.a_demander(candidats) and self.demander:
            code = self.demander(table, texte, candidats, [ligne.numero]) or ""
            self.memoire.reponses.setdefault(table, {})[texte] = code
            if code:
                return self._noter(analyse, table, texte, code, 100.0, ligne)
        return self._inconnu(ligne, analyse, champ, texte, candidats, "")

    @staticmethod
    def _noter(analyse: Analyse, table: str, texte: str, code: str, score: float, ligne: Ligne) -> str:
        if score < 100:
            analyse.resolutions.setdefault((table, texte), (code, score, []))[2].append(ligne.numero)
        return code

    def _inconnu(self, ligne: Ligne, analyse: Analyse, champ: str, texte: str, candidats: list[Candidat], raison: str) -> None:
        table = "etablissements" if champ == "etablissement" else "qpv"
        if table == "etablissements":
            ligne.ecoles_possibles = [c for c in candidats if c.score >= resolution.BAS]
        proches = [f"{c.nom} ({c.code})" for c in candidats if c.score >= 50]
        if proches:
            suggestion = "le plus proche : " + " ; ".join(proches[:3]) + " — répondez à la question sans --oui, ou ajoutez ce nom dans data/referentiels/autres_noms.csv"
        else:
            suggestion = (f"aucun nom proche : s'il manque au territoire, ajoutez sa ligne dans data/referentiels/{table}.csv ; "
                          f"s'il y est sous un autre nom, ajoutez ce nom dans data/referentiels/autres_noms.csv "
                          f"(referentiel {table}, code, autre_nom)")
        raison = raison or (f"{TITRES_TABLES[table]} incertain" if proches and candidats[0].score >= resolution.BAS
                            else f"{TITRES_TABLES[table]} inconnu")
        ligne.signalements.append(Signalement(analyse.titre(champ), texte, raison, suggestion))
        return None

    def _contact(self, valeurs: dict, ligne: Ligne, analyse: Analyse) -> None:
        responsable = _sans_civilite(" ".join(valeurs.get("responsable", "").split()))
        if responsable:
            propre, _ = nettoyer_nom(responsable.replace("/", " et "))
            if propre and len(propre) <= 120:
                ligne.contact["responsable"] = propre
        if valeurs.get("lien"):
            lu = lire_lien(valeurs["lien"])
            if lu.valeur:
                ligne.contact["lien"] = lu.valeur
            else:
                self._signaler(ligne, analyse, "lien", valeurs["lien"], lu)
        for champ in ("telephone", "telephone_2"):
            if valeurs.get(champ):
                self._telephones(champ, valeurs[champ], ligne, analyse)
        if valeurs.get("courriel"):
            trouves = [c for c in courriels(valeurs["courriel"]) if len(c) <= 120]
            if trouves:
                ligne.contact["courriel"] = trouves[0]
            else:
                self._signaler(ligne, analyse, "courriel", valeurs["courriel"],
                               Lu(probleme="adresse e-mail illisible", suggestion="écrivez-la prenom.nom@exemple.fr",
                                  code="valeur.courriel_illisible"))

    def _telephones(self, champ: str, texte: str, ligne: Ligne, analyse: Analyse) -> None:
        """Every number of the cell; the first readable one is « the » phone, the next the other."""
        for morceau in morceaux_telephone(texte):
            try:
                numero, alerte = _telephone(morceau)
            except SaisieInvalide as e:
                self._signaler(ligne, analyse, champ, morceau, Lu(probleme="numéro illisible", suggestion=str(e), code="valeur.telephone_illisible"))
                continue
            if numero in ligne.contact.values():
                continue
            cle = "telephone" if "telephone" not in ligne.contact else "telephone_2"
            if cle == "telephone_2" and cle in ligne.contact:
                continue
            ligne.contact[cle] = numero
            if alerte:
                ligne.signalements.append(Signalement(analyse.titre(champ), morceau, alerte, "numéro gardé", True))

    def _cases(self, valeurs: dict, ligne: Ligne, analyse: Analyse) -> None:
        """The yes/no columns: an empty cell in a column of crosses means no."""
        if "besoin_declare" in valeurs:
            lu = lire_oui_non_nsp(valeurs["besoin_declare"]) if valeurs["besoin_declare"] and not est_vide(valeurs["besoin_declare"], True) else Lu("non")
            if lu.valeur in ("oui", "non"):
                ligne.besoin_declare = lu.valeur == "oui"
            elif lu.probleme:
                self._signaler(ligne, analyse, "besoin_declare", valeurs["besoin_declare"], lu)
        texte = valeurs.get("accepte_formation", "")
        if texte and not est_vide(texte, True):
            lu = lire_oui_non_nsp(texte)
            if lu.valeur:
                ligne.accepte_formation = lu.valeur
            else:
                self._signaler(ligne, analyse, "accepte_formation", texte, lu)


@lru_cache(maxsize=1 << 14)
def _telephone(texte: str) -> tuple[str, str | None]:
    """lire_telephone, once per distinct text (siblings repeat their guardian's number)."""
    return lire_telephone(texte)


def _autres_noms(dossier: Path | None, table: str, referentiels: Referentiels) -> dict[str, list[str]]:
    return resolution.charger_autres_noms(dossier, table, referentiels.table(table)) if dossier else {}


def analyser(tableau: Tableau, colonnes: dict[int, str], referentiels: Referentiels, memoire: Memoire | None = None,
             demander: Demander | None = None, fichier: str = "", aujourd_hui: date | None = None) -> Analyse:
    """Every data row read: a child (some fields perhaps flagged), refused (names no child), or skipped."""
    verifier_colonnes(colonnes)
    analyse = Analyse(fichier=fichier, colonnes=colonnes, entetes=tableau.entetes)
    lecteur = Lecteur(referentiels, colonnes, memoire or Memoire(), demander, aujourd_hui)
    for numero, cellules in tableau.donnees():
        analyse.lues += 1
        ligne = lecteur.lire(numero, cellules, analyse)
        if ligne is not None:
            analyse.lignes.append(ligne)
    return analyse
