"""The evaluation pages, rendered at build time from the open-data package (build/public/).

Reads only the published package (never a dossier): controlled figures, hidden cells shown as
« s » (secret statistique). Each chart is an inline SVG drawn by matplotlib, with a <title>, a
text alternative (<desc>) and the same figures in a table beside it. Without a package, the page
says plainly that no evaluation is published yet.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, Mapping

from .marqueurs import marqueur

ECHELLE = ("jamais", "rarement", "parfois", "souvent", "toujours")
COULEURS_ECHELLE = ("#b2182b", "#ef8a62", "#bababa", "#67a9cf", "#2166ac")  # diverging, readable in grey too
PLANS = {"equipement": "Équipement", "utilisation": "Utilisation", "scolarite": "Scolarité"}
AUCUNE = ("Aucune évaluation n'est encore publiée pour ce territoire. Les premiers chiffres paraîtront à la fin du "
          "premier trimestre complet du programme, quand au moins 11 familles pourront être comptées dans chaque case.")


def dossier_public(config: Mapping[str, Any]) -> Path:
    if os.environ.get("FAMNUM_PUBLIC"):
        return Path(os.environ["FAMNUM_PUBLIC"])
    return Path(str(config.get("config_file_path") or "mkdocs.yml")).resolve().parent / "build" / "public"


@functools.lru_cache(maxsize=4)
def _charger(chemin: str, _version: float) -> dict | None:
    dossier = Path(chemin)
    lire = lambda nom: list(csv.DictReader(open(dossier / nom, encoding="utf-8")))  # noqa: E731
    return {"paquet": json.loads((dossier / "datapackage.json").read_text(encoding="utf-8")),
            "definitions": {d["id"]: d for d in lire("definitions.csv")},
            "periodes": lire("periodes.csv"), "indicateurs": lire("indicateurs.csv"), "seances": lire("seances.csv")}


def charger(config) -> dict | None:
    dossier = dossier_public(config)
    if not (dossier / "datapackage.json").is_file():
        return None
    return _charger(str(dossier), (dossier / "indicateurs.csv").stat().st_mtime)


def _derniere(donnees) -> dict:
    return donnees["periodes"][-1]


def _cases(donnees, indicateur, periode, ventilation="qpv", groupe="ensemble") -> dict[str, dict]:
    return {l["modalite"]: l for l in donnees["indicateurs"]
            if (l["indicateur"], l["periode"], l["ventilation"], l["groupe"]) == (indicateur, periode, ventilation, groupe)}


def _n(ligne) -> str:
    return "s" if not ligne or ligne["secret"] == "oui" else ligne["familles"]


def _pct(ligne) -> str:
    return "s" if not ligne or not ligne["part"] else f"{ligne['part'].replace('.', ',')} %"


def _cellule(texte: str) -> str:
    return str(texte).replace("|", "\\|")


# --- charts ----------------------------------------------------------------------------------

def _svg(figure, titre: str, alternative: str, ident: str) -> str:
    figure.savefig(flux := io.StringIO(), format="svg", metadata={"Date": None, "Creator": None})
    svg = flux.getvalue()
    svg = svg[svg.index("<svg"):]
    # fluid: the viewBox keeps the proportions, the width follows the page (no sideways scroll on a phone)
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', svg, count=1)
    svg = re.sub(r"<svg ", f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" style="max-width:42rem;height:auto" ', svg, count=1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: f'{m.group(1)}<title id="{ident}-t">{_xml(titre)}</title>'
                 f'<desc id="{ident}-d">{_xml(alternative)}</desc>', svg, count=1)
    return "\n".join(l for l in svg.splitlines() if l.strip())


def _xml(texte: str) -> str:
    return texte.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "famnum", "font.size": 11,
                                "font.family": "sans-serif"})
    import matplotlib.pyplot as plt

    return plt


def barres(titre: str, libelles: list[str], valeurs: list[float | None], ident: str, unite: str = "familles") -> str:
    """Horizontal bars; a hidden value is drawn as nothing and written « secret »."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(7, 0.55 * len(libelles) + 1.1))
    y = list(range(len(libelles)))[::-1]
    ax.barh(y, [v or 0 for v in valeurs], color="#2166ac")
    for yi, v in zip(y, valeurs):
        ax.text((v or 0), yi, f" {v:g}" if v is not None else " secret", va="center")
    ax.set_yticks(y, libelles)
    ax.set_xlabel(unite)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(titre, loc="left")
    fig.tight_layout()
    alternative = f"{titre} : " + " ; ".join(f"{l}, {('secret' if v is None else f'{v:g} {unite}')}" for l, v in zip(libelles, valeurs)) + "."
    svg = _svg(fig, titre, alternative, ident)
    plt.close(fig)
    return svg


