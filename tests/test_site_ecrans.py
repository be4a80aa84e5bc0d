"""The screen drawings of the tutorials of levels 2–5 (issue 16 §3): every tutorial shows at least one key
screen in each language; each drawing is a light, self-contained SVG whose numbered badges are steps of
its page, whose words are in the page's language (the on-screen French labels with their meaning), and
whose text alternative on the page says the same as its description."""
from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from famnum.site.ecrans import LANGUES, dessins, ecrans, nom_fichier
from famnum.site.ecrans.__main__ import differences
from famnum.site.ecrans.description import DescriptionInvalide, lire_fichier
from famnum.site.ecrans.pages import chemin_page, placer

RACINE = Path(__file__).resolve().parents[1]
TUTORIELS = RACINE / "content" / "tutoriels"
DESSINS = TUTORIELS / "images" / "ecrans"
NIVEAUX = ("au-quotidien", "ecole-en-ligne", "demarches", "securite")
SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IMAGE = re.compile(r"!\[([^\]]+)\]\(\.\./images/ecrans/([a-z0-9-]+)\.svg\)")
ARABE = re.compile("[\u0600-\u06ff]")
# The width a drawing is shown at on a 360 px screen, inside its step of the list (measured in Chromium on
# the built site): the drawing, 360 units wide, is scaled to it.
COLONNE_360 = 296


def _tutoriels(langue: str) -> list[Path]:
    suffixe = ".md" if langue == "fr" else f".{langue}.md"
    return sorted(p for niveau in NIVEAUX for p in (TUTORIELS / niveau).glob(f"*{suffixe}")
                  if not p.name.startswith("index.") and (langue != "fr" or p.suffixes == [".md"]))


def _racine(nom: str) -> ET.Element:
    return ET.parse(DESSINS / nom).getroot()


def _textes(racine: ET.Element) -> list[ET.Element]:
    return list(racine.iter(f"{SVG}text"))


def _contenu(element: ET.Element) -> str:
    return "".join(element.itertext()).replace("\u2066", "").replace("\u2069", "").strip()


def _etapes(page: Path) -> set[int]:
    return {int(m) for m in re.findall(r"^(\d+)\. ", page.read_text(encoding="utf-8"), re.M)}


@functools.cache
def _ecrans() -> dict:
    """The descriptions, read once for the module (reading them costs 0.08 s: 276 tests read them)."""
    return {e.nom: e for e in ecrans()}


def _tous_les_dessins() -> list[tuple[str, str]]:
    return [(nom, langue) for nom in _ecrans() for langue in LANGUES]


@pytest.mark.parametrize("langue", LANGUES)
def test_chaque_tutoriel_des_niveaux_2_a_5_montre_un_ecran(langue):
    pages = _tutoriels(langue)
    assert len(pages) >= 22, pages
    sans = [p.relative_to(TUTORIELS) for p in pages if not IMAGE.search(p.read_text(encoding="utf-8"))]
    assert not sans, f"tutoriels sans dessin d'écran ({langue}) : {sans}"


@pytest.mark.parametrize("langue", LANGUES)
def test_chaque_image_de_page_existe_dans_sa_langue(langue):
    for page in _tutoriels(langue):
        for _, nom in IMAGE.findall(page.read_text(encoding="utf-8")):
            assert (DESSINS / nom_fichier(nom, langue)).is_file(), f"{page.name} : {nom_fichier(nom, langue)} manque"


def test_les_dessins_sont_ceux_de_leurs_descriptions():
    """No drawing is edited by hand nor left behind: `python -m famnum.site.ecrans` gives them back."""
    assert not differences(DESSINS, dessins())


@pytest.mark.parametrize("nom,langue", _tous_les_dessins())
def test_dessin_leger_autonome_et_titre(nom, langue):
    fichier = DESSINS / nom_fichier(nom, langue)
    assert fichier.stat().st_size < 8000, f"{fichier.name} : {fichier.stat().st_size} octets"
    racine = _racine(fichier.name)
    assert racine.get(XML_LANG) == langue
    assert _contenu(racine.find(f"{SVG}title")) and _contenu(racine.find(f"{SVG}desc"))
    interdits = [el.tag for el in racine.iter() if el.tag.split("}")[1] in ("image", "foreignObject", "style",
                                                                            "script", "font", "use", "a")]
    liens = [k for el in racine.iter() for k in el.attrib if k.endswith("href")]
    assert not interdits and not liens, f"{fichier.name} : {interdits} {liens}"
    hauteur_min = 12 * 360 / COLONNE_360
    petits = [float(t.get("font-size")) for t in _textes(racine) if float(t.get("font-size")) < hauteur_min]
    assert not petits, f"{fichier.name} : texte de {petits} unités, moins de 12 px à 360 px"


