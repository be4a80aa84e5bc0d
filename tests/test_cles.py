"""Keys: creating one, adding and removing holders, atomic re-encryption, refusals."""
from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from famnum import cles, vault
from famnum.cli import main
from famnum.dossiers import Coffre

from fabrique import dossier, git_log, refus, refuse


def _deux_dossiers(coffre):
    a = dossier()
    b = dossier(existants={a["id"]})
    coffre.enregistrer([a, b], "Recensement")
    return a, b


def test_cles_creer_ecrit_une_cle_privee_hors_du_depot(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.delenv("FAMNUM_IDENTITE_FICHIER", raising=False)
    resultat = CliRunner().invoke(main, ["cles", "creer"])
    assert resultat.exit_code == 0, resultat.output
    chemin = tmp_path / "cfg" / "famnum" / "identite.txt"
    assert stat.S_IMODE(chemin.stat().st_mode) == 0o600
    publique = [l for l in resultat.output.splitlines() if l.startswith("age1")][0]
    assert publique in chemin.read_text()
    encore = CliRunner().invoke(main, ["cles", "creer"])
    assert encore.exit_code != 0 and refus(encore).code == "cles.identite_existante"


def test_ajouter_une_cle_rechiffre_tout_en_un_commit(coffre, territoire):
    a, b = _deux_dossiers(coffre)
    collegue = vault.generer_identite()
    resultat = CliRunner().invoke(main, ["cles", "ajouter", str(collegue.to_public()), "--role", "coordinatrice PRE"])
    assert resultat.exit_code == 0, resultat.output
    assert git_log(territoire.racine).splitlines()[0] == "Ajout d'un détenteur de clé : rechiffrement (2 dossiers)"
    for d in (a, b):
        chiffre = territoire.chemin_dossier(d["id"]).read_bytes()
        assert vault.nombre_destinataires(chiffre) == 3
        assert Coffre(territoire, identites=[collegue]).lire(d["id"]) == d
    assert "# coordinatrice PRE" in territoire.destinataires.read_text()
    # the pseudonym key follows the same holders
    vault.dechiffrer(territoire.cle_pseudonymes.read_bytes(), [collegue], "clé")


def test_retirer_une_cle(coffre, territoire):
    a, _ = _deux_dossiers(coffre)
    collegue = vault.generer_identite()
    cles.ajouter(coffre, str(collegue.to_public()), "référent PRE")
    cles.retirer(coffre, str(collegue.to_public()))
    with refuse("cles.acces_refuse"):
        Coffre(territoire, identites=[collegue])
    with refuse("illisible.autre_cle"):
        Coffre(territoire, identites=[collegue], verifier_acces=False).lire(a["id"])
    assert Coffre(territoire).lire(a["id"]) == a


def test_on_ne_retire_pas_la_derniere_cle(coffre):
    for d in list(coffre.destinataires)[1:]:
        cles.retirer(coffre, d.cle)
    with refuse("cles.derniere_cle"):
        cles.retirer(coffre, coffre.destinataires[0].cle)


def test_cle_publique_mal_formee(coffre):
    with refuse("cles.cle_publique_invalide"):
        cles.ajouter(coffre, "age1nimportequoi", "x")
    with refuse("cles.deja_destinataire"):
        cles.ajouter(coffre, coffre.destinataires[0].cle, "x")


def test_une_panne_au_milieu_du_rechiffrement_ne_casse_aucun_fichier(coffre, territoire, identite, monkeypatch):
    dossiers = [dossier() for _ in range(4)]
    coffre.enregistrer(dossiers, "Recensement")
    collegue = vault.generer_identite()
    vrai_replace, appels = os.replace, []

    def panne_au_troisieme(source, cible):
        appels.append(cible)
        if len(appels) == 3:
            raise OSError("coupure de courant")
        vrai_replace(source, cible)

    monkeypatch.setattr("famnum.cles.os.replace", panne_au_troisieme)
    with pytest.raises(OSError):
        cles.ajouter(coffre, str(collegue.to_public()), "coordinatrice PRE")
    monkeypatch.undo()
    # every file still opens with the old holder's key; the list is unchanged
    for d in dossiers:
        assert Coffre(territoire, identites=[identite]).lire(d["id"]) == d
    assert str(collegue.to_public()) not in territoire.destinataires.read_text()
    assert not (territoire.racine / ".git" / "famnum-rechiffrement").exists()


def test_cle_absente_de_la_liste_est_refusee(territoire, monkeypatch, tmp_path):
    etrangere = tmp_path / "etrangere.txt"
    vault.enregistrer_identite(vault.generer_identite(), etrangere, "autre")
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(etrangere))
    resultat = CliRunner().invoke(main, ["familles", "lister"])
    assert resultat.exit_code != 0 and refus(resultat).code == "cles.acces_refuse"


