"""famnum evaluer and famnum publier: fails closed, guards against leaks, writes the package."""
from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from famnum.cli import main
from famnum.erreurs import FamnumError
from famnum.evaluation.publication import publier

from fabrique import VALEURS_PLANTEES, codes, dossier, refus, refuse

AU = date(2026, 11, 23)


def _familles(coffre, n=14, ailleurs=0):
    """n families counted in May 2025; the last `ailleurs` of them had a training in May 2025 (a small cell)."""
    from famnum.dossiers import evenement
    dossiers, ids = [], set()
    for i in range(n):
        d = dossier(ids)
        ids.add(d["id"])
        d["journal"].insert(0, evenement("recensement", "PRE", date(2025, 5, 5), {"source": "ecole"}))
        d["journal"][1]["date"] = "2025-05-20"
        if i >= n - ailleurs:
            d["journal"].append(evenement("formation", "PRE", date(2025, 5, 21), {"fiche": "educonnect-et-ent"}))
        dossiers.append(d)
    coffre.enregistrer(dossiers, "Familles de test")
    return dossiers


def _site_qui_recopie(texte_en_plus=""):
    def construire(racine, site, public):
        site.mkdir(parents=True)
        (site / "index.html").write_text("<p>Évaluation</p>" + (public / "indicateurs.csv").read_text(encoding="utf-8")[:500]
                                         + texte_en_plus, encoding="utf-8")
    return construire


def test_publier_ecrit_le_paquet_et_le_site(coffre, territoire):
    _familles(coffre)
    publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    assert (territoire.public / "datapackage.json").is_file()
    assert (territoire.racine / "site" / "evaluation" / "donnees" / "indicateurs.csv").is_file()
    texte = (territoire.public / "indicateurs.csv").read_text(encoding="utf-8")
    assert "situation,2025-T2,ensemble,ensemble" in texte and ",14," in texte  # the whole territory, each quarter
    assert not any(v in texte for v in VALEURS_PLANTEES)
    assert not list((territoire.racine / "build").glob("publication-*"))


def test_publier_dit_donnees_fictives_seulement_pour_un_territoire_de_demo(coffre, territoire):
    import json
    import subprocess

    from famnum.depot import CLE_FICTIVE

    _familles(coffre)
    publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    descripteur = json.loads((territoire.public / "datapackage.json").read_text(encoding="utf-8"))
    assert "donnees_fictives" not in descripteur["famnum"]
    subprocess.run(["git", "-C", str(territoire.racine), "config", CLE_FICTIVE, "true"], check=True)  # famnum demo's mark
    publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    descripteur = json.loads((territoire.public / "datapackage.json").read_text(encoding="utf-8"))
    assert descripteur["famnum"]["donnees_fictives"] is True


def test_publier_refuse_une_case_mal_protegee_sans_dire_sa_valeur(coffre, territoire, monkeypatch):
    """The protection check runs on what publier is about to write: a mask that leaves a count readable
    stops everything (here: the secondary cells forgotten)."""
    from famnum.evaluation import secret

    _familles(coffre, 16, ailleurs=2)
    vrai = secret.controler

    def sans_secondaire(tableaux, seuil, ordre, precedent=None):
        controle = vrai(tableaux, seuil, ordre, precedent)
        primaires = {secret.cle_case(t, c) for t in tableaux for c in t.cles() if 0 < t.comptes[c] < seuil}
        return secret.Controle(seuil, primaires, len(primaires), 0, 1, controle.montants_masques)

    monkeypatch.setattr(secret, "controler", sans_secondaire)
    with refuse("publication.secret_insuffisant") as erreur:
        publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    assert "retrouvée exactement" in str(erreur.value) and "À faire" in str(erreur.value)  # its wording, tested once
    assert not territoire.public.exists() and not (territoire.racine / "site").exists()


def _site_multilingue(plantees: dict[str, str]):
    """A site shaped like mkdocs-material's: a page, the theme's script and the search index in each
    language (the script the same bytes in each), `plantees` (path: text) added to one file each."""
    def construire(racine, site, public):
        for langue in ("", "ar/", "tr/", "en/"):
            for chemin, texte in (("index.html", f"<p>Évaluation {langue}</p>"), ("assets/javascripts/bundle.js", "function(e){return e}"),
                                  ("search/search_index.json", f'{{"docs": [{{"location": "{langue}", "text": "Évaluation"}}]}}')):
                fichier = site / langue / chemin
                fichier.parent.mkdir(parents=True, exist_ok=True)
                fichier.write_text(texte + plantees.get(langue + chemin, ""), encoding="utf-8")
    return construire


