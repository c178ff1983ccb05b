"""What must survive a crash: one way to keep a record, and one file lock.

Two records must never lose, corrupt or repeat what they say: the record of issued reports
(`sitrep.issue.record`, `output/issued.sqlite`) and the send ledger (`sitrep.delivery.ledger`,
`send-ledger.sqlite`). Both are SQLite databases opened by `connect` and changed only in
`transaction`s, and each is guarded by a `file_lock`.

Why SQLite, for both. A record's crash safety rests on two things: a change is all or nothing
(the issue of a report moves from pending to issued with its every field, or not at all), and a
change said to be done survives a killed process and a power cut. SQLite gives both, tested far
beyond what a hand-made journal can be: a transaction commits whole or rolls back, its
write-ahead log (WAL) lets a reader see the last committed state while a writer works, and
`synchronous=FULL` makes a commit durable across a power cut, not only a killed process. A JSON
file rewritten by an atomic rename gives the first, and the second only with care, but each
change rewrites the whole file (a year of area reports is megabytes) and every multi-step change
needs its own journal of pending entries, written by hand. The send ledger was already SQLite
for those reasons (one state change per message, each durable); the issue record now is too,
so both are kept, opened and migrated one way. The one thing a plain file does better is a
folder shared between machines: SQLite's WAL needs every process on one machine (so does the
file lock). sitrep runs on one machine at a time per workspace; a share may read what it wrote.

The lock is `filelock`'s native lock (`flock` on Unix, `LockFileEx` on Windows): the system
releases it when the process ends, however it ends, so no lock is ever left stale. A `file_lock`
either waits (the issue lock: a second build waits its turn) or is refused at once (`Locked`: a
second `sitrep send` stops). It is re-entrant in the thread that holds it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitrep.errors import DiskFullError
from sitrep.files import FULL_DISK_ERRORS, PRIVATE_MODE, disk_full

# FULL: a commit survives power loss too, not only a killed process, so after a power cut the
# state of a message in flight or a report being issued is still known. With NORMAL (in WAL
# mode) a commit survives a killed process, but after a power cut the last few commits may roll
# back. Field offices lose power; FULL stays. Cost: one fsync per commit; measured for the
# ledger's 1,000 messages: 0.6-0.9 s on a quiet disk, against about 2-3 s for the rest of sending
# to a local server; 3-6 s while other processes load the same disk. Next to a relay's round
# trips, or a PDF's layout: noise.
SYNCHRONOUS = "FULL"
BUSY_SECONDS = 30  # a reader waits this long for a writer's commit (a checkpoint) to end
# What a transaction may need on disk when it finds it full: a few pages of the log, and the
# 32 KB index SQLite keeps beside it.
RECORD_WRITE_BYTES = 64 * 1024
_LOW_SPACE = 1024 * 1024  # under this, an I/O error writing a record is a full disk


class Locked(Exception):
    """`file_lock(..., wait=False)` found the lock held by another process."""


def create_file(path: Path, *, private: bool = False) -> None:
    """Create `path` empty if it does not exist, with the mode a plain write gives it (the
    umask's), or 0600 when `private` (an older, wider private file is narrowed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE if private else 0o666))
        if private and stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, PRIVATE_MODE)
    except OSError as exc:
        if full := _full(exc, path):
            raise full from None
        raise


def connect(path: Path, *, private: bool = False, reading: bool = False) -> sqlite3.Connection:
    """Open the database at `path`, creating it (the mode as `create_file`), in WAL mode with
    durable commits. Autocommit: change it in a `transaction`. SQLite gives its -wal and -shm
    files the database's mode. `reading`: only to read a database that exists (no pragma to
    set: 0.3 ms less for an unchanged build, which reads the issue record)."""
    if not reading:
        create_file(path, private=private)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
        if not reading:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
    except sqlite3.Error as exc:
        if full := _full(exc, path):
            raise full from None
        raise
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection, path: Path) -> Iterator[sqlite3.Connection]:
    """One change, all or nothing: BEGIN IMMEDIATE (one writer at a time), COMMIT at the end;
    on any exception, Ctrl+C too, a ROLLBACK, then the exception (a full disk as
    `DiskFullError`, naming `path`)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:  # any failure, Ctrl+C too: nothing half-written, then re-raised
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        if full := _full(exc, path):
            raise full from None
        raise


def _full(exc: Exception, path: Path) -> DiskFullError | None:
    """The `DiskFullError` for an error that is a full disk (or quota), else None.

    SQLite says SQLITE_FULL; extending its index file on a full disk is an I/O error instead
    (SQLITE_IOERR_SHMSIZE), told apart by the space left. An OSError says ENOSPC or EDQUOT.
    """
    if isinstance(exc, OSError):
        return disk_full(path, 0) if exc.errno in FULL_DISK_ERRORS else None
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return disk_full(path, RECORD_WRITE_BYTES)
    if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and _space_left(path) < _LOW_SPACE:
        return disk_full(path, RECORD_WRITE_BYTES)
    return None


def _space_left(path: Path) -> int:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return _LOW_SPACE  # unknown: not said to be full


@contextmanager
def file_lock(path: Path, *, wait: bool = True, private: bool = False) -> Iterator[None]:
    """Hold the lock `path` (created with the mode as `create_file`): wait for another process
    to release it, re-entrant in the thread that holds it (other threads of this process wait
    as other processes do); or with `wait=False` raise `Locked` at once if anyone holds it,
    this process included."""
    # filelock is imported when a lock is taken (7 ms): an unchanged build returns the issued
    # report without one.
    from filelock import FileLock, Timeout

    create_file(path, private=private)  # its mode; and a full disk said as such
    # One lock object per file while it waits (the re-entrant kind); its own when it refuses.
    # The file stays when released: removing it would let a waiting process lock a dead file.
    lock = FileLock(path, is_singleton=wait, preserve_lock_file=True)
    try:
        lock.acquire(blocking=wait)
    except Timeout:
        raise Locked(str(path)) from None
    try:
        yield
    finally:
        lock.release()
