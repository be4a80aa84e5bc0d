"""Tables on a phone: cards labelled by their column titles, no empty header row, fill-in lines."""
from famnum.site import tableaux


def table(entete: list[str], lignes: list[list[str]]) -> str:
    th = "".join(f"<th>{t}</th>\n" for t in entete)
    tr = "".join("<tr>\n" + "".join(f"<td>{c}</td>\n" for c in ligne) + "</tr>\n" for ligne in lignes)
    return f"<p>Avant</p>\n<table>\n<thead>\n<tr>\n{th}</tr>\n</thead>\n<tbody>\n{tr}</tbody>\n</table>\n<p>Après</p>"


def test_un_tableau_de_trois_colonnes_porte_le_titre_de_chaque_case():
    rendu = tableaux.preparer(table(["Temps", "Ce que font <em>les parents</em>", "Q&amp;R \"x\""],
                                    [["5 min", "Émargent.", "Oui"], ["10 min", "Lisent", "Non"]]))
    assert "<table data-famnum-cartes>" in rendu
    assert rendu.count('data-label="Temps"') == 2
    assert 'data-label="Ce que font les parents"' in rendu  # the title's text, without its tags
    assert 'data-label="Q&amp;R &#34;x&#34;"' in rendu    # escaped once (by the template), never raw
    assert rendu.startswith("<p>Avant</p>") and rendu.endswith("<p>Après</p>")


def test_une_ligne_d_entete_vide_disparait():
    rendu = tableaux.preparer(table(["", ""], [["<strong>Public</strong>", "parents"]]))
    assert "<thead>" not in rendu and "<th" not in rendu
    assert "<td><strong>Public</strong></td>" in rendu and "data-famnum-cartes" not in rendu


def test_deux_colonnes_restent_un_tableau_et_les_pointilles_peuvent_passer_a_la_ligne():
    rendu = tableaux.preparer(table(["Nom", "À remplir"], [["Date de début", "………………………"], ["Mode", "don"]]))
    assert "data-famnum-cartes" not in rendu and "data-label" not in rendu
    assert '<td class="famnum-a-remplir">………………………</td>' in rendu
    assert "<td>don</td>" in rendu and "<td>Date de début</td>" in rendu


def test_une_page_sans_tableau_ne_change_pas():
    page = "<h1>Titre</h1>\n<p>Un texte avec <code>&lt;table&gt;</code>.</p>"
    assert tableaux.preparer(page) == page
