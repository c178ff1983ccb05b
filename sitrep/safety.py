"""Small, dependency-free guards for untrusted text: exports, links and secrets.

Cells and narrative come from partners; the report and its files go to many people. Three things
are reused across the pipeline and live here so every writer applies the same rule:

- formula neutralisation (`neutralise_cell`, `neutralise_rows`, `csv_bytes`): a cell that a
  spreadsheet program would run as a formula (=, +, -, @, tab, CR, also after invisible
  characters such as NUL or a zero-width space) is written as text instead;
- link checks (`is_allowed_link`): the only URLs a report may link to;
- secret redaction (`secret_forms`, `redact`, `RedactingFilter`, `format_exception_redacted`):
  the SMTP password, in every form SMTP sends it, never reaches a log, message or file;
- message formatting (`format_message`): `{name}` placeholders only, so a catalogue from a theme
  cannot walk `{value.__class__...}` to module globals and the environment.

See SECURITY.md for the threat model these implement.
"""

from __future__ import annotations

import base64
import csv
import io
import logging
import re
import string
import traceback
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote, urlsplit

# A leading character that makes Excel, LibreOffice or Google Sheets evaluate a cell (OWASP
# "CSV injection"), plus the full-width forms some input methods turn into the ASCII ones.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
# Characters a spreadsheet program drops or does not show before it decides whether a cell is
# a formula: LibreOffice strips a leading NUL and runs "\x00=HYPERLINK(...)". C0 and C1 controls,
# DEL, zero-width and bidi format characters, the BOM. Tab, CR and LF are triggers themselves.
INVISIBLE = frozenset(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\r\n"]
    + [chr(0x7F)]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in range(0x200B, 0x2010)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\ufeff"]
)
# A plain number ("-12", "+3.5") is read as a number, never as a formula: kept as it is so
# negative figures survive a round trip.
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
QUOTE_PREFIX = "'"  # what spreadsheet programs themselves use to mark "this is text"

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
REDACTED = "***"


def neutralise_cell(value: object) -> object:
    """`value`, made safe to write into a CSV or spreadsheet cell.

    A spreadsheet program decides whether a cell is a formula after dropping what it does not
    show: leading spaces, control characters (NUL, C0, C1, DEL), zero-width and bidi format
    characters. Text whose first character after those is =, +, -, @ (or full-width forms), or
    that has a tab, CR or LF among them, is written with a leading apostrophe and without the
    invisible characters: "\x00=HYPERLINK(...)" becomes "'=HYPERLINK(...)", shown as the text it
    was. Numbers, dates, None and harmless text (invisible characters included) are unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    if _PLAIN_NUMBER_RE.fullmatch(value):
        return value
    lead = 0
    while lead < len(value) and (value[lead] in INVISIBLE or value[lead].isspace()):
        if value[lead] in FORMULA_TRIGGERS:  # tab, CR, LF
            break
        lead += 1
    if lead < len(value) and value[lead] in FORMULA_TRIGGERS:
        kept = "".join(c for c in value[:lead] if c not in INVISIBLE)
        return QUOTE_PREFIX + kept + value[lead:]
    return value


def neutralise_rows(rows: Iterable[Sequence[object]]) -> list[list[object]]:
    """Every cell of `rows` through `neutralise_cell` (headers included, if they are a row)."""
    return [[neutralise_cell(cell) for cell in row] for row in rows]


def neutralise_frame(frame):  # pandas.DataFrame -> pandas.DataFrame; untyped: pandas stays lazy
    """A copy of a DataFrame with every text cell and column name neutralised.

    Use right before `frame.to_csv(...)` / `frame.to_excel(...)`.
    """
    safe = frame.map(neutralise_cell)
    safe.columns = [neutralise_cell(c) for c in frame.columns]
    return safe


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (UTF-8 with BOM, so Excel reads accents) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(neutralise_rows([header, *rows]))
    return buffer.getvalue().encode("utf-8-sig")


def is_allowed_link(url: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: address; nothing else.

    Relative and scheme-relative URLs are refused: in a PDF they resolve against the renderer's
    base URL, which is a file: URL, so `/etc/passwd` would become a link to a local file.
    """
    text = url.strip()
    if not text or any(ord(c) < 0x20 or c.isspace() for c in text):
        return False  # control characters and spaces hide schemes ("java\tscript:")
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        return False
    if scheme == "mailto":
        return "@" in parts.path
    return bool(parts.hostname)


def secret_forms(secret: str | None, username: str | None = None) -> set[str]:
    """The ways a password can appear in text: as is, URL-quoted, and base64 as SMTP AUTH sends it.

    Empty for no secret. Very short secrets are still included: leaking a 3-character password
    is as bad as leaking a long one, and over-redaction only costs readability.
    """
    if not secret:
        return set()
    user = username or ""
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret, safe="/:"),
        base64.b64encode(secret.encode()).decode(),  # AUTH LOGIN
        base64.b64encode(f"\0{user}\0{secret}".encode()).decode(),  # AUTH PLAIN
        base64.b64encode(f"{user}\0{user}\0{secret}".encode()).decode(),
        repr(secret)[1:-1],  # how it looks inside a repr()'d string or tuple
    }
    return {f for f in forms if f}


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of every secret replaced by '***' (longest first)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def format_exception_redacted(exc: BaseException, secrets: Iterable[str]) -> str:
    """A full traceback (for --debug) with the secrets removed, locals and messages included."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return redact(text, secrets)


class RedactingFilter(logging.Filter):
    """A logging filter that removes secrets from a record before any handler writes it.

    Attach it to handlers (`install_redaction`), not loggers: a logger's filter does not see
    records that propagate from child loggers.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = set(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = format_exception_redacted(record.exc_info[1], self.secrets)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


def install_redaction(
    secrets: Iterable[str], logger: logging.Logger | None = None
) -> RedactingFilter:
    """Add a RedactingFilter to every handler of `logger` (the root logger by default)."""
    target = logger or logging.getLogger()
    redactor = RedactingFilter(secrets)
    for handler in target.handlers:
        handler.addFilter(redactor)
    return redactor


class UnsafePlaceholder(ValueError):
    """A message placeholder that reaches into a value (`{x.attr}`, `{x[key]}`, `{0}`)."""


def format_message(message: str, values: Mapping[str, object]) -> str:
    """`message.format_map(values)` for plain `{name}` / `{name:spec}` placeholders only.

    str.format resolves `{v.__init__.__globals__[os].environ[SITREP_SMTP_PASSWORD]}` for any
    value with a Python method: a message catalogue from elsewhere could copy the environment
    into the report. Attribute and index access, positional fields and nested fields in the
    spec are refused with UnsafePlaceholder; a missing name raises KeyError as format_map does.
    """
    parts = []
    for literal, field, spec, conversion in string.Formatter().parse(message):
        parts.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or (spec and "{" in spec):
            raise UnsafePlaceholder(f"{{{field}}}: only {{name}} placeholders are allowed")
        value = values[field]
        if conversion == "r":
            value = repr(value)
        elif conversion == "a":
            value = ascii(value)
        elif conversion == "s":
            value = str(value)
        parts.append(format(value, spec or ""))
    return "".join(parts)
