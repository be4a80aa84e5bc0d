"""The layers of ARCHITECTURE.md are the imports of the code: every module is in the table, no module
imports one of a higher layer, and no two modules import each other, even through others."""
from __future__ import annotations

import ast
import re
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PAQUET = RACINE / "scripts" / "famnum"
ORDRE = ("outils", "stockage", "domaine", "site", "interfaces")
_NOM = re.compile(r"`([\w/<>.-]+)`")


def _couches_du_tableau() -> dict[str, str]:
    """'evaluation/calcul.py' or 'cli/' -> its layer, read from the table of « Le paquet Python »."""
    texte = (RACINE / "ARCHITECTURE.md").read_text(encoding="utf-8")
    partie = texte.split("## Le paquet Python", 1)[1].split("\n## ", 1)[0]
    couches, couche = {}, None
    for ligne in partie.splitlines():
        cases = [c.strip() for c in ligne.strip().strip("|").split("|")]
        if len(cases) < 3 or cases[0] in ("Couche", "---"):
            continue
        couche = cases[0].split(" (")[0] or couche
        dossier = ""
        for nom in _NOM.findall(cases[1]):
            if "/" in nom.rstrip("/"):
                dossier = nom.rsplit("/", 1)[0] + "/"
            chemin = nom if "/" in nom else dossier + nom
            if chemin.endswith((".py", "/")):
                couches[chemin] = couche
    return couches


def _couche(module: str, couches: dict[str, str]) -> str:
    """The layer of a module file: its own row, else the row of its nearest folder."""
    if module in couches:
        return couches[module]
    morceaux = module.split("/")
    for i in range(len(morceaux) - 1, 0, -1):
        dossier = "/".join(morceaux[:i]) + "/"
        if dossier in couches:
            return couches[dossier]
    raise AssertionError(f"{module} n'est dans aucune ligne du tableau des couches d'ARCHITECTURE.md (« Le paquet "
                         "Python ») : ajoutez-lui une ligne dans la couche de ce qu'il importe et de qui l'importe")


def _fichier(nom: str) -> str | None:
    """famnum.x.y -> 'x/y.py' (or 'x/y/__init__.py'), None when it is not a famnum module."""
    relatif = nom.split(".")[1:]
    if not relatif:
        return None
    for candidat in ("/".join(relatif) + ".py", "/".join(relatif) + "/__init__.py"):
        if (PAQUET / candidat).is_file():
            return candidat
    return None


def _sous_type_checking(arbre: ast.Module) -> set[int]:
    """Line numbers of the imports written for type checkers only (never run)."""
    return {n.lineno for bloc in ast.walk(arbre) if isinstance(bloc, ast.If) and "TYPE_CHECKING" in ast.unparse(bloc.test)
            for n in ast.walk(bloc) if isinstance(n, (ast.Import, ast.ImportFrom))}


def _imports(chemin: Path) -> set[str]:
    """The famnum module files a module imports, at its top or inside a function."""
    relatif = chemin.relative_to(PAQUET)
    paquet = ["famnum", *relatif.parent.parts]
    arbre = ast.parse(chemin.read_text(encoding="utf-8"))
    ignores, noms = _sous_type_checking(arbre), set()
    for n in ast.walk(arbre):
        if getattr(n, "lineno", None) in ignores:
            continue
        if isinstance(n, ast.Import):
            noms |= {a.name for a in n.names}
        elif isinstance(n, ast.ImportFrom):
            base = ".".join(paquet[:len(paquet) - n.level + 1] + ([n.module] if n.module else [])) if n.level else n.module
            noms |= {f"{base}.{a.name}" for a in n.names} | {base}
    fichiers = {_fichier(nom) for nom in noms if nom and nom.startswith("famnum")}
    return {f for f in fichiers if f and not f.endswith("__init__.py") and f != str(relatif)}


def _graphe() -> dict[str, set[str]]:
    return {str(p.relative_to(PAQUET)): _imports(p) for p in PAQUET.rglob("*.py") if p.name != "__init__.py"}


def _cycles(graphe: dict[str, set[str]]) -> list[set[str]]:
    """The groups of modules that import each other (strongly connected components of two or more)."""
    atteints = {m: set() for m in graphe}
    for depart in graphe:
        pile = list(graphe[depart])
        while pile:
            m = pile.pop()
            if m not in atteints[depart]:
                atteints[depart].add(m)
                pile.extend(graphe.get(m, ()))
    groupes = {frozenset({m} | {n for n in atteints[m] if m in atteints.get(n, ())}) for m in graphe}
    return [set(g) for g in groupes if len(g) > 1]


def test_chaque_module_est_dans_le_tableau_des_couches():
    couches = _couches_du_tableau()
    assert set(couches.values()) <= set(ORDRE), set(couches.values())
    for module in _graphe():
        _couche(module, couches)


def test_aucun_module_n_importe_une_couche_plus_haute():
    couches = _couches_du_tableau()
    rang = {m: ORDRE.index(_couche(m, couches)) for m in _graphe()}
    montees = [f"{m} ({ORDRE[rang[m]]}) importe {c} ({ORDRE[rang[c]]})"
               for m, cibles in _graphe().items() for c in sorted(cibles) if rang[c] > rang[m]]
    assert montees == [], ("un module importe une couche plus haute : déplacez ce qu'il importe vers sa couche, ou "
                           "sa ligne dans le tableau d'ARCHITECTURE.md si c'est le tableau qui se trompe")


CYCLES_CONNUS: list[set[str]] = []


def test_aucun_cycle_d_imports():
    assert _cycles(_graphe()) == CYCLES_CONNUS


def test_le_controle_voit_un_cycle_et_une_montee():
    assert _cycles({"a.py": {"b.py"}, "b.py": {"c.py"}, "c.py": {"a.py"}, "d.py": {"a.py"}}) == [{"a.py", "b.py", "c.py"}]
    imports_de_dossiers = _imports(PAQUET / "dossiers.py")
    assert "lecture.py" in imports_de_dossiers and "ecriture.py" in imports_de_dossiers  # lazy imports are seen


def test_le_chiffrement_n_ecrit_aucun_probleme_de_la_verification():
    """vault.py (identities, recipients, age) says why a file does not open (FichierIllisible, illisible.*),
    never a problem of famnum verifier (verifier.*): those are written by the reading (lecture.py) or the
    check (verification.py)."""
    textes = [n.value for n in ast.walk(ast.parse((PAQUET / "vault.py").read_text(encoding="utf-8")))
              if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [t for t in textes if t.startswith("verifier.")] == []
