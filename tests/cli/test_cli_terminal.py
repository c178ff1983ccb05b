"""The command line as a terminal and a scheduler see it: colour only when wanted, a progress
line only on a terminal, `-w` on either side of the command, `-V`."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep import __version__
from sitrep.cli import main
from tests.issue.test_batch import make_two_areas

SITREP = [sys.executable, "-m", "sitrep"]


def in_terminal(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run sitrep with a pseudo-terminal as stdout and stderr; (exit code, what it showed)."""
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    process = subprocess.Popen(
        SITREP + args,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**environment, **(env or {})},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_errors_are_coloured_on_a_terminal_unless_no_color(tmp_path: Path):
    code, shown = in_terminal(["-w", str(tmp_path), "build"])
    assert code == 1 and "\x1b[31m" in shown  # red, as a terminal shows errors
    code, shown = in_terminal(["-w", str(tmp_path), "build"], {"NO_COLOR": "1"})
    assert code == 1 and "is not a sitrep workspace" in shown
    assert "\x1b[" not in shown


@pytest.mark.slow
def test_each_shows_progress_on_a_terminal(workspace: Path):
    """click's bar, from the batch's callback; in a pipe, a log or CI nothing extra is printed
    (tests/cli/test_progress.py)."""
    # one process: the bar is the command line's, whichever runs the batch (test_batch.py);
    # two areas, not all the sample's: the bar is the same
    workspace = make_two_areas(workspace)
    code, shown = in_terminal(["build", "-w", str(workspace), "--each", "area", "--workers", "1"])
    assert code == 0, shown
    assert "Building" in shown and "\r" in shown
    assert re.search(r"\b(\d+)/\1\b", shown)  # done/total, to the end


def test_the_workspace_option_goes_either_side_of_the_command(tmp_path: Path):
    for args in (["-w", str(tmp_path), "validate"], ["validate", "-w", str(tmp_path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1 and str(tmp_path.resolve()) in result.stderr


def test_short_version_flag():
    result = CliRunner().invoke(main, ["-V"])
    assert result.exit_code == 0 and __version__ in result.stdout
