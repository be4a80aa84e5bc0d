"""Run by tests/test_ordonnancement.py in a pytest of its own (never collected by the suite: its name is
not test_*.py): a session that collects a test of the shared site has started its build already."""
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.site_partage


def test_la_construction_tourne_deja():
    partage = os.environ["FAMNUM_SONDE_PARTAGE"]
    processus = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _ligne(p).endswith(
        f"annee_fictive.py\0{partage}\0")]
    assert len(processus) == 1  # running: this test did not wait for the build
    Path(os.environ["FAMNUM_SONDE_PID"]).write_text(processus[0].name)


def _ligne(processus: Path) -> str:
    try:
        return (processus / "cmdline").read_text()
    except OSError:  # a process that ended meanwhile
        return ""
