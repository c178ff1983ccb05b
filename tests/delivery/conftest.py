"""What the delivery tests share beyond tests/conftest.py and tests/smtp_server.py."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.in_process import completed, sitrep


def sitrep_in_process(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`run_sitrep` (tests/smtp_server.py) without the process: sitrep's command line called in
    this one by click's runner, with only the given SITREP_* variables set, its exit code,
    stdout and stderr as a finished process's. For a test of what a command does and says, not
    of the process (its signals, pipes, imports): it spares the ~1.1 CPU s a new Python spends
    importing pandas and WeasyPrint."""
    unset: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SITREP_")}
    return completed(sitrep("-w", str(workspace), *args, env={**unset, **env}), *args)
