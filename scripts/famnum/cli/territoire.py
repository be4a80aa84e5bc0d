"""famnum init, verifier, recensement, demo."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..erreurs import FamnumError
from ..formats import compte
from . import commande_sure, main


@main.command()
@click.argument("dossier", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--role", default="responsable des données du territoire", show_default=True,
              help="Rôle inscrit à côté de votre clé dans destinataires.txt.")
@commande_sure
def init(dossier: Path, role: str):
    """Crée un territoire dans un dépôt git vide : schémas, référentiels, site, clés."""
    from ..territoire import initialiser

    creation = initialiser(dossier, role)
    click.echo(f"Territoire créé dans {creation.territoire.racine}.")
    if creation.identite_creee:
        click.echo(f"Votre clé personnelle a été créée hors du dépôt ({creation.chemin_identite}).")
    click.echo(f"Votre clé publique : {creation.cle_publique}\n")
    click.secho("CLÉ DE SECOURS — à imprimer ou recopier MAINTENANT, puis à ranger dans le coffre du coordinateur.",
                bold=True)
    click.echo("Elle ne sera plus jamais affichée. Elle seule permet d'ouvrir les dossiers si votre clé est perdue.")
    click.echo("+" + "-" * 78 + "+")
    click.echo(f"| {creation.cle_secours:<76} |")
    click.echo("+" + "-" * 78 + "+\n")
    afficher_a_completer(creation.territoire.racine)
    click.echo("Ensuite : « famnum importer <tableur> » pour les listes de recensement, « famnum famille nouvelle » pour "
               "la fiche de diagnostic d'une famille,")
    click.echo("ou « famnum cles ajouter <clé publique> --role \"référente PRE\" » pour donner accès à une collègue.")


def afficher_a_completer(racine: Path) -> None:
    """What the new territory must fill in: its own data, blank or example in the model."""
    from ..territoire_vierge import a_completer

    problemes = a_completer(racine)
    if not problemes:
        return
    click.secho(f"À remplir par le territoire ({compte(len(problemes), 'point')} ; « famnum verifier » le rappelle tant que "
                "ce n'est pas fait) :", bold=True)
    for probleme in problemes:
        click.echo("- " + probleme.texte().replace("\n", "\n  "))
    click.echo("Enregistrez ces fichiers dans git (« git add data mkdocs.yml content » puis « git commit »).\n")


@main.command()
@click.option("--texte-clair", is_flag=True, help="Seulement les contrôles sans clé.")
@click.option("--depuis", metavar="COMMIT", default=None,
              help="Seulement les fichiers changés depuis ce commit (HEAD, HEAD~3, une branche…), fichiers non suivis "
                   "compris : un dossier changé est déchiffré seul ; un texte changé est comparé à tous les dossiers.")
@click.option("--indexe", is_flag=True,
              help="Seulement les fichiers prêts à être commités (« git add ») : le contrôle du crochet git pre-commit, "
                   "avec votre clé si elle est trouvée, sans elle sinon.")
@click.option("--json", "en_json", is_flag=True, help="Le rapport en JSON, pour une machine.")
@click.option("--processus", type=int, default=None, help="Nombre de processus (par défaut : un par cœur).")
@commande_sure
def verifier(texte_clair: bool, depuis: str | None, indexe: bool, en_json: bool, processus: int | None):
    """Déchiffre et contrôle tous les dossiers ; signale chaque problème ; code de sortie non nul s'il y en a."""
    from ..dossiers import Coffre
    from ..verification import verifier_texte_clair, verifier_tout
    from ..workspace import Territoire

    if depuis is not None or indexe:
        rapport = verifier_les_changements(depuis, indexe, texte_clair)
    elif texte_clair:
        rapport = verifier_texte_clair(Territoire.trouver())
    else:
        from ..territoire_vierge import a_completer

        coffre = Coffre.ouvrir()
        rapport, _ = verifier_tout(coffre, processus=processus, garder=False)
        rapport.avertir(*a_completer(coffre.territoire.racine))  # placeholders warn, they never fail
        if os.environ.get("CI"):
            rapport = rapport.masquer(masque_identifiants(coffre))
    afficher_rapport(rapport, en_json)
    sys.exit(0 if rapport.valide else 1)


