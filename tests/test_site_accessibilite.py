"""The site states its accessibility status in one wording everywhere: the statement, the home page,
the legal notice and the footer say the same thing (RGAA: « non conforme » until an audit is done)."""
import re
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]


def statut_de_la_declaration() -> str:
    texte = (RACINE / "content" / "accessibilite.md").read_text(encoding="utf-8")
    trouve = re.search(r"Ce site est \*\*([^*]+)\*\*", texte)
    assert trouve, "La déclaration d'accessibilité doit dire « Ce site est **<statut>** »."
    return trouve.group(1)


def test_accueil_mentions_et_pied_de_page_disent_le_statut_de_la_declaration():
    statut = statut_de_la_declaration()
    for relatif in ("content/index.md", "content/mentions-legales.md"):
        texte = (RACINE / relatif).read_text(encoding="utf-8")
        assert f"**{statut}**" in texte, f"{relatif} ne dit pas « {statut} »"
        assert "en partie" not in texte and "partiellement" not in texte, relatif
    pied = re.search(r"^copyright: >-\n((?:  .*\n)+)", (RACINE / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert pied and statut in pied.group(1), "Le pied de page (mkdocs.yml, copyright) ne dit pas le statut"
