"""Crash-safe issue: a build killed with SIGKILL at any point, or stopped by a full disk, leaves
the PDF and the record agreeing, no temporary file once the next build ran, and nothing wedged:
the next `build` finishes or redoes the issue."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import Result

from sitrep.files import sha256_file
from sitrep.issue.json_record import VIEW_NAME
from sitrep.issue.record import RECORD_NAME, load_area_record, load_record
from tests.conftest import ROOT, copy_workspace
from tests.in_process import sitrep
from tests.issue.conftest import placeless_workspace

pytestmark = pytest.mark.slow  # kills builds, fills disks: not in make test-fast

# Runs `sitrep` in a process that kills itself with SIGKILL at the Nth rename into the
# workspace's output/ (just before it, when the temporary file is written and flushed, or just
# after): a real SIGKILL at a chosen point, with nothing in sitrep made for the test.
KILLER = """
import os, signal, sys
where, nth, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
real_replace, seen = os.replace, [0]
def replace(src, dst, *args, **kwargs):
    if str(dst).startswith(out):
        seen[0] += 1
        if where == "before" and seen[0] == nth:
            os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst, *args, **kwargs)
    if str(dst).startswith(out) and where == "after" and seen[0] == nth:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = replace
from sitrep.cli import main
main(sys.argv[4:], prog_name="sitrep")
"""
# Once the record exists, a build renames three files into output/: the HTML edition, the PDF
# and the record's view (issued.json); the record itself is a database, changed in place: the
# issue recorded as pending before the first rename, as issued after the third. The first
# build of a workspace first renames the new database into place, then its first view.
RENAMES = 3


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _build_here(workspace: Path, *args: str) -> Result:
    """`sitrep build` in this process (CliRunner): the builds after a killed one, and those on
    a full disk, are about the record and the files (an flock dies with its process; the killed
    build's PDF helper holds nothing), not about a fresh process, which would cost a second of
    imports each. The killed builds stay real processes."""
    return sitrep("-w", str(workspace), "build", *args)


def _temporaries(out: Path) -> list[Path]:
    return list(out.rglob("*.tmp"))


def _pending(out: Path) -> list[tuple]:
    with closing(sqlite3.connect(out / RECORD_NAME)) as conn:
        return conn.execute(
            "SELECT area, date, revision FROM reports WHERE state = 'pending'"
        ).fetchall()


def _assert_consistent(out: Path) -> None:
    """The record's every issued PDF is in place with its bytes; nothing pending; no .tmp; the
    view says what the record says."""
    assert _pending(out) == []
    for entry in load_record(out) + load_area_record(out):
        assert sha256_file(out / entry.pdf) == entry.pdf_sha256, entry.pdf
    assert not _temporaries(out)
    view = json.loads((out / VIEW_NAME).read_text())["reports"]
    assert [(e["date"], e["revision"], e["pdf_sha256"]) for e in view] == [
        (e.date, e.revision, e.pdf_sha256) for e in load_record(out)
    ]


def _killed_build(workspace: Path, where: str, nth: int, *args: str) -> int:
    out = str(workspace / "output")
    command = [sys.executable, "-c", KILLER, where, str(nth), out, "-w", str(workspace)]
    # Output to a file: the PDF helper process may outlive the killed build a moment.
    with open(workspace.parent / "killed.log", "w") as log:
        return subprocess.run(
            [*command, "build", *args], stdout=log, stderr=log, env=_env(), timeout=300
        ).returncode


def test_a_build_killed_at_every_step_of_the_issue_is_finished_or_redone(placeless: Path):
    workspace = placeless  # the record and the files, whatever the report shows
    out = workspace / "output"
    # Every state the workspace can be left in: a new record's database not yet in place (a
    # .tmp); pending with nothing written (the edition's .tmp); the PDF's .tmp; the PDF in
    # place but still pending, the view's .tmp or the view written.
    points = [("before", 1), ("before", 1), ("before", 2), ("after", 2), ("before", RENAMES)]
    points += [("after", RENAMES)]
    days = [f"2021-08-{d}" for d in range(24 - len(points) + 1, 25)]
    number = int(days[0][-2:]) - 15 + 1  # first_number 1 on 15 August, daily
    for (where, nth), day in zip(points, days, strict=True):
        assert _killed_build(workspace, where, nth, "--date", day) == -signal.SIGKILL
        after = _build_here(workspace, "--date", day)
        assert after.exit_code == 0, (where, nth, after.stderr)
        assert "Traceback" not in after.stderr
        _assert_consistent(out)
        issued = [e for e in load_record(out) if e.date == day]
        assert [(e.number, e.revision) for e in issued] == [(number, 0)], (where, nth)
        assert Path(after.stdout.strip()) == out / issued[0].pdf
        if (where, nth) in points[3:]:  # the PDF was in place: that issue is finished
            assert "was finished" in after.stderr and "unchanged since issued" in after.stderr
        number += 1
    # A revision killed once its PDF is in place, then the inputs changed again (the wedge of
    # old: build, --revise and --force all refused): that revision is issued, and the change
    # is one more revision, on request.
    day = days[-1]
    narrative = workspace / "inputs" / "narrative" / f"{day}.md"
    narrative.write_text(narrative.read_text("utf-8") + "\nA correction.\n", "utf-8")
    assert _killed_build(workspace, "after", 2, "--date", day, "--revise") == -signal.SIGKILL
    narrative.write_text(narrative.read_text("utf-8") + "\nAnother one.\n", "utf-8")
    refused = _build_here(workspace, "--date", day)
    assert refused.exit_code == 1 and f"--date {day} --revise" in refused.stderr
    assert [e.revision for e in load_record(out) if e.date == day] == [0, 1]  # finished
    revised = _build_here(workspace, "--date", day, "--revise")
    assert revised.exit_code == 0, revised.stderr
    assert [e.revision for e in load_record(out) if e.date == day] == [0, 1, 2]
    assert _build_here(workspace, "--date", day, "--force").exit_code == 0
    _assert_consistent(out)


def _killed_within_the_issue(workspace: Path, day: str, delay: float) -> None:
    """A real `sitrep build --date day` killed with SIGKILL `delay` seconds after it begins to
    write the report's folder (output/<day>/, made by the edition's write: the issue is then
    recorded as pending), wherever that lands: a .tmp, the PDF in place but pending, the view
    written, or issued already. Polled (every 0.5 ms, a sleep): the issue takes some 5 ms of a
    build's seconds, which a kill at a random time from the start almost never hits."""
    folder = workspace / "output" / day
    command = [sys.executable, "-m", "sitrep", "-w", str(workspace), "build", "--date", day]
    # Output to a file: the PDF helper process may outlive the killed build a moment.
    with open(workspace.parent / "killed.log", "w") as log:
        build = subprocess.Popen(command, stdout=log, stderr=log, env=_env())
        try:
            while not folder.is_dir() and build.poll() is None:
                time.sleep(0.0005)
            time.sleep(delay)
        finally:
            build.send_signal(signal.SIGKILL)
            build.wait(60)


