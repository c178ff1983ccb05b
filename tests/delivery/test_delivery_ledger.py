"""The SQLite send ledger on its own: states, attempts, migration, privacy, durability."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat

import pytest

from sitrep.delivery import ledger

KEY = "afghanistan-north-east-2021-08-24-no9"


def _ids(recipient: str, revision: int = 0, sha: str = "sha1") -> ledger.Ids:
    return (KEY, revision, recipient, sha)


@pytest.fixture
def conn(tmp_path):
    with contextlib.closing(ledger.open_ledger(tmp_path / "sub" / "ledger.sqlite")) as connection:
        yield connection


def test_wal_mode_and_file_created(conn, tmp_path):
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "sub" / "ledger.sqlite").exists()
    assert conn.execute("PRAGMA user_version").fetchone()[0] == ledger.SCHEMA_VERSION


def test_states_attempts_and_status(conn):
    ledger.record(conn, _ids("B@example.org"), "sending", 1)
    ledger.record(conn, _ids("a@example.org"), "sending", 1)
    ledger.record(conn, _ids("a@example.org"), "sent", 1)
    ledger.record(conn, _ids("b@example.org"), "failed_permanent", 2, "550 no")
    ledger.record(conn, _ids("c@example.org"), "unknown", 1, "may have been delivered: x")

    assert ledger.lookup(conn, _ids("A@Example.ORG")).state == "sent"  # ASCII case ignored
    assert ledger.lookup(conn, _ids("a@example.org", sha="sha2")) is None  # other PDF
    assert ledger.lookup(conn, _ids("a@example.org", revision=1)) is None  # other revision
    assert ledger.delivered_other_pdf(conn, KEY, 0, "sha2") == 2  # a (sent) and c (unknown)
    assert ledger.delivered_other_pdf(conn, KEY, 0, "sha1") == 0

    rows = ledger.status(conn, KEY)
    assert [(r.recipient, r.state, r.attempts, r.last_error) for r in rows] == [
        ("a@example.org", "sent", 1, None),
        ("b@example.org", "failed_permanent", 2, "550 no"),
        ("c@example.org", "unknown", 1, "may have been delivered: x"),
    ]
    assert rows[0].updated_at.endswith("+00:00")
    assert ledger.status(conn, "another-report") == []


def test_non_ascii_local_parts_are_not_folded(conn):
    ledger.record(conn, _ids("straße@example.org"), "sent", 1)
    assert ledger.lookup(conn, _ids("strasse@example.org")) is None
    assert ledger.lookup(conn, _ids("straße@EXAMPLE.org")).state == "sent"


def test_a_row_left_sending_becomes_unknown(conn):
    ledger.record(conn, _ids("a@example.org"), "sending", 1)
    ledger.record(conn, _ids("b@example.org"), "sent", 1)
    assert ledger.settle_interrupted(conn) == 1
    row = ledger.lookup(conn, _ids("a@example.org"))
    assert row.state == "unknown" and "may have been delivered" in row.last_error
    assert ledger.lookup(conn, _ids("b@example.org")).state == "sent"


def test_each_change_is_committed_at_once(conn, tmp_path):
    ledger.record(conn, _ids("a@example.org"), "sending", 1)
    # A second connection (another process after a kill) sees it without any commit call.
    with contextlib.closing(ledger.open_ledger(tmp_path / "sub" / "ledger.sqlite")) as other:
        assert ledger.lookup(other, _ids("a@example.org")).state == "sending"
    assert not conn.in_transaction


def test_state_is_constrained(conn):
    ledger.record(conn, _ids("a@example.org"), "sent", 1)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE deliveries SET state = 'delivered-ish'")


def test_the_ledger_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "ledger.sqlite"
        with contextlib.closing(ledger.open_ledger(path)) as conn:
            ledger.record(conn, _ids("a@example.org"), "sent", 1)
            for name in ("ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-shm"):
                assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
        os.chmod(path, 0o644)  # an older ledger, made with the umask's mode
        ledger.open_ledger(path).close()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_unsubscribe_tokens_are_random_and_stable(conn):
    first = ledger.unsubscribe_token(conn, "a@example.org")
    assert ledger.unsubscribe_token(conn, "A@EXAMPLE.org") == first
    other = ledger.unsubscribe_token(conn, "b@example.org")
    assert other != first and len(first) >= 20
    assert "a@" not in first


OLD_SCHEMA = """
CREATE TABLE deliveries (
    report_key TEXT NOT NULL, revision INTEGER NOT NULL, recipient TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    state TEXT NOT NULL
        CHECK (state IN ('pending', 'sent', 'failed_temporary', 'failed_permanent')),
    attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, updated_at TEXT NOT NULL,
    PRIMARY KEY (report_key, revision, recipient, pdf_sha256)
)
"""


def test_an_old_ledger_is_migrated_and_pending_becomes_unknown(tmp_path):
    path = tmp_path / "send-ledger.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as old:
        old.execute(OLD_SCHEMA)
        old.executemany(
            "INSERT INTO deliveries VALUES (?, 0, ?, 'sha1', ?, ?, ?, '2021-08-24T09:00:00+00:00')",
            [
                (KEY, "a@example.org", "sent", 1, None),
                (KEY, "b@example.org", "pending", 2, None),
                (KEY, "c@example.org", "failed_temporary", 4, "451 later"),
            ],
        )
        old.commit()
    with contextlib.closing(ledger.open_ledger(path)) as conn:
        rows = {r.recipient: (r.state, r.attempts) for r in ledger.status(conn, KEY)}
        assert rows == {
            "a@example.org": ("sent", 1),
            "b@example.org": ("unknown", 2),
            "c@example.org": ("failed_temporary", 4),
        }
        ledger.record(conn, _ids("d@example.org"), "sending", 1)  # the new states are allowed
    with contextlib.closing(ledger.open_ledger(path)) as again:  # opening again changes nothing
        assert len(ledger.status(again, KEY)) == 4
