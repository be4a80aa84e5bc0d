"""The evaluation pages, rendered at build time from the open-data package (build/public/).

Reads only public files: the published package (never a dossier) and, for their titles, the
workshop sheets of content/ateliers/. Controlled figures only: a hidden cell is written
« secret ». Each chart is an inline SVG drawn by matplotlib, with a <title>, a text alternative
(<desc>) and the same figures in a table right after it. Without a package, every page says
plainly that no evaluation is published yet.

Pages and markers (content/evaluation/): index.md the one-minute summary (evaluation-resume);
one page per plane (evaluation-equipement, -utilisation, -scolarite: every indicator of the
plane with its definition; -seances and -ateliers on the utilisation page); methode.md
(-definitions, -secret, -telechargement). evaluation-periode says which date the figures are at.
"""
from __future__ import annotations

import csv
import functools
import html
import io
import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..modele import racine as racine_modele
from .marqueurs import marqueur

ENSEMBLE = "ensemble"
# the five-point scale as the package publishes it, in three groups (evaluation/calcul.py)
ECHELLE = ("jamais_rarement", "parfois", "souvent_toujours")
LIBELLES_ECHELLE = {"jamais_rarement": "Jamais ou rarement", "parfois": "Parfois", "souvent_toujours": "Souvent ou toujours"}
COULEURS_ECHELLE = ("#b2182b", "#bababa", "#2166ac")  # diverging, readable in grey too
TEMPS = (("t0", "À la livraison (T0)"), ("t3", "Trois mois après (T3)"), ("t12", "Un an après (T12)"))
TEMPS_COURTS = {"À la livraison (T0)": "T0 (livraison)", "Trois mois après (T3)": "T3 (3 mois)",
                "Un an après (T12)": "T12 (1 an)"}
SUFFIXE_TEMPS = re.compile(r"_t(?:0|3|12)$")
PLANS = {"equipement": "Équipement", "utilisation": "Utilisation", "scolarite": "Scolarité"}
ETATS_STOCK = ("disponible", "en_preparation", "hors_service", "reforme")
COULEURS_STOCK = ("#2166ac", "#67a9cf", "#bababa", "#636363")
PAS_ENCORE = "Pas encore de chiffres publiés."
AUCUNE = ("Aucune évaluation n'est encore publiée pour ce territoire. Les premiers chiffres paraîtront à la fin du "
          "premier trimestre complet du programme, quand au moins 11 familles pourront être comptées dans chaque case.")


def dossier_public(config: Mapping[str, Any]) -> Path:
    if os.environ.get("FAMNUM_PUBLIC"):
        return Path(os.environ["FAMNUM_PUBLIC"])
    return Path(str(config.get("config_file_path") or "mkdocs.yml")).resolve().parent / "build" / "public"


@functools.lru_cache(maxsize=4)
def _charger(chemin: str, _version: float) -> dict | None:
    dossier = Path(chemin)

    def lire(nom: str) -> list[dict] | None:
        # stock.csv is absent from packages published before it existed
        return list(csv.DictReader(open(dossier / nom, encoding="utf-8"))) if (dossier / nom).is_file() else None

    return {"paquet": json.loads((dossier / "datapackage.json").read_text(encoding="utf-8")),
            "definitions": {d["id"]: d for d in lire("definitions.csv")},
            "periodes": lire("periodes.csv"), "indicateurs": lire("indicateurs.csv"), "seances": lire("seances.csv"),
            "evaluations": lire("evaluations_ateliers.csv") or [], "stock": lire("stock.csv")}


def charger(config) -> dict | None:
    """The published package, or None when there is none or it holds no finished period yet (a new
    territory's first publication): every page then says that no figures are published."""
    dossier = dossier_public(config)
    if not (dossier / "datapackage.json").is_file():
        return None
    donnees = _charger(str(dossier), (dossier / "datapackage.json").stat().st_mtime)
    return donnees if donnees["periodes"] else None


def donnees_fictives(config) -> bool:
    """Whether the published package says its figures are made up (famnum demo, the tests' year)."""
    donnees = charger(config)
    return bool(donnees and (donnees["paquet"].get("famnum") or {}).get("donnees_fictives"))


def _derniere(donnees, indicateur: str | None = None) -> dict:
    """The period that ends last (the tables are cumulative: it holds the most); of an indicator, the
    last one it is published for (a thin table is published once a school year)."""
    codes = None if indicateur is None else {l["periode"] for l in donnees["indicateurs"] if l["indicateur"] == indicateur}
    periodes = [p for p in donnees["periodes"] if codes is None or p["code"] in codes] or donnees["periodes"]
    return max(periodes, key=lambda p: p["fin"])


