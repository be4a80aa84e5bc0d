"""famnum famille … et famnum familles lister : le travail de tous les jours."""
from __future__ import annotations

from datetime import date

import click

from . import commande_sure, confirmer, main
from ..statuts import STATUTS
from .francais import ChoixDuSchema


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
@click.option("--par", help="Votre fonction, par exemple « référente PRE Sablons » (elle sera notée dans le journal, "
                            "pas votre nom).")
@click.option("--reprendre", is_flag=True, help="Reprendre un entretien interrompu par Ctrl-C (brouillon chiffré).")
@commande_sure
def nouvelle(par: str | None, reprendre: bool):
    """Remplit la fiche de diagnostic question par question, puis l'enregistre chiffrée."""
    from ..collecte.terminal import Entretien
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    if reprendre:
        brouillon = _choisir_brouillon(coffre)
        existant = coffre.lire(brouillon.contenu["identifiant"]) if brouillon.contenu.get("identifiant") else None
        entretien = Entretien.depuis(brouillon.contenu["entretien"])
        click.echo(f"Reprise du brouillon ({brouillon.description}) : {entretien.nombre_de_reponses()} réponses "
                   "gardées, seules les questions suivantes sont posées.\n")
        _mener_entretien(coffre, entretien, brouillon.contenu["par"], existant, brouillon)
        return
    click.echo("Fiche nominative de diagnostic. Entrée seule pour passer un champ facultatif ; Ctrl-C pour "
               "interrompre (vous pourrez garder un brouillon chiffré).\n")
    _mener_entretien(coffre, Entretien(), par or _fonction())


@famille.command("completer")
@click.argument("identifiant")
@click.option("--par", help="Votre fonction, par exemple « référente PRE Sablons » (pas votre nom).")
@commande_sure
def completer(identifiant: str, par: str | None):
    """Diagnostic d'une famille recensée : pose seulement les questions qui manquent à sa fiche."""
    import copy

    from ..affichage import Afficheur
    from ..collecte.terminal import Entretien
    from ..dossiers import Coffre
    from ..statuts import statut

    coffre = Coffre.ouvrir()
    existant = coffre.lire(identifiant)
    entretien = Entretien(copy.deepcopy(existant["fiche"]))
    click.secho(f"Dossier {existant['id']} — {STATUTS[statut(existant)]}", bold=True)
    contact = existant["fiche"].get("contact_recensement")
    if contact:
        click.echo(Afficheur(coffre.schema, coffre.referentiels).fiche({"contact_recensement": contact}))
    click.echo(f"\nDéjà dans la fiche : {entretien.nombre_de_reponses()} réponses. Seules les questions qui "
               "manquent sont posées ; Ctrl-C pour interrompre (vous pourrez garder un brouillon chiffré).\n")
    _mener_entretien(coffre, entretien, par or _fonction(), existant)


def _fonction() -> str:
    while True:
        par = click.prompt("Votre fonction (elle sera notée dans le journal, pas votre nom)", default="",
                           show_default=False).strip()
        if len(par) >= 2:
            return par
        click.echo("  ⚠ Tapez votre fonction, par exemple « référente PRE Sablons ».")


def _choisir_brouillon(coffre):
    from ..collecte import brouillons
    from ..erreurs import FamnumError

    liste = brouillons.lister(coffre)
    if not liste:
        raise FamnumError("Aucun brouillon à reprendre dans build/private/brouillons/.", code="entretien.aucun_brouillon",
                          correction="commencez un "
                          "entretien avec « famnum famille nouvelle ».")
    if len(liste) == 1:
        return liste[0]
    for i, b in enumerate(liste, 1):
        click.echo(f"  {i}. {b.description}")
    choix = click.prompt("Quel brouillon reprendre ? (numéro)", type=click.IntRange(1, len(liste)))
    return liste[choix - 1]


def _suggestions(fiche: dict) -> dict[str, str]:
    """What the census list brought, offered as the answer Entrée accepts (never taken silently)."""
    from ..saisie import telephone_lisible

    contact = fiche.get("contact_recensement") or {}
    suggestions = {}
    if contact.get("telephone"):
        suggestions["representants_legaux.0.telephone"] = telephone_lisible(contact["telephone"])
    if contact.get("courriel"):
        suggestions["representants_legaux.0.courriel"] = contact["courriel"]
    if contact.get("lien"):
        suggestions["representants_legaux.0.lien"] = contact["lien"]
    if fiche.get("accepte_formation"):
        suggestions["capacites.formation"] = fiche["accepte_formation"]
    if fiche.get("enfants"):
        suggestions["foyer.nb_enfants"] = str(len(fiche["enfants"]))
    suggestions.update(_nom_du_responsable(contact.get("responsable", ""), fiche.get("enfants") or []))
    return suggestions


