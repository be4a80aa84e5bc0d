"""Time the public site's build, for ``make bench`` (``scripts/bench.py``).

``chronometrer_site()`` builds a copy of the model territory into temporary directories, as
``famnum site`` does (generate, then one engine per language): without the PDFs; in full (every
language + PDFs) with an empty PDF cache; in full again, every PDF then taken from the cache
(``famnum.site.cache_pdf``); after a change to one tutorial's text (its language's tutorials pack is
made again, every other file reused: what ``make site`` costs while writing a tutorial); and, when
Zensical is installed, without the PDFs by Zensical (the two engines side by side).
"""

from __future__ import annotations

import importlib.util
import resource
import shutil
import tempfile
from pathlib import Path

from famnum.site.construction import RACINE, construire

LANGUES = ("ar", "tr", "en")
TUTORIEL = Path("content/tutoriels/premiers-pas/allumer-eteindre.md")


def _compter(site_dir: Path) -> dict:
    pages = [p for p in site_dir.rglob("*.html")]
    francaises = [p for p in pages if p.relative_to(site_dir).parts[0] not in LANGUES]
    par_langue = {"fr": len(francaises), **{code: len(list((site_dir / code).rglob("*.html"))) for code in LANGUES}}
    return {
        "pages_html": len(pages),
        "pages_francaises": len(francaises),
        "pages_par_langue": par_langue,
        "pdf": len(list((site_dir / "pdf").rglob("*.pdf"))) if (site_dir / "pdf").exists() else 0,
    }


def _territoire(tmp: Path) -> Path:
    """A copy of the model's site sources (content/, data/, mkdocs.yml), free to change."""
    racine = tmp / "territoire"
    for nom in ("content", "data"):
        shutil.copytree(RACINE / nom, racine / nom)
    shutil.copy2(RACINE / "mkdocs.yml", racine / "mkdocs.yml")
    return racine


def _changer_un_tutoriel(racine: Path) -> None:
    chemin = racine / TUTORIEL
    chemin.write_text(chemin.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")


def _processeur() -> float:
    """CPU seconds of this process and of its finished children (engines, PDF workers): unlike the
    wall clock, the same on a machine busy with other work."""
    return sum(resource.getrusage(qui).ru_utime + resource.getrusage(qui).ru_stime
               for qui in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def chronometrer_site() -> dict:
    """Seconds for each build above, with the steps (generation, engine, finish, PDF, compression)."""
    mesures: dict = {}
    with tempfile.TemporaryDirectory(prefix="famnum-bench-site-") as tmp:
        racine = _territoire(Path(tmp))
        cache = Path(tmp) / "cache-pdf"
        essais = [("sans_pdf", False, "mkdocs"), ("complet", True, "mkdocs"), ("complet_cache_pdf", True, "mkdocs"),
                  ("tutoriel_change", True, "mkdocs")]
        if importlib.util.find_spec("zensical"):
            essais.append(("zensical_sans_pdf", False, "zensical"))
        for nom, pdf, moteur in essais:
            if nom == "tutoriel_change":
                _changer_un_tutoriel(racine)
            site_dir = Path(tmp) / nom
            avant = _processeur()
            fait = construire(site_dir, pdf=pdf, cache_pdf=cache, moteur=moteur, racine=racine,
                              source=Path(tmp) / "site-src")
            mesures[nom] = {"secondes": fait["secondes"], "processeur": round(_processeur() - avant, 2),
                            "etapes": fait["etapes"], "code": fait["code"], "moteur": moteur, **_compter(site_dir)}
    return mesures


if __name__ == "__main__":
    import json

    print(json.dumps(chronometrer_site(), indent=2, ensure_ascii=False))
