"""Exactly once against a fault-injecting SMTP server: no reply to the final dot, a connection
dropped after it, 4xx and 5xx after it, a refused address, a drop before DATA.

Faults are the worst case: where the reply is lost, the server has taken the message (it counts
as delivered), so any retry would be a duplicate the partner sees.
"""

from __future__ import annotations

import dataclasses
import hashlib
import smtplib
import socket
from datetime import UTC, datetime

import pytest

from sitrep.delivery.send import ledger_report, send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url, timed_out
from sitrep.errors import DeliveryError
from sitrep.settings.email import EmailSettings
from tests.smtp_server import SmtpTestServer, sample_partners, sample_report

NOW = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)
SETTINGS = EmailSettings(
    from_addr="ocha@example.org",
    backoff_seconds=0.001,
    max_backoff_seconds=0.002,
    timeout_seconds=5,
    data_timeout_seconds=1,  # the server's "delay" (3 s) outlasts it
)
P = [p.email for p in sample_partners(6)]


@pytest.fixture
def server():
    with SmtpTestServer() as running:
        yield running


def _send(server, tmp_path, settings=SETTINGS, count=6, **kwargs):
    target = parse_smtp_url(
        server.url(),
        None,
        timeout=settings.timeout_seconds,
        data_timeout=settings.data_timeout_seconds,
    )
    with SmtpTransport(target) as transport:
        return send_report(
            sample_report(tmp_path),
            sample_partners(count),
            settings=settings,
            transport=transport,
            ledger_path=tmp_path / "send-ledger.sqlite",
            now=NOW,
            sleep=lambda seconds: None,
            **kwargs,
        )


def _ledger(tmp_path):
    rows = ledger_report(tmp_path / "send-ledger.sqlite", sample_report(tmp_path))
    return {row.recipient: row for row in rows}


def test_every_fault_after_the_dot_ends_in_one_copy_or_an_honest_unknown(server, tmp_path):
    handler = server.handler
    handler.fault(P[0], "delay")  # the reply to "." comes after the data timeout
    handler.fault(P[1], "drop_after_dot")  # the connection drops right after the dot
    handler.fault(P[2], "451")  # a real temporary failure after the dot: retried
    handler.rcpt_always[P[3]] = "550 5.1.1 no such user"
    handler.fault(P[4], "drop_before_data")  # nothing was sent: retried
    handler.fault(P[5], "554")  # refused after the dot: permanent

    first = _send(server, tmp_path)
    outcomes = {r.email: r.outcome for r in first.results}
    assert outcomes == {
        P[0]: "unknown",
        P[1]: "unknown",
        P[2]: "sent",
        P[3]: "failed_permanent",
        P[4]: "sent",
        P[5]: "failed_permanent",
    }
    assert handler.copies() == {P[0]: 1, P[1]: 1, P[2]: 1, P[4]: 1}  # nobody got two
    assert [r.attempts for r in first.results] == [1, 1, 2, 1, 2, 1]
    assert first.unknown == [P[0], P[1]] and not first.ok
    text = "\n".join(first.lines())
    assert "2 unknown" in text and "--resend-unknown" in text
    assert f"{P[0]}: unknown: may have been delivered: no reply" in text
    assert f"{P[1]}: unknown: may have been delivered: the connection was lost" in text
    rows = _ledger(tmp_path)
    assert {k: r.state for k, r in rows.items()} == {
        P[0]: "unknown",
        P[1]: "unknown",
        P[2]: "sent",
        P[3]: "failed_permanent",
        P[4]: "sent",
        P[5]: "failed_permanent",
    }
    assert "may have been delivered" in rows[P[0]].last_error

    # The next run sends nothing to those who may have it; the refused ones are tried again.
    second = _send(server, tmp_path)
    assert handler.copies() == {P[0]: 1, P[1]: 1, P[2]: 1, P[4]: 1, P[5]: 1}
    assert [r.outcome for r in second.results] == [
        "unknown", "unknown", "already_sent", "failed_permanent", "already_sent", "sent",
    ]  # fmt: skip
    assert second.unknown == [P[0], P[1]] and not second.ok

    # Only when asked: the user checked with the partners and wants them to have it.
    del handler.rcpt_always[P[3]]
    third = _send(server, tmp_path, resend_unknown=True)
    assert third.ok and third.count("sent") == 3 and third.count("already_sent") == 3
    assert handler.copies() == {p: 2 if p in P[:2] else 1 for p in P}
    assert {r.state for r in _ledger(tmp_path).values()} == {"sent"}
    assert _ledger(tmp_path)[P[0]].attempts == 2


def test_the_reply_to_the_dot_is_awaited_beyond_the_command_timeout(server, tmp_path):
    server.handler.delay_seconds = 1.5
    server.handler.fault(P[0], "delay")
    patient = dataclasses.replace(SETTINGS, timeout_seconds=1, data_timeout_seconds=10)
    summary = _send(server, tmp_path, patient, count=2)
    assert summary.ok and summary.count("sent") == 2
    assert server.handler.copies() == {P[0]: 1, P[1]: 1}


def test_an_unknown_blocks_a_different_pdf_for_the_same_revision(server, tmp_path):
    server.handler.fault(P[0], "drop_after_dot")
    assert _send(server, tmp_path, count=1).unknown == [P[0]]
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(b"%PDF-1.4 changed")
    report = dataclasses.replace(
        sample_report(tmp_path),
        pdf_path=changed,
        pdf_sha256=hashlib.sha256(changed.read_bytes()).hexdigest(),
    )
    with (
        SmtpTransport(parse_smtp_url(server.url(), None)) as transport,
        pytest.raises(DeliveryError, match="may have been"),
    ):
        send_report(
            report,
            sample_partners(2),
            settings=SETTINGS,
            transport=transport,
            ledger_path=tmp_path / "send-ledger.sqlite",
            now=NOW,
        )
    assert server.handler.copies() == {P[0]: 1}


def test_a_lost_reply_is_told_a_timeout_by_the_exceptions_type_not_its_words():
    """smtplib turns a socket timeout while reading a reply into SMTPServerDisconnected, whose
    words say "timed out"; the TimeoutError it was raised from is what tells."""
    listener, server_side = socket.socketpair()
    with listener, server_side:
        client = smtplib.SMTP()
        client.sock = listener
        listener.settimeout(0.05)  # nobody answers: the read times out
        with pytest.raises(smtplib.SMTPServerDisconnected) as lost:
            client.getreply()
    assert timed_out(lost.value)
    dropped = smtplib.SMTPServerDisconnected("Connection unexpectedly closed: timed out")
    assert not timed_out(dropped)  # the same words, raised from no timeout
    assert timed_out(TimeoutError("The read operation timed out"))