def _cases(donnees, indicateur, periode, ventilation=None, groupe=ENSEMBLE) -> dict[str, dict]:
    """The row of a group; ventilation None: the first breakdown the indicator is published by (the
    territory's row is the same in each)."""
    if ventilation is None:
        ventilation = next((l["ventilation"] for l in donnees["indicateurs"]
                            if (l["indicateur"], l["periode"]) == (indicateur, periode)), "qpv")
    return {l["modalite"]: l for l in donnees["indicateurs"]
            if (l["indicateur"], l["periode"], l["ventilation"], l["groupe"]) == (indicateur, periode, ventilation, groupe)}


def _cache(ligne, champ="familles") -> bool:
    return not ligne or ligne["secret"] == "oui" or ligne[champ] == ""


def _n(ligne, champ="familles") -> str:
    return "secret" if _cache(ligne, champ) else ligne[champ]


def _valeur(ligne, champ="familles") -> float | None:
    return None if _cache(ligne, champ) else float(ligne[champ])


def _pct(ligne) -> str:
    return "secret" if not ligne or not ligne["part"] else f"{ligne['part'].replace('.', ',')} %"


def _cellule(texte: str) -> str:
    return str(texte).replace("|", "\\|")


def _date(iso: str) -> str:
    a, m, j = iso.split("-")
    return f"{j}/{m}/{a}"


# --- charts ----------------------------------------------------------------------------------

# Text of a chart is at least 12 px on a 360 px phone: the 6-inch (432 pt) drawing is shown
# about 328 px wide there (× 0.76), so its text is drawn at 16 pt.
TAILLE_TEXTE = 16
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_METADONNEES = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _svg(figure, titre: str, alternative: str, ident: str) -> str:
    figure.savefig(flux := io.StringIO(), format="svg", metadata={"Date": None, "Creator": None})
    svg = flux.getvalue()
    svg = _ids_propres(_METADONNEES.sub("", svg[svg.index("<svg"):]), ident)
    # fluid: the viewBox keeps the proportions, the width follows the page (no sideways scroll on a phone)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" style="max-width:26rem;height:auto" ', svg, count=1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: f'{m.group(1)}<title id="{ident}-t">{_xml(titre)}</title>'
                 f'<desc id="{ident}-d">{_xml(alternative)}</desc>', svg, count=1)
    return "\n".join(l for l in svg.splitlines() if l.strip())


def _ids_propres(svg: str, ident: str) -> str:
    """Every id of a matplotlib drawing prefixed with the chart's own: the charts of one page would
    otherwise share `patch_1`, `axes_1` and their clip paths (an id is unique in an HTML page)."""
    svg = _ID.sub(lambda m: f'id="{ident}-{m.group(1)}"', svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{ident}-{m.group(2)}", svg)


def _xml(texte: str) -> str:
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "famnum", "font.size": TAILLE_TEXTE,
                                "font.family": "sans-serif"})
    import matplotlib.pyplot as plt

    return plt


def _replier(libelle: str, largeur: int = 20) -> str:
    """A long label or title on two or three lines, so it stays inside the chart."""
    import textwrap

    return "\n".join(textwrap.wrap(libelle, largeur)) or libelle


def _court(libelle: str) -> str:
    """« En attente de livraison (équipement accordé) » → « En attente de livraison »."""
    return libelle.split(" (")[0]


def _chiffre(v: float) -> str:
    return f"{v:g}".replace(".", ",")


