"""Errors and reports as values: the domain never prints nor exits, the CLI renders.

Shaped like frictionless's report: every problem names the file, the field (its French title),
the value when it is safe to show, what is wrong and how to fix it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


def a_faire(correction: str) -> str:
    """The one place « À faire : » is written: a fix, as every message of famnum gives it."""
    return f"À faire : {correction}"


class FamnumError(Exception):
    """A refusal the steward can act on, shaped like a frictionless error: `code` names its kind for
    programs and tests (dotted, stable, never translated: `stock.inventaire_inconnu`), `message` says
    in French what is wrong, `correction` what to type instead. Each code is raised in one place, so its
    correction is written once; the text reads message then « À faire : correction », and is never
    parsed back."""

    code_sortie = 1

    def __init__(self, message: str = "", *, code: str = "", correction: str = ""):
        self.message, self.code, self.correction = message, code, correction
        super().__init__(message)

    def __str__(self) -> str:
        return self.message + (f"\n{a_faire(self.correction)}" if self.correction else "")


@dataclass(frozen=True)
class Probleme:
    fichier: str
    message: str
    champ: str = ""
    valeur: str = ""
    correction: str = ""
    code: str = ""  # the kind of problem, stable for programs and tests (the French text may change)

    def texte(self) -> str:
        lieu = self.fichier + (f" — {self.champ}" if self.champ else "")
        lignes = [f"{lieu} : {self.message}"]
        if self.valeur:
            lignes.append(f"    valeur : {self.valeur}")
        if self.correction:
            lignes.append(f"    à faire : {self.correction}")
        return "\n".join(lignes)


@dataclass
class Rapport:
    problemes: list[Probleme] = field(default_factory=list)
    avertissements: list[Probleme] = field(default_factory=list)
    compteurs: dict[str, int] = field(default_factory=dict)

    @property
    def valide(self) -> bool:
        return not self.problemes

    def ajouter(self, *problemes: Probleme) -> None:
        self.problemes.extend(problemes)

    def avertir(self, *problemes: Probleme) -> None:
        self.avertissements.extend(problemes)

    def fusionner(self, autre: Rapport) -> None:
        self.problemes.extend(autre.problemes)
        self.avertissements.extend(autre.avertissements)
        for cle, n in autre.compteurs.items():
            self.compteurs[cle] = self.compteurs.get(cle, 0) + n

    def masquer(self, remplacer) -> Rapport:
        """The same report with `remplacer(text)` applied to every text: used to swap family ids for
        keyed pseudonyms when the report is printed where others read it (a CI log)."""
        def m(p: Probleme) -> Probleme:
            return Probleme(remplacer(p.fichier), remplacer(p.message), remplacer(p.champ), remplacer(p.valeur),
                            remplacer(p.correction), p.code)

        return Rapport([m(p) for p in self.problemes], [m(p) for p in self.avertissements], dict(self.compteurs))

    def en_dict(self) -> dict:
        return {
            "valide": self.valide,
            "compteurs": self.compteurs,
            "problemes": [asdict(p) for p in self.problemes],
            "avertissements": [asdict(p) for p in self.avertissements],
        }


class ErreurRapport(FamnumError):
    """A refusal that carries a whole report (every problem at once, each with its code and correction);
    `entete` says what was refused, `nature` is the refusal's code, `conseil` what to do about the whole
    (each problem carries its own correction)."""

    code_sortie = 2
    entete = ""
    nature = "rapport.refuse"
    conseil = ""

    def __init__(self, rapport: Rapport):
        self.rapport = rapport
        super().__init__((self.entete + "\n" if self.entete else "") + "\n".join(p.texte() for p in rapport.problemes),
                         code=self.nature, correction=self.conseil)
