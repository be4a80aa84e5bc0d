"""The leak guard's reading of a text (fuites.py): each kind of value found where the plain regular
expressions find it, each distinct content indexed once, each file that holds it named."""
from __future__ import annotations

import re

from famnum import fuites
from famnum.fuites import Aiguilles, Textes

from fabrique import refuse

# The plain definitions, tried at every position: the quicker searches must find exactly what they find.
COURRIEL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TELEPHONE = re.compile(r"(?:\+|00)?\d(?:[\s.\-]?\d){8,13}")
DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{2})/(\d{2})/(\d{4})\b")
JETON = re.compile(r"[a-z0-9]+")

PIEGES = [
    "a@b.c.+x@y.z", "x a.b@c.d.e-f@g.h, @@ @x.y a@ b@c", "é.ç@ex.org noemie.quillembois@example.org.",
    "mél : +33 6 39 98 73 51, 06.39.98.73.52 ou 0033639987353 ; 1+33639987354 ; 06 39 98 73 5 5",
    "tél 06-39-98-73-56-06-39-98-73-57 0639987358\n0639987359", "+ 33 6 39 98 73 51 ++33639987351",
    "2024-01-015 12/12/2024-01-01 a2024-01-01 01/02/20241 2024-01-01 le 17/04/2013.",
    "٢٠٢٤-٠١-٠١ 2013-04-17T10:00 x17/04/2013 17/04/2013x 17/04/2013_ 1999-12-31-",
    "Zéphirine QUILLEMBOIS, Œdipe ² ½ ﬁn straße « Tilleuls » 12 rue", "",
]


def test_les_courriels_sont_ceux_de_l_expression_entiere():
    for texte in PIEGES:
        assert list(fuites.courriels(texte)) == COURRIEL.findall(texte), texte


def test_les_telephones_sont_ceux_de_l_expression_entiere():
    for texte in PIEGES:
        attendus = [n for n in map(fuites.telephone_normalise, TELEPHONE.findall(texte)) if n]
        assert list(fuites.telephones(texte)) == attendus, texte


def test_les_dates_sont_celles_de_l_expression_entiere():
    for texte in PIEGES:
        attendues = [f"{m[1]}-{m[2]}-{m[3]}" if m[1] else f"{m[6]}-{m[5]}-{m[4]}" for m in DATE.finditer(texte)]
        assert list(fuites.dates(texte)) == attendues, texte


def test_les_mots_sont_ceux_de_l_expression_entiere():
    from famnum.formats import en_ascii

    for texte in PIEGES:
        assert fuites.jetons(texte) == JETON.findall(en_ascii(texte)), texte


def test_un_contenu_repete_est_indexe_une_fois_et_chaque_fichier_qui_le_porte_est_nomme(monkeypatch):
    """A theme's script is the same in each language: one index, and a value found in it names every
    copy; a copy that differs (one language only) is indexed and named on its own."""
    indexations, vrai = [], Textes._indexer
    monkeypatch.setattr(Textes, "_indexer", lambda soi, numero, texte: indexations.append(texte) or vrai(soi, numero, texte))
    script = "function(e){return e}" * 200
    fichiers = [(f"{langue}assets/bundle.js", script) for langue in ("", "tr/", "en/")]
    fichiers += [("ar/assets/bundle.js", "/* Zéphirine Quillembois */" + script), ("en/search/index.json", "06 39 98 73 51"),
                 ("search/index.json", "06 39 98 73 51"), ("index.html", script)]
    aiguilles = Aiguilles()
    aiguilles.familles = [[("nom", "zephirine quillembois"), ("telephone", "+33639987351")]]
    trouvees = aiguilles.chercher_dans(Textes(fichiers))
    assert sorted(indexations) == sorted([script, "/* Zéphirine Quillembois */" + script, "06 39 98 73 51"])
    assert [(f.fichier, f.nature) for f in trouvees] == [
        ("ar/assets/bundle.js", "nom"), ("en/search/index.json", "telephone"), ("search/index.json", "telephone")]
    aiguilles.familles = [[("nom", "return e")]]  # in each copy of the script, and in the Arabic one
    assert [f.fichier for f in aiguilles.chercher_dans(Textes(fichiers))] == [nom for nom, texte in fichiers if script in texte]


def _publie(dossier, fichiers: dict[str, bytes]) -> None:
    for nom, contenu in fichiers.items():
        (dossier / nom).parent.mkdir(parents=True, exist_ok=True)
        (dossier / nom).write_bytes(contenu)


def test_tout_fichier_publie_est_lu_sauf_les_pdf_images_et_polices(tmp_path):
    """site/ and build/public/ are read whole: a style sheet, a source map, a file of a kind famnum does not
    know; a compressed copy without its page is read decompressed; PDFs, images and fonts are not read."""
    import gzip

    site = tmp_path / "site"
    _publie(site, {"index.html": b"<p>Accueil</p>", "index.html.gz": gzip.compress(b"<p>Accueil</p>", mtime=0),
                   "assets/extra.css": b"/* Zephirine */", "assets/bundle.js.map": b'{"sources": []}',
                   "manifeste.webmanifest": b'{"name": "PRE"}', "seul.txt.gz": gzip.compress(b"tout seul"),
                   "guide.pdf": b"%PDF-1.7", "logo.png": b"\x89PNG", "police.woff2": b"wOF2"})
    lus = dict(fuites.lire_publie(site))
    assert lus == {"site/index.html": "<p>Accueil</p>", "site/assets/extra.css": "/* Zephirine */",
                   "site/assets/bundle.js.map": '{"sources": []}', "site/manifeste.webmanifest": '{"name": "PRE"}',
                   "site/seul.txt.gz": "tout seul"}


def test_un_fichier_publie_illisible_ou_une_copie_compressee_qui_differe_est_refuse(tmp_path):
    """What the guard cannot read it cannot clear: a broken link, a pipe, a .gz or .br that is not the
    compressed copy of the page beside it (a stale cache entry holding an older page) or does not
    decompress; each refusal names the file."""
    import gzip
    import os

    import brotli

    page = b"<p>Accueil</p>"
    cas = [({"index.html": page}, "lien", "fuites.fichier_illisible", "site/casse.html"),
           ({"index.html": page}, "tube", "fuites.fichier_illisible", "site/tube.html"),
           ({"index.html": page, "index.html.gz": gzip.compress(b"<p>Zephirine Quillembois</p>")},
            None, "fuites.copie_differente", "site/index.html.gz"),
           ({"index.html": page, "index.html.br": brotli.compress(page + b" ")}, None, "fuites.copie_differente",
            "site/index.html.br"),
           ({"index.html": page, "index.html.gz": b"pas du gzip"}, None, "fuites.copie_illisible", "site/index.html.gz")]
    for numero, (fichiers, special, code, nomme) in enumerate(cas):
        site = tmp_path / str(numero) / "site"
        _publie(site, fichiers)
        if special == "lien":
            (site / "casse.html").symlink_to(tmp_path / "absente.html")
        elif special == "tube":
            os.mkfifo(site / "tube.html")
        with refuse(code) as refus:
            fuites.lire_publie(site)
        assert nomme in refus.value.message, refus.value
