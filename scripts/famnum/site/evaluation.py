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
import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..evaluation.calcul import ECHELLE_PUBLIEE
from ..formats import cellule
from ..gabarits import rendre
from ..modele import racine as racine_modele
from .graphiques import barres, empilees, figure_html
from .libelles import FRANCAIS, Libelles, N_, pour
from .marqueurs import marqueur

ENSEMBLE = "ensemble"
# the five-point scale as the package publishes it, in three groups (evaluation/calcul.py)
ECHELLE = tuple(ECHELLE_PUBLIEE)  # the three groups of the answer scale, as published
LIBELLES_ECHELLE = {"jamais_rarement": N_("Jamais ou rarement"), "parfois": N_("Parfois"),
                    "souvent_toujours": N_("Souvent ou toujours")}
TEMPS = (("t0", "À la livraison (T0)"), ("t3", "Trois mois après (T3)"), ("t12", "Un an après (T12)"))
TEMPS_COURTS = {"À la livraison (T0)": N_("T0 (livraison)"), "Trois mois après (T3)": N_("T3 (3 mois)"),
                "Un an après (T12)": N_("T12 (1 an)")}
SUFFIXE_TEMPS = re.compile(r"_t(?:0|3|12)$")
PLANS = {"equipement": N_("Équipement"), "utilisation": N_("Utilisation"), "scolarite": N_("Scolarité")}
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


def _n(ligne, champ="familles", t: Libelles = FRANCAIS) -> str:
    return t("secret") if _cache(ligne, champ) else ligne[champ]


def _valeur(ligne, champ="familles") -> float | None:
    return None if _cache(ligne, champ) else float(ligne[champ])


def _pct(ligne, t: Libelles = FRANCAIS) -> str:
    return t("secret") if not ligne or not ligne["part"] else t.pourcent(ligne["part"])


def _date(iso: str, t: Libelles = FRANCAIS) -> str:
    return t.date(iso)


def _court(libelle: str) -> str:
    """« En attente de livraison (équipement accordé) » → « En attente de livraison »."""
    return libelle.split(" (")[0]


# --- one indicator ----------------------------------------------------------------------------

def _definition(i: dict, t: Libelles, par_temps: bool = False) -> str:
    """The definition, written once in data/indicateurs.yaml, as the package publishes it."""
    gabarit = "Question posée : {numerateur}" if par_temps else "Ce qui est compté : {numerateur}"
    texte = t("*Définition.* {compte}. Parmi : {denominateur}. Sources : {sources}.",
              compte=t(gabarit, numerateur=t.brut(i["numerateur"])), denominateur=t.brut(i["denominateur"]),
              sources=", ".join(t.brut(s) for s in i["sources"].split(",")))
    if i.get("description"):
        texte += f" {t.brut(i['description'])}"
    return texte + "\n"


def _titre_sans_temps(titre: str) -> str:
    return titre.rsplit(" (", 1)[0]


def _titre(i: dict, t: Libelles) -> str:
    """An indicator's title in the page's language; a question asked at several times is translated
    once, its time (« à la livraison, T0 ») apart."""
    if not SUFFIXE_TEMPS.search(i["id"]) or " (" not in i["titre"]:
        return t.brut(i["titre"])
    base, temps = i["titre"].rsplit(" (", 1)
    return f"{t.brut(base)} ({t.brut(temps.removesuffix(')'))})"


def _distribution(donnees, base: str, periode: str, t: Libelles) -> list[tuple[str, list, dict]]:
    resultat = []
    for temps, libelle in TEMPS:
        c = _cases(donnees, f"{base}_{temps}", periode)
        if not c or c.get(ENSEMBLE, {}).get("familles") == "0":
            continue  # nobody asked yet at this time
        parts = [None if _cache(c.get(m), "part") else float(c[m]["part"]) for m in ECHELLE]
        resultat.append((t.brut(TEMPS_COURTS[libelle]), parts, c))
    return resultat


def _echelle(t: Libelles) -> list[str]:
    return [t.brut(LIBELLES_ECHELLE[m]) for m in ECHELLE]


