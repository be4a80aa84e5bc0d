"""Importing a census list: rows → children and contacts → dossiers created or completed.

The steps are separate so the CLI can show each before anything is written:
`analyser` reads every row (accepted, rejected with the reason, duplicates inside the file, unknown
schools with the nearest known one), `planifier` matches the rows with the existing dossiers
(normalised name + date of birth + school) and says what would change, and only the CLI saves,
with `Coffre.enregistrer`, in one commit. Importing the same file twice changes nothing.

A family known only from a list has its children, its QPV and the contact the list gave
(`contact_recensement`) and a `recensement` event: the diagnostic parts come at the interview.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..dossiers import evenement, nouvel_identifiant
from ..erreurs import FamnumError
from ..referentiels import Referentiels
from ..saisie import SaisieInvalide, lire_date, lire_oui_non, lire_telephone
from ..validation import seulement_recensee
from .tableur import CHAMPS, EPOQUE_EXCEL, IGNORER, Tableau, cle_texte, lire_lignes, proposer_correspondance, trouver_entete

SOURCES = ("pre", "ecole", "college", "centre_social", "mairie", "autre")
_MOTIF_NOM = re.compile(r"^[^0-9@+_=<>{}\[\]|\\/:;]{1,80}$")
_MOTIF_COURRIEL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CIVILITES = {"m", "mr", "mme", "mlle", "madame", "monsieur", "mademoiselle", "m et mme", "mr et mme"}
_SEUIL_ECOLE = 88


@dataclass
class Ligne:
    """One accepted row, read and normalised."""

    numero: int
    enfant: dict
    qpv: str
    contact: dict = field(default_factory=dict)
    besoin_declare: bool | None = None
    avertissements: list[str] = field(default_factory=list)

    @property
    def cle(self) -> tuple:
        return cle_enfant(self.enfant)


@dataclass
class Analyse:
    colonnes: dict[int, str]
    lignes: list[Ligne] = field(default_factory=list)
    rejets: list[tuple[int, str]] = field(default_factory=list)
    doublons: list[tuple[int, int]] = field(default_factory=list)   # (row, first row with the same child)
    ecoles_inconnues: dict[str, str | None] = field(default_factory=dict)  # as written → nearest known


@dataclass
class Plan:
    """What saving would do: new dossiers, completed ones, and the rows already imported."""

    nouveaux: list[dict] = field(default_factory=list)
    completes: list[dict] = field(default_factory=list)
    existants: list[tuple[int, str, str]] = field(default_factory=list)  # (row, dossier id, "complété"/"inchangé")

    @property
    def a_enregistrer(self) -> list[dict]:
        return self.nouveaux + self.completes


def cle_enfant(enfant: dict) -> tuple:
    """Normalised name + date of birth + school: how two lists, or a list and a dossier, name one child."""
    return (cle_texte(enfant.get("nom", "")), cle_texte(enfant.get("prenom", "")),
            enfant.get("date_naissance", ""), enfant.get("etablissement", ""))


# --- the mapping saved per source (data/imports/<source>.yaml: column titles only, never data) ---

def chemin_correspondance(data: Path, source: str) -> Path:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,60}", source):
        raise FamnumError(f"Nom de source « {source} » refusé. À faire : des minuscules, chiffres et tirets, "
                          "par exemple « ecole-albert-camus » (jamais un nom de personne).")
    return data / "imports" / f"{source}.yaml"


def charger_correspondance(chemin: Path, entetes: list[str]) -> dict[int, str] | None:
    """The saved mapping applied to this file's headers, or None if a saved column is missing."""
    from ruamel.yaml import YAML

    if not chemin.is_file():
        return None
    colonnes = (YAML(typ="safe").load(chemin.read_text(encoding="utf-8")) or {}).get("colonnes", {})
    position = {e: i for i, e in enumerate(entetes)}
    if any(e not in position for e in colonnes) or any(c not in CHAMPS and c != IGNORER for c in colonnes.values()):
        return None
    return {position[e]: c for e, c in colonnes.items() if c != IGNORER}


