"""`famnum demo`: a synthetic territory built end to end, deterministic, every output marked fictif.

319 families spread over the schools of the 2020 census in its proportions (318 with a school, one
whose school is not yet known, as in the seed's own gap), French names from Faker (fr_FR, seeded),
phone numbers only from ARCEP's ranges reserved for fiction (06 39 98 xx xx, 01 99 00 xx xx), e-mail
addresses on the reserved domain example.org. A fresh key is generated in the scratch folder: no
private key is ever committed.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from .depot import CLE_FICTIVE
from .dossiers import Coffre, evenement, nouvel_identifiant
from .formats import compte, en_ascii
from .referentiels import Referentiels
from .workspace import CLE_DE_DEMO, Territoire

GRAINE = 2020
DEBUT_RECENSEMENT = date(2025, 5, 5)  # the programme year of the demo: census in May, like the seed's 4–12 May
RENTREE = date(2025, 9, 1)
BANNIERE = "=" * 30 + " DONNÉES FICTIVES " + "=" * 30
PLAGES_FICTION = ("+3363998", "+3319900")
AGES_PAR_TYPE = {"ecole_maternelle": (3, 5), "ecole_elementaire": (6, 10), "groupe_scolaire": (3, 10),
                 "ecole": (3, 10), "college": (11, 14), "erea": (12, 15)}
CLASSES = {3: "PS", 4: "MS", 5: "GS", 6: "CP", 7: "CE1", 8: "CE2", 9: "CM1", 10: "CM2",
           11: "6e", 12: "5e", 13: "4e", 14: "3e", 15: "3e"}
ROLES = {"bellevue-carnac": "référente de parcours PRE Bellevue", "sablons-bords-huisne": "référent de parcours PRE Sablons",
         "ronceray-glonnieres-vauguyon": "référente de parcours PRE Ronceray", "epine": "référent de parcours PRE Epine",
         "chaoue-perrieres": "coordinatrice Cité éducative", "hors-qpv": "coordinateur local PRE"}
COMMUNES = {"bellevue-carnac": ("72000", "Le Mans"), "sablons-bords-huisne": ("72100", "Le Mans"),
            "ronceray-glonnieres-vauguyon": ("72100", "Le Mans"), "epine": ("72700", "Allonnes"),
            "chaoue-perrieres": ("72700", "Allonnes"), "hors-qpv": ("72190", "Coulaines")}


def repartition(referentiels: Referentiels, familles: int) -> list[str]:
    """The school of each family's first child, in the 2020 census's proportions ('' = not yet known)."""
    prevus = {c: int(e["prevision_2020"] or 0) for c, e in referentiels.etablissements.items()}
    total = sum(prevus.values())
    avec_ecole = round(familles * total / (total + 1))
    parts = {c: avec_ecole * n / total for c, n in prevus.items()}
    ecoles = {c: int(p) for c, p in parts.items()}
    for c in sorted(parts, key=lambda c: parts[c] - ecoles[c], reverse=True)[: avec_ecole - sum(ecoles.values())]:
        ecoles[c] += 1
    liste = [c for c, n in ecoles.items() for _ in range(n)]
    return liste + [""] * (familles - len(liste))


def telephones_publics(racine: Path) -> set[str]:
    """Numbers printed in the territory's public files (the office's contacts, themselves taken from
    the fiction ranges): a fictitious family must not share one, or the leak guard would see it."""
    from .fuites import telephones

    fichiers = [racine / "mkdocs.yml", *(racine / "content").rglob("*.md")]
    return {numero for f in fichiers if f.is_file() for numero in telephones(f.read_text(encoding="utf-8", errors="ignore"))}


class Generateur:
    def __init__(self, referentiels: Referentiels, graine: int = GRAINE, telephones_exclus: set[str] = frozenset()):
        from faker import Faker

        self.telephones_exclus = telephones_exclus
        self.ref = referentiels
        self.hasard = random.Random(graine)
        self.faker = Faker("fr_FR")
        self.faker.seed_instance(graine)
        self.par_qpv_niveau = defaultdict(list)
        for code, e in referentiels.etablissements.items():
            self.par_qpv_niveau[(e["qpv"], e["niveau"])].append(code)

    def _telephone(self) -> str:
        while True:
            numero = self.hasard.choice(PLAGES_FICTION) + f"{self.hasard.randrange(10000):04d}"
            if numero not in self.telephones_exclus:
                return numero

    def _naissance(self, age: int) -> str:
        return (RENTREE - timedelta(days=365 * age + self.hasard.randrange(365))).isoformat()

    def _enfant(self, nom: str, age: int, ecole: str | None) -> dict:
        enfant = {"prenom": self.faker.first_name(), "nom": nom, "date_naissance": self._naissance(age)}
        if ecole:
            enfant["etablissement"] = ecole
        if age >= 3:
            enfant["classe"] = CLASSES.get(age, "lycée")
        return enfant

    def _ecole_pour(self, qpv: str, age: int) -> str | None:
        if age < 3 or age > 14:
            return None
        niveau = "college" if age >= 11 else "primaire"
        candidates = self.par_qpv_niveau.get((qpv, niveau)) or []
        return self.hasard.choice(candidates) if candidates else None

    def fiche(self, ecole: str) -> dict:
        h = self.hasard
        etab = self.ref.etablissements.get(ecole)
        qpv_ecole = etab["qpv"] if etab else h.choice(["sablons-bords-huisne", "bellevue-carnac"])
        qpv = qpv_ecole if qpv_ecole != "hors-qpv" or h.random() < 0.7 else h.choice(list(ROLES)[:4])
        nom = self.faker.last_name()
        age_min, age_max = AGES_PAR_TYPE[etab["type"]] if etab else (6, 10)
        enfants = [self._enfant(nom, h.randint(age_min, age_max), ecole or None)]
        for _ in range(h.choices([0, 1, 2, 3], weights=[30, 40, 20, 10])[0]):
            age = h.randint(0, 16)
            enfants.append(self._enfant(nom, age, self._ecole_pour(qpv_ecole, age)))
        representants = [self._representant(nom, h.choice(["mere", "mere", "pere", "tutrice"]))]
        if h.random() < 0.55:
            representants.append(self._representant(nom, "pere" if representants[0]["lien"] != "pere" else "mere"))
        ordinateurs = h.choices([0, 1, 2], weights=[60, 35, 5])[0]
        code_postal, commune = COMMUNES[qpv]
        capacite = h.choices(["oui", "partiellement", "non"], weights=[25, 40, 35])[0]
        internet = h.choices(["box", "mobile", "aucun"], weights=[40, 35, 25])[0]
        ages = [int((RENTREE - date.fromisoformat(e["date_naissance"])).days // 365) for e in enfants]
        fiche = {
            "enfants": enfants,
            "representants_legaux": representants,
            "qpv": qpv,
            "adresse": {"ligne": self.faker.street_address(), "code_postal": code_postal, "commune": commune},
            "foyer": {"nb_adultes": len(representants) + h.choices([0, 1], weights=[85, 15])[0],
                      "nb_enfants": len(enfants), "ages_enfants": sorted(ages)},
            "besoin_declare": h.random() < 0.93,
            "equipements": {
                "ordinateurs": {"nombre": ordinateurs, **({"types": [h.choice(["fixe", "portable"])],
                                "fonctionnement": h.choice(["oui", "partiellement", "non"])} if ordinateurs else {})},
                "imprimantes": {"nombre": (n := h.choices([0, 1], weights=[70, 30])[0]),
                                **({"fonctionnement": h.choice(["oui", "non", "sans_encre"])} if n else {})},
                "tablettes": {"nombre": h.choices([0, 1, 2], weights=[55, 35, 10])[0]},
                "smartphones": {"nombre": h.choices([0, 1, 2, 3], weights=[5, 45, 40, 10])[0], "usage_scolaire": h.random() < 0.4},
                "internet": {"abonnement": internet, **({"probleme": "débit trop faible"} if internet == "box" and h.random() < 0.1 else {})},
            },
            "capacites": {
                "location": capacite, "location_aide": capacite != "oui" and h.random() < 0.6,
                "installation": h.choice(["oui", "non", "ne_sait_pas"]), "installation_aide": h.random() < 0.5,
                "utilisation": h.choices(["oui", "partiellement", "non"], weights=[20, 50, 30])[0],
                "formation": h.choices(["oui", "non", "ne_sait_pas"], weights=[70, 10, 20])[0],
            },
            "demande": {
                "ordinateur_fixe": min(ages) < 9 and h.random() < 0.8,
                "ordinateur_portable": max(ages) >= 9 and h.random() < 0.85,
                "imprimante": h.random() < 0.5,
                "connexion_internet": internet != "box" and h.random() < 0.6,
            },
        }
        if fiche["capacites"]["formation"] != "oui":
            fiche["capacites"]["formation_pourquoi"] = h.choice(["horaires de travail", "garde des enfants", "ne lit pas le français", "ne voit pas l'intérêt"])
        if h.random() < 0.3:
            fiche["foyer"]["bailleur_social"] = h.choice(["Le Mans Métropole Habitat", "Sarthe Habitat", "Podeliha"])
        return fiche

    def _representant(self, nom: str, lien: str) -> dict:
        prenom = self.faker.first_name_female() if lien in ("mere", "tutrice") else self.faker.first_name_male()
        r = {"prenom": prenom, "nom": nom, "lien": lien, "telephone": self._telephone(),
             "langues": self.hasard.choices([["fr"], ["fr", "ar"], ["ar", "fr"], ["tr", "fr"], ["fr", "en"], ["so"]],
                                            weights=[45, 20, 12, 10, 5, 3])[0]}
        if self.hasard.random() < 0.5:
            r["courriel"] = f"{_ascii(prenom)}.{_ascii(nom)}{self.hasard.randrange(100)}@example.org"
        return r

    def dossiers(self, familles: int) -> list[dict]:
        existants: set[str] = set()
        resultat = []
        for i, ecole in enumerate(repartition(self.ref, familles)):
            fiche = self.fiche(ecole)
            jour_recensement = DEBUT_RECENSEMENT + timedelta(days=i % 8)
            role = ROLES[fiche["qpv"]]
            journal = [evenement("recensement", role, jour_recensement,
                                 {"source": self.hasard.choice(["pre", "ecole", "college", "centre_social"])})]
            jour_diagnostic = jour_recensement + timedelta(days=7 + self.hasard.randrange(40))
            fiche["consentement"] = {"date": jour_diagnostic.isoformat(), "recueilli_par": role,
                                     "modalite": self.hasard.choice(["ecrit", "oral"])}
            journal.append(evenement("diagnostic", role, jour_diagnostic,
                                     {"lieu": self.hasard.choice(["domicile", "ecole", "structure", "telephone"])}))
            identifiant = nouvel_identifiant(existants, self.hasard)
            existants.add(identifiant)
            resultat.append({"id": identifiant, "version": 1, "fiche": fiche, "journal": journal})
        return resultat


def _ascii(texte: str) -> str:
    return "".join(c for c in en_ascii(texte) if c.isalnum())


def preparer_depot(dossier: Path) -> Path:
    if dossier.exists():
        shutil.rmtree(dossier)
    racine = dossier / "territoire"
    racine.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(racine)], check=True)
    # famnum.donneesfictives: every `famnum publier` of this territory says « Données fictives » on its pages
    for cle, valeur in (("user.name", "famnum démo"), ("user.email", "demo@example.org"), ("commit.gpgsign", "false"),
                        (CLE_FICTIVE, "true")):
        subprocess.run(["git", "-C", str(racine), "config", cle, valeur], check=True)
    return racine


def construire_demo(dossier: Path, familles: int, dire: Callable[[str], None]) -> Territoire:
    from .attribution.demo_commission import attribution_demo
    from .evaluation.demo_evaluation import completer_demo, publier_demo
    from .recensement import construire, texte_tableaux
    from .territoire import initialiser
    from .verification import verifier_tout

    dossier = dossier.resolve()
    dire(BANNIERE)
    racine = preparer_depot(dossier)
    os.environ["FAMNUM_IDENTITE_FICHIER"] = str(dossier / CLE_DE_DEMO)
    os.environ.pop("FAMNUM_IDENTITE", None)
    creation = initialiser(racine, "responsable des données (démo)", vierge=False)
    dire(f"Territoire fictif créé : {racine}")
    dire(f"Clé de démonstration (fictive) : {dossier / CLE_DE_DEMO} — jamais dans le dépôt.")
    coffre = Coffre(creation.territoire)
    generes = Generateur(coffre.referentiels, telephones_exclus=telephones_publics(racine)).dossiers(familles)
    coffre.enregistrer(generes, "Recensement fictif de démonstration")
    dire(f"{len(generes)} dossiers fictifs chiffrés et commités.")
    completer_demo(coffre, generes, dire)
    rapport, lecture = verifier_tout(coffre)
    dire(f"Vérification : {'tout est en ordre' if rapport.valide else compte(len(rapport.problemes), 'problème')} "
         f"({rapport.compteurs.get('dossiers', 0)} dossiers lus).")
    recensement = construire(coffre, lecture)
    dire("\n" + texte_tableaux(recensement) + "\n")
    publier_demo(coffre, lecture, dire)
    attribution_demo(coffre, lecture, dire)
    dire(BANNIERE)
    return creation.territoire
