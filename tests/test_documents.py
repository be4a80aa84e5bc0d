"""The project's own documents stay inside the repository (issue 12, point 14): a user's clone has no
`../shared/`, so nothing a user or maintainer reads may send them there."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

DEPOT = Path(__file__).resolve().parents[1]
HORS_DU_DEPOT = re.compile(r"\.\./shared|DESIGN\.md|STYLE\.md")
LIEN_MARKDOWN = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def fichiers_suivis() -> list[Path]:
    sortie = subprocess.run(["git", "ls-files", "-z"], cwd=DEPOT, capture_output=True, text=True, check=True).stdout
    return [DEPOT / f for f in sortie.split("\0") if f and f.endswith((".md", ".yml", ".yaml", ".py", ".toml", "Makefile"))
            and not f.startswith("tests/")]


def test_aucun_document_ne_renvoie_hors_du_depot():
    fautifs = [f"{f.relative_to(DEPOT)}:{n}" for f in fichiers_suivis() if f.is_file()
               for n, ligne in enumerate(f.read_text(encoding="utf-8", errors="ignore").splitlines(), 1)
               if HORS_DU_DEPOT.search(ligne)]
    assert not fautifs, fautifs


def test_les_liens_du_readme_et_de_l_architecture_menent_a_un_fichier_du_depot():
    for document in ("README.md", "ARCHITECTURE.md"):
        for cible in LIEN_MARKDOWN.findall((DEPOT / document).read_text(encoding="utf-8")):
            if not re.match(r"[a-z]+:", cible):
                assert (DEPOT / cible).exists(), f"{document} → {cible}"
