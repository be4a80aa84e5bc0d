"""Which French revision each translated page translates, so that translations never drift silently.

A translated page `<page>.<langue>.md` carries, in its front matter, `traduction_de: <empreinte>`: the
fingerprint of the French page's body (its text without its own front matter) at the time it was
translated. When the French body changes, the fingerprints differ and the translation is « périmée ».
The French front matter (verification dates, sources) is left out on purpose: re-checking a page's
facts without changing its text does not make its translations stale.

    python -m famnum.site.traductions                 # l'état de chaque traduction
    python -m famnum.site.traductions --marquer F...  # note que F traduit la version française actuelle
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

LANGUES = ("ar", "tr", "en")
CLE = "traduction_de"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_CLE_LIGNE = re.compile(rf"^{CLE}:.*$", re.M)
_SUFFIXE = re.compile(rf"\.(?:{'|'.join(LANGUES)})\.md$")


def corps(texte: str) -> str:
    """The page's text without its YAML front matter."""
    trouve = _FRONT_MATTER.match(texte)
    return texte[trouve.end():] if trouve else texte


def empreinte(texte_francais: str) -> str:
    """Fingerprint of a French page's body: 12 hex digits of SHA-256, blank lines at the ends ignored."""
    return hashlib.sha256(corps(texte_francais).strip().encode("utf-8")).hexdigest()[:12]


def empreinte_notee(texte_traduit: str) -> str | None:
    """The fingerprint a translated page says it translates, or None when it says nothing."""
    trouve = _FRONT_MATTER.match(texte_traduit)
    if not trouve or not trouve.group(1):
        return None
    ligne = _CLE_LIGNE.search(trouve.group(1))
    return ligne.group(0).split(":", 1)[1].strip().strip("'\"") if ligne else None


def noter(texte_traduit: str, valeur: str) -> str:
    """The translated page's text with `traduction_de: valeur` set in its front matter."""
    ligne = f"{CLE}: {valeur}"
    trouve = _FRONT_MATTER.match(texte_traduit)
    if not trouve:
        return f"---\n{ligne}\n---\n\n{texte_traduit}"
    entete = trouve.group(1) or ""
    entete = _CLE_LIGNE.sub(ligne, entete) if _CLE_LIGNE.search(entete) else f"{ligne}\n{entete}"
    return f"---\n{entete}---\n{texte_traduit[trouve.end():]}"


def source_francaise(traduction: Path) -> Path:
    return traduction.with_name(_SUFFIXE.sub(".md", traduction.name))


def pages_francaises(content: Path) -> list[Path]:
    return sorted(p for p in content.rglob("*.md") if not _SUFFIXE.search(p.name))


@dataclass(frozen=True)
class Etat:
    francaise: Path
    langue: str
    etat: str  # « manquante », « sans marque », « périmée » or « à jour »

    @property
    def traduction(self) -> Path:
        return self.francaise.with_name(f"{self.francaise.stem}.{self.langue}.md")


def etats(content: Path, langues: tuple[str, ...] = LANGUES) -> list[Etat]:
    """The state of every translation of every French page under `content`."""
    resultat = []
    for francaise in pages_francaises(content):
        attendue = empreinte(francaise.read_text(encoding="utf-8"))
        for langue in langues:
            traduction = francaise.with_name(f"{francaise.stem}.{langue}.md")
            if not traduction.exists():
                etat = "manquante"
            else:
                notee = empreinte_notee(traduction.read_text(encoding="utf-8"))
                etat = "sans marque" if notee is None else ("à jour" if notee == attendue else "périmée")
            resultat.append(Etat(francaise, langue, etat))
    return resultat


def marquer(traduction: Path) -> str:
    """Record that `traduction` translates the current French page; returns the fingerprint."""
    francaise = source_francaise(traduction)
    if francaise == traduction or not francaise.exists():
        raise SystemExit(f"{traduction} : aucune page française {francaise.name} à côté. "
                         f"Une traduction se nomme <page>.<{'|'.join(LANGUES)}>.md.")
    valeur = empreinte(francaise.read_text(encoding="utf-8"))
    traduction.write_text(noter(traduction.read_text(encoding="utf-8"), valeur), encoding="utf-8")
    return valeur


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Les traductions du site et la version française qu'elles traduisent.")
    parser.add_argument("--content", type=Path, default=Path("content"), help="dossier des pages (content/)")
    parser.add_argument("--marquer", nargs="+", type=Path, metavar="TRADUCTION",
                        help="noter que ces pages traduisent la version française actuelle")
    args = parser.parse_args(argv)
    if args.marquer:
        for traduction in args.marquer:
            print(f"{traduction} : traduit la version {marquer(traduction)}")
        return 0
    tous = etats(args.content)
    for e in tous:
        if e.etat != "à jour":
            print(f"{e.traduction.relative_to(args.content)} : {e.etat}")
    a_jour = sum(e.etat == "à jour" for e in tous)
    print(f"{a_jour} traductions à jour sur {len(tous)} ({len(pages_francaises(args.content))} pages × {len(LANGUES)} langues).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
