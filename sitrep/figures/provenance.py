"""Where each figure came from: the rows of each table, per source, that the report used.

The sources annex lists them (table, file, source, round, rows, dates) and the attached CSV
files hold exactly those rows (`sitrep.pdf.attachments`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sitrep.validate.schema import ROW
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
    """One entry per source of the rows used: the sources annex and the attached CSV files."""
    uses = []
    sources = frame["source"].fillna("") if "source" in frame else pd.Series("", frame.index)
    for source, rows in frame.groupby(sources, sort=True):
        dates = [d for d in rows[date_column] if d is not None] if date_column else []
        uses.append(
            SourceUse(
                table.name,
                table.file,
                table.sheet,
                str(source),
                min(dates, default=None),
                max(dates, default=None),
                len(rows),
                tuple(int(n) for n in rows[ROW]),
                operation,
                round,
            )
        )
    return uses
