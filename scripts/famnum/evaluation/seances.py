"""Workshop and training sessions: one plaintext YAML per session in data/seances/, never an id.

A session file holds what may be public: the sheet, the day, the place, the CLAS structure, the
animators' roles, how many people came (families recorded by id, and anonymous attendees) and the
counted answers of the anonymous evaluation forms. Who came, by id, goes only into the encrypted
dossiers (a `formation` or `atelier` event in each), written in the same commit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..erreurs import FamnumError
from ..schemas import du_modele

ECHELLE = tuple(du_modele().echelle())  # the columns of a workshop's evaluation form
TYPES_SEANCE = ("atelier", "formation")
_LIGNE_QUESTION = re.compile(rf"^\|\s*(?P<q>[^|]+?)\s*\|(\s*☐\s*\|){{{len(ECHELLE)}}}\s*$")


@dataclass(frozen=True)
class FicheAtelier:
    slug: str
    titre: str
    questions: tuple[str, ...]


def fiches_ateliers(racine: Path) -> dict[str, FicheAtelier]:
    """The workshop sheets of content/ateliers/ with the questions of their evaluation form."""
    fiches = {}
    for chemin in sorted((racine / "content" / "ateliers").glob("*.md")):
        if chemin.stem == "index" or "." in chemin.stem:  # translations are sheet.<lang>.md
            continue
        lignes = chemin.read_text(encoding="utf-8").splitlines()
        titre = next((l[2:].strip() for l in lignes if l.startswith("# ")), chemin.stem)
        debut = next((i for i, l in enumerate(lignes) if l.startswith("## Évaluation")), len(lignes))
        questions = tuple(m.group("q") for l in lignes[debut:] if (m := _LIGNE_QUESTION.match(l)))
        fiches[chemin.stem] = FicheAtelier(chemin.stem, titre, questions)
    return fiches


def trouver_fiche(racine: Path, slug: str) -> FicheAtelier:
    fiches = fiches_ateliers(racine)
    if slug not in fiches:
        proches = ", ".join(s for s in fiches if slug.split("-")[0] in s) or ", ".join(fiches)
        raise FamnumError(f"Fiche atelier inconnue « {slug} » (content/ateliers/{slug}.md n'existe pas).", code="seance_atelier.fiche_inconnue",
                          correction=f"choisissez parmi : {proches}.")
    return fiches[slug]


@dataclass
class Seance:
    type: str
    fiche: str
    jour: date
    lieu: str
    structure: str
    animateurs: list[str]
    familles_identifiees: int
    anonymes: int
    evaluation: list[dict] = field(default_factory=list)  # [{"question", "reponses": {jamais: n, ...}}]

    @property
    def participants(self) -> int:
        return self.familles_identifiees + self.anonymes

    def en_donnees(self) -> dict:
        return {"type": self.type, "fiche": self.fiche, "date": self.jour.isoformat(), "lieu": self.lieu,
                "structure": self.structure, "animateurs": list(self.animateurs),
                "participants": {"familles_identifiees": self.familles_identifiees, "anonymes": self.anonymes},
                "evaluation": self.evaluation}


def verifier_seance(seance: Seance, aujourd_hui: date | None = None) -> None:
    """Refuses a session that cannot be right, before anything is written."""
    aujourd_hui = aujourd_hui or date.today()
    if seance.type not in TYPES_SEANCE:
        raise FamnumError(f"Type de séance « {seance.type} » inconnu.", code="seance_atelier.type_inconnu",
                          correction="choisissez atelier ou formation.")
    if seance.jour > aujourd_hui:
        raise FamnumError(f"Date de la séance {seance.jour:%d/%m/%Y} dans le futur.", code="seance_atelier.date_future",
                          correction="enregistrez la séance après l'avoir tenue.")
    if seance.participants == 0:
        raise FamnumError("Personne n'est venu à cette séance ?", code="seance_atelier.sans_participant",
                          correction="donnez au moins une famille (--famille) ou un nombre de participants (--anonymes).")
    for champ, valeur in (("lieu", seance.lieu), ("structure", seance.structure)):
        if not valeur.strip():
            raise FamnumError(f"Le champ « {champ} » de la séance est vide.", code="seance_atelier.champ_vide",
                              correction=f"donnez-le avec --{champ}.")
    for role in seance.animateurs:
        if re.search(r"\d{6,}|@", role):
            raise FamnumError(f"Animateur « {role} » : indiquez une fonction (par exemple « animatrice CLAS »), jamais un contact.", code="seance_atelier.animateur_sans_fonction")
    for bloc in seance.evaluation:
        total = sum(bloc["reponses"].values())
        if total > seance.participants:
            raise FamnumError(f"Évaluation, question « {bloc['question']} » : {total} réponses pour {seance.participants} "
                              "participants.", code="seance_atelier.trop_de_reponses",
                              correction="recomptez les fiches d'évaluation.")


def chemin_libre(dossier: Path, jour: date, slug: str) -> Path:
    """data/seances/<date>-<slug>.yaml, or -2, -3… when the same sheet ran twice that day."""
    chemin, n = dossier / f"{jour.isoformat()}-{slug}.yaml", 2
    while chemin.exists():
        chemin, n = dossier / f"{jour.isoformat()}-{slug}-{n}.yaml", n + 1
    return chemin


def texte_yaml(seance: Seance) -> str:
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    flux = io.StringIO()
    flux.write("# Séance enregistrée par famnum : aucune donnée personnelle (les présences nominatives\n"
               "# sont dans les dossiers chiffrés). Réponses comptées sur les fiches d'évaluation anonymes.\n")
    yaml.dump(seance.en_donnees(), flux)
    return flux.getvalue()


def lire_seances(racine: Path) -> list[dict]:
    """Every recorded session (plain data), read once; a broken file is a French error naming it."""
    from ruamel.yaml import YAML, YAMLError

    yaml = YAML(typ="safe")
    seances = []
    for chemin in sorted((racine / "data" / "seances").glob("*.yaml")):
        try:
            donnees = yaml.load(chemin.read_text(encoding="utf-8"))
            donnees["date"] = date.fromisoformat(str(donnees["date"]))
            donnees["nom"] = chemin.stem
        except (YAMLError, KeyError, TypeError, ValueError) as e:
            raise FamnumError(f"data/seances/{chemin.name} illisible ({e}).", code="seance_atelier.illisible",
                              correction="corrigez le fichier ou recréez la séance.") from None
        seances.append(donnees)
    return seances


def enregistrer_seance(coffre, seance: Seance, identifiants: list[str], par: str) -> Path:
    """Writes the session file and one event in each attending family's dossier, in one commit.

    Everything is checked first (the session, every id, every updated dossier); nothing is
    written if anything is wrong.
    """
    from .. import depot
    from ..dossiers import compte, evenement

    verifier_seance(seance)
    depot.exiger_propre(coffre.territoire.racine)
    identifiants = sorted({i.strip().upper() for i in identifiants})
    chemin = chemin_libre(coffre.territoire.data / "seances", seance.jour, seance.fiche)
    details = {"seance": chemin.stem, "fiche": seance.fiche, "structure": seance.structure}
    dossiers = [coffre.lire(i) for i in identifiants]
    for dossier in dossiers:
        dossier["journal"].append(evenement(seance.type, par, seance.jour, details))
    message = f"Séance {seance.type} {seance.fiche}"  # no date: the commit-message guard refuses digit runs
    if dossiers:
        message += f" ({compte(len(dossiers), 'dossier')})"
    coffre.enregistrer_avec(dossiers, message, [(chemin, texte_yaml(seance).encode("utf-8"))])
    return chemin
