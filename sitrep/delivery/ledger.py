"""The send ledger: one SQLite row per (report, revision, recipient, PDF), so sending is resumable.

States, each committed on its own the moment it is true:
- `sending`: the server said "go ahead" (354) and the message is being handed over. Written
  BEFORE the first byte of the message goes out, so a process killed at any point afterwards
  leaves a trace. The next run, holding the lock, turns every `sending` row into `unknown`.
- `sent`: the server accepted the message (2xx after the final ".").
- `unknown`: the message was handed over but no reply came (timeout, dropped connection, killed
  run): it may have been delivered. Never sent again unless the user asks (--resend-unknown).
- `failed_temporary`: not delivered; retries ran out, or the run stopped trying the server (a
  circuit breaker: "not sent, retry later", no attempt counted). A later run tries again.
- `failed_permanent`: refused (5xx); a later run tries again, as the user may have fixed it.

`language` is the locale of the edition a recipient was sent (a report made in several
languages); rows written before there was such a column have ''.

Addresses are stored in their mailbox_key form (see model.py). The SMTP password is never
written here. The file is private (0600): it holds every partner's address.

The table `unsubscribe_tokens` holds one random token per recipient address (stable across
reports), for an `[email] unsubscribe` URL with `{token}`: look up who a token belongs to with
`SELECT recipient FROM unsubscribe_tokens WHERE token = ?`.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sitrep.delivery.model import mailbox_key
from sitrep.durable import Locked, connect, file_lock
from sitrep.errors import DeliveryError

# 0/1: the first ledger, with 'pending'; 2: 'sending' and 'unknown', tokens; 3: language
SCHEMA_VERSION = 3

State = Literal["sending", "sent", "unknown", "failed_temporary", "failed_permanent"]
MAY_HAVE_BEEN_DELIVERED = "may have been delivered"
INTERRUPTED = (
    f"{MAY_HAVE_BEEN_DELIVERED}: the run stopped while the message was being handed to the server"
)

_DELIVERIES = """
CREATE TABLE IF NOT EXISTS deliveries (
    report_key TEXT NOT NULL,
    revision INTEGER NOT NULL,
    recipient TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN
        ('sending', 'sent', 'unknown', 'failed_temporary', 'failed_permanent')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (report_key, revision, recipient, pdf_sha256)
)
"""
_TOKENS = """
CREATE TABLE IF NOT EXISTS unsubscribe_tokens (
    recipient TEXT PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class LedgerRow:
    """One recipient's delivery state for one revision of one report."""

    report_key: str
    revision: int
    recipient: str
    pdf_sha256: str
    state: State
    attempts: int
    last_error: str | None
    updated_at: str  # ISO 8601, UTC
    language: str = ""  # the locale of the email and PDF sent; '' in a ledger older than that


def _now() -> str:
    # Wall-clock time on purpose: this records when things happened, not the report date.
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_ledger(path: Path) -> sqlite3.Connection:
    """Open the ledger, creating the file (0600) and its folder, migrating an older schema.

    Opened as every durable record is (`sitrep.durable.connect`: WAL, durable commits,
    autocommit: each state change is committed on its own, never batched).
    """
    conn = connect(path, private=True)
    _migrate(conn)
    return conn


@contextlib.contextmanager
def exclusive(ledger_path: Path) -> Iterator[None]:
    """Two concurrent runs on one ledger could both send; the second one stops instead (the
    portable file lock of `sitrep.durable`, released by the system however a run ends)."""
    lock_path = ledger_path.with_name(ledger_path.name + ".lock")
    with contextlib.ExitStack() as held:
        try:  # taking the lock only: what the block raises is its own
            held.enter_context(file_lock(lock_path, wait=False, private=True))
        except Locked:
            raise DeliveryError(
                f"another 'sitrep send' is using {ledger_path}; wait for it to finish"
            ) from None
        except OSError as exc:  # the lock file itself: a folder of that name, no permission
            raise DeliveryError(
                f"cannot open {lock_path} ({exc.strerror or exc}), which keeps two sends "
                "apart: check that it is a file, in a folder you may write"
            ) from None
        yield


@contextlib.contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """The ledger, open for the block and closed after it; any SQLite error in the block (a
    damaged file, one another program holds locked) becomes a DeliveryError that names the file
    and says how to recover. sitrep never deletes the ledger, nor writes over it."""
    try:
        with contextlib.closing(open_ledger(path)) as conn:
            yield conn
    except sqlite3.Error as exc:
        raise DeliveryError(_advice(path, exc)) from None
    except OSError as exc:  # the file itself: a folder of that name, no permission
        raise DeliveryError(
            f"cannot open the send ledger {path} ({exc.strerror or exc}): check that it is a "
            "file you may read and write, then run the command again"
        ) from None


def _advice(path: Path, exc: sqlite3.Error) -> str:
    """What an SQLite error on the ledger means, and what to do."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    said = f"(SQLite: {exc})"
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return (
            f"the send ledger {path} is locked by another program {said}. Close whatever has it "
            "open (a database browser, a backup, an sqlite3 shell), then run the command again: "
            "the ledger is as the last message left it, and only those not yet reached are sent to"
        )
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return (
            f"the send ledger {path} is damaged {said}; sitrep has not changed it. It records who "
            "was sent which report: without it everyone would be sent the report again. Restore "
            f"it from a backup, or move it aside and recover what it holds with the sqlite3 "
            f"program: mv {path} {path}.damaged && sqlite3 {path}.damaged .recover | sqlite3 "
            f"{path} ; then run the command again"
        )
    if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return (
            f"the send ledger {path} cannot be written {said}: check that you may write it and "
            "its folder, then run the command again"
        )
    if code.startswith("SQLITE_FULL"):
        return f"the disk holding {path} is full {said}: free some space and run the command again"
    return (
        f"the send ledger {path} could not be read or written {said}: check the file and its "
        "disk, then run the command again"
    )


def _migrate(conn: sqlite3.Connection) -> None:
    if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")  # one process migrates; the other then sees the version
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            old = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'"
            ).fetchone()
            if old:
                # The CHECK constraint changes, so the table is rebuilt. An old 'pending' row
                # is a message in flight when a run stopped: its outcome is unknown.
                conn.execute("ALTER TABLE deliveries RENAME TO deliveries_v1")
                conn.execute(_DELIVERIES)
                rows = conn.execute(f"SELECT {_COLUMNS} FROM deliveries_v1").fetchall()
                for key, rev, rcpt, sha, state, attempts, error, updated in rows:
                    if state == "pending":
                        state, error = "unknown", INTERRUPTED
                    conn.execute(
                        f"INSERT OR REPLACE INTO deliveries ({_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (key, rev, mailbox_key(rcpt), sha, state, attempts, error, updated),
                    )
                conn.execute("DROP TABLE deliveries_v1")
            conn.execute(_DELIVERIES)
            columns = {row[1] for row in conn.execute("PRAGMA table_info(deliveries)")}
            if "language" not in columns:
                # Version 2: the same rows, each of the report's one language ('').
                conn.execute("ALTER TABLE deliveries ADD COLUMN language TEXT NOT NULL DEFAULT ''")
            conn.execute(_TOKENS)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:  # any failure, Ctrl+C too: nothing half-written, then re-raised
        conn.execute("ROLLBACK")
        raise


Ids = tuple[str, int, str, str]  # report_key, revision, recipient, pdf_sha256
_COLUMNS = "report_key, revision, recipient, pdf_sha256, state, attempts, last_error, updated_at"
_ROW = f"{_COLUMNS}, language"  # a LedgerRow's fields, in order


def _key(ids: Ids) -> Ids:
    report_key, revision, recipient, pdf_sha256 = ids
    return report_key, revision, mailbox_key(recipient), pdf_sha256


def lookup(conn: sqlite3.Connection, ids: Ids) -> LedgerRow | None:
    """This recipient's row for this revision and PDF, if any."""
    row = conn.execute(
        f"SELECT {_ROW} FROM deliveries WHERE report_key = ? AND revision = ? "
        "AND recipient = ? AND pdf_sha256 = ?",
        _key(ids),
    ).fetchone()
    return LedgerRow(*row) if row else None


def lookup_any(conn: sqlite3.Connection, ids: Ids, pdf_sha256s: Collection[str]) -> list[LedgerRow]:
    """This recipient's rows for this revision with any of the PDFs (one per language)."""
    report_key, revision, recipient, _ = _key(ids)
    shas = sorted(set(pdf_sha256s))
    marks = ", ".join("?" * len(shas))
    rows = conn.execute(
        f"SELECT {_ROW} FROM deliveries WHERE report_key = ? AND revision = ? "
        f"AND recipient = ? AND pdf_sha256 IN ({marks}) ORDER BY updated_at",
        (report_key, revision, recipient, *shas),
    ).fetchall()
    return [LedgerRow(*row) for row in rows]


def record(
    conn: sqlite3.Connection,
    ids: Ids,
    state: State,
    attempts: int,
    error: str | None = None,
    language: str = "",
) -> None:
    """Set one recipient's state (and attempts so far, and the language sent); committed at once."""
    conn.execute(
        f"""
        INSERT INTO deliveries ({_ROW}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (report_key, revision, recipient, pdf_sha256)
        DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
            last_error = excluded.last_error, updated_at = excluded.updated_at,
            language = excluded.language
        """,
        (*_key(ids), state, attempts, error, _now(), language),
    )


def settle_interrupted(conn: sqlite3.Connection) -> int:
    """Turn every `sending` row into `unknown`; call it holding the send lock, before sending.

    A row still `sending` when no run holds the lock belongs to a run that was killed (or lost
    power) while handing the message over: the server may have it.
    """
    cursor = conn.execute(
        "UPDATE deliveries SET state = 'unknown', last_error = ?, updated_at = ? "
        "WHERE state = 'sending'",
        (INTERRUPTED, _now()),
    )
    return cursor.rowcount


def delivered_other_pdf(
    conn: sqlite3.Connection, report_key: str, revision: int, pdf_sha256: str | Collection[str]
) -> int:
    """How many recipients got (or may have got) this revision with a PDF other than this one
    (or these: one per language)."""
    shas = sorted({pdf_sha256} if isinstance(pdf_sha256, str) else set(pdf_sha256))
    marks = ", ".join("?" * len(shas))
    row = conn.execute(
        f"""
        SELECT COUNT(DISTINCT recipient) FROM deliveries
        WHERE report_key = ? AND revision = ? AND pdf_sha256 NOT IN ({marks})
            AND state IN ('sent', 'unknown', 'sending')
        """,
        (report_key, revision, *shas),
    ).fetchone()
    return int(row[0])


def status(conn: sqlite3.Connection, report_key: str) -> list[LedgerRow]:
    """Every row for one report, by revision then recipient."""
    rows = conn.execute(
        f"SELECT {_ROW} FROM deliveries WHERE report_key = ? "
        "ORDER BY revision, recipient, updated_at",
        (report_key,),
    ).fetchall()
    return [LedgerRow(*row) for row in rows]


def unsubscribe_token(conn: sqlite3.Connection, recipient: str) -> str:
    """The recipient's unsubscribe token: random (128 bits), made once, the same ever after."""
    key = mailbox_key(recipient)
    row = conn.execute(
        "SELECT token FROM unsubscribe_tokens WHERE recipient = ?", (key,)
    ).fetchone()
    if row:
        return str(row[0])
    token = secrets.token_urlsafe(16)
    conn.execute(
        "INSERT OR IGNORE INTO unsubscribe_tokens (recipient, token, created_at) VALUES (?, ?, ?)",
        (key, token, _now()),
    )
    return str(
        conn.execute("SELECT token FROM unsubscribe_tokens WHERE recipient = ?", (key,)).fetchone()[
            0
        ]
    )