def ecrire_correspondance(chemin: Path, entetes: list[str], colonnes: dict[int, str], type_source: str) -> None:
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(texte_correspondance(entetes, colonnes, type_source))


def texte_correspondance(entetes: list[str], colonnes: dict[int, str], type_source: str) -> bytes:
    import io

    from ruamel.yaml import YAML

    contenu = {"type_source": type_source,
               "colonnes": {entetes[i]: colonnes.get(i, IGNORER) for i in range(len(entetes)) if entetes[i]}}
    sortie = io.StringIO()
    sortie.write("# Correspondance des colonnes d'un tableur de recensement (titres de colonnes seulement, jamais de données).\n")
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(contenu, sortie)
    return sortie.getvalue().encode("utf-8")


def lire_tableau(chemin: Path) -> Tableau:
    return trouver_entete(lire_lignes(chemin), chemin.name)


def colonnes_proposees(tableau: Tableau) -> dict[int, str]:
    return proposer_correspondance(tableau.entetes, tableau.bas)


def verifier_colonnes(colonnes: dict[int, str]) -> None:
    champs = set(colonnes.values())
    if not ({"nom", "prenom"} <= champs or "nom_complet" in champs) or "date_naissance" not in champs:
        raise FamnumError("La correspondance doit désigner le nom et le prénom de l'enfant (ou une colonne « Élève » "
                          "qui contient les deux) et sa date de naissance. À faire : corrigez la correspondance.")


# --- reading the cells ------------------------------------------------------------------------

def lire_naissance(texte: str) -> str:
    """12/05/2020, 12-05-2020, 2020-05-12, an Excel serial day (43963) or 12/05/20."""
    texte = texte.strip()
    if re.fullmatch(r"\d{4,5}(\.0+)?", texte):
        return (EPOQUE_EXCEL + timedelta(days=int(float(texte)))).isoformat()
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})", texte)
    if m:
        annee = 2000 + int(m[3])
        annee -= 100 if annee > date.today().year else 0
        texte = f"{m[1]}/{m[2]}/{annee}"
    return lire_date(texte[:10] if re.match(r"\d{4}-\d{2}-\d{2}[ T]", texte) else texte)


def separer_nom_complet(texte: str) -> tuple[str, str]:
    """'DUPONT Marie-Lou' → ('DUPONT', 'Marie-Lou'): French lists write the family name in capitals
    first; without capitals, the first word is the family name."""
    mots = texte.split()
    majuscules = [m for m in mots if m.isupper() and len(m) > 1]
    if majuscules and len(majuscules) < len(mots):
        return " ".join(majuscules), " ".join(m for m in mots if m not in majuscules)
    if len(mots) < 2:
        return texte.strip(), ""
    return mots[0], " ".join(mots[1:])


def _sans_civilite(texte: str) -> str:
    mots = texte.replace("/", " ").split()
    while mots and cle_texte(mots[0]) in _CIVILITES | {"et"}:
        mots = mots[1:]
    return " ".join(mots)