def verifier_les_changements(depuis: str | None, indexe: bool, texte_clair: bool):
    """--depuis / --indexe: the files changed, with the key unless --texte-clair; the hook (--indexe)
    checks without a key when none opens the dossiers here."""
    from ..dossiers import Coffre
    from ..verification import changements, verifier_changements
    from ..workspace import Territoire

    if indexe and depuis is not None:
        raise FamnumError("--indexe et --depuis ne vont pas ensemble.", code="verifier.options_incompatibles",
                          correction="gardez --indexe pour ce qui va être "
                          "commité, ou --depuis COMMIT pour tout ce qui a changé depuis ce commit.")
    territoire = Territoire.trouver()
    coffre = None
    if not texte_clair:
        try:
            coffre = Coffre(territoire)
        except FamnumError:
            if not indexe:
                raise
    rapport = verifier_changements(territoire, changements(territoire, None if indexe else depuis), coffre)
    if coffre is not None and os.environ.get("CI"):
        rapport = rapport.masquer(masque_identifiants(coffre))
    return rapport


def masque_identifiants(coffre):
    """In a CI log, a family id becomes its keyed pseudonym: the log names no family."""
    import re

    from ..pseudonymes import Pseudonymiseur, charger_cle

    pseudo = Pseudonymiseur(charger_cle(coffre.territoire, coffre.identites))
    return lambda texte: re.sub(r"F-[2-9A-HJ-NP-Z]{5}", lambda m: pseudo(m.group(0)), texte)


def afficher_rapport(rapport, en_json: bool = False) -> None:
    if en_json:
        click.echo(json.dumps(rapport.en_dict(), ensure_ascii=False, indent=2))
        return
    for avertissement in rapport.avertissements:
        click.secho("Attention : " + avertissement.texte(), fg="yellow", err=True)
    for probleme in rapport.problemes:
        click.secho(probleme.texte(), fg="red")
    n = rapport.compteurs.get("dossiers")
    lus = f" ({compte(n, 'dossier lu', 'dossiers lus')})" if n is not None else ""
    if rapport.valide:
        click.secho(f"Tout est en ordre{lus}.", fg="green")
    else:
        click.secho(f"{compte(len(rapport.problemes), 'problème')} à corriger{lus}.", fg="red", bold=True)


@main.command()
@click.option("--csv", "dossier_csv", type=click.Path(file_okay=False, path_type=Path),
              help="Écrit aussi les tables pseudonymisées (CSV + datapackage.json) dans ce dossier.")
@commande_sure
def recensement(dossier_csv: Path | None):
    """Le recensement : familles par établissement et par QPV, comme le tableau du dossier de 2020."""
    from ..dossiers import Coffre
    from ..erreurs import Rapport
    from ..recensement import RecensementRefuse, TablesRefusees, construire, ecrire_csv, texte_tableaux

    resultat = construire(Coffre.ouvrir())
    if not resultat.rapport.valide:
        raise RecensementRefuse(resultat.rapport)
    click.echo(texte_tableaux(resultat))
    if dossier_csv:
        problemes = ecrire_csv(resultat, dossier_csv)
        if problemes:
            raise TablesRefusees(Rapport(problemes))
        click.echo(f"\nTables pseudonymisées écrites dans {dossier_csv} et validées (frictionless).")


@main.command()
@click.option("--dossier", type=click.Path(file_okay=False, path_type=Path), default=Path("build/demo"),
              show_default=True, help="Où construire le territoire fictif (effacé puis recréé).")
@click.option("--familles", type=int, default=319, show_default=True, help="Nombre de familles fictives.")
@click.option("--sans-site", is_flag=True, help="Ne pas construire le site public.")
@commande_sure
def demo(dossier: Path, familles: int, sans_site: bool):
    """Construit un territoire fictif de bout en bout (données fictives), avec sa propre clé, puis le site."""
    from ..demo import construire_demo

    territoire = construire_demo(dossier, familles, click.echo)
    if not sans_site:
        _construire_site_demo(territoire)
    click.echo(mode_d_emploi_demo(territoire))


ESSAIS_DEMO = (
    ("familles lister --statut accorde", "les familles à qui la commission a accordé du matériel"),
    ("famille voir <identifiant>", "une fiche et son journal (prenez un identifiant de la liste)"),
    ("verifier", "déchiffre et contrôle tous les dossiers"),
    ("recensement", "le tableau par établissement et par QPV"),
    ("attribution proposer", "le classement de la grille et le plan d'achat"),
    ("expliquer <identifiant>", "l'explication due à une famille décidée"),
    ("prets", "les prêts et locations à renouveler"),
    ("evaluer", "les indicateurs, sous le secret statistique"),
    ("publier", "le paquet de données ouvertes et le site du territoire fictif"),
)


