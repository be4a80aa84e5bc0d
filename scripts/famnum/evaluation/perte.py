"""Information loss: what the disclosure control costs the readers.

Two measures, printed by `famnum evaluer` and `make bench` and written in the package (the method
page prints them): the share of non-zero cells published (a cell of 0 is always published: it says
nothing), and the figures of the summary page that are published.
"""
from __future__ import annotations

from dataclasses import dataclass

from .calcul import ENSEMBLE, Resultat
from .secret import Controle, cle_case

# The summary page's figures (site/evaluation.py, evaluation-resume): indicator, modality; for an
# indicator asked at several times, the latest time answered.
FIGURES_RESUME = (("situation", "equipee"), ("situation", "en_attente"), ("parents_formes", "oui"),
                  ("ateliers_clas", "oui"), ("progression_autonomie", "progresse"), ("progression_autonomie", ENSEMBLE),
                  ("devoirs_en_ligne_*", "souvent_toujours"), ("devoirs_en_ligne_*", ENSEMBLE),
                  ("contact_ecole_*", "souvent_toujours"), ("contact_ecole_*", ENSEMBLE))
OBJECTIF_CASES = 0.75  # at least this share of non-zero cells published


@dataclass
class Perte:
    non_nulles: int            # cells counting at least one family or person
    publiees: int              # of which published
    resume: dict               # "indicator / modality" -> published (bool)

    @property
    def part_publiee(self) -> float:
        return self.publiees / self.non_nulles if self.non_nulles else 1.0

    def resume_publie(self) -> bool:
        return all(self.resume.values())

    def texte(self) -> str:
        caches = [f for f, publie in self.resume.items() if not publie]
        return (f"Perte d'information : {self.publiees} cases non nulles publiées sur {self.non_nulles} "
                f"({100 * self.part_publiee:.1f} %, objectif {100 * OBJECTIF_CASES:.0f} %) ; page de synthèse : "
                f"{len(self.resume) - len(caches)} chiffres publiés sur {len(self.resume)}"
                + (f" (secret : {', '.join(caches)})" if caches else "") + ".")

    def en_donnees(self) -> dict:
        return {"cases_non_nulles": self.non_nulles, "cases_non_nulles_publiees": self.publiees,
                "part_publiee": round(self.part_publiee, 4),
                "synthese": {"chiffres": len(self.resume), "publies": sum(self.resume.values())}}


def mesurer(resultat: Resultat, controle: Controle) -> Perte:
    non_nulles = publiees = 0
    for t in resultat.tableaux:
        for cle in t.cles():
            if t.comptes[cle]:
                non_nulles += 1
                publiees += cle_case(t, cle) not in controle.masques
    return Perte(non_nulles, publiees, _resume(resultat, controle))


def _resume(resultat: Resultat, controle: Controle) -> dict:
    publie = {}
    for indicateur, modalite in FIGURES_RESUME:
        t = _tableau_du_resume(resultat, indicateur)
        if t is not None:
            publie[f"{t.indicateur} / {modalite}"] = cle_case(t, (ENSEMBLE, modalite)) not in controle.masques
    return publie


def _tableau_du_resume(resultat: Resultat, indicateur: str):
    """The latest table of the indicator with families in it (of its latest time answered for a `_*` one)."""
    ordre = {p.code: i for i, p in enumerate(resultat.periodes)}
    candidats = [t for t in resultat.tableaux if _correspond(t.indicateur, indicateur) and t.comptes[(ENSEMBLE, ENSEMBLE)]]
    if not candidats:
        return None
    temps = {"t0": 0, "t3": 1, "t12": 2}
    return max(candidats, key=lambda t: (ordre[t.periode], temps.get(t.indicateur.rsplit("_", 1)[-1], 0)))


def _correspond(ident: str, motif: str) -> bool:
    if motif.endswith("_*"):
        base = motif[:-2]
        return ident.startswith(base + "_t") and ident[len(base) + 2:].isdigit()
    return ident == motif
