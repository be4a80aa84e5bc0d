"""The evaluation pages' markers: rendered from the public package only, accessible charts, a summary, one page
per plane, the workshop evaluation forms, the stock, the method; a hidden figure is never printed."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from famnum.site import evaluation as page
from famnum.site import lisibilite
from famnum.site.libelles import FRANCAIS
from famnum.site.marqueurs import remplacer

from test_evaluation_indicateurs import AUJOURD_HUI, RACINE, ref  # noqa: F401  (shared fixtures)

PAGES = ("index", "equipement", "utilisation", "scolarite", "methode")
DOSSIER = RACINE / "content" / "evaluation"


def rendre(nom: str, tmp_path: Path) -> str:
    texte, inconnus = remplacer((DOSSIER / f"{nom}.md").read_text(encoding="utf-8"),
                                {"site_dir": str(tmp_path / "site"), "docs_dir": str(RACINE / "content")})
    assert not inconnus and "famnum:" not in texte
    return texte


@pytest.fixture(scope="module")
def paquet_complet(ref, tmp_path_factory):  # noqa: F811
    """The demo's families and sessions (with answered evaluation forms) and the model's stock, published."""
    from annee_fictive import publier_annee_fictive

    dossier = tmp_path_factory.mktemp("public")
    res, controle, _, _, stock = publier_annee_fictive(dossier, ref, AUJOURD_HUI)
    return res, controle, dossier, stock


@pytest.fixture(scope="module")
def site_rendu(paquet_complet, tmp_path_factory):
    dossier = tmp_path_factory.mktemp("rendu")
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("FAMNUM_PUBLIC", str(paquet_complet[2]))
        return dossier, {nom: rendre(nom, dossier) for nom in PAGES}


@pytest.fixture
def rendues(site_rendu):
    return site_rendu[1]


def lire(dossier: Path, nom: str) -> list[dict]:
    return list(csv.DictReader(open(dossier / nom, encoding="utf-8")))


def test_sans_paquet_chaque_page_dit_qu_aucune_evaluation_n_est_publiee(tmp_path, monkeypatch):
    monkeypatch.setenv("FAMNUM_PUBLIC", str(tmp_path / "absent"))
    for nom in PAGES:
        texte = rendre(nom, tmp_path)
        assert texte.count("Aucune évaluation n'est encore publiée") == 1 and "<svg" not in texte, nom  # said once


def test_graphiques_accessibles_chacun_suivi_de_son_tableau(rendues):
    for nom, texte in rendues.items():
        svgs = re.findall(r"<svg.*?</svg>", texte, flags=re.S)
        assert (len(svgs) >= 3) == (nom in ("equipement", "utilisation", "scolarite")), nom
        for svg in svgs:
            ident = re.search(r'aria-labelledby="([^" ]+)-t ', svg).group(1)
            assert 'role="img"' in svg and f'<title id="{ident}-t">' in svg and f'<desc id="{ident}-d">' in svg
        assert texte.count("</figure>") == len(svgs)
        for apres in texte.split("</figure>")[1:]:  # the table right after, in a region that scrolls on a phone
            assert apres.lstrip().startswith('<div class="famnum-defile" role="region" tabindex="0" aria-label="Tableau : '), nom
            assert "<table>" in apres.split("</div>")[0], nom
        identifiants = re.findall(r'<title id="([^"]+)"', texte)
        assert len(identifiants) == len(set(identifiants)), nom  # one id per chart on a page


def test_chaque_page_de_plan_montre_chaque_indicateur_avec_sa_definition(rendues, paquet_complet):
    definitions = lire(paquet_complet[2], "definitions.csv")
    for d in definitions:
        titre = d["titre"].rsplit(" (", 1)[0] if re.search(r"_t(0|3|12)$", d["id"]) else d["titre"]
        texte = rendues[d["plan"]]
        assert f"## {titre}\n" in texte, (d["plan"], titre)
        assert d["denominateur"] in texte
    assert "Numérateur" in rendues["methode"] and all(d["titre"] in rendues["methode"] for d in definitions)


def test_une_case_masquee_est_ecrite_secret_jamais_sa_valeur(rendues, paquet_complet):
    res, controle, dossier, _ = paquet_complet
    from famnum.evaluation import secret
    libelles = {(l["indicateur"], l["modalite"]): l["modalite_libelle"] for l in lire(dossier, "indicateurs.csv")}
    vues = 0
    for t in res.tableaux:
        if t.periode != derniere_de(res, t.indicateur) or t.par != t_par(res, t.indicateur) \
                or (t.indicateur, "oui") not in libelles and t.indicateur != "situation":
            continue
        plan = next(d["plan"] for d in lire(dossier, "definitions.csv") if d["id"] == t.indicateur)
        for groupe, mod in t.cles():
            if groupe == "ensemble" and mod != "ensemble" and secret.cle_case(t, (groupe, mod)) in controle.masques:
                libelle = libelles[(t.indicateur, mod)]
                lignes = lignes_des_tableaux(rendues[plan])
                assert [libelle, "secret", "secret"] in [l[:3] for l in lignes], (t.indicateur, mod)
                assert [libelle, str(t.comptes[(groupe, mod)])] not in [l[:2] for l in lignes]
                vues += 1
    assert vues, "the demo package should hide at least one answer"
    for texte in rendues.values():
        assert not any("s" in l[1:] for l in lignes_des_tableaux(texte))
        assert " s " not in re.sub(r"<svg.*?</svg>", "", texte, flags=re.S)


def derniere_de(res, indicateur: str) -> str:
    """The last period an indicator is published for (the page shows that one)."""
    codes = {t.periode for t in res.tableaux if t.indicateur == indicateur}
    return next(p.code for p in reversed(res.periodes) if p.code in codes)


def t_par(res, indicateur: str) -> str:
    """The first breakdown an indicator is published by (the page reads the territory's row there)."""
    return next(t.par for t in res.tableaux if t.indicateur == indicateur)


def lignes_des_tableaux(texte: str) -> list[list[str]]:
    """Every row of every HTML table of a page, as the texts of its cells."""
    import html as html_
    return [[html_.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, flags=re.S)]
            for tr in re.findall(r"<tr>(.*?)</tr>", texte, flags=re.S)]


