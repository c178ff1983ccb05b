"""The per-run fast path (MessageFactory, send_bytes) sends what build_message would have sent."""

from __future__ import annotations

import dataclasses
import io
import smtplib
from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.delivery.factory import MessageFactory
from sitrep.delivery.message import build_message
from sitrep.delivery.model import Partner
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.send import send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url, quote_periods
from sitrep.settings.email import EmailSettings
from tests.smtp_server import (
    SmtpTestServer,
    assert_same_message,
    minimal_pdf,
    parse_message,
    sample_partners,
    sample_report,
)

NOW = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)
SETTINGS = EmailSettings(
    from_addr="OCHA Afghanistan <ocha-afg@example.org>",
    reply_to="info@example.org",
    unsubscribe="https://example.org/unsubscribe",
    backoff_seconds=0.001,
)
ATTACH = [
    Partner("Amina Yusuf", "amina@ngo.example.org", "NGO", ("WASH",), "attach", None, True),
    Partner("", "bare@ngo.example.org", "NGO", ("WASH",), "attach", None, True),
    Partner("Yusuf, Amina (WASH)", "quoted@ngo.example.org", "NGO", (), "attach", None, True),
    Partner("Zoë Ægir-Ñúñez", "accents@ngo.example.org", "NGO", (), "attach", None, True),
]
LINK = [dataclasses.replace(p, email="link-" + p.email, format="link") for p in ATTACH]


def _flatten(message: EmailMessage, linesep: str) -> bytes:
    """What smtplib.send_message (CRLF) or message.as_bytes() (LF) puts out."""
    out = io.BytesIO()
    BytesGenerator(out).flatten(message, linesep=linesep)
    return out.getvalue()


@pytest.mark.parametrize("partners", [ATTACH, LINK], ids=["attach", "link"])
@pytest.mark.parametrize("linesep", ["\r\n", "\n"], ids=["smtp", "outbox"])
def test_fast_path_builds_the_same_message_as_build_message(tmp_path, partners, linesep):
    report = sample_report(tmp_path)
    factory = MessageFactory(report, SETTINGS, NOW)
    for partner in partners:  # the first partner makes the template; the others reuse it
        fast = factory.as_bytes(partner, linesep)
        plain = _flatten(build_message(report, partner, SETTINGS, NOW), linesep)
        assert_same_message(fast, plain)
        message = parse_message(fast)
        assert message["Message-ID"] == parse_message(plain)["Message-ID"]
        if partner.format == "attach":
            (attachment,) = message.iter_attachments()
            assert attachment.get_content() == minimal_pdf()
        else:
            assert list(message.iter_attachments()) == []
            assert report.report_url in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "changes, settings",
    [
        ({"revision": 2}, dataclasses.replace(SETTINGS, reply_to=None, unsubscribe=None)),
        ({"report_url": None}, dataclasses.replace(SETTINGS, unsubscribe="mailto:s@example.org")),
        ({"country": "Côte d'Ivoire", "highlights": ["é " * 300]}, SETTINGS),
    ],
    ids=["revision-no-optional-headers", "unpublished-mailto", "non-ascii-long-lines"],
)
def test_fast_path_matches_for_other_reports_and_settings(tmp_path, changes, settings):
    report = sample_report(tmp_path, **changes)
    factory = MessageFactory(report, settings, NOW)
    for partner in [*ATTACH[:2], *LINK[:2]]:
        plain = _flatten(build_message(report, partner, settings, NOW), "\r\n")
        assert_same_message(factory.as_bytes(partner), plain)


def test_pdf_is_encoded_once_per_format(tmp_path, monkeypatch):
    import sitrep.delivery.factory as message_module

    calls = []
    real = message_module.build_message

    def counting(*args, **kwargs):
        calls.append(args[1].format)
        return real(*args, **kwargs)

    monkeypatch.setattr(message_module, "build_message", counting)
    factory = MessageFactory(sample_report(tmp_path), SETTINGS, NOW)
    for partner in [*sample_partners(20), *LINK]:
        factory.as_bytes(partner)
    assert sorted(calls) == ["attach", "link"]


@given(st.binary(max_size=200) | st.text(".\r\nab", max_size=40).map(str.encode))
def test_quote_periods_matches_smtplib(data):
    assert quote_periods(data) == smtplib._quote_periods(data)


def test_non_ascii_addresses_go_through_send_message():
    transport = SmtpTransport(parse_smtp_url("smtp://127.0.0.1:25", None))
    assert transport.can_send_bytes("ocha@example.org", "p@example.org")
    assert not transport.can_send_bytes("ocha@example.org", "zoë@example.org")
    assert not transport.can_send_bytes("öcha@example.org", "p@example.org")


def test_over_smtp_the_wire_has_crlf_and_dot_stuffing_and_the_same_message(tmp_path):
    # A line starting with '.' must arrive intact (the client doubles it, the server undoes it).
    report = sample_report(tmp_path, country=".Dotland")
    partners = [*sample_partners(2), LINK[0]]
    with SmtpTestServer() as server:
        with SmtpTransport(parse_smtp_url(server.url(), None)) as transport:
            summary = send_report(
                report,
                partners,
                settings=SETTINGS,
                transport=transport,
                ledger_path=tmp_path / "ledger.sqlite",
                now=NOW,
            )
        assert summary.ok and len(server.handler.received) == 3
        for partner, received in zip(partners, server.handler.received, strict=True):
            assert received.rcpt_tos == [partner.email]
            assert received.raw.count(b"\n") == received.raw.count(b"\r\n")  # no bare LF
            text = received.message.get_body(("plain",)).get_content()
            assert text.splitlines()[0] == ".Dotland: North-east"
            plain = _flatten(build_message(report, partner, SETTINGS, NOW), "\r\n")
            assert_same_message(received.raw, plain)


def test_outbox_files_are_what_as_bytes_wrote_and_parse_back(tmp_path):
    report = sample_report(tmp_path)
    outbox = tmp_path / "outbox"
    partners = [*ATTACH, LINK[0]]
    with OutboxTransport(outbox) as transport:
        summary = send_report(
            report,
            partners,
            settings=SETTINGS,
            transport=transport,
            ledger_path=tmp_path / "ledger.sqlite",
            now=NOW,
        )
    assert summary.count("written") == len(partners)
    assert sorted(outbox.iterdir()) == sorted(summary.files)  # no temporary files left
    for partner, path in zip(partners, summary.files, strict=True):
        unsent, raw = path.read_bytes().split(b"\n", 1)
        assert unsent == b"X-Unsent: 1"  # Outlook and Thunderbird open it ready to send
        assert b"\r" not in raw  # local line ends, as message.as_bytes() writes them
        assert_same_message(raw, build_message(report, partner, SETTINGS, NOW).as_bytes())
