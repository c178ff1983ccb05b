"""Text of one direction inside text of the other, isolated so that each reads in its own order.

In a right-to-left report a phone number, a signed figure, an email address, a P-code, a URL
or a Latin-script name inside Arabic text is put between Unicode's bidi isolates (LRI or FSI
... PDI, Unicode 6.3, UAX #9): "+249 912 345 678" keeps its order instead of reading "678 345
912 249+", "+4,550" keeps its sign on the left, and a list of Latin names keeps its commas in
place. In a left-to-right report, a name in Arabic script is isolated the same way. Isolates
are characters, not markup, so they work inside the catalogue's sentences (whose placeholders
are filled as text), in the PDF (WeasyPrint lays a paragraph out with Pango's bidi), in every
browser and in email; they print nothing, and a mail's subject is written without them
(`plain`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from babel import Locale, UnknownLocaleError

from sitrep.geo.spellings import language_script

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
ISOLATES = str.maketrans({LRI: None, RLI: None, FSI: None, PDI: None})
_RTL = {"R", "AL"}
_LTR_OR_NUMBER = {"L", "EN", "AN", "ES", "ET"}
# In a narrative's text: a run of Latin letters, digits and what joins them inside a phone
# number, an address, a URL or a name ("+249 912 345 678", "Al Fasher", "a.b@example.org")
_RUN = re.compile(r"[+(]?[0-9A-Za-z\u00c0-\u024f][0-9A-Za-z\u00c0-\u024f .,:;/@+\-_()%#?=~]*"
                  r"[0-9A-Za-z\u00c0-\u024f)%]|[0-9A-Za-z]")  # fmt: skip
_TAG = re.compile(r"(<[^>]*>|&[#A-Za-z0-9]+;)")  # a tag, or an entity such as &amp;


def _classes(text: str) -> set[str]:
    return {unicodedata.bidirectional(c) for c in text}


def isolate(value: object, rtl: bool) -> str:
    """`value` as text, isolated when its direction may differ from a `rtl` paragraph's: in a
    right-to-left one, text holding Latin letters or digits (LRI, or FSI when it mixes in
    Arabic letters); in a left-to-right one, text holding Arabic letters (FSI)."""
    text = str(value)
    if not text or (text[0] in (LRI, RLI, FSI) and text[-1] == PDI):
        return text
    classes = _classes(text)
    if rtl and classes & _LTR_OR_NUMBER:
        return (FSI if classes & _RTL else LRI) + text + PDI
    if not rtl and classes & _RTL:
        return FSI + text + PDI
    return text


def plain(text: str) -> str:
    """`text` without isolates: for a mail header or a file name."""
    return text.translate(ISOLATES)


def isolate_runs(html: str) -> str:
    """A right-to-left narrative's safe HTML with each run of Latin letters and digits in its
    text isolated (never inside a tag: the HTML is sitrep's own, sanitised, tags well formed)."""
    parts = _TAG.split(html)
    for i in range(0, len(parts), 2):  # the text between the tags
        parts[i] = _RUN.sub(lambda m: LRI + m.group(0) + PDI, parts[i])
    return "".join(parts)


@cache
def separator(locale: str, semicolon: bool = False) -> str:
    """The locale's separator between the items of a list: CLDR's (", " in English and French,
    "፣ " in Amharic), or the script's comma where CLDR joins every item with a word (Arabic's
    "و": "، "); its semicolon for `semicolon` ("; ", "؛ ")."""
    try:
        pattern = Locale.parse(locale.replace("-", "_")).list_patterns["standard"]["middle"]
    except (UnknownLocaleError, ValueError, KeyError):
        pattern = "{0}, {1}"
    comma = pattern.replace("{0}", "").replace("{1}", "").replace("\u200f", "")
    if any(c.isalpha() for c in comma):
        comma = "، " if language_script(locale) == "ARABIC" else ", "
    return comma.replace(",", ";").replace("،", "؛") if semicolon else comma


def listing(items: Iterable[object], locale: str, rtl: bool, semicolon: bool = False) -> str:
    """Items joined by the locale's separator, each isolated: 'Al Fasher، Tawila' in Arabic."""
    return separator(locale, semicolon).join(isolate(item, rtl) for item in items)