def test_identite_manquante(territoire, monkeypatch, tmp_path):
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(tmp_path / "absente.txt"))
    resultat = CliRunner().invoke(main, ["verifier"])
    assert resultat.exit_code != 0 and refus(resultat).code == "cles.identite_introuvable"
    # the one test of its wording: no key found, and the command that makes one
    assert "Aucune clé privée" in resultat.output and "famnum cles creer" in resultat.output


def test_identite_dans_une_variable_pour_la_ci(territoire, identite, monkeypatch, tmp_path):
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(tmp_path / "absente.txt"))
    monkeypatch.setenv("FAMNUM_IDENTITE", str(identite))
    assert CliRunner().invoke(main, ["verifier"]).exit_code == 0
    monkeypatch.setenv("FAMNUM_IDENTITE", "AGE-SECRET-KEY" + "-1PASUNECLE")
    resultat = CliRunner().invoke(main, ["verifier"])
    assert resultat.exit_code != 0 and refus(resultat).code == "cles.identite_invalide"
    assert "FAMNUM_IDENTITE" in resultat.output  # the message names where the bad key came from


def test_lister_previent_quand_une_seule_cle(coffre):
    cles.retirer(coffre, coffre.destinataires[1].cle)
    resultat = CliRunner().invoke(main, ["cles", "lister"])
    assert "→ vous" in resultat.output
    assert "une seule clé" in resultat.output


def _un_reste_anonyme(coffre, territoire):
    """An erased family: its dossier gone, its anonymous remainder in data/effaces/."""
    from famnum import restes, rgpd

    efface, _ = _deux_dossiers(coffre)
    rgpd.effacer(Coffre(territoire), {efface["id"]: efface}, "demande")
    (chemin,) = restes.chemins(territoire)
    return chemin


def test_les_restes_anonymes_suivent_les_detenteurs(coffre, territoire):
    from famnum import restes

    chemin = _un_reste_anonyme(coffre, territoire)
    collegue = vault.generer_identite()
    cles.ajouter(Coffre(territoire), str(collegue.to_public()), "coordinatrice PRE")
    assert git_log(territoire.racine).splitlines()[0] == \
        "Ajout d'un détenteur de clé : rechiffrement (1 dossier, 1 reste anonyme)"
    assert vault.nombre_destinataires(chemin.read_bytes()) == 3
    assert restes.lire(chemin, [collegue])["fiche"] == {"qpv": "sablons-bords-huisne", "niveau": "college"}
    cles.retirer(Coffre(territoire), str(collegue.to_public()))
    with refuse("illisible.autre_cle"):
        restes.lire(chemin, [collegue])


def test_une_rotation_rend_les_restes_lisibles_par_les_seules_nouvelles_cles(coffre, territoire, creation):
    from famnum import restes

    chemin = _un_reste_anonyme(coffre, territoire)
    anciennes = [*vault.charger_identites(), vault.pyrage.x25519.Identity.from_str(creation.cle_secours)]
    avant = restes.lire(chemin, anciennes)
    resultat = CliRunner().invoke(main, ["cles", "rotation", "--oui"])
    assert resultat.exit_code == 0, resultat.output
    secours = [l for l in resultat.output.splitlines() if l.startswith("AGE-SECRET-KEY")][0]
    chiffre = chemin.read_bytes()
    assert vault.nombre_destinataires(chiffre) == 2
    for ancienne in anciennes:
        with refuse("illisible.autre_cle"):
            vault.dechiffrer(chiffre, [ancienne], "reste")
    for nouvelle in (vault.charger_identites(), [vault.pyrage.x25519.Identity.from_str(secours)]):
        assert restes.lire(chemin, nouvelle) == avant
    assert git_log(territoire.racine).splitlines()[0] == "Rotation des clés : rechiffrement (1 dossier, 1 reste anonyme)"