def mode_d_emploi_demo(territoire) -> str:
    """How to try every command on the demo territory, from wherever `make demo` was run."""
    import shutil

    commande = "famnum" if shutil.which("famnum") else str(Path(sys.argv[0]).resolve())
    lignes = ["", "Pour essayer les commandes sur ce territoire fictif, tapez d'abord (dans ce terminal) :",
              f"    export FAMNUM_TERRITOIRE={territoire.racine}",
              f"    export FAMNUM_IDENTITE_FICHIER={territoire.cle_de_demo}",
              "puis, par exemple :"]
    largeur = max(len(f"{commande} {essai}") for essai, _ in ESSAIS_DEMO)
    lignes += [f"    {f'{commande} {essai}':<{largeur}}   {quoi}" for essai, quoi in ESSAIS_DEMO]
    lignes.append("Tout y est fictif ; « make demo » le refait de zéro (build/demo/ est effacé).")
    return "\n".join(lignes)


def _construire_site_demo(territoire) -> None:
    import time

    from ..site.construction import construire_site_territoire

    click.echo("Construction du site public du territoire fictif (toutes les langues et les PDF)…")
    debut, site = time.perf_counter(), territoire.racine / "site"
    construire_site_territoire(territoire.racine, site, territoire.public)
    click.echo(f"Site construit en {time.perf_counter() - debut:.0f} s : {site / 'index.html'}")
    click.echo(f"Pour le parcourir : ouvrez ce fichier dans un navigateur (il se lit hors ligne), ou tapez "
               f"« python3 -m http.server --bind 127.0.0.1 --directory {site} 8000 » puis ouvrez http://127.0.0.1:8000/")


@main.command()
@click.option("--essai", is_flag=True, help="Montrer ce qui changerait, sans rien écrire.")
@click.option("--oui", "sans_question", is_flag=True, help="Appliquer sans demander de confirmation.")
@commande_sure
def migrer(essai: bool, sans_question: bool):
    """Met les règles du territoire (schémas, paquet de données) à jour avec famnum, après avoir vérifié
    que chaque dossier reste valide ; ne touche jamais à vos propres choix (grille, durées, référentiels, site)."""
    from ..dossiers import Coffre
    from ..migration import appliquer, comparer, exiger_valide, resume, verifier_sous_les_nouvelles_regles
    from . import confirmer

    coffre = Coffre.ouvrir()
    plan = comparer(coffre.territoire.racine)
    for titre, fichiers in (("Règles de famnum qui ont changé (remplacées)", plan.remplaces),
                            ("Fichiers absents du territoire (copiés)", plan.ajoutes),
                            ("Vos propres fichiers, différents du modèle (jamais touchés : comparez-les vous-même)",
                             plan.differents)):
        if fichiers:
            click.echo(f"{titre} :")
            click.echo("".join(f"  {f}\n" for f in fichiers), nl=False)
    if plan.stock is not None:
        click.echo("Stock sans les prêts (qui a quel appareil se lit dans les dossiers chiffrés) :\n"
                   "  data/referentiels/materiels.csv : « disponible » et « pret » deviennent « en_service »")
    if not plan.a_faire:
        click.secho("Les règles du territoire sont déjà celles de famnum : rien à faire.", fg="green")
        return
    click.echo("Vérification de chaque dossier et des tables sous les nouvelles règles (déchiffrés en mémoire)…")
    verifier_sous_les_nouvelles_regles(coffre, plan)
    if not plan.rapport.valide:
        afficher_rapport(plan.rapport)
        exiger_valide(plan)
    click.echo("Tous les dossiers et toutes les tables sont valides sous les nouvelles règles.")
    for avertissement in plan.rapport.avertissements:
        click.secho("Attention : " + avertissement.texte(), fg="yellow")
    if essai:
        click.echo("Essai seulement : rien n'a été écrit.")
        return
    if not sans_question and not confirmer("Appliquer la mise à jour (un seul commit) ?"):
        click.echo("Rien n'a été changé.")
        return
    appliquer(coffre, plan)
    click.secho(f"Règles mises à jour en un commit : {resume(plan)}.", fg="green")
