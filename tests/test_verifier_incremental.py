"""The incremental check (pre-commit hook, `famnum verifier --indexe` and `--depuis`): it decrypts only the
dossiers a commit changes, and finds in the changed files every problem the full check finds there."""
from __future__ import annotations

import json
import subprocess

from click.testing import CliRunner

from famnum import vault
from famnum.cli import main
from famnum.dossiers import canonique

from fabrique import dossier, refus


def _verifier(*options) -> tuple[int, str]:
    resultat = CliRunner().invoke(main, ["verifier", *options])
    return resultat.exit_code, resultat.output


def _rapport(*options) -> tuple[int, list[tuple[str, str]]]:
    """The exit code and each problem of `famnum verifier --json` as (file, code), sorted."""
    code, sortie = _verifier("--json", *options)
    return code, sorted((p["fichier"], p["code"]) for p in json.loads(sortie)["problemes"])


def _problemes(*options) -> list[tuple[str, str]]:
    return _rapport(*options)[1]


def _messages(*options) -> set[tuple[str, str]]:
    """Each problem as (file, message): a leak's message names the kind of value found (nom, telephone…)."""
    return {(p["fichier"], p["message"]) for p in json.loads(_verifier("--json", *options)[1])["problemes"]}


def _codes(*options) -> list[str]:
    return sorted(code for _, code in _problemes(*options))


def _git(territoire, *arguments) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], cwd=territoire.racine, capture_output=True, text=True)


def _deposer(coffre, territoire, d) -> None:
    """A dossier written around famnum's checks, as a careless script would."""
    territoire.chemin_dossier(d["id"]).write_bytes(vault.chiffrer(canonique(d), vault.destinataires_age(coffre.destinataires)))


def _compter_dechiffrements(monkeypatch) -> list:
    appels, vrai = [], vault.dechiffrer
    monkeypatch.setattr(vault, "dechiffrer", lambda chiffre, identites, origine: appels.append(origine) or vrai(chiffre, identites, origine))
    return appels


def _un_commit_plein_de_problemes(coffre, territoire) -> dict:
    """Staged together: a leak in a page, a truncated ciphertext, a dossier in clear, a private key, a
    dossier with a date in the future."""
    bon = dossier()
    coffre.enregistrer([bon], "Recensement")
    futur = dossier(existants={bon["id"]})
    futur["fiche"]["enfants"][1]["date_naissance"] = "2099-01-01"
    _deposer(coffre, territoire, futur)
    (territoire.familles / "F-33333.json.age").write_bytes(b"age-encryption.org/v1\ntronque")
    (territoire.familles / "brouillon.yaml").write_text("nom: Quillembois\n")
    (territoire.racine / "content" / "notes.md").write_text("Rappeler Noémie Quillembois au 06.39.98.73.51.\n")
    (territoire.racine / "cle.txt").write_text(str(vault.charger_identites()[0]))
    _git(territoire, "add", "-A")
    return {"bon": bon, "futur": futur}


def test_le_crochet_trouve_dans_un_commit_tout_ce_que_trouve_la_verification_complete(coffre, territoire):
    _un_commit_plein_de_problemes(coffre, territoire)
    incremental, complet = _problemes("--indexe"), _problemes()
    assert incremental == complet  # nothing unchanged has a problem: the full check finds nothing more
    assert sorted(code for _, code in incremental) == [
        "dossier.naissance_future", "illisible.tronque", "verifier.cle_privee", "verifier.fichier_inattendu",
        "verifier.fuite", "verifier.fuite"]  # the page's name and phone number, each found
    commit = _git(territoire, "commit", "-m", "notes")
    assert commit.returncode != 0 and "data/families/F-33333.json.age" in commit.stdout + commit.stderr
    assert "Quillembois" not in commit.stdout + commit.stderr


def test_un_commit_qui_change_un_dossier_ne_dechiffre_que_lui(coffre, territoire, monkeypatch):
    lot = [dossier() for _ in range(5)]
    coffre.enregistrer(lot, "Recensement")
    modifie = coffre.lire(lot[2]["id"])
    modifie["fiche"]["enfants"][0]["date_naissance"] = "2099-01-01"
    _deposer(coffre, territoire, modifie)
    _git(territoire, "add", "-A")
    appels = _compter_dechiffrements(monkeypatch)
    assert _rapport("--indexe") == (1, [(f"data/families/{lot[2]['id']}.json.age", "dossier.naissance_future")])
    assert appels == [f"data/families/{lot[2]['id']}.json.age"]


def test_depuis_un_commit_seulement_ce_qui_a_change_depuis(coffre, territoire):
    bon = dossier()
    coffre.enregistrer([bon], "Recensement")
    ancien = dossier(existants={bon["id"]})
    ancien["fiche"]["enfants"][0]["etablissement"] = "col-alain-fourniere"
    _deposer(coffre, territoire, ancien)
    _git(territoire, "add", "-A")
    _git(territoire, "commit", "-q", "--no-verify", "-m", "ancien")
    nouveau = dossier(existants={bon["id"], ancien["id"]})
    nouveau["fiche"]["enfants"][1]["date_naissance"] = "2099-01-01"
    _deposer(coffre, territoire, nouveau)  # not even staged: --depuis reads the working tree
    assert _problemes("--depuis", "HEAD") == [(f"data/families/{nouveau['id']}.json.age", "dossier.naissance_future")]
    assert (f"data/families/{ancien['id']}.json.age", "dossier.code_inconnu") in _problemes("--depuis", "HEAD~1")


