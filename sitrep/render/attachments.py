"""The report carries its own data: the input rows it used, as CSV files attached to the PDF.

CSV files are opened in spreadsheet programs, which run a cell starting with "=", "+", "-", "@",
a tab or a carriage return as a formula: every cell goes through
`sitrep.safety.formulas.neutralise_cell`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sitrep.safety import formulas

NEVER_ATTACHED = {"partners"}  # the distribution list: people's addresses, not report data
ROW_COLUMN = "source_row"  # the spreadsheet row each line came from


@dataclass(frozen=True)
class DataFile:
    name: str  # e.g. "displacement.csv"
    data: bytes
    description: str
    __template_hidden__ = ("data",)  # templates name the files; the bytes are for the PDF


def csv_safe(value: object) -> str:
    """A cell's text, with a leading quote when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(formulas.neutralise_cell(str(value)))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read Dari names), every cell
    neutralised."""
    return formulas.csv_bytes(
        [csv_safe(h) for h in header], ([csv_safe(v) for v in row] for row in rows)
    )


def table_file(name: str, frame, row_numbers: set, description: str) -> DataFile:
    """The rows of a validated table (canonical columns) whose spreadsheet row was used:
    `row_numbers` holds row numbers, or (file, row) for a table of several files (`_file`,
    written as the `file` column)."""
    if "_file" in frame:
        pairs = zip(frame["_file"].tolist(), frame["_row"].tolist(), strict=True)
        used = frame[[pair in row_numbers for pair in pairs]].sort_values(["_file", "_row"])
        used = used.rename(columns={"_file": "file"})
    else:
        used = frame[frame["_row"].isin(row_numbers)].sort_values("_row")
    columns = [c for c in used.columns if c != "_row"]
    # column lists, not to_dict: a validated table's cells are Python values (as `records`)
    rows = zip(*(used[c].tolist() for c in ["_row", *columns]), strict=True)
    return DataFile(f"{name}.csv", csv_bytes([ROW_COLUMN, *columns], rows), description)