class Lecteur:
    """Reads the rows of one file against the reference tables, with a cache for school names."""

    def __init__(self, referentiels: Referentiels, colonnes: dict[int, str]):
        self.referentiels = referentiels
        self.colonnes = colonnes
        self._ecoles: dict[str, str | None] = {}
        self._noms_ecoles = {cle_texte(e["nom"]): code for code, e in referentiels.etablissements.items()}
        self._codes_ecoles = {cle_texte(code): code for code in referentiels.etablissements}
        self._qpv = {cle_texte(q["nom"]): code for code, q in referentiels.qpv.items()}
        self._qpv.update({cle_texte(code): code for code in referentiels.qpv})

    def etablissement(self, texte: str) -> str | None:
        """The school's code from its code or its name as a list writes it (« Ecole A. Camus »)."""
        if texte not in self._ecoles:
            from rapidfuzz import fuzz, process

            cle = cle_texte(texte)
            code = self._noms_ecoles.get(cle) or self._codes_ecoles.get(cle)
            if code is None:
                trouve = process.extractOne(cle, list(self._noms_ecoles), scorer=fuzz.token_sort_ratio,
                                            score_cutoff=_SEUIL_ECOLE)
                code = self._noms_ecoles[trouve[0]] if trouve else None
            if code is None:  # « Alain Fournier » names one school; « Albert Camus » names two: unknown
                contiennent = {self._noms_ecoles[n] for n, _, _ in process.extract(
                    cle, list(self._noms_ecoles), scorer=fuzz.token_set_ratio, score_cutoff=100, limit=None)}
                code = contiennent.pop() if len(contiennent) == 1 and len(cle) >= 5 else None
            self._ecoles[texte] = code
        return self._ecoles[texte]

    def ecole_la_plus_proche(self, texte: str) -> str | None:
        from rapidfuzz import fuzz, process

        trouve = process.extractOne(cle_texte(texte), list(self._noms_ecoles), scorer=fuzz.token_set_ratio, score_cutoff=50)
        if not trouve:
            return None
        code = self._noms_ecoles[trouve[0]]
        return f"{self.referentiels.etablissements[code]['nom']} ({code})"

    def qpv(self, texte: str) -> str | None:
        from rapidfuzz import fuzz, process

        cle = cle_texte(texte)
        if cle in self._qpv:
            return self._qpv[cle]
        trouve = process.extractOne(cle, list(self._qpv), scorer=fuzz.token_set_ratio, score_cutoff=85)
        return self._qpv[trouve[0]] if trouve else None

    def lire(self, numero: int, cellules: list[str], analyse: Analyse) -> Ligne | None:
        valeurs = {champ: cellules[i].strip() for i, champ in self.colonnes.items() if i < len(cellules)}
        if "nom_complet" in valeurs and not (valeurs.get("nom") and valeurs.get("prenom")):
            valeurs["nom"], valeurs["prenom"] = separer_nom_complet(valeurs["nom_complet"])
        nom, prenom = " ".join(valeurs.get("nom", "").split()), " ".join(valeurs.get("prenom", "").split())
        if not nom or not prenom:
            return self._rejet(analyse, numero, "nom ou prénom de l'enfant manquant")
        if not _MOTIF_NOM.match(nom) or not _MOTIF_NOM.match(prenom):
            return self._rejet(analyse, numero, "nom ou prénom de l'enfant avec des chiffres ou des symboles")
        if not valeurs.get("date_naissance"):
            return self._rejet(analyse, numero, "date de naissance manquante")
        try:
            naissance = lire_naissance(valeurs["date_naissance"])
        except SaisieInvalide:
            return self._rejet(analyse, numero, "date de naissance illisible (attendu jj/mm/aaaa)")
        if naissance > date.today().isoformat():
            return self._rejet(analyse, numero, "date de naissance dans le futur")
        enfant = {"prenom": prenom, "nom": nom, "date_naissance": naissance}
        ecole_ecrite = valeurs.get("etablissement", "")
        if ecole_ecrite:
            code = self.etablissement(ecole_ecrite)
            if code is None:
                analyse.ecoles_inconnues[ecole_ecrite] = self.ecole_la_plus_proche(ecole_ecrite)
                return self._rejet(analyse, numero, f"établissement inconnu « {ecole_ecrite} »")
            enfant["etablissement"] = code
        ligne = Ligne(numero, enfant, qpv="")
        self._classe(valeurs.get("classe", ""), ligne)
        if not self._lire_qpv(valeurs.get("qpv", ""), ligne, analyse):
            return None
        self._contact(valeurs, ligne)
        if "besoin_declare" in valeurs:
            try:
                ligne.besoin_declare = lire_oui_non(valeurs["besoin_declare"])
            except SaisieInvalide:
                ligne.avertissements.append("besoin déclaré illisible (oui / non), non importé")
        return ligne

    @staticmethod
    def _rejet(analyse: Analyse, numero: int, raison: str) -> None:
        analyse.rejets.append((numero, raison))
        return None

    @staticmethod
    def _classe(classe: str, ligne: Ligne) -> None:
        if classe and len(classe) <= 20:
            ligne.enfant["classe"] = classe
        elif classe:
            ligne.avertissements.append("classe de plus de 20 signes, non importée")

    def _lire_qpv(self, texte: str, ligne: Ligne, analyse: Analyse) -> bool:
        """The QPV column when the list has one, else the QPV of the child's school."""
        if texte:
            code = self.qpv(texte)
            if code is None:
                analyse.rejets.append((ligne.numero, f"quartier inconnu « {texte} »"))
                return False
            ligne.qpv = code
            return True
        ecole = ligne.enfant.get("etablissement")
        if not ecole:
            analyse.rejets.append((ligne.numero, "ni établissement ni quartier : impossible de rattacher la famille à un QPV"))
            return False
        ligne.qpv = self.referentiels.etablissements[ecole]["qpv"]
        return True

    @staticmethod
    def _contact(valeurs: dict, ligne: Ligne) -> None:
        responsable = _sans_civilite(" ".join(valeurs.get("responsable", "").split()))
        if responsable and re.fullmatch(r"[^0-9@+_=<>{}\[\]|\\/:;]{1,120}", responsable):
            ligne.contact["responsable"] = responsable
        elif responsable:
            ligne.avertissements.append("responsable illisible (chiffres ou symboles), non importé")
        for champ in ("telephone", "telephone_2"):  # the first readable number is « the » phone
            if valeurs.get(champ):
                cle = "telephone" if "telephone" not in ligne.contact else "telephone_2"
                titre = "téléphone" if cle == "telephone" else "autre téléphone"
                try:
                    numero, alerte = lire_telephone(valeurs[champ])
                except SaisieInvalide:
                    ligne.avertissements.append(f"{titre} illisible, non importé")
                    continue
                if alerte:
                    ligne.avertissements.append(f"{titre} : {alerte}")
                if numero not in ligne.contact.values():
                    ligne.contact[cle] = numero
        courriel = valeurs.get("courriel", "").strip()
        if courriel and _MOTIF_COURRIEL.match(courriel) and len(courriel) <= 120:
            ligne.contact["courriel"] = courriel.lower()
        elif courriel:
            ligne.avertissements.append("adresse e-mail illisible, non importée")


