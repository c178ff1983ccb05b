"""send_report against a real local SMTP server: what arrives, retries, failures, TLS, secrets."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from sitrep.delivery import ledger
from sitrep.delivery.model import Partner
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.recipients import select_recipients
from sitrep.delivery.send import ledger_report, make_transport, send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url
from sitrep.errors import DeliveryError
from sitrep.settings.email import EmailSettings
from tests.smtp_server import SmtpTestServer, minimal_pdf, sample_partners, sample_report

# aiosmtpd itself sets its deprecated Session.login_data on every successful AUTH.
pytestmark = pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")

NOW = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)
PASSWORD = "correct horse:battery@staple"
SETTINGS = EmailSettings(
    from_addr="OCHA Afghanistan <ocha-afg@example.org>",
    reply_to="info@example.org",
    unsubscribe="mailto:unsubscribe@example.org",
    backoff_seconds=0.001,
    max_backoff_seconds=0.004,
)


@pytest.fixture
def server():
    with SmtpTestServer() as running:
        yield running


@pytest.fixture
def report(tmp_path):
    return sample_report(tmp_path)


class Sleeps(list):
    """Records the backoff delays instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def _send(report, recipients, transport, tmp_path, settings=SETTINGS, sleep=None):
    return send_report(
        report,
        recipients,
        settings=settings,
        transport=transport,
        ledger_path=tmp_path / "ledger.sqlite",
        now=NOW,
        sleep=sleep if sleep is not None else Sleeps(),
    )


def _smtp(server, **kwargs):
    return SmtpTransport(parse_smtp_url(server.url(), None, **kwargs))


def _states(tmp_path, report):
    return {row.recipient: row.state for row in ledger_report(tmp_path / "ledger.sqlite", report)}


def test_one_message_per_recipient_over_one_connection(server, report, tmp_path):
    partners = sample_partners(3)
    # p001 is also on a second list, under a differently cased address: one email only.
    partners.append(dataclasses.replace(partners[0], email="P001@Partners.example.org"))
    recipients = select_recipients(partners, None)
    with _smtp(server) as transport:
        summary = _send(report, recipients, transport, tmp_path)
    assert summary.ok and summary.count("sent") == 3
    received = server.handler.received
    assert sorted(server.handler.recipients()) == [p.email for p in sample_partners(3)]
    assert {r.session for r in received} == {1} and transport.connections == 1
    msg = received[0].message
    assert received[0].mail_from == "ocha-afg@example.org"
    assert msg["Subject"] == (
        "Afghanistan: North-east - Situation Report No. 9 (as of 24 August 2021)"
    )
    assert msg["From"] == "OCHA Afghanistan <ocha-afg@example.org>"
    assert msg["Reply-To"] == "info@example.org"
    assert msg["List-Unsubscribe"] == "<mailto:unsubscribe@example.org>"
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content() == report.pdf_path.read_bytes() == minimal_pdf()
    ids = [r.message["Message-ID"] for r in received]
    assert len(set(ids)) == 3


def test_rerun_after_success_sends_nothing(server, report, tmp_path):
    recipients = sample_partners(3)
    with _smtp(server) as transport:
        first = _send(report, recipients, transport, tmp_path)
        second = _send(report, recipients, transport, tmp_path)
    assert first.count("sent") == 3
    assert second.ok and second.count("already_sent") == 3
    assert len(server.handler.received) == 3
    # A revision is a new email for everyone, with its own Message-ID.
    revised = dataclasses.replace(report, revision=1)
    with _smtp(server) as transport:
        third = _send(revised, recipients, transport, tmp_path)
    assert third.count("sent") == 3
    assert server.handler.received[3].message["Subject"].endswith(" - Revision 1")
    first_ids = {r.message["Message-ID"] for r in server.handler.received[:3]}
    assert server.handler.received[3].message["Message-ID"] not in first_ids


