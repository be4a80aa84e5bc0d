"""Reading and checking the YAML descriptions of the tutorials' screens."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

LANGUES = ("fr", "ar", "tr", "en")
CADRES = ("navigateur", "fenetre", "telephone")
REPERES = ("adresse", "retour", "etoile", "onglet", "nouvel_onglet")
# Items whose text is on the screen (French, with its meaning per language) or a note in each language.
GENRES = ("titre", "texte", "lien", "champ", "bouton", "case", "onglet", "icone", "bulle", "note", "vide")
ICONES = ("fleche", "plus", "croix", "etoile", "loupe", "trombone", "micro", "camera", "raccrocher",
          "telecharger", "bouclier", "oeil", "partager", "qr", "grille", "declencheur", "dossier",
          "fichier", "crayon")


class DescriptionInvalide(ValueError):
    """A description that cannot be drawn: the message names the file, the screen and the fix."""


@dataclass(frozen=True)
class Element:
    genre: str
    libelle: dict[str, str] | None = None  # French on screen, meaning in ar/tr/en (a note: each language)
    valeur: str | None = None  # text the same in every language: an address, a code, dots
    etape: int | None = None  # the step's number, drawn in a badge; the item is outlined
    largeur: float = 1.0
    secondaire: bool = False
    icone: str | None = None
    rond: bool = False


@dataclass(frozen=True)
class Ecran:
    nom: str
    page: str  # the French page, relative to content/tutoriels/
    etape: int  # the step under which the page shows the drawing
    cadre: str
    titre: dict[str, str]
    description: dict[str, str]
    lignes: tuple[tuple[Element, ...], ...]
    adresse: str | None = None
    onglet: str | None = None  # the browser tab's name, the same in every language
    reperes: dict[str, int] | None = None  # the browser's own parts to use: part → step
    entete: dict[str, str] | None = None
    source: Path | None = None

    @property
    def libelles(self) -> list[dict[str, str]]:
        """Every on-screen label, the window's title included."""
        return [self.entete] * bool(self.entete) + [e.libelle for ligne in self.lignes for e in ligne
                                                    if e.libelle and e.genre != "note"]

    @property
    def etapes(self) -> list[int]:
        """The step numbers drawn in the badges, in order."""
        numeros = list((self.reperes or {}).values()) + [e.etape for ligne in self.lignes for e in ligne]
        return [n for n in numeros if n is not None]


def lire_descriptions(dossier: Path) -> list[Ecran]:
    """Every screen described in `dossier/*.yaml`, sorted by file and order in the file."""
    resultat = []
    for fichier in sorted(dossier.glob("*.yaml")):
        resultat.extend(lire_fichier(fichier))
    noms = [e.nom for e in resultat]
    doubles = sorted({n for n in noms if noms.count(n) > 1})
    if doubles:
        raise DescriptionInvalide(f"{dossier} : écrans décrits deux fois {doubles}. Donnez à chacun un nom unique.")
    return resultat


