"""Every HTML and SVG page famnum writes comes from a Jinja2 template with autoescape: a hostile value
typed by a person, read from a dossier or from a published file reaches the page as text, never as
markup; no template marks data safe; a variable a template forgets fails loudly."""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from famnum import gabarits

RACINE = Path(__file__).resolve().parents[1]
GABARITS = RACINE / "scripts" / "famnum" / "gabarits"
# a script, an attribute that breaks out of its quotes, a template expression
HOSTILES = ("<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "{{ 7 * 7 }}")
HOSTILE = " ".join(HOSTILES)


class _Balises(HTMLParser):
    """Every start tag of a page, and every attribute whose name is an event handler."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.balises: set[str] = set()
        self.evenements: list[str] = []
        self.textes: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.balises.add(tag)
        self.evenements += [nom for nom, _ in attrs if nom.startswith("on")]

    def handle_data(self, data):
        self.textes.append(data)


def lire_balises(page: str) -> _Balises:
    lecteur = _Balises()
    lecteur.feed(page)
    lecteur.close()
    return lecteur


def assert_echappe(page: str, combien: int = 1) -> None:
    """No script, image or event handler came in through the values; each hostile value is shown as
    typed (`combien` times at least) and no template expression was evaluated."""
    lecteur = lire_balises(page)
    assert not {"script", "img"} & lecteur.balises, sorted(lecteur.balises)
    assert not lecteur.evenements, lecteur.evenements
    texte = "".join(lecteur.textes)
    assert all(texte.count(h) >= combien for h in HOSTILES), texte[:2000]  # « {{ 7 * 7 }} » as typed, never 49


# --- the templates themselves ------------------------------------------------------------------

def test_chaque_gabarit_se_lit_et_aucun_ne_marque_une_valeur_sure():
    fichiers = [p for p in GABARITS.rglob("*") if p.suffix in (".html", ".svg")]
    assert len(fichiers) >= 15, fichiers
    for chemin in fichiers:
        texte = chemin.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b|autoescape\s+false|Markup", texte), chemin.name
        gabarits.environnement().get_template(chemin.relative_to(GABARITS).as_posix())  # no syntax error


def test_l_environnement_echappe_tout_et_refuse_une_variable_absente():
    from jinja2 import UndefinedError

    environnement = gabarits.environnement()
    assert environnement.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(UndefinedError):
        gabarits.rendre("evaluation/figure.html", legende="sans graphique")


# --- the evaluation pages: charts, tables, links ---------------------------------------------------

def _rendre_evaluation(public: Path, site: Path, nom: str) -> str:
    from famnum.site import evaluation  # noqa: F401  (registers the markers)
    from famnum.site.marqueurs import remplacer

    texte, inconnus = remplacer((RACINE / "content" / "evaluation" / f"{nom}.md").read_text(encoding="utf-8"),
                                {"site_dir": str(site), "docs_dir": str(RACINE / "content")})
    assert not inconnus
    return texte


def _reecrire(chemin: Path, colonnes: tuple[str, ...], garder=lambda ligne: True) -> None:
    """Every label of these columns replaced by the hostile text (as a compromised package would hold);
    `garder`: the rows kept (fewer charts to draw)."""
    with chemin.open(encoding="utf-8") as flux:
        lignes = [ligne for ligne in csv.DictReader(flux) if garder(ligne)]
    for ligne in lignes:
        ligne.update({c: HOSTILE for c in colonnes if c in ligne and ligne[c] not in ("", "Ensemble")})
    with chemin.open("w", encoding="utf-8", newline="") as flux:
        ecrivain = csv.DictWriter(flux, fieldnames=list(lignes[0]))
        ecrivain.writeheader()
        ecrivain.writerows(lignes)


@pytest.mark.filterwarnings("error::UserWarning")  # matplotlib's « Tight layout not applied »: labels cut off
def test_un_libelle_hostile_du_paquet_arrive_echappe_dans_les_graphiques_et_les_tableaux(tmp_path, monkeypatch):
    from annee_fictive import publier_annee_fictive

    public = tmp_path / "public"
    public.mkdir()
    publier_annee_fictive(public)
    _reecrire(public / "indicateurs.csv", ("modalite_libelle",), lambda ligne: ligne["indicateur"] == "situation")
    _reecrire(public / "stock.csv", ("type_libelle",))
    monkeypatch.setenv("FAMNUM_PUBLIC", str(public))
    page = _rendre_evaluation(public, tmp_path / "site", "equipement")
    blocs = re.findall(r"<figure.*?</figure>|<div class=\"famnum-defile\".*?</div>", page, re.S)
    hostiles = [b for b in blocs if "alert(1)" in b]
    assert len(hostiles) == 4 and sum("<svg" in b for b in hostiles) == 2, len(hostiles)  # situation, stock
    for bloc in blocs:
        assert_echappe(bloc, combien=1 if bloc in hostiles else 0)


@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("sorte", ["barres", "empilees"])
def test_un_libelle_long_reste_entier_dans_le_graphique(sorte):
    """A long label (a bar's, a stacked bar's, a legend entry's) is folded to fit: every text matplotlib
    draws lies inside the figure (labels, legend, the last figure of the axis), and its layout is applied
    (no « Tight layout not applied »)."""
    from matplotlib.text import Text

    from famnum.site import graphiques

    if sorte == "barres":
        figure = graphiques._dessiner_barres(graphiques.Barres(
            "Titre", (graphiques.replier(HOSTILE), "Court"), (12.0, 3.0), (" 12", " 3"), "familles"))
    else:
        figure = graphiques._dessiner_empilees(graphiques.Empilees(
            "Titre", (graphiques.replier(HOSTILE, 24), "Court"), ((20.0, 30.0, 50.0), (None, 40.0, 60.0)),
            (HOSTILE, "Moyennement", "Tout à fait"), graphiques.COULEURS_ECHELLE, "%", 100, "secret"))
    figure.draw_without_rendering()  # every text at its place, as savefig draws it
    rendu = figure._get_renderer()
    cadre = figure.bbox
    for texte in figure.findobj(Text):
        if texte.get_visible() and texte.get_text().strip():
            boite = texte.get_window_extent(rendu)
            assert (boite.x0 >= cadre.x0 - 1 and boite.x1 <= cadre.x1 + 1 and boite.y0 >= cadre.y0 - 1
                    and boite.y1 <= cadre.y1 + 1), f"{texte.get_text()!r} sort du graphique : {boite} hors de {cadre}"


# --- the family's access page (rgpd export) ------------------------------------------------------

def _hostile_partout(valeur):
    """Every text of a dossier's part replaced by the hostile text (numbers and booleans kept)."""
    if isinstance(valeur, dict):
        return {cle: _hostile_partout(v) for cle, v in valeur.items()}
    if isinstance(valeur, list):
        return [_hostile_partout(v) for v in valeur]
    return HOSTILE if isinstance(valeur, str) else valeur


def test_une_valeur_hostile_du_dossier_arrive_echappee_dans_la_page_d_acces():
    from fabrique import dossier

    from famnum import rgpd
    from famnum.referentiels import Referentiels
    from famnum.schemas import du_modele
    from famnum.workspace import Territoire

    d = dossier()
    d["fiche"] = _hostile_partout(d["fiche"])
    d["journal"][0]["par"] = HOSTILE
    regles = rgpd.charger_conservation(RACINE / "data" / "conservation.yaml")
    page = rgpd.page_acces(d, du_modele(), Referentiels.charger(Territoire(RACINE)), regles, [HOSTILE])
    textes = sum(isinstance(v, str) for v in _feuilles(d["fiche"]))
    assert textes >= 10
    assert_echappe(page, combien=textes)


def _feuilles(valeur):
    if isinstance(valeur, dict):
        for v in valeur.values():
            yield from _feuilles(v)
    elif isinstance(valeur, list):
        for v in valeur:
            yield from _feuilles(v)
    else:
        yield valeur


# --- the local form (famnum formulaire) -------------------------------------------------------------

JETON = "jeton-de-test-gabarits-0123456789"


class _Saisies(_Balises):
    """The values a page shows in its fields: input values and textarea contents."""

    def __init__(self):
        super().__init__()
        self.valeurs: list[str] = []
        self.champs: list[str] = []  # the name of each field a person types in
        self._zone = False

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        attributs = dict(attrs)
        tapable = (tag == "input" and attributs.get("type") in ("text", "tel", "email", "number", "search")) or tag == "textarea"
        if tapable:
            self.champs.append(attributs.get("name", ""))
        if tag == "input" and tapable:
            self.valeurs.append(attributs.get("value", ""))
        self._zone = tag == "textarea"

    def handle_data(self, data):
        super().handle_data(data)
        if self._zone:
            self.valeurs.append(data)
            self._zone = False


def _saisies(page: str) -> _Saisies:
    lecteur = _Saisies()
    lecteur.feed(page)
    lecteur.close()
    return lecteur


def _poster_partout(client, chemin: str) -> str:
    """Every field of the page given the hostile text, the form sent; the page shown back."""
    page = client.get(chemin).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    noms = set(re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"', page)) - {"csrf_token", "_action"}
    r = client.post(chemin, data={**{n: HOSTILE for n in noms}, "csrf_token": csrf, "_action": "enregistrer"})
    assert r.status_code == 422, r.status_code
    return page, r.get_data(as_text=True)


@pytest.fixture
def client(coffre):
    from famnum.collecte.web import creer_app

    app = creer_app(coffre, JETON)
    app.testing = True
    return app.test_client()


@pytest.mark.parametrize("page", ["nouveau", "suivi"])
def test_une_valeur_hostile_tapee_dans_chaque_champ_revient_echappee(client, coffre, page):
    """Text, number, phone, e-mail, date, long text, a list typed with commas, the function; the choices
    and the lists of a reference table get a value they do not offer: none comes back as markup, each
    field a person types in shows the value back as typed."""
    from fabrique import dossier

    d = dossier()
    coffre.enregistrer([d], "Nouvelle fiche")
    chemin = f"/{JETON}/nouveau" if page == "nouveau" else f"/{JETON}/dossier/{d['id']}/suivi"
    vide, renvoyee = _poster_partout(client, chemin)
    assert_echappe(renvoyee)
    attendus, lus = _saisies(vide).champs, _saisies(renvoyee)
    assert len(attendus) >= (20 if page == "nouveau" else 2) and "par" in attendus
    assert lus.champs == attendus and lus.valeurs == [HOSTILE] * len(attendus)


def test_une_recherche_et_un_journal_hostiles_reviennent_echappes(client, coffre):
    from fabrique import dossier

    d = dossier()
    d["journal"][0]["par"] = HOSTILE
    d["journal"][0]["note"] = HOSTILE
    coffre.enregistrer([d], "Nouvelle fiche")
    page = client.get(f"/{JETON}/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    recherche = client.post(f"/{JETON}/", data={"recherche": HOSTILE, "csrf_token": csrf}).get_data(as_text=True)
    assert_echappe(recherche)  # in the sentence that says what was found
    assert _saisies(recherche).valeurs == [HOSTILE]  # and in the box, as typed
    assert_echappe(client.get(f"/{JETON}/dossier/{d['id']}").get_data(as_text=True), combien=2)  # function, note


# --- the private documents of the attribution (convention, commission dossier) ------------------------

def test_la_convention_montre_une_adresse_hostile_en_texte_et_ne_demande_rien_au_reseau(tmp_path):
    """An address line, a function or the footer may hold any text: the convention's PDF shows it as typed, and
    WeasyPrint requests nothing (an image named there used to be fetched from the network)."""
    import http.server
    import subprocess
    import threading

    from fabrique import dossier

    from famnum.attribution.commission import pdf_depuis_markdown
    from famnum.attribution.grille import charger_grille
    from famnum.attribution.livraison import Livraison, markdown_convention
    from famnum.attribution.stock import Appareil
    from famnum.workspace import Territoire

    demandes: list[str] = []

    class Espion(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            demandes.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    serveur = http.server.HTTPServer(("127.0.0.1", 0), Espion)
    threading.Thread(target=serveur.serve_forever, daemon=True).start()
    image = f'<img src="http://127.0.0.1:{serveur.server_port}/espion">'
    pied = f'{HOSTILES[1]} </style> \\ {HOSTILES[0]} & l\'ENT'
    d = dossier()
    d["fiche"]["adresse"] = {"ligne": f"{image} 1 rue {HOSTILES[0]}", "code_postal": "72000", "commune": "Le Mans"}
    d["journal"][-1]["par"] = HOSTILES[1]
    livraison = Livraison(d, Appareil("PRE-0001", "ordinateur_portable", "don", "", "S1", "en_service"),
                          {"type": "don", "debut": "2026-01-05"})
    try:
        texte = markdown_convention(livraison, charger_grille(Territoire(RACINE)), "", "Le Mans")
        assert "<img" not in texte and "<script" not in texte and '">' not in texte
        pdf_depuis_markdown(texte + f"\n{image}\n", tmp_path / "convention.pdf", "Convention de don", pied)
    finally:
        serveur.shutdown()
    assert demandes == []
    lu = subprocess.run(["pdftotext", "-layout", str(tmp_path / "convention.pdf"), "-"], capture_output=True, text=True)
    visible = " ".join(lu.stdout.split())
    assert HOSTILES[0] in visible and HOSTILES[1] in visible and "/espion" in visible
    assert f"{pied} — page 1 / " in visible  # the footer as typed: it neither closes the style nor its CSS string


# --- the site's pages: the sources at the end of a page, the link to its PDF ----------------------------

# the hostile values, with an ampersand and an Arabic text holding bidi marks and a Latin run
HOSTILES_SITE = (*HOSTILES, "Tom & Jerry", "\u202bتطبيق «FranceConnect+» & l’ENT\u202c \u2067A<B\u2069")


class _Liens(_Balises):
    """Each link of a page: its address and its words."""

    def __init__(self):
        super().__init__()
        self.liens: list[list[str]] = []
        self._dans = False

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "a":
            self.liens.append([dict(attrs)["href"], ""])
            self._dans = True

    def handle_endtag(self, tag):
        self._dans = self._dans and tag != "a"

    def handle_data(self, data):
        super().handle_data(data)
        if self._dans:
            self.liens[-1][1] += data


def _liens(page: str) -> list[tuple[str, str]]:
    lecteur = _Liens()
    lecteur.feed(page)
    lecteur.close()
    assert not {"script", "img"} & lecteur.balises and not lecteur.evenements, lecteur.balises
    return [tuple(lien) for lien in lecteur.liens]


@pytest.mark.parametrize("langue", ["fr", "ar"])
def test_un_titre_et_une_adresse_hostiles_des_sources_d_une_page_arrivent_echappes(langue):
    """A page's front matter names its sources: each title and address comes out as typed, never as markup."""
    import datetime as dt

    from famnum.site import generation, sources

    liens = tuple((h, f"https://exemple.fr/?q={h}") for h in HOSTILES_SITE)
    bloc = generation.bloc_sources(langue, sources.Verification(dt.date(2026, 12, 3), liens))
    assert _liens(bloc) == [(url, titre) for titre, url in liens]
    assert bloc.startswith('<aside class="famnum-sources">\n<p>') and bloc.endswith("</ul>\n</aside>\n")


def test_le_lien_vers_le_pdf_d_une_page_echappe_son_adresse_et_ses_mots():
    from famnum.site import generation

    page = generation._apres_le_titre("# Titre\n\nTexte.\n", gabarits.rendre("site/lien-pdf.html", href=HOSTILE,
                                                                                 libelle=HOSTILES_SITE[-1]))
    assert _liens(page) == [(HOSTILE, HOSTILES_SITE[-1])]


# --- the screen drawings of the tutorials (site/ecrans) -----------------------------------------------------

def _ecran_hostile():
    """A screen whose every text is hostile: title, description, address, tab, and an item of each kind."""
    from famnum.site.ecrans.description import Ecran, Element

    def libelle(h: str) -> dict[str, str]:
        return {"fr": h, "ar": HOSTILES_SITE[-1], "tr": h, "en": h}

    genres = ("texte", "champ", "bouton", "case", "lien", "bulle")
    lignes = tuple((Element(genre, libelle(h), etape=i + 2),) for i, (genre, h) in enumerate(zip(genres, HOSTILES_SITE)))
    lignes += ((Element("note", {langue: HOSTILE for langue in ("fr", "ar", "tr", "en")}),),)
    return Ecran("hostile", "a.md", 1, "navigateur", libelle(HOSTILE), libelle(HOSTILE), lignes,
                 adresse=HOSTILE, onglet="Tom & Jerry", reperes={"adresse": 1})


@pytest.mark.parametrize("langue", ["fr", "ar", "tr", "en"])
def test_un_libelle_hostile_arrive_echappe_dans_le_dessin_d_un_ecran(langue):
    """Every text of a screen description reaches the drawing as text: the SVG is well-formed XML (an « & »
    inside an Arabic label's Latin run no longer cuts an entity in two), holds no script, image or event
    handler, and shows each label as written."""
    import xml.etree.ElementTree as ET

    from famnum.site.ecrans.dessin import svg

    ecran = _ecran_hostile()
    racine = ET.fromstring(svg(ecran, langue))
    balises = {element.tag.rpartition("}")[2] for element in racine.iter()}
    assert balises <= {"svg", "title", "desc", "g", "text", "rect", "path", "circle"}, balises
    assert not [nom for element in racine.iter() for nom in element.attrib if nom.startswith("on")]
    ns = "{http://www.w3.org/2000/svg}"
    assert (racine.find(f"{ns}title").text, racine.find(f"{ns}desc").text) == (ecran.titre[langue],) * 2

    def sans_isolats(texte: str) -> str:
        return texte.replace("\u2066", "").replace("\u2069", "")

    lu = sans_isolats(" ".join("".join(t.itertext()) for t in racine.iter(f"{ns}text")))
    attendus = [*HOSTILES_SITE[:-1], "Tom & Jerry"] + [HOSTILES_SITE[-1]] * (langue == "ar")
    assert all(sans_isolats(h) in lu for h in attendus), lu


# --- famnum's step after the engine (site/finition) -------------------------------------------------------

def test_l_adresse_d_une_page_au_nom_hostile_arrive_echappee_dans_le_menu_des_langues_et_le_pied():
    """The language menu and the footer's accessibility link point at addresses made from the page's file
    name: a name holding quotes, « & » or markup stays inside its href."""
    from famnum.site import finition

    page = ('<html lang="ar"><body><a href="x.html" hreflang="fr">Français</a><a href="y.html" hreflang="en">'
            'English</a><footer><a href="famnum:accessibilite">Accessibilité</a></footer></body></html>')
    nom = 'a"><img src=x onerror=alert(2)> & l\'ENT <b>.html'
    fini = finition.finir_page(page, f"ar/tutoriels/{nom}", ("fr", "ar", "tr", "en"))
    assert _liens(fini) == [(f"../../tutoriels/{nom}", "Français"), (f"../../en/tutoriels/{nom}", "English"),
                            ("../accessibilite.html", "Accessibilité")]
    assert fini.startswith('<html lang="ar" dir="rtl">')


def test_un_titre_de_colonne_hostile_arrive_echappe_sur_chaque_cellule_des_cartes():
    """The engine writes a column's title escaped; tableaux.py reads it as text and writes it again on each cell
    (data-label): it stays text there too."""
    from html import escape

    from famnum.site import tableaux

    titres = HOSTILES_SITE[:3]
    entete = "".join(f"<th>{escape(t)}</th>" for t in titres)
    table = f"<table>\n<thead>\n<tr>{entete}</tr>\n</thead>\n<tbody>\n<tr><td>1</td><td>a</td><td>b</td></tr>\n</tbody>\n</table>"
    lecteur = _Balises()
    cellules = []
    lecteur.handle_starttag = lambda tag, attrs: (lecteur.balises.add(tag), cellules.append(dict(attrs))
                                                  if tag == "td" else None)
    lecteur.feed(tableaux.preparer(table))
    assert not {"script", "img"} & lecteur.balises
    assert [c.get("data-label") for c in cellules] == list(titres)
    assert cellules[0]["class"] == "famnum-a-remplir"


def test_les_liens_hostiles_d_une_page_restent_dans_leurs_attributs_dans_le_document_pdf(tmp_path):
    """The PDF's document rewrites every address of the pages it gathers: a fragment, an image or a link whose
    address holds quotes or markup (escaped by the engine, decoded to be rewritten) stays inside its attribute."""
    from html import escape

    from famnum.site import pdf

    hostile = escape(HOSTILES[1])  # '"><img src=x onerror=alert(2)>' as the engine writes it in an attribute
    (tmp_path / "page.html").write_text(
        f'<html><body><article><h1 id="t{hostile}">Titre</h1><p><a href="#t{hostile}">{escape(HOSTILE)}</a> '
        f'<img alt="" src="images/{hostile}.svg"> <a href="autre/{hostile}.html">{escape(HOSTILES_SITE[-1])}</a> '
        f'<a href="fiche{hostile}.pdf">PDF</a></p></article></body></html>', encoding="utf-8")
    document = pdf.document(tmp_path, [tmp_path / "page.html"], HOSTILE, cover=True)
    lecteur = _Liens()
    lecteur.feed(document)
    assert not lecteur.evenements and "script" not in lecteur.balises, lecteur.evenements
    base = tmp_path.resolve().as_uri()
    assert [href for href, _ in lecteur.liens] == ["#p0-top", f"#p0-t{HOSTILES[1]}", f"{base}/fiche{HOSTILES[1]}.pdf"]
    assert f"<span>{escape(HOSTILES_SITE[-1])}</span>" in document  # a link out of the document: its words


def test_un_texte_hostile_d_une_page_arabe_reste_du_texte_dans_ses_isolats():
    """bidi.py reads each text node of a right-to-left page decoded and writes it again with its Latin runs
    isolated: what was text stays text."""
    from html import escape

    from famnum.site import bidi

    page = f'<html dir="rtl"><body><p>{escape(HOSTILES_SITE[-1])} {escape(HOSTILE)} 06 12</p></body></html>'
    lecteur = _Balises()
    lecteur.feed(bidi.isoler(page))
    assert not {"script", "img"} & lecteur.balises and not lecteur.evenements and "bdi" in lecteur.balises
    assert "".join(lecteur.textes) == f"{HOSTILES_SITE[-1]} {HOSTILE} 06\u00a012"


# --- no module writes a tag by hand ---------------------------------------------------------------------

SCRIPTS = RACINE / "scripts" / "famnum"
BALISE = re.compile(r"<(html|head|body|div|p|a|span|bdi|aside|ul|ol|li|table|thead|tbody|tr|td|th|label|input|"
                    r"section|figure|svg|g|text|title|desc|rect|path|circle|br|img|style|link|script)(?:[\s>/]|$)")
# Where a tag may still stand in Python, and why.
PERMIS = {
    # Markdown, not HTML: a line break inside a table cell, a landscape block (values escaped for Markdown there)
    "attribution/commission.py": {'<div class="paysage" markdown="1">\n'},
    "attribution/livraison.py": {"<br><br><br> | ", "<br><br><br> |"},
    "attribution/site.py": {"<br>"},
    "site/marqueurs.py": {"<br>"},
}


def _chaines_de_balises(source: str) -> set[str]:
    """The strings of a module (f-strings' literal parts included) that hold a tag, leaving out docstrings
    and the patterns given to `re`."""
    import ast

    arbre = ast.parse(source)
    ignores = set()
    for noeud in ast.walk(arbre):
        if (isinstance(noeud, ast.Call) and isinstance(noeud.func, ast.Attribute)
                and getattr(noeud.func.value, "id", "") == "re" and noeud.args):
            ignores |= {id(n) for n in ast.walk(noeud.args[0])}
        corps = getattr(noeud, "body", None)
        if isinstance(corps, list) and corps and isinstance(corps[0], ast.Expr) and isinstance(corps[0].value, ast.Constant):
            ignores.add(id(corps[0].value))
    return {n.value for n in ast.walk(arbre) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in ignores and BALISE.search(n.value)}


def test_aucun_module_n_ecrit_de_balise_a_la_main():
    """HTML and SVG come from the templates: a tag written in a Python string is one the environment does not
    escape around. The few left are listed in PERMIS with their reason."""
    trouves = {}
    for module in sorted(SCRIPTS.rglob("*.py")):
        nom = module.relative_to(SCRIPTS).as_posix()
        chaines = _chaines_de_balises(module.read_text(encoding="utf-8")) - PERMIS.get(nom, set())
        if chaines:
            trouves[nom] = sorted(chaines)
    assert not trouves, trouves
    assert all(_chaines_de_balises((SCRIPTS / nom).read_text(encoding="utf-8")) >= permis
               for nom, permis in PERMIS.items()), "PERMIS nomme une chaîne qui n'y est plus : retirez-la"