def test_same_revision_with_a_different_pdf_is_refused(server, report, tmp_path):
    with _smtp(server) as transport:
        _send(report, sample_partners(2), transport, tmp_path)
    report.pdf_path.write_bytes(minimal_pdf() + b"% rebuilt\n")
    import hashlib

    rebuilt = dataclasses.replace(
        report, pdf_sha256=hashlib.sha256(report.pdf_path.read_bytes()).hexdigest()
    )
    with _smtp(server) as transport, pytest.raises(DeliveryError, match="revision 1"):
        _send(rebuilt, sample_partners(3), transport, tmp_path)
    # The PDF on disk no longer matches the report that was built: refused too.
    with _smtp(server) as transport, pytest.raises(DeliveryError, match="has changed"):
        _send(report, sample_partners(3), transport, tmp_path)
    assert len(server.handler.received) == 2


def test_link_partner_gets_a_link(server, report, tmp_path):
    linker = dataclasses.replace(sample_partners(1)[0], format="link")
    with _smtp(server) as transport:
        _send(report, [linker], transport, tmp_path)
    msg = server.handler.received[0].message
    assert list(msg.iter_attachments()) == []
    assert report.report_url in msg.get_body(("plain",)).get_content()


def test_451_is_retried_with_backoff_then_delivered(server, report, tmp_path):
    server.handler.script_rcpt("p002@partners.example.org", "451 4.7.1 try later", "451 again")
    sleeps = Sleeps()
    with _smtp(server) as transport:
        summary = _send(report, sample_partners(3), transport, tmp_path, sleep=sleeps)
    assert summary.ok and summary.count("sent") == 3
    assert sleeps == [0.001, 0.002]
    assert sorted(server.handler.recipients()) == [p.email for p in sample_partners(3)]
    rows = {r.recipient: r for r in ledger_report(tmp_path / "ledger.sqlite", report)}
    assert rows["p002@partners.example.org"].attempts == 3
    assert rows["p002@partners.example.org"].state == "sent"


def test_temporary_failure_gives_up_after_max_attempts(server, report, tmp_path):
    server.handler.rcpt_always["p001@partners.example.org"] = "452 4.2.2 mailbox full"
    sleeps = Sleeps()
    with _smtp(server) as transport:
        summary = _send(report, sample_partners(2), transport, tmp_path, sleep=sleeps)
    assert not summary.ok
    assert [r.outcome for r in summary.results] == ["failed_temporary", "sent"]
    assert summary.results[0].attempts == 4 and "452" in summary.results[0].error
    assert sleeps == [0.001, 0.002, 0.004]  # doubling, capped at max_backoff_seconds
    assert _states(tmp_path, report)["p001@partners.example.org"] == "failed_temporary"


def test_a_server_refusing_everyone_is_tried_a_bounded_number_of_times(server, report, tmp_path):
    server.handler.rcpt_everyone = "451 4.3.0 try again later"
    partners, sleeps = sample_partners(40), Sleeps()
    with _smtp(server) as transport:
        summary = _send(report, partners, transport, tmp_path, sleep=sleeps)
    limit = SETTINGS.max_failures_in_a_row
    assert limit == 10 and server.handler.rcpt_count == limit  # not 40 x 4 = 160
    assert len(sleeps) == limit - 3  # no wait once the breaker has tripped
    assert [(r.outcome, r.attempts) for r in summary.results[:4]] == [
        ("failed_temporary", 4), ("failed_temporary", 4), ("failed_temporary", 2), ("not_sent", 0)
    ]  # fmt: skip
    assert {r.outcome for r in summary.results[3:]} == {"not_sent"} and not summary.ok
    assert summary.stopped == "10 temporary failures in a row, the last: 451 4.3.0 try again later"
    assert summary.lines()[0].endswith("3 failed temporary, 37 not sent")
    assert len(summary.lines()) == 1 + 3  # one line per recipient tried, none per one not
    rows = {r.recipient: r for r in ledger_report(tmp_path / "ledger.sqlite", report)}
    assert len(rows) == 40 and {r.state for r in rows.values()} == {"failed_temporary"}
    untried = rows["p040@partners.example.org"]
    assert untried.attempts == 0 and untried.last_error.startswith("not sent, retry later")
    # The next run, once the server takes messages again, sends to every one of them, once.
    server.handler.rcpt_everyone = None
    with _smtp(server) as transport:
        again = _send(report, partners, transport, tmp_path)
    assert again.ok and again.count("sent") == 40 and again.stopped is None
    assert set(server.handler.copies().values()) == {1} and len(server.handler.copies()) == 40


