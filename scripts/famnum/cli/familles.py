"""famnum famille … et famnum familles lister : le travail de tous les jours."""
from __future__ import annotations

from datetime import date

import click

from . import commande_sure, confirmer, main


def _console():
    from ..collecte.terminal import Console

    return Console(demander=lambda texte: click.prompt(texte, default="", show_default=False), ecrire=click.echo)


@main.group()
def famille():
    """Une famille : saisir, modifier, voir, ajouter un événement au journal."""


@main.group()
def familles():
    """Toutes les familles : lister avec des filtres."""


@famille.command("nouvelle")
@click.option("--par", prompt="Votre fonction (elle sera notée dans le journal, pas votre nom)",
              help="Votre fonction, par exemple « référente PRE Sablons ».")
@commande_sure
def nouvelle(par: str):
    """Remplit la fiche de diagnostic question par question, puis l'enregistre chiffrée."""
    from ..affichage import Afficheur
    from ..collecte.terminal import Questionnaire
    from ..dossiers import Coffre, evenement, nouveau_dossier

    coffre = Coffre.ouvrir()
    click.echo("Fiche nominative de diagnostic. Entrée seule pour passer un champ facultatif ; Ctrl-C pour tout abandonner.\n")
    fiche = Questionnaire(coffre.schema, coffre.referentiels, _console()).remplir()
    dossier = nouveau_dossier(fiche, coffre.identifiants(), [evenement("diagnostic", par)])
    click.echo("\nRésumé :\n" + Afficheur(coffre.schema, coffre.referentiels).fiche(dossier["fiche"]))
    if not confirmer("\nEnregistrer ce dossier ?"):
        click.echo("Rien n'a été enregistré.")
        return
    coffre.enregistrer([dossier], "Nouvelle fiche de diagnostic")
    click.secho(f"Dossier {dossier['id']} enregistré, chiffré et commité.", fg="green")


@famille.command("modifier")
@click.argument("identifiant")
@commande_sure
def modifier(identifiant: str):
    """Ouvre le dossier dans votre éditeur (fichier temporaire privé, toujours effacé)."""
    _modifier(identifiant, "Modification d'une fiche")


def _modifier(identifiant: str, action: str, evenement_audit: dict | None = None) -> None:
    from ..collecte.editeur import editer
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    from .. import depot

    depot.exiger_propre(coffre.territoire.racine)
    dossier = coffre.lire(identifiant)

    def reprendre(erreurs: list[str]) -> bool:
        for e in erreurs:
            click.secho("  " + e, fg="red", err=True)
        return confirmer("Rouvrir l'éditeur pour corriger ?", err=True)

    nouveau = editer(dossier, coffre.schema, lambda d: coffre.valider([d]).problemes, reprendre)
    if nouveau is None:
        click.echo("Aucune modification : rien n'a été enregistré.")
        return
    if evenement_audit:
        nouveau["journal"].append(evenement_audit)
    coffre.enregistrer([nouveau], action)
    click.secho(f"Dossier {nouveau['id']} modifié et commité.", fg="green")


@famille.command("voir")
@click.argument("identifiant")
@commande_sure
def voir(identifiant: str):
    """Affiche la fiche et le journal d'une famille."""
    from ..affichage import Afficheur
    from ..dossiers import STATUTS, Coffre, statut

    coffre = Coffre.ouvrir()
    dossier = coffre.lire(identifiant)
    click.secho(f"Dossier {dossier['id']} — {STATUTS[statut(dossier)]}", bold=True)
    afficheur = Afficheur(coffre.schema, coffre.referentiels)
    click.echo(afficheur.fiche(dossier["fiche"]))
    click.secho("\nJournal :", bold=True)
    click.echo(afficheur.journal(dossier.get("journal", [])))


@famille.command("evenement")
@click.argument("identifiant")
@click.argument("type_", metavar="TYPE", type=click.Choice(["preconisation", "decision", "livraison", "convention", "formation",
                                                             "atelier", "suivi", "renouvellement", "retour", "diagnostic", "recensement"]))
@click.option("--date", "jour", help="Date de l'événement (jj/mm/aaaa) ; par défaut aujourd'hui.")
@click.option("--par", prompt="Votre fonction", help="Votre fonction (pas votre nom).")
@click.option("--note", default="", help="Une note libre (jamais de mot de passe).")
@commande_sure
def evenement_(identifiant: str, type_: str, jour: str | None, par: str, note: str):
    """Ajoute un événement daté au journal d'une famille (les détails sont demandés un par un)."""
    from ..collecte.terminal import Questionnaire
    from ..dossiers import Coffre, evenement
    from ..saisie import lire_date

    coffre = Coffre.ouvrir()
    dossier = coffre.lire(identifiant)
    schema_details = coffre.schema.schema["definitions"].get(f"details_{type_}", {})
    details = Questionnaire(coffre.schema, coffre.referentiels, _console())._objet(schema_details, 0) if schema_details.get("properties") else {}
    jour_iso = date.fromisoformat(lire_date(jour)) if jour else date.today()
    dossier["journal"].append(evenement(type_, par, jour_iso, details, note))
    coffre.enregistrer([dossier], f"Journal : {type_}")
    click.secho(f"Événement « {type_} » ajouté au dossier {dossier['id']}.", fg="green")


@familles.command("lister")
@click.option("--qpv", help="Code du QPV (voir data/referentiels/qpv.csv).")
@click.option("--etablissement", help="Code de l'établissement (voir data/referentiels/etablissements.csv).")
@click.option("--statut", "statut_", help="recense, diagnostique, preconise, accorde, ajourne, refuse, equipe, clos.")
@commande_sure
def lister(qpv: str | None, etablissement: str | None, statut_: str | None):
    """Liste les familles (identifiant, QPV, établissement, statut) ; rien de nominatif."""
    from ..dossiers import STATUTS, Coffre, statut
    from ..erreurs import FamnumError

    coffre = Coffre.ouvrir()
    if statut_ and statut_ not in STATUTS:
        raise FamnumError(f"Statut inconnu « {statut_} ». Choisissez parmi : {', '.join(STATUTS)}.")
    lecture = coffre.lire_tous(valider=False)
    lignes = []
    for identifiant, dossier in sorted(lecture.dossiers.items()):
        fiche = dossier["fiche"]
        ecole = (fiche.get("enfants") or [{}])[0].get("etablissement", "")
        if (qpv and fiche.get("qpv") != qpv) or (etablissement and ecole != etablissement) \
                or (statut_ and statut(dossier) != statut_):
            continue
        nom_ecole = coffre.referentiels.etablissements.get(ecole, {}).get("nom", "établissement non renseigné")
        lignes.append(f"{identifiant}  {coffre.referentiels.qpv.get(fiche.get('qpv'), {}).get('nom', '?'):<32}  "
                      f"{nom_ecole:<40}  {STATUTS[statut(dossier)]}")
    click.echo("\n".join(lignes) if lignes else "Aucune famille ne correspond.")
    click.echo(f"\n{len(lignes)} famille(s).")
