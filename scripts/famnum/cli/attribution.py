"""famnum attribution proposer | commission | decider | lettres, et famnum expliquer."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from . import commande_sure, confirmer, main
from ..formats import compte


def _jour(texte: str | None) -> date:
    from ..erreurs import FamnumError
    from ..saisie import SaisieInvalide, lire_date

    if not texte:
        return date.today()
    try:
        return date.fromisoformat(lire_date(texte))
    except SaisieInvalide as e:
        raise FamnumError(f"--date : {e}", code="saisie.option_date") from None


OPTION_DATE = click.option("--date", "date_seance", metavar="JJ/MM/AAAA",
                           help="Date de la séance de la commission (les âges sont comptés ce jour-là). Par défaut : aujourd'hui.")
OPTION_JOUR = click.option("--date", "date_seance", metavar="JJ/MM/AAAA",
                           help="Date de l'opération (livraison, renouvellement, retour, échéances). Par défaut : aujourd'hui.")


@main.group()
def attribution():
    """La grille publique (data/attribution.yaml), la proposition, la commission et ses décisions."""


@attribution.command("proposer")
@OPTION_DATE
@click.option("--enregistrer", is_flag=True, help="Ajoute la préconisation au journal de chaque famille classée (un commit).")
@click.option("--par", default="coordination du PRE", show_default=True, help="Fonction notée dans le journal (jamais un nom).")
@click.option("--tout", is_flag=True, help="Affiche toutes les familles classées (par défaut : les 20 premières).")
@commande_sure
def proposer(date_seance: str | None, enregistrer: bool, par: str, tout: bool):
    """Classe les familles avec la grille, propose matériel et mode, puise dans le stock puis dans le budget."""
    from ..attribution.rendu import texte_proposition
    from ..attribution.seance_commission import ouvrir_seance
    from ..dossiers import Coffre

    seance = ouvrir_seance(Coffre.ouvrir(), _jour(date_seance))
    click.echo(texte_proposition(seance.proposition, None if tout else 20))
    if enregistrer:
        from ..attribution.rendu import preconisations

        dossiers = preconisations(seance.proposition, seance.lecture.dossiers, par)
        seance.coffre.enregistrer(dossiers, "Préconisations de la grille d'attribution")
        click.secho(f"Préconisation ajoutée au journal de {compte(len(dossiers), 'famille')}, commitée.", fg="green")


@attribution.command("commission")
@OPTION_DATE
@commande_sure
def commission(date_seance: str | None):
    """Écrit le dossier pseudonymisé de la commission (Markdown et PDF) et le modèle des décisions dans build/private/."""
    from ..attribution.commission import aiguilles_de, ecrire_commission
    from ..attribution.decisions import modele_decisions
    from ..attribution.seance_commission import ouvrir_seance
    from ..dossiers import Coffre

    seance = ouvrir_seance(Coffre.ouvrir(), _jour(date_seance))
    territoire = seance.coffre.territoire
    aiguilles = aiguilles_de(seance.lecture.dossiers.values(), seance.coffre.schema, seance.coffre.referentiels)
    md, pdf = ecrire_commission(seance.proposition, seance.coffre.referentiels, territoire.prive, aiguilles=aiguilles)
    modele = modele_decisions(seance.proposition, territoire.prive / f"decisions-{seance.proposition.jour.isoformat()}.yaml")
    for chemin in (md, pdf, modele):
        click.echo(f"Écrit : {territoire.relatif(chemin)}")
    click.echo("Ces fichiers sont privés (build/private/) : ne les publiez pas, ne les envoyez pas par courriel non chiffré.")


@attribution.command("decider")
@click.option("--fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Le fichier des décisions rempli par le secrétariat (modèle écrit par « famnum attribution commission »). "
                   "Sans fichier : les décisions sont demandées une à une au terminal.")
@OPTION_DATE
@click.option("--par", default=None, help="Fonction notée dans le journal (par défaut : celle du fichier, ou le secrétariat de la grille).")
@commande_sure
def decider(fichier: Path | None, date_seance: str | None, par: str | None):
    """Enregistre les décisions de la commission dans les dossiers, en un seul commit."""
    from ..attribution.decisions import CONSIGNE, appliquer, decisions_une_a_une, lire_decisions, lire_seance_du_fichier
    from ..attribution.seance_commission import ouvrir_seance
    from ..dossiers import Coffre

    if fichier:
        jour, par_fichier = lire_seance_du_fichier(fichier)
    else:
        jour, par_fichier = _jour(date_seance), None
    seance = ouvrir_seance(Coffre.ouvrir(), jour)
    if fichier:
        _, decisions = lire_decisions(fichier, seance.proposition)
    else:
        click.echo(CONSIGNE)
        decisions = decisions_une_a_une(seance.proposition, lambda question, defaut: click.prompt(question, default=defaut),
                                        click.echo)
    if not decisions:
        click.echo("Aucune décision : rien n'a été enregistré.")
        return
    dossiers = appliquer(decisions, seance.proposition, seance.lecture.dossiers,
                         par or par_fichier or seance.grille["commission"]["secretariat"], jour)
    if not fichier and not confirmer(f"Enregistrer {compte(len(dossiers), 'décision')} ?"):
        click.echo("Rien n'a été enregistré.")
        return
    seance.coffre.enregistrer(dossiers, "Décisions de la commission d'attribution")
    avis = {a: sum(d.avis == a for d in decisions) for a in ("accorde", "ajourne", "refuse")}
    click.secho(f"{compte(len(dossiers), 'décision enregistrée et commitée', 'décisions enregistrées et commitées')} : "
                f"{compte(avis['accorde'], 'accordée')}, {compte(avis['ajourne'], 'ajournée')}, "
                f"{compte(avis['refuse'], 'refusée')}.", fg="green")


@attribution.command("lettres")
@click.argument("identifiants", nargs=-1, metavar="[ID]...")
@click.option("--date", "date_seance", metavar="JJ/MM/AAAA",
              help="Date de la séance de la commission. Par défaut : la dernière séance qui a décidé.")
@commande_sure
def lettres(identifiants: tuple[str, ...], date_seance: str | None):
    """Écrit la lettre de décision de chaque famille décidée (PDF privés dans build/private/, un par famille et un pour tout imprimer)."""
    from ..attribution.explication import delai_habituel
    from ..attribution.lettres import choisir, ecrire_lettres, nom_du_lot, preparer_lettres
    from ..attribution.seance_commission import charger_publics, seuil_du_secret
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    grille, _ = charger_publics(coffre)
    dossiers = coffre.lire_tous(valider=True).dossiers
    choisis = choisir(dossiers, list(identifiants), _jour(date_seance) if date_seance else None)
    aujourd_hui = date.today()
    lettres_ = preparer_lettres(choisis, grille, delai_habituel(dossiers.values(), seuil_du_secret(coffre)), aujourd_hui)
    chemins = ecrire_lettres(lettres_, coffre.territoire.prive, nom_du_lot(lettres_, bool(identifiants), aujourd_hui))
    click.secho(f"{compte(len(lettres_), 'lettre de décision écrite', 'lettres de décision écrites')}.", fg="green")
    click.echo(f"À imprimer (toutes les lettres) : {coffre.territoire.relatif(chemins[-1])}")
    if len(chemins) <= 6:
        click.echo("Une par famille : " + ", ".join(coffre.territoire.relatif(c) for c in chemins[:-1]))
    else:
        click.echo(f"Une par famille : {coffre.territoire.relatif(chemins[0].parent)}/lettre-decision-<dossier>-<séance>.pdf")
    click.echo("Ces lettres nomment les familles : elles restent privées (build/private/), ne les publiez pas.")


@main.command("expliquer")
@click.argument("identifiant")
@OPTION_DATE
@commande_sure
def expliquer(identifiant: str, date_seance: str | None):
    """Explique à une famille, en français simple, comment sa demande a été examinée (CRPA L311-3-1)."""
    from ..attribution.seance_commission import explication_pour
    from ..dossiers import Coffre

    click.echo(explication_pour(Coffre.ouvrir(), identifiant.strip().upper(), _jour(date_seance)))


@main.command("livrer")
@click.argument("identifiant")
@click.option("--materiel", "inventaire", required=True, help="Numéro d'inventaire de l'appareil remis (data/referentiels/materiels.csv).")
@click.option("--lieu", type=click.Choice(["domicile", "distribution"]), required=True, help="Au domicile ou lors d'une distribution.")
@click.option("--installe-par", default="", help="Fonction de qui a installé le matériel (jamais un nom).")
@click.option("--par", default="référent de parcours PRE", show_default=True, help="Fonction notée dans le journal.")
@OPTION_JOUR
@commande_sure
def livrer(identifiant: str, inventaire: str, lieu: str, installe_par: str, par: str, date_seance: str | None):
    """Enregistre la remise d'un appareil accordé dans le dossier de la famille (un commit) et écrit la convention en PDF."""
    from ..attribution.livraison import ecrire_convention, enregistrer_livraison, preparer_livraison
    from ..attribution.parc import etat_du_parc
    from ..attribution.seance_commission import charger_publics
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    grille, stock = charger_publics(coffre)
    dossier = coffre.lire(identifiant.strip().upper())
    parc = etat_du_parc(stock, coffre.lire_tous(valider=False).dossiers)  # is the device with another family?
    livraison = preparer_livraison(dossier, parc, inventaire, grille, _jour(date_seance), par, lieu, installe_par)
    enregistrer_livraison(coffre, livraison)
    pdf = ecrire_convention(livraison, grille, coffre.territoire, coffre.territoire.racine / "content" / "programme" / "charte.md")
    click.secho(f"Livraison de {livraison.appareil.inventaire} enregistrée dans le dossier de la famille, commitée "
                "(le fichier public du stock ne change pas).", fg="green")
    click.echo(f"Convention à signer (privée, à imprimer) : {coffre.territoire.relatif(pdf)}")


