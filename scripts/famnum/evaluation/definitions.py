"""data/indicateurs.yaml: each indicator defined once, read here for the code and for the site."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..erreurs import FamnumError, a_faire
from ..formats import compte

PLANS = {"equipement": "Équipement", "utilisation": "Utilisation", "scolarite": "Scolarité"}
TEMPS = {"T0": "à la livraison", "T3": "trois mois après", "T12": "un an après"}
VENTILATIONS = ("qpv", "niveau")  # the full crossing; "ensemble": the whole territory only, no breakdown
CHOIX_VENTILATIONS = (*VENTILATIONS, "ensemble")
NATURES = ("trimestre", "annee_scolaire")
RYTHMES = {"trimestre": NATURES, "annee_scolaire": ("annee_scolaire",)}
# An indicator without `publication` (a file written before the key existed): the safest tables, the
# whole territory once a school year. Crossing every indicator by QPV and level every quarter makes
# hundreds of thin cells, and the protection's linear programs take minutes instead of a second.
PUBLICATION_PAR_DEFAUT = {"ventilations": ["ensemble"], "rythme": "annee_scolaire"}


@dataclass(frozen=True)
class Indicateur:
    id: str
    plan: str
    titre: str
    unite: str
    denominateur: dict
    numerateur: dict
    sources: tuple[str, ...]
    description: str = ""
    temps: str | None = None
    montants: dict = field(default_factory=dict)
    ventilations: tuple[str, ...] = ("ensemble",)   # the breakdowns its tables are published by
    natures: tuple[str, ...] = ("annee_scolaire",)  # the periods it is published for
    natures_par: tuple = ()                         # ((breakdown, periods), ...) where a breakdown has its own

    def publie(self, par: str, nature: str) -> bool:
        """Whether its table by `par` is published for a period of this nature."""
        return nature in dict(self.natures_par).get(par, self.natures)

    @property
    def repartition(self):
        return self.numerateur.get("repartition")


@dataclass(frozen=True)
class Definitions:
    seuil: int
    indicateurs: tuple[Indicateur, ...]
    chemin: str
    avertissements: tuple[str, ...] = ()  # French sentences for the person who publishes

    def __getitem__(self, identifiant: str) -> Indicateur:
        return next(i for i in self.indicateurs if i.id == identifiant)


def chemin_definitions(racine: Path | None) -> Path:
    """The territory's own file if it has one, else the model's (famnum's package data)."""
    from ..modele import racine as racine_modele

    if racine is not None and (racine / "data" / "indicateurs.yaml").is_file():
        return racine / "data" / "indicateurs.yaml"
    return racine_modele() / "data" / "indicateurs.yaml"


def charger(racine: Path | None = None, seuil: int | None = None) -> Definitions:
    from ruamel.yaml import YAML, YAMLError

    chemin = chemin_definitions(racine)
    try:
        brut = YAML(typ="safe").load(chemin.read_text(encoding="utf-8"))
    except (OSError, YAMLError) as e:
        raise FamnumError(f"{chemin.name} illisible ({e}).", code="indicateurs.illisible",
                          correction="corrigez le fichier.") from None
    secret = brut.get("secret") or {}
    minimum = max(5, int(secret.get("minimum", 5)))
    seuil = int(seuil if seuil is not None else secret.get("seuil", 11))
    if seuil < minimum:
        raise FamnumError(f"{chemin.name}, secret.seuil = {seuil} : le seuil du secret statistique ne descend jamais "
                          f"sous {minimum} familles.", code="indicateurs.seuil_trop_bas",
                          correction=f"mettez 11 (la règle de l'Insee) ou au moins {minimum}.")
    indicateurs = []
    for i, brut_ind in enumerate(brut.get("indicateurs") or []):
        indicateurs.extend(_indicateurs(brut_ind, f"{chemin.name}, indicateur n°{i + 1}"))
    ids = [i.id for i in indicateurs]
    doublons = sorted({i for i in ids if ids.count(i) > 1})
    if doublons:
        raise FamnumError(f"{chemin.name} : identifiants en double {', '.join(doublons)}.", code="indicateurs.doublons",
                          correction="renommez-les.")
    return Definitions(seuil, tuple(indicateurs), str(chemin), _sans_publication(brut, chemin))


def _sans_publication(brut: dict, chemin: Path) -> tuple[str, ...]:
    """The warning for indicators without `publication`: what famnum does instead, and what to type."""
    sans = [b.get("id", "?") for b in brut.get("indicateurs") or [] if "publication" not in b]
    if not sans:
        return ()
    return (f"data/{chemin.name} : {compte(len(sans), 'indicateur')} sans clé « publication » ({', '.join(sans[:6])}"
            f"{' …' if len(sans) > 6 else ''}) sont publiés pour tout le territoire, une fois par année scolaire (le plus "
            "sûr). " + a_faire("ajoutez à chacun une ligne « publication: {ventilations: [ensemble]} » pour le publier "
                               "chaque trimestre (ou recopiez les lignes « publication » du data/indicateurs.yaml de famnum)."),)


def _indicateurs(brut: dict, ou: str) -> list[Indicateur]:
    manquants = [c for c in ("id", "plan", "titre", "unite", "denominateur", "numerateur", "sources") if c not in brut]
    if manquants:
        raise FamnumError(f"{ou} : {'champ manquant' if len(manquants) < 2 else 'champs manquants'} {', '.join(manquants)}.",
                          code="indicateurs.champs_manquants", correction="complétez la définition.")
    if brut["plan"] not in PLANS:
        raise FamnumError(f"{ou} ({brut['id']}) : plan « {brut['plan']} » inconnu.", code="indicateurs.plan_inconnu",
                          correction=f"choisissez {', '.join(PLANS)}.")
    if "critere" not in brut["numerateur"] and "repartition" not in brut["numerateur"]:
        raise FamnumError(f"{ou} ({brut['id']}) : le numérateur doit avoir un « critere » ou une « repartition ».", code="indicateurs.numerateur_vide")
    commun = dict(plan=brut["plan"], unite=brut["unite"], denominateur=brut["denominateur"], numerateur=brut["numerateur"],
                  sources=tuple(brut["sources"]), description=brut.get("description", ""), montants=brut.get("montants") or {},
                  **_publication(brut, ou))
    if not brut.get("par_temps"):
        return [Indicateur(brut["id"], titre=brut["titre"], **commun)]
    return [Indicateur(f"{brut['id']}_{t.lower()}", titre=f"{brut['titre']} ({TEMPS[t]}, {t})", temps=t, **commun)
            for t in brut["par_temps"]]


def _publication(brut: dict, ou: str) -> dict:
    """publication: {ventilations: [qpv, niveau], rythme: trimestre | annee_scolaire}: the levers
    against thin tables (fewer crossings, one release a school year)."""
    publication = brut.get("publication") or PUBLICATION_PAR_DEFAUT
    ventilations = publication.get("ventilations", VENTILATIONS)
    rythme = publication.get("rythme", "trimestre")
    propres = {}
    if isinstance(ventilations, dict):  # {ensemble: trimestre, qpv: annee_scolaire}: a rhythm per breakdown
        propres = {par: RYTHMES.get(r) for par, r in ventilations.items()}
        if None in propres.values():
            raise FamnumError(f"{ou} ({brut['id']}), publication.ventilations = {dict(ventilations)} : rythme inconnu.", code="indicateurs.rythme_de_ventilation_inconnu",
                              correction=f"choisissez {' ou '.join(RYTHMES)} pour chaque ventilation.")
    ventilations = tuple(ventilations)
    if not ventilations or set(ventilations) - set(CHOIX_VENTILATIONS):
        raise FamnumError(f"{ou} ({brut['id']}), publication.ventilations = {list(ventilations)} : ventilation vide ou "
                          "inconnue.", code="indicateurs.ventilation_inconnue",
                          correction=f"choisissez une ou plusieurs de {', '.join(CHOIX_VENTILATIONS)}.")
    if rythme not in RYTHMES:
        raise FamnumError(f"{ou} ({brut['id']}), publication.rythme = {rythme} : inconnu.", code="indicateurs.rythme_inconnu",
                          correction=f"choisissez {' ou '.join(RYTHMES)}.")
    return {"ventilations": ventilations, "natures": RYTHMES[rythme], "natures_par": tuple(propres.items())}
