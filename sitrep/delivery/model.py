"""What the delivery stage works on: the report as an email sees it, partners, and settings.

Everything here is plain data. `EMAIL` declares the `[email]` section of sitrep.toml with the
settings schema's types (`sitrep.settings.schema` lists it with the others, so `load_config`
checks it); `parse_email_settings` builds `EmailSettings` from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

import idna

from sitrep.errors import SitrepError
from sitrep.settings.check import Key, Section, check_section
from sitrep.validate.addresses import address_character, is_email_address, unsafe_character

if TYPE_CHECKING:
    from sitrep.render.html import Translator

DeliveryFormat = Literal["attach", "link"]


def mailbox_key(address: str) -> str:
    """The form two addresses are compared in, as mail servers compare them.

    The domain is case-insensitive and may be written in Unicode or in its IDNA (xn--) form:
    both become the lower-case IDNA 2008 form. The local part belongs to the receiving server;
    in practice servers ignore the case of ASCII letters, so those are lowered, and nothing
    else is touched: no casefold, which would make 'strasse@' of 'straße@' (two mailboxes).
    """
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return _ascii_lower(address.strip())
    try:
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        domain = _ascii_lower(domain)  # not a valid domain: the server will say so
    return f"{_ascii_lower(local)}@{domain}"


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


@dataclass(frozen=True)
class KeyFigureLine:
    """One key figure, already formatted: ('People displaced', '12,600', '+3,500 since 23 Aug')."""

    caption: str
    value: str
    change: str


@dataclass(frozen=True)
class ContactLine:
    """A person partners can write to about the report."""

    name: str
    title: str
    organisation: str
    email: str


@dataclass(frozen=True)
class ReportEmail:
    """The parts of an issued report that an email needs. Built by the report stage."""

    country: str
    crisis: str
    issuing_office: str
    number: int
    revision: int  # 0 = the original issue
    report_date: date
    period_start: date
    period_end: date
    next_report: date | None
    pdf_path: Path
    pdf_sha256: str
    highlights: list[str]
    key_figures: list[KeyFigureLine]
    contacts: list[ContactLine]
    report_url: str | None  # where the PDF is published, if anywhere
    illustrative: bool  # sample data: the body says so
    logo: bytes | None = None  # the template's logo, carried inline in the HTML body
    logo_type: str = "image/svg+xml"
    accent: str = "#0b5ea8"  # the title band's colour (a #rrggbb), as in the report's style.css
    language: str = "en"  # the locale the email (and its PDF) is written in: "fr", "fr_HT"
    # The report's catalogue (the email's words are its [email] section); None: sitrep's own
    words: Translator | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Partner:
    """One person on the distribution list."""

    name: str
    email: str
    organisation: str
    lists: tuple[str, ...]
    format: DeliveryFormat
    language: str | None
    active: bool


@dataclass(frozen=True)
class EmailSettings:
    """The `[email]` table of sitrep.toml. The SMTP password is never part of it."""

    from_addr: str  # 'Field Office <office@example.org>' or a bare address
    reply_to: str | None = None
    # mailto: or https: URL, sent as List-Unsubscribe; {email} or {token} make it per recipient
    unsubscribe: str | None = None
    max_attempts: int = 4  # per recipient, for temporary failures (4xx, dropped connection)
    # Temporary failures in a row, across recipients, after which a run stops trying the server
    # (a circuit breaker): at 4 tries each, the third recipient that cannot be reached.
    max_failures_in_a_row: int = 10
    backoff_seconds: float = 1.0  # first wait; doubles after each attempt
    max_backoff_seconds: float = 60.0  # cap on one wait
    smtp: str | None = None  # smtp://, smtp+starttls:// or smtps:// URL; None = write an outbox
    timeout_seconds: float = 60.0  # SMTP connect and command timeout
    # The wait for the reply to the final "." of a message. RFC 5321 4.5.3.2 asks for 10
    # minutes: the server may be scanning it. Giving up earlier leaves the outcome unknown.
    data_timeout_seconds: float = 600.0
    report_url: str | None = None  # where reports are published; {file} is the PDF's name


def address_part(text: str) -> str:
    """'OCHA <a@b.org>' -> 'a@b.org'; a bare address is returned unchanged."""
    return parseaddr(text)[1] if "<" in text else text.strip()


UNSUBSCRIBE_FIELDS = ("email", "token")


def unsubscribe_fields(template: str) -> set[str]:
    """The placeholders used in an `unsubscribe` setting: {'email'}, {'token'}, both or none."""
    return set(re.findall(r"\{(email|token)\}", template))


# --- the [email] section of sitrep.toml, declared with the settings schema's types -----------

ADDRESS = "an email address, e.g. 'Field Office <office@example.org>'"
UNSUBSCRIBE = "a mailto: or https: URL; {email} or {token} make it per recipient"
SMTP = "an smtp://, smtp+starttls:// or smtps:// URL"
REPORT_URL = "an https:// URL where reports are published; {file} is the PDF's file name"


def _address(value: str) -> str | None:
    if bad := address_character(address_part(value)):
        return f"{value!r}: the address contains {bad}"
    if not is_email_address(address_part(value)):
        return f"{value!r} is not an email address"
    if bad := unsafe_character(value):
        return f"{value!r} contains {bad}"
    return None


def _unsubscribe(value: str) -> str | None:
    braces = re.sub(r"\{(email|token)\}", "", value)
    if "{" in braces or "}" in braces:
        return f"{value!r}: the only placeholders are {{email}} and {{token}}"
    parts = urlsplit(re.sub(r"\{(email|token)\}", "x", value.strip()))
    if parts.scheme == "mailto" and is_email_address(parts.path):
        return None
    if parts.scheme == "https" and parts.netloc:
        return None
    return f"{value!r} is not {UNSUBSCRIBE}"


def _smtp(value: str) -> str | None:
    from sitrep.delivery.smtp_url import parse_smtp_url  # only when set: it imports ssl

    try:
        target = parse_smtp_url(value, None)
    except SitrepError as exc:
        return str(exc)  # never the value: it may hold a password
    if target.password:
        # sitrep.toml is shared and often committed; the password belongs in the environment.
        return "the URL contains a password; remove it and set SITREP_SMTP_PASSWORD"
    return None


def _report_url(value: str) -> str | None:
    return None if value.startswith(("https://", "http://")) else f"{value!r} is not {REPORT_URL}"


def _seconds(name: str, low: int, high: int, doc: str, more: str = "") -> Key:
    expected = f"a number of seconds from {low} to {high}{more}"
    default = getattr(EmailSettings, name)
    return Key(name, (int, float), expected, doc, default, low=low, high=high, convert=float)


def _strip(value: str) -> str:
    return value.strip()


PASSWORD = (
    "do not put the password in sitrep.toml; "
    "set the SITREP_SMTP_PASSWORD environment variable instead"
)
EMAIL = Section(
    "email",
    "how `sitrep send` mails the report (the SMTP password is never here)",
    (
        Key(
            "from",
            (str,),
            ADDRESS,
            "the sender: `'Field Office <office@example.org>'` or a bare address",
            required=True,
            check=_address,
            convert=_strip,
            field="from_addr",
        ),
        Key(
            "reply_to",
            (str,),
            "an email address",
            "where replies go",
            check=_address,
            convert=_strip,
        ),
        Key(
            "unsubscribe",
            (str,),
            UNSUBSCRIBE,
            "a `mailto:` or `https:` URL, sent as List-Unsubscribe; `{email}` or `{token}` make it "
            "per recipient",
            check=_unsubscribe,
            convert=_strip,
        ),
        Key(
            "smtp",
            (str,),
            SMTP,
            "an `smtp://`, `smtp+starttls://` or `smtps://` URL, without the password "
            "(SITREP_SMTP_PASSWORD); unset: messages are written to an outbox",
            check=_smtp,
            convert=_strip,
        ),
        Key(
            "report_url",
            (str,),
            REPORT_URL,
            "where reports are published; `{file}` is the PDF's name",
            check=_report_url,
        ),
        Key(
            "max_attempts",
            (int,),
            "a whole number from 1 to 20",
            "tries per recipient, for temporary failures",
            EmailSettings.max_attempts,
            low=1,
            high=20,
        ),
        Key(
            "max_failures_in_a_row",
            (int,),
            "a whole number from 1 to 1,000",
            "temporary failures in a row (4xx replies, connections refused or lost), whoever "
            "the recipients, after which a run stops trying the server: the others are recorded "
            "as not sent and the next run sends to them",
            EmailSettings.max_failures_in_a_row,
            low=1,
            high=1000,
        ),
        _seconds("backoff_seconds", 0, 600, "the first wait between tries; doubles each time"),
        _seconds("max_backoff_seconds", 0, 3600, "the longest wait between tries"),
        _seconds("timeout_seconds", 1, 600, "the wait for connecting and for each SMTP command"),
        _seconds(
            "data_timeout_seconds",
            1,
            3600,
            "the wait for the reply to the end of a message (RFC 5321 asks for 600: the "
            "server may be scanning it)",
            " (RFC 5321 asks for 600)",
        ),
    ),
    refused={name: PASSWORD for name in ("password", "smtp_password", "pass")},
    optional=True,
)


def parse_email_settings(table: dict) -> tuple[EmailSettings | None, list[str]]:
    """Check the `[email]` table; return the settings, or None and every problem found."""
    values, problems = check_section(EMAIL, table)
    if problems:
        return None, problems
    return EmailSettings(**values), []
