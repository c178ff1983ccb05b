"""Decode a text file as its writer meant it: CSV exports and Markdown narratives.

Spreadsheet programs write text in several encodings: "CSV UTF-8" (with a byte-order mark),
Excel's "Unicode Text" (UTF-16 with a BOM, tab-separated), and plain "CSV" in the Windows code
page (Windows-1252 in Western Europe and Africa). The rule, in order:

1. a byte-order mark names the encoding (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. without one, text that is mostly ASCII with a zero byte beside every letter is UTF-16;
3. bytes that are valid UTF-8 are UTF-8;
4. anything else is read as Windows-1252, with a warning that names it: the letters may be
   wrong when the file was written in another code page (Arabic, Cyrillic), and the remedy is
   to save it again as UTF-8.

A narrative's lines then end at LF, CRLF or CR only (`line_ends`), as Markdown reads them, and
`plain_lines` turns the other line separators into spaces and removes what XML forbids.
"""

from __future__ import annotations

import codecs
import re

from sitrep.problems import Message, ProblemCode
from sitrep.safety.xmlchars import FORBIDDEN, describe, forbidden_characters, xml_safe

BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", 'UTF-16 (Excel\'s "Unicode Text")'),
    (codecs.BOM_UTF16_BE, "utf-16-be", 'UTF-16 (Excel\'s "Unicode Text")'),
)
SAMPLE = 4096
FALLBACK = "cp1252"
# Where str.splitlines ends a line besides LF and CR: Word's Shift+Enter (vertical tab), a page
# break (form feed), the information separators, NEL, the Unicode line and paragraph separators.
LINE_SEPARATORS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
SEPARATOR_RE = re.compile(f"[{LINE_SEPARATORS}]")


def detect(data: bytes) -> tuple[str, int, str]:
    """(Python codec, bytes of BOM to skip, name for people) of a text file's bytes."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return codec, len(bom), name
    sample = data[:SAMPLE]
    if len(sample) >= 4:
        half = len(sample) // 2
        even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
        if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
            return "utf-16-le", 0, "UTF-16 (no byte-order mark)"
        if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
            return "utf-16-be", 0, "UTF-16 (no byte-order mark)"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return FALLBACK, 0, "Windows-1252"
    return "utf-8", 0, "UTF-8"


def decode_text(data: bytes) -> tuple[str, str, Message | None]:
    """(text, codec, warning or None); the warning says which encoding was guessed, what to do."""
    codec, skip, _ = detect(data)
    text = data[skip:].decode(codec, errors="replace")
    if codec == FALLBACK:
        return text, codec, Message("read-warning.encoding")
    return text, codec, None


def line_ends(text: str) -> str:
    """`text` with every CRLF and CR as LF: the only line ends Markdown (and sitrep) know."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plain_lines(text: str) -> tuple[str, dict[ProblemCode, list[tuple[int, str]]]]:
    """`text` (LF line ends) with other line separators as spaces and the characters XML forbids
    removed; and, for `line-separator` and `control-character`, (line, characters) of each line
    that held some, the characters described (`U+2028 (line separator)`)."""
    found: dict[ProblemCode, list[tuple[int, str]]] = {
        ProblemCode.LINE_SEPARATOR: [],
        ProblemCode.CONTROL_CHARACTER: [],
    }
    if SEPARATOR_RE.search(text) is None and FORBIDDEN.search(text) is None:
        return text, found
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if separators := list(dict.fromkeys(SEPARATOR_RE.findall(line))):
            found[ProblemCode.LINE_SEPARATOR].append((number, describe(separators)))
            line = SEPARATOR_RE.sub(" ", line)
        if others := forbidden_characters(line):
            found[ProblemCode.CONTROL_CHARACTER].append((number, describe(others)))
            line = xml_safe(line)
        lines[number - 1] = line
    return "\n".join(lines), found
