"""famnum suivi, atelier seance, evaluer, publier : l'évaluation."""
from __future__ import annotations

from datetime import date

import click

from . import commande_sure, confirmer, main
from ..formats import compte


def _jour(texte: str | None) -> date:
    from ..saisie import lire_date

    return date.fromisoformat(lire_date(texte)) if texte else date.today()


@main.command("suivi")
@click.argument("identifiant")
@click.option("--date", "jour", help="Date du suivi (jj/mm/aaaa) ; par défaut aujourd'hui.")
@click.option("--par", prompt="Votre fonction", help="Votre fonction (pas votre nom).")
@commande_sure
def suivi(identifiant: str, jour: str | None, par: str):
    """Le questionnaire de suivi (T0, T3 ou T12) posé à une famille et à son école, ajouté au journal."""
    from ..affichage import Afficheur
    from ..collecte.terminal import Questionnaire
    from ..dossiers import Coffre, evenement
    from .familles import _console

    coffre = Coffre.ouvrir()
    dossier = coffre.lire(identifiant)
    jour_iso = _jour(jour)
    click.echo("Questionnaire de suivi. Entrée seule pour passer une question ; Ctrl-C pour tout abandonner.\n")
    noeud = coffre.schema.schema["definitions"]["details_suivi"]
    details = Questionnaire(coffre.schema, coffre.referentiels, _console()).remplir_noeud(noeud)
    nouvel = evenement("suivi", par, jour_iso, details)
    click.echo("\nRésumé :\n" + Afficheur(coffre.schema, coffre.referentiels).journal([nouvel]))
    if not confirmer("\nEnregistrer ce suivi ?"):
        click.echo("Rien n'a été enregistré.")
        return
    dossier["journal"].append(nouvel)
    coffre.enregistrer([dossier], f"Suivi {details['temps']}")
    click.secho(f"Suivi {details['temps']} ajouté au dossier {dossier['id']}.", fg="green")


@main.group()
def atelier():
    """Les ateliers CLAS et les formations des parents."""


def _compter_reponses(questions, participants: int) -> list[dict]:
    from ..evaluation.seances import ECHELLE

    blocs = []
    click.echo(f"\nFiches d'évaluation : pour chaque question, le nombre de fiches cochées à chaque case "
               f"(Entrée = 0 ; {participants} participants).")
    for question in questions:
        click.echo(f"\n  {question}")
        reponses = {niveau: click.prompt(f"    {niveau}", type=click.IntRange(0, participants), default=0,
                                         show_default=False) for niveau in ECHELLE}
        blocs.append({"question": question, "reponses": reponses})
    return blocs


@atelier.command("seance")
@click.option("--fiche", "slug", required=True, help="La fiche atelier (nom du fichier dans content/ateliers/, sans .md).")
@click.option("--type", "type_", type=click.Choice(["atelier", "formation"]), default="atelier", show_default=True,
              help="Atelier CLAS (parents et enfants) ou formation des parents.")
@click.option("--date", "jour", help="Date de la séance (jj/mm/aaaa) ; par défaut aujourd'hui.")
@click.option("--lieu", required=True, help="Le lieu (par exemple « centre social des Sablons »).")
@click.option("--structure", required=True, help="La structure CLAS qui accueille.")
@click.option("--animateur", "animateurs", multiple=True, help="La fonction d'un animateur (répétable), jamais un nom.")
@click.option("--famille", "familles", multiple=True, help="L'identifiant d'une famille présente (répétable).")
@click.option("--anonymes", type=click.IntRange(0, 500), default=0, help="Le nombre de participants non identifiés.")
@click.option("--sans-evaluation", is_flag=True, help="Pas de fiches d'évaluation remplies à cette séance.")
@click.option("--par", prompt="Votre fonction", help="Votre fonction (pas votre nom).")
@commande_sure
def seance(slug, type_, jour, lieu, structure, animateurs, familles, anonymes, sans_evaluation, par):
    """Enregistre une séance tenue : la séance dans data/seances/, la présence dans chaque dossier, un seul commit."""
    from ..dossiers import Coffre
    from ..evaluation.seances import Seance, enregistrer_seance, trouver_fiche, verifier_seance

    coffre = Coffre.ouvrir()
    fiche = trouver_fiche(coffre.territoire.racine, slug)
    s = Seance(type_, fiche.slug, _jour(jour), lieu.strip(), structure.strip(), [a.strip() for a in animateurs],
               len(set(f.strip().upper() for f in familles)), anonymes)
    verifier_seance(s)
    if not sans_evaluation and fiche.questions:
        s.evaluation = _compter_reponses(fiche.questions, s.participants)
    chemin = enregistrer_seance(coffre, s, list(familles), par)
    click.secho(f"Séance « {fiche.titre} » enregistrée ({coffre.territoire.relatif(chemin)}), "
                f"{compte(s.familles_identifiees, 'dossier complété', 'dossiers complétés')}, un commit.", fg="green")


@main.command("evaluer")
@click.option("--seuil", type=int, help="Seuil du secret statistique (11 par défaut, jamais moins de 5).")
@click.option("--au", "au", help="Calculer comme si l'on était ce jour (jj/mm/aaaa) ; par défaut aujourd'hui.")
@commande_sure
def evaluer(seuil: int | None, au: str | None):
    """Calcule les indicateurs sur trois plans et affiche un résumé (chiffres soumis au secret statistique)."""
    from ..dossiers import Coffre
    from ..evaluation import precedent
    from ..evaluation.publication import EvaluationRefusee, evaluer as calculer, resume

    coffre = Coffre.ouvrir()
    lecture = coffre.lire_tous(valider=True)
    if not lecture.rapport.valide:
        raise EvaluationRefusee(lecture.rapport)
    deja = precedent.trouver(coffre.territoire.public)  # the figures publier would print, secrets kept
    ev = calculer(coffre, lecture, seuil, _jour(au) if au else None, deja)
    for avertissement in ev.definitions.avertissements:
        click.secho(f"Attention : {avertissement}", fg="yellow", err=True)
    click.echo(resume(ev))


@main.command("publier")
@click.option("--au", "au", help="Publier comme si l'on était ce jour (jj/mm/aaaa) ; par défaut aujourd'hui.")
@commande_sure
def publier(au: str | None):
    """Ce que lance la CI : vérifier, évaluer, appliquer le secret, écrire build/public/, construire le site,
    chercher toute donnée personnelle. Au moindre échec, rien n'est publié."""
    from ..evaluation.publication import publier as publier_tout
    from ..site.construction import construire_site_territoire

    public = publier_tout(aujourd_hui=_jour(au) if au else None, dire=click.echo,
                          construire_site=construire_site_territoire)
    racine = public.parent.parent
    click.secho(f"Publié : le site dans {racine / 'site'} (page d'accueil : site/index.html) et les données ouvertes "
                f"de l'évaluation dans {public}.", fg="green")
