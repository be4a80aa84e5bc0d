"""The `famnum` command: a thin French skin over the library (parse, call one function, print).

Heavy libraries are imported inside the commands that use them, so `famnum --help` and the
pre-commit hook answer at once.
"""
from __future__ import annotations

import functools
import sys
from typing import NoReturn

import click

from ..erreurs import FamnumError
from .francais import GroupeFrancais
from .francais import installer as _en_francais

_en_francais()  # before the decorators below: click computes some help texts when they run


def commande_sure(fonction):
    """Turns a refusal into a French message and a non-zero exit, never a traceback."""

    @functools.wraps(fonction)
    def enveloppe(*args, **kwargs):
        try:
            reprendre_une_operation_interrompue()
            mettre_a_jour_le_crochet()
            return fonction(*args, **kwargs)
        except FamnumError as e:
            refuser(e)
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.secho("\nInterrompu : rien n'a été enregistré.", fg="yellow", err=True)
            sys.exit(130)
        except Exception as e:
            if not type(e).__module__.startswith("git"):
                raise
            # GitPython's text lists the dossiers' file names: never shown, never a traceback
            refuser(FamnumError("git a refusé une opération ; famnum la reprendra à la prochaine commande.",
                                code="git.refus_inattendu",
                                correction="lancez « git status » pour voir l'état du dépôt, puis relancez la commande."))

    return enveloppe


def refuser(erreur: FamnumError) -> NoReturn:
    """Where every refusal is printed (its message, then its correction after erreurs.a_faire), then the exit.
    The exit is chained to the refusal (`__cause__`), so a program calling the command in process reads
    which refusal it was by its code, never by parsing the French text."""
    click.secho(f"Erreur : {erreur}", fg="red", err=True)
    raise SystemExit(erreur.code_sortie) from erreur


def reprendre_une_operation_interrompue() -> None:
    """Before any command: an operation a crash cut short is finished (or undone) and said, in French.
    Not inside a git hook (git holds the index then), not outside a territory."""
    import os

    from ..workspace import Territoire

    if os.environ.get("GIT_INDEX_FILE") or os.environ.get("GIT_DIR"):
        return
    try:
        territoire = Territoire.trouver()
    except FamnumError:
        return
    if not (territoire.racine / ".git" / "famnum").is_dir():
        return
    from ..ecriture import reprendre

    texte = reprendre(territoire.racine)
    if texte:
        click.secho(texte, fg="yellow", err=True)


def mettre_a_jour_le_crochet() -> None:
    """Before any command inside a territory: famnum's own git pre-commit hook, replaced when an older famnum
    installed it (it checked less) or its Python is gone; said once, in French. Never a hook someone wrote."""
    from ..crochet_git import mettre_a_jour
    from ..workspace import Territoire

    try:
        territoire = Territoire.trouver()
    except FamnumError:
        return
    texte = mettre_a_jour(territoire.racine)
    if texte:
        click.secho(texte, fg="yellow", err=True)


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


@click.group(cls=GroupeFrancais, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="famnum", message="famnum %(version)s")
def main():
    """famnum : les dossiers chiffrés des familles, l'attribution du matériel, l'évaluation et le site.

    Commencez par « famnum init » dans un dépôt git vide, ou essayez « famnum demo ».
    """


from . import attribution, cles, collecte, evaluation, familles, rgpd, site, territoire  # noqa: E402, F401  (registers the commands)
