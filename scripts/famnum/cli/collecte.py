"""famnum importer : les listes de recensement des écoles, des collèges et des centres sociaux."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from . import commande_sure, confirmer, main
from ..formats import compte

APERCU = 5


def _avertir_si_dans_le_depot(chemin: Path, racine: Path) -> None:
    """The spreadsheet holds names in clear: it must never enter git."""
    try:
        relatif = chemin.resolve().relative_to(racine.resolve())
    except ValueError:
        return
    from .. import depot

    suivi = str(relatif) in depot.fichiers_suivis(racine)
    click.secho(f"Attention : le tableur est dans le dépôt ({relatif}). Il contient des noms en clair : "
                f"{'il est déjà suivi par git ! Retirez-le (« git rm --cached ») et ' if suivi else 'ne l’ajoutez jamais à git ; '}"
                "déplacez-le hors du dépôt et effacez-le après l'import.", fg="red", err=True)


def _exiger_schema_a_jour(coffre) -> None:
    """A territory made before the census import has a schema without the census contact."""
    from ..erreurs import FamnumError

    fiche = coffre.schema.schema["properties"]["fiche"]
    if "contact_recensement" not in fiche["properties"] or "x-requis-diagnostic" not in fiche:
        raise FamnumError(f"{coffre.territoire.relatif(coffre.territoire.schema_famille)} date d'avant l'import des "
                          "listes de recensement.", code="recensement.schema_ancien",
                          correction="lancez « famnum migrer » (il met à jour le schéma et "
                          "data/datapackage.yaml après avoir vérifié chaque dossier), puis relancez l'import.")


def _montrer_feuilles(tableau) -> None:
    """Which sheets of a workbook are read, so that a list spread over one sheet per class is not half read."""
    if tableau.suite:
        noms = [tableau.feuille] + [t.feuille for t, _ in tableau.suite]
        click.echo(f"Feuilles lues ({len(noms)}, une même liste) : {', '.join(f'« {n} »' for n in noms)}.")
    if tableau.laissees:
        click.echo(f"Feuilles sans liste reconnue, laissées de côté : {', '.join(f'« {n} »' for n in tableau.laissees)}.")


def _avertir_referentiels_vides(racine: Path, quartier: str | None) -> None:
    """Before any question: a territory whose tables of quartiers or schools are still empty cannot attach
    a row to its QPV, and the steward should know why every row would be refused, and what to fill in."""
    from ..territoire_vierge import referentiels_de_l_import

    problemes = referentiels_de_l_import(racine)
    if not problemes:
        return
    suite = (f"les familles sans école ni quartier lisible seront rattachées au quartier « {quartier} »." if quartier
             else "une ligne qui ne dit ni une école ni un quartier connus sera refusée.")
    click.secho("Attention : les tables de référence du territoire ne sont pas encore remplies ; " + suite,
                fg="yellow", err=True)
    for probleme in problemes:
        click.echo("- " + probleme.texte().replace("\n", "\n  "), err=True)


def _montrer_colonnes(entetes: list[str], colonnes: dict[int, str]) -> None:
    from ..collecte.tableur import CHAMPS

    click.echo("Correspondance des colonnes :")
    for i, entete in enumerate(entetes):
        if entete:
            cible = CHAMPS[colonnes[i]][0] if i in colonnes else "(ignorée)"
            click.echo(f"  {i + 1:>2}. « {entete} » → {cible}")


def _choisir_colonnes(entetes: list[str], colonnes: dict[int, str]) -> dict[int, str]:
    """The steward corrects the mapping column by column (Entrée keeps the proposal)."""
    from ..collecte.tableur import CHAMPS

    champs = list(CHAMPS)
    click.echo("Champs possibles : 0. (ignorer la colonne)")
    for n, champ in enumerate(champs, 1):
        click.echo(f"  {n}. {CHAMPS[champ][0]}")
    nouvelles = {}
    for i, entete in enumerate(entetes):
        if not entete:
            continue
        defaut = champs.index(colonnes[i]) + 1 if i in colonnes else 0
        choix = click.prompt(f"« {entete} »", type=click.IntRange(0, len(champs)), default=defaut)
        if choix:
            nouvelles[i] = champs[choix - 1]
    return nouvelles


def _correspondance(tableau, memoire, chemin, oui: bool) -> tuple[dict[int, str], bool]:
    """The columns: the source's saved mapping, else the proposal the steward confirms or corrects.
    Returns (columns, whether to keep them in the source's memory)."""
    from ..collecte import import_tableur as imp

    colonnes = imp.colonnes_de_memoire(memoire, tableau.entetes)
    if colonnes is not None:
        click.echo("Correspondance enregistrée pour cette source réutilisée.")
        _montrer_colonnes(tableau.entetes, colonnes)
        return colonnes, False
    colonnes = imp.colonnes_proposees(tableau)
    _montrer_colonnes(tableau.entetes, colonnes)
    if not oui and not confirmer("Cette correspondance est-elle juste ?"):
        colonnes = _choisir_colonnes(tableau.entetes, colonnes)
    imp.verifier_colonnes(colonnes)
    garder = bool(chemin) and (oui or confirmer("Garder cette correspondance pour les prochains tableurs de cette source ?"))
    return colonnes, garder


def _demandeur(fichier: str, avec_source: bool):
    """Asks the steward, once per name, which school or QPV an uncertain name means."""
    suite = " (la réponse vaudra pour les prochains imports de cette source)" if avec_source else \
        " (sans --source, la réponse ne vaut que pour cet import)"
    from ..collecte.import_tableur import TITRES_TABLES

    def demander(table: str, texte: str, candidats, numeros: list[int]) -> str | None:
        proposes = candidats[:3]
        click.echo(f"\n« {texte} » ({fichier}, ligne {numeros[0]}) : quel {TITRES_TABLES[table]} ?")
        for n, c in enumerate(proposes, 1):
            click.echo(f"  {n}. {c.nom} ({c.code})")
        click.echo("  0. aucun : laisser vide et le signaler dans le rapport")
        choix = click.prompt(f"Votre choix{suite}",
                             type=click.IntRange(0, len(proposes)), default=1)
        return proposes[choix - 1].code if choix else None

    return demander


def _apercu(analyse, referentiels) -> None:
    from ..formats import date_fr
    from ..saisie import telephone_lisible

    click.echo(f"\nAperçu (les {min(APERCU, len(analyse.lignes))} premières lignes lues) :")
    for ligne in analyse.lignes[:APERCU]:
        e = ligne.enfant
        ecole = referentiels.etablissements.get(e.get("etablissement", ""), {}).get("nom", "—")
        tel = telephone_lisible(ligne.contact["telephone"]) if "telephone" in ligne.contact else "—"
        naissance = date_fr(e["date_naissance"]) if e.get("date_naissance") else "—"
        click.echo(f"  ligne {ligne.numero} : {e['nom']} {e['prenom']}, né(e) le {naissance}, "
                   f"{ecole}, {e.get('classe', '—')}, tél. {tel}")


def _enregistrer(coffre, plan) -> None:
    """Saves in one commit. A dossier the rules refuse is left out and said, never the whole import
    (validated once, by the save itself: 5,000 rows must stay fast)."""
    from ..dossiers import ErreurValidation

    try:
        coffre.enregistrer(plan.a_enregistrer, "Import d'une liste de recensement")
    except ErreurValidation as e:
        fautifs = {p.fichier.split(".")[0]: p for p in e.rapport.problemes}
        plan.nouveaux = [d for d in plan.nouveaux if d["id"] not in fautifs]
        plan.completes = [d for d in plan.completes if d["id"] not in fautifs]
        for identifiant, p in fautifs.items():
            click.secho(f"Dossier {identifiant} laissé de côté : {p.champ or 'dossier'} — {p.message}", fg="yellow", err=True)
        if not plan.a_enregistrer:
            raise
        coffre.enregistrer(plan.a_enregistrer, "Import d'une liste de recensement")


@main.command("importer")
@click.argument("fichier", type=click.Path(path_type=Path))
@click.option("--source", help="Nom court de la source (par exemple « ecole-albert-camus ») : sa mémoire (type, colonnes, "
                               "noms d'établissements tranchés) est gardée dans data/imports/<source>.yaml.")
@click.option("--type", "type_source", default=None,
              type=click.Choice(["pre", "ecole", "college", "centre_social", "mairie", "autre"]),
              help="Qui a fourni la liste (noté dans l'événement « recensement ») ; par défaut celui gardé pour la "
                   "source, sinon « ecole ».")
@click.option("--feuille", metavar="NOM", default=None,
              help="L'onglet à lire, quand le classeur a plusieurs listes aux colonnes différentes ; sans cette "
                   "option, toutes les feuilles visibles qui ont une liste sont lues (une feuille par classe).")
@click.option("--quartier", metavar="CODE", default=None,
              help="Le quartier (code de data/referentiels/qpv.csv) d'une famille dont la ligne ne dit ni l'école ni "
                   "le quartier, quand toute la liste vient d'un seul quartier ; gardé pour la source.")
@click.option("--par", prompt="Votre fonction (elle sera notée dans le journal, pas votre nom)",
              help="Votre fonction, par exemple « coordinatrice PRE ».")
@click.option("--date", "jour", help="Date du recensement (jj/mm/aaaa) ; par défaut aujourd'hui.")
@click.option("--oui", is_flag=True, help="Accepter la correspondance proposée et enregistrer sans question ; "
                                          "un nom d'établissement incertain est laissé vide et signalé.")
@commande_sure
def importer(fichier: Path, source: str | None, type_source: str | None, feuille: str | None, quartier: str | None,
             par: str, jour: str | None, oui: bool):
    """Importe une liste de recensement (.xlsx, .ods, .xls, .csv) : crée ou complète les dossiers en un commit."""
    from .. import ecriture
    from ..collecte import import_tableur as imp
    from ..collecte.rapport_import import texte_rapport
    from ..collecte.regroupement import planifier
    from ..dossiers import Coffre
    from ..saisie import lire_date

    coffre = Coffre.ouvrir()
    _exiger_schema_a_jour(coffre)
    _avertir_si_dans_le_depot(fichier, coffre.territoire.racine)
    tableau = imp.lire_tableau(fichier, feuille)
    _montrer_feuilles(tableau)
    chemin = imp.chemin_correspondance(coffre.territoire.data, source) if source else None
    memoire = imp.charger_memoire(chemin)
    avant = repr(memoire)
    type_source = type_source or memoire.type_source or "ecole"
    memoire.type_source = type_source
    if quartier or memoire.quartier:  # a code kept for the source is checked again: qpv.csv may have changed
        memoire.quartier = imp.quartier_par_defaut(coffre.referentiels, quartier or memoire.quartier)
    _avertir_referentiels_vides(coffre.territoire.racine, memoire.quartier)
    colonnes, garder = _correspondance(tableau, memoire, chemin, oui)
    if garder:
        imp.memoriser_colonnes(memoire, tableau.entetes, colonnes)
    jour_iso = date.fromisoformat(lire_date(jour)) if jour else date.today()
    analyse = imp.analyser(tableau, colonnes, coffre.referentiels, memoire, None if oui else _demandeur(fichier.name, bool(chemin)),
                           fichier.name)
    plan = planifier(analyse, coffre.lire_tous(valider=False).dossiers, type_source, par, jour_iso,
                     qpv_par_defaut=memoire.quartier or "")
    _apercu(analyse, coffre.referentiels)
    noms = {t: {c: l["nom"] for c, l in coffre.referentiels.table(t).items()} for t in imp.TITRES_TABLES}
    click.echo("\nRapport :\n" + "\n".join(texte_rapport(analyse, plan, noms)))
    if chemin and repr(memoire) != avant:
        ecriture.enregistrer(coffre.territoire.racine, [(chemin, imp.texte_memoire(memoire))],
                             "Import : mémoire d'une source (type, colonnes, noms tranchés)")
        click.echo(f"Mémoire de la source enregistrée dans {coffre.territoire.relatif(chemin)}.")
    if not plan.a_enregistrer:
        click.echo("\nRien de nouveau : aucun dossier n'est modifié.")
        return
    if not oui and not confirmer(f"\nCréer {len(plan.nouveaux)} et compléter {compte(len(plan.completes), 'dossier')} ?"):
        click.echo("Rien n'a été enregistré.")
        return
    _enregistrer(coffre, plan)
    click.secho(f"{compte(len(plan.nouveaux), 'dossier créé', 'dossiers créés')}, {compte(len(plan.completes), 'complété')}, chiffrés et commités en un seul commit.",
                fg="green")


@main.command("formulaire")
@click.option("--port", default=0, type=int, help="Port local (par défaut : un port libre au hasard).")
@click.option("--sans-navigateur", is_flag=True, help="Ne pas ouvrir le navigateur (afficher l'adresse seulement).")
@commande_sure
def formulaire(port: int, sans_navigateur: bool):
    """Ouvre le formulaire de diagnostic dans le navigateur, sur cet ordinateur seulement (127.0.0.1)."""
    import secrets
    import webbrowser

    from ..collecte.web import creer_app
    from ..collecte.web_garde import creer_serveur
    from ..dossiers import Coffre

    coffre = Coffre.ouvrir()
    jeton = secrets.token_urlsafe(24)
    with prise_locale(port) as prise:  # werkzeug would say « Address already in use » in English
        serveur = creer_serveur(creer_app(coffre, jeton), port, fd=prise.fileno())
    adresse = f"http://127.0.0.1:{serveur.port}/{jeton}/"
    click.echo(f"Formulaire ouvert sur cet ordinateur seulement : {adresse}\n"
               "L'adresse contient un jeton secret : ne la partagez pas. Ctrl-C pour fermer (la session se termine).")
    if not sans_navigateur:
        webbrowser.open(adresse)
    try:
        serveur.serve_forever()
    finally:
        serveur.server_close()


def prise_locale(port: int):
    """A listening socket on 127.0.0.1:port, or a French message saying what to do instead."""
    import errno
    import socket

    from ..erreurs import FamnumError

    prise = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    prise.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        prise.bind(("127.0.0.1", port))
        prise.listen(16)
    except OSError as e:
        prise.close()
        if e.errno == errno.EADDRINUSE:
            raise FamnumError(f"Le port {port} est déjà pris par un autre programme (peut-être un formulaire famnum "
                              "encore ouvert dans un autre terminal).", code="formulaire.port_pris",
                              correction="fermez cet autre programme, ou "
                              "relancez sans --port (famnum choisit un port libre), ou avec un autre numéro, "
                              f"par exemple « famnum formulaire --port {port + 1} ».") from None
        if e.errno == errno.EACCES:
            raise FamnumError(f"Le port {port} est réservé à l'administrateur de cet ordinateur.", code="formulaire.port_reserve",
                              correction="relancez sans --port, ou avec un numéro au-dessus de 1024, par exemple --port 8765.") from None
        raise FamnumError(f"Impossible d'ouvrir le port {port} sur cet ordinateur ({e.strerror}).", code="formulaire.port_impossible",
                          correction="relancez sans --port.") from None
    return prise
