"""Checks that had no test: a private key in a Markdown page, a dossier encrypted to fewer holders
than destinataires.txt lists, a commit message that names a family or a person."""
from __future__ import annotations

import subprocess

import pytest

from famnum import depot, ecriture, vault
from famnum.dossiers import Coffre, canonique
from famnum.verification import verifier_texte_clair

from fabrique import dossier, git_log


@pytest.mark.parametrize("fichier", ["content/notes.md", "content/programme/notes.md", "notes.txt", "README.md"])
def test_une_cle_privee_est_trouvee_meme_dans_une_page_markdown(territoire, fichier):
    chemin = territoire.racine / fichier
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_text(f"# Notes\n\nLa clé : {vault.generer_identite()}\n", encoding="utf-8")
    rapport = verifier_texte_clair(territoire)
    assert [p.fichier for p in rapport.problemes if p.code == "verifier.cle_privee"] == [fichier]


def test_le_crochet_pre_commit_refuse_une_cle_dans_le_contenu_du_site(territoire):
    page = territoire.racine / "content" / "notes.md"
    page.write_text(f"Ne pas publier : {vault.generer_identite()}\n", encoding="utf-8")
    subprocess.run(["git", "add", "content/notes.md"], cwd=territoire.racine, check=True)
    avant = git_log(territoire.racine)
    commit = subprocess.run(["git", "commit", "-m", "Notes"], cwd=territoire.racine, capture_output=True, text=True)
    assert commit.returncode != 0 and "clé privée" in commit.stdout + commit.stderr
    assert git_log(territoire.racine) == avant


def test_un_dossier_chiffre_pour_moins_de_cles_que_la_liste_est_signale(coffre):
    """lecture.py counts each file's recipient stanzas against destinataires.txt."""
    complet, partiel = dossier(), dossier()
    coffre.enregistrer([complet, partiel], "Familles")
    assert len(coffre.destinataires) == 2  # famnum init: the steward's key and the recovery key
    seulement_moi = [vault.Destinataire(vault.cles_publiques(coffre.identites)[0], "moi")]
    chiffre = vault.chiffrer(canonique(partiel), vault.destinataires_age(seulement_moi))
    ecriture.enregistrer(coffre.territoire.racine, [(coffre.territoire.chemin_dossier(partiel["id"]), chiffre)],
                         "Rechiffrement partiel (1 dossier)")
    rapport = Coffre(coffre.territoire).lire_tous().rapport
    signales = [p for p in rapport.problemes if p.code == "verifier.destinataires_perimes"]
    assert [p.fichier for p in signales] == [f"data/families/{partiel['id']}.json.age"]
    # the one test of its wording: how many keys, how many listed, the command that fixes it
    assert "chiffré pour 1 clé alors que destinataires.txt en liste 2" in signales[0].message
    assert "famnum cles rechiffrer" in signales[0].correction


@pytest.mark.parametrize("message", ["Famille F-7K2Q9 modifiée", "Appel au 06 39 98 73 51", "Courriel de a@b.fr",
                                     "Appel au +33639987351"])
def test_un_message_de_commit_ne_nomme_personne(coffre, message):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    avant = git_log(coffre.territoire.racine)
    chemin = coffre.territoire.chemin_dossier(d["id"])
    contenu = chemin.read_bytes()
    with pytest.raises(ValueError, match="ne nomme ni une famille ni une personne"):
        depot.commiter(coffre.territoire.racine, [chemin], message)
    with pytest.raises(ValueError, match="ne nomme ni une famille ni une personne"):
        ecriture.enregistrer(coffre.territoire.racine, [(chemin, b"age-encryption.org/v1\nautre")], message)
    assert git_log(coffre.territoire.racine) == avant and chemin.read_bytes() == contenu
    assert not (coffre.territoire.racine / ".git" / "famnum" / "operation.json").exists()