def analyser(tableau: Tableau, colonnes: dict[int, str], referentiels: Referentiels) -> Analyse:
    """Every data row read: accepted, rejected (with the reason) or a duplicate of an earlier row."""
    verifier_colonnes(colonnes)
    analyse = Analyse(colonnes=colonnes)
    lecteur = Lecteur(referentiels, colonnes)
    vues: dict[tuple, int] = {}
    for numero, cellules in tableau.donnees():
        ligne = lecteur.lire(numero, cellules, analyse)
        if ligne is None:
            continue
        if ligne.cle in vues:
            analyse.doublons.append((numero, vues[ligne.cle]))
            continue
        vues[ligne.cle] = numero
        analyse.lignes.append(ligne)
    return analyse


# --- matching with the existing dossiers ------------------------------------------------------

def _famille_de(ligne: Ligne) -> tuple | None:
    """Siblings on one list share the family name and a phone number: one dossier for them."""
    telephone = ligne.contact.get("telephone")
    return (cle_texte(ligne.enfant["nom"]), telephone) if telephone else None


def planifier(analyse: Analyse, dossiers: dict[str, dict], type_source: str, par: str, jour: date) -> Plan:
    """Creates or completes dossiers in memory; the same rows applied twice change nothing."""
    if type_source not in SOURCES:
        raise FamnumError(f"Type de source « {type_source} » inconnu. Choisissez parmi : {', '.join(SOURCES)}.")
    index = {cle_enfant(e): i for i, d in dossiers.items() for e in d["fiche"].get("enfants", [])}
    travail = {}   # id → dossier being changed (a copy), created or existing
    familles = {}  # family key in this file → id
    plan = Plan()
    identifiants = set(dossiers)
    avant = {}
    for ligne in analyse.lignes:
        identifiant = index.get(ligne.cle) or familles.get(_famille_de(ligne))
        if identifiant is None:
            identifiant = nouvel_identifiant(identifiants)
            identifiants.add(identifiant)
            travail[identifiant] = {"id": identifiant, "version": 1, "fiche": {"enfants": [], "qpv": ligne.qpv}, "journal": []}
        elif identifiant not in travail:
            travail[identifiant] = copy.deepcopy(dossiers[identifiant])
            avant[identifiant] = dossiers[identifiant]
        if _famille_de(ligne):
            familles.setdefault(_famille_de(ligne), identifiant)
        _completer(travail[identifiant], ligne, type_source, par, jour)
        index.setdefault(ligne.cle, identifiant)
        if identifiant in avant:
            plan.existants.append((ligne.numero, identifiant, ""))
    for identifiant, dossier in travail.items():
        if identifiant not in avant:
            plan.nouveaux.append(dossier)
        elif dossier != avant[identifiant]:
            plan.completes.append(dossier)
    changes = {d["id"] for d in plan.completes}
    plan.existants = [(n, i, "complété" if i in changes else "inchangé") for n, i, _ in plan.existants]
    return plan


