"""Build the public site: generate the source tree, let an engine build each language, finish.

``construire`` (``famnum site``, ``make site``, ``famnum publier``, ``famnum demo``, the tests, the
bench) runs, in order:

1. ``generation.generer``: ``<source>/<langue>/`` holds every page with its markers rendered, the
   menu, the assets and one engine config per language (no famnum plugin or hook in it);
2. the engine, once per language, in parallel: ``mkdocs build`` (mkdocs-material, the default) or
   ``zensical build`` (``--moteur zensical``, or ``extra.moteur`` in mkdocs.yml);
3. the languages assembled into one site: French at the root, the others under ``/<langue>/``;
4. ``finition.finir``: famnum's own changes to the built pages (right to left, language menu,
   labels, tables, accessibility link, 404);
5. the PDFs from the built pages (``pdf``, cached by ``cache_pdf``), in every language or only those
   asked for (the pages of the others link to no PDF), the package the evaluation page
   links to, and a ``.gz`` and ``.br`` beside each text file (``leger``).

``construire`` never raises on a failed build: it returns what happened (exit code, output,
seconds per step). ``construire_une_fois`` does it once for several processes (pytest-xdist workers)
sharing a directory, behind a file lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..erreurs import FamnumError
from ..modele import racine as racine_modele
from . import cache_pdf as cache_des_pdf, finition, generation, leger, pdf as pdf_du_site

RACINE = racine_modele()
MOTEURS = ("mkdocs", "zensical")
MOTEUR_PAR_DEFAUT = "mkdocs"


def environnement(**variables: str) -> dict:
    """The environment of an engine: the theme's end-of-life banner silenced."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", **variables}


def moteur_du_territoire(racine: Path) -> str:
    """The engine named by mkdocs.yml (``extra.moteur``), else mkdocs."""
    extra = generation.config_du_site(racine).get("extra") or {}
    moteur = str(extra.get("moteur") or MOTEUR_PAR_DEFAUT)
    if moteur not in MOTEURS:
        raise FamnumError(f"{racine / 'mkdocs.yml'}, champ « moteur » sous « extra » : « {moteur} » n'est pas un "
                          "moteur que famnum sait lancer.", code="site.moteur",
                          correction=f"écrivez « moteur: {MOTEUR_PAR_DEFAUT} » (ou « moteur: zensical »), ou "
                                     "retirez la ligne.")
    return moteur


def commande(moteur: str, config: Path, *, strict: bool) -> list[str]:
    """The command that builds one language's project with ``moteur``."""
    if moteur == "zensical":
        return [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(config), *(["--strict"] if strict else [])]
    return [sys.executable, "-m", "mkdocs", "build", "--clean", "-f", str(config), *(["--strict"] if strict else [])]


