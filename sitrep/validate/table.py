"""One validated table: typed columns, the spreadsheet row of each row, and where it came from.

What every later stage reads (figures, render, issue), with the queries that validation's rules
and the figures both ask of a typed table: its rows (`records`), each route's status on a day
(`route_status_on`), the IDP assessments (`assessments`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sitrep.tableschema import FILE, ROW


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

    def file_of(self, position: int) -> str:
        """The file of the row at `position`: the table's, or the row's own in a table read
        from several files (`FILE`)."""
        if FILE in self.frame:
            return str(self.frame[FILE].iat[position])
        return self.file


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


def route_status_on(frame: pd.DataFrame, day: dt.date) -> dict[str, dict]:
    """Each route's latest status row dated on or before `day`."""
    current: dict[str, dict] = {}
    for record in records(frame.sort_values(["since", ROW])):
        if record["since"] <= day:
            current[record["route_id"]] = record
    return current


def stripped_text(series: pd.Series) -> pd.Series:
    """Stripped text, "" for missing (each distinct value converted once)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    table = np.array([str(v).strip() for v in uniques] + [""], dtype=object)
    return pd.Series(table[codes], index=series.index)


def assessments(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `_op` (operation), `_key` (assessment) and `_adate` (the assessment's
    date, its newest row, as a day number) columns."""
    op = stripped_text(frame["operation"]) if "operation" in frame else pd.Series("", frame.index)
    op = op.where(op != "", stripped_text(frame["source"]))
    rnd = stripped_text(frame["round"]) if "round" in frame else pd.Series("", frame.index)
    codes, uniques = pd.factorize(frame["date"].to_numpy(dtype=object))
    days = np.array([d.toordinal() for d in uniques], dtype=np.int64)[codes]
    key = rnd.where(rnd != "", pd.Series(days, index=frame.index).astype(str))
    out = frame.assign(
        _op=op.to_numpy(), _key=key.to_numpy(), _has_round=(rnd != "").to_numpy(), _day=days
    )
    out["_adate"] = out.groupby(["_op", "_key"])["_day"].transform("max")
    return out
