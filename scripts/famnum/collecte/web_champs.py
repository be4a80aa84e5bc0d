"""The local form's fields, read from the schema: a tree of `Champ` that the macros of
`gabarits/formulaire/champs.html` write as accessible HTML (labels, help and errors tied by aria).

Nothing here writes HTML: each field says what it is (a group, a list of items, choices, a list of
names from a reference table, or a box to type in), its name and id, its title, its help, its
errors and the value to show, as typed or as stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..formats import date_fr
from ..saisie import telephone_lisible
from ..schemas import libelle

COURT = 14  # choices whose every label is at most this long sit side by side (a scale, oui / non)
OUI_NON = {"type": "string", "enum": ["oui", "non"], "x-libelles": {"oui": "Oui", "non": "Non"}}


@dataclass
class Option:
    valeur: str
    libelle: str
    coche: bool = False


@dataclass
class Element:
    """One item of a list of objects (« Enfant n°2 ») and its fields."""

    titre: str
    nom: str
    enfants: list[Champ]


@dataclass
class Champ:
    nature: str  # groupe, liste, choix, selection, saisie
    chemin: tuple
    titre: str = ""
    requis: bool = False
    aide: str = ""
    erreurs: list[str] = field(default_factory=list)
    enfants: list[Champ] = field(default_factory=list)  # groupe
    elements: list[Element] = field(default_factory=list)  # liste
    retirable: bool = False  # liste: each item has its « Retirer » button
    ajout: str = ""  # liste: the « Ajouter » button's word, empty when the list is full
    options: list[Option] = field(default_factory=list)  # choix, selection
    genre: str = "text"  # choix: radio or checkbox; saisie: the input's type, or textarea
    en_ligne: bool = False  # choix
    sans_reponse: bool = False  # choix: a radio that clears the answer
    texte: str = ""  # saisie
    date: bool = False  # saisie: a date typed jj/mm/aaaa

    @property
    def racine(self) -> bool:
        return not self.chemin

    @property
    def nom(self) -> str:
        return ".".join(map(str, self.chemin))

    @property
    def ident(self) -> str:
        return "c-" + "-".join(map(str, self.chemin))

    @property
    def decrit(self) -> list[str]:
        """The ids of the help and error paragraphs that describe the field (aria-describedby)."""
        return ([f"{self.ident}-aide"] if self.aide else []) + [f"{self.ident}-err{i}" for i in range(len(self.erreurs))]


class Champs:
    """Schema node + value + errors (by path) → the tree of fields."""

    def __init__(self, referentiels, erreurs: dict[tuple, list[str]]):
        self.referentiels = referentiels
        self.erreurs = erreurs

    def champ(self, noeud: dict, chemin: tuple, valeur, requis: bool) -> Champ | None:
        """None for a field no one types in (readOnly)."""
        if noeud.get("readOnly"):
            return None
        nature, elements = noeud.get("type"), noeud.get("items", {})
        if nature == "object":
            return self._groupe(noeud, chemin, valeur or {})
        if nature == "array" and elements.get("type") == "object":
            return self._liste(noeud, chemin, valeur or [], requis)
        if nature == "array" and "enum" in elements:
            return self._choix(noeud, elements, chemin, valeur or [], "checkbox", requis=False)
        if nature == "array":  # numbers or words: one field, values separated by commas
            return self._saisie(_en_une_ligne(noeud), chemin, _liste_en_texte(valeur), requis)
        if "enum" in noeud:
            return self._choix(noeud, noeud, chemin, valeur, "radio", requis)
        if nature == "boolean":
            return self._choix(noeud, OUI_NON, chemin, _oui_non(valeur), "radio", requis)
        return self._saisie(noeud, chemin, valeur, requis)

    def _base(self, nature: str, noeud: dict, chemin: tuple, requis: bool = False, **autres) -> Champ:
        aide = " ".join(t for t in ((noeud.get("x-demander-si") or {}).get("texte"), noeud.get("description")) if t)
        autres.setdefault("titre", noeud.get("title", chemin[-1] if chemin else ""))
        return Champ(nature, chemin, requis=requis, aide=aide, erreurs=self.erreurs.get(chemin, []), **autres)

    def _dedans(self, noeud: dict, chemin: tuple, valeur: dict) -> list[Champ]:
        requis = set(noeud.get("required", [])) | set(noeud.get("x-requis-diagnostic", []))
        champs = (self.champ(enfant, chemin + (cle,), valeur.get(cle), cle in requis)
                  for cle, enfant in noeud.get("properties", {}).items())
        return [c for c in champs if c is not None]

    def _groupe(self, noeud: dict, chemin: tuple, valeur: dict) -> Champ:
        return self._base("groupe", noeud, chemin, enfants=self._dedans(noeud, chemin, valeur))

    def _liste(self, noeud: dict, chemin: tuple, valeur: list, requis: bool) -> Champ:
        elements = noeud["items"]
        nombre = max(len(valeur), noeud.get("minItems", 0), 1 if requis else 0)
        tous = [Element(f"{elements.get('title', 'Élément')} n°{i + 1}", ".".join(map(str, chemin + (i,))),
                        self._dedans(elements, chemin + (i,), valeur[i] if i < len(valeur) else {}))
                for i in range(nombre)]
        ajout = elements.get("title", "élément") if nombre < noeud.get("maxItems", 50) else ""
        return self._base("liste", noeud, chemin, elements=tous, retirable=nombre > noeud.get("minItems", 0),
                          ajout=ajout, titre=noeud.get("title", ""))

    def _choix(self, noeud: dict, enum_noeud: dict, chemin: tuple, valeur, genre: str, requis: bool) -> Champ:
        choisis = valeur if isinstance(valeur, list) else [valeur]
        options = [Option(v, libelle(enum_noeud, v), v in choisis) for v in enum_noeud["enum"]]
        return self._base("choix", noeud, chemin, requis, options=options, genre=genre,
                          en_ligne=all(len(o.libelle) <= COURT for o in options),
                          sans_reponse=genre == "radio" and not requis)

    def _saisie(self, noeud: dict, chemin: tuple, valeur, requis: bool) -> Champ:
        texte = "" if valeur is None else str(valeur)
        table = noeud.get("x-reference")
        if table and self.referentiels:
            options = [Option(code, r.get("nom", code), code == texte) for code, r in self.referentiels.table(table).items()]
            return self._base("selection", noeud, chemin, requis, options=options)
        genre, texte = _genre_et_texte(noeud, texte)
        return self._base("saisie", noeud, chemin, requis, genre=genre, texte=texte, date=noeud.get("format") == "date")


def _genre_et_texte(noeud: dict, texte: str) -> tuple[str, str]:
    """The input's type, and the value as a person reads it (a phone as dialled, a date jj/mm/aaaa)."""
    if noeud.get("maxLength", 0) > 200:
        genre = "textarea"
    elif noeud.get("type") in ("integer", "number"):
        genre = "number"
    elif noeud.get("x-saisie") == "telephone":
        return "tel", telephone_lisible(texte) if texte.startswith("+") else texte
    elif noeud.get("format") == "email":
        genre = "email"
    else:
        genre = "text"
    if noeud.get("format") == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", texte):
        texte = date_fr(texte)
    return genre, texte


def _en_une_ligne(noeud: dict) -> dict:
    aide = (noeud.get("description", "") + " Séparez les valeurs par des virgules.").strip()
    return {**noeud, "type": "string", "description": aide}


def _liste_en_texte(valeur) -> str:
    return ", ".join(map(str, valeur)) if isinstance(valeur, list) else (valeur or "")


def _oui_non(valeur) -> str | None:
    return None if valeur is None else ("oui" if valeur in (True, "oui") else "non")


@dataclass
class Par:
    """« Votre fonction » above the fiche: `recensee` for a family known only from a census list."""

    valeur: str
    recensee: bool


@dataclass
class Formulaire:
    """What the macro `formulaire` of `formulaire/champs.html` writes: the summary of errors, then the form."""

    action: str
    csrf: str
    champs: Champ
    resume: list[tuple[str, str]]  # (text, anchor of the field or "")
    bouton_en_haut: bool = True
    par: Par | None = None
