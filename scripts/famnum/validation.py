"""Validating one decrypted dossier: the schema (fast path, then a French report) and the rules a
schema cannot say (dates in the future, unknown schools, passwords typed where they must not be)."""
from __future__ import annotations

import json
import re
from datetime import date

from .erreurs import Probleme, a_faire
from .referentiels import Referentiels
from .saisie import accorder
from .schemas import SchemaFamille, libelle, par_cle_manquante, valeurs_au_chemin

_RESSEMBLE_MOT_DE_PASSE = re.compile(
    r"(mot\s*de\s*passe|\bmdp\b|password|passwd|\bpwd\b|\bidentifiants?\b|\bcode\s+(secret|ent|pronote|educonnect|caf|ameli|wifi|wi-fi))"
    r"(\s+[\w'-]+){0,3}\s*[:=]",
    re.IGNORECASE,
)

# What _RESSEMBLE_MOT_DE_PASSE cannot match without (pass: passe, password, passwd), searched in the dossier's
# JSON bytes lowered (ASCII only, cheap): it says whether its strings need to be walked at all. « code » counts
# before what the JSON of a space can begin with (a space, an escape like \n, the first byte of a Unicode
# space in UTF-8): « code_postal » is in every dossier.
_DECLENCHEUR = re.compile(rb"pass|mdp|pwd|identifiant|code[ \\\xc2\xe1-\xe3]")

_CORRECTIONS = {
    "required": "ajoutez ce champ, il est obligatoire",
    "additionalProperties": "retirez ce champ : il n'existe pas dans la fiche (vérifiez l'orthographe)",
    "enum": "choisissez une des valeurs proposées",
    "pattern": "corrigez la saisie",
    "format": "corrigez la saisie",
    "type": "corrigez le type de valeur",
    "minimum": "indiquez un nombre plus grand",
    "maximum": "indiquez un nombre plus petit",
    "minItems": "ajoutez au moins un élément",
    "maxItems": "retirez des éléments",
    "maxLength": "raccourcissez le texte",
    "minLength": "complétez le texte",
    "uniqueItems": "retirez les doublons",
    "const": "remettez la valeur attendue",
}

_ATTENDU_PATTERN = {
    "telephone": "un numéro tapé comme on vous le dicte, par exemple 06 39 98 01 02",
    "courriel": "une adresse e-mail comme prenom.nom@exemple.fr",
    "nom": "un nom, sans chiffre ni symbole",
    "prenom": "un prénom, sans chiffre ni symbole",
    "date_naissance": "une date jj/mm/aaaa",
    "identifiant": "un identifiant comme F-7K2Q9",
    "code_postal": "5 chiffres, par exemple 72100",
}


def _message(erreur, schema: SchemaFamille, manquant: str | None = None) -> tuple[str, str, str]:
    """(field title, message, fix) for one jsonschema error (`manquant`: the missing key of a `required` one)."""
    chemin = tuple(erreur.absolute_path)
    mot = erreur.validator
    noeud = erreur.schema if isinstance(erreur.schema, dict) else {}
    if mot == "required":
        champ = schema.titre_chemin(chemin + (manquant,)) if manquant else schema.titre_chemin(chemin)
        return champ, "champ obligatoire manquant", _CORRECTIONS[mot]
    if mot == "additionalProperties":
        inconnus = ", ".join(sorted(set(erreur.instance) - set(noeud.get("properties", {}))))
        return schema.titre_chemin(chemin) or "Dossier", f"champ inconnu : {inconnus}", _CORRECTIONS[mot]
    champ = schema.titre_chemin(chemin) or "Dossier"
    if mot == "enum":
        choix = ", ".join(f"{v} ({libelle(noeud, v)})" for v in noeud.get("enum", []))
        return champ, "valeur non prévue", f"choisissez parmi : {choix}"
    if mot in ("pattern", "format"):
        nature = (noeud.get("x-personnel") or noeud.get("x-saisie")
                  or ("date_naissance" if noeud.get("format") == "date" else ""))
        attendu = _ATTENDU_PATTERN.get(nature, "une valeur au bon format")
        return champ, f"format incorrect (attendu : {attendu})", _CORRECTIONS[mot]
    if mot == "type":
        types = {"string": "un texte", "integer": "un nombre entier", "number": "un nombre",
                 "boolean": "oui ou non", "array": "une liste", "object": "un groupe de champs"}
        attendu = noeud.get("type")
        return champ, f"type incorrect (attendu : {types.get(attendu, attendu)})", _CORRECTIONS[mot]
    if mot in ("minimum", "maximum"):
        borne = noeud.get(mot)
        return champ, f"nombre hors limites ({'au moins' if mot == 'minimum' else 'au plus'} {borne})", _CORRECTIONS[mot]
    if mot in ("minLength", "maxLength"):
        borne = noeud.get(mot)
        return champ, f"texte trop {'court' if mot == 'minLength' else 'long'} ({'au moins' if mot == 'minLength' else 'au plus'} {borne} signes)", _CORRECTIONS[mot]
    return champ, erreur.message, _CORRECTIONS.get(mot, "corrigez la valeur")