@main.group("prets", invoke_without_command=True)
@click.option("--semaines", default=4, show_default=True, help="Horizon des échéances, en semaines.")
@OPTION_JOUR
@click.pass_context
@commande_sure
def prets(ctx, semaines: int, date_seance: str | None):
    """Prêts et locations : échéances, retards, loyers et aides ; sous-commandes renouveler, retour, verifier."""
    if ctx.invoked_subcommand:
        return
    from ..formats import date_fr, euros
    from ..attribution.prets import echeancier
    from ..dossiers import Coffre

    jour = _jour(date_seance)
    e = echeancier(Coffre.ouvrir().lire_tous(valider=True).dossiers, jour, semaines)
    click.echo(f"À renouveler ou à rendre d'ici {compte(semaines, 'semaine')} : {len(e.a_echeance)}")
    for p in e.a_echeance:
        click.echo(f"  {p.identifiant}  {p.materiel:<12} {p.type_convention:<9} fin le {date_fr(p.fin)}")
    click.echo(f"En retard : {len(e.en_retard)}")
    for p in e.en_retard:
        click.echo(f"  {p.identifiant}  {p.materiel:<12} {p.type_convention:<9} fini le {date_fr(p.fin)} ({(jour - p.fin).days} jours)")
    click.echo(f"Locations en cours : {len(e.locations)} ; loyers {euros(e.loyers_mensuels)} par mois, "
               f"dont {euros(e.aides_mensuelles)} payés par le PRE.")


