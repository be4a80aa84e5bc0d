"""The commission's dossier: one Markdown file and its A4 PDF in build/private/, pseudonymised.

Each family is a keyed pseudonym with its QPV, school level, household size, score and breakdown,
proposal and cost; never a name, phone, address, id or date of birth (a test plants them and
searches both files)."""
from __future__ import annotations

from pathlib import Path

from ..formats import cellule, compte, date_fr, euros, nombre
from ..referentiels import Referentiels
from .grille import Grille
from .proposition import Candidature, Proposition

NIVEAUX = {"primaire": "primaire", "college": "collège"}
VALEURS = {"aucun": "aucun abonnement", "mobile": "forfait mobile seulement", "box": "box internet",
           "oui": "oui", "partiellement": "en partie", "non": "non", "ne_sait_pas": "ne sait pas"}


def tableau(entetes: list[str], lignes: list[list]) -> str:
    sortie = ["| " + " | ".join(entetes) + " |", "|" + " --- |" * len(entetes)]
    sortie += ["| " + " | ".join(cellule(c) for c in ligne) + " |" for ligne in lignes]
    return "\n".join(sortie) + "\n"


# A few words per criterion, for a table read on paper around a table (the grid's libellés are sentences).
NOMS_COURTS = {"besoin_declare": "Besoin déclaré", "sans_ordinateur": "Sans ordinateur",
               "ordinateur_partage": "Ordinateur partagé", "enfants_scolarises": "Enfants scolarisés",
               "collegiens_portable": "Collégiens sans portable", "sans_internet": "Internet",
               "sans_imprimante": "Sans imprimante", "capacite_paiement": "Capacité de paiement",
               "accepte_formation": "Formation acceptée", "reside_qpv": "Habite un QPV"}


def noms_criteres(grille: Grille) -> dict[str, str]:
    """Each criterion's short name, in the grid's order."""
    return {code: NOMS_COURTS.get(code, code) for code in grille.criteres}


def niveau_scolaire(c: Candidature) -> str:
    return " et ".join(NIVEAUX[n] for n in c.situation.niveaux) or "non renseigné"


def decomposition(c: Candidature, noms: dict[str, str]) -> str:
    return " · ".join(f"{noms[p.critere]} {nombre(p.points)}" for p in c.points if p.points) or "aucun point"


def materiel_propose(c: Candidature, grille: Grille) -> str:
    morceaux = []
    for t, tag in c.attribution:
        morceaux.append(f"{grille.libelle_materiel(t)} ({'achat' if tag == 'achat' else tag})")
    if c.besoin.connexion:
        morceaux.append(grille.libelle_materiel("connexion_internet"))
    return ", ".join(morceaux)


def version_grille(racine: Path, fichier: str) -> str:
    """The commit that last changed the grid file, so the dossier says exactly which grid was used."""
    import subprocess

    sortie = subprocess.run(["git", "-C", str(racine), "log", "-1", "--format=%h du %cs", "--", fichier],
                            capture_output=True, text=True)
    modifie = subprocess.run(["git", "-C", str(racine), "status", "--porcelain", "--", fichier], capture_output=True, text=True)
    version = sortie.stdout.strip() or "jamais commitée"
    return version + (" (modifiée depuis, non commitée)" if modifie.stdout.strip() else "")


def section_grille(grille: Grille, version: str = "") -> str:
    regles = grille.donnees
    noms = noms_criteres(grille)
    lignes = []
    for code, critere in regles["criteres"].items():
        if "points_par_valeur" in critere:
            poids = " ; ".join(f"{VALEURS.get(v, v)} : {nombre(p)}" for v, p in critere["points_par_valeur"].items())
        else:
            poids = f"{nombre(critere['points'])}" + (f" par unité (au plus {critere['plafond']})" if "plafond" in critere else "")
        lignes.append([noms[code], critere["libelle"], poids, critere["source"]])
    regle = regles["regle_age"]
    modes = regles["modes"]["selon_capacite"]
    return "\n".join([
        "## La grille utilisée\n",
        f"Fichier public `{grille.fichier}` ({regles['titre']})" + (f", version {version}" if version else "") + f". {regles['portee']}\n",
        tableau(["Nom court", "Critère", "Points", "Source de la donnée"], lignes),
        f"**Règle d'âge** : moins de {regle['age_portable']} ans, ordinateur fixe ; {regle['age_portable']} ans et plus, "
        f"ordinateur portable ; un ordinateur par famille"
        + (f", un second si le foyer compte au moins {regle['second_ordinateur']['personnes_min']} personnes sans ordinateur "
           "et des enfants dans les deux tranches d'âge." if regle["second_ordinateur"]["autorise"] else "."),
        "",
        f"**Modes** : capacité à payer une location « oui » → {grille.libelle_mode(modes['oui'])} ; « en partie » → "
        f"{grille.libelle_mode(modes['partiellement'])} ; « non » → {grille.libelle_mode(modes['non'])} "
        f"(don pour un ordinateur reconditionné).\n",
        f"**Départage des ex aequo** : {regles['departage']}\n",
    ])


