"""One rule, one place: the date and text helpers live in famnum.formats, the answer scale and the event
types are read from the schema."""
from __future__ import annotations

import ast
import copy
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from famnum import formats
from famnum.cli import main
from famnum.evaluation import calcul, seances, simulation
from famnum.schemas import SchemaFamille, du_modele

from fabrique import refuse

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
AIDES = {"age_au", "ajouter_mois", "fin_du_mois", "date_fr", "nombre", "euros", "cellule", "sans_accents", "en_ascii"}


def test_les_mois_s_ajoutent_au_dernier_jour_quand_le_jour_manque():
    assert formats.ajouter_mois(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert formats.ajouter_mois(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert formats.ajouter_mois(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert formats.ajouter_mois(date(2025, 8, 31), 12) == date(2026, 8, 31)
    assert formats.fin_du_mois(date(2025, 12, 3)) == date(2025, 12, 31)
    assert formats.fin_du_mois(date(2024, 2, 1)) == date(2024, 2, 29)


def test_age_dates_nombres_et_cases_a_la_francaise():
    assert formats.age_au("2015-03-05", date(2025, 3, 4)) == 9
    assert formats.age_au("2015-03-05", date(2025, 3, 5)) == 10
    assert formats.date_fr(date(2025, 3, 5)) == formats.date_fr("2025-03-05") == "05/03/2025"
    assert formats.date_fr("bientôt") == "bientôt"
    assert formats.nombre(247847) == "247\u202f847" and formats.nombre(2.5) == "2,50"
    assert formats.euros(1200) == "1\u202f200 €"
    assert formats.cellule("a | b\nc") == "a \\| b c"
    assert formats.sans_accents("Éléonore Œuvre") == "eleonore œuvre"
    assert formats.en_ascii("Éléonore Œuvre") == "eleonore uvre"


def test_aucun_autre_module_ne_reecrit_une_aide_de_formats():
    doublons = []
    for chemin in SCRIPTS.rglob("*.py"):
        if chemin.name == "formats.py":
            continue
        for noeud in ast.parse(chemin.read_text(encoding="utf-8")).body:
            if isinstance(noeud, ast.FunctionDef) and noeud.name.lstrip("_") in AIDES:
                doublons.append(f"{chemin.relative_to(SCRIPTS)}:{noeud.lineno} {noeud.name}")
    assert doublons == []


def test_l_echelle_de_reponses_vient_du_schema():
    attendu = tuple(du_modele().echelle())
    assert len(attendu) == 5
    assert calcul.ECHELLE == seances.ECHELLE == simulation.ECHELLE == attendu
    assert set(calcul.GROUPE_ECHELLE) == set(attendu)
    ecrites = [str(chemin.relative_to(SCRIPTS)) for chemin in SCRIPTS.rglob("*.py")
               if '"jamais", "rarement"' in chemin.read_text(encoding="utf-8")]
    assert ecrites == []


def test_une_echelle_qui_differe_d_un_champ_a_l_autre_est_refusee():
    schema = copy.deepcopy(du_modele().schema)
    suivi = schema["definitions"]["details_suivi"]["properties"]["famille"]["properties"]
    premier = next(n for n in suivi.values() if n.get("x-echelle") == "frequence")
    premier["enum"] = premier["enum"][:4]
    with refuse("fichier_schema.echelle_incoherente") as refus:
        SchemaFamille(schema, "famille.schema.json").echelle()
    assert "famille.schema.json" in str(refus.value) and "x-echelle" in str(refus.value)


def test_les_types_d_evenement_de_la_commande_sont_ceux_du_schema():
    types = du_modele().types_evenements()
    assert list(types)[:3] == ["recensement", "diagnostic", "preconisation"]
    resultat = CliRunner().invoke(main, ["famille", "evenement", "F-22222", "inconnu", "--par", "référente"])
    assert resultat.exit_code == 2
    assert all(f"'{t}'" in resultat.output for t in types if t != "rectification")
    assert "'rectification'" not in resultat.output  # famnum rgpd rectifier writes those


def test_compte_au_singulier_sous_deux_comme_en_francais():
    from famnum.formats import compte

    assert [compte(n, "famille") for n in (0, 1, 2)] == ["0 famille", "1 famille", "2 familles"]
    assert compte(3, "dossier rechiffré", "dossiers rechiffrés") == "3 dossiers rechiffrés"
    with pytest.raises(ValueError):
        compte(2, "dossier rechiffré")  # a plural of several words is never guessed


def test_aucun_message_n_ecrit_un_pluriel_entre_parentheses():
    """« 1 famille(s) » reads as a form, not a sentence: every count goes through formats.compte."""
    import re
    from pathlib import Path

    import famnum

    fautes = []
    for chemin in Path(famnum.__file__).parent.rglob("*.py"):
        for noeud in ast.walk(ast.parse(chemin.read_text(encoding="utf-8"))):
            if isinstance(noeud, ast.Constant) and isinstance(noeud.value, str) and re.search(r"\w\(s\)", noeud.value):
                fautes.append(f"{chemin.name}:{noeud.lineno} {noeud.value[:60]}")
    assert not fautes, fautes
