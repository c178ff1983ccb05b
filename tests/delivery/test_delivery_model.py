"""Settings from sitrep.toml's [email] table, SMTP URLs, and recipient selection."""

from __future__ import annotations

import math

import pytest

from sitrep.delivery.model import Partner
from sitrep.delivery.recipients import partners_from_records, select_recipients
from sitrep.delivery.transport import parse_smtp_url
from sitrep.errors import SitrepError
from sitrep.settings.email import EmailSettings, parse_email_settings


def test_settings_valid_table_gives_settings():
    settings, problems = parse_email_settings(
        {
            "from": "OCHA Afghanistan <ocha-afg@example.org>",
            "reply_to": "info@example.org",
            "unsubscribe": "mailto:unsubscribe@example.org",
            "max_attempts": 3,
            "backoff_seconds": 2,
            "smtp": "smtp+starttls://sitrep@relay.example.org",
        }
    )
    assert problems == []
    assert settings == EmailSettings(
        from_addr="OCHA Afghanistan <ocha-afg@example.org>",
        reply_to="info@example.org",
        unsubscribe="mailto:unsubscribe@example.org",
        max_attempts=3,
        backoff_seconds=2.0,
        smtp="smtp+starttls://sitrep@relay.example.org",
    )


def test_settings_every_problem_is_reported_with_its_key():
    settings, problems = parse_email_settings(
        {
            "from": "x",
            "reply_to": "not an address",
            "unsubscribe": "http://example.org/u",
            "max_attempts": 0,
            "backoff_seconds": "fast",
            "max_backoff_seconds": True,
            "smtp": "http://relay",
            "colour": "blue",
        }
    )
    assert settings is None
    assert "email.from: 'x' is not an email address" in problems
    keys = [p.split(":")[0] for p in problems]
    assert keys == [
        "email.colour",
        "email.from",
        "email.reply_to",
        "email.unsubscribe",
        "email.smtp",
        "email.max_attempts",
        "email.backoff_seconds",
        "email.max_backoff_seconds",
    ]
    assert "unknown key" in problems[0]


def test_settings_missing_from_and_password_key():
    settings, problems = parse_email_settings({"password": "hunter2"})
    assert settings is None
    assert any(p.startswith("email.from: missing") for p in problems)
    password_problem = next(p for p in problems if p.startswith("email.password"))
    assert "SITREP_SMTP_PASSWORD" in password_problem
    assert "hunter2" not in " ".join(problems)


def test_settings_smtp_url_with_password_is_refused_without_echoing_it():
    _, problems = parse_email_settings(
        {"from": "a@example.org", "smtp": "smtps://user:hunter2@relay.example.org"}
    )
    assert len(problems) == 1 and "SITREP_SMTP_PASSWORD" in problems[0]
    assert "hunter2" not in problems[0]


def test_parse_smtp_url_schemes_ports_and_user():
    plain = parse_smtp_url("smtp://relay.example.org", None)
    assert (plain.security, plain.port, plain.username) == ("starttls-if-offered", 25, None)
    start = parse_smtp_url("smtp+starttls://ocha%40example.org@relay.example.org", "s3cret")
    assert (start.security, start.port, start.username) == ("starttls", 587, "ocha@example.org")
    assert start.password == "s3cret"
    tls = parse_smtp_url("smtps://u:from%20url@relay.example.org:2465", None)
    assert (tls.security, tls.port, tls.password) == ("tls", 2465, "from url")
    # The environment variable wins over the URL.
    assert parse_smtp_url("smtps://u:url@relay.example.org", "env").password == "env"


def test_smtp_target_repr_and_display_hide_the_password():
    target = parse_smtp_url("smtps://user:hunter2@relay.example.org", None)
    assert "hunter2" not in repr(target)
    assert "hunter2" not in str(target)
    assert target.display() == "smtps://user@relay.example.org:465"


@pytest.mark.parametrize(
    "url",
    [
        "http://relay.example.org",
        "smtp://",
        "smtp://relay.example.org/path",
        "smtps://user:hunter2@relay.example.org:99999",
        "smtps://user:hun@ter2@relay.example.org/x",
    ],
)
def test_parse_smtp_url_rejects_bad_urls_without_leaking_the_password(url):
    with pytest.raises(SitrepError) as info:
        parse_smtp_url(url, None)
    assert "hunter2" not in str(info.value) and "ter2" not in str(info.value)


def _partner(email: str, lists: tuple[str, ...], active: bool = True) -> Partner:
    return Partner(email.split("@")[0], email, "NGO", lists, "attach", None, active)


def test_select_recipients_dedups_filters_and_honours_unsubscribe():
    partners = [
        _partner("a@example.org", ("WASH",)),
        _partner("b@example.org", ("Health", "WASH")),
        _partner("A@Example.org", ("Health",)),  # same person, second list
        _partner("c@example.org", ("Health",), active=False),
        _partner("c@example.org", ("WASH",)),  # unsubscribed in another row: still out
        _partner("d@example.org", ("Logistics",)),
    ]
    chosen = select_recipients(partners, ["wash", "HEALTH"])
    assert [p.email for p in chosen] == ["a@example.org", "b@example.org"]
    everyone = select_recipients(partners, None)
    assert [p.email for p in everyone] == ["a@example.org", "b@example.org", "d@example.org"]


def test_select_recipients_unknown_list_names_the_known_ones():
    with pytest.raises(SitrepError) as info:
        select_recipients([_partner("a@example.org", ("WASH", "Health"))], ["Shelter"])
    assert "'Shelter'" in str(info.value) and "Health, WASH" in str(info.value)


def test_partners_from_records_parses_spreadsheet_values():
    records = [
        {
            "name": "Amina",
            "email": " amina@example.org ",
            "organisation": "OCHA",
            "lists": "WASH; Health,Shelter",  # as typed; validated tables hold a tuple
            "format": None,
            "language": math.nan,
            "active": None,
        },
        {
            "name": "Bo",
            "email": "bo@example.org",
            "organisation": "NGO",
            "lists": (),
            "format": "URL",
            "language": "fr",
            "active": "No",
        },
    ]
    first, second = partners_from_records(records)
    assert first.email == "amina@example.org"
    assert first.lists == ("WASH", "Health", "Shelter")
    assert (first.format, first.language, first.active) == ("attach", None, True)
    assert (second.lists, second.format, second.language, second.active) == (
        (),
        "link",
        "fr",
        False,
    )


def test_partners_from_records_reports_every_bad_record():
    records = [
        {"name": "x", "email": "not-an-address"},
        {"name": "y", "email": "y@example.org", "format": "fax", "active": "maybe"},
    ]
    with pytest.raises(SitrepError) as info:
        partners_from_records(records)
    message = str(info.value)
    assert "partner record 1: email 'not-an-address'" in message
    assert "partner record 2 (y@example.org): format 'fax'" in message
    assert "partner record 2 (y@example.org): active 'maybe'" in message


def test_partners_from_records_accepts_validated_tuples():
    (partner,) = partners_from_records([{"email": "z@example.org", "lists": ("WASH", " Health ")}])
    assert partner.lists == ("WASH", "Health")