def section_totaux(p: Proposition) -> str:
    grille = p.grille.donnees
    aides = sum(c.aide_pre_mensuelle * grille["durees"]["location_mois"] + c.aide_connexion_mensuelle * grille["connexion"]["duree_mois"]
                for c in p.retenues)
    examinees = [c for c in p.candidatures]
    lignes_stock = [[p.grille.libelle_materiel(t), p.stock_initial[t], p.stock_initial[t] - p.stock_restant[t], p.stock_restant[t]]
                    for t in p.stock_initial]
    return "\n".join([
        "## Totaux\n",
        tableau(["", "Nombre"], [
            ["Familles examinées", len(examinees)],
            ["Proposées à l'équipement", len(p.retenues)],
            ["Sur la liste d'attente", len(p.attente)],
            ["Sans matériel à proposer", len(p.sans_proposition)],
        ]),
        tableau(["Budget des achats", "Montant"], [
            ["Budget des achats de matériel", euros(p.budget_achats)],
            ["Déjà engagé par les commissions précédentes", euros(p.engage_avant)],
            ["Achats proposés à cette séance", euros(p.cout_achats)],
            ["Reste après cette séance", euros(p.budget_restant)],
            ["Aides du PRE proposées (location aidée et connexion, sur leur durée)", euros(aides)],
            ["Budget total de l'action", euros(grille["budget"]["total"])],
        ]),
        tableau(["Stock", "Disponible", "Proposé", "Restant"], lignes_stock),
    ])


def section_plan(p: Proposition) -> str:
    lignes = []
    for phase in p.grille.donnees["phases"]:
        for t, chiffres in sorted(p.plan[phase["numero"]].items()):
            if t == "connexion_internet":
                lignes.append([phase["libelle"], p.grille.libelle_materiel(t), "—", compte(chiffres['achats'], 'famille'), euros(chiffres["cout"])])
            else:
                lignes.append([phase["libelle"], p.grille.libelle_materiel(t), chiffres["stock"], chiffres["achats"], euros(chiffres["cout"])])
    return "## Plan d'achat par phase et par matériel\n\n" + tableau(
        ["Phase", "Matériel", "Pris au stock", "À acheter", "Coût"], lignes)


def section_familles(p: Proposition, referentiels: Referentiels) -> str:
    codes = noms_criteres(p.grille)
    lignes = []
    for c in p.retenues:
        lignes.append([c.rang, c.pseudonyme, referentiels.qpv.get(c.situation.qpv, {}).get("nom", c.situation.qpv),
                       niveau_scolaire(c), c.situation.personnes, nombre(c.score), decomposition(c, codes),
                       materiel_propose(c, p.grille), p.grille.libelle_mode(c.mode), euros(c.cout_achats),
                       euros(c.aide_pre_mensuelle + c.aide_connexion_mensuelle)])
    entetes = ["Rang", "Famille", "QPV", "Niveau", "Pers.", "Points", "Détail", "Proposition", "Mode", "Achats", "Aides/mois"]
    attente = [[c.place_attente, c.rang, c.pseudonyme, referentiels.qpv.get(c.situation.qpv, {}).get("nom", c.situation.qpv),
                niveau_scolaire(c), c.situation.personnes, nombre(c.score), decomposition(c, codes),
                ", ".join(p.grille.libelle_materiel(t) for t in c.besoin.materiels)] for c in p.attente]
    sans = [[c.pseudonyme, nombre(c.score), " ".join(c.besoin.raisons) or "aucune demande"] for c in p.sans_proposition]
    return "\n".join([
        '<div class="paysage" markdown="1">\n',
        "## Proposition classée\n",
        "Détail : les points de chaque critère, par son nom court (la grille, à la fin, dit chaque critère en entier). "
        "« Achats » : coût pour le budget ; le matériel du stock n'en coûte pas.\n",
        tableau(entetes, lignes) if lignes else "*Aucune famille proposée.*\n",
        "## Liste d'attente\n",
        tableau(["Place", "Rang", "Famille", "QPV", "Niveau", "Pers.", "Points", "Détail", "Matériel nécessaire"], attente)
        if attente else "*Personne sur la liste d'attente.*\n",
        "## Familles sans matériel à proposer\n",
        tableau(["Famille", "Points", "Pourquoi"], sans) if sans else "*Aucune.*\n",
        "</div>\n",
    ])


