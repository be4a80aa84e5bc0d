"""famnum cles : qui peut ouvrir les dossiers."""
from __future__ import annotations

import click

from . import commande_sure, main
from ..formats import compte


@main.group()
def cles():
    """Les clés : créer la vôtre, ajouter ou retirer un détenteur, lister."""


@cles.command("creer")
@commande_sure
def creer():
    """Crée votre clé personnelle (hors du dépôt, lisible par vous seul) et affiche la clé publique."""
    from .. import vault

    chemin = vault.chemin_identite()
    identite = vault.generer_identite()
    vault.enregistrer_identite(identite, chemin, "clé famnum personnelle")
    click.echo(f"Clé privée enregistrée dans {chemin} (lisible par vous seul). Ne la copiez jamais dans le dépôt.")
    click.echo("Votre clé publique, à transmettre à un détenteur actuel pour qu'il vous ajoute :")
    click.secho(str(identite.to_public()), bold=True)


@cles.command("ajouter")
@click.argument("cle")
@click.option("--role", required=True, help="Le rôle du détenteur, par exemple « coordinatrice PRE ».")
@commande_sure
def ajouter(cle: str, role: str):
    """Ajoute un détenteur et rechiffre tous les dossiers pour la nouvelle liste (un seul commit)."""
    from .. import cles as domaine
    from ..dossiers import Coffre

    n = domaine.ajouter(Coffre.ouvrir(), cle, role)
    click.echo(f"Clé ajoutée ({role}). {compte(n, 'dossier rechiffré et enregistré', 'dossiers rechiffrés et enregistrés')}.")


@cles.command("retirer")
@click.argument("cle")
@commande_sure
def retirer(cle: str):
    """Retire un détenteur et rechiffre tous les dossiers sans sa clé (un seul commit)."""
    from .. import cles as domaine
    from ..dossiers import Coffre

    n = domaine.retirer(Coffre.ouvrir(), cle)
    click.echo(f"Clé retirée. {compte(n, 'dossier rechiffré et enregistré', 'dossiers rechiffrés et enregistrés')}.")
    click.secho(
        "Attention : l'historique git garde les anciennes versions chiffrées, que cette clé peut encore ouvrir.\n"
        "Si la clé a pu être perdue ou volée, faites aussi une rotation : créez une nouvelle clé de secours,\n"
        "ajoutez-la, puis retirez l'ancienne ; et limitez la copie de l'historique aux personnes de confiance.",
        fg="yellow")


@cles.command("rechiffrer")
@commande_sure
def rechiffrer():
    """Rechiffre tous les dossiers pour la liste actuelle (après une interruption, par exemple)."""
    from .. import cles as domaine
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    n = domaine.rechiffrer(coffre, coffre.destinataires, "Rechiffrement")
    click.echo(f"{compte(n, 'dossier rechiffré', 'dossiers rechiffrés')} pour les {len(coffre.destinataires)} détenteurs de la liste.")


@cles.command("lister")
@commande_sure
def lister():
    """Affiche qui peut ouvrir les dossiers ; prévient s'il n'y a qu'un seul détenteur."""
    from .. import cles as domaine
    from ..dossiers import Coffre

    from ..workspace import Territoire

    coffre = Coffre(Territoire.trouver(), verifier_acces=False)
    for destinataire, moi in domaine.etat(coffre):
        click.echo(f"{'→ vous  ' if moi else '        '}{destinataire.role}\n          {destinataire.cle}")
    if len(coffre.destinataires) < 2:
        click.secho("Attention : une seule clé peut ouvrir les dossiers. Si elle est perdue, tout est perdu.\n"
                    "Ajoutez une clé de secours imprimée et rangée au coffre.", fg="yellow")


@cles.command("rotation")
@click.option("--oui", is_flag=True, help="Ne pas demander de confirmation.")
@commande_sure
def rotation(oui: bool):
    """Nouvelle clé de secours et nouvelle clé personnelle ; tous les dossiers rechiffrés (un seul commit)."""
    from .. import cles as domaine
    from .. import vault
    from ..dossiers import Coffre
    from . import confirmer

    if not oui and not confirmer("Remplacer la clé de secours et votre clé personnelle, et tout rechiffrer ?"):
        click.echo("Rien n'a changé.")
        return
    n, secours, autres = domaine.rotation(Coffre.ouvrir(), vault.chemin_identite())
    click.echo(f"{compte(n, 'dossier rechiffré', 'dossiers rechiffrés')}. Votre nouvelle clé personnelle remplace l'ancienne dans {vault.chemin_identite()}.")
    click.secho("Nouvelle clé de SECOURS — imprimez-la maintenant, rangez-la au coffre ; elle ne sera plus jamais affichée :",
                bold=True)
    click.echo(secours)
    click.secho("Détruisez l'ancienne clé de secours sur papier : tant qu'elle existe, l'historique git reste lisible.",
                fg="yellow")
    if autres:
        click.secho("Ces détenteurs gardent leur ancienne clé (l'historique leur reste lisible) : "
                    + ", ".join(autres) + ".\nDemandez-leur de changer de clé (famnum cles creer, ajouter, retirer).",
                    fg="yellow")
