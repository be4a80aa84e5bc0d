"""python -m famnum.site.ecrans [--verifier]: write (or check) the screen drawings of the tutorials."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from famnum.site import traductions
from famnum.site.ecrans import dessins, ecrans
from famnum.site.ecrans.description import DescriptionInvalide
from famnum.site.ecrans.pages import placer_partout

SORTIE = Path("content/tutoriels/images/ecrans")


def differences(sortie: Path, attendus: dict[str, str]) -> list[str]:
    """The drawings missing, different from their description, or described nowhere."""
    presents = {p.name for p in sortie.glob("*.svg")}
    resultat = [f"{nom} : absent ou différent de sa description" for nom, texte in sorted(attendus.items())
                if not (sortie / nom).is_file() or (sortie / nom).read_text(encoding="utf-8") != texte]
    return resultat + [f"{nom} : aucune description ne le dessine" for nom in sorted(presents - set(attendus))]


def ecrire(sortie: Path, attendus: dict[str, str]) -> None:
    sortie.mkdir(parents=True, exist_ok=True)
    for nom, texte in attendus.items():
        (sortie / nom).write_text(texte, encoding="utf-8")
    for ancien in set(p.name for p in sortie.glob("*.svg")) - set(attendus):
        (sortie / ancien).unlink()


def placer_dans_les_pages(tutoriels: Path) -> None:
    """Put the image lines in the pages; re-stamp a translation only if it was current before."""
    a_jour = {e.traduction for e in traductions.etats(tutoriels) if e.etat == "à jour"}
    changees = placer_partout(tutoriels, ecrans())
    for page in changees:
        if page in a_jour:
            traductions.marquer(page)
        elif traductions.source_francaise(page) != page:
            print(f"{page} : n'était pas à jour avant ce changement, non marquée", file=sys.stderr)
    print(f"{len(changees)} pages changées.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Les dessins d'écran des tutoriels, depuis leurs descriptions YAML.")
    parser.add_argument("--sortie", type=Path, default=SORTIE, help=f"dossier des dessins ({SORTIE})")
    parser.add_argument("--verifier", action="store_true", help="échouer si un dessin diffère de sa description")
    parser.add_argument("--pages", type=Path, metavar="TUTORIELS", nargs="?", const=Path("content/tutoriels"),
                        help="placer aussi la ligne de chaque dessin dans sa page et ses traductions")
    args = parser.parse_args(argv)
    try:
        attendus = dessins()
    except DescriptionInvalide as erreur:
        print(erreur, file=sys.stderr)
        return 2
    if args.verifier:
        ecarts = differences(args.sortie, attendus)
        for ligne in ecarts:
            print(ligne, file=sys.stderr)
        if ecarts:
            print("Relancez : python -m famnum.site.ecrans", file=sys.stderr)
        return 1 if ecarts else 0
    ecrire(args.sortie, attendus)
    print(f"{len(attendus)} dessins écrits dans {args.sortie}.")
    if args.pages:
        try:
            placer_dans_les_pages(args.pages)
        except DescriptionInvalide as erreur:
            print(erreur, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
