"""The public reference tables (data/referentiels/*.csv): QPV, schools, stock."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .erreurs import FamnumError
from .workspace import Territoire


def lire_csv(chemin: Path) -> list[dict[str, str]]:
    try:
        with chemin.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except FileNotFoundError:
        raise FamnumError(f"Référentiel introuvable : {chemin}.", code="referentiels.introuvable",
                          correction="restaurez-le depuis git.") from None


@dataclass(frozen=True)
class Referentiels:
    qpv: dict[str, dict]
    etablissements: dict[str, dict]
    dossier: Path | None = None  # data/referentiels/, where the import finds autres_noms.csv

    @classmethod
    def charger(cls, territoire: Territoire) -> Referentiels:
        qpv = {r["code"]: r for r in lire_csv(territoire.referentiels / "qpv.csv")}
        etablissements = {r["code"]: r for r in lire_csv(territoire.referentiels / "etablissements.csv")}
        return cls(qpv=qpv, etablissements=etablissements, dossier=territoire.referentiels)

    def table(self, nom: str) -> dict[str, dict]:
        return getattr(self, nom)

    def plus_proche(self, nom: str, code: str) -> str | None:
        """The closest known code, to suggest a fix for a typo."""
        from rapidfuzz import process

        trouve = process.extractOne(code, list(self.table(nom)), score_cutoff=60)
        return trouve[0] if trouve else None