def barres(titre: str, libelles: list[str], valeurs: list[float | None], ident: str, unite: str = "familles") -> str:
    """Horizontal bars; a hidden value is drawn as nothing and written « secret »."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6, 0.8 * len(libelles) + 1.6))
    y = list(range(len(libelles)))[::-1]
    ax.barh(y, [v or 0 for v in valeurs], color="#2166ac")
    for yi, v in zip(y, valeurs):
        ax.text((v or 0), yi, f" {_chiffre(v)}" if v is not None else " secret", va="center")
    ax.set_yticks(y, [_replier(l) for l in libelles])
    ax.set_xlabel(unite)
    ax.margins(x=0.12)  # room for the figure written after the longest bar
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_replier(titre, 30), loc="left")
    fig.tight_layout()
    alternative = f"{titre} : " + " ; ".join(f"{l}, {('secret' if v is None else f'{_chiffre(v)} {unite}')}"
                                             for l, v in zip(libelles, valeurs)) + "."
    svg = _svg(fig, titre, alternative, ident)
    plt.close(fig)
    return svg


def empilees(titre: str, lignes: list[tuple[str, list[float | None]]], ident: str, *, modalites=ECHELLE,
             couleurs=COULEURS_ECHELLE, unite: str = "% des familles ayant répondu", pourcent: bool = True) -> str:
    """One stacked bar per line: shares on the five-point scale (%), or counts by modality."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(6, 0.7 * len(lignes) + 2.6))
    y = list(range(len(lignes)))[::-1]
    largeur = 100 if pourcent else max([sum(v or 0 for v in p) for _, p in lignes] + [1])
    for yi, (_, parts) in zip(y, lignes):
        _empiler(ax, yi, parts, couleurs, pourcent, largeur)
    ax.set_yticks(y, [l for l, _ in lignes])
    ax.set_xlim(0, largeur)
    ax.set_xlabel(unite)
    from matplotlib.patches import Patch

    poignees = [Patch(color=c, label=m) for m, c in zip(modalites, couleurs)]
    if pourcent:
        poignees.append(Patch(facecolor="white", edgecolor="#555555", hatch="//", label="secret"))
    colonnes = 3 if len(poignees) > 4 else 2
    fig.legend(handles=poignees, ncols=colonnes, loc="lower center", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_replier(titre, 30), loc="left")
    # the legend's rows under the axis, never over its label
    rangs = -(-len(poignees) // colonnes)
    fig.tight_layout(rect=(0, (0.35 * rangs + 0.2) / fig.get_figheight(), 1, 1))
    mesure = (lambda p: f"{p:.0f} %") if pourcent else _chiffre
    alternative = titre + " : " + " ; ".join(
        f"{l} : " + ", ".join(f"{modalites[k]} {'secret' if p is None else mesure(p)}" for k, p in enumerate(parts))
        for l, parts in lignes) + "."
    svg = _svg(fig, titre, alternative, ident)
    plt.close(fig)
    return svg


def _empiler(ax, yi: float, parts: list[float | None], couleurs, pourcent: bool, largeur: float) -> None:
    gauche = 0.0
    seuil_texte = 0.08 * largeur  # a figure fits inside its piece of bar
    for part, couleur in zip(parts, couleurs):
        if part:
            ax.barh(yi, part, left=gauche, color=couleur)
            if part >= seuil_texte:
                sombre = couleur in ("#b2182b", "#2166ac", "#636363")
                ax.text(gauche + part / 2, yi, f"{part:.0f}", ha="center", va="center", color="white" if sombre else "black")
            gauche += part
    if pourcent and None in parts and gauche < 99.95:  # what the secret hides, together (derivable from the table anyway)
        ax.barh(yi, 100 - gauche, left=gauche, color="white", edgecolor="#555555", hatch="//")


def _figure_html(svg: str, legende: str) -> str:
    return f'<figure class="famnum-graphique" style="width:100%">\n{svg}\n<figcaption>{_xml(legende)}</figcaption>\n</figure>\n'


# --- one indicator ----------------------------------------------------------------------------

def _definition(i: dict, par_temps: bool = False) -> str:
    """The definition, written once in data/indicateurs.yaml, as the package publishes it."""
    compte = f"Question posée : {i['numerateur']}" if par_temps else f"Ce qui est compté : {i['numerateur']}"
    texte = f"*Définition.* {compte}. Parmi : {i['denominateur']}. Sources : {', '.join(i['sources'].split(','))}."
    if i.get("description"):
        texte += f" {i['description']}"
    return texte + "\n"


def _titre_sans_temps(titre: str) -> str:
    return titre.rsplit(" (", 1)[0]


def _distribution(donnees, base: str, periode: str) -> list[tuple[str, list, dict]]:
    resultat = []
    for temps, libelle in TEMPS:
        c = _cases(donnees, f"{base}_{temps}", periode)
        if not c or c.get(ENSEMBLE, {}).get("familles") == "0":
            continue  # nobody asked yet at this time
        parts = [None if _cache(c.get(m), "part") else float(c[m]["part"]) for m in ECHELLE]
        resultat.append((libelle, parts, c))
    return resultat


def _bloc_distribution(donnees, base: str, periode: str, niveau: str = "##") -> str:
    """A follow-up question asked at T0, T3 and T12: the five-point scale at each time."""
    definition = donnees["definitions"][f"{base}_t0"]
    titre = _titre_sans_temps(definition["titre"])
    entete = f"{niveau} {titre}\n\n" + _definition(definition, par_temps=True) + "\n"
    lignes = _distribution(donnees, base, periode)
    if not lignes:
        return entete + "Pas encore de réponses publiables.\n"
    table = ["| Réponse | " + " | ".join(TEMPS_COURTS[l] for l, _, _ in lignes) + " |", "|---|" + "---:|" * len(lignes)]
    for m in ECHELLE:
        table.append(f"| {LIBELLES_ECHELLE[m]} | " + " | ".join(_pct(c.get(m)) for _, _, c in lignes) + " |")
    table.append("| Familles qui ont répondu | " + " | ".join(_n(c.get(ENSEMBLE)) for _, _, c in lignes) + " |")
    svg = empilees(titre, [(TEMPS_COURTS[l], p) for l, p, _ in lignes], f"eval-{base}",
                   modalites=[LIBELLES_ECHELLE[m] for m in ECHELLE])
    return (entete + _figure_html(svg, f"{titre} : part des familles par réponse (%). Les mêmes chiffres sont dans le "
                                       "tableau ci-dessous.") + "\n" + _defilant(table, titre) + "\n")


def _bloc_modalites(donnees, ident: str, periode: str, niveau: str = "##") -> str:
    """An indicator with a few answers (oui / non, a situation, a mode): bars, then the table."""
    i = donnees["definitions"][ident]
    c = _cases(donnees, ident, periode)
    entete = f"{niveau} {i['titre']}\n\n" + _definition(i) + "\n"
    modalites = [m for m in c if m != ENSEMBLE]
    if not modalites:
        return entete + "Pas encore de chiffres publiables.\n"
    unite = i["unite"] or "familles"
    svg = barres(i["titre"], [c[m]["modalite_libelle"] for m in modalites], [_valeur(c[m]) for m in modalites],
                 f"eval-{ident}", unite)
    euros = any(c[m]["cout_familles_euros"] or c[m]["aide_pre_euros"] for m in c)
    table = [f"| Réponse | {unite.capitalize()} | Part |" + (" Coût pour les familles (€) | Aide du PRE (€) |" if euros else ""),
             "|---|---:|---:|" + ("---:|---:|" if euros else "")]
    for m in [*modalites, ENSEMBLE]:
        ligne = c.get(m)
        libelle = "Ensemble" if m == ENSEMBLE else _cellule(ligne["modalite_libelle"])
        cellules = [libelle, _n(ligne), "100 %" if m == ENSEMBLE and not _cache(ligne) else _pct(ligne)]
        if euros:
            cellules += [_euros(ligne, "cout_familles_euros"), _euros(ligne, "aide_pre_euros")]
        table.append("| " + " | ".join(cellules) + " |")
    legende = f"{i['titre']}, ensemble du territoire. Les mêmes chiffres sont dans le tableau ci-dessous."
    return (entete + _figure_html(svg, legende) + "\n" + _defilant(table, i["titre"]) + "\n\n"
            + _details_groupes(donnees, ident, periode, modalites))


def _defilant(table: list[str], titre: str) -> str:
    """A table of figures in a region that scrolls sideways on a phone, reachable with the keyboard
    (tabindex: axe's scrollable-region-focusable), named for screen readers. Numbers never break
    inside a cell (« secr/et »): the region scrolls instead."""
    import markdown

    nom = html.escape(f"Tableau : {titre}", quote=True)
    corps = markdown.markdown("\n".join(table), extensions=["tables"])
    return f'<div class="famnum-defile" role="region" tabindex="0" aria-label="{nom}">\n{corps}\n</div>\n'


def _euros(ligne, champ: str) -> str:
    if not ligne:
        return "secret"
    return "secret" if ligne["secret"] == "oui" or ligne[champ] == "" else f"{ligne[champ]} €"


def _details_groupes(donnees, ident: str, periode: str, modalites: list[str]) -> str:
    """The same indicator by QPV and by school level, folded (a <details> block)."""
    groupes = []
    for ventilation in ("qpv", "niveau"):
        groupes += dict.fromkeys((ventilation, l["groupe"], l["groupe_libelle"]) for l in donnees["indicateurs"]
                                 if (l["indicateur"], l["periode"], l["ventilation"]) == (ident, periode, ventilation)
                                 and l["groupe"] != ENSEMBLE)  # the package's order
    if not groupes:
        return ""
    c0 = _cases(donnees, ident, periode)
    lignes = ["| Quartier ou niveau | " + " | ".join(_cellule(_court(c0[m]["modalite_libelle"])) for m in modalites) + " | Ensemble |",
              "|---|" + "---:|" * (len(modalites) + 1)]
    for ventilation, code, nom in groupes:
        c = _cases(donnees, ident, periode, ventilation, code)
        lignes.append(f"| {_cellule(nom)} | " + " | ".join(_n(c.get(m)) for m in [*modalites, ENSEMBLE]) + " |")
    # Raw HTML, not pymdownx.details: Markdown would wrap the indented table region in a <p>.
    return (f'<details class="note">\n<summary>Par quartier et par niveau scolaire</summary>\n'
            f'{_defilant(lignes, "par quartier et par niveau scolaire")}</details>\n')


def _blocs_du_plan(donnees, plan: str) -> list[tuple[str, bool]]:
    """(indicator or question, asked at several times?) in the order of the definitions."""
    blocs: dict[str, bool] = {}
    for ident, i in donnees["definitions"].items():
        if i["plan"] == plan:
            base = SUFFIXE_TEMPS.sub("", ident)
            blocs[base] = blocs.get(base, False) or base != ident
    return list(blocs.items())


def _plan(donnees, plan: str, apres: Mapping[str, Any] | None = None) -> str:
    """Every indicator of a plane; `apres` adds a block right after one indicator's."""
    morceaux = []
    for base, par_temps in _blocs_du_plan(donnees, plan):
        periode = _derniere(donnees, f"{base}_t0" if par_temps else base)["code"]
        morceaux.append(_bloc_distribution(donnees, base, periode) if par_temps else _bloc_modalites(donnees, base, periode))
        if apres and base in apres:
            morceaux.append(apres[base](donnees))
    return "\n".join(morceaux)


_RENDUS: dict[tuple, str] = {}


def _avec(config, rendu, memoriser: bool = True, absent: str = AUCUNE) -> str:
    """The marker's Markdown, or the "nothing published" sentence (`absent`: the page's first marker
    explains, the next ones say it in a few words). Each language of the site renders the same French
    pages again: the charts are drawn once per package (same package, same Markdown)."""
    donnees = charger(config)
    if donnees is None:
        return absent + "\n"
    if not memoriser:
        return rendu(donnees)
    dossier = dossier_public(config)
    cle = (rendu.__code__, str(dossier.resolve()), (dossier / "datapackage.json").stat().st_mtime_ns,
           str(config.get("docs_dir")))
    if cle not in _RENDUS:
        _RENDUS[cle] = rendu(donnees)
    return _RENDUS[cle]


# --- the summary --------------------------------------------------------------------------------

def _part_entiere(ligne) -> str:
    return "secret" if _cache(ligne, "part") else f"{float(ligne['part']):.0f} %"


def _dernier_temps(donnees, base: str, periode: str) -> tuple[str, dict] | None:
    for temps, _ in reversed(TEMPS):
        c = _cases(donnees, f"{base}_{temps}", periode)
        if c and c.get(ENSEMBLE, {}).get("familles") not in ("0", None):
            return temps.upper(), c
    return None


def _phrase_frequence(donnees, base: str, texte: str) -> str:
    periode = _derniere(donnees, f"{base}_t0")
    trouve = _dernier_temps(donnees, base, periode["code"])
    if trouve is None:
        return ""
    temps, c = trouve
    return (f" {texte} souvent ou toujours ({temps}, {_n(c.get(ENSEMBLE))} familles suivies, {periode['libelle']}) : "
            f"**{_part_entiere(c.get('souvent_toujours'))}**.")


def _disponibles(donnees) -> str:
    ligne = next((l for l in donnees["stock"] or [] if (l["type"], l["etat"]) == (ENSEMBLE, "disponible")), None)
    return f" **{ligne['appareils']}** appareils sont prêts à être remis." if ligne else ""


@marqueur("evaluation-resume")
def resume(config) -> str:
    def rendu(d):
        p = _derniere(d)
        code = p["code"]
        s = _cases(d, "situation", _derniere(d, "situation")["code"])
        f, a = (_cases(d, ind, _derniere(d, ind)["code"]) for ind in ("parents_formes", "ateliers_clas"))
        prog = _cases(d, "progression_autonomie", _derniere(d, "progression_autonomie")["code"])
        seances = {l["type"]: l for l in d["seances"] if l["periode"] == code}
        return "\n".join([
            f"Chiffres au **{_date(p['fin'])}** ({p['libelle']}), depuis le début du programme.", "",
            f"- [Équipement](equipement.md) : **{_n(s.get('equipee'))}** familles ont reçu leur matériel. "
            f"**{_n(s.get('en_attente'))}** l'attendent encore.{_disponibles(d)}",
            f"- [Utilisation](utilisation.md) : **{_n(f.get('oui'))}** familles ont suivi une formation. "
            f"**{_n(a.get('oui'))}** sont venues à un atelier CLAS. "
            f"**{seances.get(ENSEMBLE, {}).get('seances', '0')}** séances ont eu lieu. "
            f"L'aisance avec l'ordinateur progresse pour **{_n(prog.get('progresse'))}** familles "
            f"sur {_n(prog.get(ENSEMBLE))}.",
            "- [Scolarité](scolarite.md) :" + _phrase_frequence(d, "devoirs_en_ligne", "Devoirs en ligne rendus")
            + _phrase_frequence(d, "contact_ecole", "Contact avec l'école par internet"),
            f"- [Méthode et données](methode.md) : « secret » remplace un chiffre caché pour qu'on ne reconnaisse "
            f"personne (moins de {d['paquet']['famnum']['seuil_secret']} familles, ou un chiffre qui permettrait de le "
            "retrouver).", ""])
    return _avec(config, rendu)


@marqueur("evaluation-periode")
def periode(config) -> str:
    def rendu(d):
        p = _derniere(d)
        return (f"Chiffres au **{_date(p['fin'])}** ({p['libelle']}), depuis le début du programme. Le mot « secret » "
                f"remplace un chiffre caché pour qu'on ne reconnaisse aucune famille "
                f"([la règle](methode.md#le-secret-statistique)).\n")
    return _avec(config, rendu)


# --- the planes -------------------------------------------------------------------------------

def _bloc_stock(donnees) -> str:
    """The waiting list (situation en_attente) and the stock the PRE holds, side by side."""
    code = _derniere(donnees, "situation")["code"]
    attente = _cases(donnees, "situation", code).get("en_attente")
    texte = (f"## Liste d'attente et stock\n\n**{_n(attente)}** familles attendent leur matériel (équipement accordé, "
             "pas encore livré).")
    if not donnees["stock"]:
        return texte + " L'état du stock n'est pas encore publié.\n"
    cases = {(l["type"], l["etat"]): l for l in donnees["stock"]}
    types = [t for t in dict.fromkeys(l["type"] for l in donnees["stock"]) if t != ENSEMBLE]
    etats = [e for e in ETATS_STOCK if (ENSEMBLE, e) in cases]
    noms_etats = [_court(cases[(ENSEMBLE, e)]["etat_libelle"]) for e in etats]
    lignes = [(cases[(t, ENSEMBLE)]["type_libelle"], [float(cases[(t, e)]["appareils"]) for e in etats]) for t in types]
    svg = empilees("Matériel détenu par le PRE", lignes, "eval-stock", modalites=noms_etats,
                   couleurs=COULEURS_STOCK[:len(etats)], unite="appareils", pourcent=False)
    table = ["| État | " + " | ".join(_cellule(cases[(t, ENSEMBLE)]["type_libelle"]) for t in [*types, ENSEMBLE]) + " |",
             "|---|" + "---:|" * (len(types) + 1)]
    for e, nom in zip([*etats, ENSEMBLE], [*noms_etats, "Ensemble"]):
        table.append(f"| {_cellule(nom)} | " + " | ".join(cases[(t, e)]["appareils"] for t in [*types, ENSEMBLE]) + " |")
    return (texte + " Le stock compte les appareils que le PRE garde : disponibles (prêts à être remis), en "
            "préparation (à remettre en état), hors service ou réformés (sortis du parc). Les appareils déjà remis aux "
            "familles n'y sont pas. C'est l'état du stock au jour de la publication.\n\n"
            + _figure_html(svg, "Matériel détenu par le PRE, par type et par état. Les mêmes chiffres sont dans le "
                                "tableau ci-dessous.") + "\n" + _defilant(table, "matériel détenu par le PRE") + "\n")


@marqueur("evaluation-equipement")
def equipement(config) -> str:
    return _avec(config, lambda d: _plan(d, "equipement", apres={"situation": _bloc_stock}), absent=PAS_ENCORE)


@marqueur("evaluation-utilisation")
def utilisation(config) -> str:
    return _avec(config, lambda d: _plan(d, "utilisation"), absent=PAS_ENCORE)


@marqueur("evaluation-scolarite")
def scolarite(config) -> str:
    return _avec(config, lambda d: _plan(d, "scolarite"), absent=PAS_ENCORE)


@marqueur("evaluation-seances")
def seances(config) -> str:
    def rendu(d):
        code = _derniere(d)["code"]
        lignes = [l for l in d["seances"] if l["periode"] == code and l["type"] != ENSEMBLE]
        if not lignes:
            return "Aucune séance publiée.\n"
        total = next((l for l in d["seances"] if (l["periode"], l["type"]) == (code, ENSEMBLE)), None)
        svg = barres("Séances tenues", [l["type_libelle"] for l in lignes], [float(l["seances"]) for l in lignes],
                     "eval-seances", "séances")
        table = ["| Type | Séances | Participations |", "|---|---:|---:|"]
        for l in [*lignes, *([total] if total else [])]:
            table.append(f"| {_cellule(l['type_libelle'])} | {l['seances']} | {_n(l, 'participants')} |")
        return (_figure_html(svg, "Séances tenues depuis le début du programme. Le tableau ci-dessous donne aussi "
                                  "les participations.") + "\n" + _defilant(table, "séances tenues") + "\n")
    return _avec(config, rendu, absent=PAS_ENCORE)


# --- the workshop evaluation forms ----------------------------------------------------------------

def titre_fiche(config, fiche: str) -> str | None:
    """The title of a workshop sheet (content/ateliers/<fiche>.md), None when the sheet is gone."""
    chemin = Path(str(config.get("docs_dir") or racine_modele() / "content")) / "ateliers" / f"{fiche}.md"
    if not chemin.is_file():
        return None
    texte = chemin.read_text(encoding="utf-8")
    trouve = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", texte, re.M) or re.search(r"^#\s+(.+?)\s*$", texte, re.M)
    return trouve.group(1) if trouve else fiche


def _fiches(donnees, periode: str) -> dict[str, dict[str, dict]]:
    """sheet (then « ensemble », every sheet together) → answer → row, for the sheets with answers."""
    fiches: dict[str, dict[str, dict]] = {}
    for l in donnees["evaluations"]:
        if l["periode"] == periode:
            fiches.setdefault(l["fiche"], {})[l["reponse"]] = l
    return {f: r for f, r in fiches.items() if r.get(ENSEMBLE, {}).get("reponses") != "0"}


def _nom_fiche(config, fiche: str) -> str:
    return "Toutes les fiches" if fiche == ENSEMBLE else titre_fiche(config, fiche) or fiche


def _bloc_fiches(config, fiches: dict[str, dict[str, dict]]) -> str:
    """Every sheet's answers, its questions together: one stacked bar each, the table, then the links
    to the sheets (a link inside the table's HTML region would not be checked by MkDocs)."""
    ordre = sorted((f for f in fiches if f != ENSEMBLE), key=lambda f: _nom_fiche(config, f))
    ordre += [ENSEMBLE] if ENSEMBLE in fiches else []
    lignes = [(_replier(_nom_fiche(config, f), 24), [None if _cache(fiches[f].get(m), "part") else float(fiches[f][m]["part"])
                                                     for m in ECHELLE]) for f in ordre]
    titre = "Réponses aux fiches d'évaluation des ateliers"
    svg = empilees(titre, lignes, "eval-fiches", modalites=[LIBELLES_ECHELLE[m] for m in ECHELLE], unite="% des réponses")
    table = ["| Fiche | " + " | ".join(LIBELLES_ECHELLE[m] for m in ECHELLE) + " | Réponses |", "|---|" + "---:|" * 4]
    for f in ordre:
        table.append(f"| {_cellule(_nom_fiche(config, f))} | " + " | ".join(_pct(fiches[f].get(m)) for m in ECHELLE)
                     + f" | {_n(fiches[f].get(ENSEMBLE), 'reponses')} |")
    liens = "".join(f"- [{_nom_fiche(config, f)}](../ateliers/{f}.md)\n" for f in ordre
                    if f != ENSEMBLE and titre_fiche(config, f))
    return (_figure_html(svg, "Part des réponses (%), toutes les questions de chaque fiche ensemble. Le tableau "
                              "ci-dessous donne les mêmes parts et le nombre de réponses.") + "\n" + _defilant(table, titre)
            + "\n" + ("Les fiches et leurs questions :\n\n" + liens if liens else ""))


@marqueur("evaluation-ateliers")
def ateliers(config) -> str:
    def rendu(d):
        annees = [p for p in d["periodes"] if p["code"] in {l["periode"] for l in d["evaluations"]}]
        fiches = _fiches(d, max(annees, key=lambda p: p["fin"])["code"]) if annees else {}
        if not fiches:
            return "Aucune fiche d'évaluation n'a encore de réponses publiables.\n"
        return ("Chaque personne répond à toutes les questions de la fiche : une réponse est une case cochée. Les "
                "questions sont sur la page de chaque fiche.\n\n" + _bloc_fiches(config, fiches))
    return _avec(config, rendu, absent=PAS_ENCORE)


# --- the method ---------------------------------------------------------------------------------

@marqueur("evaluation-definitions")
def definitions(config) -> str:
    def rendu(d):
        lignes = ["| Plan | Indicateur | Numérateur | Dénominateur | Sources |", "|---|---|---|---|---|"]
        for i in d["definitions"].values():
            lignes.append(f"| {PLANS.get(i['plan'], i['plan'])} | {_cellule(i['titre'])} | {_cellule(i['numerateur'])} | "
                          f"{_cellule(i['denominateur'])} | {_cellule(', '.join(i['sources'].split(',')))} |")
        return "\n".join(lignes) + "\n"
    return _avec(config, rendu)


@marqueur("evaluation-perte")
def perte_information(config) -> str:
    """What the secret costs, as measured on the published package (famnum.perte_information)."""
    def rendu(d):
        perte = (d["paquet"].get("famnum") or {}).get("perte_information")
        if not perte:
            return PAS_ENCORE + "\n"
        part = f"{100 * perte['part_publiee']:.1f}".replace(".", ",")
        synthese = perte["synthese"]
        return (f"Dans cette publication, **{perte['cases_non_nulles_publiees']}** cases non nulles sont publiées sur "
                f"{perte['cases_non_nulles']}, soit **{part} %** (une case à 0 est toujours publiée). Sur la page de "
                f"synthèse, **{synthese['publies']}** chiffres sont publiés sur {synthese['chiffres']}.\n")
    return _avec(config, rendu, absent=PAS_ENCORE)


@marqueur("evaluation-secret")
def regle_secret(config) -> str:
    return _avec(config, lambda d: _en_liste(d["paquet"]["famnum"]["regle_secret"]), absent=PAS_ENCORE)


def _en_liste(regle: str) -> str:
    """The package's one-paragraph rule, a sentence per bullet: easier to read on the page."""
    regle = regle.removeprefix("Secret statistique : ")
    phrases = re.split(r"(?<=\.) (?=[A-ZÀ-Ý])", regle[:1].upper() + regle[1:])
    return "\n".join(f"- {phrase}" for phrase in phrases) + "\n"


def _vers_donnees(config) -> str:
    """The way from methode.md, in the language being built, to the package copied once, under the
    French pages, to evaluation/donnees/ (mkdocs-static-i18n builds other languages under /<lang>/)."""
    from mkdocs.utils import get_relative_url

    theme = config.get("theme")
    langue = str((theme.get("language") if theme is not None else None) or "fr")
    page = "evaluation/methode/" if config.get("use_directory_urls", True) else "evaluation/methode.html"
    return get_relative_url("evaluation/donnees/x", ("" if langue == "fr" else f"{langue}/") + page)[:-1]


@marqueur("evaluation-telechargement")
def telechargement(config) -> str:
    def rendu(d):
        source = dossier_public(config)
        cible = Path(str(config.get("site_dir"))) / "evaluation" / "donnees"
        cible.mkdir(parents=True, exist_ok=True)  # the package travels with the page that links to it
        for ressource in ["datapackage.json", *(r["path"] for r in d["paquet"]["resources"])]:
            shutil.copy2(source / ressource, cible / ressource)
        base = _vers_donnees(config)
        liens = "".join(f'<li><a href="{base}{r["path"]}">{_xml(r["title"])}</a> (CSV)</li>\n' for r in d["paquet"]["resources"])
        return (f'<ul>\n<li><a href="{base}datapackage.json">Description du paquet (datapackage.json)</a></li>\n{liens}</ul>\n\n'
                f"Licence : {d['paquet']['licenses'][0]['title']}. Les fichiers se lisent avec un tableur "
                "(séparateur virgule, encodage UTF-8).\n")
    return _avec(config, rendu, memoriser=False, absent=PAS_ENCORE)  # copies the files into this build's site_dir
