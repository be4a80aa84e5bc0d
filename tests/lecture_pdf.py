"""Reading a PDF back with poppler's tools (poppler-utils, installed by make installer): much faster
than parsing it in Python, which reads the whole object stream of a tagged PDF (1 to 3 s a pack)."""
from __future__ import annotations

import subprocess
from pathlib import Path
from xml.etree import ElementTree


def texte_pdf(path: Path, *options: str) -> str:
    """A PDF's text by pdftotext (pages separated by a form feed); it marks the direction of each run
    and may set an Arabic vowel sign apart from its letter."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def signets(path: Path) -> list[tuple[str, int]]:
    """The top-level bookmarks of a PDF (a pack's title, then each page's title) and the page each
    leads to, by pdftohtml -xml read on the first page only."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", "-f", "1", "-l", "1", str(path)],
                         capture_output=True, text=True, check=True).stdout
    plan = ElementTree.fromstring(xml).find("outline")
    return [("".join(item.itertext()), int(item.get("page"))) for item in plan.findall("item")]


def polices(path: Path) -> list[tuple[str, bool]]:
    """Each font of a PDF and whether it is embedded, by pdffonts."""
    lignes = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    colonne = lignes[0].index("emb")  # the header line, then a line of dashes, then a font a line
    return [(ligne.split()[0], ligne[colonne:colonne + 3] == "yes") for ligne in lignes[2:]]
