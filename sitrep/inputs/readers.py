"""Read a CSV file, a workbook sheet or a JSON list of records into a grid: every cell from A1,
blank rows kept.

A grid is a DataFrame with columns 0..n-1 and index 0..m-1, so grid row i is the row the
spreadsheet program shows as i + 1 (for a CSV file: line i + 1). Cells are kept as the reader
gives them: strings for a CSV file; numbers, dates, text and booleans for a workbook ("" for an
empty cell). Workbooks are read with python-calamine, which gives the cached value of a formula.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from sitrep.errors import InputError
from sitrep.inputs import extent
from sitrep.inputs.limits import (
    READER_MAX_CELLS,
    check_extent,
    check_file_size,
    check_zip,
    exceeded,
    megabytes,
)
from sitrep.inputs.textcodec import decode_text
from sitrep.problems import Message
from sitrep.settings.config import InputSource
from sitrep.settings.limits import Limits

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
JSON_SUFFIXES = {".json"}  # a list of records, as the IOM DTM API gives them
DELIMITERS = (",", ";", "\t")
SNIFF_LINES = 50


def read_grid(source: InputSource, limits: Limits) -> pd.DataFrame:
    """The cells of a CSV file or of a workbook sheet; InputError says what is wrong."""
    path = source.path
    if not path.is_file():
        raise InputError(Message("file-not-found.file"))
    if message := check_file_size(path, limits):
        raise InputError(message)
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_sheet_grid(path, source.sheet, limits)
    if suffix in CSV_SUFFIXES:
        return read_csv_grid(path, limits)
    if suffix in JSON_SUFFIXES:
        return read_json_grid(path, limits)
    if not suffix:
        raise InputError(Message("unreadable.no-suffix"))
    raise InputError(Message("unreadable.suffix", suffix=suffix))


def read_json_grid(path: Path, limits: Limits) -> pd.DataFrame:
    """A JSON list of records (the IOM DTM API's `{"result": [...]}`) as a grid: a header row
    of the fields, in the order they first appear, then a row per record ("" for a null)."""
    text, _, warning = decode_text(path.read_bytes())
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested thousands deep
        raise InputError(Message("unreadable.json", reason=str(exc)[:200])) from None
    records = data.get("result") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(Message("unreadable.json-records"))
    if len(records) + 1 > limits.max_rows:
        raise InputError(exceeded(Message("limit-exceeded.file-rows"), "max_rows", limits.max_rows))
    fields = list(dict.fromkeys(k for r in records for k in r))
    _check_cells(len(records) + 1, len(fields), limits)
    rows = [fields] + [[_json_cell(r.get(f)) for f in fields] for r in records]
    grid = pd.DataFrame(rows, columns=range(len(fields)), dtype=object)
    if warning:
        grid.attrs["warning"] = warning
    return grid


def _json_cell(value: object) -> object:
    """A JSON value as a cell: text, a number or a boolean as they are; null ""; a list or an
    object as its JSON text."""
    if value is None:
        return ""
    if isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, ensure_ascii=False)


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the same number of fields most often.

    ',' inside "1,200" or a title line of one field do not fool it: the count that most lines
    share decides, and more fields win a tie (',' first when nothing splits).
    """
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [
            len(r) for r in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in r)
        ]
        if not counts:
            continue
        modal = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (counts.count(modal), modal) if modal > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_grid(path: Path, limits: Limits) -> pd.DataFrame:
    """A CSV file as a grid of strings ("" for an empty or missing field).

    The encoding is detected (`sitrep.inputs.textcodec`); when it had to be guessed, the grid's
    `attrs["warning"]` says so. The grid's size is bounded by `limits.max_cells` before the
    rows are built.
    """
    data = path.read_bytes()
    text, codec, warning = decode_text(data)
    head = text[:65536].splitlines()[:SNIFF_LINES]
    delimiter = sniff_delimiter(head)
    width = max((len(r) for r in csv.reader(head, delimiter=delimiter)), default=1)
    # pandas reads max_rows + 1 rows at most, of `width` fields (more fields: the except below)
    _check_cells(min(text.count("\n") + 1, limits.max_rows + 1), width, limits)
    utf8 = codec == "utf-8"  # the C parser reads UTF-8 bytes faster than a str
    try:
        grid = pd.read_csv(
            io.BytesIO(data) if utf8 else io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(width),
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            nrows=limits.max_rows + 1,
            encoding="utf-8-sig" if utf8 else None,
            encoding_errors="replace",
        )
    except pd.errors.ParserError:
        # A line further down has more fields than the first lines: the slow, tolerant way.
        grid = _tolerant_grid(text, delimiter, limits)
    if len(grid) > limits.max_rows:
        what = Message("limit-exceeded.file-rows")
        raise InputError(exceeded(what, "max_rows", limits.max_rows))
    if warning:
        grid.attrs["warning"] = warning
    return grid


def _check_cells(rows: int, width: int, limits: Limits) -> None:
    if rows * width > limits.max_cells:
        what = Message("limit-exceeded.file-cells", rows=rows, columns=width, cells=rows * width)
        raise InputError(exceeded(what, "max_cells", limits.max_cells, "cells"))


