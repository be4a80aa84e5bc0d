"""Where things live in a territory's repository (the table « Le dépôt d'un territoire » of ARCHITECTURE.md)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .erreurs import FamnumError

SUFFIXE_DOSSIER = ".json.age"
NOM_DESTINATAIRES = "destinataires.txt"
CLE_DE_DEMO = "identite-demo.txt"  # `famnum demo` keeps its fictitious key next to the demo territory


@dataclass(frozen=True)
class Territoire:
    racine: Path

    @classmethod
    def trouver(cls, depart: Path | None = None) -> Territoire:
        """The territory containing `depart` (default: FAMNUM_TERRITOIRE or the current folder)."""
        depart = Path(depart or os.environ.get("FAMNUM_TERRITOIRE") or Path.cwd()).resolve()
        for dossier in (depart, *depart.parents):
            if (dossier / "data" / "families" / NOM_DESTINATAIRES).is_file():
                return cls(dossier)
        raise FamnumError(
            f"Aucun territoire famnum trouvé dans {depart} ni au-dessus "
            f"(il faut un fichier data/families/{NOM_DESTINATAIRES}).", code="territoire.introuvable",
            correction="placez-vous dans le dépôt du territoire, ou créez-en un avec « famnum init »."
        )

    @property
    def data(self) -> Path:
        return self.racine / "data"

    @property
    def familles(self) -> Path:
        return self.data / "families"

    @property
    def destinataires(self) -> Path:
        return self.familles / NOM_DESTINATAIRES

    @property
    def schemas(self) -> Path:
        return self.data / "schemas"

    @property
    def schema_famille(self) -> Path:
        return self.schemas / "famille.schema.json"

    @property
    def referentiels(self) -> Path:
        return self.data / "referentiels"

    @property
    def datapackage(self) -> Path:
        return self.data / "datapackage.yaml"

    @property
    def cle_pseudonymes(self) -> Path:
        """The keyed-pseudonym secret, encrypted to the same holders as the dossiers."""
        return self.data / "cle-pseudonymes.age"

    @property
    def prive(self) -> Path:
        return self.racine / "build" / "private"

    @property
    def public(self) -> Path:
        return self.racine / "build" / "public"

    @property
    def cle_de_demo(self) -> Path | None:
        """The demo's fictitious key when this territory is the one `famnum demo` built, else None."""
        cle = self.racine.parent / CLE_DE_DEMO
        return cle if cle.is_file() else None

    def chemin_dossier(self, identifiant: str) -> Path:
        return self.familles / f"{identifiant}{SUFFIXE_DOSSIER}"

    def relatif(self, chemin: Path) -> str:
        try:
            return str(Path(chemin).resolve().relative_to(self.racine.resolve()))
        except ValueError:
            return str(chemin)
