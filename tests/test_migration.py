"""`famnum migrer`: an older territory brought up to famnum's rules, never at a dossier's expense."""
from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from famnum.cli import main
from famnum.migration import appliquer, comparer, verifier_sous_les_nouvelles_regles
from famnum.territoire import modele

import fabrique
from fabrique import dossier, git_log, refuse

SCHEMA = "data/schemas/famille.schema.json"


def _vieillir(territoire, git_commit=True):
    """The territory as an older famnum left it: a schema without a title changed, no retention file."""
    chemin = territoire.racine / SCHEMA
    schema = json.loads(chemin.read_text(encoding="utf-8"))
    schema["title"] = "Ancienne version du schéma"
    chemin.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
    (territoire.racine / "data/conservation.yaml").unlink()
    import git
    depot = git.Repo(territoire.racine)
    depot.git.add("-A", "data")
    depot.git.commit("-q", "--no-verify", "-m", "Territoire d'une ancienne version")  # as an older famnum wrote it: its hook is tested elsewhere


def test_un_territoire_neuf_n_a_rien_a_migrer(territoire):
    plan = comparer(territoire.racine)
    assert not plan.a_faire and not plan.remplaces and not plan.ajoutes


def test_migrer_remplace_les_regles_et_ajoute_ce_qui_manque_en_un_commit(coffre, territoire):
    coffre.enregistrer([dossier()], "Nouvelle fiche de diagnostic")
    _vieillir(territoire)
    plan = comparer(territoire.racine)
    assert plan.remplaces == [SCHEMA] and plan.ajoutes == ["data/conservation.yaml"]
    verifier_sous_les_nouvelles_regles(coffre, plan)
    assert plan.rapport.valide, [p.texte() for p in plan.rapport.problemes]
    avant = git_log(territoire.racine).count("\n\n")
    appliquer(coffre, plan)
    assert (territoire.racine / SCHEMA).read_bytes() == (modele() / SCHEMA).read_bytes()
    assert (territoire.racine / "data/conservation.yaml").is_file()
    journal = git_log(territoire.racine)
    assert journal.count("\n\n") == avant + 1 and journal.startswith("Mise à jour des règles de famnum")
    assert not comparer(territoire.racine).a_faire


def test_les_choix_du_territoire_ne_sont_jamais_touches(coffre, territoire):
    grille = territoire.racine / "data/attribution.yaml"
    grille.write_text(grille.read_text(encoding="utf-8") + "\n# notre commentaire\n", encoding="utf-8")
    import git
    git.Repo(territoire.racine).git.commit("-q", "--no-verify", "-am", "Grille du territoire")
    plan = comparer(territoire.racine)
    assert plan.differents == ["data/attribution.yaml"] and not plan.a_faire


def test_un_dossier_refuse_par_les_nouvelles_regles_bloque_tout(coffre, territoire, tmp_path):
    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche de diagnostic")
    # a newer famnum whose schema requires a field this dossier lacks
    source = tmp_path / "famnum-nouveau"
    shutil.copytree(modele() / "data", source / "data", ignore=shutil.ignore_patterns("families", "seances", "imports"))
    shutil.copy2(modele() / "mkdocs.yml", source / "mkdocs.yml")
    schema = json.loads((source / SCHEMA).read_text(encoding="utf-8"))
    schema["properties"]["fiche"].setdefault("required", []).append("champ_de_demain")
    schema["properties"]["fiche"]["properties"]["champ_de_demain"] = {"type": "string", "title": "Champ de demain"}
    (source / SCHEMA).write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    plan = comparer(territoire.racine, source)
    assert plan.remplaces == [SCHEMA]
    verifier_sous_les_nouvelles_regles(coffre, plan, source)
    assert not plan.rapport.valide
    assert (f"{d['id']}.json.age", "schema.required") in [(p.fichier, p.code) for p in plan.rapport.problemes], \
        [p.texte() for p in plan.rapport.problemes]
    with refuse("migration.dossiers_refuses"):
        appliquer(coffre, plan, source)
    assert (territoire.racine / SCHEMA).read_bytes() == (modele() / SCHEMA).read_bytes()


