"""The workspace's record of issued reports: numbers, revisions and what each was built from.

Kept in `output/issued.sqlite` beside the reports it describes, one row per issued report: the
workspace's own (`area` '') and the area reports of `build --each` (`area` their P-code), which
carry the number of the workspace's report of their date and never move the series. A date keeps
its number for good; an issued PDF is never overwritten: different inputs make a revision, on
request. A database, not a file rewritten whole, for the reasons `sitrep.durable` gives (the send
ledger is one too); `output/issued.json` is a view of it, for people and scripts
(`sitrep.issue.json_record`). A workspace from before is imported from its JSON files the first
time the record is changed, under the lock; until then it is read from them as it is.

One lock, `output/.issued.lock` (`issue_lock`), is held around "choose the number, write the
PDF, record it", by `build`, `build --each`, the preview's "Build PDF" and every change to the
record, so two processes never take the same number. The system releases it when the process
ends, however it ends (no stale lock).

Issuing is crash-safe, the same for every report (`sitrep.issue.issuing.issue`). The entry is
recorded as *pending* (its file name and the PDF's hash) before the PDF is renamed into place,
and as issued after, each in one transaction; whoever takes the lock next finishes a pending
issue whose PDF is in place (`recover`) or drops it, so the next build redoes it. A PDF that no
issued entry names was never issued and may be replaced.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sitrep.durable import SYNCHRONOUS, connect, create_file, file_lock, transaction
from sitrep.errors import DiskFullError
from sitrep.files import remove_stale_temporaries, sha256_file
from sitrep.issue.entries import AreaBatch as AreaBatch  # the record's types and helpers,
from sitrep.issue.entries import Issued as Issued  # where callers have always found them
from sitrep.issue.entries import latest_by_area as latest_by_area
from sitrep.issue.entries import latest_issue as latest_issue
from sitrep.issue.json_record import VIEW_NAME, old_files, read_old, remove_old, write_view
from sitrep.issue.record_rows import (
    COLUMNS,
    FIELDS,
    SCHEMA,
    SCHEMA_VERSION,
    columns_of,
    entry_of,
    row_entry,
    row_values,
    upgrade,
)

RECORD_NAME = "issued.sqlite"
LOCK_NAME = ".issued.lock"


def _key(e: Issued) -> tuple[str, str, int]:
    return (e.area, e.date, e.revision)


# --- the lock ------------------------------------------------------------------------------------

_thread = threading.local()  # the issue locks this thread holds: depth, and their connection


@contextmanager
def issue_lock(output_dir: Path) -> Iterator[None]:
    """Hold the workspace's issue lock (waiting for another process to release it).

    Re-entrant in the thread that holds it, so `record_issue` may be called inside a build.
    While it is held, this thread keeps one connection to the record (`_connection`): SQLite
    writes its log back into the database when the last connection closes, once a build
    rather than at every change.
    """
    path = (output_dir / LOCK_NAME).absolute()
    held: dict[Path, list] = _thread.__dict__.setdefault("held", {})  # lock -> [depth, conn]
    with file_lock(path):
        state = held.setdefault(path, [0, None])
        state[0] += 1
        try:
            yield
        finally:
            state[0] -= 1
            if state[0] == 0:
                del held[path]
                if state[1] is not None:
                    state[1].close()


@contextmanager
def _connection(output_dir: Path) -> Iterator[sqlite3.Connection | None]:
    """The record's connection: this thread's while it holds the issue lock, else one of its
    own; None when there is no database yet."""
    state = _thread.__dict__.get("held", {}).get((output_dir / LOCK_NAME).absolute())
    path = output_dir / RECORD_NAME
    if state is not None and state[1] is not None:
        yield state[1]
    elif not path.is_file():
        yield None
    elif state is not None:
        state[1] = connect(path)
        yield state[1]
    else:
        with closing(connect(path, reading=True)) as conn:
            yield conn


connection = _connection  # for the record's other tables (sitrep.issue.clearance)


# --- reading -------------------------------------------------------------------------------------


# every report (None), the workspace's (False), the area reports (True)
_WHICH = {None: "1", False: "area = ''", True: "area != ''"}


def _select(output_dir: Path, areas: bool | None, state: str = "issued") -> list[Issued]:
    """The entries in `state` of the workspace's reports (`areas` False), the area reports
    (True) or both (None), by date; from the JSON files while a workspace from before has no
    database yet (no write: this may run without the lock)."""
    with _connection(output_dir) as conn:
        if conn is None:
            main, pending, old_areas = read_old(output_dir)
            chosen = {False: main, True: old_areas, None: main + old_areas}[areas]
            entries = [entry_of(e) for e in (chosen if state == "issued" else pending)]
            return sorted(entries, key=lambda e: (e.date, e.area, e.revision))
        rows = conn.execute(
            f"SELECT {columns_of(conn)} FROM reports WHERE {_WHICH[areas]} AND state = ? "
            "ORDER BY date, area, revision",
            (state,),
        ).fetchall()
    return [row_entry(row) for row in rows]


def load_record(output_dir: Path) -> list[Issued]:
    """The workspace's reports issued (confirmed); an issue still pending is not among them."""
    return _select(output_dir, areas=False)