def _valeur_montrable(erreur, schema: SchemaFamille) -> str:
    """Shows the wrong value only when it is not personal data (reports may be pasted anywhere)."""
    noeud = schema.sous_schema(tuple(erreur.absolute_path))
    if noeud.get("x-personnel") or isinstance(erreur.instance, (dict, list)):
        return ""
    return str(erreur.instance)[:60]


def erreurs_schema(dossier: dict, schema: SchemaFamille, fichier: str) -> list[Probleme]:
    try:
        schema.valide_vite(dossier)
        return []
    except Exception:  # fastjsonschema.JsonSchemaException: the detailed validator explains.
        pass
    problemes = []
    erreurs = sorted(schema.validateur_detaille.iter_errors(dossier), key=lambda e: list(map(str, e.absolute_path)))
    for erreur, manquant in par_cle_manquante(erreurs):
        if erreur.validator in ("allOf", "if"):
            continue
        champ, message, correction = _message(erreur, schema, manquant)
        problemes.append(Probleme(fichier, message, champ, _valeur_montrable(erreur, schema), correction,
                                  f"schema.{erreur.validator}"))
    if not problemes:  # both validators must agree; a disagreement is a bug to see, not to hide
        problemes.append(Probleme(fichier, "refusé par le validateur compilé sans erreur détaillée", "Dossier",
                                  correction="signalez-le aux développeurs de famnum", code="dossier.refus_sans_detail"))
    return problemes


def _date(valeur) -> date | None:
    try:
        return date.fromisoformat(valeur)
    except (TypeError, ValueError):
        return None


def erreurs_metier(dossier: dict, schema: SchemaFamille, referentiels: Referentiels, fichier: str,
                   aujourd_hui: date, clair: bytes | None = None) -> list[Probleme]:
    """The rules a schema cannot say; `clair`: the dossier's JSON bytes as decrypted, when the caller has them."""
    problemes: list[Probleme] = []
    fiche = dossier.get("fiche", {}) if isinstance(dossier, dict) else {}
    for i, enfant in enumerate(fiche.get("enfants", []) or []):
        naissance = _date(enfant.get("date_naissance")) if isinstance(enfant, dict) else None
        if naissance and naissance > aujourd_hui:
            problemes.append(Probleme(fichier, "date de naissance dans le futur",
                                      schema.titre_chemin(("fiche", "enfants", i, "date_naissance")),
                                      correction="vérifiez l'année (jj/mm/aaaa)", code="dossier.naissance_future"))
        elif naissance and (aujourd_hui.year - naissance.year) > 26:
            problemes.append(Probleme(fichier, "date de naissance improbable pour un enfant scolarisé",
                                      schema.titre_chemin(("fiche", "enfants", i, "date_naissance")),
                                      correction="vérifiez l'année (jj/mm/aaaa)", code="dossier.naissance_improbable"))
    for i, evenement in enumerate(dossier.get("journal", []) or [] if isinstance(dossier, dict) else []):
        jour = _date(evenement.get("date")) if isinstance(evenement, dict) else None
        if jour and jour > aujourd_hui:
            problemes.append(Probleme(fichier, "événement daté dans le futur", f"Journal n°{i + 1} › Date",
                                      jour.isoformat(), "indiquez la date où l'événement a eu lieu", code="dossier.evenement_futur"))
    consentement = _date((fiche.get("consentement") or {}).get("date"))
    if consentement and consentement > aujourd_hui:
        problemes.append(Probleme(fichier, "consentement daté dans le futur",
                                  schema.titre_chemin(("fiche", "consentement", "date")),
                                  correction="indiquez la date où la famille a donné son accord", code="dossier.consentement_futur"))
    problemes += _nombres_coherents(fiche, schema, fichier)
    problemes += _parties_du_diagnostic(dossier, schema, fichier)
    problemes += _references_inconnues(dossier, schema, referentiels, fichier)
    problemes += _mots_de_passe(dossier, schema, fichier, clair)
    return problemes


