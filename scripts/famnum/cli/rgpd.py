"""famnum rgpd … : les droits des familles (accès, rectification, effacement) et la conservation."""
from __future__ import annotations

from datetime import date

import click

from . import commande_sure, confirmer, main
from ..formats import compte


@main.group()
def rgpd():
    """Droits des familles : export (accès), rectifier, effacer ; purger selon la durée de conservation."""


@rgpd.command("export")
@click.argument("identifiant")
@commande_sure
def export(identifiant: str):
    """Écrit tout ce que famnum garde sur une famille, en HTML lisible et en JSON, dans build/private/rgpd/."""
    from .. import rgpd as domaine
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    dossier = coffre.lire(identifiant)
    regles = domaine.charger_conservation(domaine.chemin_conservation(coffre.territoire))
    page, donnees = domaine.exporter(coffre, dossier, regles, coffre.territoire.prive / "rgpd")
    click.echo(f"Export écrit (fichiers privés, jamais à commiter ni à publier) :\n  {coffre.territoire.relatif(page)}\n"
               f"  {coffre.territoire.relatif(donnees)}\n"
               "Remettez-les à la famille (impression ou clé USB), puis effacez-les.")


@rgpd.command("rectifier")
@click.argument("identifiant")
@click.option("--par", prompt="Votre fonction (elle sera notée dans le journal, pas votre nom)",
              help="Votre fonction, par exemple « référente PRE Sablons ».")
@click.option("--demande-le", "demande_le", help="Date de la demande de la famille (jj/mm/aaaa).")
@commande_sure
def rectifier(identifiant: str, par: str, demande_le: str | None):
    """Corrige un dossier à la demande de la famille (comme « famille modifier »), avec une trace au journal."""
    from ..dossiers import evenement
    from ..saisie import lire_date
    from .familles import _modifier

    details = {"demande_le": lire_date(demande_le)} if demande_le else None
    _modifier(identifiant, "Rectification RGPD", evenement_audit=evenement("rectification", par, details=details))


def _effacer(coffre, dossiers: dict, motif: str) -> None:
    from .. import restes
    from .. import rgpd as domaine

    domaine.effacer(coffre, dossiers, motif)
    click.secho(f"{compte(len(dossiers), 'dossier effacé', 'dossiers effacés')} ; effacement consigné dans data/{domaine.REGISTRE} "
                "(date et motif seulement).", fg="green")
    click.echo(f"Pour que les chiffres déjà publiés ne changent pas, chaque famille effacée laisse un reste anonyme "
               f"chiffré dans data/{restes.NOM_DOSSIER}/ : quartier, niveau scolaire, étapes du parcours datées au mois, "
               "réponses codées des suivis ; ni nom, ni adresse, ni date de naissance, ni identifiant.")
    click.secho(domaine.HISTOIRE_GIT, fg="yellow")


@rgpd.command("effacer")
@click.argument("identifiant")
@click.option("--oui", is_flag=True, help="Ne pas demander de confirmation.")
@commande_sure
def effacer(identifiant: str, oui: bool):
    """Efface le dossier d'une famille à sa demande ; ne garde qu'un reste anonyme chiffré pour les comptes publiés."""
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    dossier = coffre.lire(identifiant)
    if not oui and not confirmer(f"Effacer définitivement le dossier {dossier['id']} ?", defaut=False):
        click.echo("Rien n'a été effacé.")
        return
    _effacer(coffre, {dossier["id"]: dossier}, "demande")


@rgpd.command("purger")
@click.option("--dry-run", "essai", is_flag=True, help="Lister seulement les dossiers arrivés à échéance.")
@click.option("--oui", is_flag=True, help="Ne pas demander de confirmation.")
@commande_sure
def purger(essai: bool, oui: bool):
    """Efface les dossiers dont la durée de conservation (data/conservation.yaml) est écoulée."""
    from .. import rgpd as domaine
    from ..dossiers import Coffre
    from ..statuts import STATUTS

    coffre = Coffre.ouvrir()
    regles = domaine.charger_conservation(domaine.chemin_conservation(coffre.territoire))
    lecture = coffre.lire_tous(valider=False)
    dus = domaine.dus(lecture.dossiers, regles, date.today())
    for identifiant, echeance, regle in dus:
        click.echo(f"  {identifiant}  {STATUTS[regle.statut]:<32} échéance {echeance.strftime('%d/%m/%Y')}")
    click.echo(f"{compte(len(dus), 'dossier arrivé', 'dossiers arrivés')} à échéance sur {len(lecture.dossiers)}.")
    if essai or not dus:
        return
    if not oui and not confirmer(f"Effacer {'ce dossier' if len(dus) < 2 else f'ces {len(dus)} dossiers'} ?", defaut=False):
        click.echo("Rien n'a été effacé.")
        return
    _effacer(coffre, {i: lecture.dossiers[i] for i, _, _ in dus}, "conservation")