def load_area_record(output_dir: Path) -> list[Issued]:
    """The area reports issued (`build --each`)."""
    return _select(output_dir, areas=True)


def issued_pdfs(output_dir: Path) -> set[str]:
    """Every PDF an issued entry names (relative to the output folder): never to be replaced."""
    entries = _select(output_dir, areas=None)
    return {e.pdf for e in entries} | {v[0] for e in entries for v in e.editions.values()}


def load_area_batches(output_dir: Path) -> list[AreaBatch]:
    """Each date's last complete `build --each`, by date."""
    with _connection(output_dir) as conn:
        if conn is None:
            return []
        rows = conn.execute(
            "SELECT date, fingerprint, files_sha256, data_latest, areas FROM area_batches "
            "ORDER BY date"
        ).fetchall()
    return [
        AreaBatch(
            date=date, fingerprint=fp, files_sha256=files_fp, data_latest=latest,
            areas=tuple(json.loads(areas)),
        )
        for date, fp, files_fp, latest, areas in rows
    ]  # fmt: skip


# --- changing ------------------------------------------------------------------------------------


@contextmanager
def _changing(
    output_dir: Path, view: bool = True, durable: bool = True
) -> Iterator[sqlite3.Connection]:
    """The record open for one change (one transaction), under the issue lock; made the first
    time, with an older workspace's JSON record imported.

    `view`: `issued.json` is written again too (and always after the record is made), before
    the change is committed, so that a process killed between the two leaves its issue pending
    (the next build's `recover` then finishes it), never a view behind an issued record that
    an unchanged build, which takes no lock, would leave as it is. `durable=False`: the commit
    is not flushed to disk (a change whose loss to a power cut is safe).
    """
    path = output_dir / RECORD_NAME
    with issue_lock(output_dir):
        made = not path.is_file()
        if made:
            _create(output_dir)
        with _connection(output_dir) as conn:
            assert conn is not None  # made above
            if not durable:  # in WAL mode, NORMAL flushes at checkpoints only
                conn.execute("PRAGMA synchronous=NORMAL")
            try:
                with transaction(conn, path):
                    upgrade(conn)
                    yield conn
                    if view or made:
                        _write_view(output_dir, conn)
            finally:
                if not durable:
                    conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")


changing = _changing  # for the record's other tables (sitrep.issue.clearance)


