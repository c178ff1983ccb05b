"""Local-script names in a places table: a column per language, whatever the language.

A column is a place's name in a language when it is tagged `#loc+name+i_<lang>` (HXL's language
attribute: `+i_ar`, `+i_fa`, `+i_ps`, `+i_fr`), or headed `name_<lang>`, `name (<lang>)` or
`name (<language>)` ("name (Arabic)", "Name (Dari)"). The column becomes `name_<lang>` in the
table, and each place gets `local_names` ({lang: name}, in column order); `name_local` keeps its
old meaning for the charts: the place's first local name.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from sitrep.inputs.hxl import Layout, parse_tag, row_cells

PREFIX = "name_"
_HEADER = re.compile(
    r"^\s*(?:local\s+)?name\s*(?:_|\(|\[)\s*([a-z_ -]+?)\s*[\)\]]?\s*$", re.IGNORECASE
)


@cache
def _languages() -> dict[str, str]:
    """Lower-case language name or code -> code: 'arabic' -> 'ar', 'dari' -> 'fa_AF'."""
    names = Locale("en").languages
    out = {code.lower(): code for code in names}
    for code, name in names.items():
        out.setdefault(name.lower(), code)
    return out


def language_of_header(header: object) -> str | None:
    match = _HEADER.match(str(header))
    if not match:
        return None
    key = match.group(1).strip().lower().replace(" ", "_")
    return _languages().get(key) or _languages().get(key.replace("_", " "))


def language_of_tag(tag: str) -> str | None:
    name, attributes = parse_tag(tag)
    if name != "#loc" or "name" not in attributes:
        return None
    return next((a[2:] for a in sorted(attributes) if a.startswith("i_") and len(a) > 2), None)


def language_columns(layout: Layout, grid) -> dict[str, int]:
    """`name_<lang>` -> grid column, for the columns not already taken by the schema."""
    taken = set(layout.columns.values())
    found: dict[str, int] = {}
    for index, tag in layout.tags.items():
        lang = language_of_tag(tag)
        if lang and index not in taken:
            found.setdefault(PREFIX + lang, index)
    if layout.header_row is not None:
        for index, header in enumerate(row_cells(grid, layout.header_row)):
            lang = language_of_header(header)
            if lang and index not in taken and index not in found.values():
                found.setdefault(PREFIX + lang, index)
    return found
