"""The dossier's JSON Schema: loading, the compiled fast path, and the French titles it carries.

The schema is draft-07 on purpose (ARCHITECTURE.md, « Les choix de fond »): fastjsonschema compiles it 30 to 50 times faster
than jsonschema, and knows no newer keyword. Local `$ref`s are inlined before compiling because the
compiled validator is twice as fast without them.
"""
from __future__ import annotations

import copy
import json
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

from .erreurs import FamnumError


def _inliner(noeud, racine):
    if isinstance(noeud, dict):
        ref = noeud.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            cible = racine
            for morceau in ref[2:].split("/"):
                cible = cible[morceau]
            return _inliner(copy.deepcopy(cible), racine)
        return {k: _inliner(v, racine) for k, v in noeud.items() if k != "definitions"}
    if isinstance(noeud, list):
        return [_inliner(v, racine) for v in noeud]
    return noeud


@lru_cache(maxsize=8)
def compiler(texte_du_schema: str):
    """The compiled validator of a schema (its JSON text, keys sorted: the cache's key).

    A journal event's details depend on its type (`if`/`then` in the schema). fastjsonschema
    evaluates each `if` by raising and catching an exception, a dozen per event; so the compiled
    path checks the dossier without those branches, then each event's details with the validator
    of its own type, chosen by a dictionary lookup: the same rule, at a fraction of the cost.
    """
    import fastjsonschema

    schema = json.loads(texte_du_schema)
    formats = {"date": est_date_iso}
    sans_branches = _inliner(schema, schema)
    evenement = sans_branches.get("properties", {}).get("journal", {}).get("items", {})
    evenement.pop("allOf", None)
    par_type = {}
    for nom, noeud in schema.get("definitions", {}).items():
        if nom.startswith("details_"):
            par_type[nom[len("details_"):]] = fastjsonschema.compile(_inliner(noeud, schema), formats=formats)
    valider_sans_branches = fastjsonschema.compile(sans_branches, formats=formats)

    def valider(dossier):
        valider_sans_branches(dossier)
        for e in dossier["journal"]:
            if "details" in e:
                par_type[e["type"]](e["details"])
        return dossier

    return valider


class SchemaFamille:
    """One loaded `famille.schema.json`, with its validators built on first use."""

    def __init__(self, schema: dict, origine: str = "famille.schema.json"):
        self.schema = schema
        self.origine = origine
        self._champs: dict[str, list] = {}

    @classmethod
    def charger(cls, chemin: Path) -> SchemaFamille:
        try:
            return cls(json.loads(chemin.read_text(encoding="utf-8")), str(chemin))
        except FileNotFoundError:
            raise FamnumError(f"Schéma introuvable : {chemin}.", code="fichier_schema.introuvable",
                              correction="restaurez data/schemas/ depuis git.") from None
        except json.JSONDecodeError as e:
            raise FamnumError(f"{chemin} n'est pas un JSON valide (ligne {e.lineno}) : {e.msg}.", code="fichier_schema.json_illisible") from None

    @cached_property
    def inline(self) -> dict:
        return _inliner(self.schema, self.schema)

    @cached_property
    def valide_vite(self):
        """The compiled validator: raises on the first error, says nothing useful about it.

        Compiling takes a few tenths of a second: a process compiles each schema once, however many
        times it loads it (`compiler`)."""
        return compiler(json.dumps(self.schema, sort_keys=True))

    @cached_property
    def validateur_detaille(self):
        """jsonschema, used only on a dossier the fast path rejects, to list every error."""
        import jsonschema

        return jsonschema.Draft7Validator(self.schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)

    # --- walking the schema ----------------------------------------------------------------

    def sous_schema(self, chemin: tuple) -> dict:
        """The schema node describing the value at `chemin` (keys and list indexes)."""
        noeud = self.inline
        for morceau in chemin:
            if isinstance(morceau, int):
                noeud = noeud.get("items", {})
            else:
                noeud = noeud.get("properties", {}).get(morceau, {})
        return noeud

    def titre_chemin(self, chemin: tuple, depuis: dict | None = None) -> str:
        """French breadcrumb of a field: « Représentant légal n°1 › Téléphone » (from the dossier's
        root, or from the node `depuis`, e.g. a form's). A list item is named by its own title."""
        morceaux, noeud = [], self.inline if depuis is None else depuis
        for morceau in chemin:
            if isinstance(morceau, int):
                noeud = noeud.get("items", {})
                titre = f"{noeud.get('title', 'élément')} n°{morceau + 1}"
                if morceaux:
                    morceaux[-1] = titre
                else:
                    morceaux.append(titre)
            else:
                noeud = noeud.get("properties", {}).get(morceau, {})
                morceaux.append(noeud.get("title", morceau))
        return " › ".join(morceaux)

    def champs(self, marque: str) -> list[tuple[tuple, str]]:
        """Every field carrying the custom keyword `marque` (x-personnel, x-reference…), with its value.

        Paths use "*" for any list index.
        """
        if marque not in self._champs:
            self._champs[marque] = self._chercher_champs(marque)
        return self._champs[marque]

    def _chercher_champs(self, marque: str) -> list[tuple[tuple, str]]:
        trouves: list[tuple[tuple, str]] = []

        def parcourir(noeud, chemin):
            if not isinstance(noeud, dict):
                return
            if marque in noeud:
                trouves.append((chemin, noeud[marque]))
            for cle, enfant in noeud.get("properties", {}).items():
                parcourir(enfant, chemin + (cle,))
            if "items" in noeud:
                parcourir(noeud["items"], chemin + ("*",))
            for branche in noeud.get("allOf", []):
                parcourir(branche.get("then", {}), chemin)

        parcourir(self.inline, ())
        return trouves

    # --- rules the code reads from the schema ---------------------------------------------------

    def echelle(self, nom: str = "frequence") -> dict[str, str]:
        """The answer scale `nom`: the values of the fields marked `x-echelle: nom`, in order, with their
        French labels. Every field using the scale must list the same values."""
        champs = [n for n in noeuds(self.schema) if n.get("x-echelle") == nom]
        if not champs or len({tuple(n.get("enum", ())) for n in champs}) != 1:
            raise FamnumError(f"{self.origine} : les champs marqués « \"x-echelle\": \"{nom}\" » n'ont pas tous la même "
                              "liste « enum » (ou il n'y en a aucun).", code="fichier_schema.echelle_incoherente",
                              correction="donnez à chacun les mêmes valeurs, "
                              "dans le même ordre (par exemple jamais, rarement, parfois, souvent, toujours).")
        return {v: libelle(champs[0], v) for v in champs[0]["enum"]}

    def types_evenements(self) -> dict[str, str]:
        """The journal's event types, in the schema's order, with their French labels."""
        noeud = self.schema["definitions"]["evenement"]["properties"]["type"]
        return {v: libelle(noeud, v) for v in noeud["enum"]}


