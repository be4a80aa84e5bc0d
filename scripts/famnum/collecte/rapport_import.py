"""The import report, shown before saving: each flagged cell (file, row, column, value, why, what to
type instead), the names recognised, the classes rewritten, the refused rows, the links between rows
and files, each explained; then the counts. It names rows by their number in the spreadsheet, never
by a child's name (a flagged value is shown: it is what the steward must find in the file)."""
from __future__ import annotations

from ..erreurs import a_faire
from .import_tableur import TITRES_TABLES, Analyse
from .regroupement import Plan
from ..formats import compte


def plages(numeros: list[int]) -> str:
    """[5, 6, 7, 12] → '5 à 7, 12'."""
    numeros = sorted(set(numeros))
    morceaux, debut = [], None
    for i, n in enumerate(numeros):
        debut = n if debut is None else debut
        if i + 1 == len(numeros) or numeros[i + 1] != n + 1:
            morceaux.append(str(n) if n == debut else f"{debut} à {n}")
            debut = None
    return ", ".join(morceaux)


def _lignes(numeros: list[int]) -> str:
    return f"{'ligne' if len(set(numeros)) == 1 else 'lignes'} {plages(numeros)}"


def _signalements(analyse: Analyse) -> list[str]:
    """One line per cell left empty: file, row, column, value, why, what to type instead."""
    return [f"  {analyse.fichier}, ligne {ligne.numero}, colonne « {s.colonne} » : « {s.valeur} » — {s.raison}"
            + (f". {a_faire(s.suggestion)}" if s.suggestion else "")
            for ligne in analyse.lignes for s in ligne.signalements if not s.garde]


def _notes(analyse: Analyse) -> list[str]:
    """Values kept but worth a look (an unusual phone, a cleaned name): one line per kind, rows as ranges."""
    groupes: dict[tuple[str, str], list[int]] = {}
    for ligne in analyse.lignes:
        for s in ligne.signalements:
            if s.garde:
                groupes.setdefault((s.colonne, s.raison), []).append(ligne.numero)
    return [f"  colonne « {colonne} » : {raison} : {_lignes(n)}" for (colonne, raison), n in groupes.items()]


def _reconnus(analyse: Analyse, noms: dict[str, dict[str, str]]) -> list[str]:
    sortie = []
    for (table, ecrit), (code, score, numeros) in analyse.resolutions.items():
        nom = noms[table].get(code, code)
        sortie.append(f"  « {ecrit} » lu comme {TITRES_TABLES[table]} {nom} ({code}), sûr à {score:.0f} % : {_lignes(numeros)}")
    sortie += [f"  classe « {ecrite} » écrite « {normale} » : {_lignes(n)}" for (ecrite, normale), n in analyse.classes.items()]
    return sortie


def comptes(analyse: Analyse, plan: Plan) -> dict[str, int]:
    refusees = {n for n, _ in analyse.refus} | {n for n, _ in plan.refus}
    importees = [l for l in analyse.lignes if l.numero not in refusees]
    signalees = [l for l in importees if any(not s.garde for s in l.signalements)]
    return {"lues": analyse.lues, "ignorees": analyse.ignorees, "entiers": len(importees) - len(signalees),
            "signales": len(signalees), "refusees": len(refusees), "creees": len(plan.nouveaux),
            "completees": len(plan.completes), "inchangees": len(plan.inchanges),
            "liens_fichiers": sum(1 for l in plan.liens if l.existant),
            "liens_fichier": sum(1 for l in plan.liens if not l.existant)}


def texte_rapport(analyse: Analyse, plan: Plan, noms: dict[str, dict[str, str]]) -> list[str]:
    """`noms`: table → code → name, to show what a name was read as."""
    sections = [
        ("Champs laissés vides et signalés (l'enfant est importé) :", _signalements(analyse)),
        ("Valeurs gardées, à vérifier :", _notes(analyse)),
        ("Noms reconnus et classes réécrites :", _reconnus(analyse, noms)),
        ("Lignes refusées :", [f"  ligne {n} : {raison}" for n, raison in sorted(analyse.refus + plan.refus)]),
        ("Familles regroupées :", [f"  ligne {l.numero} → dossier {l.identifiant} : {l.raison}"
                                   for l in plan.liens]),
        ("À vérifier :", [f"  {a}" for a in plan.alertes]),
    ]
    sortie = []
    for titre, lignes in sections:
        if lignes:
            sortie += [titre, *lignes]
    c = comptes(analyse, plan)
    sortie += [
        f"Lignes lues : {c['lues']}" + (f" (dont {compte(c['ignorees'], 'ligne de total ou de titre ignorée', 'lignes de total ou de titre ignorées')})" if c["ignorees"] else ""),
        f"Enfants importés entiers : {c['entiers']}",
        f"Enfants importés avec des champs signalés : {c['signales']}",
        f"Lignes refusées : {c['refusees']}",
        f"Familles créées : {c['creees']} ; complétées : {c['completees']} ; déjà à jour : {c['inchangees']}",
        f"Liens avec des dossiers d'autres fichiers : {c['liens_fichiers']} ; liens entre lignes de ce fichier : {c['liens_fichier']}",
    ]
    return sortie
