"""The PDF helper process (`sitrep.pdf.pool.PdfProcess`): WeasyPrint's failures stay the user's
to fix, and a build stopped by Ctrl+C or SIGTERM leaves no process of its own behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitrep.errors import RenderError
from sitrep.pdf.pool import PdfProcess
from sitrep.render.attachments import DataFile
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # starts processes, lays PDFs out

HTML = "<html><body><p>Hello</p></body></html>"


def test_weasyprints_failure_in_the_helper_is_a_render_error():
    # an attachment WeasyPrint cannot read: it fails in WeasyPrint's own code (an unknown PDF
    # variant, used before, is now refused by sitrep.pdf.variants: sitrep's code, a bug there)
    unreadable = DataFile("data.csv", 12345, "not bytes")  # type: ignore[arg-type]
    with PdfProcess(helper=True) as process, pytest.raises(RenderError, match="bytes-like"):
        process.report_pdf(HTML, [], None, [unreadable])


def test_ctrl_c_as_the_helper_starts_is_left_to_the_build(monkeypatch, capfd):
    """A Ctrl+C reaches the helper too, maybe while its interpreter is still starting: it must
    neither die there (a fatal error printed, the PDF made in the build's process after all)
    nor print a traceback. The build's process handles it (the test below)."""

    def here(*args: object) -> None:
        raise AssertionError("laid out in the build's process: the helper died")

    with PdfProcess(helper=True) as helper:
        assert helper.process is not None
        os.kill(helper.process.pid, signal.SIGINT)  # at once: its interpreter is starting
        monkeypatch.setattr("sitrep.pdf.pool.build_pdf", here)
        assert helper.report_pdf(HTML, [], None).data.startswith(b"%PDF")
    err = capfd.readouterr().err
    assert "KeyboardInterrupt" not in err and "Fatal Python error" not in err


def _helpers(parent: int) -> list[int]:
    """The spawned processes whose parent is `parent` (multiprocessing's own resource tracker,
    which ends when its last user does, aside)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def _started_helpers(build: subprocess.Popen) -> list[int]:
    """The PDF helpers of a `sitrep build` process, once it has started one."""
    helpers: list[int] = []
    while not helpers and build.poll() is None:
        helpers = _helpers(build.pid)
        time.sleep(0.01)
    assert helpers, "the build started no PDF helper"
    return helpers


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_a_stopped_build_ends_its_pdf_helper_before_it_exits(workspace: Path, stop: str):
    """Ctrl+C reaches every process of the terminal's group; SIGTERM (kill, systemd) the build
    alone. Either way the build ends its helper and waits for it: when the build's process has
    exited, the helper is gone too, and nothing printed a traceback."""
    build = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "-w", str(workspace), "build"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        start_new_session=True,  # its own process group, as a terminal's command
    )
    try:
        helpers = _started_helpers(build)
        if stop == "ctrl-c":
            os.killpg(build.pid, signal.SIGINT)
        else:
            build.send_signal(signal.SIGTERM)
        _, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 128 + (signal.SIGINT if stop == "ctrl-c" else signal.SIGTERM), err
    assert [pid for pid in helpers if _alive(pid)] == []
    assert "Traceback" not in err, err
    assert not list((workspace / "output").rglob("*.pdf"))


def test_a_build_killed_outright_leaves_no_pdf_helper_behind(quick: Path):
    """SIGKILL (`kill -9`, the kernel's out-of-memory killer) gives the build no chance to end
    its helper: the helper must see its parent gone and end by itself. It used to wait for work
    forever, adopted by init, as the random-kill crash test once left two behind."""
    build = subprocess.Popen(
        [sys.executable, "-m", "sitrep", "-w", str(quick), "build"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        helpers = _started_helpers(build)
    finally:
        build.kill()
        build.wait(60)
    # a generous bound for a loaded machine: the helper ends as soon as it sees the build gone
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in helpers if _alive(pid)]
    for pid in left:  # not to leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == []
