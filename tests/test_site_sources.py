"""Each tutorial and workshop sheet states when its facts were checked and the public pages it relies on."""
from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

from famnum.site import generation, sources

CONTENT = Path(__file__).resolve().parents[1] / "content"


def test_chaque_tutoriel_et_fiche_a_une_date_et_des_sources():
    assert len(sources.pages_a_verifier(CONTENT)) >= 40
    problemes = sources.incompletes(CONTENT)
    assert not problemes, "Tutoriels ou fiches sans date ou sans source :\n" + "\n".join(problemes)


def test_chaque_source_est_une_adresse_https():
    for page in sources.pages_a_verifier(CONTENT):
        for titre, url in sources.lire(page).sources:
            assert url.startswith("https://"), f"{page.relative_to(CONTENT)} : « {titre} » → {url}"


def test_une_page_verifiee_il_y_a_plus_de_12_mois_avertit():
    """A warning, not a failure: the facts may still hold, but someone must look again."""
    for ligne in sources.perimees(CONTENT, dt.date.today()):
        warnings.warn(ligne, UserWarning, stacklevel=1)


def _page(content: Path, nom: str, entete: str) -> Path:
    page = content / nom
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"---\n{entete}---\n# Titre\n", encoding="utf-8")
    return page


def test_incompletes_et_perimees_nomment_la_page_et_le_champ(tmp_path):
    source = '  - titre: "Caf.fr"\n    url: https://www.caf.fr/\n'
    _page(tmp_path, "tutoriels/n/complete.md", f"verifie_le: 2025-11-01\nsources:\n{source}")
    _page(tmp_path, "tutoriels/n/sans-date.md", f"sources:\n{source}")
    _page(tmp_path, "ateliers/sans-source.md", "verifie_le: 2026-12-03\n")
    _page(tmp_path, "tutoriels/n/index.md", "title: Niveau\n")  # section pages need neither
    problemes = sources.incompletes(tmp_path)
    assert len(problemes) == 2
    assert any("sans-date.md" in p and "verifie_le" in p for p in problemes)
    assert any("sans-source.md" in p and "sources:" in p for p in problemes)

    assert sources.perimees(tmp_path, dt.date(2026, 10, 31)) == []
    [perimee] = sources.perimees(tmp_path, dt.date(2026, 12, 3))
    assert "complete.md" in perimee and "2025-11-01" in perimee


def test_une_traduction_montre_la_date_et_les_sources_de_sa_page_francaise(tmp_path):
    _page(tmp_path, "tutoriels/n/p.md",
          'verifie_le: 2026-12-03\nsources:\n  - titre: "L\'Identité Numérique La Poste"\n'
          '    url: https://lidentitenumerique.laposte.fr/\n')
    traduite = _page(tmp_path, "tutoriels/n/p.en.md", "traduction_de: 0\n")
    bloc = generation.bloc_sources("en", sources.lire(traduite))
    assert "Information checked on <bdi>3</bdi> December <bdi>2026</bdi>." in bloc
    assert ('<a href="https://lidentitenumerique.laposte.fr/" lang="fr" dir="ltr">'
            "L&#39;Identité Numérique La Poste</a>") in bloc
    assert "<bdi>3</bdi> ديسمبر <bdi>2026</bdi>" in generation.bloc_sources("ar", sources.lire(traduite))
    assert "vérifiées le <bdi>3</bdi> décembre" in generation.bloc_sources("fr", sources.lire(traduite))


@pytest.mark.parametrize("langue", sorted(generation.TEXTES))
def test_chaque_langue_a_ses_douze_mois_et_ses_libelles(langue):
    assert len(generation.TEXTES[langue]["mois"].split()) == 12
    assert "{date}" in generation.TEXTES[langue]["verifie_le"] and generation.TEXTES[langue]["sources"]
