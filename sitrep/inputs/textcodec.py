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
"""

from __future__ import annotations

import codecs

BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", 'UTF-16 (Excel\'s "Unicode Text")'),
    (codecs.BOM_UTF16_BE, "utf-16-be", 'UTF-16 (Excel\'s "Unicode Text")'),
)
SAMPLE = 4096
FALLBACK = "cp1252"


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


def decode_text(data: bytes) -> tuple[str, str, str | None]:
    """(text, codec, warning or None); the warning says which encoding was guessed, what to do."""
    codec, skip, _ = detect(data)
    text = data[skip:].decode(codec, errors="replace")
    if codec == FALLBACK:
        return (
            text,
            codec,
            (
                "this file is not UTF-8; it was read as Windows-1252 (Western European). If "
                'letters look wrong, save it again as UTF-8 (in Excel: "CSV UTF-8"; in an editor: '
                "Save as, Encoding UTF-8)"
            ),
        )
    return text, codec, None
