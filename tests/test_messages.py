"""Every message a person reads is French, says what is wrong with what was typed and what to type
instead (issue 12, point 7): impossible dates, postal codes, phones as dictated, school candidates,
plurals, click's own messages, a port already taken."""
from __future__ import annotations

import ast
import socket
from pathlib import Path

import click
from click.testing import CliRunner

from famnum.cli import main
from famnum.cli.francais import TRADUCTIONS, modules_de_click
from famnum.saisie import SaisieInvalide, choisir_nom, lire_code_postal, lire_date, lire_telephone

from fabrique import refus, refuse

ECOLES = {
    "ee-gaston-bachelard": "Ecole élémentaire Gaston Bachelard", "ee-camille-claudel": "Ecole élémentaire Camille Claudel",
    "em-lucie-aubrac": "Ecole maternelle Lucie Aubrac", "e-jean-mermoz": "Ecole Jean Mermoz",
    "e-jules-ferry": "Ecole Jules Ferry", "col-alain-fournier": "Collège Alain Fournier",
}


def _message(code: str, fonction, *args) -> str:
    """The French text of the refusal of `fonction(*args)`, which must be the refusal `code`."""
    with refuse(code) as e:
        fonction(*args)
    assert isinstance(e.value, SaisieInvalide)
    return str(e.value)


def test_une_date_qui_n_existe_pas_est_dite_telle():
    assert _message("saisie.date_inexistante", lire_date, "31/02/2020") == ("la date 31/02/2020 n'existe pas : février 2020 n'a que 29 jours "
                                                 "(tapez un jour de 01 à 29)")
    assert "le mois s'écrit de 01 à 12" in _message("saisie.date_inexistante", lire_date, "12/13/2020")
    assert "date illisible « hier »" in _message("saisie.date", lire_date, "hier")


def test_un_code_postal_dit_ses_5_chiffres():
    assert lire_code_postal(" 72 100 ") == "72100"
    message = _message("saisie.code_postal_longueur", lire_code_postal, "7210")
    assert "4 chiffres au lieu de 5" in message and "72100" in message
    assert "5 chiffres seulement" in _message("saisie.code_postal", lire_code_postal, "72l00")


def test_un_telephone_se_tape_comme_on_le_dicte():
    assert lire_telephone("06 39 98 73 51")[0] == "+33639987351"
    message = _message("saisie.telephone_longueur", lire_telephone, "06 39 98 73")
    assert "8 chiffres" in message and "comme on vous le dicte" in message and "+33" not in message
    assert "comme on vous le dicte" in _message("saisie.telephone", lire_telephone, "abc")


def test_un_debut_de_nom_partage_montre_trois_candidats_au_plus():
    message = _message("saisie.nom_ambigu", choisir_nom, "Ecole", ECOLES)
    assert message.startswith("5 établissements correspondent à « Ecole »")
    assert message.count(". Ecole") == 3  # three candidates, each with its number in the list


def test_un_nom_absent_est_dit_absent_et_le_plus_proche_propose():
    # « Ecole Jean Zay » shares only « école » and « Jean » with a listed school: none is close, it says so
    assert _message("saisie.nom_sans_proche", choisir_nom, "Ecole Jean Zay", ECOLES).startswith(
        "aucun établissement ne ressemble à « Ecole Jean Zay » : tapez le numéro de la liste, ou laissez vide")
    message = _message("saisie.nom_inconnu", choisir_nom, "Gastn Bachelar", ECOLES)
    assert message.startswith("aucun établissement ne s'appelle « Gastn Bachelar ». Les plus proches : "
                              "1. Ecole élémentaire Gaston Bachelard")


def test_un_debut_de_nom_unique_choisit_l_ecole():
    assert choisir_nom("Gaston", ECOLES) == "ee-gaston-bachelard"
    assert choisir_nom("alain f", ECOLES) == "col-alain-fournier"
    assert choisir_nom("4", ECOLES) == "e-jean-mermoz"


def test_le_fil_d_un_champ_nomme_l_element_au_singulier(coffre):
    assert coffre.schema.titre_chemin(("fiche", "enfants", 0, "prenom")).endswith("Enfant n°1 › Prénom")


def test_verifier_accorde_le_nombre_de_dossiers(coffre, territoire):
    from fabrique import dossier

    coffre.enregistrer([dossier()], "Nouvelle fiche")
    resultat = CliRunner().invoke(main, ["verifier"])
    assert "(1 dossier lu)" in resultat.output, resultat.output


def test_l_aide_de_click_est_en_francais():
    sortie = CliRunner().invoke(main, ["famille", "--help"]).output
    assert "Afficher cette aide et quitter." in sortie and "Show this message" not in sortie
    assert "Utilisation : " in sortie and "[OPTIONS] COMMANDE [ARGUMENTS]..." in sortie and "COMMAND " not in sortie


def test_une_interruption_a_une_question_de_click_est_dite_en_francais(territoire):
    resultat = CliRunner().invoke(main, ["famille", "evenement", "F-22222", "suivi"], input="")  # --par: end of input
    assert "Aborted!" not in resultat.output and "Interrompu" in resultat.output


def test_chaque_message_de_click_a_sa_traduction():
    """A new click version with a new message fails here, before a person reads it in English."""
    messages = set()
    for module in modules_de_click():
        for noeud in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
            if isinstance(noeud, ast.Call) and getattr(noeud.func, "id", "") in ("_", "ngettext"):
                messages |= {a.value for a in noeud.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    assert messages and messages <= set(TRADUCTIONS), sorted(messages - set(TRADUCTIONS))
    assert click.core._("Aborted!") != "Aborted!"


def test_un_port_deja_pris_est_dit_en_francais(territoire):
    occupe = socket.socket()
    occupe.bind(("127.0.0.1", 0))
    occupe.listen(1)
    port = occupe.getsockname()[1]
    try:
        resultat = CliRunner().invoke(main, ["formulaire", "--port", str(port), "--sans-navigateur"])
    finally:
        occupe.close()
    assert resultat.exit_code != 0 and refus(resultat).code == "formulaire.port_pris"
    sortie = resultat.output
    assert f"Le port {port} est déjà pris par un autre programme" in sortie and "relancez sans --port" in sortie
    assert "in use" not in sortie and "Address already" not in sortie


def test_lister_accorde_le_nombre_de_familles(coffre, territoire):
    from fabrique import dossier

    coffre.enregistrer([dossier()], "Nouvelle fiche")
    sortie = CliRunner().invoke(main, ["familles", "lister"]).output
    assert sortie.rstrip().endswith("\n1 famille.") and "(s)" not in sortie
