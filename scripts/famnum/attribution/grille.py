"""The attribution grid (data/attribution.yaml): loaded once per command with ruamel.yaml, checked
against its own JSON Schema (data/schemas/attribution.schema.json) and against the territory's
reference tables, every problem reported in French at once."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..erreurs import ErreurRapport, FamnumError, Probleme, Rapport
from ..schemas import par_cle_manquante
from ..workspace import Territoire

NOM_GRILLE = "attribution.yaml"
NOM_SCHEMA = "attribution.schema.json"
TYPES_MATERIEL = ("ordinateur_fixe", "ordinateur_portable", "imprimante")


class GrilleInvalide(ErreurRapport):
    """The grid cannot be used; carries the whole report."""

    entete = "la grille d'attribution n'est pas utilisable."
    nature = "grille.invalide"


@dataclass(frozen=True)
class Grille:
    """The grid as plain data (dicts), plus where it came from."""

    donnees: dict
    fichier: str

    def __getitem__(self, cle: str):
        return self.donnees[cle]

    @property
    def criteres(self) -> dict:
        return self.donnees["criteres"]

    def libelle_mode(self, mode: str) -> str:
        return self.donnees["modes"]["libelles"][mode] if mode else "sans matériel"

    def libelle_materiel(self, type_: str) -> str:
        if type_ == "connexion_internet":
            return "Aide à la connexion internet"
        return self.donnees["materiels"][type_]["libelle"]

    def phase_de(self, qpv: str) -> dict:
        for phase in self.donnees["phases"]:
            if qpv in phase["qpv"]:
                return phase
        raise FamnumError(f"{self.fichier} — Phases de distribution : le QPV « {qpv} » n'est dans aucune phase.", code="grille.qpv_sans_phase",
                          correction="ajoutez-le à une phase.")


def chemin_grille(territoire: Territoire) -> Path:
    return territoire.data / NOM_GRILLE


def lire_yaml(chemin: Path, nom: str):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FamnumError(f"{nom} introuvable.", code="yaml.introuvable",
                          correction=f"restaurez-le depuis git (git restore {nom}).") from None
    try:
        return YAML(typ="rt").load(texte)
    except YAMLError as e:
        marque = getattr(e, "problem_mark", None)
        ligne = f" (ligne {marque.line + 1})" if marque else ""
        raise FamnumError(f"{nom}{ligne} : ce n'est pas du YAML lisible ({getattr(e, 'problem', e)}).", code="yaml.illisible",
                          correction="corrigez l'indentation ou les deux-points à cet endroit.") from None
    except ValueError as e:  # a date that does not exist (2026-13-01) fails while the YAML is built
        raise FamnumError(f"{nom} : une valeur est illisible ({e}).", code="yaml.valeur_illisible",
                          correction="vérifiez les dates (aaaa-mm-jj).") from None


def en_donnees(noeud):
    """ruamel's commented containers → plain dicts and lists (what the domain and JSON want)."""
    if isinstance(noeud, dict):
        return {str(k): en_donnees(v) for k, v in noeud.items()}
    if isinstance(noeud, list):
        return [en_donnees(v) for v in noeud]
    return noeud


def charger_grille(territoire: Territoire, qpv_connus: set[str] | None = None) -> Grille:
    """The territory's grid, checked; raises GrilleInvalide with every problem found."""
    fichier = territoire.relatif(chemin_grille(territoire))
    donnees = en_donnees(lire_yaml(chemin_grille(territoire), fichier))
    schema = json.loads((territoire.schemas / NOM_SCHEMA).read_text(encoding="utf-8"))
    rapport = Rapport()
    rapport.ajouter(*problemes_schema(donnees, schema, fichier))
    if rapport.valide:
        rapport.ajouter(*problemes_coherence(donnees, fichier, qpv_connus))
    if not rapport.valide:
        raise GrilleInvalide(rapport)
    return Grille(donnees, fichier)


def _titre(schema: dict, chemin: list) -> str:
    """The French titles along a path of the grid (« Budget › Budget des achats »)."""
    titres, noeud = [], schema
    for cle in chemin:
        if isinstance(cle, int):
            noeud = noeud.get("items", {})
            titres.append(f"n° {cle + 1}")
            continue
        noeud = noeud.get("properties", {}).get(cle, {})
        titres.append(noeud.get("title", cle))
    return " › ".join(titres) or "(racine)"


