"""Email addresses, as validation and delivery both check them (no pandas: delivery imports it).

One pattern and one unsafe-character rule, so an address the partners sheet accepts is one the
delivery stage sends to, and the reverse.
"""

from __future__ import annotations

import re
import unicodedata

# Deliberately loose: the SMTP server is the judge of deliverability; this catches typos such as
# a missing "@" or a name pasted into the address column.
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def is_email_address(text: str) -> bool:
    """True for 'name@example.org' (a bare address, no display name)."""
    return bool(EMAIL_RE.match(text)) and unsafe_character(text) is None


# Zero-width characters make two addresses (or names) look the same and compare different;
# control characters (NUL, CR, LF ...) have no place in an address or a header.
_ZERO_WIDTH = {"\u200b": "ZERO WIDTH SPACE", "\u200c": "ZERO WIDTH NON-JOINER",
               "\u200d": "ZERO WIDTH JOINER", "\u2060": "WORD JOINER",
               "\ufeff": "ZERO WIDTH NO-BREAK SPACE"}  # fmt: skip


def unsafe_character(text: str) -> str | None:
    """A description of the first zero-width or control character in `text`, or None.

    'U+0000 (a control character) at position 4'; positions count from 1.
    """
    for position, char in enumerate(text, start=1):
        if char in _ZERO_WIDTH:
            return f"U+{ord(char):04X} ({_ZERO_WIDTH[char]}) at position {position}"
        if unicodedata.category(char) == "Cc":
            return f"U+{ord(char):04X} (a control character) at position {position}"
    return None
