"""Reading a spreadsheet as a school or a social centre really exports it: .xlsx / .ods / .xls through
calamine, .csv in whatever encoding and separator French Excel chose; finding the header (merged
cells, two header rows, a title above); proposing which column holds which field, in French, fuzzily.

Nothing here keeps a cell value: the rows live in memory for the import and are forgotten.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime
from pathlib import Path

from ..erreurs import FamnumError
from ..formats import en_ascii

IGNORER = "ignorer"
# target field -> (French label shown to the steward, header spellings seen in real lists)
CHAMPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nom": ("Nom de l'enfant", ("nom", "nom enfant", "nom de l enfant", "nom eleve", "nom de l eleve",
                                "nom de famille", "eleve nom", "enfant nom", "nom naissance")),
    "prenom": ("Prénom de l'enfant", ("prenom", "prenom enfant", "prenom eleve", "prenom de l enfant",
                                      "eleve prenom", "enfant prenom", "prenoms", "prenom de l eleve")),
    "nom_complet": ("Élève (nom et prénom dans une colonne)", ("eleve", "enfant", "nom prenom", "nom et prenom",
                                                               "nom prenom eleve", "identite", "eleves")),
    "date_naissance": ("Date de naissance", ("date de naissance", "ne le", "nee le", "ne e le", "naissance",
                                             "date naissance", "ddn", "eleve ne e le", "enfant ne e le", "ne")),
    "etablissement": ("École ou collège", ("ecole", "etablissement", "college", "groupe scolaire", "ecole frequentee",
                                           "etablissement scolaire", "nom ecole")),
    "classe": ("Classe", ("classe", "niveau", "niv", "classe eleve", "division", "eleve classe")),
    "responsable": ("Responsable (nom et prénom)", ("responsable", "responsable legal", "representant legal",
                                                    "parent", "parents", "nom du responsable", "responsable nom",
                                                    "famille", "nom responsable", "representant", "parent responsable",
                                                    "nom du parent", "nom prenom du responsable", "parent referent")),
    "lien": ("Lien avec l'enfant (mère, père, tuteur…)", ("lien de parente", "lien", "lien parente", "parente",
                                                         "qualite", "qualite du responsable", "lien avec l enfant",
                                                         "responsable lien", "lien familial")),
    "telephone": ("Téléphone", ("tel", "telephone", "tel fixe", "telephone domicile", "tel domicile",
                                "responsable tel", "responsable telephone", "numero", "tel responsable")),
    "telephone_2": ("Autre téléphone", ("portable", "mobile", "tel portable", "gsm", "tel 2", "telephone 2",
                                        "responsable portable", "autre telephone")),
    "courriel": ("Adresse e-mail", ("mail", "e mail", "courriel", "email", "adresse mail", "adresse e mail",
                                    "responsable mail", "mel")),
    "qpv": ("Quartier (QPV)", ("qpv", "quartier", "quartier prioritaire", "quartier de residence", "secteur", "quartier qpv")),
    "besoin_declare": ("Besoin numérique déclaré (oui/non)", ("besoin", "besoin numerique", "besoin equipement",
                                                             "sans ordinateur", "besoin informatique", "pas d ordinateur")),
    "accepte_formation": ("Accepterait une formation (oui/non)", ("accepte une formation", "formation", "accepte formation",
                                                                  "interesse par une formation", "souhaite une formation",
                                                                  "formation accompagnement", "accompagnement")),
}
SEUIL_COLONNE = 78  # below this, a header is left unmapped for the steward to choose
EPOQUE_EXCEL = date(1899, 12, 30)
_MOTS = re.compile(r"[a-z0-9]+")  # serial day 1 is 1900-01-01 (with Excel's 1900 leap-year bug)


@lru_cache(maxsize=1 << 16)
def cle_texte(texte) -> str:
    """Lower case, no accent, words only: 'Né(e) le' → 'ne e le'."""
    return " ".join(_MOTS.findall(en_ascii(texte)))


def texte_cellule(valeur) -> str:
    """A cell as text: integers without '.0' (a phone number stored as a number), dates as ISO."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "1" if valeur else "0"
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    if isinstance(valeur, (datetime, date)):
        return valeur.isoformat()[:10]
    return str(valeur).strip()


# --- reading the file -----------------------------------------------------------------------

