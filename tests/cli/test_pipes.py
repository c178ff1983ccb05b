"""A closed pipe ends a command quietly, with exit 0: `sitrep places X | head -1` has what it
wanted, and neither an internal error (exit 2) nor a failed last flush (exit 1) is said.

The commands write into a real pipe whose reading end is closed before they start: their first
write fails as it would once `head -1` has exited, whatever the length of their output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import in_process
from tests.conftest import copy_workspace


def into_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """`sitrep ARGS | head -0`: stdout a pipe nobody reads any more."""
    read, write = os.pipe()
    os.close(read)
    env = {k: v for k, v in os.environ.items() if k != "SITREP_SMTP_URL"}
    try:
        return subprocess.run(
            [sys.executable, "-m", "sitrep", *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
    finally:
        os.close(write)


# session scope, though only this module uses it: made once per worker even when `--dist
# worksteal` runs this module's tests apart (a module fixture is made again each time its
# module's tests resume after another module's)
@pytest.fixture(scope="session")
def sent(tmp_path_factory: pytest.TempPathFactory, built_sample) -> Path:
    """The sample workspace with its report built and sent into the outbox."""
    # the session's build copied in (as `issued` does) and `send` run in this process: the
    # workspace is the setting, the commands under test are the processes below
    workspace = copy_workspace(tmp_path_factory.mktemp("pipes") / "ws")
    shutil.copytree(built_sample[0] / "output", workspace / "output")
    done = in_process.sitrep("-w", str(workspace), "send", env={"SITREP_SMTP_URL": None})  # outbox
    assert done.exit_code == 0, done.output
    return workspace


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["places", "a"],
        ["places", "--level", "2"],  # more than a pipe's buffer: a write fails mid-command
        ["send", "--status"],
        ["validate"],
        ["validate", "--format", "json"],
        ["build"],  # unchanged since issued: its PDF's path
        ["build", "--force", "--draft"],
    ],
)
def test_a_closed_pipe_ends_quietly_with_exit_0(sent: Path, args: list[str]):
    done = into_closed_pipe("-w", str(sent), *args)
    assert done.returncode == 0, done.stderr
    assert "Internal error" not in done.stderr and "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.slow
def test_head_reads_the_first_line_and_sitrep_ends_with_0(sent: Path):
    done = subprocess.run(
        f'"{sys.executable}" -m sitrep -w "{sent}" places --level 2 | head -1; '
        'exit "${PIPESTATUS[0]}"',
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1
    assert "Error" not in done.stderr and "BrokenPipe" not in done.stderr  # how many: said
