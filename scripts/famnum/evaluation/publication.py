"""`famnum evaluer` and `famnum publier`: from the encrypted dossiers to the public package and site.

publier fails closed: every step runs into a private staging folder under build/; only when every
check has passed (key present, dossiers valid, disclosure control done, package valid for
frictionless, site built strict, no personal value of any dossier found in the package or the
site) are build/public/ and site/ replaced. Otherwise nothing is published and the error says why.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..erreurs import ErreurRapport, FamnumError, Rapport
from . import calcul, definitions, paquet, perte, precedent, secret
from .calcul import ENSEMBLE
from ..formats import compte
from ..lecture import CORRIGER_LES_DOSSIERS

VARIABLE_PUBLIC = "FAMNUM_PUBLIC"  # where the site's markers read the package (default build/public)


class VerificationEchouee(ErreurRapport):
    """famnum publier on a territory famnum verifier refuses: its first problems, nothing published."""

    entete = "La vérification a échoué : rien n'est publié."
    nature = "publication.verification_echouee"
    conseil = "corrigez ces problèmes (famnum verifier les liste tous), puis relancez."
    code_sortie = 1


class EvaluationRefusee(ErreurRapport):
    """famnum evaluer on dossiers that fail their checks: no figure is computed from them."""

    code_sortie = 1
    entete = "l'évaluation n'est pas calculée : des dossiers ne passent pas les contrôles."
    nature = "evaluation.dossiers_invalides"
    conseil = CORRIGER_LES_DOSSIERS


@dataclass
class Evaluation:
    resultat: calcul.Resultat
    controle: secret.Controle
    definitions: definitions.Definitions
    deja_publie: dict | None = None  # the previous release's cells, read again by the protection check

    def publie(self, indicateur: str, periode: str, modalite: str, par: str = "qpv", groupe: str = ENSEMBLE):
        """A controlled figure, or None when it is hidden (or absent)."""
        for t in self.resultat.tableaux:
            if (t.indicateur, t.periode, t.par) == (indicateur, periode, par) and (groupe, modalite) in t.comptes:
                return None if secret.cle_case(t, (groupe, modalite)) in self.controle.masques else t.comptes[(groupe, modalite)]
        return None


def evaluer(coffre, lecture, seuil: int | None = None, aujourd_hui: date | None = None,
            deja_publie: dict | None = None) -> Evaluation:
    """deja_publie: the cells of the previous release (precedent.trouver), whose secrets are kept."""
    from .. import restes
    from .seances import lire_seances

    defs = definitions.charger(coffre.territoire.racine, seuil)
    # erased families still count, through their anonymous remainders: published figures never move
    lus = lecture.restes if lecture.restes is not None else restes.lire_tous(coffre.territoire, coffre.identites)
    familles = {**lecture.dossiers, **lus}
    resultat = calcul.calculer(familles, coffre.referentiels, coffre.schema.schema, defs,
                               lire_seances(coffre.territoire.racine), aujourd_hui)
    controle = secret.controler(resultat.tableaux, defs.seuil, [p.code for p in resultat.periodes], deja_publie)
    return Evaluation(resultat, controle, defs, deja_publie)


def _n(v) -> str:
    return "secret" if v is None else f"{v:,}".replace(",", "\u202f")


def _part(n, d) -> str:
    return "secret" if n is None or not d else f"{100 * n / d:.0f} %"


def resume(ev: Evaluation) -> str:
    """What a funder reads in one minute, in French, from controlled figures only."""
    if not ev.resultat.periodes:
        return "Aucune période terminée : pas encore d'évaluation à publier."
    derniere = ev.resultat.periodes[-1]
    p = derniere.code
    g = lambda ind, mod: ev.publie(ind, _periode_de(ev, ind, p), mod, par=_ventilation_de(ev, ind, _periode_de(ev, ind, p)))  # noqa: E731
    recensees = g("situation", ENSEMBLE)
    lignes = [f"Évaluation au {derniere.fin:%d/%m/%Y} ({derniere.libelle}), tableaux cumulés depuis le début du programme.",
              f"Secret statistique : seuil de {ev.controle.seuil} familles ; {len(ev.controle.masques)} cases masquées "
              f"({ev.controle.primaires} en secret primaire).", "",
              "Équipement :",
              f"  familles recensées : {_n(recensees)} ; équipées : {_n(g('situation', 'equipee'))} "
              f"({_part(g('situation', 'equipee'), recensees)}) ; en attente de livraison : {_n(g('situation', 'en_attente'))}",
              f"  internet à la maison (dernier suivi) : {_part(g('internet_maison', 'oui'), g('internet_maison', ENSEMBLE))}",
              "Utilisation :",
              f"  familles formées : {_n(g('parents_formes', 'oui'))} ; venues à un atelier CLAS : {_n(g('ateliers_clas', 'oui'))}"]
    prog = [g("progression_autonomie", m) for m in ("progresse", "stable", "recule")]
    lignes.append(f"  autonomie depuis la livraison : progresse {_n(prog[0])}, stable {_n(prog[1])}, recule {_n(prog[2])}")
    for temps in ("t0", "t3", "t12"):
        ind = f"autonomie_{temps}"
        total = g(ind, ENSEMBLE)
        if total:
            part = _part(g(ind, "souvent_toujours"), total)
            lignes.append(f"  se débrouillent seuls souvent ou toujours ({temps.upper()}) : {part} de {_n(total)} familles")
    lignes.append("Scolarité :")
    for ind, texte in (("devoirs_en_ligne", "devoirs en ligne rendus souvent ou toujours"),
                       ("contact_ecole", "contact numérique avec l'école souvent ou toujours")):
        for temps in ("t12", "t3", "t0"):
            total = g(f"{ind}_{temps}", ENSEMBLE)
            if total:
                lignes.append(f"  {texte} ({temps.upper()}, avis de l'école) : "
                              f"{_part(g(f'{ind}_{temps}', 'souvent_toujours'), total)} de {_n(total)} familles")
                break
    return "\n".join(lignes + ["", perte.mesurer(ev.resultat, ev.controle).texte()])


def _periode_de(ev: Evaluation, indicateur: str, defaut: str) -> str:
    """The latest period the indicator is published for (a thin table: once a school year)."""
    codes = {t.periode for t in ev.resultat.tableaux if t.indicateur == indicateur}
    return next((p.code for p in reversed(ev.resultat.periodes) if p.code in codes), defaut)


def _ventilation_de(ev: Evaluation, indicateur: str, periode: str) -> str:
    return next((t.par for t in ev.resultat.tableaux if (t.indicateur, t.periode) == (indicateur, periode)), "qpv")


# --- publier ---------------------------------------------------------------------------------

def publier(racine: Path | None = None, aujourd_hui: date | None = None, dire=lambda texte: None, *,
            construire_site) -> Path:
    """Everything CI does; returns the published package folder. Raises FamnumError, publishing nothing.
    ``construire_site(racine, site, public)`` builds the site (``site.construction.construire_site_territoire``,
    given by the command: the site layer sits above this one)."""
    from ..attribution.parc import etat_du_parc
    from ..attribution.stock import charger_stock
    from ..depot import donnees_fictives
    from ..dossiers import Coffre
    from ..verification import verifier_tout

    exiger_cle()
    coffre = Coffre.ouvrir(racine)
    territoire = coffre.territoire
    dire("1. Vérification des dossiers (déchiffrés en mémoire)…")
    rapport, lecture = verifier_tout(coffre)
    if not rapport.valide:
        raise VerificationEchouee(Rapport(rapport.problemes[:20]))
    n = len(lecture.dossiers)
    dire(f"   {n} dossier{'s' if n > 1 else ''} valide{'s' if n > 1 else ''}.")
    dire("2. Calcul des indicateurs et secret statistique…")
    ev = evaluer(coffre, lecture, aujourd_hui=aujourd_hui, deja_publie=precedent.trouver(territoire.public, dire))
    for avertissement in ev.definitions.avertissements:
        dire(f"   Attention : {avertissement}")
    if not ev.resultat.periodes:
        dire("   Aucune période terminée : pas encore de chiffres ; les pages de l'évaluation le diront.")
    controler_protection(ev, dire)
    territoire.racine.joinpath("build").mkdir(exist_ok=True)
    preparation = Path(tempfile.mkdtemp(prefix="publication-", dir=territoire.racine / "build"))
    try:
        public, site = preparation / "public", preparation / "site"
        paquet.ecrire(public, paquet.fichiers(ev.resultat, ev.definitions, ev.controle, nom_territoire(territoire.racine),
                                              stock=etat_du_parc(charger_stock(territoire), lecture.dossiers),
                                              fictif=donnees_fictives(territoire.racine)))
        dire("3. Contrôle du paquet de données ouvertes (frictionless)…")
        erreurs = paquet.valider_frictionless(public)
        if erreurs:
            raise FamnumError("Le paquet de données ouvertes est refusé par frictionless : rien n'est publié.\n  "
                              + "\n  ".join(erreurs[:10]), code="publication.paquet_refuse")
        dire("4. Construction du site…")
        construire_site(territoire.racine, site, public)
        copier_paquet_dans_site(public, site)
        dire("5. Recherche de données personnelles dans le paquet et le site…")
        fuites = chercher_fuites(lecture, territoire, [public, site])
        if fuites:
            raise FamnumError("Des données personnelles ont été trouvées dans ce qui allait être publié : rien n'est publié.\n  "
                              + "\n  ".join(f"{f.fichier} : {f.nature}" for f in fuites[:20]), code="publication.fuite",
                              correction="retirez-les de la page ou du fichier source indiqué, puis relancez.")
        remplacer(public, territoire.public)
        remplacer(site, territoire.racine / "site")
    finally:
        shutil.rmtree(preparation, ignore_errors=True)
    return territoire.public


def controler_protection(ev: Evaluation, dire=lambda texte: None) -> None:
    """The attacker's linear program on what is about to be published (every table, every period,
    the previous release): fails closed on an under-protected hidden cell, naming it and how it is
    found, never its value."""
    import time

    debut = time.perf_counter()
    failles = secret.verifier(ev.resultat.tableaux, ev.controle, [p.code for p in ev.resultat.periodes], ev.deja_publie)
    if failles:
        raise FamnumError(f"Secret statistique insuffisant : {compte(len(failles), 'case masquée mal protégée', 'cases masquées mal protégées')}, rien n'est "
                          "publié.\n  " + "\n  ".join(f.texte() for f in failles[:10]), code="publication.secret_insuffisant",
                          correction="signalez-le à l'équipe famnum (le choix des cases masquées en plus doit couvrir ce "
                          "cas) ; en attendant, publiez ces indicateurs moins souvent ou avec moins de détail "
                          "(data/indicateurs.yaml, publication: ventilations, rythme).")
    dire(f"   Intervalles de protection vérifiés (programmation linéaire, HiGHS) : {len(ev.controle.masques)} cases masquées, "
         f"aucune retrouvée ni trop bien encadrée ({time.perf_counter() - debut:.1f} s).")
    dire("   " + perte.mesurer(ev.resultat, ev.controle).texte())


def exiger_cle() -> None:
    from .. import vault

    if not os.environ.get("FAMNUM_IDENTITE") and not vault.chemin_identite().is_file():
        raise FamnumError("Aucune clé pour ouvrir les dossiers : rien n'est publié.", code="publication.sans_cle",
                          correction="en CI, donnez la clé privée de publication dans la variable secrète FAMNUM_IDENTITE "
                          "(voir le README, « Publier avec la CI ») ; sur un poste, « famnum cles creer ».")


def nom_territoire(racine: Path) -> str:
    from ruamel.yaml import YAML

    chemin = racine / "mkdocs.yml"
    if chemin.is_file():
        yaml = YAML(typ="rt")
        try:
            config = yaml.load(chemin.read_text(encoding="utf-8")) or {}
            nom = ((config.get("extra") or {}).get("territoire") or {}).get("nom")
            if nom:
                return str(nom)
        except Exception:  # noqa: BLE001 (tags of mkdocs plugins): the name is only a title
            pass
    return "territoire"


def copier_paquet_dans_site(public: Path, site: Path) -> None:
    """The package is downloadable from the evaluation page (evaluation/donnees/)."""
    cible = site / "evaluation" / "donnees"
    cible.mkdir(parents=True, exist_ok=True)
    for fichier in public.iterdir():
        shutil.copy2(fichier, cible / fichier.name)
    from ..site.leger import precompresser

    precompresser(cible)  # like every text file of the site (.gz, .br)


def chercher_fuites(lecture, territoire, dossiers: list[Path]):
    """The leaks of the dossiers' values in every text file of `dossiers`, named from each folder's parent.
    One index for all: a content held by several files (the package and its copy in the site, a theme's
    script in each language) is searched once."""
    from ..fuites import Textes, aiguilles_de_la_lecture, lire_publie

    lus = [lu for dossier in dossiers for lu in lire_publie(dossier)]
    return aiguilles_de_la_lecture(lecture, territoire).chercher_dans(Textes(lus))


def remplacer(nouveau: Path, cible: Path) -> None:
    if cible.exists():
        shutil.rmtree(cible)
    cible.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(nouveau), str(cible))
