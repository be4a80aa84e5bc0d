"""A new territory as a PRE coordinator would fill it after `famnum init`: its own QPV, schools, stock,
budget, phases, commission, site name and contacts (every value invented, phones from ARCEP's fiction
ranges). Shared by the tests of a real territory's first weeks."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

QPV = "code,nom,note\nval-fleuri,Val Fleuri,\nles-tisserands,Les Tisserands,\nhors-qpv,Hors QPV,Familles suivies hors des quartiers prioritaires\n"
ETABLISSEMENTS = ("code,nom,type,niveau,qpv,prevision_2020,etat_recensement_2020\n"
                  "ee-jean-zay,École élémentaire Jean Zay,ecole_elementaire,primaire,val-fleuri,,\n"
                  "col-lucie-aubrac,Collège Lucie Aubrac,college,college,les-tisserands,,\n")
NB_APPAREILS = 6


def stock() -> str:
    lignes = ["inventaire,type,source,modele,numero_serie,etat,etat_depuis"]
    lignes += [f"VF-{i:04d},ordinateur_portable,achat,Portable 14 pouces,SN{i:06d},en_service," for i in range(1, NB_APPAREILS + 1)]
    return "\n".join(lignes) + "\n"


def remplir(racine: Path, budget: int = 3000) -> None:
    """Writes the territory's own data in place of init's placeholders, and commits it."""
    referentiels = racine / "data" / "referentiels"
    (referentiels / "qpv.csv").write_text(QPV, encoding="utf-8")
    (referentiels / "etablissements.csv").write_text(ETABLISSEMENTS, encoding="utf-8")
    (referentiels / "materiels.csv").write_text(stock(), encoding="utf-8")
    grille = racine / "data" / "attribution.yaml"
    texte = grille.read_text(encoding="utf-8")
    texte = texte.replace("À compléter : nom de la collectivité", "Communauté de communes du Val Fleuri")
    texte = re.sub(r"achats: 0\n  total: 0", f"achats: {budget}\n  total: {budget + 500}", texte)
    texte = texte.replace("achat: false", "achat: true").replace(
        "ordinateur_fixe:\n    libelle: Ordinateur fixe reconditionné\n    cout_achat: 350\n    achat: true",
        "ordinateur_fixe:\n    libelle: Ordinateur fixe reconditionné\n    cout_achat: 350\n    achat: false")
    texte = re.sub(r"phases:\n.*?(?=\n\S|\n#)", "phases:\n  - numero: 1\n    libelle: Phase 1 – janvier\n"
                   "    qpv: [val-fleuri, les-tisserands, hors-qpv]\n", texte, flags=re.S)
    texte = re.sub(r"membres:\n.*?(?=\n  secretariat)", "membres:\n    - Élue en charge de la réussite éducative\n"
                   "    - Direction de la cohésion sociale", texte, flags=re.S)
    grille.write_text(texte, encoding="utf-8")
    mkdocs = racine / "mkdocs.yml"
    texte = mkdocs.read_text(encoding="utf-8").replace("À compléter : nom du territoire", "Val Fleuri")
    texte = re.sub(r'"[^"\n]*à compléter[^"\n]*"', '"voir la mairie du Val Fleuri"', texte)
    mkdocs.write_text(texte, encoding="utf-8")
    for page in (racine / "content").rglob("*.md"):
        contenu = page.read_text(encoding="utf-8")
        if "Le Mans" in contenu:
            page.write_text(contenu.replace("Le Mans", "Val Fleuri"), encoding="utf-8")
    subprocess.run(["git", "add", "data", "mkdocs.yml", "content"], cwd=racine, check=True)
    subprocess.run(["git", "commit", "-q", "--no-verify", "-m", "Données du territoire"], cwd=racine, check=True)


class Repondeur:
    """Answers a terminal form by the text of each question (the first matching rule, else Entrée), the
    way a person reads the question; a question asked again and again fails the test with the last ones."""

    def __init__(self, regles: list[tuple[str, str]]):
        self.regles = [(re.compile(motif), reponse) for motif, reponse in regles]
        self.posees: list[str] = []

    def __call__(self, question: str) -> str:
        self.posees.append(question)
        if self.posees.count(question) > 3:
            raise AssertionError(f"question reposée sans fin : {question!r} ; les dernières : {self.posees[-8:]}")
        return next((reponse for motif, reponse in self.regles if motif.search(question)), "")


# The diagnostic interview of a family with one child of 11, no computer, a box, asking for a computer only.
ENTRETIEN = [
    (r"Ajouter « Enfant", "n"), (r"Ajouter « Représentant", "n"), (r"^\s*Prénom$", "Noémie"),
    (r"^\s*Nom$", "Quillembois"), (r"Lien", "1"), (r"Langues", "1"), (r"Renseigner « Adresse", "n"),
    (r"Nombre d'adultes", "1"), (r"Nombre d'enfants", "1"), (r"Âge de l'enfant", "11"),
    (r"Nombre d'ordinateurs", "0"), (r"Nombre d'imprimantes", "0"), (r"Nombre de tablettes", "0"),
    (r"Nombre de smartphones", "1"), (r"Permettent-ils", "n"), (r"^\s*Imprimante \[o/n\]", "n"),
    (r"^\s*Connexion internet \[o/n\]", "n"), (r"\[numéro\]", "1"), (r"\[o/n\]", "o"),
    (r"Date du consentement", "15/10/2026"), (r"Recueilli par", "référente PRE"),
]
