"""The evaluation page's markers: rendered from the public package only, accessible charts."""
from __future__ import annotations

import re

from famnum.site import evaluation as page
from famnum.site.marqueurs import remplacer

from test_evaluation_indicateurs import demo_publiee, defs, ref, schema  # noqa: F401  (shared fixtures)

CONTENU = (page.Path(__file__).resolve().parents[1] / "content" / "evaluation" / "index.md").read_text(encoding="utf-8")


def test_sans_paquet_la_page_dit_qu_aucune_evaluation_n_est_publiee(tmp_path, monkeypatch):
    monkeypatch.setenv("FAMNUM_PUBLIC", str(tmp_path / "absent"))
    texte, inconnus = remplacer(CONTENU, {"site_dir": str(tmp_path / "site")})
    assert not inconnus
    assert "Aucune évaluation n'est encore publiée" in texte and "<svg" not in texte


def test_avec_le_paquet_graphiques_accessibles_tableaux_et_telechargement(demo_publiee, tmp_path, monkeypatch):  # noqa: F811
    _, _, dossier, _ = demo_publiee
    monkeypatch.setenv("FAMNUM_PUBLIC", str(dossier))
    texte, inconnus = remplacer(CONTENU, {"site_dir": str(tmp_path / "site")})
    assert not inconnus and "famnum:" not in texte
    svgs = re.findall(r"<svg.*?</svg>", texte, flags=re.S)
    assert len(svgs) >= 3
    for svg in svgs:
        ident = re.search(r'aria-labelledby="([^" ]+)-t ', svg).group(1)
        assert 'role="img"' in svg and f'<title id="{ident}-t">' in svg and f'<desc id="{ident}-d">' in svg
    # every chart has its table right after it
    assert texte.count("</figure>") == len(svgs)
    for apres in texte.split("</figure>")[1:]:
        assert apres.lstrip().startswith("|")
    assert "Licence Ouverte" in texte and 'href="donnees/indicateurs.csv"' in texte
    assert (tmp_path / "site" / "evaluation" / "donnees" / "datapackage.json").is_file()
    assert "Secret statistique" in texte and "familles recensées" in texte
