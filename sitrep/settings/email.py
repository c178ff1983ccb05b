"""The `[email]` section of sitrep.toml: how `sitrep send` mails the report.

`EmailSettings` declares the section's keys as its fields (`sitrep.settings.check`);
`sitrep.settings.schema` lists `EMAIL` with the other sections, so `load_config` checks it once
and `Config.email` holds it (None without an `[email]` section). The SMTP password is never a
setting: it comes from SITREP_SMTP_PASSWORD.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parseaddr
from string import Formatter
from typing import Any
from urllib.parse import quote, urlsplit

from sitrep.errors import SitrepError
from sitrep.safety.addresses import address_character, is_email_address, unsafe_character
from sitrep.settings.check import Key, Section, read_section, setting


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
REPORT_URL = (
    "an https:// URL where reports are published, with any of {date}, {number}, {revision}, "
    "{lang} and {file}"
)
REPORT_URL_FIELDS = ("date", "number", "revision", "lang", "file")  # scripts rely on the names


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
    from sitrep.settings.smtp_url import parse_smtp_url  # only when set: it imports ssl

    try:
        target = parse_smtp_url(value, None)
    except SitrepError as exc:
        return str(exc)  # never the value: it may hold a password
    if target.password:
        # sitrep.toml is shared and often committed; the password belongs in the environment.
        return "the URL contains a password; remove it and set SITREP_SMTP_PASSWORD"
    return None


def _report_url(value: str) -> str | None:
    if not value.startswith(("https://", "http://")):
        return f"{value!r} is not {REPORT_URL}"
    allowed = ", ".join(f"{{{name}}}" for name in REPORT_URL_FIELDS)
    try:
        fields = [name for _, name, _, _ in Formatter().parse(value) if name is not None]
    except ValueError:  # a lone { or }
        return f"{value!r} has a {{ or }} that opens or closes no field: write {{{{ or }}}}"
    if unknown := [name for name in fields if name not in REPORT_URL_FIELDS]:
        field = f"{{{unknown[0]}}}"
        return f"{value!r} has the field {field}, which sitrep does not fill: use {allowed}"
    try:
        report_link(value, dt.date(2021, 8, 24), 10, 1, "ar-SD", "a.pdf")
    except (ValueError, TypeError) as exc:  # a format sitrep's values cannot take: {date:d}
        return f"{value!r} cannot be filled in ({exc}): use {allowed}"
    return None


def report_link(
    template: str, date: dt.date, number: int, revision: int, lang: str, file: str
) -> str:
    """`report_url` filled in for one report: its date (ISO), number, revision (0 for the
    first issue), language (BCP 47) and PDF's file name, each made safe in a URL."""
    return template.format(
        date=date.isoformat(), number=number, revision=revision, lang=quote(lang), file=quote(file)
    )


def edition_url(
    settings: EmailSettings,
    base_url: str | None,
    path: str,
    report: tuple[dt.date, int, int, str],
) -> str | None:
    """Where partners who prefer a link find an edition's PDF: `report_url` filled in for
    `report` (date, number, revision, BCP 47 language), else `[publish] base_url` and the path
    `sitrep publish` gives it (output/'s own layout, `<date>/<file>`: `path`); None without
    either (they get the PDF attached)."""
    if settings.report_url:
        return report_link(settings.report_url, *report, path.rsplit("/", 1)[-1])
    if base_url:
        return f"{base_url.rstrip('/')}/{quote(path)}"
    return None


def _seconds(default: float, low: int, high: int, doc: str, more: str = "") -> Any:
    expected = f"a number of seconds from {low} to {high}{more}"
    return setting(
        Key(
            kinds=(int, float),
            expected=expected,
            doc=doc,
            default=default,
            low=low,
            high=high,
            convert=float,
        )
    )


def _strip(value: str) -> str:
    return value.strip()


def _address_key(expected: str, doc: str, **more: Any) -> Any:
    return setting(
        Key(kinds=(str,), expected=expected, doc=doc, check=_address, convert=_strip, **more)
    )