def test_la_commande_essai_puis_oui(coffre, territoire):
    coffre.enregistrer([dossier()], "Nouvelle fiche de diagnostic")
    _vieillir(territoire)
    runner = CliRunner()
    essai = runner.invoke(main, ["migrer", "--essai"])
    assert essai.exit_code == 0, essai.output
    assert SCHEMA in essai.output and "Essai seulement" in essai.output
    assert not (territoire.racine / "data/conservation.yaml").exists()
    refus = runner.invoke(main, ["migrer"], input="n\n")
    assert "Rien n'a été changé" in refus.output and not (territoire.racine / "data/conservation.yaml").exists()
    fait = runner.invoke(main, ["migrer", "--oui"])
    assert fait.exit_code == 0 and "mises à jour en un commit" in fait.output, fait.output
    assert "déjà celles de famnum" in runner.invoke(main, ["migrer"]).output


def test_un_stock_qui_dit_encore_qui_a_quel_appareil_est_migre_en_un_commit(coffre, territoire):
    """A stock file of the old form (« pret », « disponible », no etat_depuis): every stock command
    names `famnum migrer`, which writes « en_service » in their place in one commit, names the device
    noted lent that no dossier places with a family, and the park is then read in the dossiers."""
    import csv
    from datetime import date

    from famnum.dossiers import evenement

    chemin = territoire.referentiels / "materiels.csv"
    lignes = list(csv.DictReader(chemin.open(encoding="utf-8")))
    portables = [l for l in lignes if l["type"] == "ordinateur_portable" and l["etat"] == "en_service"]
    prete, orpheline = portables[0]["inventaire"], portables[1]["inventaire"]
    d = dossier()
    d["journal"].append(evenement("livraison", "référent PRE", date(2025, 11, 3), {"materiel": prete, "lieu": "domicile"}))
    coffre.enregistrer([d], "Livraison de test")
    ancien = ["inventaire,type,source,modele,numero_serie,etat"]
    for l in lignes:
        etat = "pret" if l["inventaire"] in (prete, orpheline) else {"en_service": "disponible"}.get(l["etat"], l["etat"])
        ancien.append(",".join(f'"{l[c]}"' if "," in l[c] else l[c] for c in ("inventaire", "type", "source", "modele", "numero_serie")) + "," + etat)
    chemin.write_text("\n".join(ancien) + "\n", encoding="utf-8")
    import git
    depot = git.Repo(territoire.racine)
    depot.git.add("data")
    depot.git.commit("-q", "--no-verify", "-m", "Stock d'une ancienne version")
    avant = git_log(territoire.racine)

    runner = CliRunner()
    refus = runner.invoke(main, ["stock"])
    assert refus.exit_code == 1 and fabrique.refus(refus).code == "stock.ancienne_forme"
    fait = runner.invoke(main, ["migrer", "--oui"])
    assert fait.exit_code == 0, fait.output
    assert "deviennent « en_service »" in fait.output
    assert f"l'appareil {orpheline} était noté « pret »" in fait.output and prete not in fait.output.split("Attention", 1)[-1]
    assert git_log(territoire.racine).startswith("Mise à jour des règles de famnum (stock sans les prêts)\n\n" + avant)
    texte = chemin.read_text(encoding="utf-8")
    assert ",pret" not in texte and ",disponible" not in texte and texte.startswith("inventaire,type,source,modele,numero_serie,etat,etat_depuis\n")
    parc = runner.invoke(main, ["stock", "--appareils"]).output
    assert re.search(rf"^{prete}\s.*chez une famille$", parc, flags=re.M)
    assert re.search(rf"^{orpheline}\s.*disponible$", parc, flags=re.M)
    assert "déjà celles de famnum" in runner.invoke(main, ["migrer"]).output