def _nombres_coherents(fiche: dict, schema: SchemaFamille, fichier: str) -> list[Probleme]:
    """The schema's counting rules a draft-07 keyword cannot say: a count at least the length of a
    list of the fiche (`x-minimum-nombre-de`), a list as long as a sibling count (`x-nombre-elements`)."""
    problemes = []
    for chemin, liste in schema.champs("x-minimum-nombre-de"):
        elements = fiche.get(liste) if isinstance(fiche.get(liste), list) else []
        for valeur in valeurs_au_chemin({"fiche": fiche}, chemin):
            if isinstance(valeur, int) and not isinstance(valeur, bool) and valeur < len(elements):
                element = schema.sous_schema(("fiche", liste, 0)).get("title", "élément").lower()
                problemes.append(Probleme(
                    fichier, f"{valeur}, alors que la fiche compte {accorder(len(elements), element)}", _titre(schema, chemin),
                    correction=f"indiquez au moins {len(elements)}, ou retirez de la fiche ce qui n'a pas lieu d'y être", code="dossier.moins_que_la_liste"))
    for chemin, frere in schema.champs("x-nombre-elements"):
        for parent in valeurs_au_chemin({"fiche": fiche}, chemin[:-1]):
            liste, nombre = (parent.get(chemin[-1]), parent.get(frere)) if isinstance(parent, dict) else (None, None)
            if isinstance(liste, list) and isinstance(nombre, int) and liste and len(liste) != nombre:
                titre_frere = _titre(schema, chemin[:-1] + (frere,))
                problemes.append(Probleme(fichier, f"{len(liste)} valeurs pour {nombre} ({titre_frere})",
                                          _titre(schema, chemin), correction=f"donnez-en exactement {nombre}, une par enfant", code="dossier.nombre_d_elements"))
    return problemes


def _titre(schema: SchemaFamille, chemin: tuple) -> str:
    return schema.titre_chemin(tuple(0 if c == "*" else c for c in chemin))


def seulement_recensee(dossier: dict) -> bool:
    """A family known only from a census list: a `recensement` event and no `diagnostic` yet."""
    types = {e.get("type") for e in dossier.get("journal", []) or [] if isinstance(e, dict)}
    return "recensement" in types and "diagnostic" not in types


def diagnostiquee(dossier: dict) -> bool:
    """A family interviewed: its journal has a `diagnostic` event (the grid can then read its fiche)."""
    return any(isinstance(e, dict) and e.get("type") == "diagnostic" for e in dossier.get("journal", []) or [])


def parties_manquantes(dossier: dict, schema: SchemaFamille) -> list[str]:
    """The French titles of what the diagnostic still has to bring to this dossier (empty once complete)."""
    fiche = dossier.get("fiche") or {}
    requis = schema.schema["properties"]["fiche"].get("x-requis-diagnostic", [])
    titres = ([schema.titre_chemin(("fiche", partie)) for partie in requis if partie not in fiche]
              + [schema.titre_chemin(chemin) for chemin in naissances_manquantes(fiche)])
    racine = schema.titre_chemin(("fiche",)) + " › "  # « Fiche nominative de diagnostic › » on each: said once
    return [titre.removeprefix(racine) for titre in titres]


def ce_qui_manque(dossier: dict, schema: SchemaFamille) -> str | None:
    """For a family not yet interviewed: what its dossier lacks and what to type, in French; else None."""
    if diagnostiquee(dossier):
        return None
    manque = parties_manquantes(dossier, schema)
    return ((f"Il lui manque : {', '.join(manque)}.\n" if manque else "")
            + a_faire(f"faites l'entretien de diagnostic (« famnum famille completer {dossier.get('id', '')} »)."))


def _parties_du_diagnostic(dossier, schema: SchemaFamille, fichier: str) -> list[Probleme]:
    """The fiche's `x-requis-diagnostic` parts: optional for a census list, required once the family
    has been interviewed (draft-07 cannot make a field depend on the journal's content)."""
    fiche = dossier.get("fiche") if isinstance(dossier, dict) else None
    if not isinstance(fiche, dict) or seulement_recensee(dossier):
        return []
    requis = schema.schema["properties"]["fiche"].get("x-requis-diagnostic", [])
    problemes = [Probleme(fichier, "champ obligatoire manquant", schema.titre_chemin(("fiche", partie)),
                          correction="ajoutez ce champ, il est obligatoire après le diagnostic", code="dossier.champ_obligatoire")
                 for partie in requis if partie not in fiche]
    return problemes + [Probleme(fichier, "champ obligatoire manquant", schema.titre_chemin(chemin),
                                 correction="ajoutez-la (jj/mm/aaaa), elle est obligatoire après le diagnostic", code="dossier.date_obligatoire")
                        for chemin in naissances_manquantes(fiche)]