def test_le_resume_donne_les_chiffres_cles_et_mene_a_chaque_plan(rendues, paquet_complet):
    texte = rendues["index"]
    for cible in ("equipement.md", "utilisation.md", "scolarite.md", "methode.md"):
        assert f"]({cible})" in texte
    dossier = paquet_complet[2]
    derniere = max(lire(dossier, "periodes.csv"), key=lambda p: p["fin"])
    assert page._date(derniere["fin"]) in texte
    annee = max((l["periode"] for l in lire(dossier, "indicateurs.csv") if l["indicateur"] == "situation"),
                key=[p["code"] for p in sorted(lire(dossier, "periodes.csv"), key=lambda p: p["fin"])].index)
    equipees = next(l for l in lire(dossier, "indicateurs.csv") if (l["indicateur"], l["periode"], l["groupe"],
                    l["modalite"]) == ("situation", annee, "ensemble", "equipee"))
    assert f"**{equipees['familles'] or 'secret'}** familles ont reçu leur matériel" in texte
    # issue 14: every figure of the summary is published on the demo
    assert "secret" not in texte.split("[Méthode et données]")[0], texte
    assert "souvent ou toujours (T3" in texte


def test_les_pages_faites_de_donnees_fictives_le_disent(paquet_complet, tmp_path, monkeypatch):
    import json
    import shutil

    from famnum.site import generation

    config = {"site_dir": str(tmp_path / "site"), "docs_dir": str(RACINE / "content"), "theme": {"language": "fr"}}
    francais = generation.Langue("fr", "Français")

    def rendre(source: Path, chemin: str) -> str:
        return generation.rendre_page(source, chemin, francais, config, avec_pdf=False).texte

    monkeypatch.setenv("FAMNUM_PUBLIC", str(paquet_complet[2]))
    for nom in PAGES:
        texte = rendre(DOSSIER / f"{nom}.md", f"evaluation/{nom}.md")
        titre = texte.index("\n# ") if not texte.startswith("# ") else 0
        assert texte.index('!!! warning "Données fictives"') > titre, nom  # under the title, visible
    tutoriel = tmp_path / "tutoriel.md"
    tutoriel.write_text("# Un tutoriel\n\nTexte.\n", encoding="utf-8")
    assert "Données fictives" not in rendre(tutoriel, "tutoriels/tutoriel.md")
    reel = tmp_path / "reel"  # a territory's real package: no notice
    shutil.copytree(paquet_complet[2], reel)
    descripteur = json.loads((reel / "datapackage.json").read_text(encoding="utf-8"))
    del descripteur["famnum"]["donnees_fictives"]
    (reel / "datapackage.json").write_text(json.dumps(descripteur), encoding="utf-8")
    monkeypatch.setenv("FAMNUM_PUBLIC", str(reel))
    assert "Données fictives" not in rendre(DOSSIER / "index.md", "evaluation/index.md")


def test_la_page_equipement_montre_le_stock_a_cote_de_la_liste_d_attente(rendues, paquet_complet):
    stock = paquet_complet[3]
    texte = rendues["equipement"]
    attente = texte.index("## Liste d'attente et stock")
    assert texte.index("## Situation des familles recensées") < attente < texte.index("## Familles équipées d'un ordinateur portable")
    detenus = [a for a in stock if a.etat != "pret"]
    disponibles = sum(a.etat == "disponible" for a in stock)
    bloc = texte[attente:texte.index("## Familles équipées d'un ordinateur portable")]
    lignes = lignes_des_tableaux(bloc)
    assert any(l[0].startswith("Disponible") and l[-1] == str(disponibles) for l in lignes), lignes
    assert any(l[0] == "Ensemble" and l[-1] == str(len(detenus)) for l in lignes), lignes
    assert "au jour de la publication" in bloc and "familles attendent leur matériel" in bloc
    assert "Prêt" not in bloc  # lent devices are not the PRE's stock