def _bloc_distribution(donnees, base: str, periode: str, t: Libelles, niveau: str = "##") -> str:
    """A follow-up question asked at T0, T3 and T12: the five-point scale at each time."""
    definition = donnees["definitions"][f"{base}_t0"]
    titre = t.brut(_titre_sans_temps(definition["titre"]))
    entete = f"{niveau} {titre}\n\n" + _definition(definition, t, par_temps=True) + "\n"
    lignes = _distribution(donnees, base, periode, t)
    if not lignes:
        return entete + t("Pas encore de réponses publiables.") + "\n"
    entetes = [t("Réponse"), *(l for l, _, _ in lignes)]
    table = [[nom, *(_pct(c.get(m), t) for _, _, c in lignes)] for m, nom in zip(ECHELLE, _echelle(t))]
    table.append([t("Familles qui ont répondu"), *(_n(c.get(ENSEMBLE), t=t) for _, _, c in lignes)])
    graphique = empilees(titre, [(l, p) for l, p, _ in lignes], f"eval-{base}", modalites=_echelle(t),
                   unite=t("% des familles ayant répondu"), t=t)
    legende = t("{titre} : part des familles par réponse (%). Les mêmes chiffres sont dans le tableau ci-dessous.",
                titre=titre)
    return entete + figure_html(graphique, legende) + "\n" + _defilant(entetes, table, titre, t) + "\n"


def _bloc_modalites(donnees, ident: str, periode: str, t: Libelles, niveau: str = "##") -> str:
    """An indicator with a few answers (oui / non, a situation, a mode): bars, then the table."""
    i = donnees["definitions"][ident]
    titre = t.brut(i["titre"])
    c = _cases(donnees, ident, periode)
    entete = f"{niveau} {titre}\n\n" + _definition(i, t) + "\n"
    modalites = [m for m in c if m != ENSEMBLE]
    if not modalites:
        return entete + t("Pas encore de chiffres publiables.") + "\n"
    unite = t.brut(i["unite"] or "familles")
    libelles = [t.brut(c[m]["modalite_libelle"]) for m in modalites]
    graphique = barres(titre, libelles, [_valeur(c[m]) for m in modalites], f"eval-{ident}", unite, t)
    euros = any(c[m]["cout_familles_euros"] or c[m]["aide_pre_euros"] for m in c)
    entetes = [t("Réponse"), unite[:1].upper() + unite[1:], t("Part")]
    entetes += [t("Coût pour les familles (€)"), t("Aide du PRE (€)")] if euros else []
    table = []
    for m, libelle in zip([*modalites, ENSEMBLE], [*libelles, t("Ensemble")]):
        ligne = c.get(m)
        cellules = [libelle, _n(ligne, t=t),
                    t.pourcent(100) if m == ENSEMBLE and not _cache(ligne) else _pct(ligne, t)]
        if euros:
            cellules += [_montant(ligne, "cout_familles_euros", t), _montant(ligne, "aide_pre_euros", t)]
        table.append(cellules)
    legende = t("{titre}, ensemble du territoire. Les mêmes chiffres sont dans le tableau ci-dessous.", titre=titre)
    return (entete + figure_html(graphique, legende) + "\n" + _defilant(entetes, table, titre, t) + "\n\n"
            + _details_groupes(donnees, ident, periode, modalites, t))


def _defilant(entetes: list[str], lignes: list[list[str]], titre: str, t: Libelles = FRANCAIS) -> str:
    """A table of figures in a region that scrolls sideways on a phone, reachable with the keyboard
    (tabindex: axe's scrollable-region-focusable), named for screen readers. Numbers never break
    inside a cell (« secr/et »): the region scrolls instead."""
    return rendre("evaluation/tableau.html", nom=t("Tableau : {titre}", titre=titre), entetes=entetes, lignes=lignes)


def _montant(ligne, champ: str, t: Libelles = FRANCAIS) -> str:
    if not ligne or ligne["secret"] == "oui" or ligne[champ] == "":
        return t("secret")
    return t("{montant} €", montant=t.decimal(ligne[champ]))


