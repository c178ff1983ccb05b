"""How names and P-codes are compared: as people type them.

A name is compared without case, accents, punctuation or spacing: "Pétion-Ville", "Petion-Ville",
"petion  ville" and "petionville" are one name. Letters of every script are kept; Arabic script is
compared as people type it, without diacritics (harakat), tatweel, or the hamza, taa marbuta, alef
maqsura and Persian yeh and kaf variants: "الفاشر" = "الفَاشِر" = "الفـاشر", "أم" = "ام".
A P-code is compared without case, spaces or hyphens: "ht 0111" and "HT-0111" are HT0111.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
_PCODE = re.compile(r"^([A-Z]*)(\d+)$")
# Letters one Arabic name is typed with in several ways (the hamza's seat is a combining mark
# after NFKD, dropped with the accents): tatweel, taa marbuta, alef maqsura, Persian yeh and kaf.
_ARABIC = str.maketrans({"\u0640": None, "ة": "ه", "ى": "ي", "ی": "ي", "ک": "ك", "ٱ": "ا"})


def normalise_name(text: str) -> str:
    """The key a name is compared by: 'Pétion-Ville ' -> 'petionville'."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold().translate(_ARABIC))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", bare)


def compact_code(text: str) -> str:
    """A P-code as written, without case, spaces, hyphens or dots: 'ht 01-11' -> 'HT0111'."""
    return re.sub(r"[\s\-._]+", "", str(text)).upper()


def split_code(text: str) -> tuple[str, str] | None:
    """('AF', '0907') for 'af 0907'; None when it is not letters followed by digits."""
    match = _PCODE.match(compact_code(text))
    return (match.group(1), match.group(2)) if match else None