def test_le_crochet_sans_cle_garde_les_controles_sans_cle(coffre, territoire, monkeypatch, tmp_path):
    _un_commit_plein_de_problemes(coffre, territoire)
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(tmp_path / "aucune-cle.txt"))
    # a leak and a date in the future need the key: only the checks without it remain
    assert _codes("--indexe") == ["verifier.cle_privee", "verifier.fichier_inattendu"]


def test_un_changement_des_referentiels_fait_tout_reverifier(coffre, territoire):
    d = dossier()
    coffre.enregistrer([d], "Recensement")
    etablissements = territoire.referentiels / "etablissements.csv"
    lignes = etablissements.read_text(encoding="utf-8").splitlines(keepends=True)
    etablissements.write_text("".join(l for l in lignes if not l.startswith("col-alain-fournier,")), encoding="utf-8")
    _git(territoire, "add", "-A")
    assert _problemes("--indexe") == [(f"data/families/{d['id']}.json.age", "dossier.code_inconnu")]


def test_depuis_une_reference_inconnue(coffre):
    resultat = CliRunner().invoke(main, ["verifier", "--depuis", "pas-une-branche"])
    assert resultat.exit_code != 0 and refus(resultat).code == "git.refus"
    # the one test of this refusal's wording: what git refused, and a reference to type instead
    assert "git a refusé" in resultat.output and "HEAD~1" in resultat.output and "Traceback" not in resultat.output


def test_un_texte_change_ne_dechiffre_aucun_dossier_deja_connu(coffre, territoire, monkeypatch):
    lot = [dossier() for _ in range(3)]
    lot[1]["fiche"]["enfants"][0].update(prenom="Ursule", nom="Vanbergue")
    coffre.enregistrer(lot, "Recensement")
    page = territoire.racine / "content" / "notes.md"
    page.write_text("Réunion des partenaires jeudi.\n")
    _git(territoire, "add", "-A")
    assert _verifier("--indexe")[0] == 0  # the first text change reads every dossier once, into the cache
    _git(territoire, "commit", "-q", "--no-verify", "-m", "notes")
    page.write_text("Appeler la famille d'Ursule VANBERGUE (née le 17/04/2013) au 06 39 98 73 51.\n")
    _git(territoire, "add", "-A")
    appels = _compter_dechiffrements(monkeypatch)
    assert _messages("--indexe") == {("content/notes.md", f"contient en clair une donnée personnelle d'un dossier ({n})")
                                      for n in ("nom", "telephone", "date de naissance")}
    assert appels == []  # no dossier decrypted: their values are searched by their keyed hashes
    change = coffre.lire(lot[2]["id"])
    change["fiche"]["enfants"][1].update(prenom="Octave", nom="Marmelin")
    _deposer(coffre, territoire, change)
    page.write_text("Octave Marmelin viendra samedi.\n")
    _git(territoire, "add", "-A")
    assert ("content/notes.md", "contient en clair une donnée personnelle d'un dossier (nom)") in _messages("--indexe")
    assert set(appels) == {f"data/families/{lot[2]['id']}.json.age"}  # the changed dossier alone
    cache = (territoire.racine / "build" / "cache" / "aiguilles.json").read_text(encoding="utf-8").lower()
    for valeur in ("vanbergue", "marmelin", "quillembois", "39987351", "example.org", "tilleuls", lot[0]["id"].lower()):
        assert valeur not in cache  # hashes under a key, never a value


def test_la_recherche_par_empreintes_trouve_ce_que_trouve_la_recherche_en_clair(coffre, territoire):
    from famnum import cache_aiguilles
    from famnum.fuites import Textes, noms_publics_du_territoire

    lot = [dossier() for _ in range(2)]
    lot[0]["fiche"]["enfants"][0].update(prenom="Claude", nom="Bernard")  # also a school's name: public
    coffre.enregistrer(lot, "Recensement")
    textes = [("a.md", "Zéphirine Quillembois, née le 2013-04-17, 12 rue des Tilleuls Imaginaires 72100 Le Mans"),
              ("b.md", "École maternelle Claude Bernard, le 17/04/2013"), ("c.md", f"Dossier {lot[1]['id']}"),
              ("d.md", "Écrire à NOEMIE.QUILLEMBOIS@example.org ou au +33 6 39 98 73 51, Quillembois Anatole")]

    def chercher():
        return Textes(textes, noms_publics_du_territoire(territoire))

    en_clair = coffre.lire_tous(valider=False, textes=chercher(), garder=False).fuites
    assert {f.fichier for f in en_clair} == {"a.md", "c.md", "d.md"} and len(en_clair) == 7
    assert cache_aiguilles.fuites(coffre, chercher()) == en_clair
    assert cache_aiguilles.fuites(coffre, chercher()) == en_clair  # from the cache, the same