def test_a_build_killed_at_random_moments_never_wedges_the_workspace(placeless: Path):
    workspace = placeless  # the record and the files, whatever the report shows
    out = workspace / "output"
    rng = random.Random(12)
    pending = []  # the days whose kill left their issue pending
    # Two days (the record made, then the record there), each killed a random 0-2 ms into its
    # issue (about 5 ms here: two files and the record; the poll adds up to a millisecond): the
    # kills land while the issue is pending (18 days of 18 so), in the edition's or the PDF's
    # .tmp or with the PDF in place; a day more, up to six, while none has (a machine that slow).
    for number, day in enumerate([f"2021-08-{d}" for d in range(22, 28)], start=8):
        if number > 9 and pending:
            break
        _killed_within_the_issue(workspace, day, rng.uniform(0, 0.002))
        if (out / RECORD_NAME).is_file() and _pending(out):
            pending.append(day)
        after = _build_here(workspace, "--date", day)
        assert after.exit_code == 0, after.stderr
        assert "Traceback" not in after.stderr
        if day in pending:  # finished or dropped, and said so
            assert f"an interrupted build of No. {number}" in after.stderr, after.stderr
        _assert_consistent(out)
        assert [e.date for e in load_record(out)][-1] == day
    assert pending  # the kills landed within the issue: what this test is about