def _completer(dossier: dict, ligne: Ligne, type_source: str, par: str, jour: date) -> None:
    """Adds what the row knows and the dossier does not; never overwrites what a référent wrote."""
    fiche = dossier["fiche"]
    enfants = {cle_enfant(e): e for e in fiche["enfants"]}
    if ligne.cle in enfants:
        for cle, valeur in ligne.enfant.items():
            enfants[ligne.cle].setdefault(cle, valeur)
    else:
        fiche["enfants"].append(dict(ligne.enfant))
    if seulement_recensee(dossier) or not dossier["journal"]:
        contact = fiche.setdefault("contact_recensement", {})
        for cle, valeur in ligne.contact.items():
            if valeur not in contact.values():
                contact.setdefault(cle, valeur)
        if not contact:
            del fiche["contact_recensement"]
        if ligne.besoin_declare is not None:
            fiche.setdefault("besoin_declare", ligne.besoin_declare)
    deja = any(e.get("type") == "recensement" and e.get("details", {}).get("source") == type_source
               for e in dossier["journal"])
    if not deja:
        dossier["journal"].append(evenement("recensement", par, jour, {"source": type_source}))


# --- the report -------------------------------------------------------------------------------

def texte_rapport(analyse: Analyse, plan: Plan) -> list[str]:
    """The report shown before saving: counts, then each rejected, duplicated or matched row.
    It names rows by their number in the spreadsheet, never by a child's name."""
    lignes = [f"Lignes acceptées : {len(analyse.lignes)}",
              f"Lignes refusées : {len(analyse.rejets)}",
              f"Doublons dans le fichier : {len(analyse.doublons)}",
              f"Déjà connues dans les dossiers : {len(plan.existants)}",
              f"Dossiers à créer : {len(plan.nouveaux)} ; à compléter : {len(plan.completes)}"]
    lignes += [f"  ligne {n} refusée : {raison}" for n, raison in analyse.rejets]
    lignes += [f"  ligne {n} : doublon probable de la ligne {premiere} (même nom, date de naissance et établissement), ignorée"
               for n, premiere in analyse.doublons]
    lignes += [f"  ligne {n} : déjà au dossier {i} ({etat})" for n, i, etat in plan.existants]
    avertissements: dict[str, list[int]] = {}  # one line per kind of warning, not one per row
    for ligne in analyse.lignes:
        for a in ligne.avertissements:
            avertissements.setdefault(a, []).append(ligne.numero)
    lignes += [f"  {a} : {'ligne' if len(n) == 1 else 'lignes'} {_plages(n)}" for a, n in avertissements.items()]
    for ecrite, proche in analyse.ecoles_inconnues.items():
        lignes.append(f"  établissement inconnu « {ecrite} » : le plus proche est {proche}" if proche
                      else f"  établissement inconnu « {ecrite} » : aucun établissement proche dans data/referentiels/etablissements.csv")
    return lignes


def _plages(numeros: list[int]) -> str:
    """[5, 6, 7, 12] → '5 à 7, 12'."""
    plages, debut = [], None
    for i, n in enumerate(numeros):
        debut = n if debut is None else debut
        if i + 1 == len(numeros) or numeros[i + 1] != n + 1:
            plages.append(str(n) if n == debut else f"{debut} à {n}")
            debut = None
    return ", ".join(plages)