def lire_lignes(chemin: Path) -> list[list[str]]:
    """Every row of the first sheet (or of the CSV) as text cells."""
    if not chemin.is_file():
        raise FamnumError(f"Fichier introuvable : {chemin}.", code="tableur.introuvable",
                          correction="vérifiez le chemin du tableur.")
    suffixe = chemin.suffix.lower()
    if suffixe == ".csv":
        return _lire_csv(chemin.read_bytes(), chemin.name)
    if suffixe in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _lire_classeur(chemin)
    raise FamnumError(f"{chemin.name} : format non reconnu.", code="tableur.format_inconnu",
                      correction="enregistrez le tableur en .xlsx, .ods, .xls ou .csv.")


def _lire_classeur(chemin: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        classeur = CalamineWorkbook.from_path(str(chemin))
        feuille = classeur.get_sheet_by_index(0)
        lignes = feuille.to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises its own errors for corrupt or protected files
        raise FamnumError(f"{chemin.name} : le tableur ne peut pas être lu ({type(e).__name__}).", code="tableur.illisible",
                          correction="ouvrez-le et enregistrez-le à nouveau, sans mot de passe.") from None
    return [[texte_cellule(v) for v in ligne] for ligne in lignes]


def decoder(octets: bytes, nom: str) -> str:
    """UTF-8 (with or without BOM) first; otherwise what charset-normalizer finds (cp1252 for French Excel)."""
    if octets.startswith(b"\xef\xbb\xbf"):
        return octets[3:].decode("utf-8")
    try:
        return octets.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    meilleur = from_bytes(octets, cp_isolation=["cp1252", "latin_1", "utf_16", "mac_roman"]).best()
    if meilleur is None:
        raise FamnumError(f"{nom} : encodage des caractères inconnu.", code="tableur.encodage_inconnu",
                          correction="enregistrez-le en « CSV UTF-8 ».")
    return str(meilleur)


def _lire_csv(octets: bytes, nom: str) -> list[list[str]]:
    """Fields in double quotes may hold the separator, doubled quotes ("") and line breaks: the
    separator is the one that cuts the first records into a steady number of columns, read with
    csv's own quoting rules (csv.Sniffer guesses doublequote=False on such files)."""
    texte = decoder(octets, nom)
    separateur = _separateur(texte)
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur, quotechar='"', doublequote=True,
                         skipinitialspace=False, strict=False)
    return [[c.strip() for c in ligne] for ligne in lecteur]


def _separateur(texte: str) -> str:
    """The candidate giving the most records of the same width (at least two columns)."""
    from collections import Counter

    echantillon = texte[:65536]
    meilleur, score_max = ";", (-1, 0)
    for candidat in ";,\t|":
        lignes = list(csv.reader(io.StringIO(echantillon, newline=""), delimiter=candidat, quotechar='"', doublequote=True))[:60]
        largeurs = Counter(len(l) for l in lignes if any(c.strip() for c in l))
        if not largeurs:
            continue
        largeur, nombre = max(largeurs.items(), key=lambda p: (p[1] if p[0] > 1 else 0, p[0]))
        score = (nombre if largeur > 1 else 0, largeur)
        if score > score_max:
            meilleur, score_max = candidat, score
    return meilleur


# --- the header and the columns ---------------------------------------------------------------

@dataclass
class Tableau:
    entetes: list[str]          # one per column, upper header rows joined to the lower one
    premiere_ligne: int         # index (0-based) of the first data row
    lignes: list[list[str]]     # all rows of the file
    bas: list[str] = None       # the lower header row alone, when there are two

    def donnees(self):
        """(row number as the spreadsheet shows it, cells) for every non-empty data row."""
        for i in range(self.premiere_ligne, len(self.lignes)):
            ligne = self.lignes[i]
            if any(c for c in ligne):
                yield i + 1, ligne + [""] * (len(self.entetes) - len(ligne))


# a header word that names its field whatever surrounds it (« Tél. parent », « Mail des parents »)
_MOTS_CLES = (({"tel", "telephone", "fixe"}, "telephone"), ({"portable", "mobile", "gsm"}, "telephone_2"),
              ({"mail", "courriel", "email", "mel"}, "courriel"), ({"naissance", "ddn"}, "date_naissance"),
              ({"lien", "parente", "qualite"}, "lien"), ({"formation"}, "accepte_formation"),
              ({"classe", "niveau"}, "classe"), ({"qpv", "quartier"}, "qpv"),
              ({"responsable", "parent", "parents", "representant", "legal", "tuteur"}, "responsable"),
              ({"besoin", "ordi", "ordinateur"}, "besoin_declare"), ({"prenom", "prenoms"}, "prenom"))
