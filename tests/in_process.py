"""`sitrep` run in the test's own process, by click's runner, for the tests of what a command
does and says rather than of its process (its signals, pipes, environment, imports, a SIGKILL):
a `sitrep` process costs about a second of imports (pandas, WeasyPrint) each time. One helper,
so that every such run has the same guards."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sitrep.cli import main


def sitrep(
    *args: str,
    env: Mapping[str, str | None] | None = None,
    cwd: Path | None = None,
    clean: bool = False,
) -> Result:
    """`sitrep ARGS...` in this process: `.exit_code`, `.stdout`, `.stderr`, `.output`.

    `env` is set for the run only (None unsets); `clean` first unsets the SITREP_* variables of
    this process but its cache folder, as a test's `sitrep` process started with only those it
    names would see them; `cwd` is the folder it runs in."""
    variables: dict[str, str | None] = {}
    if clean:
        variables = {
            k: None for k in os.environ if k.startswith("SITREP_") and k != "SITREP_CACHE_DIR"
        }
    variables.update(env or {})
    sigterm = signal.getsignal(signal.SIGTERM)  # `main` sets its own: not this process's to keep
    try:
        with pytest.MonkeyPatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            done = CliRunner().invoke(main, list(args), env=variables)
    finally:
        signal.signal(signal.SIGTERM, sigterm)
    # a SystemExit is the command's exit code; any other exception escaped sitrep's own handler
    # (a bug CliRunner would hide as exit 1): the test fails on it, with its traceback
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exc_info
    return done


def completed(done: Result, *args: str) -> subprocess.CompletedProcess:
    """`done` as a finished `sitrep` process (`.returncode`, `.stdout`, `.stderr`), for tests
    written for one."""
    return subprocess.CompletedProcess(["sitrep", *args], done.exit_code, done.stdout, done.stderr)
