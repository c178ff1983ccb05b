"""What the delivery stage works on: the report as an email sees it, partners, and settings.

Everything here is plain data. `parse_email_settings` checks the `[email]` table of sitrep.toml in
one pass and returns every problem, each naming its key, so the user fixes them all at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from sitrep.validate.addresses import is_email_address, unsafe_character

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
    import idna

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
    backoff_seconds: float = 1.0  # first wait; doubles after each attempt
    max_backoff_seconds: float = 60.0  # cap on one wait
    smtp: str | None = None  # smtp://, smtp+starttls:// or smtps:// URL; None = write an outbox
    timeout_seconds: float = 60.0  # SMTP connect and command timeout
    # The wait for the reply to the final "." of a message. RFC 5321 4.5.3.2 asks for 10
    # minutes: the server may be scanning it. Giving up earlier leaves the outcome unknown.
    data_timeout_seconds: float = 600.0
    report_url: str | None = None  # where reports are published; {file} is the PDF's name


_KEYS = {
    "from": "an email address, e.g. 'Field Office <office@example.org>'",
    "reply_to": "an email address",
    "unsubscribe": "a mailto: or https: URL; {email} or {token} make it per recipient",
    "max_attempts": "a whole number from 1 to 20",
    "backoff_seconds": "a number of seconds from 0 to 600",
    "max_backoff_seconds": "a number of seconds from 0 to 3600",
    "smtp": "an smtp://, smtp+starttls:// or smtps:// URL",
    "timeout_seconds": "a number of seconds from 1 to 600",
    "data_timeout_seconds": "a number of seconds from 1 to 3600 (RFC 5321 asks for 600)",
    "report_url": "an https:// URL where reports are published; {file} is the PDF's file name",
}


def address_part(text: str) -> str:
    """'OCHA <a@b.org>' -> 'a@b.org'; a bare address is returned unchanged."""
    from email.utils import parseaddr

    return parseaddr(text)[1] if "<" in text else text.strip()


def _check_address(key: str, value: object, problems: list[str]) -> str | None:
    if not isinstance(value, str) or not is_email_address(address_part(value)):
        problems.append(f"email.{key}: {value!r} is not an email address")
        return None
    if bad := unsafe_character(value):
        problems.append(f"email.{key}: {value!r} contains {bad}")
        return None
    return value.strip()


def _check_number(
    key: str, value: object, low: float, high: float, whole: bool, problems: list[str]
) -> float | None:
    # bool is an int in Python; `max_attempts = true` is a mistake, not 1.
    ok_type = isinstance(value, int) if whole else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not low <= value <= high:  # type: ignore[operator]
        problems.append(f"email.{key}: {value!r} is not {_KEYS[key]}")
        return None
    return value  # type: ignore[return-value]


UNSUBSCRIBE_FIELDS = ("email", "token")


def unsubscribe_fields(template: str) -> set[str]:
    """The placeholders used in an `unsubscribe` setting: {'email'}, {'token'}, both or none."""
    return set(re.findall(r"\{(email|token)\}", template))


def _check_unsubscribe(value: object, problems: list[str]) -> str | None:
    if isinstance(value, str):
        braces = re.sub(r"\{(email|token)\}", "", value)
        if "{" in braces or "}" in braces:
            problems.append(
                f"email.unsubscribe: {value!r}: the only placeholders are {{email}} and {{token}}"
            )
            return None
        parts = urlsplit(re.sub(r"\{(email|token)\}", "x", value.strip()))
        if parts.scheme == "mailto" and is_email_address(parts.path):
            return value.strip()
        if parts.scheme == "https" and parts.netloc:
            return value.strip()
    problems.append(f"email.unsubscribe: {value!r} is not {_KEYS['unsubscribe']}")
    return None


def _check_smtp(value: object, problems: list[str]) -> str | None:
    from sitrep.delivery.smtp_url import parse_smtp_url  # late: keeps model.py import-light
    from sitrep.errors import SitrepError

    if not isinstance(value, str):
        problems.append(f"email.smtp: {value!r} is not {_KEYS['smtp']}")
        return None
    try:
        target = parse_smtp_url(value, None)
    except SitrepError as exc:
        problems.append(f"email.smtp: {exc}")
        return None
    if target.password:
        # sitrep.toml is shared and often committed; the password belongs in the environment.
        problems.append(
            "email.smtp: the URL contains a password; remove it and set SITREP_SMTP_PASSWORD"
        )
        return None
    return value.strip()


def parse_email_settings(table: dict) -> tuple[EmailSettings | None, list[str]]:
    """Check the `[email]` table; return the settings, or None and every problem found."""
    problems: list[str] = []
    for key in table:
        if key not in _KEYS:
            if key in ("password", "smtp_password", "pass"):
                problems.append(
                    f"email.{key}: do not put the password in sitrep.toml; "
                    "set the SITREP_SMTP_PASSWORD environment variable instead"
                )
            else:
                known = ", ".join(sorted(_KEYS))
                problems.append(f"email.{key}: unknown key (known keys: {known})")
    values: dict[str, object] = {}
    if "from" not in table:
        problems.append(f"email.from: missing; set it to {_KEYS['from']}")
    else:
        values["from_addr"] = _check_address("from", table["from"], problems)
    if "reply_to" in table:
        values["reply_to"] = _check_address("reply_to", table["reply_to"], problems)
    if "unsubscribe" in table:
        values["unsubscribe"] = _check_unsubscribe(table["unsubscribe"], problems)
    if "smtp" in table:
        values["smtp"] = _check_smtp(table["smtp"], problems)
    if "report_url" in table:
        url = table["report_url"]
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            problems.append(f"email.report_url: {url!r} is not {_KEYS['report_url']}")
        else:
            values["report_url"] = url
    limits = {
        "max_attempts": (1, 20, True),
        "backoff_seconds": (0, 600, False),
        "max_backoff_seconds": (0, 3600, False),
        "timeout_seconds": (1, 600, False),
        "data_timeout_seconds": (1, 3600, False),
    }
    for key, (low, high, whole) in limits.items():
        if key in table:
            number = _check_number(key, table[key], low, high, whole, problems)
            values[key] = number
    if problems:
        return None, problems
    for key in (
        "backoff_seconds",
        "max_backoff_seconds",
        "timeout_seconds",
        "data_timeout_seconds",
    ):
        if key in values:
            values[key] = float(values[key])  # type: ignore[arg-type]
    return EmailSettings(**values), []  # type: ignore[arg-type]
