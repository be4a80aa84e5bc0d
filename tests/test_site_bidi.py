"""Left-to-right isolates on right-to-left pages (famnum.site.bidi): which text, and only text."""
from famnum.site import bidi

ISO = '<bdi dir="ltr">'


def page(body: str) -> str:
    return (f'<!doctype html><html lang="ar" dir="rtl"><head><title>Famnum 2026</title>'
            f'<script>var x = "a 1";</script></head><body dir="rtl">{body}</body></html>')


def test_un_numero_de_telephone_et_sa_parenthese_restent_ensemble():
    html = bidi.isoler(page("<td>الهاتف : 01 99 00 12 34 (fictif, à compléter)<br>متى</td>"))
    numero = "01\u00a099\u00a000\u00a012\u00a034"  # not split over two lines
    assert f"الهاتف : {ISO}{numero} (fictif, à compléter)</bdi><br>متى" in html


def test_mots_francais_nombres_adresses_et_codes():
    html = bidi.isoler(page("<p>اضغط «<strong>Se connecter</strong>» في caf.fr أو اكتب "
                            "parent@exemple.fr، ثم الرمز 123456 في المستوى 2.</p>"))
    for run in ("Se connecter", "caf.fr", "parent@exemple.fr", "123456", "2"):
        assert f"{ISO}{run}</bdi>" in html, run
    assert "»" not in html.split(ISO)[1].split("</bdi>")[0]  # the quotes stay outside


def test_le_texte_arabe_seul_ne_change_pas():
    source = page("<p>نتعلّم المهارات الرقمية مع العائلة.</p>")
    assert bidi.isoler(source) == source


def test_ni_balise_ni_attribut_ni_script_ni_svg_ni_code():
    body = ('<a href="tutoriels/index.html" title="Les tutoriels 2">الدروس</a>'
            '<svg><text x="1">Bouton 1</text></svg><pre><code>mkdocs build</code></pre>'
            '<div dir="ltr" lang="fr"><p>Cette page 12</p></div><bdi>Déjà 3</bdi>')
    source = page(body)
    assert bidi.isoler(source) == source


def test_les_entites_restent_echappees():
    html = bidi.isoler(page("<p>أ &amp; ب : x &lt; 3 &#39;</p>"))
    assert "&amp;" in html and "&lt;" in html and "<3" not in html
    assert f"{ISO}x</bdi> &lt; {ISO}3</bdi>" in html


def test_code_en_ligne_et_pourcentages():
    html = bidi.isoler(page("<p>النسبة 20 % و<code>famnum publier</code> و+33 6 39</p>"))
    assert f"{ISO}20 %</bdi>" in html
    assert f"<code>{ISO}famnum publier</bdi></code>" in html
    assert f"{ISO}+33\u00a06\u00a039</bdi>" in html


def test_les_isolats_ne_se_chevauchent_pas():
    spans = bidi.runs("(CAF) ثم Ameli (ameli.fr) و3230")
    assert [s for s in spans] == sorted(spans)
    texte = "(CAF) ثم Ameli (ameli.fr) و3230"
    assert [texte[a:b] for a, b in spans] == ["CAF", "Ameli (ameli.fr)", "3230"]
