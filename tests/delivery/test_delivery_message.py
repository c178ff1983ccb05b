"""The email built for one partner, read back as a recipient's mail client would."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from html import escape

from hypothesis import given
from hypothesis import strategies as st

from sitrep.delivery.message import build_message, html_body, message_id
from sitrep.delivery.model import Partner
from sitrep.safety.xmlchars import xml_safe
from sitrep.settings.email import EmailSettings
from tests.smtp_server import minimal_pdf, sample_report

NOW = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)
SETTINGS = EmailSettings(
    from_addr="OCHA Afghanistan <ocha-afg@example.org>",
    reply_to="info@example.org",
    unsubscribe="https://example.org/unsubscribe",
)
AMINA = Partner("Amina Yusuf", "amina@ngo.example.org", "NGO", ("WASH",), "attach", None, True)


def _parsed(message):
    return BytesParser(policy=policy.default).parsebytes(message.as_bytes())


def test_headers(tmp_path):
    msg = _parsed(build_message(sample_report(tmp_path), AMINA, SETTINGS, NOW))
    assert msg["Subject"] == (
        "Afghanistan: North-east - Situation Report No. 9 (as of 24 August 2021)"
    )
    assert msg["From"] == "OCHA Afghanistan <ocha-afg@example.org>"
    assert msg["To"] == "Amina Yusuf <amina@ngo.example.org>"
    assert msg["Reply-To"] == "info@example.org"
    assert msg["Date"] == "Tue, 24 Aug 2021 09:30:00 +0000"
    assert msg["List-Unsubscribe"] == "<https://example.org/unsubscribe>"
    # One link for everyone: a one-click POST to it would unsubscribe nobody in particular.
    assert msg["List-Unsubscribe-Post"] is None
    assert msg["Message-ID"].startswith("<sitrep-2021-08-24-no9-r0-")
    assert msg["Message-ID"].endswith("@example.org>")


def test_revision_subject_and_mailto_unsubscribe(tmp_path):
    report = sample_report(tmp_path, revision=2)
    settings = dataclasses.replace(SETTINGS, unsubscribe="mailto:stop@example.org", reply_to=None)
    msg = build_message(report, AMINA, settings, NOW)
    assert msg["Subject"].endswith("(as of 24 August 2021) - Revision 2")
    assert msg["List-Unsubscribe"] == "<mailto:stop@example.org>"
    assert msg["List-Unsubscribe-Post"] is None
    assert msg["Reply-To"] is None
    assert "Revision 2" in msg.get_body(("plain",)).get_content()


def test_message_id_is_stable_per_recipient_and_revision(tmp_path):
    report = sample_report(tmp_path)
    first = message_id(report, "amina@ngo.example.org", SETTINGS.from_addr)
    assert first == message_id(report, "Amina@NGO.example.org", SETTINGS.from_addr)
    assert first != message_id(report, "bo@ngo.example.org", SETTINGS.from_addr)
    revised = dataclasses.replace(report, revision=1)
    assert first != message_id(revised, "amina@ngo.example.org", SETTINGS.from_addr)


def test_bodies_carry_the_essentials_and_the_pdf_is_attached(tmp_path):
    msg = _parsed(build_message(sample_report(tmp_path), AMINA, SETTINGS, NOW))
    assert msg.get_content_type() == "multipart/mixed"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "12,600" in body and "+3,500 since 23 Aug" in body
        assert "18 August 2021 to 24 August 2021" in body
        assert "Next report: 31 August 2021" in body
        assert "Amina Yusuf" in body
        assert "ILLUSTRATIVE" in body
        assert "https://example.org/unsubscribe" in body
    assert "<1 km" in text and "&lt;1 km" in html
    assert "<img" not in html
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "afghanistan-sitrep-2021-08-24-no9.pdf"
    assert attachment.get_content() == minimal_pdf()


def test_link_partner_gets_a_link_not_the_attachment(tmp_path):
    report = sample_report(tmp_path)
    linker = dataclasses.replace(AMINA, format="link")
    msg = _parsed(build_message(report, linker, SETTINGS, NOW))
    assert list(msg.iter_attachments()) == []
    assert msg.get_content_type() == "multipart/alternative"
    assert report.report_url in msg.get_body(("plain",)).get_content()
    assert f'href="{report.report_url}"' in msg.get_body(("html",)).get_content()
    # Nothing published: the link partner gets the attachment rather than nothing.
    unpublished = dataclasses.replace(report, report_url=None)
    fallback = build_message(unpublished, linker, SETTINGS, NOW)
    assert len(list(fallback.iter_attachments())) == 1


def test_no_illustrative_notice_for_real_data(tmp_path):
    report = sample_report(tmp_path, illustrative=False)
    msg = build_message(report, AMINA, SETTINGS, NOW)
    assert "ILLUSTRATIVE" not in msg.as_string()


@given(st.text(min_size=1, max_size=60))
def test_html_body_escapes_any_highlight(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("r", numbered=True)
    report = sample_report(folder, highlights=[text], crisis=text)
    html = html_body(report, AMINA, SETTINGS, 1000)
    assert f"<li>{xml_safe(escape(text))}</li>" in html  # without what XML forbids
    if "<" in text:
        assert f"<li>{text}</li>" not in html


def test_serialised_lines_stay_within_rfc_limits(tmp_path):
    # A long highlight forces quoted-printable; the attachment is base64: both wrap at 76.
    report = sample_report(tmp_path, highlights=["é " * 300], country="Côte d'Ivoire")
    raw = build_message(report, AMINA, SETTINGS, NOW).as_bytes()
    head, _, body = raw.partition(b"\n\n")
    assert b"Subject: =?utf-8?" in head  # non-ASCII subject is encoded, on one line
    payload_lines = [ln for ln in body.split(b"\n") if not re.match(rb"^[A-Za-z-]+: ", ln)]
    assert max(len(line) for line in payload_lines) <= 76
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert parsed["Subject"].startswith("Côte d'Ivoire: North-east")
