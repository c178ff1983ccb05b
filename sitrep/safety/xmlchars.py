"""Characters XML 1.0 forbids, kept out of everything sitrep writes as XML or HTML.

XML 1.0 (section 2.2, "Char") allows tab, LF and CR and nothing else below U+0020, and no lone
surrogate, U+FFFE or U+FFFF. One such character in a highlight makes the Atom feed not
well-formed, so feed readers and mailing tools refuse all of it; in HTML and SVG it is a parse
error, and in the PDF a missing-glyph box. They come from pasted text (Word's Shift+Enter is a
vertical tab, a form feed a page break) and from cells, and no reader can see them.

`xml_safe` is the one rule, applied where untrusted text enters rendering (the narrative when
it is read, `sitrep.render.plain.to_plain` for every value a template is given) and again by
every writer as a last guard (`sitrep.render.sandbox.render_template`, the HTML edition, the SVG
drawings, the Atom feed). A character that separates words or lines becomes a space, so the
words on each side stay apart; the others are removed. `forbidden_characters` names them, for
the warnings `sitrep validate` gives with the file and line or cell.
"""

from __future__ import annotations

import re
import unicodedata

# Not a Char of XML 1.0: C0 controls except tab, LF, CR; surrogates; the two noncharacters.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Of those, the ones that end a line or a field where they are typed (a vertical tab is Word's
# line break, a form feed its page break, U+001C-U+001F the information separators).
SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f")
_NAMES = {
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1c": "file separator",
    "\x1d": "group separator",
    "\x1e": "record separator",
    "\x1f": "unit separator",
}


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group(0) in SEPARATORS else ""


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids: separators become spaces, the rest go.

    The same object when there is none (the common case costs one regex search).
    """
    if FORBIDDEN.search(text) is None:
        return text
    return FORBIDDEN.sub(_replacement, text)


def forbidden_characters(text: str) -> list[str]:
    """The distinct forbidden characters of `text`, in order of first appearance."""
    return list(dict.fromkeys(FORBIDDEN.findall(text)))


def describe(characters: list[str] | str) -> str:
    """'U+0001, U+000B (vertical tab)': characters as a reader can look them up."""
    names = []
    for char in characters:
        name = _NAMES.get(char) or unicodedata.name(char, "")
        names.append(f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else ""))
    return ", ".join(names)
