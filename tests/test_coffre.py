"""The encrypted store: round-trips, atomic writes, ids, commits that name no one."""
from __future__ import annotations

import json
import subprocess

import pyrage
import pytest

from famnum import vault
from famnum.dossiers import ALPHABET_ID, Coffre, ErreurValidation, canonique, nouvel_identifiant
from famnum.erreurs import FamnumError

from fabrique import VALEURS_PLANTEES, dossier, git_log, refuse


def test_un_dossier_fait_l_aller_retour_chiffre(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche de diagnostic")
    chemin = territoire.chemin_dossier(d["id"])
    assert chemin.name.endswith(".json.age")
    contenu = chemin.read_bytes()
    assert contenu.startswith(b"age-encryption.org/v1\n")
    # binary age: after the header's MAC line, a 16-byte nonce and one sealed chunk (text + 16-byte tag)
    charge = contenu.split(b"\n--- ", 1)[1].split(b"\n", 1)[1]
    assert len(charge) == 16 + len(canonique(d)) + 16
    with pytest.raises(pyrage.DecryptError):  # a key that is not in destinataires.txt opens nothing
        pyrage.decrypt(contenu, [vault.generer_identite()])
    assert coffre.lire(d["id"]) == d
    assert vault.nombre_destinataires(contenu) == 2  # the steward and the recovery key


@pytest.mark.parametrize("nombre", [1, 3])
def test_aller_retour_avec_un_ou_trois_destinataires(nombre):
    identites = [vault.generer_identite() for _ in range(nombre)]
    chiffre = vault.chiffrer(canonique(dossier()), [i.to_public() for i in identites])
    assert vault.nombre_destinataires(chiffre) == nombre
    for identite in identites:  # each holder alone can read it
        assert json.loads(vault.dechiffrer(chiffre, [identite], "x")) is not None


def test_le_contenu_est_du_json_canonique(coffre, territoire, identite):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    clair = pyrage.decrypt(territoire.chemin_dossier(d["id"]).read_bytes(), [identite])
    assert clair == canonique(d)
    assert clair == json.dumps(json.loads(clair), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def test_identifiants_courts_et_aleatoires():
    vus = {nouvel_identifiant(set()) for _ in range(200)}
    assert len(vus) == 200
    for identifiant in vus:
        assert identifiant.startswith("F-") and len(identifiant) == 7
        assert set(identifiant[2:]) <= set(ALPHABET_ID)


def test_un_enregistrement_fait_un_seul_commit_sans_nom_ni_identifiant(coffre, territoire):
    dossiers = [dossier(), dossier()]
    avant = git_log(territoire.racine).count("\n")
    coffre.enregistrer(dossiers, "Recensement")
    journal = git_log(territoire.racine)
    assert journal.splitlines()[0] == "Recensement (2 dossiers)"
    assert journal.count("\n") == avant + 2  # one subject line, one empty body
    for d in dossiers:
        assert d["id"] not in journal
    for valeur in VALEURS_PLANTEES:
        assert valeur not in journal


def test_un_dossier_invalide_n_ecrit_rien(coffre, territoire):
    bon, mauvais = dossier(), dossier()
    mauvais["fiche"]["qpv"] = "quartier-inconnu"
    with pytest.raises(ErreurValidation) as erreur:
        coffre.enregistrer([bon, mauvais], "Recensement")
    assert "QPV" in str(erreur.value) and "référentiel" in str(erreur.value)
    assert list(territoire.familles.glob("*.age")) == []
    assert not list(territoire.familles.glob(".famnum-*"))


def test_une_arborescence_sale_est_refusee(coffre, territoire):
    (territoire.data / "referentiels" / "qpv.csv").write_text("modifié à la main\n", encoding="utf-8")
    with refuse("git.arbre_sale"):
        coffre.enregistrer([dossier()], "Nouvelle fiche")
    assert list(territoire.familles.glob("*.age")) == []


def test_ecriture_atomique_ne_laisse_jamais_un_demi_fichier(tmp_path, monkeypatch):
    cible = tmp_path / "a.json.age"
    cible.write_bytes(b"ancien")

    def panne(*_):
        raise OSError("disque plein")

    monkeypatch.setattr("os.replace", panne)
    with pytest.raises(OSError):
        vault.ecrire_atomiquement(cible, b"nouveau contenu")
    assert cible.read_bytes() == b"ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json.age"]


def test_interoperabilite_avec_la_commande_age(coffre, territoire, identite, tmp_path):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    fichier_identite = vault.chemin_identite()
    # famnum → age
    sortie = subprocess.run(["age", "-d", "-i", str(fichier_identite), str(territoire.chemin_dossier(d["id"]))],
                            capture_output=True, check=True).stdout
    assert json.loads(sortie) == d
    # age → famnum: a dossier encrypted by the reference CLI to the recipients file
    autre = dossier(existants={d["id"]})
    clair = tmp_path / "clair.json"
    clair.write_bytes(canonique(autre))
    subprocess.run(["age", "-R", str(territoire.destinataires), "-o", str(territoire.chemin_dossier(autre["id"])),
                    str(clair)], check=True)
    clair.unlink()
    assert Coffre(territoire).lire(autre["id"]) == autre


def test_dossier_inconnu(coffre):
    with refuse("dossier.inconnu"):
        coffre.lire("F-ZZZZZ")


def test_fichier_tronque_ou_corrompu(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    chemin = territoire.chemin_dossier(d["id"])
    chemin.write_bytes(chemin.read_bytes()[:120])
    with pytest.raises(FamnumError) as refus:
        coffre.lire(d["id"])
    assert refus.value.code == "illisible.tronque" and refus.value.correction
    chemin.write_bytes(b"age-encryption.org/v1\n-> X25519 n'importe quoi\n--- rien\n")
    with pytest.raises(FamnumError) as refus:
        coffre.lire(d["id"])
    assert refus.value.code == "illisible.tronque"
    assert str(refus.value).endswith("À faire : " + refus.value.correction)  # the fix written once, after the text


def test_pas_pour_ma_cle_ou_tronque_se_dit_sans_lire_le_texte_de_pyrage(monkeypatch):
    """Which of the two it is comes from the file's structure and the exception's type, not from
    pyrage's English wording (replaced here by another)."""
    mienne, autre = vault.generer_identite(), vault.generer_identite()
    pour_autrui = vault.chiffrer(b'{"a": 1}' * 50, [autre.to_public()])
    pour_moi = vault.chiffrer(b'{"a": 1}' * 50, [mienne.to_public()])
    vrai_dechiffrement = pyrage.decrypt

    def autre_texte(chiffre, identites):
        try:
            return vrai_dechiffrement(chiffre, identites)
        except pyrage.DecryptError:
            raise pyrage.DecryptError("aucune identité ne correspond") from None

    monkeypatch.setattr(pyrage, "decrypt", autre_texte)
    attendus = {"illisible.autre_cle": pour_autrui, "illisible.tronque": pour_moi[:-10]}
    for code, chiffre in attendus.items():
        with pytest.raises(vault.FichierIllisible) as refus:
            vault.dechiffrer(chiffre, [mienne], "data/families/F-AAAAA.json.age")
        assert refus.value.code == code
    octet = len(pour_moi) - 40  # one flipped bit in the payload: damaged, not someone else's
    abime = pour_moi[:octet] + bytes([pour_moi[octet] ^ 1]) + pour_moi[octet + 1:]
    with pytest.raises(vault.FichierIllisible) as refus:
        vault.dechiffrer(abime, [mienne], "data/families/F-AAAAA.json.age")
    assert refus.value.code == "illisible.tronque"


def test_la_lecture_de_tout_type_chaque_probleme(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    territoire.chemin_dossier(d["id"]).write_bytes(b"{pas age}")
    (probleme,) = coffre.lire_tous().rapport.problemes
    assert probleme.code == "illisible.pas_age" and probleme.correction


def test_aucun_identifiant_dans_les_journaux_meme_en_mode_debogage(coffre, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche de diagnostic")
    coffre.lire(d["id"])
    assert d["id"] not in caplog.text


def test_un_document_prive_n_est_lisible_que_par_son_proprietaire(tmp_path):
    import stat

    (tmp_path / "build").mkdir(mode=0o755)
    chemin = tmp_path / "build" / "private" / "rgpd" / "acces.html"
    vault.ecrire_prive(chemin, b"<p>document d'une famille</p>")
    assert chemin.read_bytes() == b"<p>document d'une famille</p>"
    assert stat.S_IMODE(chemin.stat().st_mode) == 0o600
    assert stat.S_IMODE(chemin.parent.stat().st_mode) == 0o700            # build/private/rgpd
    assert stat.S_IMODE(chemin.parent.parent.stat().st_mode) == 0o700     # build/private
    assert stat.S_IMODE((tmp_path / "build").stat().st_mode) == 0o755     # build/ itself is not ours to change
