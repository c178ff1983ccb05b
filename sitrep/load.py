"""Stage 1, load: read each table from a CSV file or a workbook sheet into raw cells.

Nothing is interpreted here except the layout: the header row (which may sit below a title or
notes row), an optional HXL hashtag row, and the row numbers a spreadsheet program shows.
Values stay as the reader gave them; `validate` turns them into typed data.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sitrep.config import Config, InputSource
from sitrep.problems import Problem
from sitrep.schema import SCHEMAS, TableSchema

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HEADER_SEARCH_ROWS = 10  # a header further down than this is not a header
HXL_TAG_RE = re.compile(r"^\s*#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*\s*$", re.IGNORECASE)


@dataclass
class RawTable:
    """One table's cells, columns renamed to the schema's names, with spreadsheet row numbers."""

    name: str
    file: str  # as shown to the user: relative to the workspace when inside it
    sheet: str | None
    frame: pd.DataFrame  # canonical column names, raw values (object dtype)
    rows: list[int]  # the spreadsheet row number of each frame row
    headers: dict[str, str] = field(default_factory=dict)  # canonical name -> header as written


def display_path(path: Path, workspace: Path) -> str:
    try:
        return str(path.resolve().relative_to(workspace))
    except ValueError:
        return str(path)


def normalise_header(text: object) -> str:
    return re.sub(r"[^a-z0-9#+]+", " ", str(text).lower()).strip()


def read_grid(source: InputSource) -> list[list[object]]:
    """All cells of a CSV file or a workbook sheet, from A1, blank rows kept.

    Raises OSError/ValueError with a message naming what is wrong; the caller locates it.
    """
    suffix = source.path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        from python_calamine import CalamineWorkbook  # imported here: only workbook users pay

        workbook = CalamineWorkbook.from_path(str(source.path))
        names = workbook.sheet_names
        sheet = source.sheet or names[0]
        if sheet not in names:
            raise ValueError(f"no sheet named {sheet!r} (the workbook has: {', '.join(names)})")
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if suffix in {".csv", ".txt", ".tsv"}:
        return read_csv_grid(source.path)
    raise ValueError(f"cannot read {suffix or 'a file without extension'}; use .xlsx, .ods or .csv")


def read_csv_grid(path: Path) -> list[list[object]]:
    """A CSV as rows of strings: UTF-8 (with or without BOM) or Windows-1252; ',' ';' or tab."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    frame = pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="python" if len(text) < 65536 else "c",
    )
    return frame.values.tolist()


def _is_hxl_row(row: list[object]) -> bool:
    cells = [str(c).strip() for c in row if str(c).strip()]
    return bool(cells) and sum(bool(HXL_TAG_RE.match(c)) for c in cells) >= max(1, len(cells) // 2)


def _hxl_matches(tag: str, pattern: str) -> bool:
    """'#affected+idps+ind' matches the pattern '#affected+idps' (attributes in any order)."""
    tag_parts = [p.strip().lower() for p in tag.split("+")]
    pat_parts = [p.strip().lower() for p in pattern.split("+")]
    return tag_parts[0] == pat_parts[0] and set(pat_parts[1:]) <= set(tag_parts[1:])


def _header_names(schema: TableSchema) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in schema.columns:
        for alias in (column.name, *column.aliases):
            names.setdefault(normalise_header(alias), column.name)
    return names


def locate_columns(
    grid: list[list[object]], schema: TableSchema
) -> tuple[int, dict[str, int], dict[str, str]]:
    """(index of the first data row, canonical name -> grid column, canonical -> header text)."""
    names = _header_names(schema)
    top = grid[:HEADER_SEARCH_ROWS]
    hxl_index = next((i for i, row in enumerate(top) if _is_hxl_row(row)), None)
    if hxl_index is not None:
        tags = [str(c).strip() for c in grid[hxl_index]]
        header_row = grid[hxl_index - 1] if hxl_index > 0 else tags
        mapping: dict[str, int] = {}
        # Most specific pattern first, so '#adm2+code+dest' is not taken by '#adm2+code'.
        by_specificity = sorted(
            (c for c in schema.columns if c.hxl), key=lambda c: -c.hxl.count("+")
        )
        for column in by_specificity:
            for index, tag in enumerate(tags):
                if index in mapping.values() or not tag.startswith("#"):
                    continue
                if _hxl_matches(tag, column.hxl):
                    mapping[column.name] = index
                    break
        # Columns without a hashtag (or untagged in the sheet) fall back to their header.
        for index, header in enumerate(header_row):
            name = names.get(normalise_header(header))
            if name and name not in mapping and index not in mapping.values():
                mapping[name] = index
        headers = {n: str(header_row[i]).strip() or tags[i] for n, i in mapping.items()}
        return hxl_index + 1, mapping, headers

    best_index, best_mapping = 0, {}
    for i, row in enumerate(top):
        mapping = {}
        for index, header in enumerate(row):
            name = names.get(normalise_header(header))
            if name and name not in mapping:
                mapping[name] = index
        if len(mapping) > len(best_mapping):
            best_index, best_mapping = i, mapping
    headers = {n: str(grid[best_index][i]).strip() for n, i in best_mapping.items()}
    return best_index + 1, best_mapping, headers


def load_table(
    name: str, source: InputSource, workspace: Path
) -> tuple[RawTable | None, list[Problem]]:
    """Read one table; on a problem that stops reading it, return None and the problem."""
    schema = SCHEMAS[name]
    file = display_path(source.path, workspace)

    def problem(message: str, column: str | None = None, row: int | None = None) -> Problem:
        return Problem("error", name, file, source.sheet, row, column, None, message)

    if not source.path.is_file():
        return None, [problem(f"file not found (set inputs.{name} in sitrep.toml)")]
    try:
        grid = read_grid(source)
    except Exception as exc:  # every reader failure becomes a located problem
        return None, [problem(f"cannot read the {name} table: {exc}")]

    start, mapping, headers = locate_columns(grid, schema)
    header_row = start - 1 if start > 0 else None
    problems = [
        problem(
            f"required column missing: expected a header {column.name!r}"
            + (f" or the hashtag {column.hxl}" if column.hxl else ""),
            column=column.name,
            row=(header_row + 1) if header_row is not None else None,
        )
        for column in schema.columns
        if column.required and column.name not in mapping
    ]
    if problems:
        return None, problems

    width = max((len(r) for r in grid), default=0)
    body = [list(r) + [""] * (width - len(r)) for r in grid[start:]]
    frame = pd.DataFrame(body, dtype=object) if body else pd.DataFrame(columns=range(width))
    frame = frame[[mapping[c] for c in mapping]] if mapping else frame.iloc[:, :0]
    frame.columns = list(mapping)
    rows = [start + 1 + i for i in range(len(frame))]
    # Blank rows (every mapped cell empty) are layout, not data.
    blank = frame.map(lambda v: v is None or (isinstance(v, str) and not v.strip())).all(axis=1)
    keep = ~blank.to_numpy()
    frame = frame[keep].reset_index(drop=True)
    rows = [r for r, k in zip(rows, keep, strict=True) if k]
    return RawTable(name, file, source.sheet, frame, rows, headers), []


def load_tables(
    config: Config, overrides: dict[str, InputSource] | None = None
) -> tuple[dict[str, RawTable], list[Problem]]:
    """Every configured table (with --input overrides), and the problems that stopped any."""
    sources = {**config.inputs, **(overrides or {})}
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for name, source in sources.items():
        if name not in SCHEMAS:
            continue
        table, table_problems = load_table(name, source, config.workspace)
        problems += table_problems
        if table is not None:
            tables[name] = table
    return tables, problems
