"""Markers that pages use to pull data into their Markdown.

A page writes ``<!-- famnum:NAME -->`` on a line of its own; the site's generation replaces
it with the Markdown that the function registered under ``NAME`` returns. This is
the registry later issues use to render data files (``data/attribution.yaml``,
``build/public/``) into pages without copying them by hand::

    from famnum.site.marqueurs import marqueur

    @marqueur("grille-attribution")
    def grille(config) -> str:
        ...  # read data/attribution.yaml, return Markdown

A marker with no registered function is left alone and reported by the build as a
warning, so ``famnum site`` (strict) fails on a misspelled marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from . import libelles

Renderer = Callable[[Mapping[str, Any]], str]

MARQUEURS: dict[str, Renderer] = {}

MARKER_RE = re.compile(r"<!--\s*famnum:([a-z0-9-]+)\s*-->")


def marqueur(name: str) -> Callable[[Renderer], Renderer]:
    """Register ``function(config) -> markdown`` under ``name``."""

    def register(function: Renderer) -> Renderer:
        MARQUEURS[name] = function
        return function

    return register


def remplacer(markdown: str, config: Mapping[str, Any]) -> tuple[str, list[str]]:
    """Replace every known marker; return the new text and the unknown names."""
    unknown: list[str] = []

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        function = MARQUEURS.get(name)
        if function is None:
            unknown.append(name)
            return match.group(0)
        return function(config)

    return MARKER_RE.sub(substitute, markdown), unknown


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\n", " ").strip()


CONTACT_LABELS = ("Téléphone", "Courriel", "Où", "Quand")


@marqueur("contacts")
def contacts(config: Mapping[str, Any]) -> str:
    """The territory's contacts (``extra.contacts`` in mkdocs.yml) as a table, in the page's language
    (who they are, where and when, through the catalog of ``famnum.site.libelles``).

    Two columns, who and how to reach them, so that it reads on a 360 px phone.
    """
    t = libelles.pour(config)
    rows = (config.get("extra") or {}).get("contacts") or []
    if not rows:
        return t("*Contacts à compléter dans `mkdocs.yml` (`extra.contacts`).*")
    lines = [f"| {t('Qui')} | {t('Comment nous joindre')} |", "| --- | --- |"]
    for row in rows:
        details = "<br>".join(
            t("{libelle} : {valeur}", libelle=t(label),
              valeur=_cell(t.brut(row.get(key)) if key in ("lieu", "horaires") else row.get(key)))
            for label, key in zip(CONTACT_LABELS, ("telephone", "courriel", "lieu", "horaires"))
            if _cell(row.get(key)))
        lines.append(f"| **{_cell(t.brut(row.get('role')))}** | {details} |")
    return "\n".join(lines) + "\n"


def _territoire(config: Mapping[str, Any]) -> Mapping[str, Any]:
    return (config.get("extra") or {}).get("territoire") or {}


@marqueur("territoire-nom")
def territoire_nom(config: Mapping[str, Any]) -> str:
    """The territory's name (``extra.territoire.nom``), inline."""
    return _cell(_territoire(config).get("nom")) or libelles.pour(config)("*territoire à compléter*")


@marqueur("contact-accessibilite")
def contact_accessibilite(config: Mapping[str, Any]) -> str:
    """Who answers accessibility requests (``extra.territoire.contact_accessibilite``)."""
    return (_cell(libelles.pour(config).brut(_territoire(config).get("contact_accessibilite")))
            or libelles.pour(config)("*à compléter*"))
