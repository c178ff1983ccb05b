"""The workspace's record of issued reports: numbers, revisions and what each was built from.

Kept in `output/issued.json` beside the reports it describes. A date keeps its number for good;
an issued PDF is never overwritten: different inputs make a revision, on request.

One lock, `output/.issued.lock` (`issue_lock`), is held around "choose the number, write the
PDF, record it", by `build`, by the preview's "Build PDF" and by every change to the record, so
two processes never take the same number or lose each other's entries. It is an `fcntl.flock`
on an open file: the kernel releases it when the process ends, however it ends (no stale lock).

Issuing is crash-safe. The entry is recorded as *pending* (its file name and the PDF's hash)
before the PDF is renamed into place, and moved to the issued reports after; whoever takes the
lock next finishes a pending issue whose PDF is in place (`recover`) or drops it, so the next
build redoes it. A PDF that no issued entry names was never issued and may be replaced.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sitrep.errors import DiskFullError
from sitrep.files import (
    FULL_DISK_ERRORS,
    atomic_write,
    disk_full,
    file_mode,
    remove_stale_temporaries,
    sha256_bytes,
    sha256_file,
)

RECORD_NAME = "issued.json"
LOCK_NAME = ".issued.lock"
E = TypeVar("E", bound="Issued")


@dataclass(frozen=True)
class Issued:
    date: str  # ISO date of the report
    number: int
    revision: int  # 0 for the original
    pdf: str  # relative to the output folder
    html: str
    pdf_sha256: str
    fingerprint: str  # hash of what the report is made from (not who it is sent to)
    data_latest: str  # the newest date in the data when it was built
    files_sha256: str = ""  # the input files' bytes at issue: a quick check before `fingerprint`
    # the report in its other languages ([report] languages): code -> [pdf, html, pdf_sha256]
    editions: dict[str, list[str]] = field(default_factory=dict)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


# --- the lock ------------------------------------------------------------------------------------

_guard = threading.Lock()
_thread_locks: dict[Path, threading.RLock] = {}  # one per lock file: threads of this process
_held: dict[Path, tuple[int, int]] = {}  # lock file -> (fd, depth) while this process holds it


@contextmanager
def issue_lock(output_dir: Path) -> Iterator[None]:
    """Hold the workspace's issue lock (waiting for another process to release it).

    Re-entrant in the thread that holds it, so `record_issue` may be called inside a build.
    """
    path = (output_dir / LOCK_NAME).absolute()
    with _guard:
        rlock = _thread_locks.setdefault(path, threading.RLock())
    with rlock:
        fd, depth = _held.get(path, (-1, 0))
        if depth == 0:
            try:
                output_dir.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, file_mode())
            except OSError as exc:
                if exc.errno in FULL_DISK_ERRORS:
                    raise disk_full(path, 0) from None
                raise
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:  # Ctrl+C while waiting too: the descriptor closed, re-raised
                os.close(fd)
                raise
        _held[path] = (fd, depth + 1)
        try:
            yield
        finally:
            if depth == 0:
                del _held[path]
                os.close(fd)  # releases the flock
            else:
                _held[path] = (fd, depth)


# --- reading and writing -------------------------------------------------------------------------


def _read_all(path: Path) -> dict[str, list[dict]]:
    if not path.is_file():
        return {"reports": []}
    return json.loads(path.read_text("utf-8"))


def _read(path: Path, kind: type[E]) -> list[E]:
    """The issued entries of a record (its pending ones are `_load_both`'s)."""
    return [kind(**entry) for entry in _read_all(path).get("reports", [])]


def _write(
    path: Path, entries: list[E], pending: list[E] | None = None, durable: bool = True
) -> None:
    # vars(), not asdict(): asdict deep-copies every field (25 ms for a year of daily reports)
    data: dict[str, list[dict]] = {"reports": [dict(vars(e)) for e in entries]}
    if pending:
        data["pending"] = [dict(vars(e)) for e in pending]
    atomic_write(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"), durable=durable)


def _key(e: Issued) -> tuple[str, int]:
    return (e.date, e.revision)


def load_record(output_dir: Path) -> list[Issued]:
    """The reports issued (confirmed); an issue still pending is not among them."""
    return _read(output_dir / RECORD_NAME, Issued)


def _load_both(output_dir: Path) -> tuple[list[Issued], list[Issued]]:
    """(the issued reports, the pending ones), from one read of the record."""
    data = _read_all(output_dir / RECORD_NAME)
    return [Issued(**e) for e in data["reports"]], [Issued(**e) for e in data.get("pending", [])]


def save_record(
    output_dir: Path,
    record: list[Issued],
    pending: list[Issued] | None = None,
    durable: bool = True,
) -> None:
    """Write the record atomically. The caller holds `issue_lock` (or is alone)."""
    path, pending = output_dir / RECORD_NAME, sorted(pending or [], key=_key)
    _write(path, sorted(record, key=_key), pending, durable)


def record_issue(output_dir: Path, issued: Issued) -> None:
    """Add `issued` to the record, replacing an entry of the same date and revision."""
    with issue_lock(output_dir):
        record, pending = _load_both(output_dir)
        record = [e for e in record if _key(e) != _key(issued)]
        pending = [e for e in pending if _key(e) != _key(issued)]
        save_record(output_dir, [*record, issued], pending)


def begin_issue(output_dir: Path, issued: Issued) -> None:
    """Record `issued` as pending: about to be renamed into place. Under `issue_lock`."""
    with issue_lock(output_dir):
        record, pending = _load_both(output_dir)
        pending = [e for e in pending if _key(e) != _key(issued)]
        # No fsync: if a power cut loses this write, the PDF has no record and is not issued.
        save_record(output_dir, record, [*pending, issued], durable=False)


def abandon_issue(output_dir: Path, issued: Issued) -> None:
    """Forget a pending issue that failed; if even that cannot be written, `recover` will."""
    try:
        with issue_lock(output_dir):
            record, pending = _load_both(output_dir)
            save_record(output_dir, record, [e for e in pending if e != issued])
    except (OSError, DiskFullError):
        pass


def recover(output_dir: Path) -> list[str]:
    """Finish or drop the issues a dead process left pending; remove its temporary files
    (the record's, and those in the folder of a pending issue).

    Call it holding `issue_lock`: then no live process is between "pending" and "issued".
    Returns a line for each issue finished or dropped.
    """
    notes = []
    remove_stale_temporaries(output_dir)  # the record's own; a report's folder: below, or
    # when that date is built again (`remove_stale_temporaries` on its folder)
    record, pending = _load_both(output_dir)
    if pending:
        for entry in pending:
            pdf = output_dir / entry.pdf
            if pdf.is_file() and sha256_file(pdf) == entry.pdf_sha256:
                record = [e for e in record if _key(e) != _key(entry)] + [entry]
                notes.append(f"an interrupted build of No. {entry.number} was finished: {pdf}")
            else:
                notes.append(f"an interrupted build of No. {entry.number} left nothing issued")
            remove_stale_temporaries(pdf.parent, recursive=True)
        save_record(output_dir, record)
    return notes


def issued_files(record: list[Issued]) -> set[str]:
    """The PDFs the record names (relative to the output folder): never to be replaced."""
    return {e.pdf for e in record} | {v[0] for e in record for v in e.editions.values()}


def latest_issue(record: list[Issued], day: dt.date) -> Issued | None:
    """The newest revision issued for `day`."""
    entries = [e for e in record if e.date == day.isoformat()]
    return max(entries, key=lambda e: e.revision, default=None)


# The record of issued province reports (`build --each province`), apart from the main series.
PROVINCE_RECORD = "issued-provinces.json"


@dataclass(frozen=True)
class ProvinceIssued(Issued):
    province: str = ""  # P-code
    content_sha256: str = ""  # the HTML and the templates' assets it was laid out with


def load_province_record(output_dir: Path) -> list[ProvinceIssued]:
    return _read(output_dir / PROVINCE_RECORD, ProvinceIssued)


def save_province_record(output_dir: Path, record: list[ProvinceIssued]) -> None:
    key = lambda e: (e.date, e.province, e.revision)  # noqa: E731
    _write(output_dir / PROVINCE_RECORD, sorted(record, key=key))


def latest_by_province(record: list[ProvinceIssued], day: str) -> dict[str, ProvinceIssued]:
    """Province P-code -> its newest revision issued for `day` (ISO)."""
    latest: dict[str, ProvinceIssued] = {}
    for entry in sorted(record, key=lambda e: e.revision):
        if entry.date == day:
            latest[entry.province] = entry
    return latest


def province_key(fp: str, pcode: str) -> str:
    """A province report's fingerprint: the inputs' fingerprint and its P-code."""
    return sha256_bytes(f"{fp}\nprovince {pcode}".encode())
