"""The SQLite send ledger on its own: states, attempts, durability settings."""

from __future__ import annotations

import contextlib

import pytest

from sitrep.delivery import ledger

KEY = "afghanistan-north-east-2021-08-24-no9"


@pytest.fixture
def conn(tmp_path):
    with contextlib.closing(ledger.open_ledger(tmp_path / "sub" / "ledger.sqlite")) as connection:
        yield connection


def test_wal_mode_and_file_created(conn, tmp_path):
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert (tmp_path / "sub" / "ledger.sqlite").exists()


def test_states_attempts_and_status(conn):
    ledger.record_pending(conn, KEY, 0, "B@example.org", "sha1")
    ledger.record_pending(conn, KEY, 0, "a@example.org", "sha1")
    assert not ledger.already_sent(conn, KEY, 0, "a@example.org", "sha1")
    ledger.mark_sent(conn, KEY, 0, "a@example.org", "sha1")
    ledger.mark_failed(conn, KEY, 0, "b@example.org", "sha1", permanent=False, error="451 later")
    ledger.record_pending(conn, KEY, 0, "b@example.org", "sha1")  # a later run tries again
    ledger.mark_failed(conn, KEY, 0, "b@example.org", "sha1", permanent=True, error="550 no")

    assert ledger.already_sent(conn, KEY, 0, "A@Example.org", "sha1")  # case-insensitive
    assert not ledger.already_sent(conn, KEY, 0, "a@example.org", "sha2")  # other PDF
    assert not ledger.already_sent(conn, KEY, 1, "a@example.org", "sha1")  # other revision
    assert ledger.sent_other_pdf(conn, KEY, 0, "sha2") == 1
    assert ledger.sent_other_pdf(conn, KEY, 0, "sha1") == 0

    rows = ledger.status(conn, KEY)
    assert [(r.recipient, r.state, r.attempts, r.last_error) for r in rows] == [
        ("a@example.org", "sent", 1, None),
        ("b@example.org", "failed_permanent", 2, "550 no"),
    ]
    assert rows[0].updated_at.endswith("+00:00")
    assert ledger.status(conn, "another-report") == []


def test_each_change_is_committed_at_once(conn, tmp_path):
    ledger.record_pending(conn, KEY, 0, "a@example.org", "sha1")
    ledger.mark_sent(conn, KEY, 0, "a@example.org", "sha1")
    # A second connection (another process after a kill) sees it without any commit call.
    with contextlib.closing(ledger.open_ledger(tmp_path / "sub" / "ledger.sqlite")) as other:
        assert ledger.already_sent(other, KEY, 0, "a@example.org", "sha1")
    assert not conn.in_transaction


def test_marking_an_unknown_row_is_a_bug(conn):
    with pytest.raises(RuntimeError):
        ledger.mark_sent(conn, KEY, 0, "nobody@example.org", "sha1")


def test_state_is_constrained(conn):
    import sqlite3

    ledger.record_pending(conn, KEY, 0, "a@example.org", "sha1")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE deliveries SET state = 'delivered-ish'")