def markdown_commission(p: Proposition, referentiels: Referentiels, fictif: bool = False, version: str = "") -> str:
    grille = p.grille.donnees
    entete = [f"# Commission d'attribution du matériel numérique — séance du {date_fr(p.jour)}\n"]
    if fictif:
        entete.append("**DONNÉES FICTIVES — démonstration.**\n")
    entete.append(f"{grille['territoire']}. Document de travail **confidentiel**, pseudonymisé : chaque famille y est "
                  "désignée par un pseudonyme à clé ; le secrétariat seul peut retrouver le dossier. Ne pas diffuser.\n")
    if p.avertissements:
        entete.append("\n".join(f"> {a}" for a in p.avertissements) + "\n")
    seance = ["## La séance\n",
              f"Date : {date_fr(p.jour)}. Secrétariat : {grille['commission']['secretariat']}.\n",
              "Membres de la commission :\n",
              "\n".join(f"- {m}" for m in grille["commission"]["membres"]) + "\n",
              "La grille propose ; la commission décide et écrit un motif chaque fois qu'elle s'écarte du classement.\n"]
    # the totals against budget and stock first: they fit the first page, which members read first
    return "\n".join(entete + [section_totaux(p)] + seance + [section_plan(p), section_familles(p, referentiels),
                                                               section_grille(p.grille, version)])


def pdf_depuis_markdown(markdown_texte: str, sortie: Path, titre: str,
                        pied: str = "Confidentiel — commission d'attribution") -> None:
    """A4 PDF of a private Markdown document, in the template `attribution/document.html`. WeasyPrint
    fetches nothing: no file, no address on the network (an image a dossier's text would name is
    left out, never requested)."""
    import markdown
    from markupsafe import Markup
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from ..gabarits import rendre
    from ..vault import ecrire_prive

    corps = markdown.markdown(markdown_texte, extensions=["tables", "admonition", "md_in_html"])
    # the body is the Markdown its callers wrote (values of dossiers escaped there), rendered by markdown
    document = rendre("attribution/document.html", titre=titre, pied=pied, corps=Markup(corps))
    sans_reseau = URLFetcher(timeout=1, allowed_protocols={"data"})
    ecrire_prive(sortie, HTML(string=document, base_url=str(sortie.parent), url_fetcher=sans_reseau).write_pdf())


def garde_fuites(texte: str, nom: str, aiguilles) -> None:
    """Refuses (before anything is written) a text in which the leak guard finds a personal value."""
    from ..erreurs import FamnumError

    fuites = aiguilles.chercher(texte, nom) if aiguilles is not None else []
    if fuites:
        raise FamnumError(f"{nom} contiendrait une donnée personnelle ({', '.join(f.nature for f in fuites)}) : "
                          "rien n'a été écrit.", code="commission.donnee_personnelle",
                          correction="signalez-le ; un libellé de la grille reprend sans doute une valeur d'un dossier.")


def aiguilles_de(dossiers, schema, referentiels: Referentiels):
    """The personal values of every dossier, public names of the reference tables set aside."""
    from ..fuites import Aiguilles

    aiguilles = Aiguilles.depuis_dossiers(dossiers, schema)
    aiguilles.ignorer_noms_publics(" ".join(r["nom"] for table in (referentiels.qpv, referentiels.etablissements)
                                            for r in table.values()))
    return aiguilles


def ecrire_commission(p: Proposition, referentiels: Referentiels, prive: Path, fictif: bool = False,
                      aiguilles=None) -> tuple[Path, Path]:
    racine = prive.parent.parent
    texte = markdown_commission(p, referentiels, fictif, version_grille(racine, p.grille.fichier))
    garde_fuites(texte, f"commission-{p.jour.isoformat()}.md", aiguilles)
    from ..vault import ecrire_prive

    md = prive / f"commission-{p.jour.isoformat()}.md"
    pdf = md.with_suffix(".pdf")
    ecrire_prive(md, texte.encode("utf-8"))
    pdf_depuis_markdown(texte, pdf, f"Commission d'attribution — {date_fr(p.jour)}")
    return md, pdf
