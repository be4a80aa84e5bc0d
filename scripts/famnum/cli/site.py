"""famnum site : construire le site public (générer l'arbre des sources, puis le moteur)."""
from __future__ import annotations

from pathlib import Path

import click

from . import commande_sure, main

MOTEURS = ("mkdocs", "zensical")  # famnum.site.construction.MOTEURS, without importing it for --help


def racine_du_site() -> Path:
    """The territory's folder, or the current folder when it holds a site (famnum's own repository)."""
    from ..erreurs import FamnumError
    from ..workspace import Territoire

    try:
        return Territoire.trouver().racine
    except FamnumError:
        ici = Path.cwd()
        if (ici / "mkdocs.yml").is_file() and (ici / "content").is_dir():
            return ici
        raise


@main.command("site")
@click.option("--moteur", type=click.Choice(MOTEURS), default=None,
              help="Le moteur qui construit chaque langue (défaut : « moteur: » sous « extra: » dans mkdocs.yml, "
                   "sinon mkdocs).")
@click.option("--sans-pdf", is_flag=True, help="Ne pas faire les PDF (plus rapide).")
@click.option("--sortie", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Où écrire le site (défaut : site/ du territoire).")
@commande_sure
def site(moteur: str | None, sans_pdf: bool, sortie: Path | None):
    """Construit le site public : chaque page et son menu générés dans build/site-src/<langue>/, puis
    construits par le moteur, une langue à la fois, dans site/."""
    from ..site.construction import construire, exiger_reussite

    racine = racine_du_site()
    fait = construire(sortie or racine / "site", racine=racine, moteur=moteur, pdf=False if sans_pdf else None,
                      source=racine / "build" / "site-src")
    exiger_reussite(fait)
    etapes = ", ".join(f"{nom} {secondes:.1f} s" for nom, secondes in fait["etapes"].items())
    click.echo(f"Site construit par {fait['moteur']} en {fait['secondes']:.1f} s ({etapes}) : "
               f"{Path(fait['site']) / 'index.html'}")
    click.echo(f"Sources générées : {fait['source']} ({fait['fichiers_generes_changes']} fichiers changés).")
