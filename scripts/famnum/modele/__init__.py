"""The model every territory starts from: famnum's schemas, reference tables, grids, indicators and
public site sources. In the repository, `content`, `data` and `mkdocs.yml` here are symbolic links
to the repository's own files; a built wheel carries copies of them, so an installed famnum finds
its model with `importlib.resources` wherever it runs."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def racine() -> Path:
    """The folder holding the model's `data/`, `content/` and `mkdocs.yml`: the repository itself in a
    development install (the links are followed), the installed package's copy otherwise."""
    return Path(str(resources.files(__name__).joinpath("mkdocs.yml"))).resolve().parent