def test_the_count_starts_again_when_the_server_answers(server, report, tmp_path):
    for number in (1, 2, 4, 5):  # 4 x 4 = 16 failures, never 10 in a row
        server.handler.rcpt_always[f"p{number:03d}@partners.example.org"] = "452 4.2.2 full"
    server.handler.rcpt_always["p003@partners.example.org"] = "550 5.1.1 no such user"
    with _smtp(server) as transport:
        summary = _send(report, sample_partners(6), transport, tmp_path, sleep=Sleeps())
    assert [r.outcome for r in summary.results] == ["failed_temporary"] * 2 + [
        "failed_permanent"
    ] + ["failed_temporary"] * 2 + ["sent"]
    assert summary.stopped is None and server.handler.rcpt_count == 4 * 4 + 1 + 1


def test_421_reconnects_and_a_drop_after_the_dot_is_unknown_not_retried(server, report, tmp_path):
    server.handler.script_rcpt("p002@partners.example.org", "421 4.3.2 shutting down")
    server.handler.drop_at_data = {3}  # third DATA (p003): dropped after the whole message
    with _smtp(server) as transport:
        summary = _send(report, sample_partners(4), transport, tmp_path)
        assert transport.connections == 3
    assert [r.outcome for r in summary.results] == ["sent", "sent", "unknown", "sent"]
    assert not summary.ok and summary.unknown == ["p003@partners.example.org"]
    assert summary.results[2].attempts == 1  # never sent twice
    assert server.handler.data_count == 4  # p002's retry happened before DATA
    assert _states(tmp_path, report)["p003@partners.example.org"] == "unknown"
    assert sorted(server.handler.recipients()) == [
        p.email for p in sample_partners(4) if p.email != "p003@partners.example.org"
    ]


def test_550_for_one_recipient_is_permanent_and_the_others_get_it(server, report, tmp_path):
    server.handler.rcpt_always["p002@partners.example.org"] = "550 5.1.1 no such user"
    sleeps = Sleeps()
    with _smtp(server) as transport:
        summary = _send(report, sample_partners(3), transport, tmp_path, sleep=sleeps)
    assert not summary.ok
    assert [r.outcome for r in summary.results] == ["sent", "failed_permanent", "sent"]
    assert sleeps == []  # never retried
    assert "p002@partners.example.org: failed permanent: 550" in "\n".join(summary.lines())
    assert _states(tmp_path, report) == {
        "p001@partners.example.org": "sent",
        "p002@partners.example.org": "failed_permanent",
        "p003@partners.example.org": "sent",
    }
    assert sorted(server.handler.recipients()) == [
        "p001@partners.example.org",
        "p003@partners.example.org",
    ]


@pytest.mark.slow
def test_auth_failure_stops_with_a_clear_message_without_the_password(report, tmp_path):
    echo = f"535 5.7.8 bad credentials for {PASSWORD}"  # a careless server echoing the secret
    with SmtpTestServer(tls="starttls", auth=("sitrep", "other"), auth_failure_reply=echo) as srv:
        target = parse_smtp_url(
            srv.url("smtp+starttls", user="sitrep"), PASSWORD, ssl_context=srv.client_context()
        )
        with SmtpTransport(target) as transport, pytest.raises(DeliveryError) as info:
            _send(report, sample_partners(2), transport, tmp_path)
    message = str(info.value)
    assert "refused the login for user 'sitrep'" in message
    assert "SITREP_SMTP_PASSWORD" in message
    assert PASSWORD not in message and "***" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert srv.handler.received == []
    # No row is left 'pending' for a message that never went out.
    assert set(_states(tmp_path, report).values()) == {"failed_temporary"}


