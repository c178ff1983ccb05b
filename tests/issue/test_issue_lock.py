"""One lock around "choose the number, write, record": real processes building and recording at
the same time never share a number nor lose an entry of the record."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from sitrep.files import sha256_file
from sitrep.issue.record import RECORD_NAME, Issued, load_record, record_issue
from tests import in_process
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds in processes at once: not in make test-fast

SITREP = [sys.executable, "-m", "sitrep"]
ENTRIES_EACH = 150


def _record_many(output_dir: str, revision: int) -> None:
    """In a process of its own: record ENTRIES_EACH issues, one at a time."""
    import datetime as dt

    for i in range(ENTRIES_EACH):
        day = (dt.date(2001, 1, 1) + dt.timedelta(days=i)).isoformat()
        name = f"{day}/r{revision}.pdf"
        record_issue(Path(output_dir), Issued(day, i + 1, revision, name, name, "sha", "fp", day))


def test_two_processes_recording_at_once_keep_every_entry(tmp_path: Path):
    out = tmp_path / "output"
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_record_many, args=(str(out), r)) for r in (1, 2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
        assert process.exitcode == 0
    record = load_record(out)
    assert len(record) == 2 * ENTRIES_EACH
    days = {e.date for e in record}
    assert len(days) == ENTRIES_EACH
    assert {(e.date, e.revision) for e in record} == {(d, r) for d in days for r in (1, 2)}
    assert not list(out.glob(".*.tmp"))


def _start_builds(workspace: Path, *args: list[str]) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's sitrep
    return [
        subprocess.Popen(
            [*SITREP, "-w", str(workspace), "build", *a],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for a in args
    ]


def _finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    return [(p.wait(300), *p.communicate()) for p in processes]


def _assert_consistent(out: Path) -> list[Issued]:
    """Every entry's PDF is in place with its bytes; numbers unique; no temporary file."""
    record = load_record(out)
    with closing(sqlite3.connect(out / RECORD_NAME)) as conn:
        assert conn.execute("SELECT * FROM reports WHERE state = 'pending'").fetchall() == []
    for entry in record:
        assert sha256_file(out / entry.pdf) == entry.pdf_sha256
    numbers = [(e.number, e.revision) for e in record]
    assert len(numbers) == len(set(numbers)), numbers
    assert not [p for p in out.rglob("*.tmp")]
    return record


def test_builds_of_different_dates_at_once_get_their_dates_numbers(placeless: Path):
    workspace = placeless  # the numbers and the record, whatever the report shows
    # The record before them, made in this process: only the builds at once need processes.
    first = in_process.sitrep("-w", str(workspace), "build", "--date", "2021-08-20")
    assert first.exit_code == 0, first.stderr  # No. 6
    results = _finish(_start_builds(workspace, *[["--date", f"2021-08-{d}"] for d in (22, 23, 24)]))
    record = _assert_consistent(workspace / "output")
    # Whichever takes the lock first, every date gets its own number in the cadence (21 August
    # has no report: No. 7 stays unused); tests/issue/test_issue_numbers.py drives the orders.
    for code, stdout, stderr in results:
        assert code == 0, stderr
        assert Path(stdout.strip()).is_file()
    assert sorted((e.date, e.number) for e in record) == [
        ("2021-08-20", 6), ("2021-08-22", 8), ("2021-08-23", 9), ("2021-08-24", 10)
    ]  # fmt: skip


def test_builds_of_one_date_at_once_issue_one_report(placeless: Path):
    workspace = placeless  # one issue of one date, whatever the report shows
    results = _finish(_start_builds(workspace, *[["--date", "2021-08-24"]] * 3))
    assert [r[0] for r in results] == [0, 0, 0], [r[2] for r in results]
    assert len({r[1] for r in results}) == 1  # the same PDF, printed by all three
    # One built it; the others waited for the lock and found it issued.
    assert sorted("built:" in r[2] for r in results) == [False, False, True]
    assert sum("unchanged since issued" in r[2] for r in results) == 2
    record = _assert_consistent(workspace / "output")
    assert [(e.date, e.number, e.revision) for e in record] == [("2021-08-24", 10, 0)]
    assert len(list((workspace / "output" / "2021-08-24").glob("*.pdf"))) == 1
