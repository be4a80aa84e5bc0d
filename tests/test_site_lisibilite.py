"""Reading level of the French pages for parents (famnum.site.lisibilite)."""

from __future__ import annotations

from famnum.site import lisibilite


def test_every_french_page_for_parents_is_easy_to_read(capsys):
    pages = lisibilite.pages_francaises()
    assert any("tutoriels" in str(p) for p in pages) and any("programme" in str(p) for p in pages)
    code = lisibilite.main([])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    assert "score" in out.out


def test_translations_are_not_measured():
    assert not [p for p in lisibilite.pages_francaises() if p.name.count(".") > 1]


def test_long_administrative_sentences_fail(tmp_path, capsys):
    page = tmp_path / "regle.md"
    page.write_text(
        "# Modalités\n\nLes familles résidant dans un quartier prioritaire de la politique de la "
        "ville et dont au moins un enfant est scolarisé dans un établissement du territoire "
        "peuvent solliciter l'attribution d'un équipement informatique reconditionné, sous "
        "réserve de la production des justificatifs mentionnés à l'article 3 et de l'examen "
        "de leur dossier par la commission d'attribution, laquelle se réunit "
        "trimestriellement.\n", encoding="utf-8")
    assert lisibilite.main([str(page)]) == 1
    assert "À SIMPLIFIER" in capsys.readouterr().out


def test_prose_keeps_the_words_a_parent_reads():
    text = lisibilite.prose(
        "---\ntitle: X\n---\n# Le titre\n\n!!! tip \"Astuce\"\n    Cliquez sur "
        "[le bouton](https://exemple.fr) **Envoyer**.\n\n```\ncode ignoré\n```\n\n"
        "- premier point\n- second point\n\n| Qui | Où |\n|---|---|\n| moi | ici |\n"
        "<!-- famnum:contacts -->\n![image](a.png){ .large }\n")
    assert text.splitlines() == ["Le titre.", "Astuce.", "Cliquez sur le bouton Envoyer.",
                                 "premier point.", "second point.", "Qui.", "Où.", "moi.",
                                 "ici."]
