"""Time the public site's build, for ``make bench`` (``scripts/bench.py``).

``chronometrer_site()`` builds the site into temporary directories, as ``make site`` does
(a fresh ``mkdocs build --strict`` process each time): without the PDFs
(``FAMNUM_SANS_PDF=1``); in full (every language + PDFs) with an empty PDF cache; and in
full again, every PDF then taken from the cache (``famnum.site.cache_pdf``), which is what
``make site`` costs after a change to a page that is in no PDF.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from famnum.site.construction import construire

LANGUES = ("ar", "tr", "en")


def _compter(site_dir: Path) -> dict:
    pages = [p for p in site_dir.rglob("*.html")]
    francaises = [p for p in pages if p.relative_to(site_dir).parts[0] not in LANGUES]
    return {
        "pages_html": len(pages),
        "pages_francaises": len(francaises),
        "pdf": len(list((site_dir / "pdf").rglob("*.pdf"))) if (site_dir / "pdf").exists() else 0,
    }


def chronometrer_site() -> dict:
    """Seconds for a build without PDFs, a full build, a full build from the PDF cache."""
    mesures: dict = {}
    with tempfile.TemporaryDirectory(prefix="famnum-bench-site-") as tmp:
        cache = Path(tmp) / "cache-pdf"
        for nom, pdf in (("sans_pdf", False), ("complet", True), ("complet_cache_pdf", True)):
            site_dir = Path(tmp) / nom
            fait = construire(site_dir, pdf=pdf, cache_pdf=cache)
            mesures[nom] = {"secondes": fait["secondes"], "code": fait["code"],
                            **_compter(site_dir)}
    return mesures


if __name__ == "__main__":
    import json

    print(json.dumps(chronometrer_site(), indent=2, ensure_ascii=False))
