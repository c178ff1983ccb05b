"""Where each figure came from: the rows of each table, per source, that the report used.

The sources annex lists them (table, file, source, round, rows, dates) and the attached CSV
files hold exactly those rows (`sitrep.render.attachments`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sitrep.tableschema import FILE, ROW
from sitrep.validate.table import Table


@dataclass(frozen=True)
class SourceUse:
    """The rows of one table, from one source, that the report used."""

    table: str
    file: str
    sheet: str | None
    source: str
    first: dt.date | None
    last: dt.date | None
    rows: int
    row_numbers: tuple[int, ...] = ()  # spreadsheet rows, for the attached CSV files
    operation: str | None = None  # which assessment: "Countrywide monitoring",
    round: str | None = None  # round "10"


def source_uses(
    table: Table,
    frame: pd.DataFrame,
    date_column: str | None,
    operation: str | None = None,
    round: str | None = None,
) -> list[SourceUse]:
    """One entry per source of the rows used: the sources annex and the attached CSV files.

    Plain lists rather than a groupby: a batch calls this a dozen times per area report, on
    frames of a few rows, where pandas' own overhead is most of the cost.
    """
    n = len(frame)
    sources = frame["source"].tolist() if "source" in frame else [""] * n
    dates = frame[date_column].tolist() if date_column else [None] * n
    # a table read from several files: one entry per file (and source), naming its own
    files = frame[FILE].tolist() if FILE in frame else [table.file] * n
    groups: dict[tuple[str, str], tuple[list, list[int]]] = {}
    for source, day, row, file in zip(sources, dates, frame[ROW].tolist(), files, strict=True):
        if source is None or source != source:  # None or NaN: no source, as fillna("")
            source = ""
        group = groups.setdefault((str(source), file), ([], []))
        if day is not None:
            group[0].append(day)
        group[1].append(int(row))
    return [
        SourceUse(
            table.name,
            file,
            table.sheet,
            source,
            min(days, default=None),
            max(days, default=None),
            len(rows),
            tuple(rows),
            operation,
            round,
        )
        for (source, file), (days, rows) in sorted(groups.items())
    ]
