"""Find a table's columns in a grid: by HXL hashtag when a hashtag row is present, else by header.

Rules, in order:
1. A hashtag row is a row among the first HEADER_SEARCH_ROWS where at least half of the filled
   cells are HXL tags (`#adm2+code`). The human header is the row right above it (when that row
   is not blank), otherwise the hashtag row is the only header row.
2. A schema column with a hashtag takes the sheet column whose tag has the column's hashtag and
   all its attributes (attributes in any order, case ignored); among several, the one with the
   fewest extra attributes, then the leftmost. `#affected+idps` takes `#affected+idps+ind`
   before `#affected+idps+m`. More specific schema tags choose first.
3. Columns not found by tag (or all columns, without a hashtag row) are found by header: case,
   spaces, punctuation and a trailing "(...)" are ignored, and aliases count. Without a hashtag
   row, the header row is the row of the first ones that names the most columns, so a title or
   notes row above it is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from sitrep.tableschema import TableSchema

HEADER_SEARCH_ROWS = 10  # a header further down than this is not a header
TAG_RE = re.compile(r"^\s*#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    """Where a table sits in a grid."""

    first_data_row: int  # grid index of the first row under the header (and hashtag) rows
    header_row: int | None  # grid index of the human header row (None: hashtags only)
    columns: dict[str, int]  # canonical column name -> grid column
    headers: dict[str, str]  # canonical column name -> the header as written (or its tag)
    tags: dict[int, str]  # grid column -> hashtag, when the grid has a hashtag row


def parse_tag(text: str) -> tuple[str, frozenset[str]]:
    """'#Affected +IDPs+ind' -> ('#affected', {'idps', 'ind'})."""
    parts = [p.strip().lower() for p in text.split("+")]
    return parts[0], frozenset(parts[1:])


def tag_matches(tag: str, pattern: str) -> bool:
    """'#affected+idps+ind' matches the pattern '#affected+idps' (attributes in any order)."""
    name, attributes = parse_tag(tag)
    want_name, want_attributes = parse_tag(pattern)
    return name == want_name and want_attributes <= attributes


def is_tag_row(cells: list[object]) -> bool:
    filled = [str(c).strip() for c in cells if str(c).strip()]
    tags = sum(bool(TAG_RE.match(c)) for c in filled)
    return bool(filled) and tags >= max(1, (len(filled) + 1) // 2)


def normalise_header(text: object) -> str:
    """'People (individuals) ' -> 'people individuals'; case and punctuation do not matter."""
    return re.sub(r"[^a-z0-9#+]+", " ", str(text).lower()).strip()


def header_keys(text: object) -> list[str]:
    """The header, and the header without a trailing '(...)' note: 'People (ind.)' -> 'people'."""
    keys = [normalise_header(text)]
    bare = re.sub(r"\s*[\(\[].*$", "", str(text))
    if bare.strip() and normalise_header(bare) != keys[0]:
        keys.append(normalise_header(bare))
    return keys


def header_names(schema: TableSchema) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in schema.columns:
        for alias in (column.name, *column.aliases):
            names.setdefault(normalise_header(alias), column.name)
    return names


def match_headers(
    cells: list[object], names: dict[str, str], taken: dict[str, int]
) -> dict[str, int]:
    """Columns named by the cells of a header row, leaving those already `taken`."""
    found = dict(taken)
    used = set(taken.values())
    for index, header in enumerate(cells):
        if index in used:
            continue
        for key in header_keys(header):
            name = names.get(key)
            if name and name not in found:
                found[name] = index
                used.add(index)
                break
    return found


def match_tags(tags: dict[int, str], schema: TableSchema) -> dict[str, int]:
    """Schema columns found by hashtag (rule 2 above)."""
    found: dict[str, int] = {}
    tagged = sorted((c for c in schema.columns if c.hxl), key=lambda c: -(c.hxl or "").count("+"))
    for column in tagged:
        candidates = [
            (len(parse_tag(tag)[1]), index)
            for index, tag in tags.items()
            if index not in found.values() and tag_matches(tag, column.hxl or "")
        ]
        if candidates:
            found[column.name] = min(candidates)[1]
    return found


def row_cells(grid: pd.DataFrame, index: int) -> list[object]:
    return ["" if v is None else v for v in grid.iloc[index].tolist()]


def locate(grid: pd.DataFrame, schema: TableSchema) -> Layout:
    """The layout of `schema`'s table in `grid` (columns found may be incomplete)."""
    names = header_names(schema)
    top = [row_cells(grid, i) for i in range(min(HEADER_SEARCH_ROWS, len(grid)))]
    tag_index = next((i for i, row in enumerate(top) if is_tag_row(row)), None)
    if tag_index is not None:
        tags = {i: str(c).strip() for i, c in enumerate(top[tag_index]) if TAG_RE.match(str(c))}
        above = top[tag_index - 1] if tag_index > 0 else []
        # The row above is the human header unless it is blank or a lone title.
        filled = sum(bool(str(c).strip()) for c in above)
        header_row = tag_index - 1 if filled and filled * 2 >= len(tags) else None
        columns = match_tags(tags, schema)
        if header_row is not None:
            columns = match_headers(above, names, columns)
        headers = {
            name: (str(above[i]).strip() if header_row is not None else "") or tags.get(i, name)
            for name, i in columns.items()
        }
        return Layout(tag_index + 1, header_row, columns, headers, tags)

    best_index, best = 0, dict[str, int]()
    for i, row in enumerate(top):
        found = match_headers(row, names, {})
        if len(found) > len(best):
            best_index, best = i, found
    headers = {name: str(top[best_index][i]).strip() for name, i in best.items()} if top else {}
    return Layout(best_index + 1, best_index if top else None, best, headers, {})
