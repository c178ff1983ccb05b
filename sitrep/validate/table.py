"""One validated table: typed columns, the spreadsheet row of each row, and where it came from.

What every later stage reads (figures, render, issue); it depends on nothing else of sitrep, so
the validation rules may use the figures' own functions without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    """A validated table: typed columns plus `_row`, and where it came from."""

    name: str
    file: str
    sheet: str | None
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)  # column -> header as written

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


def records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dictionaries, like `frame.to_dict("records")` for a validated table.

    A validated table's cells are Python values already (object columns, `_row` int64, which
    `tolist` makes Python ints), so the rows are zipped from each column's list: a quarter of
    `to_dict`'s time, which boxes every cell again; a batch reads every area's tables this way.
    """
    columns = list(frame.columns)
    return [
        dict(zip(columns, row, strict=True))
        for row in zip(*(frame[c].tolist() for c in columns), strict=True)
    ]
