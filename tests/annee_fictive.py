"""The demo's year of programme life (319 fictitious families, their follow-ups, the sessions they came
to with answered evaluation forms), computed, controlled and published as an open-data package: the
package the evaluation tests attack and the pages the site tests render and visit."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
JOUR = date(2026, 11, 23)
# The languages whose PDFs the shared site prints: Latin text and its layout are proven by French, Arabic
# shaping and right to left by Arabic; what Turkish and English add (their words in pdf.TEXTES) is checked
# without printing their packs (tests/test_site_pdf.py), which saves half the suite's WeasyPrint time.
LANGUES_PDF = ("fr", "ar")


def annee_fictive(ref, jour: date = JOUR) -> tuple[list[dict], list[dict]]:
    """(dossiers, sessions): each family present at a session has its atelier/formation event."""
    from famnum.demo import Generateur
    from famnum.dossiers import evenement
    from famnum.evaluation.demo_evaluation import reponses_fictives
    from famnum.evaluation.seances import fiches_ateliers
    from famnum.evaluation.simulation import Simulation

    dossiers = Generateur(ref).dossiers(319)
    simulation = Simulation(jour)
    simulation.completer(dossiers)
    fiches, seances, par_id = fiches_ateliers(RACINE), [], {d["id"]: d for d in dossiers}
    for n, (seance, presents) in enumerate(simulation.seances(par_id)):
        seance.evaluation = reponses_fictives(simulation.hasard, fiches[seance.fiche].questions, seance.participants)
        nom = f"seance-{n}"
        seances.append({**seance.en_donnees(), "date": seance.jour, "nom": nom})
        for identifiant in presents:
            par_id[identifiant]["journal"].append(evenement(seance.type, "animatrice", seance.jour,
                                                            {"seance": nom, "fiche": seance.fiche, "structure": seance.structure}))
    return dossiers, seances


def publier_annee_fictive(dossier: Path, ref=None, jour: date = JOUR, avec_stock: bool = True):
    """The year, controlled and written to `dossier`; returns (resultat, controle, dossiers, seances, stock)."""
    from famnum.attribution.parc import etat_du_parc
    from famnum.attribution.stock import charger_stock
    from famnum.evaluation import calcul, definitions, paquet, secret
    from famnum.referentiels import Referentiels
    from famnum.workspace import Territoire

    ref = ref or Referentiels.charger(Territoire(RACINE))
    schema = json.loads((RACINE / "data/schemas/famille.schema.json").read_text(encoding="utf-8"))
    defs = definitions.charger()
    dossiers, seances = annee_fictive(ref, jour)
    res = calcul.calculer({d["id"]: d for d in dossiers}, ref, schema, defs, seances, jour)
    controle = secret.controler(res.tableaux, defs.seuil, [p.code for p in res.periodes])
    stock = etat_du_parc(charger_stock(Territoire(RACINE)), {d["id"]: d for d in dossiers}) if avec_stock else None
    paquet.ecrire(dossier, paquet.fichiers(res, defs, controle, "Territoire fictif (données fictives)", stock=stock,
                                     fictif=True))
    return res, controle, dossiers, seances, stock


def site_de_test(basetemp: Path) -> dict:
    """The site the site tests and the browser tests share, built once, with this year's evaluation
    published on its pages (charts, tables, « secret »): axe and the 360 px check see them too."""
    from famnum.site import construction

    return construire_site_partage(construction.dossier_partage(basetemp))


def paquet_de_test(basetemp: Path) -> Path:
    """The year's package the shared site publishes, made once per session: read it, never write to it."""
    from famnum.site import construction

    return _paquet_partage(construction.dossier_partage(basetemp))


def construire_site_partage(partage: Path) -> dict:
    """The shared site in `partage`, built by the first process that asks (the others wait for it)."""
    import os

    from famnum.site import construction

    public = _paquet_partage(partage)
    avant = os.environ.get("FAMNUM_PUBLIC")
    os.environ["FAMNUM_PUBLIC"] = str(public)  # read by the build's own process only
    try:
        return construction.construire_une_fois(partage, pdf=LANGUES_PDF)
    finally:
        if avant is None:
            os.environ.pop("FAMNUM_PUBLIC", None)
        else:
            os.environ["FAMNUM_PUBLIC"] = avant


def site_construit(basetemp: Path) -> Path:
    """The shared test site's directory, once its build has written the home page."""
    build = site_de_test(basetemp)
    site_dir = Path(build["site"])
    assert (site_dir / "index.html").exists(), build["sortie"][-3000:]
    return site_dir


def _paquet_partage(partage: Path) -> Path:
    """One package for every pytest worker (a file lock, like the site's build)."""
    import shutil

    from fabrique import sous_verrou

    public = partage / "public"
    with sous_verrou(partage, "paquet"):
        if not (public / "datapackage.json").is_file():
            en_cours = partage / "public-en-cours"
            shutil.rmtree(en_cours, ignore_errors=True)
            publier_annee_fictive(en_cours)
            en_cours.rename(public)
    return public


if __name__ == "__main__":
    # `python tests/annee_fictive.py <shared folder>`: the build tests/conftest.py starts in the
    # background when a session begins, while the workers run the tests that need no site.
    import sys

    construire_site_partage(Path(sys.argv[1]))
