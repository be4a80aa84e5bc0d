"""The HTML and SVG that famnum writes, from the Jinja2 templates of this folder.

One environment for all of them: autoescape on for every template (`.html` and `.svg` alike), so
a value from a person, a dossier or a data file always reaches the page escaped; `StrictUndefined`,
so a variable a template expects and is not given fails at once instead of printing nothing. The
templates are package data, found with `importlib.resources` (PackageLoader) in the repository as
in an installed famnum. Fragments are composed by macros or `include`, never by `|safe` on data.
"""
from __future__ import annotations

import functools


@functools.cache
def environnement():
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(loader=PackageLoader("famnum", "gabarits"), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def rendre(gabarit: str, /, **valeurs) -> str:
    """The template `gabarit` (a path under gabarits/) rendered with `valeurs`."""
    return environnement().get_template(gabarit).render(**valeurs)


@functools.cache
def macros(gabarit: str, /):
    """The macros of the template `gabarit`, as attributes (compiled once per process, without asking the loader
    again): how a module that rewrites HTML made elsewhere calls a template for each piece it writes."""
    return environnement().get_template(gabarit).module
