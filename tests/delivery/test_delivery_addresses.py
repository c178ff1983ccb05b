"""Addresses as mail servers compare them, the outbox's names and modes, per-recipient
unsubscribe links and the inline logo: what a recipient's mail client sees."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat
import unicodedata
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.cli import main
from sitrep.delivery import ledger
from sitrep.delivery.factory import MessageFactory
from sitrep.delivery.message import build_message
from sitrep.delivery.model import Partner, mailbox_key
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.recipients import partners_from_records, select_recipients
from sitrep.delivery.send import send_report
from sitrep.errors import SitrepError
from sitrep.settings.email import EmailSettings, parse_email_settings
from tests.smtp_server import SmtpTestServer, assert_same_message, sample_report

NOW = datetime(2021, 8, 24, 9, 30, tzinfo=UTC)
SETTINGS = EmailSettings(from_addr="ocha@example.org", backoff_seconds=0.001)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


def _partner(email: str, name: str = "") -> Partner:
    return Partner(name, email, "NGO", ("WASH",), "attach", None, True)


def _parse(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_addresses_compare_as_mail_servers_do():
    assert mailbox_key("Ann.Lee@Example.ORG") == "ann.lee@example.org"
    assert mailbox_key("ann@BÜCHER.example") == mailbox_key("ann@xn--bcher-kva.example")
    # No casefold of non-ASCII local parts: these are two mailboxes.
    assert mailbox_key("straße@example.org") != mailbox_key("strasse@example.org")
    assert mailbox_key("ÉLISE@example.org") != mailbox_key("élise@example.org")
    chosen = select_recipients(
        [_partner(a) for a in ("straße@example.org", "strasse@example.org", "STRASSE@example.org")],
        None,
    )
    assert [p.email for p in chosen] == ["straße@example.org", "strasse@example.org"]


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("email", "dup\u200b@example.org", "U+200B"),
        ("email", "a\u2060b@example.org", "U+2060"),
        ("email", "\ufeffa@example.org", "U+FEFF"),
        ("name", "Ann\x00Lee", "U+0000"),
        ("name", "Ann\r\nBcc: x@evil.example", "U+000D"),
        ("name", "Ann\u200dLee", "U+200D"),
    ],
)
def test_zero_width_and_control_characters_are_refused_with_the_row(column, value, shown):
    record = {"name": "Ann", "email": "ann@example.org", "lists": ("WASH",), "_row": 7}
    with pytest.raises(SitrepError) as info:
        partners_from_records([{**record, column: value}])
    assert f"partners row 7, column {column}: {shown}" in str(info.value)


def test_a_nul_never_reaches_a_header(tmp_path):
    with pytest.raises(ValueError, match="U\\+0000"):
        build_message(sample_report(tmp_path), _partner("a@example.org", "A\x00B"), SETTINGS, NOW)


def test_validate_refuses_them_in_the_partners_table_with_the_row():
    from sitrep.inputs import parse

    assert "U+200B" in parse.parse_email("dup\u200b@example.org")[1]
    assert "U+0000" in parse.parse_display_name("Ann\x00Lee")[1]
    assert parse.parse_display_name(" Ann  Lee ") == ("Ann Lee", None)


# Every format (Cf) and control (Cc) code point there is, and the other invisible ones.
CF_CC = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cf", "Cc")]
INVISIBLE = ["\u034f", "\u115f", "\u3164", "\u17b4", "\u180b", "\ufe0f", "\uffa0", "\U000e0100",
             "\u2800", "\u00a0", "\u2009", "\u3000", "\u2028", "\ue000"]  # fmt: skip
ADDRESS = "ann.lee@example.org"


def _refused_everywhere(address: str, char: str) -> None:
    """The partners table's validation and delivery's own check both refuse `address`, naming
    the character (and the row)."""
    from sitrep.inputs import parse
    from sitrep.safety.addresses import is_email_address

    shown = f"U+{ord(char):04X}"
    value, problem = parse.parse_email(address)
    assert value is None and problem and shown in problem, (address, problem)
    assert not is_email_address(address)
    with pytest.raises(SitrepError) as info:
        partners_from_records([{"name": "Ann", "email": address, "lists": ("WASH",), "_row": 7}])
    assert f"partners row 7, column email: {shown}" in str(info.value)
    assert parse_email_settings({"from": f"Office <{address}>"})[1]


@settings(max_examples=300, deadline=None)
@given(char=st.sampled_from(CF_CC + INVISIBLE), at=st.integers(1, len(ADDRESS) - 1))
def test_no_format_control_or_invisible_character_passes_in_an_address(char: str, at: int):
    _refused_everywhere(ADDRESS[:at] + char + ADDRESS[at:], char)


@given(char=st.sampled_from(CF_CC + INVISIBLE), edge=st.booleans())
def test_at_either_end_it_is_refused_or_trimmed_away(char: str, edge: bool):
    from sitrep.inputs import parse

    value, problem = parse.parse_email(char + ADDRESS if edge else ADDRESS + char)
    assert value == ADDRESS if problem is None else f"U+{ord(char):04X}" in problem


def test_every_one_of_them_is_refused():
    assert len(CF_CC) > 200  # 65 controls and every format character: LRM, RLO, soft hyphen ...
    for char in CF_CC + INVISIBLE:
        _refused_everywhere(f"ann{char}.lee@example.org", char)
        _refused_everywhere(f"ann.lee@exam{char}ple.org", char)


def test_a_name_keeps_its_direction_marks_but_not_an_override(tmp_path):
    from sitrep.inputs import parse

    assert parse.parse_display_name("\u200fأحمد علي") == ("\u200fأحمد علي", None)
    assert "U+202E" in parse.parse_display_name("Ann \u202egro.elpmaxe")[1]
    assert "U+2067" in parse.parse_display_name("\u2067Ann")[1]
    with pytest.raises(ValueError, match="U\\+200E"):
        build_message(sample_report(tmp_path), _partner("a\u200e@example.org"), SETTINGS, NOW)


def test_validate_names_the_partners_row_of_an_invisible_character(workspace):
    partners = workspace / "p.csv"
    partners.write_text(
        "name,email,organisation,lists\n"
        "Ann,ann@example.org,NGO,WASH\n"
        "Bo,bo\u200e@example.org,NGO,WASH\n"  # LEFT-TO-RIGHT MARK
        "Cy,cy@exa\u00admple.org,NGO,WASH\n"  # SOFT HYPHEN: IDNA drops it, cy@example.org
        "Di,\u202edi@example.org,NGO,WASH\n"  # RIGHT-TO-LEFT OVERRIDE
        "Ed,ed@example.org\u2066,NGO,WASH\n",  # LEFT-TO-RIGHT ISOLATE
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["-w", str(workspace), "validate", "--format", "json",
                                       "--input", f"partners={partners}"])  # fmt: skip
    assert result.exit_code == 0, result.output  # errors of `send`, warnings of validate
    found = {
        (p["row"], p["column"], p["message"].split(" (")[0])
        for p in json.loads(result.stdout)["problems"]
        if p["table"] == "partners" and p["severity"] == "warning"
    }
    assert found == {
        (3, "email", "contains U+200E"),
        (4, "email", "contains U+00AD"),
        (5, "email", "contains U+202E"),
        (6, "email", "contains U+2066"),
    }


def test_outbox_names_are_unique_per_mailbox_and_the_count_is_the_files(tmp_path):
    addresses = ["a!b@example.org", "a#b@example.org", "a_b@example.org", "A_B@EXAMPLE.org"]
    partners = select_recipients([_partner(a) for a in addresses], None)
    assert len(partners) == 3  # the last is the third one's mailbox
    outbox = tmp_path / "outbox"
    with OutboxTransport(outbox) as transport:
        summary = send_report(
            sample_report(tmp_path),
            partners,
            settings=SETTINGS,
            transport=transport,
            ledger_path=tmp_path / "ledger.sqlite",
            now=NOW,
        )
    files = sorted(outbox.iterdir())
    assert summary.count("written") == len(files) == 3
    assert all(f.name.startswith("a_b@example.org-") for f in files)
    for path, partner in zip(summary.files, partners, strict=True):
        message = _parse(path.read_bytes())
        assert message["X-Unsent"] == "1" and message["To"] == partner.email
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_later_run_leaves_only_its_own_messages(tmp_path):
    outbox = tmp_path / "outbox"
    for partners in (["a@example.org", "b@example.org"], ["b@example.org"]):
        with OutboxTransport(outbox) as transport:
            summary = send_report(
                sample_report(tmp_path),
                [_partner(a) for a in partners],
                settings=SETTINGS,
                transport=transport,
                ledger_path=tmp_path / "ledger.sqlite",
                now=NOW,
            )
    assert sorted(outbox.iterdir()) == summary.files
    assert summary.files[0].name.startswith("b@example.org-")


def test_outbox_files_are_private_under_a_permissive_umask(tmp_path):
    old = os.umask(0o002)
    try:
        with OutboxTransport(tmp_path / "outbox") as transport:
            path = transport.send_bytes(b"Subject: x\n\nbody\n", "a@example.org", "b@example.org")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"X-Unsent: 1\nSubject: x\n")


def _settings(unsubscribe: str) -> EmailSettings:
    settings, problems = parse_email_settings(
        {"from": "ocha@example.org", "unsubscribe": unsubscribe}
    )
    assert not problems, problems
    return dataclasses.replace(settings, backoff_seconds=0.001)


def test_unsubscribe_with_the_address_is_per_recipient_and_one_click(tmp_path):
    settings = _settings("https://lists.example.org/leave?who={email}")
    msg = build_message(sample_report(tmp_path), _partner("a+b@example.org"), settings, NOW)
    link = f"https://lists.example.org/leave?who={quote('a+b@example.org', safe='@')}"
    assert msg["List-Unsubscribe"] == f"<{link}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in msg.get_body(("plain",)).get_content()
    mailto = _settings("mailto:leave@example.org?subject=leave%20{email}")
    msg = build_message(sample_report(tmp_path), _partner("a@example.org"), mailto, NOW)
    assert msg["List-Unsubscribe"] == "<mailto:leave@example.org?subject=leave%20a@example.org>"
    assert msg["List-Unsubscribe-Post"] is None  # one-click is for https only


def test_unsubscribe_token_is_random_per_recipient_and_kept_in_the_ledger(tmp_path):
    settings = _settings("https://lists.example.org/leave/{token}")
    partners = [_partner("a@example.org"), _partner("b@example.org")]
    with SmtpTestServer() as server:
        from sitrep.delivery.transport import SmtpTransport, parse_smtp_url

        for _ in range(2):  # a second report: the same tokens
            with SmtpTransport(parse_smtp_url(server.url(), None)) as transport:
                send_report(
                    sample_report(tmp_path, number=9 + _),
                    partners,
                    settings=settings,
                    transport=transport,
                    ledger_path=tmp_path / "ledger.sqlite",
                    now=NOW,
                )
        links = [r.message["List-Unsubscribe"] for r in server.handler.received]
    with contextlib.closing(ledger.open_ledger(tmp_path / "ledger.sqlite")) as conn:
        tokens = [ledger.unsubscribe_token(conn, p.email) for p in partners]
    assert links == [f"<https://lists.example.org/leave/{t}>" for t in tokens * 2]
    assert tokens[0] != tokens[1] and all("example" not in t for t in tokens)
    assert all(r.message["List-Unsubscribe-Post"] for r in server.handler.received)


def test_the_per_recipient_fast_path_gives_what_build_message_gives(tmp_path):
    settings = _settings("https://lists.example.org/leave?who={email}")
    report = sample_report(tmp_path)
    factory = MessageFactory(report, settings, NOW)
    linker = Partner("", "c@example.org", "NGO", ("WASH",), "link", None, True)
    for partner in (_partner("a@example.org"), _partner("b@example.org", "Bea"), linker):
        raw = factory.as_bytes(partner, "\n")
        plain = build_message(report, partner, settings, NOW).as_bytes()
        assert_same_message(raw, plain)  # byte for byte, boundaries aside; the PDF too
        assert partner.email in _parse(raw)["List-Unsubscribe"]


def test_only_email_and_token_placeholders_are_accepted():
    _, problems = parse_email_settings(
        {"from": "ocha@example.org", "unsubscribe": "https://x.example.org/{name}"}
    )
    assert problems and "{email} and {token}" in problems[0]


def test_the_html_body_carries_the_logo_inline_and_no_remote_image(tmp_path):
    report = sample_report(tmp_path, logo=SVG, logo_type="image/svg+xml")
    msg = _parse(build_message(report, _partner("a@example.org"), SETTINGS, NOW).as_bytes())
    html = msg.get_body(("html",))
    related = next(p for p in msg.walk() if p.get_content_type() == "multipart/related")
    (image,) = [p for p in related.iter_parts() if p.get_content_maintype() == "image"]
    assert image.get_content() == SVG and image.get_content_type() == "image/svg+xml"
    cid = image["Content-ID"].strip("<>")
    content = html.get_content()
    assert f'src="cid:{cid}"' in content and 'alt="OCHA Afghanistan"' in content
    assert "http://" not in content.replace('xmlns="http://www.w3.org', "")
    assert "<img" in content and content.count("<img") == content.count('src="cid:')
    assert [p.get_content_type() for p in msg.iter_attachments()] == ["application/pdf"]
