"""The schema: every field of the seed's form, French labels for every enum, and the two validators
(compiled fast path, detailed jsonschema) agreeing on a corpus of valid and invalid dossiers."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import fastjsonschema
import pytest

from famnum.schemas import SchemaFamille
from famnum.dossiers import evenement
from famnum.validation import erreurs_schema

from fabrique import dossier

SCHEMA = SchemaFamille.charger(Path(__file__).parents[1] / "data" / "schemas" / "famille.schema.json")


def _enums(noeud, chemin=""):
    if isinstance(noeud, dict):
        if "enum" in noeud:
            yield chemin, noeud
        for cle, valeur in noeud.items():
            if cle != "x-demander-si":  # a condition names values, it offers none
                yield from _enums(valeur, f"{chemin}/{cle}")
    elif isinstance(noeud, list):
        for i, valeur in enumerate(noeud):
            yield from _enums(valeur, f"{chemin}/{i}")


def test_le_schema_est_du_draft_07():
    assert SCHEMA.schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    texte = json.dumps(SCHEMA.schema)
    for mot in ("dependentRequired", "unevaluatedProperties", "prefixItems", "$defs"):
        assert mot not in texte


def test_chaque_valeur_permise_a_un_libelle_francais():
    enums = list(_enums(SCHEMA.schema))
    assert len(enums) > 20
    for chemin, noeud in enums:
        assert set(noeud["enum"]) == set(noeud.get("x-libelles", {})), chemin


def test_la_fiche_porte_chaque_rubrique_du_formulaire_de_2020():
    titres = json.dumps(SCHEMA.sous_schema(("fiche",)), ensure_ascii=False)
    for rubrique in ("Enfant", "Représentants légaux", "QPV", "Établissement scolaire", "Classe", "Téléphone",
                     "Adresse e-mail", "Nombre d'adultes résidant au domicile", "Nombre d'enfants résidant au domicile",
                     "Âges des enfants", "Bailleur social", "Hébergée par",
                     "La famille considère avoir des besoins numériques", "Ordinateurs", "Imprimantes", "Tablettes",
                     "Smartphones", "Connexion internet", "Capacité à supporter le coût d'une location",
                     "Sollicite une aide pour la location", "Capacité à installer le matériel",
                     "Capacité à utiliser le matériel informatique", "Accepterait une session de formation",
                     "Pourquoi ?", "Ordinateur fixe", "Ordinateur portable", "Consentement"):
        assert rubrique in titres, rubrique
    tout = json.dumps(SCHEMA.schema, ensure_ascii=False)
    assert "mot_de_passe" not in tout and "password" not in tout
    for objet in ("fiche", "adresse", "foyer", "equipements", "capacites", "demande", "consentement"):
        noeud = SCHEMA.sous_schema(("fiche",) if objet == "fiche" else ("fiche", objet))
        assert noeud["additionalProperties"] is False, objet


def _mutations():
    """Invalid dossiers, one fault each, for the agreement test."""
    def m(chemin, valeur):
        d = dossier()
        cible = d
        for cle in chemin[:-1]:
            cible = cible[cle]
        if valeur is KeyError:
            del cible[chemin[-1]]
        else:
            cible[chemin[-1]] = valeur
        return d

    return [
        m(("fiche", "qpv"), 12),
        m(("fiche", "enfants"), []),
        m(("fiche", "enfants", 0, "date_naissance"), "2013-02-30"),
        m(("fiche", "enfants", 0, "date_naissance"), "17/04/2013"),
        m(("fiche", "enfants", 0, "prenom"), "Zéph1rine"),
        m(("fiche", "representants_legaux", 0, "telephone"), "0639987351"),
        m(("fiche", "representants_legaux", 0, "courriel"), "pas-un-courriel"),
        m(("fiche", "representants_legaux", 0, "lien"), "cousine"),
        m(("fiche", "representants_legaux", 0, "langues"), ["fr", "fr"]),
        m(("fiche", "foyer", "nb_adultes"), 0),
        m(("fiche", "foyer", "nb_enfants"), "deux"),
        m(("fiche", "capacites", "location"), "peut-être"),
        m(("fiche", "demande", "imprimante"), KeyError),
        m(("fiche", "equipements", "internet", "debit"), "lent"),
        m(("fiche", "consentement"), KeyError),
        m(("id",), "F-12345"),
        m(("version",), 2),
        m(("journal",), [{"type": "livraison", "date": "2025-09-01", "par": "DSI", "details": {"lieu": "domicile"}}]),
        m(("journal",), [{"type": "retour", "date": "2025-09-01", "par": "DSI", "details": {"materiel": "PC-1", "etat": "cassé"}}]),
        m(("journal",), [{"type": "appel", "date": "2025-09-01", "par": "PRE"}]),
        m(("journal",), [{"type": "suivi", "date": "2025-09-01", "par": "PRE", "details": {"temps": "T0", "extra": 1}}]),
    ]


def _valides():
    d1 = dossier()
    d2 = copy.deepcopy(d1)
    del d2["fiche"]["adresse"]
    d2["fiche"]["representants_legaux"].append({"prenom": "Émile", "nom": "Quillembois", "lien": "pere"})
    d2["journal"].append({"type": "decision", "date": "2025-06-20", "par": "secrétariat de la commission",
                          "details": {"avis": "accorde", "materiels": ["ordinateur_portable"], "mode": "pret"}})
    return [d1, d2]


@pytest.mark.parametrize("d", _valides() + _mutations())
def test_les_deux_validateurs_sont_d_accord(d):
    try:
        SCHEMA.valide_vite(d)
        rapide = True
    except fastjsonschema.JsonSchemaException:
        rapide = False
    detaille = not list(SCHEMA.validateur_detaille.iter_errors(d))
    assert rapide == detaille


def test_chaque_mutation_est_refusee_avec_un_message_francais():
    for d in _mutations():
        problemes = erreurs_schema(d, SCHEMA, "x.json.age") + _parties(d)
        assert problemes, d
        for p in problemes:
            assert p.correction and p.message
            assert "is not" not in p.message and "does not match" not in p.message, p.message


def _parties(d):
    """The business rule that requires the diagnostic parts (a schema cannot read the journal)."""
    from famnum.validation import _parties_du_diagnostic

    return _parties_du_diagnostic(d, SCHEMA, "x.json.age")


def _recensee():
    d = dossier()
    d["fiche"] = {"enfants": [{"prenom": "Zéphirine", "nom": "Quillembois", "date_naissance": "2013-04-17",
                               "etablissement": "col-alain-fournier", "classe": "6e"}],
                  "qpv": "sablons-bords-huisne",
                  "contact_recensement": {"responsable": "Noémie Quillembois", "telephone": "+33639987351"}}
    d["journal"] = [evenement("recensement", "équipe PRE", details={"source": "college"})]
    return d


def test_une_famille_seulement_recensee_est_valide_sans_les_parties_du_diagnostic():
    d = _recensee()
    assert erreurs_schema(d, SCHEMA, "x.json.age") == []
    assert _parties(d) == []


def test_apres_le_diagnostic_les_parties_manquantes_sont_nommees_en_francais():
    d = _recensee()
    d["journal"].append(evenement("diagnostic", "référente PRE"))
    champs = {p.champ for p in _parties(d)}
    assert {"Fiche nominative de diagnostic › Consentement", "Fiche nominative de diagnostic › Représentants légaux"} <= champs, champs
    assert all(p.message == "champ obligatoire manquant" for p in _parties(d))


def test_un_dossier_sans_journal_reste_strict():
    d = _recensee()
    d["journal"] = []
    assert _parties(d), "sans événement de recensement, la fiche complète est exigée"


def test_chaque_erreur_du_schema_porte_son_code():
    d = dossier()
    del d["fiche"]["qpv"]
    d["fiche"]["foyer"]["bailleur_social"] = 12
    assert sorted(p.code for p in erreurs_schema(d, SCHEMA, "F-22222.json.age")) == ["schema.required", "schema.type"]


def test_une_cle_manquante_se_lit_dans_l_erreur_pas_dans_son_texte_anglais():
    from famnum.schemas import par_cle_manquante
    from famnum.validation import _message

    d = dossier()
    del d["fiche"]["qpv"], d["fiche"]["enfants"]
    erreurs = [e for e in SCHEMA.validateur_detaille.iter_errors(d) if e.validator == "required"]
    assert len(erreurs) == 2
    for erreur in erreurs:  # whatever jsonschema's wording becomes (another version, another language)
        erreur.message = "propriété obligatoire absente"
    paires = par_cle_manquante(erreurs)
    assert sorted(cle for _, cle in paires) == ["enfants", "qpv"]  # each key once, though both errors list both
    titres = {_message(erreur, SCHEMA, cle)[0] for erreur, cle in paires}
    assert titres == {SCHEMA.titre_chemin(("fiche", "qpv")), SCHEMA.titre_chemin(("fiche", "enfants"))}


def test_un_schema_charge_deux_fois_n_est_compile_qu_une_fois():
    """Each Coffre loads the schema: compiling it again each time cost a few tenths of a second."""
    autre = SchemaFamille.charger(Path(__file__).parents[1] / "data" / "schemas" / "famille.schema.json")
    assert autre is not SCHEMA and autre.valide_vite is SCHEMA.valide_vite
    change = copy.deepcopy(SCHEMA.schema)
    change["properties"]["id"] = {"type": "integer"}
    assert SchemaFamille(change).valide_vite is not SCHEMA.valide_vite
    with pytest.raises(fastjsonschema.JsonSchemaException):
        SchemaFamille(change).valide_vite(dossier())