def _nom_du_responsable(responsable: str, enfants: list[dict]) -> dict[str, str]:
    """« Maud Ormeval » or « ORMEVAL Maud » split into first name and name, only when one of its words
    is a child's name (a list writes them in either order): otherwise nothing is guessed."""
    from ..formats import sans_accents

    mots = responsable.split()
    noms = {sans_accents(e.get("nom", "")) for e in enfants}
    communs = [m for m in mots if sans_accents(m) in noms]
    if len(mots) < 2 or len(communs) != 1:
        return {}
    prenom = " ".join(m for m in mots if m != communs[0])
    return {"representants_legaux.0.prenom": prenom, "representants_legaux.0.nom": communs[0].title() if communs[0].isupper() else communs[0]}


def _mener_entretien(coffre, entretien, par: str, existant: dict | None = None, brouillon=None) -> None:
    """Asks what is missing, goes back to any question a rule still refuses, saves; on Ctrl-C, offers
    to keep an encrypted draft of every answer."""
    from ..affichage import Afficheur
    from ..collecte import brouillons
    from ..collecte.terminal import Questionnaire

    _exiger_listes(coffre)
    questionnaire = Questionnaire(coffre.schema, coffre.referentiels, _console(), entretien,
                                  regles=lambda fiche: _regles(coffre, fiche, existant))
    questionnaire.suggestions = _suggestions(entretien.fiche)
    identifiant = existant["id"] if existant else None
    try:
        dossier = _jusqu_a_valide(coffre, questionnaire, par, existant)
        click.echo("\nRésumé :\n" + Afficheur(coffre.schema, coffre.referentiels).fiche(dossier["fiche"]))
        enregistrer = confirmer("\nEnregistrer ce dossier ?")
    except (KeyboardInterrupt, click.exceptions.Abort):
        _proposer_brouillon(coffre, entretien, par, identifiant, brouillon)
        return
    if not enregistrer:
        click.echo("Rien n'a été enregistré.")
        return
    coffre.enregistrer([dossier], "Diagnostic d'une famille recensée" if existant else "Nouvelle fiche de diagnostic")
    brouillons.effacer(brouillon)
    click.secho(f"Dossier {dossier['id']} enregistré, chiffré et commité.", fg="green")


def _exiger_listes(coffre) -> None:
    """A required question whose list is empty (a new territory's QPV) could never be answered: said
    before the first question, not after sixty."""
    from ..erreurs import FamnumError

    for chemin, table in coffre.schema.champs("x-reference"):
        parent = coffre.schema.sous_schema(tuple(0 if c == "*" else c for c in chemin[:-1]))
        requis = set(parent.get("required", [])) | set(parent.get("x-requis-diagnostic", []))
        if chemin[-1] in requis and not coffre.referentiels.table(table):
            titre = coffre.schema.titre_chemin(tuple(0 if c == "*" else c for c in chemin))
            raise FamnumError(f"data/referentiels/{table}.csv est vide : la question « {titre} » n'aurait aucune "
                              "réponse possible.", code="entretien.referentiel_vide",
                              correction="ajoutez-y au moins une ligne (voir « famnum verifier »), "
                              "commitez, puis relancez l'entretien.")


def _dossier(coffre, fiche: dict, par: str, existant: dict | None, identifiant: str) -> dict:
    from ..dossiers import evenement
    from ..statuts import statut

    if existant is None:
        return {"id": identifiant, "version": 1, "fiche": fiche, "journal": [evenement("diagnostic", par)]}
    journal = list(existant.get("journal", []))
    if statut(existant) == "recense":
        journal.append(evenement("diagnostic", par))
    return {**existant, "fiche": fiche, "journal": journal}


def _regles(coffre, fiche: dict, existant: dict | None) -> list:
    """The business rules of a dossier as it would be saved (they name their field)."""
    from ..validation import erreurs_metier

    dossier = _dossier(coffre, fiche, "entretien", existant, (existant or {}).get("id", "F-22222"))
    return erreurs_metier(dossier, coffre.schema, coffre.referentiels, "formulaire", date.today())