@pytest.mark.parametrize("nom,langue", _tous_les_dessins())
def test_les_pastilles_sont_des_etapes_de_la_page(nom, langue):
    ecran = _ecrans()[nom]
    page = chemin_page(TUTORIELS, ecran, langue)
    pastilles = [int(_contenu(t)) for t in _textes(_racine(nom_fichier(nom, langue))) if t.get("class") == "pastille"]
    assert pastilles, f"{nom_fichier(nom, langue)} : aucune pastille numérotée"
    assert set(pastilles) <= _etapes(page), f"{nom_fichier(nom, langue)} : {pastilles} pas toutes des étapes de {page.name}"


@pytest.mark.parametrize("nom,langue", [c for c in _tous_les_dessins() if c[1] != "fr"])
def test_les_mots_du_dessin_sont_dans_la_langue_de_la_page(nom, langue):
    """A translated drawing keeps the French words of the screen (xml:lang="fr"), each with its meaning in
    the page's language; its title, description, meanings and notes are not the French ones."""
    francais = _racine(nom_fichier(nom, "fr"))
    traduit = _racine(nom_fichier(nom, langue))
    mots_francais = {_contenu(t) for t in _textes(francais) if t.get("class") not in ("code", "pastille")}
    mots_francais |= {_contenu(francais.find(f"{SVG}{b}")) for b in ("title", "desc")}
    ecran = _ecrans()[nom]
    memes_mots = {lib["fr"] for lib in ecran.libelles if lib[langue].casefold() == lib["fr"].casefold()}
    for groupe in traduit.iter(f"{SVG}g"):
        if groupe.get("class") == "libelle" and not [t for t in groupe if t.get("class") == "glose"]:
            assert _contenu(groupe) in memes_mots, f"{nom_fichier(nom, langue)} : « {_contenu(groupe)} » sans son sens"
    a_traduire = [t for t in _textes(traduit) if t.get(XML_LANG) != "fr" and t.get("class") not in ("code", "pastille")]
    a_traduire += [traduit.find(f"{SVG}title"), traduit.find(f"{SVG}desc")]
    for element in a_traduire:
        mot = _contenu(element)
        assert mot.removeprefix("(").removesuffix(")") not in mots_francais, f"{nom_fichier(nom, langue)} : « {mot} » est resté en français"
        if langue == "ar":
            assert ARABE.search(mot), f"{nom_fichier(nom, langue)} : « {mot} » n'est pas en arabe"
    assert not [t for t in _textes(francais) if t.get("class") == "glose"], "un dessin français n'a pas de sens traduit"


@pytest.mark.parametrize("nom,langue", _tous_les_dessins())
def test_le_texte_de_l_image_dit_ce_que_dit_le_dessin(nom, langue):
    """The page's alternative text is the drawing's description, and names each badge's number."""
    ecran = _ecrans()[nom]
    page = chemin_page(TUTORIELS, ecran, langue)
    alternatives = [alt for alt, n in IMAGE.findall(page.read_text(encoding="utf-8")) if n == nom]
    assert alternatives == [ecran.description[langue]], f"{page.name} : texte de l'image {nom} ≠ sa description"
    for numero in set(ecran.etapes):
        assert re.search(rf"(?<!\d){numero}(?!\d)", ecran.description[langue]), \
            f"{nom} ({langue}) : la description ne dit pas la pastille {numero}"


def test_placer_met_l_image_a_la_fin_de_son_etape_et_la_remplace_ensuite():
    ecran = next(e for e in ecrans() if e.nom == "caf-connexion")
    page = "# T\n\n1. Un.\n\n    **Vu :** a.\n\n2. Deux.\n\n    **Vu :** b.\n\n3. Trois.\n\n## Suite\n"
    une_fois = placer(page, ecran, "fr")
    assert une_fois.index("caf-connexion.svg") < une_fois.index("3. Trois.")
    assert une_fois.index("**Vu :** b.") < une_fois.index("caf-connexion.svg")
    assert placer(une_fois, ecran, "fr") == une_fois
    with pytest.raises(DescriptionInvalide, match="pas d'étape 2"):
        placer("# T\n\n1. Un.\n", ecran, "fr")


@pytest.mark.parametrize("yaml_texte,attendu", [
    ("page: a.md\necrans:\n  - nom: x\n    etape: 1\n    cadre: navigateur\n", "« lignes » manque"),
    ("page: a.md\necrans:\n  - {nom: x, etape: 1, cadre: tablette}\n", "cadre « tablette » inconnu"),
    ("page: a.md\necrans:\n  - nom: x\n    etape: 1\n    cadre: navigateur\n"
     "    titre: {fr: a, ar: ب, tr: c, en: d}\n    description: {fr: a, ar: ب, tr: c}\n    lignes: [{titre: {fr: a}}]\n",
     "texte manquant en en"),
    ("page: a.md\necrans: [{nom: x, lien: {fr: Mot de passe oublié ?, en: b?}}]\n", "guillemets"),
])
def test_une_description_fautive_est_nommee_avec_la_correction(tmp_path, yaml_texte, attendu):
    fichier = tmp_path / "essai.yaml"
    fichier.write_text(yaml_texte, encoding="utf-8")
    with pytest.raises(DescriptionInvalide, match=attendu) as erreur:
        lire_fichier(fichier)
    assert "essai.yaml" in str(erreur.value)