@prets.command("renouveler")
@click.argument("identifiant")
@click.option("--mois", type=int, default=None, help="Durée du renouvellement (par défaut : celle de la grille).")
@click.option("--par", default="référent de parcours PRE", show_default=True)
@OPTION_JOUR
@commande_sure
def prets_renouveler(identifiant: str, mois: int | None, par: str, date_seance: str | None):
    """Prolonge le prêt ou la location d'une famille (un commit)."""
    from ..attribution.prets import renouveler
    from ..attribution.seance_commission import charger_publics
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    grille, _ = charger_publics(coffre)
    nouveau = renouveler(coffre.lire(identifiant.strip().upper()), _jour(date_seance), mois or grille["durees"]["pret_mois"], par)
    coffre.enregistrer([nouveau], "Renouvellement d'un prêt ou d'une location")
    from ..formats import date_fr

    click.secho(f"Renouvelé jusqu'au {date_fr(nouveau['journal'][-1]['details']['jusqu_au'])}.", fg="green")


@prets.command("retour")
@click.argument("identifiant")
@click.option("--materiel", "inventaire", required=True, help="Numéro d'inventaire de l'appareil rendu.")
@click.option("--etat", type=click.Choice(["bon", "a_reparer", "hors_service"]), required=True, help="État de l'appareil rendu.")
@click.option("--par", default="référent de parcours PRE", show_default=True)
@OPTION_JOUR
@commande_sure
def prets_retour(identifiant: str, inventaire: str, etat: str, par: str, date_seance: str | None):
    """Enregistre le retour d'un appareil dans le dossier de la famille (un commit) : il redevient disponible, à réparer ou hors service."""
    from ..attribution.parc import ETAT_APRES_RETOUR
    from ..attribution.prets import retour
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    dossier = retour(coffre.lire(identifiant.strip().upper()), inventaire, etat, _jour(date_seance), par)
    coffre.enregistrer([dossier], "Retour de matériel")
    tag = inventaire.strip().upper()
    click.secho(f"Retour de {tag} enregistré dans le dossier de la famille, commité ; l'appareil est maintenant "
                f"« {ETAT_APRES_RETOUR[etat]} ».", fg="green")
    if etat != "bon":
        click.echo(f"Quand il aura été réparé ou réformé : famnum stock etat {tag} en_service (ou reforme).")