def naissances_manquantes(fiche: dict) -> list[tuple]:
    """Paths of the children without a birth date: allowed while a family is only counted from a
    census list, required from the diagnostic on (the age rule needs it)."""
    enfants = fiche.get("enfants") if isinstance(fiche, dict) else None
    return [("fiche", "enfants", i, "date_naissance") for i, enfant in enumerate(enfants or [])
            if isinstance(enfant, dict) and not enfant.get("date_naissance")]


def a_completer(dossier: dict, schema: SchemaFamille, fichier: str) -> list[Probleme]:
    """What a census-only dossier still lacks before its diagnostic: warnings, never errors."""
    if not isinstance(dossier, dict) or not seulement_recensee(dossier):
        return []
    return [Probleme(fichier, "dossier recensé à compléter", schema.titre_chemin(chemin),
                     correction=f"demandez-la à la famille et ajoutez-la (« famnum famille completer {dossier.get('id', '')} ») "
                                "avant le diagnostic", code="dossier.recense_a_completer")
            for chemin in naissances_manquantes(dossier.get("fiche"))]


def _references_inconnues(dossier, schema: SchemaFamille, referentiels: Referentiels, fichier: str) -> list[Probleme]:
    problemes = []
    for chemin, table in schema.champs("x-reference"):
        connus = referentiels.table(table)
        for valeur in valeurs_au_chemin(dossier, chemin):
            if isinstance(valeur, str) and valeur not in connus:
                proche = referentiels.plus_proche(table, valeur)
                correction = f"utilisez un code de data/referentiels/{table}.csv"
                if proche:
                    correction += f" (le plus proche : {proche})"
                titre = schema.titre_chemin(tuple(0 if c == "*" else c for c in chemin)).replace(" n°1", "")
                problemes.append(Probleme(fichier, f"code inconnu du référentiel {table}", titre, valeur, correction, code="dossier.code_inconnu"))
    return problemes


def _chaines(valeur, chemin=()):
    if isinstance(valeur, str):
        yield chemin, valeur
    elif isinstance(valeur, dict):
        for cle, v in valeur.items():
            yield from _chaines(v, chemin + (cle,))
    elif isinstance(valeur, list):
        for i, v in enumerate(valeur):
            yield from _chaines(v, chemin + (i,))


def _mots_de_passe(dossier, schema: SchemaFamille, fichier: str, clair: bytes | None = None) -> list[Probleme]:
    """No credentials, ever: a référent acting online for a family uses Aidants Connect's mandate.
    `clair`: the dossier's JSON bytes, when decryption has just given them (no need to serialise it again);
    escaped as \\uXXXX they could hide a word, and the dossier is then serialised as well."""
    if clair is None or b"\\u" in clair:
        clair = json.dumps(dossier, ensure_ascii=False).encode("utf-8", "replace")
    if not _DECLENCHEUR.search(clair.lower()):
        return []  # one search over the whole text; each string is matched only when it finds something
    return [
        Probleme(fichier, "ce texte ressemble à un mot de passe", schema.titre_chemin(chemin),
                 correction="effacez-le : famnum ne garde jamais les mots de passe des familles "
                            "(pour agir en ligne pour une famille, utilisez le mandat Aidants Connect)", code="dossier.mot_de_passe")
        for chemin, texte in _chaines(dossier) if _RESSEMBLE_MOT_DE_PASSE.search(texte)
    ]


def valider_dossier(dossier: dict, schema: SchemaFamille, referentiels: Referentiels, fichier: str,
                    aujourd_hui: date | None = None, clair: bytes | None = None) -> list[Probleme]:
    """Every problem of one dossier; `clair`: its JSON bytes as decrypted, if the caller has them."""
    aujourd_hui = aujourd_hui or date.today()
    return (erreurs_schema(dossier, schema, fichier)
            + erreurs_metier(dossier, schema, referentiels, fichier, aujourd_hui, clair))