CHAMPS_MULTIPLES = {"responsable": 2}  # « Nom du responsable » and « Prénom du responsable »


def _meilleur_champ(texte: str) -> tuple[str, float]:
    from rapidfuzz import fuzz, process

    cle = cle_texte(texte)
    if not cle:
        return IGNORER, 0.0
    choix = {(champ, s): s for champ, (_, synonymes) in CHAMPS.items() for s in synonymes}
    trouve = process.extractOne(cle, choix, scorer=fuzz.ratio)
    return (trouve[2][0], trouve[1]) if trouve else (IGNORER, 0.0)


def _mot_cle(texte: str) -> str | None:
    mots = set(cle_texte(texte).split())
    return next((champ for mots_cles, champ in _MOTS_CLES if mots & mots_cles), None)


def _champ_de_colonne(texte: str, bas: str) -> tuple[str, float]:
    """A header spelt like a synonym (whole, or its lower row); else a key word in it (« Tél. parent »
    is a phone, not the parent's name); else its last word."""
    champ, score = max((_meilleur_champ(e) for e in dict.fromkeys((texte, bas)) if e), key=lambda p: p[1],
                       default=(IGNORER, 0.0))
    if score >= 95:
        return champ, score
    if _mot_cle(texte):
        return _mot_cle(texte), 90.0
    if score < SEUIL_COLONNE and texte.split():
        return _meilleur_champ(texte.split()[-1])
    return champ, score


def _score_entete(ligne: list[str]) -> int:
    return sum(1 for c in ligne if c and not re.search(r"\d", c) and _meilleur_champ(c)[1] >= SEUIL_COLONNE)


def _remplir_fusion(ligne: list[str], largeur: int) -> list[str]:
    """A merged header cell is only in its first column: carry it to the right."""
    rempli, courant = [], ""
    for c in ligne + [""] * (largeur - len(ligne)):
        courant = c or courant
        rempli.append(courant)
    return rempli


def trouver_entete(lignes: list[list[str]], nom: str) -> Tableau:
    """The header is the row (among the first 20) naming the most known columns; a row above it with
    several cells is an upper header row of merged cells (« Élève » over « Nom | Prénom | Né(e) le »)."""
    candidates = [(_score_entete(l), -i) for i, l in enumerate(lignes[:20])]
    if not candidates or max(candidates)[0] < 2:
        raise FamnumError(f"{nom} : aucune ligne d'en-tête reconnue (Nom, Prénom, Date de naissance…).", code="tableur.sans_entete",
                          correction="vérifiez que la première feuille contient la liste, avec une ligne de titres de colonnes.")
    i = -max(candidates)[1]
    largeur = max(len(l) for l in lignes)
    entetes = list(lignes[i]) + [""] * (largeur - len(lignes[i]))
    if i > 0 and sum(1 for c in lignes[i - 1] if c) >= 2:
        dessus = _remplir_fusion(lignes[i - 1], largeur)
        entetes = [f"{haut} {bas}".strip() if haut and haut != bas else (bas or haut) for haut, bas in zip(dessus, entetes)]
    bas = list(lignes[i]) + [""] * (largeur - len(lignes[i]))
    return Tableau(entetes=entetes, premiere_ligne=i + 1, lignes=lignes, bas=bas)


def proposer_correspondance(entetes: list[str], bas: list[str] | None = None) -> dict[int, str]:
    """Column index → field. Each field goes to the column that matches it best; a joined
    header (« Responsable Tél ») is tried whole, then the lower row alone, then its last word."""
    bas = bas or entetes
    scores = []
    for i, texte in enumerate(entetes):
        champ, score = _champ_de_colonne(texte, bas[i])
        if score >= SEUIL_COLONNE:
            scores.append((score, -i, champ))
    correspondance, pris = {}, {}
    for _score, moins_i, champ in sorted(scores, reverse=True):
        if pris.get(champ, 0) < CHAMPS_MULTIPLES.get(champ, 1):
            correspondance[-moins_i] = champ
            pris[champ] = pris.get(champ, 0) + 1
    return dict(sorted(correspondance.items()))