def _jusqu_a_valide(coffre, questionnaire, par: str, existant: dict | None) -> dict:
    """The interview until the dossier validates: each refused answer is asked again, the others kept."""
    from ..dossiers import nouvel_identifiant

    identifiant = existant["id"] if existant else nouvel_identifiant(coffre.identifiants())
    prefixe = coffre.schema.titre_chemin(("fiche",)) + " › "
    while True:
        dossier = _dossier(coffre, questionnaire.remplir(), par, existant, identifiant)
        rapport = coffre.valider([dossier])
        if rapport.valide:
            return dossier
        click.secho("\nAvant d'enregistrer, il reste à corriger :", fg="red")
        for p in rapport.problemes:
            click.secho(f"  {p.champ.removeprefix(prefixe)} : {p.message}" + (f" ({p.correction})" if p.correction else ""),
                        fg="red")
        if questionnaire.oublier(rapport.problemes):
            click.echo("Ces points ne se corrigent pas par une question du formulaire.")
            raise click.exceptions.Abort()
        click.echo("Toutes les autres réponses sont gardées : seules ces questions sont reposées.\n")


def _proposer_brouillon(coffre, entretien, par: str, identifiant: str | None, brouillon) -> None:
    import sys

    from ..collecte import brouillons

    click.echo("\n\nEntretien interrompu.", err=True)
    if not entretien.nombre_de_reponses():
        click.echo("Aucune réponse à garder : rien n'a été enregistré.", err=True)
        sys.exit(130)
    try:
        garder = confirmer(f"Garder un brouillon chiffré de ces {entretien.nombre_de_reponses()} réponses, "
                           "pour reprendre plus tard ?", err=True)
    except (KeyboardInterrupt, click.exceptions.Abort):
        garder = False
    if garder:
        brouillons.garder(coffre, entretien.en_dict(), par, identifiant, brouillon.chemin if brouillon else None)
        click.echo("Brouillon gardé, chiffré pour les détenteurs de clé du territoire (jamais en clair). "
                   "Pour reprendre : famnum famille nouvelle --reprendre", err=True)
    else:
        click.echo("Rien n'a été enregistré ni gardé.", err=True)
    sys.exit(130)


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
    from ..dossiers import Coffre
    from ..statuts import statut

    from ..validation import ce_qui_manque

    coffre = Coffre.ouvrir()
    dossier = coffre.lire(identifiant)
    click.secho(f"Dossier {dossier['id']} — {STATUTS[statut(dossier)]}", bold=True)
    manque = ce_qui_manque(dossier, coffre.schema)
    if manque:
        click.secho(manque, fg="yellow")
    afficheur = Afficheur(coffre.schema, coffre.referentiels)
    click.echo(afficheur.fiche(dossier["fiche"]))
    click.secho("\nJournal :", bold=True)
    click.echo(afficheur.journal(dossier.get("journal", [])))


def _types_a_la_main() -> list[str]:
    """The event types of the schema a person adds by hand (a rectification is `famnum rgpd rectifier`'s)."""
    from ..schemas import du_modele

    return [t for t in du_modele().types_evenements() if t != "rectification"]


@famille.command("evenement")
@click.argument("identifiant")
@click.argument("type_", metavar="TYPE", type=ChoixDuSchema(_types_a_la_main))
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
    details = Questionnaire(coffre.schema, coffre.referentiels, _console()).remplir_noeud(schema_details) \
        if schema_details.get("properties") else {}
    jour_iso = date.fromisoformat(lire_date(jour)) if jour else date.today()
    dossier["journal"].append(evenement(type_, par, jour_iso, details, note))
    coffre.enregistrer([dossier], f"Journal : {type_}")
    click.secho(f"Événement « {type_} » ajouté au dossier {dossier['id']}.", fg="green")


@familles.command("lister")
@click.option("--qpv", help="Code du QPV (voir data/referentiels/qpv.csv).")
@click.option("--etablissement", help="Code de l'établissement (voir data/referentiels/etablissements.csv).")
@click.option("--statut", "statut_", type=click.Choice(list(STATUTS)), help="L'étape où en est la famille.")
@commande_sure
def lister(qpv: str | None, etablissement: str | None, statut_: str | None):
    """Liste les familles (identifiant, QPV, établissement, statut) ; rien de nominatif."""
    from ..affichage import liste_des_familles
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    lignes = liste_des_familles(coffre.lire_tous(valider=False).dossiers, coffre.referentiels, qpv, etablissement, statut_)
    click.echo("\n".join(lignes) if lignes else "Aucune famille ne correspond.")
    from ..saisie import accorder

    click.echo(f"\n{accorder(len(lignes), 'famille')}.")