def version_du_moteur(moteur: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    paquets = ("zensical",) if moteur == "zensical" else ("mkdocs", "mkdocs-material")
    try:
        return " ".join(f"{paquet}=={version(paquet)}" for paquet in paquets)
    except PackageNotFoundError:
        return "absent"


def _construire_langue(moteur: str, faite: generation.Generation, code: str, strict: bool) -> tuple[int, str]:
    """Build one language's project, unless its last build by the same engine had the same project
    (its fingerprint, in ``<langue>/.construit``): then its site is reused as it is."""
    config, sortie = faite.config(code), faite.sortie(code)
    marque = config.with_name(".construit")
    attendue = f"{version_du_moteur(moteur)} strict={strict} {faite.empreintes.get(code)}\n"
    if sortie.is_dir() and marque.is_file() and marque.read_text(encoding="utf-8") == attendue:
        return 0, "INFO    -  sources inchangées : site de la construction précédente repris\n"
    marque.unlink(missing_ok=True)
    shutil.rmtree(sortie, ignore_errors=True)  # a failed engine leaves no older site
    fait = subprocess.run(commande(moteur, config, strict=strict), cwd=config.parent, env=environnement(),
                          capture_output=True, text=True)
    if fait.returncode == 0 and sortie.is_dir():
        marque.write_text(attendue, encoding="utf-8")
    return fait.returncode, fait.stdout + fait.stderr


def _lier(source: str, cible: str) -> None:
    """A hard link to the engine's file (instant, no room taken); a copy across file systems."""
    try:
        os.link(source, cible)
    except OSError:
        shutil.copy2(source, cible)


def _assembler(faite: generation.Generation, site_dir: Path) -> None:
    """French at ``site_dir``, each other language under ``site_dir/<langue>``. The engines' sites stay
    where they are, for the next build (``finition`` replaces a file, never writes into it)."""
    shutil.rmtree(site_dir, ignore_errors=True)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    for langue in faite.langues:
        shutil.copytree(faite.sortie(langue.code), site_dir / langue.prefixe, copy_function=_lier,
                        dirs_exist_ok=True)
    if faite.publie.is_dir():
        shutil.copytree(faite.publie, site_dir, dirs_exist_ok=True)


def pdf_demandes() -> bool:
    """PDFs are made unless ``FAMNUM_SANS_PDF=1`` (a quicker build, for a test or ``make serve``)."""
    return os.environ.get("FAMNUM_SANS_PDF", "") not in ("1", "true", "oui")


def construire(site_dir: Path, *, pdf: bool | Collection[str] | None = None, strict: bool = True,
               cache_pdf: Path | None = None, moteur: str | None = None, racine: Path = RACINE,
               public: Path | None = None, source: Path | None = None) -> dict:
    """Build the site of the territory at ``racine`` into ``site_dir``; never raises on a failed build.
    ``pdf``: the PDFs of every language (True; by default unless ``FAMNUM_SANS_PDF``), of none (False) or
    of the languages named (``("fr", "ar")``): a page links to its PDF only where it is printed;
    ``source``: where the tree is generated (``<site_dir>-src`` beside the site by default);
    ``cache_pdf``: the PDF cache instead of ``build/cache/pdf``; ``public``: the published package."""
    site_dir, racine = Path(site_dir).resolve(), Path(racine).resolve()
    source = Path(source) if source else site_dir.with_name(site_dir.name + "-src")
    moteur = moteur or moteur_du_territoire(racine)
    pdf = pdf_demandes() if pdf is None else pdf
    debut, chrono = time.perf_counter(), Chrono()
    faite = generation.generer(racine, source, avec_pdf=pdf, public=public)
    chrono.fin("generation")
    sorties = [f"WARNING -  {page} : marqueur inconnu <!-- famnum:{nom} -->"
               for page, noms in faite.inconnus.items() for nom in noms]
    code = 1 if (sorties and strict) else 0
    with ThreadPoolExecutor(max_workers=len(faite.langues)) as pool:
        faits = list(pool.map(lambda langue: _construire_langue(moteur, faite, langue.code, strict), faite.langues))
    for langue, (retour, sortie) in zip(faite.langues, faits):
        code = code or retour
        sorties.append(f"[{moteur} {langue.code}]\n{sortie}")
    chrono.fin("moteur")
    if all(faite.sortie(langue.code).is_dir() for langue in faite.langues):
        sorties.append(_finir(faite, site_dir, racine, cache_pdf=cache_pdf, chrono=chrono))
    elif code == 0:
        code = 1
    return {"site": str(site_dir), "source": str(source), "moteur": moteur, "code": code, "sortie": "\n".join(sorties),
            "secondes": round(time.perf_counter() - debut, 2), "etapes": chrono.etapes, "pdf": list(faite.pdf),
            "langues": [langue.code for langue in faite.langues], "fichiers_generes_changes": faite.changes}


class Chrono:
    """The seconds of each step of a build, one after the other."""

    def __init__(self) -> None:
        self.etapes: dict[str, float] = {}
        self._depuis = time.perf_counter()

    def fin(self, etape: str) -> None:
        maintenant = time.perf_counter()
        self.etapes[etape] = round(maintenant - self._depuis, 2)
        self._depuis = maintenant


def _finir(faite: generation.Generation, site_dir: Path, racine: Path, *, cache_pdf: Path | None,
           chrono: Chrono) -> str:
    """Assemble, finish, PDFs and compression; return the lines of the log."""
    _assembler(faite, site_dir)
    autres = tuple(langue.code for langue in faite.langues)
    pages = finition.finir(site_dir, autres)
    chrono.fin("finition")
    lignes = [f"INFO    -  {pages} pages finies ({', '.join(autres)})"]
    if faite.pdf:
        cache = cache_pdf or cache_des_pdf.dossier_par_defaut(racine)
        rapport = pdf_du_site.build_all(site_dir, faite.ordre, cache=cache, langues=faite.pdf)
        lignes.append(f"INFO    -  PDF : {len(rapport['fichiers'])} fichiers en {rapport['secondes']:.1f} s "
                      f"({len(rapport['repris'])} inchangés, repris de {cache})")
        chrono.fin("pdf")
    fichiers = leger.precompresser(site_dir, leger.cache_par_defaut(racine))
    chrono.fin("compression")
    lignes.append(f"INFO    -  {fichiers} fichiers texte précompressés (.gz, .br)")
    return "\n".join(lignes)


def construire_site_territoire(racine: Path, site: Path, public: Path | None = None) -> None:
    """The territory's site (``famnum publier``, ``famnum demo``), its markers reading the package in
    ``public``, generated under its ``build/site-src/``; raises FamnumError when the build fails."""
    exiger_reussite(construire(site, racine=racine, public=public, source=racine / "build" / "site-src"))


def exiger_reussite(fait: dict) -> None:
    """A failed build (``construire``'s result) refused in one sentence, whichever command asked for it
    (``famnum site``, ``famnum publier``, ``famnum demo``): the engine's last lines name the page at fault."""
    if fait["code"] != 0:
        raise FamnumError(f"La construction du site a échoué ({fait['moteur']} build --strict) :\n"
                          + fait["sortie"].strip()[-3000:], code="site.construction",
                          correction="corrigez la page ou la valeur nommée ci-dessus (ligne WARNING ou ERROR), puis "
                                     "relancez « famnum site » pour le vérifier.")


def construire_une_fois(dossier: Path, *, pdf: bool | Collection[str] | None = None) -> dict:
    """Build into ``dossier/site`` unless another process already did; return the result."""
    dossier.mkdir(parents=True, exist_ok=True)
    resultat = dossier / "construction.json"
    with open(dossier / "construction.lock", "w") as verrou:
        fcntl.flock(verrou, fcntl.LOCK_EX)
        try:
            if resultat.exists():
                return json.loads(resultat.read_text(encoding="utf-8"))
            fait = construire(dossier / "site", pdf=pdf)
            if fait["code"] != 0:
                # A strict failure may stop an engine before the end of its language: build again
                # without --strict so that every other test still checks a whole site; the strict
                # result is kept for its own test.
                repli = construire(dossier / "site", pdf=pdf, strict=False)
                fait["repli_non_strict"] = {k: repli[k] for k in ("code", "secondes")}
            resultat.write_text(json.dumps(fait, ensure_ascii=False), encoding="utf-8")
            return fait
        finally:
            fcntl.flock(verrou, fcntl.LOCK_UN)


def dossier_partage(basetemp: Path) -> Path:
    """Where pytest workers share one build: the run's temp root under xdist."""
    racine = basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp
    return racine / "famnum-site"