def _tolerant_grid(text: str, delimiter: str, limits: Limits) -> pd.DataFrame:
    """Rows of any length, padded to the widest; stops as soon as rows x width is over a cap."""
    rows: list[list[str]] = []
    width = 1
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(row)
        width = max(width, len(row))
        if len(rows) > limits.max_rows:
            break
        if len(rows) * width > limits.max_cells:
            _check_cells(len(rows), width, limits)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


def sheet_names(path: Path, limits: Limits) -> list[str]:
    """A workbook's sheets, in order, listed within the limits: the file's size and its zip
    members are checked first, then the names are read from the workbook's own XML (no reader
    opens it: a reader parses every sheet of an .ods, and the string table of an .xlsx, when it
    opens one); a legacy .xls (bounded by its format) by calamine. InputError when the file is
    over a limit, not a workbook, or has more sheets than limits.max_sheets."""
    if message := check_file_size(path, limits) or check_zip(path, limits):
        raise InputError(message)
    try:
        found = extent.contents(path)
    except extent.ExtentError as exc:
        raise InputError(Message("unreadable.workbook", reason=str(exc))) from None
    if found is None:
        names = _calamine(lambda: CalamineWorkbook.from_path(str(path)).sheet_names, None)
    else:
        names = found[0]
    if len(names) > limits.max_sheets:
        what = Message("limit-exceeded.sheets", count=len(names))
        raise InputError(exceeded(what, "max_sheets", limits.max_sheets))
    return names


def _check_opened(path: Path, limits: Limits) -> Message | None:
    """An error message when the sheets of an .ods, which calamine all builds when it opens
    the file, hold more cells or text together than one sheet may (else None)."""
    found = extent.contents(path) if path.suffix.lower() == ".ods" else None
    if found is None or found[1] is None:
        return None
    cells, text = found[1]
    if cells > min(limits.max_cells, READER_MAX_CELLS):
        what = Message("limit-exceeded.ods-cells", cells=cells)
        return exceeded(what, "max_cells", min(limits.max_cells, READER_MAX_CELLS), "cells")
    if text > limits.max_text_mb * 1024 * 1024:
        what = Message("limit-exceeded.ods-text", size=megabytes(text))
        return exceeded(what, "max_text_mb", limits.max_text_mb, "MB")
    return None


def _calamine(call, sheet: str | None):
    """calamine's answer, or an InputError for any error it raises (its types are its own:
    a corrupt part, its own cap on cells), naming the sheet when one is being read."""
    try:
        return call()
    except Exception as exc:  # calamine raises its own types (and ValueError, OSError)
        if sheet:
            raise InputError(Message("unreadable.sheet", sheet=sheet, reason=str(exc))) from None
        raise InputError(Message("unreadable.workbook", reason=str(exc))) from None


def read_sheet_grid(path: Path, sheet: str | None, limits: Limits) -> pd.DataFrame:
    """One sheet of a workbook as a grid; a merged cell's value fills every cell it covers."""
    names = sheet_names(path, limits)
    name = find_sheet(names, sheet)
    if name is None:
        raise InputError(Message("unreadable.no-sheet", sheet=repr(sheet), sheets=", ".join(names)))
    # Measured before calamine builds (or fails to allocate) a grid: calamine builds every
    # sheet of an .ods when it opens the file, so each is measured; an .xlsx sheet when read.
    text_cap = limits.max_text_mb * 1024 * 1024
    for each in names if path.suffix.lower() == ".ods" else [name]:
        try:
            measured = extent.measure(path, each, find_sheet, text_cap)
        except extent.ExtentError as exc:
            raise InputError(Message("unreadable.workbook", reason=str(exc))) from None
        if measured is not None and (message := check_extent(measured, limits)):
            raise InputError(message)
    if message := _check_opened(path, limits):
        raise InputError(message)
    workbook = _calamine(lambda: CalamineWorkbook.from_path(str(path)), name)
    worksheet = _calamine(lambda: workbook.get_sheet_by_name(name), name)
    if worksheet.total_height + 1 > limits.max_rows:  # total_height is the last row's index
        what = Message("limit-exceeded.too-many-rows", sheet=name)
        raise InputError(exceeded(what, "max_rows", limits.max_rows))
    cells = _calamine(lambda: worksheet.to_python(skip_empty_area=False), name)
    width = max((len(r) for r in cells), default=0)
    grid = pd.DataFrame(cells, columns=range(width), dtype=object)
    fill_merged(grid, _calamine(lambda: worksheet.merged_cell_ranges, name) or [])
    return grid


def find_sheet(names: list[str], wanted: str | None) -> str | None:
    """The sheet asked for: its exact name, else the one name equal ignoring case and spaces."""
    if wanted is None:
        return names[0] if names else None
    if wanted in names:
        return wanted
    key = " ".join(wanted.lower().split())
    matches = [n for n in names if " ".join(n.lower().split()) == key]
    return matches[0] if len(matches) == 1 else None


def fill_merged(grid: pd.DataFrame, ranges: list) -> None:
    """Give every cell of a merged range the value of its top-left cell (in place)."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(grid) or left >= grid.shape[1]:
            continue
        value = grid.iat[top, left]
        grid.iloc[top : bottom + 1, left : right + 1] = value
