"""Text given in several languages: a column per language, whatever the language.

A place's name, a contact's title and organisation, and a route's name may each have a column per
language (`LOCALISED`). A column is the text in a language when it is tagged with the column's
hashtag plus HXL's language attribute (`#loc+name+i_ar`, `#contact+title+i_fr`), or headed
`<column>_<lang>`, `<column> (<lang>)` or `<column> (<language>)` ("name (Arabic)", "Name
(Dari)", "title_ar"). The column becomes `<column>_<lang>` in the table (`name_ar`, `title_ar`);
each place also gets `local_names` ({lang: name}, in column order), and `name_local` keeps its
old meaning for the charts: the place's first local name.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from sitrep.inputs.hxl import Layout, parse_tag, row_cells
from sitrep.tableschema import SCHEMAS

PREFIX = "name_"  # a place's name in a language: name_ar
# table -> the columns given in several languages, and the other words their headers may use
LOCALISED: dict[str, dict[str, tuple[str, ...]]] = {
    "places": {"name": ("local name",)},
    "contacts": {"title": ("position",), "organisation": ("organization", "org")},
    "routes": {"route": ("route name",)},
}


@cache
def _languages() -> dict[str, str]:
    """Lower-case language name or code -> code: 'arabic' -> 'ar', 'dari' -> 'fa_AF'."""
    names = {c: n for c, n in Locale("en").languages.items() if isinstance(n, str)}
    out = {code.lower(): code for code in names}
    for code, name in names.items():
        out.setdefault(name.lower(), code)
    return out


@cache
def _header(words: tuple[str, ...]) -> re.Pattern[str]:
    either = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(
        rf"^\s*(?:{either})\s*(?:_|\(|\[)\s*([a-z_ -]+?)\s*[\)\]]?\s*$", re.IGNORECASE
    )


def language_of_header(
    header: object, words: tuple[str, ...] = ("name", "local name")
) -> str | None:
    """'name_ar' -> 'ar', 'Name (Dari)' -> 'fa_AF' (for a column of `words`); None otherwise."""
    match = _header(words).match(str(header))
    if not match:
        return None
    key = match.group(1).strip().lower().replace(" ", "_")
    return _languages().get(key) or _languages().get(key.replace("_", " "))


def language_of_tag(tag: str, base: str = "#loc+name") -> str | None:
    """'#loc+name+i_ar' -> 'ar' (for the column tagged `base`); None otherwise."""
    name, attributes = parse_tag(tag)
    want, needed = parse_tag(base)
    if name != want or not needed <= attributes:
        return None
    return next((a[2:] for a in sorted(attributes) if a.startswith("i_") and len(a) > 2), None)


def language_columns(layout: Layout, grid, table: str = "places") -> dict[str, int]:
    """`<column>_<lang>` -> grid column, for the columns not already taken by the schema."""
    taken = set(layout.columns.values())
    found: dict[str, int] = {}
    headers = row_cells(grid, layout.header_row) if layout.header_row is not None else []
    for column, aliases in LOCALISED.get(table, {}).items():
        tag = next(c.hxl for c in SCHEMAS[table].columns if c.name == column)
        for index, written in layout.tags.items():
            lang = language_of_tag(written, tag) if tag else None
            if lang and index not in taken and index not in found.values():
                found.setdefault(f"{column}_{lang}", index)
        for index, header in enumerate(headers):
            lang = language_of_header(header, (column, *aliases))
            if lang and index not in taken and index not in found.values():
                found.setdefault(f"{column}_{lang}", index)
    return found
