"""What the delivery stage works on: the report as an email sees it, and partners.

Everything here is plain data. The `[email]` settings are `sitrep.settings.email`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import idna

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