def _details_groupes(donnees, ident: str, periode: str, modalites: list[str], t: Libelles = FRANCAIS) -> str:
    """The same indicator by QPV and by school level, folded (a <details> block)."""
    groupes = []
    for ventilation in ("qpv", "niveau"):
        groupes += dict.fromkeys((ventilation, l["groupe"], l["groupe_libelle"]) for l in donnees["indicateurs"]
                                 if (l["indicateur"], l["periode"], l["ventilation"]) == (ident, periode, ventilation)
                                 and l["groupe"] != ENSEMBLE)  # the package's order
    if not groupes:
        return ""
    c0 = _cases(donnees, ident, periode)
    entetes = [t("Quartier ou niveau"), *(_court(t.brut(c0[m]["modalite_libelle"])) for m in modalites), t("Ensemble")]
    lignes = []
    for ventilation, code, nom in groupes:
        c = _cases(donnees, ident, periode, ventilation, code)
        lignes.append([t.brut(nom), *(_n(c.get(m), t=t) for m in [*modalites, ENSEMBLE])])
    resume = t("Par quartier et par niveau scolaire")
    # Raw HTML, not pymdownx.details: Markdown would wrap the indented table region in a <p>.
    return rendre("evaluation/details.html", resume=resume, nom=t("Tableau : {titre}", titre=resume), entetes=entetes,
                  lignes=lignes)


def _blocs_du_plan(donnees, plan: str) -> list[tuple[str, bool]]:
    """(indicator or question, asked at several times?) in the order of the definitions."""
    blocs: dict[str, bool] = {}
    for ident, i in donnees["definitions"].items():
        if i["plan"] == plan:
            base = SUFFIXE_TEMPS.sub("", ident)
            blocs[base] = blocs.get(base, False) or base != ident
    return list(blocs.items())


def _plan(donnees, plan: str, t: Libelles, apres: Mapping[str, Any] | None = None) -> str:
    """Every indicator of a plane; `apres` adds a block right after one indicator's."""
    morceaux = []
    for base, par_temps in _blocs_du_plan(donnees, plan):
        periode = _derniere(donnees, f"{base}_t0" if par_temps else base)["code"]
        morceaux.append(_bloc_distribution(donnees, base, periode, t) if par_temps
                        else _bloc_modalites(donnees, base, periode, t))
        if apres and base in apres:
            morceaux.append(apres[base](donnees, t))
    return "\n".join(morceaux)


_RENDUS: dict[tuple, str] = {}


def _avec(config, rendu, memoriser: bool = True, absent: str = AUCUNE) -> str:
    """The marker's Markdown, `rendu(donnees, t)` in the page's language, or the "nothing published"
    sentence (`absent`: the page's first marker explains, the next ones say it in a few words). A
    page of the site may be rendered more than once in a build: the charts are drawn once per package
    and language (same package, same Markdown)."""
    t = pour(config)
    donnees = charger(config)
    if donnees is None:
        return t(absent) + "\n"
    if not memoriser:
        return rendu(donnees, t)
    dossier = dossier_public(config)
    cle = (rendu.__code__, str(dossier.resolve()), (dossier / "datapackage.json").stat().st_mtime_ns,
           str(config.get("docs_dir")), t.code)
    if cle not in _RENDUS:
        _RENDUS[cle] = rendu(donnees, t)
    return _RENDUS[cle]


# --- the summary --------------------------------------------------------------------------------

def _part_entiere(ligne, t: Libelles) -> str:
    return t("secret") if _cache(ligne, "part") else t.pourcent(ligne["part"], decimales=False)


def _dernier_temps(donnees, base: str, periode: str) -> tuple[str, dict] | None:
    for temps, _ in reversed(TEMPS):
        c = _cases(donnees, f"{base}_{temps}", periode)
        if c and c.get(ENSEMBLE, {}).get("familles") not in ("0", None):
            return temps.upper(), c
    return None


def _phrase_frequence(donnees, base: str, texte: str, t: Libelles) -> str:
    periode = _derniere(donnees, f"{base}_t0")
    trouve = _dernier_temps(donnees, base, periode["code"])
    if trouve is None:
        return ""
    temps, c = trouve
    return " " + t("{question} souvent ou toujours ({temps}, {familles} familles suivies, {periode}) : **{part}**.",
                   question=t(texte), temps=temps, familles=_n(c.get(ENSEMBLE), t=t), periode=_periode(periode, t),
                   part=_part_entiere(c.get("souvent_toujours"), t))