def _message(erreur, schema: dict, manquant: str | None = None) -> tuple[str, str]:
    v, valeur = erreur.validator, erreur.validator_value
    if v == "additionalProperties":
        inconnues = sorted(set(erreur.instance) - set(erreur.schema.get("properties", {})))
        connues = ", ".join(erreur.schema.get("properties", {}))
        if list(erreur.absolute_path) == ["criteres"]:
            return (f"critère inconnu : {', '.join(inconnues)}",
                    f"utilisez un des critères connus ({connues}) ou retirez cette entrée")
        return f"clé inconnue : {', '.join(inconnues)}", f"clés permises : {connues}"
    if v == "required":
        return f"« {manquant} » manque", "ajoutez cette clé (voir le fichier d'origine de famnum)"
    if v == "minimum":
        return f"la valeur {erreur.instance} est trop petite (au moins {valeur})", f"mettez une valeur supérieure ou égale à {valeur}"
    if v == "maximum":
        return f"la valeur {erreur.instance} est trop grande (au plus {valeur})", f"mettez une valeur inférieure ou égale à {valeur}"
    if v == "type":
        noms = {"number": "un nombre", "integer": "un nombre entier", "string": "un texte", "boolean": "true ou false",
                "array": "une liste", "object": "un groupe de clés"}
        return f"« {erreur.instance} » n'est pas {noms.get(valeur, valeur)}", f"écrivez {noms.get(valeur, valeur)}"
    if v == "enum":
        libelles = erreur.schema.get("x-libelles", {})
        return f"valeur non permise « {erreur.instance} »", "valeurs permises : " + ", ".join(f"{k} ({libelles.get(k, k)})" for k in valeur)
    if v in ("minItems", "minProperties", "minLength"):
        return "vide ou trop court", "complétez cette entrée"
    if v == "uniqueItems":
        return "une valeur est en double", "retirez le doublon"
    if v == "const":
        return f"doit valoir {valeur}", f"mettez {valeur}"
    return erreur.message, "voir data/schemas/attribution.schema.json"


def problemes_schema(donnees, schema: dict, fichier: str) -> list[Probleme]:
    from jsonschema import Draft7Validator

    erreurs = sorted(Draft7Validator(schema).iter_errors(donnees), key=lambda e: list(map(str, e.absolute_path)))
    problemes = []
    for erreur, manquant in par_cle_manquante(erreurs):
        message, correction = _message(erreur, schema, manquant)
        problemes.append(Probleme(fichier, message, _titre(schema, list(erreur.absolute_path)), correction=correction, code=f"grille.schema.{erreur.validator}"))
    return problemes


def problemes_coherence(grille: dict, fichier: str, qpv_connus: set[str] | None) -> list[Probleme]:
    """What a schema cannot say: ages in order, a budget that buys at least one device, phases that
    cover every QPV exactly once."""
    problemes = []
    if grille["age_scolaire"]["min"] > grille["age_scolaire"]["max"]:
        problemes.append(Probleme(fichier, "l'âge minimum dépasse l'âge maximum", "Âge scolaire",
                                  correction="mettez min inférieur ou égal à max", code="grille.ages_inverses"))
    criteres = grille["criteres"]
    if "sans_ordinateur" in criteres and "ordinateur_partage" in criteres \
            and criteres["sans_ordinateur"]["points"] < criteres["ordinateur_partage"]["points"]:
        problemes.append(Probleme(fichier, "un foyer sans ordinateur aurait moins de points qu'un foyer qui en partage un",
                                  "Critères › Aucun ordinateur qui fonctionne",
                                  correction="donnez à « sans_ordinateur » au moins autant de points qu'à « ordinateur_partage »", code="grille.criteres_incoherents"))
    achetables = {t: m["cout_achat"] for t, m in grille["materiels"].items() if m["achat"]}
    if achetables and grille["budget"]["achats"] < min(achetables.values()):
        moins_cher = min(achetables, key=achetables.get)
        problemes.append(Probleme(
            fichier, f"le budget des achats ({grille['budget']['achats']} €) ne permet d'acheter aucun matériel "
                     f"(le moins cher : {grille['materiels'][moins_cher]['libelle']}, {achetables[moins_cher]} €)",
            "Budget › Budget des achats de matériel (€)", str(grille["budget"]["achats"]),
            "augmentez le budget, ou mettez 0 et « achat: false » partout pour n'attribuer que le stock", code="grille.budget_sans_achat"))
    if grille["budget"]["achats"] > grille["budget"]["total"]:
        problemes.append(Probleme(fichier, "le budget des achats dépasse le budget total", "Budget",
                                  correction="corrigez l'un des deux montants", code="grille.budget_depasse"))
    vus: dict[str, int] = {}
    numeros = [p["numero"] for p in grille["phases"]]
    if len(set(numeros)) != len(numeros):
        problemes.append(Probleme(fichier, "deux phases ont le même numéro", "Phases de distribution",
                                  correction="numérotez les phases 1, 2, 3…", code="grille.phases_en_double"))
    for phase in grille["phases"]:
        for qpv in phase["qpv"]:
            if qpv in vus:
                problemes.append(Probleme(fichier, f"le QPV « {qpv} » est dans les phases {vus[qpv]} et {phase['numero']}",
                                          "Phases de distribution", correction="gardez-le dans une seule phase", code="grille.qpv_dans_deux_phases"))
            vus[qpv] = phase["numero"]
    if qpv_connus is not None:
        for qpv in sorted(set(vus) - qpv_connus):
            problemes.append(Probleme(fichier, f"QPV inconnu « {qpv} »", "Phases de distribution", qpv,
                                      "utilisez un code de data/referentiels/qpv.csv", code="grille.qpv_inconnu"))
        for qpv in sorted(qpv_connus - set(vus)):
            problemes.append(Probleme(fichier, f"le QPV « {qpv} » n'est dans aucune phase", "Phases de distribution", qpv,
                                      "ajoutez-le à une phase", code="grille.qpv_hors_phase"))
        for qpv in sorted(set(grille["seuils"]["hors_qpv"]) - qpv_connus):
            problemes.append(Probleme(fichier, f"code « Hors QPV » inconnu « {qpv} »", "Seuils › Codes « Hors QPV »", qpv,
                                      "utilisez un code de data/referentiels/qpv.csv", code="grille.hors_qpv_inconnu"))
    return problemes