@prets.command("verifier")
@commande_sure
def prets_verifier():
    """Prouve que le stock est cohérent avec les dossiers : chaque appareil en un seul endroit."""
    from ..attribution.parc import StockIncoherent, verifier_stock
    from ..attribution.seance_commission import charger_publics
    from ..attribution.stock import chemin_stock
    from ..dossiers import Coffre
    from ..erreurs import Rapport

    coffre = Coffre.ouvrir()
    _, stock = charger_publics(coffre)
    problemes = verifier_stock(coffre.lire_tous(valider=True).dossiers, stock, coffre.territoire.relatif(chemin_stock(coffre.territoire)))
    if problemes:
        raise StockIncoherent(Rapport(problemes))
    click.secho(f"Stock cohérent : {len(stock)} appareils, chacun en un seul endroit.", fg="green")


@main.group("stock", invoke_without_command=True)
@click.option("--appareils", is_flag=True, help="Liste aussi chaque appareil avec son état.")
@click.pass_context
@commande_sure
def stock(ctx, appareils: bool):
    """Le parc de matériel : chaque appareil disponible, prêté, en préparation, hors service ou réformé, lu dans les dossiers ; sous-commande etat."""
    if ctx.invoked_subcommand:
        return
    from ..attribution.parc import etat_du_parc
    from ..attribution.rendu import texte_parc
    from ..attribution.seance_commission import charger_publics
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    grille, publics = charger_publics(coffre)
    click.echo(texte_parc(etat_du_parc(publics, coffre.lire_tous(valider=False).dossiers), grille, appareils))


@stock.command("etat")
@click.argument("inventaire")
@click.argument("etat", type=click.Choice(["en_service", "en_preparation", "hors_service", "reforme"]))
@OPTION_JOUR
@commande_sure
def stock_etat(inventaire: str, etat: str, date_seance: str | None):
    """Change l'état d'un appareil dans le fichier public du stock (réparé, à préparer, hors service, réformé), en un commit."""
    from ..attribution.parc import changer_etat
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    appareil = changer_etat(coffre, inventaire, etat, _jour(date_seance))
    click.secho(f"{appareil.inventaire} est maintenant « {etat} » dans data/referentiels/materiels.csv (commité).", fg="green")
