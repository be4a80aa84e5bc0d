"""The phone form of the tutorials (seed 004): every tutorial of levels 1 and 2 has its « guide d'appel »
for the person who answers the phone, linked both ways and from the guides' index, in every language."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from famnum.site import lisibilite, sources

CONTENT = Path(__file__).resolve().parents[1] / "content"
GUIDES = CONTENT / "guides-appel"
NIVEAUX_AU_TELEPHONE = ("premiers-pas", "au-quotidien")
LANGUES = ("fr", "ar", "tr", "en")
# The parts every guide has, in this order (French headings; translations keep the same number).
PARTIES = ("Pour commencer", "Étape par étape", "Les blocages fréquents",
           "Quand arrêter et proposer un rendez-vous", "Pour finir")
LIEN = re.compile(r"\]\(\s*<?([^)\s>#]+\.md)")


def tutoriels() -> list[Path]:
    return [page for niveau in NIVEAUX_AU_TELEPHONE
            for page in sorted((CONTENT / "tutoriels" / niveau).glob("*.md"))
            if page.name != "index.md" and page.suffixes == [".md"]]


def en_langue(francaise: Path, langue: str) -> Path:
    return francaise if langue == "fr" else francaise.with_name(f"{francaise.stem}.{langue}.md")


def cibles(page: Path) -> set[Path]:
    """The French pages `page` links to (a translated page's links name the French file)."""
    texte = page.read_text(encoding="utf-8")
    return {Path(os.path.normpath(page.parent / lien)) for lien in LIEN.findall(texte)}


def guide_de(tutoriel: Path) -> Path:
    return GUIDES / tutoriel.name


def test_les_niveaux_au_telephone_ont_leurs_tutoriels():
    assert len(tutoriels()) >= 12


@pytest.mark.parametrize("langue", LANGUES)
def test_chaque_tutoriel_a_son_guide_d_appel_lie_dans_les_deux_sens(langue):
    problemes = []
    for tutoriel in tutoriels():
        guide = en_langue(guide_de(tutoriel), langue)
        nom = f"{tutoriel.relative_to(CONTENT)} ({langue})"
        if not guide.exists():
            problemes.append(f"{nom} : pas de guide d'appel {guide.relative_to(CONTENT)}")
            continue
        if guide_de(tutoriel) not in cibles(en_langue(tutoriel, langue)):
            problemes.append(f"{nom} : aucun lien vers son guide d'appel")
        if tutoriel not in cibles(guide):
            problemes.append(f"{guide.relative_to(CONTENT)} : aucun lien vers sa fiche {tutoriel.name}")
        if guide_de(tutoriel) not in cibles(en_langue(GUIDES / "index.md", langue)):
            problemes.append(f"{nom} : son guide manque à la page des guides d'appel")
    assert not problemes, "\n".join(problemes)


@pytest.mark.parametrize("tutoriel", tutoriels(), ids=lambda p: p.stem)
def test_chaque_guide_a_ses_cinq_parties_dans_chaque_langue(tutoriel):
    francais = guide_de(tutoriel)
    titres = re.findall(r"^## (.+)$", francais.read_text(encoding="utf-8"), re.M)
    assert tuple(titres) == PARTIES, francais.name
    etapes = len(re.findall(r"^\d+\. \*\*", francais.read_text(encoding="utf-8"), re.M))
    assert etapes >= 4, francais.name
    for langue in LANGUES[1:]:
        traduit = en_langue(francais, langue).read_text(encoding="utf-8")
        assert len(re.findall(r"^## ", traduit, re.M)) == len(PARTIES), (francais.name, langue)
        assert len(re.findall(r"^\d+\. \*\*", traduit, re.M)) == etapes, (francais.name, langue)


def test_les_guides_sont_dates_sources_et_faciles_a_lire():
    guides = [guide_de(t) for t in tutoriels()]
    a_verifier = set(sources.pages_a_verifier(CONTENT))
    assert all(g in a_verifier for g in guides), "les guides d'appel échappent à famnum.site.sources"
    mesures = set(lisibilite.pages_francaises())
    assert all(g in mesures for g in guides), "les guides d'appel échappent à famnum.site.lisibilite"


@pytest.mark.parametrize("langue", LANGUES)
def test_la_page_des_tutoriels_mene_aux_guides_d_appel(langue):
    accueil = en_langue(CONTENT / "tutoriels" / "index.md", langue)
    assert GUIDES / "index.md" in cibles(accueil), f"{accueil.name} : aucun lien vers les guides d'appel"
