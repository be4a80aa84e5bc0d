"""Reading level of the French pages written for parents.

``python -m famnum.site.lisibilite`` measures every French page of ``content/tutoriels/``,
``content/guides-appel/`` (their sentences are said to parents on the phone) and
``content/programme/`` (not the ``.ar.md``, ``.tr.md``, ``.en.md`` translations), prints
a table, and exits with 1 when a page scores under the threshold.

The score is Flesch's reading ease adapted to French by Kandel and Moles (1958), as
``textstat`` computes it with ``set_lang("fr")``::

    207 - 1.015 × (words per sentence) - 73.6 × (syllables per word)

0 is unreadable, 100 is very easy; like Flesch's, 60 to 70 is "standard" text (a
newspaper), 70 to 80 "fairly easy", 80 and more "easy". The score only measures the two
things it counts, sentence length and word length, and FALC (*facile à lire et à
comprendre*) asks for more: everyday words, one idea per sentence, a picture with the
text. But long sentences and long words are exactly what makes a parent who reads little,
or reads French as a second language, give up, and they are what a program can check.

The threshold, **70** ("fairly easy"), is chosen as follows: FALC texts sit well above
it (sentences of 10 to 12 words, short words: 80 and more), an ordinary administrative
page falls under 60 (sentences of 20 words and more, words like *« accompagnement »*,
*« justificatif »*), and a page that must explain a few unavoidable long words
(*« identifiant »*, *« ordinateur »*, *« Réussite Éducative »*) still passes at 70 if its
sentences are short. A page under 70 is a page to rewrite with shorter sentences.

Measured on 23 November 2026: the 39 French pages of the tutorials and the programme score
81 to 104 (8 to 10 words a sentence); the CLAS workshop sheets, written for animators, 77 to
90; a typical paragraph of an attribution rule (two sentences of 45 words) scores 11.

``textstat`` counts syllables with Pyphen's hyphenation dictionary, which slightly
undercounts French syllables: scores are a little high in absolute terms, the same for
every page, so the threshold compares pages fairly.

What is measured is the prose: front matter, code, HTML, links' addresses, pictures,
admonition markers and Markdown punctuation are removed; each heading, list item and table
cell counts as a sentence of its own (it is read as one).
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from famnum.modele import racine as racine_modele
from famnum.formats import compte

SEUIL = 70.0
DOSSIERS = ("tutoriels", "guides-appel", "programme")
RACINE = racine_modele()
CONTENT = RACINE / "content"

FRONT_MATTER_RE = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.DOTALL)
FENCE_RE = re.compile(r"^(```|~~~).*?^\1\s*$", re.DOTALL | re.MULTILINE)
COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
TAG_RE = re.compile(r"<[^>]+>")
IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
REF_LINK_RE = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
ATTR_RE = re.compile(r"\{\s*[.#:][^}]*\}")
CODE_RE = re.compile(r"`[^`]*`")
ADMONITION_RE = re.compile(r'^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+"([^"]*)")?\s*$')
TABLE_RULE_RE = re.compile(r"^\s*\|?\s*:?-{2,}")
LINE_MARK_RE = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d+[.)]\s+|>\s*)")
EMPHASIS_RE = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
END_RE = re.compile(r"[.!?…:;]$")


def prose(markdown: str) -> str:
    """The text a reader reads, one sentence or heading or item per line, each ended."""
    text = FRONT_MATTER_RE.sub("", markdown)
    text = FENCE_RE.sub("", text)
    text = COMMENT_RE.sub("", text)
    lines = []
    for raw in text.splitlines():
        admonition = ADMONITION_RE.match(raw)
        if admonition:
            raw = admonition.group(1) or ""
        if TABLE_RULE_RE.match(raw):
            continue
        cells = raw.strip().strip("|").split("|") if raw.strip().startswith("|") else [raw]
        for cell in cells:
            line = LINE_MARK_RE.sub("", cell)
            line = IMAGE_RE.sub("", line)
            line = LINK_RE.sub(r"\1", line)
            line = REF_LINK_RE.sub(r"\1", line)
            line = ATTR_RE.sub("", line)
            line = CODE_RE.sub("", line)
            line = TAG_RE.sub(" ", line)
            line = EMPHASIS_RE.sub(r"\2", line)
            line = re.sub(r"\s+", " ", line).strip()
            if not re.search(r"\w", line):
                continue
            lines.append(line)
    # A paragraph spread over several lines is one text; a line that ends without
    # punctuation (heading, item, cell, end of paragraph) closes its sentence.
    return "\n".join(line if END_RE.search(line) else line + "." for line in lines)


@dataclass(frozen=True)
class Mesure:
    page: str
    score: float
    phrases: int
    mots: int

    @property
    def mots_par_phrase(self) -> float:
        return self.mots / self.phrases if self.phrases else 0.0


def mesurer(path: Path, base: Path = CONTENT) -> Mesure:
    import textstat

    textstat.set_lang("fr")
    text = prose(path.read_text(encoding="utf-8"))
    return Mesure(
        page=str(path.relative_to(base)) if path.is_relative_to(base) else str(path),
        score=round(textstat.flesch_reading_ease(text), 1),
        phrases=textstat.sentence_count(text),
        mots=textstat.lexicon_count(text),
    )


def pages_francaises(content: Path = CONTENT, dossiers=DOSSIERS) -> list[Path]:
    return sorted(p for dossier in dossiers for p in (content / dossier).rglob("*.md")
                  if not re.search(r"\.[a-z]{2}\.md$", p.name))


def tableau(mesures: list[Mesure], seuil: float) -> str:
    largeur = max([len(m.page) for m in mesures] + [4])
    lignes = [f"{'page':<{largeur}}  score  mots/phrase  phrases  verdict",
              f"{'-' * largeur}  -----  -----------  -------  -------"]
    for m in mesures:
        verdict = "ok" if m.score >= seuil else "À SIMPLIFIER"
        lignes.append(f"{m.page:<{largeur}}  {m.score:5.1f}  {m.mots_par_phrase:11.1f}  "
                      f"{m.phrases:7d}  {verdict}")
    return "\n".join(lignes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m famnum.site.lisibilite",
        description="Lisibilité (Flesch adapté au français par Kandel et Moles) des pages "
                    "françaises des tutoriels et du programme.")
    parser.add_argument("pages", nargs="*", type=Path,
                        help="pages à mesurer (par défaut : content/tutoriels et content/programme)")
    parser.add_argument("--seuil", type=float, default=SEUIL,
                        help=f"score minimal d'une page (par défaut {SEUIL:g})")
    args = parser.parse_args(argv)
    pages = [p.resolve() for p in args.pages] or pages_francaises()
    if not pages:
        print("Aucune page à mesurer.", file=sys.stderr)
        return 2
    mesures = [mesurer(p) for p in pages]
    print(tableau(mesures, args.seuil))
    trop_difficiles = [m for m in mesures if m.score < args.seuil]
    if trop_difficiles:
        print(f"\n{compte(len(trop_difficiles), 'page')} sous le seuil de {args.seuil:g} : "
              "raccourcissez les phrases, choisissez des mots courts et courants.",
              file=sys.stderr)
        return 1
    print(f"\n{len(mesures)} pages, toutes au-dessus du seuil de {args.seuil:g}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
