"""Bad files on reading: each gets its own French message naming the file once, with its own advice,
`famnum famille voir` never prints an oversized dossier, and `famnum verifier` still lists every
other problem of the territory."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from famnum import vault
from famnum.cli import main
from famnum.dossiers import Coffre, canonique

from fabrique import dossier, refuse

FAMNUM = str(Path(sys.executable).with_name("famnum"))


def _famnum(territoire, *arguments):
    return subprocess.run([FAMNUM, *arguments], cwd=territoire.racine, capture_output=True, text=True, timeout=120)


def _verifier(*options: str) -> Result:
    """`famnum verifier` in this process (click's runner), in the test's territory: the same command without
    a new interpreter; `famille voir` stays a process of its own (what it prints, whatever prints it)."""
    return CliRunner().invoke(main, ["verifier", *options])


@pytest.fixture
def trois(coffre):
    """Three healthy dossiers; the tests spoil some."""
    dossiers = [dossier() for _ in range(3)]
    coffre.enregistrer(dossiers, "Familles")
    return [d["id"] for d in dossiers]


def _chiffrer_pour_le_territoire(coffre, contenu: bytes) -> bytes:
    return vault.chiffrer(contenu, vault.destinataires_age(coffre.destinataires))


def _gate(coffre, nature: str, identifiant: str) -> str:
    """Spoils one dossier in the way `nature` says; returns the advice expected for it."""
    chemin = coffre.territoire.chemin_dossier(identifiant)
    if nature == "tronque":
        chemin.write_bytes(chemin.read_bytes()[:150])
        return "git restore"
    if nature == "etrangere":
        chemin.write_bytes(vault.chiffrer(chemin.name.encode(), [vault.generer_identite().to_public()]))
        return "s'il vient d'ailleurs, retirez-le"
    if nature == "pas_json":
        chemin.write_bytes(_chiffrer_pour_le_territoire(coffre, b"{pas du json"))
        return "git log --"
    if nature == "trop_gros":
        enorme = Coffre(coffre.territoire).lire(identifiant)
        enorme["fiche"]["notes"] = "x" * (3 * 1024 * 1024)
        chemin.write_bytes(_chiffrer_pour_le_territoire(coffre, canonique(enorme)))
        return "taille normale"
    raise AssertionError(nature)


MESSAGES = {
    "tronque": "abîmé ou tronqué",
    "etrangere": "chiffré pour d'autres clés que celles du territoire",
    "pas_json": "le contenu déchiffré n'est pas du JSON",
    "trop_gros": "plus qu'un dossier ne peut peser",
}


CODES = {"tronque": "illisible.tronque", "etrangere": "illisible.cle_etrangere", "pas_json": "illisible.pas_json",
         "trop_gros": "illisible.trop_gros"}


@pytest.mark.parametrize("nature", list(MESSAGES))
def test_voir_un_dossier_gate_dit_quoi_et_que_faire_une_fois(coffre, trois, nature):
    conseil = _gate(coffre, nature, trois[0])
    r = _famnum(coffre.territoire, "famille", "voir", trois[0])
    assert r.returncode == 1, r.stdout[:500]
    assert MESSAGES[nature] in r.stderr and "À faire" in r.stderr and conseil in r.stderr
    premiere = r.stderr.splitlines()[0]
    assert premiere.count(f"{trois[0]}.json.age") == 1  # the path once, not twice
    assert "failed to fill" not in r.stderr and "Traceback" not in r.stderr and "buffer" not in r.stderr
    assert len(r.stdout) < 10_000  # never the content of a 3 MB dossier


def test_un_dossier_trop_gros_est_refuse_avant_d_etre_dechiffre(coffre, trois):
    chemin = coffre.territoire.chemin_dossier(trois[0])
    chemin.write_bytes(vault.ENTETE_AGE + b"x" * (vault.TAILLE_MAXIMALE + 100_000))
    with pytest.raises(vault.FichierIllisible) as e:
        Coffre(coffre.territoire).lire(trois[0])
    assert e.value.nature == "trop_gros"


def test_une_cle_absente_de_tous_les_dossiers_n_est_pas_une_cle_etrangere(coffre, trois, monkeypatch):
    """None opens: the advice is to be added by a holder, not to remove the file."""
    autre = vault.generer_identite()
    r = Coffre(coffre.territoire, identites=[autre], verifier_acces=False).lire_tous().rapport
    assert [p.code for p in r.problemes] == ["illisible.autre_cle"] * 3
    assert all("famnum cles ajouter" in p.correction for p in r.problemes)  # the one test of this correction


def test_verifier_liste_chaque_dossier_gate_et_le_reste(coffre, trois):
    """Four spoilt dossiers, one healthy: each its own message, nothing else hidden."""
    encore = [dossier() for _ in range(2)]
    coffre.enregistrer(encore, "Familles")
    identifiants = trois + [d["id"] for d in encore]
    for nature, identifiant in zip(MESSAGES, identifiants):
        _gate(coffre, nature, identifiant)
    r = _verifier("--json")
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit)  # a refusal, not a traceback
    assert sorted((p["fichier"], p["code"]) for p in json.loads(r.stdout)["problemes"]) == sorted(
        (f"data/families/{identifiant}.json.age", CODES[nature]) for nature, identifiant in zip(MESSAGES, identifiants))
    assert identifiants[4] not in r.output  # the healthy one


@pytest.mark.parametrize("contenu,code,message", [
    ("", "illisible.destinataires_vide", "ne contient aucune clé publique"),
    ("# un rôle\nce n'est pas une clé\n", "illisible.destinataires_ligne",
     "ligne 2 : « ce n'est pas une clé » n'est ni une clé publique"),
    ("\x00\x01\x02 binaire", "illisible.destinataires_ligne", "n'est ni une clé publique"),
])
def test_un_fichier_des_destinataires_vide_ou_abime(coffre, trois, contenu, code, message):
    """`voir` still opens a healthy dossier (reading needs only my key); `verifier` says what is wrong
    with the list AND still lists the other problems; nothing can be written to a wrong list."""
    coffre.territoire.destinataires.write_text(contenu, encoding="utf-8")
    _gate(coffre, "tronque", trois[0])
    voir = _famnum(coffre.territoire, "famille", "voir", trois[1])
    assert voir.returncode == 0 and trois[1] in voir.stdout, voir.stderr
    verification = _verifier()
    assert verification.exit_code == 1 and isinstance(verification.exception, SystemExit)
    sortie = verification.stdout
    assert "data/families/destinataires.txt" in sortie and message in sortie and "git restore" in sortie
    assert f"{trois[0]}.json.age : abîmé ou tronqué" in sortie  # the other problem is not hidden
    nouveau = dossier()  # even once the damage is committed (the tree is clean), nothing is encrypted to it
    subprocess.run(["git", "commit", "-qam", "Liste abimee", "--no-verify"], cwd=coffre.territoire.racine, check=True)
    with refuse(code):
        Coffre(coffre.territoire).enregistrer([nouveau], "Nouvelle fiche")
    assert not coffre.territoire.chemin_dossier(nouveau["id"]).exists()