@pytest.mark.slow
def test_auth_required_but_no_user_configured(report, tmp_path):
    with SmtpTestServer(tls="starttls", auth=("sitrep", PASSWORD), auth_required=True) as srv:
        target = parse_smtp_url(srv.url("smtp"), None, ssl_context=srv.client_context())
        with SmtpTransport(target) as transport, pytest.raises(DeliveryError, match="530"):
            _send(report, sample_partners(1), transport, tmp_path)


@pytest.mark.parametrize("scheme, tls", [("smtps", "implicit"), ("smtp+starttls", "starttls")])
@pytest.mark.slow
def test_tls_with_auth_delivers_and_the_password_appears_nowhere(
    scheme, tls, report, tmp_path, capsys
):
    with SmtpTestServer(tls=tls, require_starttls=True, auth=("sitrep", PASSWORD)) as srv:
        # The server echoes the password in a rejection: it must be scrubbed before recording.
        srv.handler.rcpt_always["p002@partners.example.org"] = f"550 5.7.1 denied {PASSWORD}"
        settings = dataclasses.replace(SETTINGS, smtp=srv.url(scheme, user="sitrep"))
        transport = make_transport(
            settings, PASSWORD, tmp_path / "unused", ssl_context=srv.client_context()
        )
        with transport:
            summary = _send(report, sample_partners(3), transport, tmp_path, settings=settings)
            text = repr(transport.target) + str(transport.target)
    assert summary.count("sent") == 2 and summary.count("failed_permanent") == 1
    assert all(r.tls and r.login == "sitrep" for r in srv.handler.received)
    everything = [
        text,
        repr(summary),
        "\n".join(summary.lines()),
        "".join(capsys.readouterr()),
        *(r.raw.decode("utf-8", "replace") for r in srv.handler.received),
    ]
    assert PASSWORD not in "\n".join(everything)
    for path in tmp_path.glob("ledger.sqlite*"):  # the database, its WAL and lock files
        assert PASSWORD.encode() not in path.read_bytes()
    errors = [r.last_error for r in ledger_report(tmp_path / "ledger.sqlite", report)]
    assert "550 5.7.1 denied ***" in errors


@pytest.mark.slow
def test_plain_smtp_upgrades_to_starttls_when_offered(report, tmp_path):
    with SmtpTestServer(tls="starttls") as srv:
        transport = _smtp(srv, ssl_context=srv.client_context())
        with transport:
            _send(report, sample_partners(1), transport, tmp_path)
    assert srv.handler.received[0].tls


def test_starttls_required_but_not_offered(server, report, tmp_path):
    target = parse_smtp_url(server.url("smtp+starttls"), None)
    with SmtpTransport(target) as transport, pytest.raises(DeliveryError, match="STARTTLS"):
        _send(report, sample_partners(1), transport, tmp_path)


def test_password_is_not_sent_over_an_unencrypted_connection(server, report, tmp_path):
    target = parse_smtp_url(server.url("smtp", user="sitrep"), PASSWORD)
    with SmtpTransport(target) as transport, pytest.raises(DeliveryError) as info:
        _send(report, sample_partners(1), transport, tmp_path)
    assert "refusing to send the password unencrypted" in str(info.value)


@pytest.mark.slow
def test_untrusted_certificate_is_a_clear_error(report, tmp_path):
    with SmtpTestServer(tls="implicit") as srv:
        target = parse_smtp_url(srv.url("smtps"), None)  # default trust store
        with SmtpTransport(target) as transport, pytest.raises(DeliveryError) as info:
            _send(report, sample_partners(1), transport, tmp_path)
    assert "TLS with smtps://127.0.0.1" in str(info.value)
    assert "certificate" in str(info.value)