def test_publier_echoue_sur_une_valeur_personnelle_plantee_et_ne_publie_rien(coffre, territoire):
    """A value planted in the theme's script of one language only, in a search index, in a page: each
    is found and named (the same script in the other languages is not), nothing is published."""
    _familles(coffre)
    plantees = {"ar/assets/javascripts/bundle.js": "/* Zéphirine Quillembois */",
                "tr/search/search_index.json": '{"text": "Appeler le 06 39 98 73 51"}',
                "en/index.html": "<p>noemie.quillembois@example.org</p>"}
    with refuse("publication.fuite") as erreur:
        publier(aujourd_hui=AU, construire_site=_site_multilingue(plantees))
    trouvees = sorted(ligne.strip() for ligne in erreur.value.message.splitlines()[1:])
    assert trouvees == ["site/ar/assets/javascripts/bundle.js : nom", "site/en/index.html : courriel",
                        "site/en/index.html : nom", "site/tr/search/search_index.json : telephone"]
    assert not territoire.public.exists() and not (territoire.racine / "site").exists()
    assert not list((territoire.racine / "build").glob("publication-*"))


def test_publier_refuse_une_copie_compressee_qui_n_est_pas_sa_page(coffre, territoire):
    """A .gz beside a page holds what a static host serves in its place: one that is not the compressed
    page (a stale entry of the compression cache, a value planted in it) stops the publication, named;
    every file the leak guard reads, and why some are not, is tested in test_fuites."""
    import gzip

    _familles(coffre)
    nom = "Zéphirine Quillembois"  # a child of every family of fabrique.dossier

    def construire(racine, site, public):
        _site_qui_recopie()(racine, site, public)
        page = (site / "index.html").read_bytes()
        (site / "index.html.gz").write_bytes(gzip.compress(page + f"<p>{nom}</p>".encode(), mtime=0))

    with refuse("fuites.copie_differente") as erreur:
        publier(aujourd_hui=AU, construire_site=construire)
    assert "site/index.html.gz" in erreur.value.message and nom not in str(erreur.value)
    assert not territoire.public.exists() and not (territoire.racine / "site").exists()


def test_publier_valide_le_paquet_sans_relancer_python_et_refuse_un_paquet_casse(coffre, territoire, monkeypatch):
    """frictionless checks the package in famnum's own process (not `python -m frictionless`, a second
    of start each time), and a broken table still stops everything, naming its file."""
    import subprocess

    from famnum.evaluation import paquet

    _familles(coffre)
    lancees, lancer = [], subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda commande, *a, **k: lancees.append(commande) or lancer(commande, *a, **k))
    ecrire = paquet.ecrire

    def ecrire_puis_casser(dossier, contenus):
        ecrire(dossier, contenus)
        chemin = dossier / "indicateurs.csv"
        lignes = chemin.read_text(encoding="utf-8").splitlines()
        chemin.write_text("\n".join(lignes[:3] + [lignes[3] + ",en trop"] + lignes[4:]) + "\n", encoding="utf-8")

    monkeypatch.setattr(paquet, "ecrire", ecrire_puis_casser)
    with pytest.raises(FamnumError) as erreur:
        publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    assert erreur.value.code == "publication.paquet_refuse" and "indicateurs.csv : " in erreur.value.message
    assert not territoire.public.exists() and not (territoire.racine / "site").exists()
    assert lancees and not [c for c in lancees if "frictionless" in map(str, c)]  # git ran; frictionless did not


def test_publier_sans_cle_ne_publie_rien(coffre, territoire, monkeypatch, tmp_path):
    _familles(coffre)
    monkeypatch.delenv("FAMNUM_IDENTITE", raising=False)
    monkeypatch.setenv("FAMNUM_IDENTITE_FICHIER", str(tmp_path / "absente.txt"))
    r = CliRunner().invoke(main, ["publier", "--au", "23/11/2026"])
    assert r.exit_code != 0 and refus(r).code == "publication.sans_cle"
    assert "Aucune clé" in r.output and "FAMNUM_IDENTITE" in r.output  # its wording, tested once
    assert not territoire.public.exists()


