"""Problems are typed, not parsed back (issue 18, point 2): every refusal and every report line carries a
stable dotted code; its correction is written once, apart from the message; « À faire : » is written in
one place and printed by the CLI after the message."""
from __future__ import annotations

import ast
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import famnum
from famnum.attribution.decisions import DecisionsInvalides, lire_seance_du_fichier
from famnum.attribution.prets import retour
from famnum.cli import main
from famnum.erreurs import ErreurRapport, FamnumError, a_faire
from famnum.saisie import SaisieInvalide, lire_date

from fabrique import dossier, refus, refuse

SOURCES = Path(famnum.__file__).parent
CODE = re.compile(r"^[a-z_]+(\.[a-zA-Z_-]+)+$")
CONSTRUCTEURS = {"FamnumError", "SaisieInvalide", "Probleme"}


def _modules() -> dict[Path, ast.Module]:
    return {chemin: ast.parse(chemin.read_text(encoding="utf-8")) for chemin in sorted(SOURCES.rglob("*.py"))}


MODULES = _modules()


def _appels():
    """Every FamnumError(…), SaisieInvalide(…) and Probleme(…) written in famnum, and every cell of an
    import left empty with its reason (Lu(probleme=…)), with its place."""
    for chemin, arbre in MODULES.items():
        for noeud in ast.walk(arbre):
            if isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Name) and (
                    noeud.func.id in CONSTRUCTEURS or noeud.func.id == "Lu" and any(k.arg == "probleme" for k in noeud.keywords)):
                yield f"{chemin.relative_to(SOURCES)}:{noeud.lineno}", noeud


def _code(appel: ast.Call) -> ast.expr | None:
    mot_cle = next((k.value for k in appel.keywords if k.arg == "code"), None)
    if mot_cle is None and appel.func.id == "Probleme" and len(appel.args) == 6:
        return appel.args[5]
    return mot_cle


def _textes(arbre: ast.Module):
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.Constant) and isinstance(noeud.value, str):
            yield noeud.value


def test_a_faire_s_ecrit_a_un_seul_endroit():
    """No message carries « À faire » in its own text: the fix goes in `correction` (or through a_faire)."""
    ailleurs = [str(chemin.relative_to(SOURCES)) for chemin, arbre in MODULES.items()
                if chemin.name != "erreurs.py" and any("À faire" in texte for texte in _textes(arbre))]
    assert ailleurs == [], f"« À faire » écrit dans le texte d'un message : {ailleurs}"


def test_chaque_refus_porte_un_code_pointe_ecrit_une_fois():
    sans_code, mal_formes, lieux = [], [], Counter()
    for lieu, appel in _appels():
        if lieu.startswith("erreurs.py:"):  # Rapport.masquer copies a problem, code included
            continue
        code = _code(appel)
        if code is None:
            sans_code.append(lieu)
        elif isinstance(code, ast.Constant):
            lieux[code.value] += 1
            if not CODE.match(code.value):
                mal_formes.append(f"{lieu} {code.value}")
        elif isinstance(code, ast.JoinedStr):  # a family of codes: its fixed, dotted start is enough
            debut = code.values[0]
            if not (isinstance(debut, ast.Constant) and re.match(r"^[a-z_]+(\.[a-z_]+)*\.$", debut.value)):
                mal_formes.append(lieu)
    assert sans_code == [], f"refus sans code : {sans_code}"
    assert mal_formes == []
    assert [code for code, n in lieux.items() if n > 1] == []  # one place per code, so one correction per code


def test_chaque_refus_d_un_rapport_a_sa_nature():
    natures = {classe.__name__: classe.nature for classe in _sous_classes(ErreurRapport)}
    assert natures and all(CODE.match(n) for n in natures.values()), natures
    assert len(set(natures.values())) == len(natures)


def _sous_classes(classe):
    for sous in classe.__subclasses__():
        yield sous
        yield from _sous_classes(sous)


def test_le_texte_d_un_refus_est_le_message_puis_la_correction():
    erreur = FamnumError("L'appareil PC-9 est inconnu.", code="essai.inconnu", correction="recopiez le numéro.")
    assert str(erreur) == "L'appareil PC-9 est inconnu.\n" + a_faire("recopiez le numéro.")
    assert (erreur.message, erreur.code, erreur.correction) == ("L'appareil PC-9 est inconnu.", "essai.inconnu",
                                                                "recopiez le numéro.")
    assert str(FamnumError("Rien.", code="essai.rien")) == "Rien."


