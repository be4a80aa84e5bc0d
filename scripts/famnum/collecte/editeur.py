"""`famnum famille modifier`: the decrypted dossier as commented YAML in $EDITOR, from a private temp
file that is always removed (normal end, error, Ctrl-C, or the terminal closing).

The editor view is YAML for people (French titles as comments, dates jj/mm/aaaa, phones as dialled);
it is parsed back once, normalised and validated; on errors the file is reopened with the errors
written at the top, until it validates or the steward gives up. Nothing is saved half.
"""
from __future__ import annotations

import io
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ..erreurs import FamnumError, Probleme
from ..formats import date_fr
from ..saisie import normaliser_saisie, telephone_lisible
from ..schemas import SchemaFamille, libelle
from .terminal import nettoyer

MARQUE_ERREUR = "#! "
ENTETE = """# Dossier {id} — fiche nominative de diagnostic et journal des événements.
# Modifiez les valeurs après les deux-points, enregistrez, puis fermez l'éditeur. Chaque partie de la fiche
# est là, même vide : remplissez ce qui manque à sa place (une clé vide est ignorée).
# Les lignes qui commencent par # sont des aides : elles sont ignorées.
# Dates : jj/mm/aaaa. Téléphones : 06 39 98 01 02. Pour abandonner : videz le fichier, enregistrez, fermez.
"""


@contextmanager
def fichier_prive(nom: str):
    """A file only its owner can read, in RAM (/dev/shm) where the system has it, always removed."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    dossier = Path(tempfile.mkdtemp(prefix="famnum-", dir=base))  # mode 0700
    chemin = dossier / nom
    os.close(os.open(chemin, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))

    def interrompre(signum, _frame):
        raise SystemExit(128 + signum)

    anciens = {s: signal.signal(s, interrompre) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield chemin
    finally:
        shutil.rmtree(dossier, ignore_errors=True)
        for s, ancien in anciens.items():
            signal.signal(s, ancien)


def commande_editeur() -> list[str]:
    editeur = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editeur:
        editeur = next((e for e in ("nano", "vim", "vi") if shutil.which(e)), None)
    if not editeur:
        raise FamnumError("Aucun éditeur de texte trouvé.", code="editeur.introuvable",
                          correction="indiquez-en un, par exemple « export EDITOR=nano ».")
    return shlex.split(editeur)


# --- YAML for people ------------------------------------------------------------------------

def _commentaire(noeud: dict, obligatoire: bool) -> str:
    """The French title of a key, « (obligatoire) », its choices and its help, as comment lines."""
    elements = noeud.get("items", {})
    porteur = noeud if "enum" in noeud else elements if "enum" in elements else None
    lignes = [noeud.get("title", "") + (" (obligatoire)" if obligatoire else "")]
    if porteur:
        lignes[0] += " — choix : " + ", ".join(f"{c} ({libelle(porteur, c)})" for c in porteur["enum"])
    if noeud.get("type") == "boolean":
        lignes[0] += " — oui ou non"
    aide = " ".join(t for t in (noeud.get("x-demander-si", {}).get("texte"), noeud.get("description")) if t)
    if aide:
        lignes.append("  " + aide)
    return "\n".join(l for l in lignes if l.strip())


def _modele(noeud: dict):
    """An empty answer of the right shape, for a part of the fiche not filled yet."""
    if noeud.get("type") == "object":
        return {cle: _modele(enfant) for cle, enfant in noeud.get("properties", {}).items() if not enfant.get("readOnly")}
    if noeud.get("type") == "array":
        return [_modele(noeud["items"])] if noeud.get("items", {}).get("type") == "object" else []
    return None


def _pour_affichage(valeur, noeud: dict, complet: bool = False, profondeur: int = 0):
    """The dossier as commented YAML; with `complet`, every key of the schema is there, empty ones too
    (the steward sees what is missing and types it in place, never a key from memory)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(valeur, dict):
        carte = CommentedMap()
        proprietes = noeud.get("properties", {})
        requis = set(noeud.get("required", [])) | set(noeud.get("x-requis-diagnostic", []))
        cles = [c for c in proprietes if c in valeur or (complet and not proprietes[c].get("readOnly"))]
        cles += [c for c in valeur if c not in proprietes]
        for cle in cles:
            enfant = proprietes.get(cle, {})
            brut = valeur[cle] if cle in valeur else _modele(enfant)
            if complet and isinstance(brut, list) and not brut and enfant.get("items", {}).get("type") == "object":
                brut = [_modele(enfant["items"])]
            carte[cle] = _pour_affichage(brut, enfant, complet, profondeur + 1)
            commentaire = _commentaire(enfant, cle in requis)
            if commentaire:
                carte.yaml_set_comment_before_after_key(cle, before=commentaire, indent=2 * profondeur)
        return carte
    if isinstance(valeur, list):
        return CommentedSeq(_pour_affichage(v, noeud.get("items", {}), complet, profondeur + 1) for v in valeur)
    if noeud.get("format") == "date" and isinstance(valeur, str):
        return date_fr(valeur)
    if noeud.get("x-saisie") == "telephone" and isinstance(valeur, str):
        return telephone_lisible(valeur)
    if noeud.get("type") == "boolean" and isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return valeur


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    return yaml