def lire_fichier(fichier: Path) -> list[Ecran]:
    try:
        donnees = yaml.safe_load(fichier.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as erreur:
        raise DescriptionInvalide(f"{fichier.name} : YAML illisible ({erreur}). Mettez entre guillemets "
                                  "un texte qui contient « : », « ? », « # » ou une virgule.") from None
    lieu = fichier.name
    page = _exiger(donnees, "page", lieu, "le chemin de la page française, par exemple demarches/caf.md")
    ecrans = _exiger(donnees, "ecrans", lieu, "la liste des écrans de la page")
    return [_ecran(d, page, fichier) for d in ecrans]


def _exiger(donnees: dict, cle: str, lieu: str, aide: str):
    if not isinstance(donnees, dict) or donnees.get(cle) in (None, "", []):
        raise DescriptionInvalide(f"{lieu} : le champ « {cle} » manque. Écrivez {cle}: avec {aide}.")
    return donnees[cle]


def _ecran(d: dict, page: str, fichier: Path) -> Ecran:
    nom = _exiger(d, "nom", fichier.name, "un nom court en minuscules, par exemple caf-connexion")
    lieu = f"{fichier.name}, écran {nom}"
    cadre = _exiger(d, "cadre", lieu, f"l'un de {', '.join(CADRES)}")
    if cadre not in CADRES:
        raise DescriptionInvalide(f"{lieu} : cadre « {cadre} » inconnu. Écrivez l'un de {', '.join(CADRES)}.")
    reperes = d.get("reperes") or {}
    inconnus = sorted(set(reperes) - set(REPERES)) if isinstance(reperes, dict) else [reperes]
    if inconnus:
        raise DescriptionInvalide(f"{lieu} : repères {inconnus} inconnus. Écrivez reperes: {{partie: étape}}, "
                                  f"la partie parmi {', '.join(REPERES)}.")
    lignes = _exiger(d, "lignes", lieu, "les lignes de l'écran, de haut en bas")
    return Ecran(
        nom=nom, page=page, cadre=cadre, source=fichier,
        etape=_numero(_exiger(d, "etape", lieu, "le numéro de l'étape sous laquelle montrer le dessin"), lieu),
        titre=_textes(_exiger(d, "titre", lieu, "le titre du dessin dans les quatre langues"), f"{lieu}, titre"),
        description=_textes(_exiger(d, "description", lieu, "ce que dit l'étape, dans les quatre langues"),
                            f"{lieu}, description"),
        adresse=d.get("adresse"), onglet=d.get("onglet"),
        reperes={partie: _numero(n, f"{lieu}, reperes") for partie, n in reperes.items()},
        entete=_textes(d["entete"], f"{lieu}, entete") if d.get("entete") else None,
        lignes=tuple(_ligne(ligne, f"{lieu}, ligne {i}") for i, ligne in enumerate(lignes, 1)),
    )


def _ligne(ligne, lieu: str) -> tuple[Element, ...]:
    elements = ligne if isinstance(ligne, list) else [ligne]
    return tuple(_element(e, lieu) for e in elements)


def _element(d: dict, lieu: str) -> Element:
    genres = [g for g in GENRES if isinstance(d, dict) and g in d]
    if len(genres) > 1 and "icone" in genres:
        genres.remove("icone")  # `icone:` beside another genre is that item's icon
    if len(genres) != 1:
        raise DescriptionInvalide(f"{lieu} : chaque élément a un seul genre parmi {', '.join(GENRES)}, "
                                  f"trouvé {genres or d!r}. Écrivez par exemple bouton: {{fr: …, ar: …, tr: …, en: …}}.")
    genre = genres[0]
    valeur = d[genre]
    if genre == "texte" and d.get("icone"):
        genre = "icone"  # an icon followed by its label: a folder, a file
    libelle = _textes(valeur, f"{lieu}, {genre}") if isinstance(valeur, dict) else None
    icone = valeur if genre == "icone" and isinstance(valeur, str) else d.get("icone")
    if genre == "icone" and icone not in ICONES:
        raise DescriptionInvalide(f"{lieu} : icône « {icone} » inconnue. Écrivez l'une de {', '.join(ICONES)}.")
    if libelle is None and d.get("valeur") is None and genre not in ("icone", "champ", "vide"):
        raise DescriptionInvalide(f"{lieu} : « {genre} » sans texte. Écrivez {genre}: {{fr: …, ar: …, tr: …, en: …}} "
                                  "ou valeur: pour un texte pareil dans toutes les langues.")
    return Element(genre=genre, libelle=libelle, valeur=d.get("valeur"), icone=icone,
                   etape=_numero(d["etape"], lieu) if "etape" in d else None,
                   largeur=float(d.get("largeur", 1)), secondaire=bool(d.get("secondaire")),
                   rond=bool(d.get("rond")))


def _textes(d, lieu: str) -> dict[str, str]:
    if not isinstance(d, dict):
        raise DescriptionInvalide(f"{lieu} : écrivez les quatre langues, {{fr: …, ar: …, tr: …, en: …}}.")
    manquantes = [langue for langue in LANGUES if not str(d.get(langue) or "").strip()]
    if manquantes:
        raise DescriptionInvalide(f"{lieu} : texte manquant en {', '.join(manquantes)}. "
                                  f"Ajoutez {manquantes[0]}: avec le texte dans cette langue.")
    return {langue: " ".join(str(d[langue]).split()) for langue in LANGUES}


def _numero(valeur, lieu: str) -> int:
    if not isinstance(valeur, int) or isinstance(valeur, bool) or valeur < 1:
        raise DescriptionInvalide(f"{lieu} : étape « {valeur} » : écrivez le numéro d'une étape de la page (1, 2…).")
    return valeur