def _periode(periode: dict, t: Libelles) -> str:
    """A period's name in the page's language, from its code (« 2026-T1 », « 2025-2026 »): the
    package's own label (« 1er trimestre 2026 ») is French."""
    if periode.get("nature") == "trimestre":
        annee, rang = periode["code"].split("-T")
        if rang == "1":
            return t("1er trimestre {annee}", annee=annee)
        return t("{rang}e trimestre {annee}", rang=rang, annee=annee)
    if periode.get("nature") == "annee_scolaire":
        rentree, ete = periode["code"].split("-")
        return t("année scolaire {rentree}-{ete}", rentree=rentree, ete=ete)
    return t.brut(periode["libelle"])


def _disponibles(donnees, t: Libelles) -> str:
    ligne = next((l for l in donnees["stock"] or [] if (l["type"], l["etat"]) == (ENSEMBLE, "disponible")), None)
    return " " + t("**{appareils}** appareils sont prêts à être remis.", appareils=ligne["appareils"]) if ligne else ""


def _date_et_periode(donnees, t: Libelles) -> str:
    p = _derniere(donnees)
    return t("Chiffres au **{date}** ({periode}), depuis le début du programme.", date=_date(p["fin"], t),
             periode=_periode(p, t))


@marqueur("evaluation-resume")
def resume(config) -> str:
    def rendu(d, t):
        code = _derniere(d)["code"]
        s = _cases(d, "situation", _derniere(d, "situation")["code"])
        f, a = (_cases(d, ind, _derniere(d, ind)["code"]) for ind in ("parents_formes", "ateliers_clas"))
        prog = _cases(d, "progression_autonomie", _derniere(d, "progression_autonomie")["code"])
        seances = {l["type"]: l for l in d["seances"] if l["periode"] == code}
        return "\n".join([
            _date_et_periode(d, t), "",
            "- " + t("[Équipement](equipement.md) : **{equipees}** familles ont reçu leur matériel. **{attente}** "
                     "l'attendent encore.", equipees=_n(s.get("equipee"), t=t), attente=_n(s.get("en_attente"), t=t))
            + _disponibles(d, t),
            "- " + t("[Utilisation](utilisation.md) : **{formees}** familles ont suivi une formation. **{clas}** sont "
                     "venues à un atelier CLAS. **{seances}** séances ont eu lieu. L'aisance avec l'ordinateur "
                     "progresse pour **{progresse}** familles sur {suivies}.",
                     formees=_n(f.get("oui"), t=t), clas=_n(a.get("oui"), t=t),
                     seances=seances.get(ENSEMBLE, {}).get("seances", "0"),
                     progresse=_n(prog.get("progresse"), t=t), suivies=_n(prog.get(ENSEMBLE), t=t)),
            "- " + t("[Scolarité](scolarite.md) :") + _phrase_frequence(d, "devoirs_en_ligne", "Devoirs en ligne rendus", t)
            + _phrase_frequence(d, "contact_ecole", "Contact avec l'école par internet", t),
            "- " + t("[Méthode et données](methode.md) : « secret » remplace un chiffre caché pour qu'on ne reconnaisse "
                     "personne (moins de {seuil} familles, ou un chiffre qui permettrait de le retrouver).",
                     seuil=d["paquet"]["famnum"]["seuil_secret"]), ""])
    return _avec(config, rendu)


@marqueur("evaluation-periode")
def periode(config) -> str:
    def rendu(d, t):
        return (_date_et_periode(d, t) + " " + t("Le mot « secret » remplace un chiffre caché pour qu'on ne reconnaisse "
                                                 "aucune famille ([la règle](methode.md#le-secret-statistique)).") + "\n")
    return _avec(config, rendu)


# --- the planes -------------------------------------------------------------------------------