def test_publier_refuse_un_dossier_invalide(coffre, territoire):
    dossiers = _familles(coffre)
    from famnum import vault
    from famnum.dossiers import canonique
    mauvais = dict(dossiers[0], fiche=dict(dossiers[0]["fiche"], qpv="quartier-inconnu"))
    chemin = territoire.chemin_dossier(mauvais["id"])
    chemin.write_bytes(vault.chiffrer(canonique(mauvais), vault.destinataires_age(coffre.destinataires)))
    with refuse("publication.verification_echouee") as erreur:
        publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    assert codes(erreur.value)[1:] == ["dossier.code_inconnu"]  # the problem famnum verifier names, by its code
    assert not territoire.public.exists()
    r = CliRunner().invoke(main, ["evaluer", "--au", "23/11/2026"])  # famnum evaluer: the same dossier, its own code
    assert r.exit_code == 1 and codes(refus(r))[0] == "evaluation.dossiers_invalides"
    assert codes(refus(r))[1:] == ["dossier.code_inconnu"] and "familles recensées" not in r.output


def test_evaluer_affiche_un_resume_sous_secret(coffre):
    _familles(coffre)
    r = CliRunner().invoke(main, ["evaluer", "--au", "23/11/2026"])
    assert r.exit_code == 0, r.output
    assert "familles recensées : 14" in r.output and "seuil de 11 familles" in r.output
    # the information loss, after the figures (every non-zero cell counts 14 families: all published)
    assert "Perte d'information :" in r.output and "(100.0 %, objectif 75 %)" in r.output
    assert "Running HiGHS" not in r.output  # the solver's banner never reaches the person
    r = CliRunner().invoke(main, ["evaluer", "--au", "23/11/2026", "--seuil", "15"])
    assert "familles recensées : secret" in r.output
    r = CliRunner().invoke(main, ["evaluer", "--seuil", "2"])
    assert r.exit_code != 0 and refus(r).code == "indicateurs.seuil_trop_bas"
    assert "jamais sous 5" in r.output  # its wording, tested once


def test_les_configurations_de_ci_lancent_famnum_publier_avec_la_cle_secrete():
    from pathlib import Path

    import yaml
    racine = Path(__file__).resolve().parents[1]
    github = yaml.safe_load((racine / ".github/workflows/publier.yml").read_text(encoding="utf-8"))
    etapes = github["jobs"]["construire"]["steps"]
    publier_ = next(e for e in etapes if "famnum publier" in e.get("run", ""))
    assert publier_["env"]["FAMNUM_IDENTITE"] == "${{ secrets.FAMNUM_IDENTITE }}"
    assert any(e.get("uses", "").startswith("actions/upload-pages-artifact") and e["with"]["path"] == "site" for e in etapes)
    assert github["jobs"]["deployer"]["needs"] == "construire"
    gitlab = yaml.safe_load((racine / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    script = gitlab["pages"]["script"]
    assert any("famnum publier" in ligne for ligne in script) and gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert script.index(next(l for l in script if "famnum publier" in l)) < script.index("rm -rf public && mv site public")


def test_publier_dechiffre_chaque_reste_anonyme_une_seule_fois(coffre, territoire, monkeypatch):
    """The full check reads the erased families' remainders; the evaluation reuses them."""
    from famnum import restes

    familles = _familles(coffre)
    r = CliRunner().invoke(main, ["rgpd", "effacer", familles[0]["id"]], input="o\n")
    assert r.exit_code == 0, r.output
    lus = []
    lire = restes.lire
    monkeypatch.setattr(restes, "lire", lambda chemin, identites: lus.append(chemin) or lire(chemin, identites))
    publier(aujourd_hui=AU, construire_site=_site_qui_recopie())
    assert len(lus) == 1
    texte = (territoire.public / "indicateurs.csv").read_text(encoding="utf-8")
    assert "situation,2025-T2,ensemble,ensemble,Ensemble,ensemble,Ensemble,14," in texte  # the erased family still counts