def test_la_page_utilisation_montre_les_seances_et_les_fiches_d_evaluation(rendues, paquet_complet):
    dossier = paquet_complet[2]
    texte = rendues["utilisation"]
    derniere = max(lire(dossier, "periodes.csv"), key=lambda p: p["fin"])["code"]
    seances = {l["type"]: l for l in lire(dossier, "seances.csv") if l["periode"] == derniere}
    lignes = lignes_des_tableaux(texte)
    assert ["Ateliers CLAS", seances["atelier"]["seances"]] in [l[:2] for l in lignes]
    annee = max((p for p in lire(dossier, "periodes.csv") if p["nature"] == "annee_scolaire"), key=lambda p: p["fin"])["code"]
    reponses = [l for l in lire(dossier, "evaluations_ateliers.csv") if l["periode"] == annee]  # once a school year
    fiches = {l["fiche"] for l in reponses if l["reponse"] == "ensemble" and l["reponses"] != "0"} - {"ensemble"}
    assert fiches
    for fiche in fiches:
        assert f"](../ateliers/{fiche}.md)" in texte and (RACINE / "content" / "ateliers" / f"{fiche}.md").is_file()
    # one row per sheet, its questions together, and the row of every sheet
    total = next(l for l in reponses if (l["fiche"], l["reponse"]) == ("ensemble", "ensemble"))
    assert any(l[0] == "Toutes les fiches" and l[-1] == total["reponses"] for l in lignes if l)
    if any(l["secret"] == "oui" for l in reponses if l["fiche"] in fiches):
        assert any(l[0] in ("Jamais ou rarement", "Parfois", "Souvent ou toujours", "Ensemble") and "secret" in l[1:]
                   for l in lignes)


def test_la_methode_donne_le_seuil_du_paquet_et_les_liens_de_telechargement(site_rendu, paquet_complet):
    tmp_path, rendues = site_rendu
    texte = rendues["methode"]
    seuil = paquet_complet[1].seuil
    assert f"de 1 à {seuil - 1} familles" in texte and "Licence Ouverte" in texte
    # the choices made against thin tables, and what the secret costs, measured on this package
    from famnum.evaluation import perte
    mesure = perte.mesurer(paquet_complet[0], paquet_complet[1])
    assert "souvent ou toujours" in texte and "une fois par année scolaire" in texte
    part = FRANCAIS.pourcent(f"{100 * mesure.part_publiee:.1f}")  # « 78,6 % », a no-break space before %
    assert re.fullmatch(r"\d+(,\d)?\s%", part), part  # never « 90,59999999999999 % »
    assert f"**{mesure.publiees}** cases non nulles sont publiées sur {mesure.non_nulles}, soit **{part}**" in texte
    assert "programmation linéaire" in texte
    for nom in ("indicateurs.csv", "stock.csv", "evaluations_ateliers.csv", "datapackage.json"):
        assert f'href="../donnees/{nom}"' in texte  # methode.md is evaluation/methode/ with directory URLs
        assert (tmp_path / "site" / "evaluation" / "donnees" / nom).is_file()


def test_la_methode_dit_ce_qui_est_publie_et_a_quel_rythme(rendues):
    """Issue 14: the method page is true to the package (no « par QPV et par niveau » when nothing is)."""
    texte = rendues["methode"]
    assert "- Chaque trimestre et chaque année scolaire, pour tout le territoire : Situation des familles recensées" in texte
    assert "- Une fois par année scolaire, pour tout le territoire : Autonomie des parents avec l'ordinateur" in texte
    assert "Rien n'est publié par quartier prioritaire (QPV) ni par niveau scolaire." in texte
    assert "par QPV et par niveau" not in texte and "par quartier prioritaire (QPV) et par niveau" not in texte


def test_la_methode_nomme_les_ventilations_publiees(paquet_complet, tmp_path, monkeypatch):
    """A territory that publishes an indicator by QPV once a year: the method page says so."""
    import shutil

    dossier = tmp_path / "public"
    shutil.copytree(paquet_complet[2], dossier)
    lignes = lire(dossier, "indicateurs.csv")
    annee = next(p["code"] for p in lire(dossier, "periodes.csv") if p["nature"] == "annee_scolaire")
    lignes.append({**next(l for l in lignes if (l["indicateur"], l["periode"]) == ("parents_formes", annee)),
                   "ventilation": "qpv", "groupe": "epine", "groupe_libelle": "Epine", "familles": "", "part": "",
                   "secret": "oui"})
    with open(dossier / "indicateurs.csv", "w", encoding="utf-8", newline="") as f:
        ecrivain = csv.DictWriter(f, fieldnames=list(lignes[0]), lineterminator="\n")
        ecrivain.writeheader()
        ecrivain.writerows(lignes)
    monkeypatch.setenv("FAMNUM_PUBLIC", str(dossier))
    texte = rendre("methode", tmp_path)
    assert "- Une fois par année scolaire, par quartier prioritaire (QPV) : Familles dont un parent a suivi une formation." in texte
    assert "Rien n'est publié par quartier" not in texte


def test_les_pages_de_l_evaluation_se_lisent_facilement(capsys):
    assert lisibilite.main([str(DOSSIER / f"{nom}.md") for nom in PAGES]) == 0, capsys.readouterr().out
