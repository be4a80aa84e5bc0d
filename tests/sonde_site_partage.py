"""Run by tests/test_ordonnancement.py in a pytest of its own (never collected by the suite: its name is
not test_*.py): a session that collects a test of the shared site has started its build already; the famnum
and git settings of the shell that started it reach no test (tests/conftest.py, reglages_du_shell)."""
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.site_partage


def test_la_construction_tourne_deja():
    partage = os.environ["SONDE_PARTAGE"]
    processus = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _ligne(p).endswith(
        f"annee_fictive.py\0{partage}\0")]
    assert len(processus) == 1  # running: this test did not wait for the build
    Path(os.environ["SONDE_PID"]).write_text(processus[0].name)


def _ligne(processus: Path) -> str:
    try:
        return (processus / "cmdline").read_text()
    except OSError:  # a process that ended meanwhile
        return ""


def test_aucun_reglage_du_shell_n_arrive_au_test():
    from test_ordonnancement import REGLAGES_DU_SHELL

    assert not set(REGLAGES_DU_SHELL) & set(os.environ), sorted(set(REGLAGES_DU_SHELL) & set(os.environ))
