"""Formula neutralisation: a cell a spreadsheet program would run as a formula is written as text.

A cell that starts with =, +, -, @, tab or CR (also after invisible characters such as NUL or a
zero-width space, and in full-width forms) is what OWASP calls CSV injection. Every writer of a
CSV or spreadsheet cell (the PDF's data attachments, init's workbook) goes through
`neutralise_cell`.
See SECURITY.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

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


def csv_bytes(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (UTF-8 with BOM, so Excel reads accents) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(neutralise_rows([header, *rows]))
    return buffer.getvalue().encode("utf-8-sig")