def _bloc_stock(donnees, t: Libelles) -> str:
    """The waiting list (situation en_attente) and the stock the PRE holds, side by side."""
    code = _derniere(donnees, "situation")["code"]
    attente = _cases(donnees, "situation", code).get("en_attente")
    texte = ("## " + t("Liste d'attente et stock") + "\n\n"
             + t("**{familles}** familles attendent leur matériel (équipement accordé, pas encore livré).",
                 familles=_n(attente, t=t)))
    if not donnees["stock"]:
        return texte + " " + t("L'état du stock n'est pas encore publié.") + "\n"
    cases = {(l["type"], l["etat"]): l for l in donnees["stock"]}
    types = [ty for ty in dict.fromkeys(l["type"] for l in donnees["stock"]) if ty != ENSEMBLE]
    etats = [e for e in ETATS_STOCK if (ENSEMBLE, e) in cases]
    noms_etats = [t.brut(_court(cases[(ENSEMBLE, e)]["etat_libelle"])) for e in etats]
    noms_types = [t.brut(cases[(ty, ENSEMBLE)]["type_libelle"]) for ty in [*types, ENSEMBLE]]
    lignes = [(nom, [float(cases[(ty, e)]["appareils"]) for e in etats]) for ty, nom in zip(types, noms_types)]
    titre = t("Matériel détenu par le PRE")
    graphique = empilees(titre, lignes, "eval-stock", modalites=noms_etats, couleurs=COULEURS_STOCK[:len(etats)],
                   unite=t("appareils"), pourcent=False, t=t)
    entetes = [t("État"), *noms_types]
    table = [[nom, *(cases[(ty, e)]["appareils"] for ty in [*types, ENSEMBLE])]
             for e, nom in zip([*etats, ENSEMBLE], [*noms_etats, t("Ensemble")])]
    return (texte + " " + t("Le stock compte les appareils que le PRE garde : disponibles (prêts à être remis), en "
                            "préparation (à remettre en état), hors service ou réformés (sortis du parc). Les appareils "
                            "déjà remis aux familles n'y sont pas. C'est l'état du stock au jour de la publication.")
            + "\n\n" + figure_html(graphique, t("Matériel détenu par le PRE, par type et par état. Les mêmes chiffres sont "
                                          "dans le tableau ci-dessous.")) + "\n" + _defilant(entetes, table, titre, t) + "\n")


@marqueur("evaluation-equipement")
def equipement(config) -> str:
    return _avec(config, lambda d, t: _plan(d, "equipement", t, apres={"situation": _bloc_stock}), absent=PAS_ENCORE)


@marqueur("evaluation-utilisation")
def utilisation(config) -> str:
    return _avec(config, lambda d, t: _plan(d, "utilisation", t), absent=PAS_ENCORE)


@marqueur("evaluation-scolarite")
def scolarite(config) -> str:
    return _avec(config, lambda d, t: _plan(d, "scolarite", t), absent=PAS_ENCORE)


@marqueur("evaluation-seances")
def seances(config) -> str:
    def rendu(d, t):
        code = _derniere(d)["code"]
        lignes = [l for l in d["seances"] if l["periode"] == code and l["type"] != ENSEMBLE]
        if not lignes:
            return t("Aucune séance publiée.") + "\n"
        total = next((l for l in d["seances"] if (l["periode"], l["type"]) == (code, ENSEMBLE)), None)
        titre = t("Séances tenues")
        graphique = barres(titre, [t.brut(l["type_libelle"]) for l in lignes], [float(l["seances"]) for l in lignes],
                     "eval-seances", t("séances"), t)
        entetes = [t("Type"), t("Séances"), t("Participations")]
        table = [[t.brut(l["type_libelle"]), l["seances"], _n(l, "participants", t)]
                 for l in [*lignes, *([total] if total else [])]]
        return (figure_html(graphique, t("Séances tenues depuis le début du programme. Le tableau ci-dessous donne aussi "
                                    "les participations.")) + "\n" + _defilant(entetes, table, titre, t) + "\n")
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


def _titre_traduit(config, fiche: str, code: str) -> str | None:
    """The title of a sheet's translation (content/ateliers/<fiche>.<code>.md, kept by its translators)."""
    chemin = Path(str(config.get("docs_dir") or racine_modele() / "content")) / "ateliers" / f"{fiche}.{code}.md"
    if code == "fr" or not chemin.is_file():
        return None
    trouve = re.search(r"^#\s+(.+?)\s*$", chemin.read_text(encoding="utf-8"), re.M)
    return trouve.group(1) if trouve else None


def _nom_fiche(config, fiche: str, t: Libelles = FRANCAIS) -> str:
    if fiche == ENSEMBLE:
        return t("Toutes les fiches")
    titre = titre_fiche(config, fiche)
    return (titre and _titre_traduit(config, fiche, t.code)) or titre or fiche