def test_un_refus_du_domaine_se_lit_par_son_code():
    famille = dossier()
    with pytest.raises(FamnumError) as refus:
        retour(famille, "PC-404", "bon", date(2025, 10, 20), "référent")
    assert refus.value.code == "prets.appareil_pas_chez_la_famille"
    assert "famnum famille voir" in refus.value.correction and "À faire" not in refus.value.message
    with pytest.raises(SaisieInvalide) as refus:
        lire_date("31/02/2024")
    assert refus.value.code == "saisie.date_inexistante"


def test_les_problemes_d_un_fichier_de_decisions_ont_leur_code(tmp_path):
    fichier = tmp_path / "decisions.yaml"
    fichier.write_text("seance: 15/10/2025\ndecisions: []\n", encoding="utf-8")
    with pytest.raises(DecisionsInvalides) as refus:
        lire_seance_du_fichier(fichier)
    assert refus.value.code == "decisions.invalides"
    assert [p.code for p in refus.value.rapport.problemes] == ["decisions.par_manquant"]
    assert refus.value.rapport.problemes[0].correction.startswith("par exemple : par:")


def test_la_cli_imprime_le_message_puis_a_faire_une_fois(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no territory here
    resultat = CliRunner().invoke(main, ["familles", "lister"])
    assert resultat.exit_code == 1 and refus(resultat).code == "territoire.introuvable"
    lignes = resultat.output.strip().splitlines()
    assert lignes[0].startswith("Erreur : Aucun territoire famnum trouvé dans ")
    assert lignes[-1] == a_faire("placez-vous dans le dépôt du territoire, ou créez-en un avec « famnum init ».")
    assert resultat.output.count("À faire") == 1


def test_chaque_defaut_de_la_liste_des_destinataires_a_son_code(tmp_path):
    """Four different faults of destinataires.txt, four codes (they shared illisible.destinataires)."""
    from famnum import vault

    chemin = tmp_path / "destinataires.txt"
    with refuse("illisible.destinataires_introuvable"):
        vault.lire_destinataires(chemin)
    cle = str(vault.generer_identite().to_public())
    abimee = cle[:-1] + ("p" if cle[-1] == "q" else "q")  # still bech32, its checksum wrong
    for contenu, code in (("", "illisible.destinataires_vide"), ("# rôle\npas une clé\n", "illisible.destinataires_ligne"),
                          (f"# rôle\n{abimee}\n", "illisible.destinataires_cle_abimee")):
        chemin.write_text(contenu, encoding="utf-8")
        with refuse(code):
            vault.lire_destinataires(chemin)


def test_un_numero_d_inventaire_inconnu_est_le_meme_refus_pour_changer_un_etat(coffre):
    """Written once (attribution.stock.inventaire_inconnu) for livrer (test_attribution) and stock etat."""
    from famnum.attribution.parc import changer_etat

    with refuse("stock.inventaire_inconnu"):
        changer_etat(coffre, "NEXISTE-PAS", "reforme", date(2026, 1, 5))


def test_une_construction_du_site_ratee_est_un_seul_refus(tmp_path, monkeypatch):
    """« La construction du site a échoué » is one refusal (site.construction) whoever asked for the build:
    famnum site, or famnum publier / famnum demo (construire_site_territoire); it had two codes."""
    from famnum.site import construction

    rate = {"code": 1, "moteur": "mkdocs", "sortie": "WARNING -  Doc file 'index.md' contains a link 'absente.md'"}
    monkeypatch.setattr(construction, "construire", lambda *args, **kwargs: rate)
    (tmp_path / "mkdocs.yml").write_text("site_name: essai\n", encoding="utf-8")
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)  # not a territory: famnum site builds the folder that holds a site
    resultat = CliRunner().invoke(main, ["site", "--sans-pdf"])
    assert resultat.exit_code == 1 and refus(resultat).code == "site.construction"
    assert "absente.md" in resultat.output  # the engine's line that names the page at fault
    with refuse("site.construction"):
        construction.construire_site_territoire(tmp_path, tmp_path / "site")
