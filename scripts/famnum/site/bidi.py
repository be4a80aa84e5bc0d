"""Left-to-right isolates in right-to-left pages (the Arabic site).

In a right-to-left paragraph the Unicode bidirectional algorithm reorders runs of
digits and Latin text: a phone number ``01 99 00 12 34`` shows its groups from right
to left, and a bracket after a Latin word jumps to the other end. A parent could dial a
wrong number. :func:`isoler` wraps each run of digits or Latin-script text (numbers,
phone numbers, e-mail and web addresses, codes, French words shown on screen) in
``<bdi dir="ltr">``, so it keeps its own order inside the Arabic sentence.

It works on the rendered HTML with the standard library's HTML parser and rewrites only
text between tags: never a tag, an attribute, a script, a style, an inline SVG, a code
block, nor text that already has its own direction (an element with ``dir`` other than
``rtl``, ``<bdi>``, ``<bdo>``). The site hook applies it to every right-to-left page, so
a new page or a new marker is covered without touching its Markdown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from famnum.gabarits import macros

GABARIT = "site/bidi.html"  # the template whose macro writes the isolates

# Latin letters (with French accents and ligatures) and ASCII digits: what starts and
# ends a left-to-right run.
_CORE = r"A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
# What may sit between two of them inside one run: spaces and the punctuation of
# numbers, addresses, codes and French phrases. Not an Arabic letter, comma or digit.
_JOIN = r"\s\u00A0\u202F.,:;'’\-–/@+&_()\[\]%€#*=~·"
RUN_RE = re.compile(rf"[+#]?[{_CORE}](?:[{_JOIN}]*[{_CORE}])*(?:\s?[%€°])?")
_OPENING, _CLOSING = "([", ")]"
_TRAILING_CLOSE_RE = re.compile(r"[\s\u00A0]*[)\]]")
# A space between two digits (``01 99 00 12 34``) does not break the line: a phone number
# split over two lines of a narrow phone screen is easy to misread.
_DIGIT_SPACE_RE = re.compile(r"(?<=\d) (?=\d)")

# Elements whose text is never rewritten, with everything inside them.
SKIPPED = {"head", "script", "style", "template", "textarea", "title", "svg", "math", "pre",
           "select", "option", "bdi", "bdo", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}

# Languages written right to left: their pages and PDFs get the isolates.
LANGUES_RTL = frozenset({"ar", "he", "fa", "ur"})



def _balanced_end(text: str, start: int, end: int) -> int:
    """Extend a run over the closing brackets of the brackets it opened."""
    run = text[start:end]
    missing = sum(run.count(c) for c in _OPENING) - sum(run.count(c) for c in _CLOSING)
    while missing > 0:
        match = _TRAILING_CLOSE_RE.match(text, end)
        if not match:
            break
        end, missing = match.end(), missing - 1
    return end


def runs(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans of the left-to-right runs of ``text``."""
    spans = []
    for match in RUN_RE.finditer(text):
        start, end = match.span()
        if spans and start < spans[-1][1]:
            continue  # already inside the previous run's closing bracket
        spans.append((start, _balanced_end(text, start, end)))
    return spans


def isoler_texte(text: str) -> str | None:
    """``text`` (decoded) escaped again with its runs isolated (template `site/bidi.html`); None when it
    has none."""
    spans = runs(text)
    if not spans:
        return None
    morceaux, last = [], 0
    for start, end in spans:
        morceaux += [(False, text[last:start]), (True, _DIGIT_SPACE_RE.sub("\u00a0", text[start:end]))]
        last = end
    return macros(GABARIT).isolats([*morceaux, (False, text[last:])])


class _Lecteur(HTMLParser):
    """Finds the text nodes to rewrite: their offsets in the source and their text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._length = len(source)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._stack: list[tuple[str, bool]] = []  # (tag, text inside is left alone)
        self._pending: tuple[int, str] | None = None
        self.textes: list[tuple[int, int, str]] = []  # (start, end, decoded text)

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _close_pending(self) -> None:
        if self._pending is not None:
            start, text = self._pending
            self.textes.append((start, self._offset(), text))
            self._pending = None

    def _alone(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_pending()
        if tag in VOID:
            return
        direction = (dict(attrs).get("dir") or "").strip().lower()
        alone = self._alone() or tag in SKIPPED or direction not in ("", "rtl")
        self._stack.append((tag, alone))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close_pending()

    def handle_endtag(self, tag: str) -> None:
        self._close_pending()
        for depth in range(len(self._stack) - 1, -1, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        self._close_pending()
        if not self._alone():
            self._pending = (self._offset(), data)

    def handle_comment(self, data: str) -> None:
        self._close_pending()

    def handle_decl(self, decl: str) -> None:
        self._close_pending()

    def handle_pi(self, data: str) -> None:
        self._close_pending()

    def close(self) -> None:
        super().close()
        if self._pending is not None:
            start, text = self._pending
            self.textes.append((start, self._length, text))
            self._pending = None


def isoler(page: str) -> str:
    """``page`` with every left-to-right run of its text in ``<bdi dir="ltr">``."""
    lecteur = _Lecteur(page)
    lecteur.feed(page)
    lecteur.close()
    parts, last = [], 0
    for start, end, text in lecteur.textes:
        rewritten = isoler_texte(text)
        if rewritten is None:
            continue
        parts.append(page[last:start])
        parts.append(rewritten)
        last = end
    parts.append(page[last:])
    return "".join(parts)