@dataclass(frozen=True, kw_only=True)
class EmailSettings:
    """The `[email]` table of sitrep.toml, each field one key. The SMTP password is never here."""

    from_addr: str = _address_key(
        ADDRESS,
        "the sender: `'Field Office <office@example.org>'` or a bare address",
        name="from",
        required=True,
    )
    reply_to: str | None = _address_key("an email address", "where replies go")
    # sent as List-Unsubscribe; {email} or {token} make it per recipient
    unsubscribe: str | None = setting(
        Key(
            kinds=(str,),
            expected=UNSUBSCRIBE,
            doc="a `mailto:` or `https:` URL, sent as List-Unsubscribe; `{email}` or `{token}` "
            "make it per recipient",
            check=_unsubscribe,
            convert=_strip,
        )
    )
    smtp: str | None = setting(  # None: messages are written to an outbox
        Key(
            kinds=(str,),
            expected=SMTP,
            doc="an `smtp://`, `smtp+starttls://` or `smtps://` URL, without the password "
            "(SITREP_SMTP_PASSWORD); unset: messages are written to an outbox",
            check=_smtp,
            convert=_strip,
        )
    )
    report_url: str | None = setting(
        Key(
            kinds=(str,),
            expected=REPORT_URL,
            doc="where reports are published, for partners who prefer a link: `{date}` "
            "(2026-11-19), `{number}`, `{revision}` (0 for the first issue), `{lang}` (BCP 47, "
            "`ar-SD`) and `{file}` (the PDF's name) are filled in (default: `[publish] base_url` "
            "followed by the folder `publish` puts the PDF in, `/{date}/{file}`)",
            check=_report_url,
        )
    )
    max_attempts: int = setting(  # for temporary failures (4xx, a dropped connection)
        Key(
            kinds=(int,),
            expected="a whole number from 1 to 20",
            doc="tries per recipient, for temporary failures",
            default=4,
            low=1,
            high=20,
        )
    )
    # Temporary failures in a row, across recipients, after which a run stops trying the server
    # (a circuit breaker): at 4 tries each, the third recipient that cannot be reached.
    max_failures_in_a_row: int = setting(
        Key(
            kinds=(int,),
            expected="a whole number from 1 to 1,000",
            doc="temporary failures in a row (4xx replies, connections refused or lost), whoever "
            "the recipients, after which a run stops trying the server: the others are recorded "
            "as not sent and the next run sends to them",
            default=10,
            low=1,
            high=1000,
        )
    )
    backoff_seconds: float = _seconds(
        1.0, 0, 600, "the first wait between tries; doubles each time"
    )
    max_backoff_seconds: float = _seconds(60.0, 0, 3600, "the longest wait between tries")
    timeout_seconds: float = _seconds(
        60.0, 1, 600, "the wait for connecting and for each SMTP command"
    )
    # The wait for the reply to the final "." of a message. RFC 5321 4.5.3.2 asks for 10
    # minutes: the server may be scanning it. Giving up earlier leaves the outcome unknown.
    data_timeout_seconds: float = _seconds(
        600.0,
        1,
        3600,
        "the wait for the reply to the end of a message (RFC 5321 asks for 600: the "
        "server may be scanning it)",
        " (RFC 5321 asks for 600)",
    )


PASSWORD = (
    "do not put the password in sitrep.toml; "
    "set the SITREP_SMTP_PASSWORD environment variable instead"
)
EMAIL = Section(
    name="email",
    doc="how `sitrep send` mails the report (the SMTP password is never here)",
    settings=EmailSettings,
    refused={name: PASSWORD for name in ("password", "smtp_password", "pass")},
    optional=True,
)


def parse_email_settings(table: dict) -> tuple[EmailSettings | None, list[str]]:
    """An `[email]` table on its own, checked: the settings, or None and every problem found.
    (`load_config` checks the section with the others; `Config.email` holds the result.)"""
    settings, problems = read_section(EMAIL, table)
    return (None, problems) if problems else (settings, [])


def absent_problems() -> list[str]:
    """What a sitrep.toml without `[email]` lacks for `sitrep send`: its required keys."""
    return read_section(EMAIL, {})[1]
