"""The `famnum` command: a thin French skin over the library (parse, call one function, print).

Heavy libraries are imported inside the commands that use them, so `famnum --help` and the
pre-commit hook answer at once.
"""
from __future__ import annotations

import functools
import sys

import click

from ..erreurs import FamnumError
from .francais import installer as _en_francais

_en_francais()  # before the decorators below: click computes some help texts when they run


def commande_sure(fonction):
    """Turns a refusal into a French message and a non-zero exit, never a traceback."""

    @functools.wraps(fonction)
    def enveloppe(*args, **kwargs):
        try:
            return fonction(*args, **kwargs)
        except FamnumError as e:
            click.secho(f"Erreur : {e}", fg="red", err=True)
            sys.exit(e.code_sortie)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.secho("\nInterrompu : rien n'a été enregistré.", fg="yellow", err=True)
            sys.exit(130)

    return enveloppe


def confirmer(question: str, defaut: bool = True, err: bool = False) -> bool:
    """A yes/no question answered in French (o/n, oui/non); Entrée keeps the default."""
    from ..saisie import SaisieInvalide, lire_oui_non

    while True:
        reponse = click.prompt(f"{question} [{'O/n' if defaut else 'o/N'}]", default="", show_default=False, err=err)
        if not reponse.strip():
            return defaut
        try:
            return lire_oui_non(reponse)
        except SaisieInvalide as e:
            click.echo(f"  ⚠ {e}", err=err)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="famnum", message="famnum %(version)s")
def main():
    """famnum : les dossiers chiffrés des familles, l'attribution du matériel, l'évaluation et le site.

    Commencez par « famnum init » dans un dépôt git vide, ou essayez « famnum demo ».
    """


from . import attribution, cles, collecte, evaluation, familles, rgpd, territoire  # noqa: E402  (registers the commands)