def _create(output_dir: Path) -> None:
    """The database, made whole in a temporary file then renamed into place (a reader sees no
    database or a complete one), with the JSON record of an older workspace in it."""
    main, pending, areas = read_old(output_dir)
    path = output_dir / RECORD_NAME
    tmp = output_dir / f".{RECORD_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    create_file(tmp)
    try:
        with closing(sqlite3.connect(tmp, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=OFF")  # a temporary file: it is all or nothing
            with transaction(conn, path):
                for statement in SCHEMA:
                    conn.execute(statement)
                rows = [("issued", e) for e in main] + [("pending", e) for e in pending]
                rows += [("issued", e) for e in areas]
                conn.executemany(
                    f"INSERT OR REPLACE INTO reports ({COLUMNS}) "
                    f"VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
                    [row_values(state, entry_of(e)) for state, e in rows],
                )
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    remove_old(output_dir)


def _write_view(output_dir: Path, conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM reports WHERE area = '' AND state = 'issued' "
        "ORDER BY date, revision"
    ).fetchall()
    entries = [vars(row_entry(row)) for row in rows]
    shown = [{k: v for k, v in e.items() if k in _VIEW or (k == "word" and v)} for e in entries]
    write_view(output_dir, shown)


# issued.json's entries as they always were (and the Word editions of a report that has them)
_VIEW = set(FIELDS) - {"area", "content_sha256", "content", "word"}


def _insert(conn: sqlite3.Connection, state: str, entry: Issued) -> None:
    marks = ", ".join("?" * (len(FIELDS) + 1))
    conn.execute(
        f"INSERT OR REPLACE INTO reports ({COLUMNS}) VALUES ({marks})", row_values(state, entry)
    )


_SAME = "area = ? AND date = ? AND revision = ?"


def save_record(output_dir: Path, record: list[Issued]) -> None:
    """Make `record` the workspace's issued reports (tests and benchmarks set one up so)."""
    with _changing(output_dir) as conn:
        conn.execute("DELETE FROM reports WHERE area = '' AND state = 'issued'")
        for entry in record:
            _insert(conn, "issued", entry)


def record_issue(output_dir: Path, issued: Issued) -> None:
    """Record `issued` as issued, replacing an entry of the same report, date and revision (and
    its pending entry)."""
    with _changing(output_dir, view=not issued.area) as conn:
        conn.execute(f"DELETE FROM reports WHERE {_SAME}", _key(issued))
        _insert(conn, "issued", issued)


def begin_issue(output_dir: Path, issued: Issued) -> None:
    """Record `issued` as pending: about to be renamed into place. Under `issue_lock`."""
    # Not flushed: if a power cut loses it, the PDF has no record and is not issued.
    with _changing(output_dir, view=False, durable=False) as conn:
        _insert(conn, "pending", issued)


def abandon_issue(output_dir: Path, issued: Issued) -> None:
    """Forget a pending issue that failed; if even that cannot be written, `recover` will."""
    try:
        # the view again, as the failed change may have written it with the entry
        with _changing(output_dir, view=not issued.area) as conn:
            conn.execute(f"DELETE FROM reports WHERE {_SAME} AND state = 'pending'", _key(issued))
    except (OSError, sqlite3.Error, DiskFullError):
        pass


def record_area_batch(output_dir: Path, batch: AreaBatch) -> None:
    """Record that `build --each` of `batch.date` is complete: the next one may reuse it whole."""
    with _changing(output_dir, view=False) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO area_batches VALUES (?, ?, ?, ?, ?)",
            (*dataclasses.astuple(batch)[:4], json.dumps(list(batch.areas))),
        )


def recover(output_dir: Path) -> list[str]:
    """Finish or drop the issues a dead process left pending; remove its temporary files (the
    record's, and those in the folder of a pending issue); bring `issued.json` up to date.

    Call it holding `issue_lock`: then no live process is between "pending" and "issued".
    Returns a line for each issue finished or dropped.
    """
    notes: list[str] = []
    remove_stale_temporaries(output_dir)  # the record's own; a report's folder: below, or
    # when that date is built again (`remove_stale_temporaries` on its folder)
    if not (output_dir / RECORD_NAME).is_file() and not old_files(output_dir):
        return notes  # nothing issued yet: nothing written either (the build may still stop)
    with _changing(output_dir, view=False) as conn:
        rows = conn.execute(f"SELECT {COLUMNS} FROM reports WHERE state = 'pending'").fetchall()
        pending = list(map(row_entry, rows))
        for entry in pending:
            pdf = output_dir / entry.pdf
            if pdf.is_file() and sha256_file(pdf) == entry.pdf_sha256:
                conn.execute(f"DELETE FROM reports WHERE {_SAME}", _key(entry))
                _insert(conn, "issued", entry)
                notes.append(f"an interrupted build of No. {entry.number} was finished: {pdf}")
            else:
                conn.execute(
                    f"DELETE FROM reports WHERE {_SAME} AND state = 'pending'", _key(entry)
                )
                notes.append(f"an interrupted build of No. {entry.number} left nothing issued")
            remove_stale_temporaries(pdf.parent, recursive=True)
        if any(not e.area for e in pending) or not (output_dir / VIEW_NAME).is_file():
            _write_view(output_dir, conn)
    return notes
