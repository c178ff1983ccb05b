"""Helpers for the preview tests: a workbook cell changed the way a spreadsheet program saves."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

WORKBOOK = Path("inputs") / "sample-data.xlsx"


def last_row(sheet, column: int = 1) -> int:
    """The last row with a value in `column` (the sheet is formatted far below its data)."""
    row = sheet.max_row
    while row > 1 and sheet.cell(row, column).value in (None, ""):
        row -= 1
    return row


def set_cell(workspace: Path, sheet: str, header: str, value: object, row: int | None = None):
    """Set `header`'s cell on `row` (default: the last data row) and save the workbook as a
    spreadsheet program does: a new file renamed over the old. Returns (row, old value)."""
    import openpyxl

    path = workspace / WORKBOOK
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    column = headers.index(header) + 1
    row = row or last_row(ws)
    old = ws.cell(row, column).value
    ws.cell(row, column).value = value
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~save", suffix=".tmp")
    os.close(fd)
    book.save(tmp)
    os.replace(tmp, path)
    return row, old


def row_where(workspace: Path, sheet: str, header: str, value: object) -> int:
    """The first row whose `header` cell equals `value`."""
    import openpyxl

    ws = openpyxl.load_workbook(workspace / WORKBOOK, read_only=True)[sheet]
    rows = ws.iter_rows(values_only=True)
    column = list(next(rows)).index(header)
    for number, row in enumerate(rows, start=2):
        if row[column] == value:
            return number
    raise LookupError(f"no {header} = {value!r} in {sheet}")
