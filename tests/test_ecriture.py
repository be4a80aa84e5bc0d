"""The write path's flush: many staged files are made durable by one syncfs() of the territory's own
file system, never by a sync() of the whole machine; a flush the disk refuses stops the operation."""
from __future__ import annotations

import ctypes
import errno
import os
from pathlib import Path

import pytest

from famnum import depot, ecriture

PLUSIEURS = ecriture.SYNCHRONISER_UN_A_UN + 2


def _pages(racine: Path) -> list[tuple[Path, bytes]]:
    return [(racine / "content" / f"note-{numero}.md", f"# Note {numero}\n".encode()) for numero in range(PLUSIEURS)]


class _SyncfsObserve:
    """Stands for the C library: records the folder each syncfs() was given, then returns `resultat`."""

    def __init__(self, resultat: int):
        self.resultat, self.dossiers = resultat, []

    def syncfs(self, descripteur: int) -> int:
        self.dossiers.append(Path(os.readlink(f"/proc/self/fd/{descripteur}")))
        if self.resultat:
            ctypes.set_errno(errno.EIO)
        return self.resultat


def _interdire_sync(monkeypatch) -> None:
    def sync():
        raise AssertionError("os.sync() attend les écritures de toute la machine")

    monkeypatch.setattr(os, "sync", sync)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="Linux : syncfs")
def test_plusieurs_fichiers_synchronises_par_syncfs_du_territoire(territoire, monkeypatch):
    libc = _SyncfsObserve(0)
    monkeypatch.setattr(ecriture, "_libc", lambda: libc)
    _interdire_sync(monkeypatch)
    ecriture.enregistrer(territoire.racine, _pages(territoire.racine), "Notes de l'équipe")
    assert libc.dossiers == [territoire.racine / ".git" / "famnum" / "attente"]
    assert all((territoire.racine / "content" / f"note-{n}.md").exists() for n in range(PLUSIEURS))
    assert depot.tete(territoire.racine) and not (territoire.racine / ".git" / "famnum" / "attente").exists()


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="Linux : syncfs")
def test_un_syncfs_refuse_arrete_l_operation_sans_rien_ecrire(territoire, monkeypatch):
    monkeypatch.setattr(ecriture, "_libc", lambda: _SyncfsObserve(-1))
    _interdire_sync(monkeypatch)
    avant = depot.tete(territoire.racine)
    with pytest.raises(OSError) as erreur:
        ecriture.enregistrer(territoire.racine, _pages(territoire.racine), "Notes de l'équipe")
    assert erreur.value.errno == errno.EIO
    assert depot.tete(territoire.racine) == avant
    assert not list((territoire.racine / "content").glob("note-*.md"))
    assert not (territoire.racine / ".git" / "famnum" / "attente").exists()
    assert not (territoire.racine / ".git" / "famnum" / "operation.json").exists()


def test_la_libc_du_systeme_a_syncfs_sous_linux():
    """The real C library: on Linux the flush is syncfs, not the fallback."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("Linux : syncfs")
    assert hasattr(ecriture._libc(), "syncfs")


def test_ctypes_n_est_charge_que_pour_un_syncfs():
    """A command that only reads (famnum verifier, the git hook) imports ecriture through dossiers.py but
    never flushes: ctypes (about 2 ms to import) is loaded by the flush itself, not at the module's top."""
    import ast

    arbre = ast.parse(Path(ecriture.__file__).read_text(encoding="utf-8"))
    en_tete = [a.name for n in arbre.body if isinstance(n, ast.Import) for a in n.names]
    assert "fcntl" in en_tete and "ctypes" not in en_tete
