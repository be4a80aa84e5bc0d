"""Every page of the built site is valid HTML for the W3C Nu checker (vnu.jar, installed by
`make installer`), except two errors of mkdocs-material's own template that famnum does not write."""
import json
import shutil
import subprocess

import pytest

from famnum.site import construction

pytestmark = pytest.mark.site_partage

VNU = construction.RACINE / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# The theme's template, not famnum's pages: `autocomplete="off"` on its checkbox toggles, and
# aria-hidden on its overlay label. Matched on the message and the element, nothing broader.
DU_THEME = (
    ("Attribute “autocomplete” is only allowed when the input type is", 'class="md-toggle"'),
    ("aria-hidden", 'class="md-overlay"'),
)


# One short run of the JVM over every page: the quick compiler only (C1: about half the CPU seconds of
# the default, 7 instead of 17 for the 313 pages of the test site), whose deeper frames need a larger
# thread stack than the default 1 MB (StackOverflowError otherwise), and the serial collector.
JVM_COURT = ["-XX:TieredStopAtLevel=1", "-Xss4m", "-XX:+UseSerialGC"]


def _du_theme(message: dict) -> bool:
    return any(texte in message.get("message", "") and element in message.get("extract", "")
               for texte, element in DU_THEME)


def test_nu_ne_trouve_aucune_erreur_hors_du_theme(site):
    assert shutil.which("java"), "Java manque : lancez « make installer »"
    assert VNU.is_file(), f"{VNU} manque : lancez « make installer »"
    sortie = subprocess.run(["java", *JVM_COURT, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
                             str(site)], capture_output=True, text=True, timeout=600)
    messages = json.loads(sortie.stderr or '{"messages": []}')["messages"]
    erreurs = [f"{m['url'].split(str(site))[-1]}:{m.get('lastLine')} {m['message']}"
               for m in messages if m.get("type") == "error" and not _du_theme(m)]
    assert sortie.returncode in (0, 1), sortie.stderr[-2000:]
    assert not erreurs, f"{len(erreurs)} erreurs HTML :\n" + "\n".join(erreurs[:40])
