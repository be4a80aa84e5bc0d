"""Reading a spreadsheet as a school or a social centre really exports it: .xlsx / .ods / .xls through
calamine, .csv in whatever encoding and separator French Excel chose; finding the header (merged
cells, two header rows, a title above); proposing which column holds which field, in French, fuzzily.

Nothing here keeps a cell value: the rows live in memory for the import and are forgotten.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
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

def lire_feuilles(chemin: Path) -> list[tuple[str, list[list[str]]]]:
    """(sheet name, rows as text cells) of every sheet a person sees when opening the file, in order; a CSV
    is one sheet without a name. Hidden sheets (lists of choices, formulas) are not lists of families."""
    if not chemin.is_file():
        raise FamnumError(f"Fichier introuvable : {chemin}.", code="tableur.introuvable",
                          correction="vérifiez le chemin du tableur.")
    suffixe = chemin.suffix.lower()
    if suffixe == ".csv":
        return [("", _lire_csv(chemin.read_bytes(), chemin.name))]
    if suffixe in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _lire_classeur(chemin)
    raise FamnumError(f"{chemin.name} : format non reconnu.", code="tableur.format_inconnu",
                      correction="enregistrez le tableur en .xlsx, .ods, .xls ou .csv.")


def _lire_classeur(chemin: Path) -> list[tuple[str, list[list[str]]]]:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        classeur = CalamineWorkbook.from_path(str(chemin))
        feuilles = [(m.name, _lignes_vues(classeur.get_sheet_by_name(m.name)))
                    for m in classeur.sheets_metadata
                    if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet]
    except Exception as e:  # calamine raises its own errors for corrupt or protected files
        raise FamnumError(f"{chemin.name} : le tableur ne peut pas être lu ({type(e).__name__}).", code="tableur.illisible",
                          correction="ouvrez-le et enregistrez-le à nouveau, sans mot de passe.") from None
    if not feuilles:
        raise FamnumError(f"{chemin.name} : aucune feuille visible.", code="tableur.sans_feuille_visible",
                          correction="affichez la feuille de la liste (clic droit sur un onglet, « Afficher »), "
                                     "enregistrez, puis relancez.")
    return [(nom, [[texte_cellule(v) for v in ligne] for ligne in lignes]) for nom, lignes in feuilles]


def _lignes_vues(feuille) -> list[list]:
    """The sheet's rows as a person sees them: a cell merged down over several rows (the parent's name and
    phone written once beside two siblings) holds its value on each of those rows, not only the first."""
    lignes = feuille.to_python(skip_empty_area=False)
    for (haut, gauche), (bas, droite) in feuille.merged_cell_ranges or ():
        if bas == haut or haut >= len(lignes) or gauche >= len(lignes[haut]):
            continue  # a title or a header merged across columns is read as written (see trouver_liste)
        valeur = lignes[haut][gauche]
        for i in range(haut, min(bas, len(lignes) - 1) + 1):
            for j in range(gauche, min(droite, len(lignes[i]) - 1) + 1):
                lignes[i][j] = valeur
    return lignes


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

class NumeroLigne(int):
    """A row's number as the spreadsheet shows it. In a workbook whose list goes on over several sheets
    (one per class), it also names its sheet, and sorts sheet by sheet: « ligne 4 (feuille « CM1 ») »."""

    feuille: str = ""

    def __new__(cls, ligne: int, feuille: str = "", rang: int = 0):
        numero = super().__new__(cls, rang * 1_000_000 + ligne)
        numero.ligne, numero.feuille = ligne, feuille
        return numero

    def __str__(self) -> str:
        return f"{self.ligne} (feuille « {self.feuille} »)" if self.feuille else str(self.ligne)

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else int.__format__(self, spec)


@dataclass
class Tableau:
    entetes: list[str]          # one per column, upper header rows joined to the lower one
    premiere_ligne: int         # index (0-based) of the first data row
    lignes: list[list[str]]     # all rows of the sheet
    bas: list[str] = None       # the lower header row alone, when there are two
    feuille: str = ""           # the sheet's name, when the list goes on over several sheets
    suite: list[tuple[Tableau, list[int | None]]] = field(default_factory=list)  # other sheets, their columns here
    laissees: list[str] = field(default_factory=list)  # sheets without a list (instructions, totals)

    def donnees(self):
        """(row number as the spreadsheet shows it, cells in this sheet's column order) for every
        non-empty data row of every sheet of the list."""
        for rang, (tableau, colonnes) in enumerate([(self, None), *self.suite]):
            for i in range(tableau.premiere_ligne, len(tableau.lignes)):
                ligne = tableau.lignes[i]
                if any(c for c in ligne):
                    yield NumeroLigne(i + 1, tableau.feuille, rang), _dans_l_ordre(ligne, colonnes, len(self.entetes))


def _dans_l_ordre(ligne: list[str], colonnes: list[int | None] | None, largeur: int) -> list[str]:
    if colonnes is None:
        return ligne + [""] * (largeur - len(ligne))
    return [ligne[j] if j is not None and j < len(ligne) else "" for j in colonnes]


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


def _tableau(lignes: list[list[str]]) -> Tableau | None:
    candidates = [(_score_entete(l), -i) for i, l in enumerate(lignes[:20])]
    if not candidates or max(candidates)[0] < 2:
        return None
    i = -max(candidates)[1]
    largeur = max(len(l) for l in lignes)
    entetes = list(lignes[i]) + [""] * (largeur - len(lignes[i]))
    if i > 0 and sum(1 for c in lignes[i - 1] if c) >= 2:
        dessus = _remplir_fusion(lignes[i - 1], largeur)
        entetes = [f"{haut} {bas}".strip() if haut and haut != bas else (bas or haut) for haut, bas in zip(dessus, entetes)]
    bas = list(lignes[i]) + [""] * (largeur - len(lignes[i]))
    return Tableau(entetes=entetes, premiere_ligne=i + 1, lignes=lignes, bas=bas)


def trouver_liste(feuilles: list[tuple[str, list[list[str]]]], nom: str, feuille: str | None = None) -> Tableau:
    """The list of a file: its one sheet with a header row, or the same list continued over several sheets
    (one per class), their columns put in the first sheet's order. Sheets without a header row
    (instructions, totals) are left aside and named; sheets with other columns are refused, not guessed."""
    if feuille is not None:
        feuilles = _la_feuille(feuilles, nom, feuille)
    trouves = [(n, _tableau(lignes)) for n, lignes in feuilles if lignes]
    if sum(t is not None for _, t in trouves) > 1:  # a tab of totals by class names no child: not a list
        enfants = [(n, t if t is not None and _nomme_des_enfants(t) else None) for n, t in trouves]
        trouves = enfants if any(t for _, t in enfants) else trouves
    listes = [t for _, t in trouves if t is not None]
    if not listes:
        raise FamnumError(f"{nom} : aucune ligne d'en-tête reconnue (Nom, Prénom, Date de naissance…) "
                          f"{'dans la feuille' if len(feuilles) == 1 else 'dans aucune des feuilles'}.",
                          code="tableur.sans_entete",
                          correction="vérifiez que le tableur contient la liste, avec une ligne de titres de colonnes.")
    premiere = listes[0]
    premiere.laissees = [n for n, t in trouves if t is None]
    if len(listes) > 1:  # rows then say their sheet
        for n, t in trouves:
            if t is not None:
                t.feuille = n
        premiere.suite = [(t, _colonnes_de(t, premiere, nom)) for t in listes[1:]]
    return premiere


def _nomme_des_enfants(tableau: Tableau) -> bool:
    """Its columns name a child and at least one row has letters there (a tab of totals by class has
    « Nombre d'élèves » with numbers under it)."""
    correspondance = proposer_correspondance(tableau.entetes, tableau.bas)
    if not ({"nom", "prenom"} <= set(correspondance.values()) or "nom_complet" in correspondance.values()):
        return False
    noms = [i for i, champ in correspondance.items() if champ in ("nom", "prenom", "nom_complet")]
    return any(re.search(r"[^\W\d_]", ligne[i]) for _, ligne in tableau.donnees() for i in noms)


def _la_feuille(feuilles, nom: str, feuille: str):
    choisies = [(n, lignes) for n, lignes in feuilles if cle_texte(n) == cle_texte(feuille)]
    if not choisies:
        raise FamnumError(f"{nom} : pas de feuille « {feuille} » (option --feuille). "
                          f"Feuilles visibles : {', '.join(f'« {n} »' for n, _ in feuilles)}.",
                          code="import.feuille_inconnue", correction="donnez le nom d'un de ces onglets.")
    return [("", choisies[0][1])]


def _colonnes_de(autre: Tableau, premiere: Tableau, nom: str) -> list[int | None]:
    """For each column of the first sheet, the column of `autre` with the same title (None: absent there)."""
    position = {cle_texte(e): j for j, e in enumerate(autre.entetes) if cle_texte(e)}
    connues = {cle_texte(e) for e in premiere.entetes if cle_texte(e)}
    etrangeres = [e for e in autre.entetes if cle_texte(e) and cle_texte(e) not in connues]
    if etrangeres:
        raise FamnumError(f"{nom} : les feuilles « {premiere.feuille} » et « {autre.feuille} » ont des listes aux "
                          f"colonnes différentes (« {etrangeres[0]} » n'est que dans la seconde).",
                          code="import.feuilles_differentes",
                          correction=f"importez-les une par une, avec « --feuille \"{premiere.feuille}\" » puis "
                                     f"« --feuille \"{autre.feuille}\" », ou donnez-leur les mêmes titres de colonnes.")
    return [position.get(cle_texte(e)) for e in premiere.entetes]


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
