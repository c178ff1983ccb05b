"""Email addresses, as validation and delivery both check them (no pandas: delivery imports it).

One pattern and one rule for the characters an address may hold, so an address the partners
sheet accepts is one the delivery stage sends to, and the reverse; a second, looser rule for
the names that go into a header beside it.
"""

from __future__ import annotations

import re
import unicodedata

# Deliberately loose: the SMTP server is the judge of deliverability; this catches typos such as
# a missing "@" or a name pasted into the address column.
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")

# Characters that show as nothing, or as a blank, though they are not a format or control
# character: the Default_Ignorable_Code_Point characters (Unicode's DerivedCoreProperties.txt)
# that are letters or marks (the combining grapheme joiner, the Hangul fillers, the Khmer
# inherent vowels, the Mongolian free variation selectors, the variation selectors), and the
# braille blank. With the format (Cf) and control (Cc) characters, surrogates, private-use and
# unassigned code points, and every space, no address holds one: an address with one looks
# like another, and a mail program writes it as an RFC 2047 word that never arrives.
_INVISIBLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xE0100, 0xE01EF),
)  # fmt: skip
_KINDS = {
    "Cc": "a control character",
    "Cf": "an invisible format character",
    "Cs": "a surrogate, not a character",
    "Co": "a private-use character",
    "Cn": "not a character Unicode has assigned",
    "Z": "a space",
}
# In a name (a header's display name), only what would break the header or disguise it: the
# control characters, the zero-width ones that make two names look the same, and the bidi
# embeddings, overrides and isolates, which reverse how the address after the name is shown.
# The direction marks (LRM, RLM, ALM) stay: right-to-left names carry them, and they reorder
# nothing.
_NAME_FORMATS = {
    0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A),
}  # fmt: skip


def _described(char: str, position: int, kind: str) -> str:
    """'U+200E (LEFT-TO-RIGHT MARK: an invisible format character) at position 4'."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} ({f'{name}: ' if name else ''}{kind}) at position {position}"


def address_character(text: str) -> str | None:
    """A description of the first character of `text` no address holds, or None.

    Every control (Cc) and format (Cf) character, surrogates, private-use and unassigned code
    points, spaces and line separators, and the other invisible characters (`_INVISIBLE`).
    """
    if text.isascii() and text.isprintable() and " " not in text:
        return None  # most addresses: nothing below can be in them
    for position, char in enumerate(text, start=1):
        category = unicodedata.category(char)
        if category[0] in "CZ":
            return _described(char, position, _KINDS.get(category, _KINDS["Z"]))
        code = ord(char)
        if any(low <= code <= high for low, high in _INVISIBLE):
            return _described(char, position, "an invisible character")
    return None


def is_email_address(text: str) -> bool:
    """True for 'name@example.org' (a bare address, no display name)."""
    return bool(EMAIL_RE.match(text)) and address_character(text) is None


def unsafe_character(text: str) -> str | None:
    """A description of the first character of `text` that has no place in a header's
    display name (see `_NAME_FORMATS`), or None: 'U+0000 (a control character) at position 4';
    positions count from 1."""
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) == "Cc":
            return _described(char, position, _KINDS["Cc"])
        if ord(char) in _NAME_FORMATS:
            return _described(char, position, _KINDS["Cf"])
    return None