def test_no_server_listening_stops_after_retries(report, tmp_path):
    with SmtpTestServer() as srv:
        url = srv.url()
    sleeps = Sleeps()
    with SmtpTransport(parse_smtp_url(url, None, timeout=2)) as transport:
        summary = _send(report, sample_partners(3), transport, tmp_path, sleep=sleeps)
    assert len(sleeps) == SETTINGS.max_attempts - 1  # the first recipient's tries, then no more
    assert summary.stopped and summary.stopped.startswith("no connection in 4 tries: cannot")
    assert "cannot connect to smtp://127.0.0.1" in summary.stopped
    assert [r.outcome for r in summary.results] == ["failed_temporary", "not_sent", "not_sent"]
    assert set(_states(tmp_path, report).values()) == {"failed_temporary"}


def test_outbox_writes_one_eml_per_recipient_and_leaves_the_ledger_alone(report, tmp_path):
    outbox = tmp_path / "output" / "2021-08-24" / "outbox"
    linker = Partner("Link", "link@example.org", "NGO", ("WASH",), "link", None, True)
    partners = [*sample_partners(2), linker]
    transport = make_transport(SETTINGS, None, outbox)
    assert isinstance(transport, OutboxTransport)
    with transport:
        summary = _send(report, partners, transport, tmp_path)
        again = _send(report, partners, transport, tmp_path)
    assert summary.ok and summary.count("written") == 3 and again.count("written") == 3
    assert sorted(p.name.rsplit("-", 1)[0] for p in summary.files) == [
        "link@example.org",
        "p001@partners.example.org",
        "p002@partners.example.org",
    ]
    assert sorted(outbox.iterdir()) == sorted(summary.files)  # no temp files left behind
    for path in summary.files:
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert msg["Subject"].startswith("Afghanistan: North-east - Situation Report No. 9")
        attachments = list(msg.iter_attachments())
        if path.name.startswith("link"):
            assert attachments == []
        else:
            assert attachments[0].get_content() == minimal_pdf()
    # Nobody was reached, so a later SMTP run must still send to everyone.
    assert not (tmp_path / "ledger.sqlite").exists()


def test_concurrent_run_on_the_same_ledger_is_refused(server, report, tmp_path):
    ledger_path = tmp_path / "ledger.sqlite"
    with (
        ledger.exclusive(ledger_path),
        _smtp(server) as transport,
        pytest.raises(DeliveryError, match="another 'sitrep send'"),
    ):
        _send(report, sample_partners(1), transport, tmp_path)
    assert server.handler.received == []
    assert ledger  # the module is importable for the status view


def test_progress_is_a_plain_callback_after_each_recipient(server, report, tmp_path, capsys):
    """The stage reports (done, total, address) and prints nothing itself: drawing a bar is the
    command line's (sitrep.cli.progress), on a terminal only."""
    calls = []
    partners = sample_partners(2)
    with _smtp(server) as transport:
        send_report(
            report,
            partners,
            settings=SETTINGS,
            transport=transport,
            ledger_path=tmp_path / "ledger.sqlite",
            now=NOW,
            progress=lambda *call: calls.append(call),
        )
    assert calls == [(1, 2, partners[0].email), (2, 2, partners[1].email)]
    assert capsys.readouterr() == ("", "")


@pytest.mark.slow
def test_a_traceback_of_a_refusal_holds_no_password(report, tmp_path):
    import traceback

    from sitrep.delivery.message import build_message
    from sitrep.delivery.transport import PermanentFailure

    partner = sample_partners(1)[0]
    with SmtpTestServer(tls="starttls", auth=("sitrep", PASSWORD)) as srv:
        srv.handler.rcpt_always[partner.email] = f"550 5.7.1 denied {PASSWORD}"
        target = parse_smtp_url(
            srv.url("smtp+starttls", user="sitrep"), PASSWORD, ssl_context=srv.client_context()
        )
        message = build_message(report, partner, SETTINGS, NOW)
        with SmtpTransport(target) as transport, pytest.raises(PermanentFailure) as info:
            transport.send(message, "ocha-afg@example.org", partner.email)
    text = "".join(traceback.format_exception(info.value))
    assert "550 5.7.1 denied ***" in text
    assert PASSWORD not in text
