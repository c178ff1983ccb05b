"""`sitrep ARGS...` run as `tests.haiti_workspace.sitrep` runs it (in a folder, with its own
cache folder there), but in this process, by click's runner: for tests about what a command
writes, not about its process (a `sitrep` process costs a second of imports, pandas and
WeasyPrint, each time)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main


def sitrep_here(*args: str, cwd: Path) -> Result:
    """The command's result: `.exit_code`, `.stdout`, `.stderr`, `.output`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        return CliRunner().invoke(main, list(args), env={"SITREP_CACHE_DIR": str(cwd / ".cache")})