@lru_cache(maxsize=1)
def du_modele() -> SchemaFamille:
    """famnum's own schema (package data): where the code reads the rules it is built around (the
    answer scale, the event types) instead of writing them again."""
    from .modele import racine

    return SchemaFamille.charger(racine() / "data" / "schemas" / "famille.schema.json")


def noeuds(noeud):
    """Every object of a JSON document, depth first."""
    if isinstance(noeud, dict):
        yield noeud
        for enfant in noeud.values():
            yield from noeuds(enfant)
    elif isinstance(noeud, list):
        for enfant in noeud:
            yield from noeuds(enfant)


def est_date_iso(valeur) -> bool:
    """The same rule for both validators: a real calendar date written yyyy-mm-dd."""
    if not isinstance(valeur, str) or len(valeur) != 10:
        return False
    try:
        date.fromisoformat(valeur)
    except ValueError:
        return False
    return True


def par_cle_manquante(erreurs) -> list[tuple[object, str | None]]:
    """jsonschema's errors, each with the key it is about when it is a missing `required` key (read from
    the error's `validator_value` and `instance`, never from its English message); other errors with None."""
    vus, resultat = set(), []
    for erreur in erreurs:
        if erreur.validator != "required":
            resultat.append((erreur, None))
            continue
        lieu = (tuple(erreur.absolute_path), tuple(erreur.absolute_schema_path))
        if lieu not in vus:  # one error per missing key, all alike: read the keys once
            vus.add(lieu)
            presentes = erreur.instance if isinstance(erreur.instance, dict) else {}
            resultat.extend((erreur, cle) for cle in erreur.validator_value if cle not in presentes)
    return resultat


def valeurs_au_chemin(donnees, chemin: tuple):
    """Yields every value at a path with "*" wildcards."""
    if not chemin:
        yield donnees
        return
    tete, reste = chemin[0], chemin[1:]
    if tete == "*":
        if isinstance(donnees, list):
            for element in donnees:
                yield from valeurs_au_chemin(element, reste)
    elif isinstance(donnees, dict) and tete in donnees:
        yield from valeurs_au_chemin(donnees[tete], reste)


def libelle(noeud: dict, valeur) -> str:
    """The French label of an enum value."""
    return noeud.get("x-libelles", {}).get(valeur, str(valeur))
