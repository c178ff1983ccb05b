"""Files follow the umask: what sitrep writes gets the mode a plain write would (0644 under umask
022), so colleagues, a web server and a share can read it; private files stay 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.issue.json_record import VIEW_NAME
from sitrep.issue.record import LOCK_NAME, RECORD_NAME

pytestmark = pytest.mark.slow  # builds reports: not in make test-fast


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _under_umask(umask: int, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(umask),
        timeout=300,
    )


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_a_build_writes_files_with_the_umasks_mode(placeless: Path, umask: int):
    workspace = placeless  # the files' modes, whatever the report shows
    run = _under_umask(umask, sys.executable, "-m", "sitrep", "-w", str(workspace), "build")
    assert run.returncode == 0, run.stderr
    pdf = Path(run.stdout.strip())
    out = workspace / "output"
    expected = 0o666 & ~umask
    for path in (
        pdf,
        pdf.with_suffix(".html"),
        out / RECORD_NAME,
        out / VIEW_NAME,
        out / LOCK_NAME,
    ):
        assert _mode(path) == expected, (path.name, oct(_mode(path)))
    assert _mode(pdf.parent) == 0o777 & ~umask


WRITE = """
import sys
from pathlib import Path
from sitrep.files import atomic_write
folder = Path(sys.argv[1])
atomic_write(folder / "public.txt", b"x")
atomic_write(folder / "private.eml", b"x", private=True)
(folder / "plain.txt").write_bytes(b"x")  # what a normal write gives
atomic_write(folder / "again.txt", b"x")
atomic_write(folder / "again.txt", b"y")  # replacing a file: the same mode
"""


@pytest.mark.parametrize("umask", [0o002, 0o022, 0o077])
def test_atomic_writes_match_a_plain_write_and_private_is_0600(tmp_path: Path, umask: int):
    run = _under_umask(umask, sys.executable, "-c", WRITE, str(tmp_path))
    assert run.returncode == 0, run.stderr
    plain = _mode(tmp_path / "plain.txt")
    assert plain == 0o666 & ~umask
    assert _mode(tmp_path / "public.txt") == plain
    assert _mode(tmp_path / "again.txt") == plain
    assert _mode(tmp_path / "private.eml") == 0o600
    assert not list(tmp_path.glob(".*.tmp"))