def rendre(dossier: dict, schema: SchemaFamille) -> str:
    """Every section of the fiche, empty ones included, with their French titles and help; the journal
    as it is."""
    from ruamel.yaml.comments import CommentedMap

    tampon = io.StringIO()
    fiche = _pour_affichage(dossier["fiche"], schema.sous_schema(("fiche",)), complet=True, profondeur=1)
    journal = _pour_affichage(dossier.get("journal", []), schema.sous_schema(("journal",)), profondeur=1)
    vue = CommentedMap(fiche=fiche, journal=journal)
    vue.yaml_set_comment_before_after_key("fiche", before=schema.sous_schema(("fiche",)).get("title", "Fiche"))
    vue.yaml_set_comment_before_after_key("journal", before="Journal des événements (ajoutez-en avec famnum famille evenement)")
    _yaml().dump(vue, tampon)
    return ENTETE.format(id=dossier["id"]) + tampon.getvalue()


def relire(texte: str, dossier: dict, schema: SchemaFamille) -> dict:
    """The edited YAML back to a dossier (same id and version), normalised to its stored form."""
    from ruamel.yaml import YAMLError

    try:
        donnees = _yaml().load(texte)
    except YAMLError as e:
        marque = getattr(e, "problem_mark", None)
        ligne = f" ligne {marque.line + 1}" if marque else ""
        raise FamnumError(f"YAML illisible{ligne} : {getattr(e, 'problem', None) or e}. "
                          "Vérifiez l'alignement des lignes et les deux-points.", code="editeur.yaml_illisible") from None
    if not isinstance(donnees, dict) or "fiche" not in donnees:
        raise FamnumError("le fichier doit garder les deux parties « fiche: » et « journal: ».", code="editeur.parties_manquantes")
    brut = _en_python(donnees)
    inconnus = set(brut) - {"fiche", "journal"}
    if inconnus:
        raise FamnumError(f"partie inconnue en haut du fichier : {', '.join(sorted(inconnus))}.", code="editeur.partie_inconnue")
    return {"id": dossier["id"], "version": dossier.get("version", 1),
            "fiche": normaliser_saisie(nettoyer(brut["fiche"] or {}), schema.sous_schema(("fiche",))),
            "journal": normaliser_saisie(brut.get("journal") or [], schema.sous_schema(("journal",)))}


def _en_python(valeur):
    if isinstance(valeur, dict):
        return {str(k): _en_python(v) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [_en_python(v) for v in valeur]
    if valeur is None:
        return None
    if isinstance(valeur, str):
        return str(valeur)
    return valeur


def _sans_erreurs(texte: str) -> str:
    return "".join(l for l in texte.splitlines(keepends=True) if not l.startswith(MARQUE_ERREUR))


def _avec_erreurs(texte: str, erreurs: list[str]) -> str:
    bloc = [f"{MARQUE_ERREUR}ERREURS À CORRIGER — rien n'est enregistré tant qu'elles restent :\n"]
    bloc += [f"{MARQUE_ERREUR}  {e}\n" for e in erreurs]
    return "".join(bloc) + _sans_erreurs(texte)


def editer(dossier: dict, schema: SchemaFamille, valider: Callable[[dict], list[Probleme]],
           reprendre: Callable[[list[str]], bool], editeur: list[str] | None = None) -> dict | None:
    """Returns the edited, valid dossier; None when nothing changed or the steward gave up."""
    editeur = editeur or commande_editeur()
    texte_initial = rendre(dossier, schema)
    with fichier_prive(f"{dossier['id']}.yaml") as chemin:
        chemin.write_text(texte_initial, encoding="utf-8")
        while True:
            subprocess.run([*editeur, str(chemin)], check=False)
            texte = chemin.read_text(encoding="utf-8")
            if not _sans_erreurs(texte).strip():
                return None
            if _sans_erreurs(texte) == texte_initial:
                return None
            try:
                nouveau = relire(_sans_erreurs(texte), dossier, schema)
                erreurs = [p.texte().replace("\n", " ") for p in valider(nouveau)]
            except FamnumError as e:
                nouveau, erreurs = None, [str(e)]
            if not erreurs:
                return nouveau
            if not reprendre(erreurs):
                raise FamnumError("Abandon : le dossier n'a pas été modifié.", code="editeur.abandon")
            chemin.write_text(_avec_erreurs(texte, erreurs), encoding="utf-8")
