"""click's own messages in French (« Afficher cette aide et quitter. », « Interrompu. »…).

click looks its messages up with `gettext`, whose catalogue depends on the machine's locale; famnum
speaks French everywhere, so the lookup is replaced in click's modules by this table. A message
missing here stays in English: `tests/test_messages.py` lists click's messages and fails on one
without a translation (a new click version must be checked before its pin is raised).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property

import click


TRADUCTIONS = {
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "(dynamic)": "(calculé)",
    "Aborted!": "Interrompu : rien n'a été enregistré.",
    "Argument {name!r} takes {nargs} values.": "L'argument {name!r} prend {nargs} valeurs.",
    "Choice({choices})": "Choix({choices})",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "Commands": "Commandes",
    "Confirm the action without prompting.": "Confirmer sans poser la question.",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir le fichier {filename!r} : {message}",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs tapées ne sont pas les mêmes.",
    "Error: invalid input": "Erreur : réponse illisible",
    "Error: {message}": "Erreur : {message}",
    "Invalid start character for option ({option})": "Caractère de début d'option incorrect ({option})",
    "Invalid value for {param_hint}: {message}": "Valeur incorrecte pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur incorrecte : {message}",
    "Missing argument": "Argument manquant",
    "Missing command.": "Commande manquante.",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Name '{name}' defined twice": "Nom « {name} » défini deux fois",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Option {name!r} does not take a value.": "L'option {name!r} ne prend pas de valeur.",
    "Options": "Options",
    "Positional arguments": "Arguments",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Repeat for confirmation": "Retapez pour confirmer",
    "Show the version and exit.": "Afficher la version et quitter.",
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Try '{command} {option}' for help.": "Pour l'aide : « {command} {option} ».",
    "Unknown color {colour!r}": "Couleur inconnue {colour!r}",
    "Usage:": "Utilisation :",
    "Value must be an iterable.": "La valeur doit être une liste.",
    "default: {default}": "par défaut : {default}",
    "deprecated": "obsolète",
    "directory": "dossier",
    "env var: {var}": "variable d'environnement : {var}",
    "file": "fichier",
    "path": "chemin",
    "unknown error": "erreur inconnue",
    "{name} {filename!r} does not exist.": "{name} {filename!r} n'existe pas.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} est un dossier.",
    "{name} {filename!r} is a file.": "{name} {filename!r} est un fichier.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} n'est pas exécutable.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} n'est pas lisible.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} n'est pas modifiable.",
    "{value!r} is not a valid UUID.": "{value!r} n'est pas un UUID.",
    "{value!r} is not a valid {number_type}.": "{value!r} n'est pas un nombre ({number_type}).",
    "{value} is not in the range {range}.": "{value} n'est pas entre les bornes {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} n'est ni oui ni non. Valeurs reconnues : {states}",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Attention : la commande {name!r} est obsolète.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Attention : {param_type} {name!r} est obsolète.{extra_message}",
    # mistakes in famnum's own code, for its developers
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "Un argument prend exactement une déclaration, {length} données : {decls}.",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "L'option oui/non {decl!r} ne peut pas utiliser la même marque pour oui et pour non.",
    "Could not determine name for option with declarations {decls!r}":
        "Impossible de trouver le nom de l'option déclarée par {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?":
        "Aucune option déclarée, mais un nom est donné ({name}). Vouliez-vous déclarer un argument, "
        "ou écrire '--{name}' ?",
    # singular and plural (ngettext)
    "Got unexpected extra argument ({args})": "Argument en trop ({args})",
    "Got unexpected extra arguments ({args})": "Arguments en trop ({args})",
    "Takes {nargs} values but 1 was given.": "Prend {nargs} valeurs, mais une seule est donnée.",
    "Takes {nargs} values but {len} were given.": "Prend {nargs} valeurs, mais {len} sont données.",
    "Did you mean {possibility}?": "Vouliez-vous dire {possibility} ?",
    "(Did you mean one of: {possibilities}?)": "(Vouliez-vous dire l'un de : {possibilities} ?)",
    "Option {name!r} requires an argument.": "L'option {name!r} attend une valeur.",
    "Option {name!r} requires {nargs} arguments.": "L'option {name!r} attend {nargs} valeurs.",
    "{value!r} is not {choice}.": "{value!r} n'est pas {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} n'est pas l'un de : {choices}.",
    "{value!r} does not match the format {format}.": "{value!r} n'a pas le format {format}.",
    "{value!r} does not match the formats {formats}.": "{value!r} n'a aucun des formats {formats}.",
    "{len_type} values are required, but {len_value} was given.":
        "{len_type} valeurs sont attendues, mais {len_value} est donnée.",
    "{len_type} values are required, but {len_value} were given.":
        "{len_type} valeurs sont attendues, mais {len_value} sont données.",
}


def traduire(message: str) -> str:
    return TRADUCTIONS.get(message, message)


def traduire_pluriel(singulier: str, pluriel: str, n: int) -> str:
    return traduire(singulier if n == 1 else pluriel)


def modules_de_click() -> list:
    from click import core, decorators, exceptions, formatting, parser, termui, types

    return [core, decorators, exceptions, formatting, parser, termui, types]


def installer() -> None:
    """Every message click prints, in French, whatever the machine's locale."""
    for module in modules_de_click():
        if hasattr(module, "_"):
            module._ = traduire
        if hasattr(module, "ngettext"):
            module.ngettext = traduire_pluriel



class GroupeFrancais(click.Group):
    """A command group whose usage line says « COMMANDE [ARGUMENTS]… » (click writes it in English,
    outside gettext); its sub-groups are of the same class."""

    group_class = type

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]...")
        super().__init__(*args, **kwargs)


class ChoixDuSchema(click.Choice):
    """A click.Choice whose values come from famnum's schema, read when first needed rather than at
    start-up (so that `famnum --help` and the git hook do not load the schema)."""

    def __init__(self, valeurs: Callable[[], Iterable[str]]):
        self._valeurs = valeurs
        self.case_sensitive = True

    @cached_property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._valeurs())