def _bloc_fiches(config, fiches: dict[str, dict[str, dict]], t: Libelles) -> str:
    """Every sheet's answers, its questions together: one stacked bar each, the table, then the links
    to the sheets (a link inside the table's HTML region would not be checked by MkDocs)."""
    ordre = sorted((f for f in fiches if f != ENSEMBLE), key=lambda f: _nom_fiche(config, f))
    ordre += [ENSEMBLE] if ENSEMBLE in fiches else []
    noms = {f: _nom_fiche(config, f, t) for f in ordre}
    lignes = [(noms[f], [None if _cache(fiches[f].get(m), "part") else float(fiches[f][m]["part"])
                                       for m in ECHELLE]) for f in ordre]
    titre = t("Réponses aux fiches d'évaluation des ateliers")
    graphique = empilees(titre, lignes, "eval-fiches", modalites=_echelle(t), unite=t("% des réponses"), t=t)
    entetes = [t("Fiche"), *_echelle(t), t("Réponses")]
    table = [[noms[f], *(_pct(fiches[f].get(m), t) for m in ECHELLE), _n(fiches[f].get(ENSEMBLE), "reponses", t)]
             for f in ordre]
    liens = "".join(f"- [{noms[f]}](../ateliers/{f}.md)\n" for f in ordre if f != ENSEMBLE and titre_fiche(config, f))
    legende = t("Part des réponses (%), toutes les questions de chaque fiche ensemble. Le tableau ci-dessous donne les "
                "mêmes parts et le nombre de réponses.")
    return (figure_html(graphique, legende) + "\n" + _defilant(entetes, table, titre, t)
            + "\n" + (t("Les fiches et leurs questions :") + "\n\n" + liens if liens else ""))


@marqueur("evaluation-ateliers")
def ateliers(config) -> str:
    def rendu(d, t):
        annees = [p for p in d["periodes"] if p["code"] in {l["periode"] for l in d["evaluations"]}]
        fiches = _fiches(d, max(annees, key=lambda p: p["fin"])["code"]) if annees else {}
        if not fiches:
            return t("Aucune fiche d'évaluation n'a encore de réponses publiables.") + "\n"
        return (t("Chaque personne répond à toutes les questions de la fiche : une réponse est une case cochée. Les "
                  "questions sont sur la page de chaque fiche.") + "\n\n" + _bloc_fiches(config, fiches, t))
    return _avec(config, rendu, absent=PAS_ENCORE)


# --- the method ---------------------------------------------------------------------------------

@marqueur("evaluation-definitions")
def definitions(config) -> str:
    def rendu(d, t):
        entetes = (t("Plan"), t("Indicateur"), t("Numérateur"), t("Dénominateur"), t("Sources"))
        lignes = ["| " + " | ".join(entetes) + " |", "|---|---|---|---|---|"]
        for i in d["definitions"].values():
            cellules = (t.brut(PLANS.get(i["plan"], i["plan"])), _titre(i, t), t.brut(i["numerateur"]),
                        t.brut(i["denominateur"]), ", ".join(t.brut(s) for s in i["sources"].split(",")))
            lignes.append("| " + " | ".join(cellule(c) for c in cellules) + " |")
        return "\n".join(lignes) + "\n"
    return _avec(config, rendu)


RYTHMES_PUBLIES = {("annee_scolaire", "trimestre"): N_("Chaque trimestre et chaque année scolaire"),
                   ("annee_scolaire",): N_("Une fois par année scolaire"), ("trimestre",): N_("Chaque trimestre")}
VENTILATIONS_PUBLIEES = {ENSEMBLE: N_("pour tout le territoire"), "qpv": N_("par quartier prioritaire (QPV)"),
                         "niveau": N_("par niveau scolaire")}


def _publications(d) -> dict[tuple, list[str]]:
    """(rhythm, breakdown) → the indicators published so, read from the package (a question asked at
    several times is one indicator), in the package's order (the definitions')."""
    natures = {p["code"]: p["nature"] for p in d["periodes"]}
    vues: dict[tuple[str, str], set[str]] = {}
    for l in d["indicateurs"]:
        vues.setdefault((SUFFIXE_TEMPS.sub("", l["indicateur"]), l["ventilation"]), set()).add(natures[l["periode"]])
    resultat: dict[tuple, list[str]] = {}
    for (base, ventilation), rythmes in vues.items():
        resultat.setdefault((tuple(sorted(rythmes)), ventilation), []).append(base)
    return resultat