def empilees(titre: str, lignes: list[tuple[str, list[float | None]]], ident: str) -> str:
    """One stacked bar per follow-up time, shares on the five-point scale (%)."""
    plt = _figure()
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(lignes) + 1.6))
    y = list(range(len(lignes)))[::-1]
    for yi, (_, parts) in zip(y, lignes):
        gauche = 0.0
        for k, (part, couleur) in enumerate(zip(parts, COULEURS_ECHELLE)):
            if part:
                ax.barh(yi, part, left=gauche, color=couleur)
                if part >= 8:
                    ax.text(gauche + part / 2, yi, f"{part:.0f}", ha="center", va="center",
                            color="white" if k in (0, 4) else "black")
                gauche += part
        if None in parts and gauche < 99.95:  # what the secret hides, together (derivable from the table anyway)
            ax.barh(yi, 100 - gauche, left=gauche, color="white", edgecolor="#555555", hatch="//")
    ax.set_yticks(y, [l for l, _ in lignes])
    ax.set_xlim(0, 100)
    ax.set_xlabel("% des familles ayant répondu")
    from matplotlib.patches import Patch

    poignees = [Patch(color=c, label=m) for m, c in zip(ECHELLE, COULEURS_ECHELLE)]
    poignees.append(Patch(facecolor="white", edgecolor="#555555", hatch="//", label="secret"))
    ax.legend(handles=poignees, ncols=6,
              loc="upper center", bbox_to_anchor=(0.5, -0.35), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(titre, loc="left")
    fig.tight_layout()
    alternative = titre + " : " + " ; ".join(
        f"{l} : " + ", ".join(f"{ECHELLE[k]} {'secret' if p is None else f'{p:.0f} %'}" for k, p in enumerate(parts))
        for l, parts in lignes) + "."
    svg = _svg(fig, titre, alternative, ident)
    plt.close(fig)
    return svg


def _figure_html(svg: str, legende: str) -> str:
    return f'<figure class="famnum-graphique" markdown="0">\n{svg}\n<figcaption>{_xml(legende)}</figcaption>\n</figure>\n'


# --- sections -----------------------------------------------------------------------------

def _tableau_situation(donnees, periode) -> str:
    lignes = ["| Quartier | Recensées | Équipées | En attente | Ajournées ou refusées | En cours |", "|---|---:|---:|---:|---:|---:|"]
    groupes = [(l["groupe"], l["groupe_libelle"]) for l in donnees["indicateurs"]
               if l["indicateur"] == "situation" and l["periode"] == periode and l["ventilation"] == "qpv"
               and l["modalite"] == "ensemble"]
    for code, nom in groupes:
        c = _cases(donnees, "situation", periode, "qpv", code)
        lignes.append(f"| {_cellule(nom)} | {_n(c.get('ensemble'))} | {_n(c.get('equipee'))} | {_n(c.get('en_attente'))} | "
                      f"{_n(c.get('ajournee_ou_refusee'))} | {_n(c.get('en_cours'))} |")
    return "\n".join(lignes) + "\n"


def _distribution(donnees, base: str, periode: str) -> list[tuple[str, list, dict]]:
    resultat = []
    for temps, libelle in (("t0", "À la livraison (T0)"), ("t3", "Trois mois après (T3)"), ("t12", "Un an après (T12)")):
        c = _cases(donnees, f"{base}_{temps}", periode)
        if not c or c.get("ensemble", {}).get("familles") in ("0", ""):
            continue
        parts = [float(c[m]["part"]) if c.get(m) and c[m]["part"] else None for m in ECHELLE]
        resultat.append((libelle, parts, c))
    return resultat


def _bloc_distribution(donnees, base: str, periode: str, ident: str) -> str:
    lignes = _distribution(donnees, base, periode)
    titre = donnees["definitions"][f"{base}_t0"]["titre"].split(" (")[0]
    if not lignes:
        return f"*{titre} : pas encore de réponses publiables.*\n"
    table = ["| Temps | Réponses | " + " | ".join(m.capitalize() for m in ECHELLE) + " |", "|---|---:|" + "---:|" * 5]
    for libelle, _, c in lignes:
        table.append(f"| {libelle} | {_n(c.get('ensemble'))} | " + " | ".join(_pct(c.get(m)) for m in ECHELLE) + " |")
    svg = empilees(titre, [(l, p) for l, p, _ in lignes], ident)
    return (f"### {titre}\n\n" + _figure_html(svg, f"{titre}, part des familles par réponse (%). Les mêmes chiffres "
                                                    "sont dans le tableau ci-dessous.")
            + "\n" + "\n".join(table) + "\n")


def _avec(config, rendu) -> str:
    donnees = charger(config)
    return AUCUNE + "\n" if donnees is None else rendu(donnees)


@marqueur("evaluation-resume")
def resume(config) -> str:
    def rendu(d):
        p = _derniere(d)
        s = _cases(d, "situation", p["code"])
        f, a = _cases(d, "parents_formes", p["code"]), _cases(d, "ateliers_clas", p["code"])
        prog = _cases(d, "progression_autonomie", p["code"])
        seances = {l["type"]: l for l in d["seances"] if l["periode"] == p["code"]}
        return "\n".join([
            f"**Au {_date(p['fin'])}**, depuis le début du programme :", "",
            f"- **{_n(s.get('ensemble'))}** familles recensées ; **{_n(s.get('equipee'))}** équipées ({_pct(s.get('equipee'))}) ;"
            f" **{_n(s.get('en_attente'))}** en attente de livraison.",
            f"- **{_n(f.get('oui'))}** familles dont un parent a suivi une formation ; **{_n(a.get('oui'))}** venues à un atelier CLAS"
            f" ({seances.get('ensemble', {}).get('seances', '0')} séances).",
            f"- Autonomie avec l'ordinateur, du premier au dernier suivi : progresse pour **{_n(prog.get('progresse'))}** familles,"
            f" stable pour **{_n(prog.get('stable'))}**, recule pour **{_n(prog.get('recule'))}**.",
            "", f"« s » : chiffre couvert par le secret statistique (moins de {d['paquet']['famnum']['seuil_secret']} familles,"
            " ou permettrait de le recalculer).", ""])
    return _avec(config, rendu)


def _date(iso: str) -> str:
    a, m, j = iso.split("-")
    return f"{j}/{m}/{a}"


@marqueur("evaluation-equipement")
def equipement(config) -> str:
    def rendu(d):
        p = _derniere(d)["code"]
        c = _cases(d, "situation", p)
        mods = [m for m in ("equipee", "en_attente", "ajournee_ou_refusee", "en_cours")]
        libelles = [c[m]["modalite_libelle"] for m in mods if m in c]
        valeurs = [None if c[m]["secret"] == "oui" else float(c[m]["familles"]) for m in mods if m in c]
        svg = barres("Situation des familles recensées", libelles, valeurs, "eval-situation")
        materiels = ["| Matériel ou aide | Familles équipées qui l'ont reçu |", "|---|---:|"]
        for ind in ("ordinateur_portable", "ordinateur_fixe", "imprimante", "aide_connexion"):
            materiels.append(f"| {d['definitions'][ind]['titre']} | {_n(_cases(d, ind, p).get('oui'))} |")
        return (_figure_html(svg, "Situation des familles recensées, ensemble du territoire. Le détail par quartier est "
                                  "dans le tableau ci-dessous.") + "\n" + _tableau_situation(d, p) + "\n" + "\n".join(materiels) + "\n")
    return _avec(config, rendu)


@marqueur("evaluation-utilisation")
def utilisation(config) -> str:
    return _avec(config, lambda d: _bloc_distribution(d, "autonomie", _derniere(d)["code"], "eval-autonomie") + "\n"
                 + _bloc_distribution(d, "demarches_seul", _derniere(d)["code"], "eval-demarches"))


@marqueur("evaluation-scolarite")
def scolarite(config) -> str:
    p = lambda d: _derniere(d)["code"]  # noqa: E731
    return _avec(config, lambda d: "\n".join(_bloc_distribution(d, b, p(d), f"eval-{b}")
                                             for b in ("devoirs_en_ligne", "contact_ecole", "connexion_ent")))


@marqueur("evaluation-definitions")
def definitions(config) -> str:
    def rendu(d):
        lignes = ["| Plan | Indicateur | Numérateur | Dénominateur | Sources |", "|---|---|---|---|---|"]
        for i in d["definitions"].values():
            lignes.append(f"| {PLANS.get(i['plan'], i['plan'])} | {_cellule(i['titre'])} | {_cellule(i['numerateur'])} | "
                          f"{_cellule(i['denominateur'])} | {_cellule(i['sources'])} |")
        return "\n".join(lignes) + "\n"
    return _avec(config, rendu)


@marqueur("evaluation-secret")
def regle_secret(config) -> str:
    return _avec(config, lambda d: d["paquet"]["famnum"]["regle_secret"] + "\n")


@marqueur("evaluation-telechargement")
def telechargement(config) -> str:
    def rendu(d):
        source = dossier_public(config)
        cible = Path(str(config.get("site_dir"))) / "evaluation" / "donnees"
        cible.mkdir(parents=True, exist_ok=True)  # the package travels with the page that links to it
        for ressource in ["datapackage.json", *(r["path"] for r in d["paquet"]["resources"])]:
            shutil.copy2(source / ressource, cible / ressource)
        liens = "".join(f'<li><a href="donnees/{r["path"]}">{_xml(r["title"])}</a> (CSV)</li>' for r in d["paquet"]["resources"])
        return (f'<ul>\n<li><a href="donnees/datapackage.json">Description du paquet (datapackage.json)</a></li>\n{liens}\n</ul>\n\n'
                f"Licence : {d['paquet']['licenses'][0]['title']}. Les fichiers se lisent avec un tableur "
                "(séparateur virgule, encodage UTF-8).\n")
    return _avec(config, rendu)
