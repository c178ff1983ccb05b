"""`sitrep ARGS...` run as `tests.haiti_workspace.sitrep` runs it (in a folder, with its own
cache folder there), but in this process (tests/in_process.py): for tests about what a command
writes, not about its process."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result

from tests.in_process import sitrep


def sitrep_here(*args: str, cwd: Path) -> Result:
    """The command's result: `.exit_code`, `.stdout`, `.stderr`, `.output`."""
    return sitrep(*args, cwd=cwd, env={"SITREP_CACHE_DIR": str(cwd / ".cache")})