def test_an_area_batch_killed_at_a_random_point_is_finished_or_redone(quick: Path):
    """`build --each area` issues each area's report as the workspace's report is issued: killed
    half-way, the next batch finishes the report whose PDF was in place, redoes the others, and
    the date ends with each area's report issued once, nothing lost, nothing twice."""
    workspace = quick
    out = workspace / "output"
    assert _build_here(workspace, "--date", "2021-08-22").exit_code == 0  # the record
    rng = random.Random(29)
    # Five areas a day: each renames its HTML edition, then its PDF, into output/. A random
    # one of the ten renames, before or after it; on the last day, just after a PDF's.
    points = [
        (rng.choice(["before", "after"]), rng.randint(1, 10)),
        ("after", 2 * rng.randint(1, 5)),
    ]
    for (where, nth), day in zip(points, ["2021-08-23", "2021-08-24"], strict=True):
        each = ("--date", day, "--each", "area", "--workers", "1")
        assert _killed_build(workspace, where, nth, *each) == -signal.SIGKILL, (where, nth)
        after = _build_here(workspace, *each)
        assert after.exit_code == 0, (where, nth, after.stderr)
        assert "Traceback" not in after.stderr
        if where == "after" and nth % 2 == 0:  # that area's PDF was in place: finished
            assert "was finished" in after.stderr, after.stderr
        _assert_consistent(out)
        issued = [e for e in load_area_record(out) if e.date == day]
        assert sorted((e.area, e.revision) for e in issued) == [
            (a, 0) for a in sorted({e.area for e in issued})
        ]
        # No. 8 on the 22nd; the cadence gives each day its number: 9 on the 23rd, 10 on the 24th
        number = {"2021-08-23": 9, "2021-08-24": 10}[day]
        assert len(issued) == 5 and {e.number for e in issued} == {number}
        pdfs = sorted(out / e.pdf for e in issued)
        assert sorted(Path(line) for line in after.stdout.split()) == pdfs
        assert sorted(p for p in (out / day).rglob("*.pdf") if p.parent != out / day) == pdfs
        # and the batch is complete: the next one returns it whole, as issued
        again = _build_here(workspace, *each)
        assert again.stdout == after.stdout and "0 built, 5 unchanged" in again.stderr


# --- a full disk ---------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A tmpfs of 8 MiB (the workspace takes about 2.2 MiB); skipped where mount is refused."""
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield disk
    finally:
        if subprocess.run(["umount", str(disk)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the disk, then free `leave` bytes again."""
    filler = disk / "filler"
    # unbuffered: a write the disk refuses raises at once, never again when the file closes
    with open(filler, "wb", buffering=0) as handle:
        block = b"\0" * 65536
        try:
            while handle.write(block):
                pass
        except OSError:
            pass
    size = os.stat(filler).st_size
    os.truncate(filler, max(0, size - leave))
    return filler


# The free space is sized to the placeless workspace's files (the record's database 64 KB, the
# edition 194 KB, the PDF 56 KB): each case stops at the write its id names.
@pytest.mark.parametrize(
    ("free", "stops_at"),
    [
        (0, "issued.sqlite"),
        (8 * 1024, "issued.sqlite"),
        (200 * 1024, "_no10.html"),
        (290 * 1024, "_no10.pdf"),
    ],
    ids=["full", "8 KiB: the record", "200 KiB: the edition", "290 KiB: the PDF"],
)
def test_a_full_disk_is_a_clear_error_and_nothing_is_wedged(
    small_disk: Path, free: int, stops_at: str
):
    # placeless: the record, the edition and the PDF are written as the full sample's are, in
    # a build a third quicker; in this process: the disk is real, the build's process is not
    # what is tested (its exit code and messages are the command's, CliRunner reads them)
    workspace = placeless_workspace(copy_workspace(small_disk / "ws"))
    out = workspace / "output"
    filler = _fill(small_disk, free)
    failed = _build_here(workspace)
    assert failed.exit_code == 1, failed.stderr
    assert "the disk is full" in failed.stderr and "needs about" in failed.stderr
    assert f"{stops_at} needs about" in failed.stderr
    assert str(out) in failed.stderr  # where
    assert "Internal error" not in failed.stderr and "Traceback" not in failed.stderr
    assert not _temporaries(out)
    assert not load_record(out)  # nothing issued
    filler.unlink()
    built = _build_here(workspace)
    assert built.exit_code == 0, built.stderr
    _assert_consistent(out)
    (entry,) = load_record(out)
    assert (entry.number, entry.revision) == (10, 0)
    assert Path(built.stdout.strip()) == out / entry.pdf
