"""`famnum migrer`: bring a territory's copy of famnum's rules up to the installed famnum.

`famnum init` copies the model's files into the territory once. When famnum changes its rules (the
dossier's schema, the data package's table schemas), an older territory keeps the old ones, and
commands that rely on the new ones fail. Two kinds of files, treated differently:
- famnum's rules (`data/schemas/`, `data/datapackage.yaml`): replaced by the model's, but only when
  every dossier, decrypted in memory, is valid under the new schema and the census tables and the
  reference tables pass the new package: a territory never holds a dossier its own rules refuse;
- the territory's own choices (grid, retention, indicators, reference tables, site): never
  overwritten; copied only when missing, and listed when they differ, for a person to compare.
  One exception, a change of form and not of choice: a stock file that still holds loan states
  (« disponible », « pret ») gets « en_service » in their place, since who holds which device is read
  in the dossiers now (attribution/parc.py); a device noted « pret » that no dossier places with a
  family is named in a warning.
Everything in one commit; nothing written when a check fails.
"""
from __future__ import annotations

import filecmp
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path


from .erreurs import FamnumError, Probleme, Rapport
from .territoire import modele
from .formats import compte

REGLES_DE_FAMNUM = ("data/schemas", "data/datapackage.yaml")
CHOIX_DU_TERRITOIRE = ("data/attribution.yaml", "data/conservation.yaml", "data/indicateurs.yaml",
                       "data/referentiels", "mkdocs.yml")
FACULTATIFS = {"data/indicateurs.yaml"}  # a territory without its own copy uses the model's: never copied


@dataclass
class Plan:
    remplaces: list[str] = field(default_factory=list)   # famnum's rules that changed
    ajoutes: list[str] = field(default_factory=list)     # missing in the territory: copied
    differents: list[str] = field(default_factory=list)  # the territory's own, different: to compare by hand
    rapport: Rapport = field(default_factory=Rapport)    # dossiers or tables the new rules refuse
    stock: bytes | None = None  # the stock file in its new form, when it still held loan states

    @property
    def a_faire(self) -> bool:
        return bool(self.remplaces or self.ajoutes or self.stock is not None)


def _fichiers(racine: Path, relatif: str) -> list[str]:
    chemin = racine / relatif
    if chemin.is_dir():
        return sorted(str(p.relative_to(racine)) for p in chemin.rglob("*") if p.is_file())
    return [relatif] if chemin.is_file() else []


def comparer(territoire_racine: Path, source: Path | None = None) -> Plan:
    """What differs between the model and the territory (no check of the dossiers yet)."""
    source = source or modele()
    plan = Plan()
    for groupe, regles in ((REGLES_DE_FAMNUM, True), (CHOIX_DU_TERRITOIRE, False)):
        for relatif in groupe:
            for fichier in _fichiers(source, relatif):
                cible = territoire_racine / fichier
                if not cible.exists():
                    if fichier not in FACULTATIFS:
                        plan.ajoutes.append(fichier)
                elif not filecmp.cmp(source / fichier, cible, shallow=False):
                    (plan.remplaces if regles else plan.differents).append(fichier)
    plan.stock = stock_sans_prets(territoire_racine)
    return plan


def stock_sans_prets(racine: Path) -> bytes | None:
    """The stock file with « en_service » for the old loan states; None when it has none (or no file)."""
    from .attribution.stock import ancienne_forme, lire_lignes, nouvelle_forme, texte_stock
    from .workspace import Territoire

    try:
        appareils = lire_lignes(Territoire(racine))
    except FamnumError:
        return None  # no stock file, or not even its columns: every stock command explains it
    return texte_stock(nouvelle_forme(appareils)) if ancienne_forme(appareils) else None


def avertir_prets_orphelins(coffre, dossiers: dict[str, dict], rapport: Rapport) -> None:
    """A device the old file said was lent, that no dossier places with a family, becomes available."""
    from .attribution.parc import detenteurs
    from .attribution.stock import chemin_stock, lire_lignes

    tenus = detenteurs(dossiers)
    for a in lire_lignes(coffre.territoire):
        if a.etat == "pret" and a.inventaire not in tenus:
            rapport.avertir(Probleme(
                coffre.territoire.relatif(chemin_stock(coffre.territoire)),
                f"l'appareil {a.inventaire} était noté « pret » mais aucun dossier ne dit qu'une famille l'a : "
                "il devient disponible", "etat", a.inventaire,
                "si une famille l'a, enregistrez sa livraison (famnum livrer) ; s'il est perdu : "
                f"famnum stock etat {a.inventaire} reforme", code="migration.appareil_sans_famille"))


def verifier_sous_les_nouvelles_regles(coffre, plan: Plan, source: Path | None = None) -> None:
    """Every dossier and table under the model's rules, in a private copy of the rules; fills plan.rapport."""
    from .pseudonymes import Pseudonymiseur, charger_cle
    from .recensement import tables_depuis_dossiers, valider_paquet
    from .schemas import SchemaFamille
    from .validation import valider_dossier

    source = source or modele()
    lecture = coffre.lire_tous(valider=False)
    schema = SchemaFamille.charger(source / "data" / "schemas" / "famille.schema.json")
    for identifiant, dossier in sorted(lecture.dossiers.items()):
        plan.rapport.ajouter(*valider_dossier(dossier, schema, coffre.referentiels, f"{identifiant}.json.age"))
    if not plan.rapport.valide:
        return
    from ruamel.yaml import YAML

    descripteur = YAML(typ="safe").load((source / "data" / "datapackage.yaml").read_text(encoding="utf-8"))
    pseudo = Pseudonymiseur(charger_cle(coffre.territoire, coffre.identites))
    tables = tables_depuis_dossiers(lecture.dossiers, pseudo, coffre.referentiels, date.today())
    with tempfile.TemporaryDirectory(prefix="famnum-migration-") as dossier:
        # the territory's reference tables, checked against the new descriptor (only public files here)
        base = Path(dossier)
        shutil.copytree(coffre.territoire.referentiels, base / "referentiels")
        if plan.stock is not None:
            (base / "referentiels" / "materiels.csv").write_bytes(plan.stock)
            avertir_prets_orphelins(coffre, lecture.dossiers, plan.rapport)
        plan.rapport.ajouter(*valider_paquet(descripteur, tables, base))


def exiger_valide(plan: Plan) -> None:
    """The one refusal of a migration that the new rules do not accept (its report says which files)."""
    if not plan.rapport.valide:
        raise FamnumError("Les nouvelles règles refusent ces dossiers ou tables : rien n'a été changé.",
                          code="migration.dossiers_refuses",
                          correction="corrigez-les (« famnum famille modifier »), puis relancez « famnum migrer ».")


def appliquer(coffre, plan: Plan, source: Path | None = None) -> str:
    """Copies the changed rules and the missing files, in one commit; refuses if a check failed."""
    from . import ecriture

    exiger_valide(plan)
    source = source or modele()
    racine = coffre.territoire.racine
    fichiers = plan.remplaces + plan.ajoutes
    ecritures = [(racine / f, (source / f).read_bytes()) for f in fichiers]
    if plan.stock is not None:
        ecritures.append((racine / "data" / "referentiels" / "materiels.csv", plan.stock))
    return ecriture.enregistrer(racine, ecritures, f"Mise à jour des règles de famnum ({resume(plan)})",
                                propres=("data", "mkdocs.yml"))


def resume(plan: Plan) -> str:
    parties = [compte(len(plan.remplaces), 'remplacé'), compte(len(plan.ajoutes), 'ajouté')] if plan.remplaces or plan.ajoutes else []
    return ", ".join(parties + (["stock sans les prêts"] if plan.stock is not None else []))