@marqueur("evaluation-publication")
def publication(config) -> str:
    """What is published, how often and by what breakdown, as the package holds it."""
    def rendu(d, t):
        titres = {SUFFIXE_TEMPS.sub("", ident): t.brut(_titre_sans_temps(i["titre"])) if SUFFIXE_TEMPS.search(ident)
                  else t.brut(i["titre"]) for ident, i in d["definitions"].items()}
        lignes = ["- " + t("{rythme}, {ventilation} : {indicateurs}.", rythme=t(RYTHMES_PUBLIES[rythme]),
                           ventilation=t(VENTILATIONS_PUBLIEES[ventilation]), indicateurs=", ".join(titres[b] for b in bases))
                  for (rythme, ventilation), bases in _publications(d).items()]
        if all(v == ENSEMBLE for _, v in _publications(d)):
            lignes.append("- " + t("Rien n'est publié par quartier prioritaire (QPV) ni par niveau scolaire."))
        return "\n".join(lignes) + "\n"
    return _avec(config, rendu, absent=PAS_ENCORE)


@marqueur("evaluation-perte")
def perte_information(config) -> str:
    """What the secret costs, as measured on the published package (famnum.perte_information)."""
    def rendu(d, t):
        perte = (d["paquet"].get("famnum") or {}).get("perte_information")
        if not perte:
            return t(PAS_ENCORE) + "\n"
        synthese = perte["synthese"]
        return t("Dans cette publication, **{publiees}** cases non nulles sont publiées sur {cases}, soit **{part}** "
                 "(une case à 0 est toujours publiée). Sur la page de synthèse, **{chiffres_publies}** chiffres sont "
                 "publiés sur {chiffres}.", publiees=perte["cases_non_nulles_publiees"], cases=perte["cases_non_nulles"],
                 part=t.pourcent(f"{100 * perte['part_publiee']:.1f}"), chiffres_publies=synthese["publies"],
                 chiffres=synthese["chiffres"]) + "\n"
    return _avec(config, rendu, absent=PAS_ENCORE)


@marqueur("evaluation-secret")
def regle_secret(config) -> str:
    return _avec(config, lambda d, t: _en_liste(d["paquet"]["famnum"]["regle_secret"], t), absent=PAS_ENCORE)


def _en_liste(regle: str, t: Libelles = FRANCAIS) -> str:
    """The package's one-paragraph rule (French), a sentence per bullet: easier to read on the page.
    Each sentence is translated on its own, so that a change to one leaves the others translated."""
    regle = regle.removeprefix("Secret statistique : ")
    phrases = re.split(r"(?<=\.) (?=[A-ZÀ-Ý])", regle[:1].upper() + regle[1:])
    return "\n".join(f"- {t.brut(phrase)}" for phrase in phrases) + "\n"


def _vers_donnees(config) -> str:
    """The way from methode.md, in the language being built, to the package copied once, under the
    French pages, to evaluation/donnees/ (the other languages are built under /<lang>/)."""
    from mkdocs.utils import get_relative_url

    theme = config.get("theme")
    langue = str((theme.get("language") if theme is not None else None) or "fr")
    page = "evaluation/methode/" if config.get("use_directory_urls", True) else "evaluation/methode.html"
    return get_relative_url("evaluation/donnees/x", ("" if langue == "fr" else f"{langue}/") + page)[:-1]


@marqueur("evaluation-telechargement")
def telechargement(config) -> str:
    def rendu(d, t):
        source = dossier_public(config)
        cible = Path(str(config.get("site_dir"))) / "evaluation" / "donnees"
        cible.mkdir(parents=True, exist_ok=True)  # the package travels with the page that links to it
        for ressource in ["datapackage.json", *(r["path"] for r in d["paquet"]["resources"])]:
            shutil.copy2(source / ressource, cible / ressource)
        base = _vers_donnees(config)
        liens = [(f"{base}{r['path']}", t.brut(r["title"])) for r in d["paquet"]["resources"]]
        return (rendre("evaluation/telechargement.html", paquet=f"{base}datapackage.json", liens=liens,
                       description=t("Description du paquet (datapackage.json)")) + "\n"
                + t("Licence : {licence}. Les fichiers se lisent avec un tableur (séparateur virgule, encodage UTF-8).",
                    licence=t.brut(d["paquet"]["licenses"][0]["title"])) + "\n")
    return _avec(config, rendu, memoriser=False, absent=PAS_ENCORE)  # copies the files into this build's site_dir
