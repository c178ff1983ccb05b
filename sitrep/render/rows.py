"""The rows behind each key figure, for the HTML edition: a partner who doubts a number sees it
being added up.

Each key figure names its table and spreadsheet rows (`KeyFigure.table`, `.rows`); here they
become a listing by admin-1 area: each row's number in the sheet, date, area, the figure it
adds (a displacement row's people, families x household size where only families are given)
and source, with each area's subtotal, so that the groups add up to the key figure. Each area
is a disclosure of its own (the edition's filter: open the areas you doubt). At most
MAX_ROWS rows are listed in the page; the attached CSV file holds every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sitrep.tableschema import ROW
from sitrep.validate.rules import people_estimate

if TYPE_CHECKING:
    from sitrep.geo.gazetteer import Gazetteer
    from sitrep.validate.table import Table

MAX_ROWS = 100  # rows listed in the page per key figure; the attached CSV has them all
# table -> (date column, area column, the figure column); None: a count of rows
COLUMNS = {
    "displacement": ("date", "district", "people"),
    "blockades": ("start_date", "area", "people_affected"),
    "routes": ("since", None, None),
    "idps": ("date", "area", "idps"),
    "indicators": ("date", "area", "value"),
    "needs": ("reference_period_start", None, "population"),
    "funding": ("reference_period_start", None, "funding_usd"),
}
SUMMED = {"displaced_period", "idps_present", "people_in_need"}  # key figures that are sums


@dataclass(frozen=True)
class Row:
    row: int  # as the spreadsheet shows it
    date: object
    area: str  # the name the report prints ("--" when the table has no area)
    pcode: str
    value: float | None  # the figure the row adds (None: a row counted, not summed)
    source: str


@dataclass(frozen=True)
class Group:
    name: str  # the admin-1 area's name
    pcode: str
    count: int
    total: float | None
    rows: tuple[Row, ...]  # at most MAX_ROWS in all groups together


@dataclass(frozen=True)
class FigureRows:
    """One key figure's rows: its anchor in the page, the table and file, the groups."""

    anchor: str
    table: str
    file: str
    sheet: str | None
    count: int
    summed: bool  # the figure is the sum of the rows' figures (else a count, or a choice)
    total: float | None
    groups: tuple[Group, ...]
    listed: int  # rows listed in the page


def _area_of(frame: pd.DataFrame, table: str, column: str | None) -> pd.Series:
    if column is not None:
        return frame[column].map(lambda v: v if isinstance(v, str) else "")
    if table == "needs":  # the finest code of the row
        out = frame["location_code"].map(lambda v: str(v or "").strip().upper())
        for level in ("admin1_code", "admin2_code"):
            codes = frame[level].map(lambda v: str(v or "").strip())
            out = out.where(codes == "", codes)
        return out
    if table == "routes":
        return frame["route"].map(str)
    return frame["appeal_name"].map(lambda v: str(v or ""))


def _figures(frame: pd.DataFrame, table: str, column: str | None, household: int | None):
    if column is None:
        return np.full(len(frame), np.nan)
    if table == "displacement":
        return people_estimate(frame, household)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def figure_rows(
    key_figures: list[Any],
    tables: dict[str, Table],
    gazetteer: Gazetteer,
    household: int | None,
    country: tuple[str, str] = ("", ""),
) -> list[FigureRows | None]:
    """Each key figure's rows (None for one without rows), in the key figures' order.
    `country`: (its ISO3 code, the name printed), for rows of the country itself."""

    def name(code: str) -> str:
        return country[1] if code and code == country[0] else gazetteer.name(code) if code else "--"

    out: list[FigureRows | None] = []
    for index, k in enumerate(key_figures, 1):
        table = tables.get(k.table)
        if table is None or not k.rows or k.table not in COLUMNS:
            out.append(None)
            continue
        date_column, area_column, value_column = COLUMNS[k.table]
        frame = table.frame[table.frame[ROW].isin(set(k.rows))].sort_values(ROW)
        areas = _area_of(frame, k.table, area_column)
        values = _figures(frame, k.table, value_column, household)
        summed = k.key in SUMMED or k.table == "indicators"
        placed = area_column is not None or k.table == "needs"  # rows of areas, by admin 1
        fallback = k.sources[0] if k.sources else ""
        sources = frame["source"].tolist() if "source" in frame else [""] * len(frame)
        groups: dict[str, list] = {}
        for row, date, area, value, source in zip(
            frame[ROW].tolist(), frame[date_column].tolist(), areas.tolist(), values.tolist(),
            sources, strict=True,
        ):  # fmt: skip
            admin1 = (gazetteer.admin1(area) or area) if placed else ""
            value = None if value != value else value  # NaN: nothing to add
            shown = name(area) if placed else area
            groups.setdefault(admin1, []).append(
                Row(int(row), date, shown, area, value, str(source or fallback))
            )
        budget, made = MAX_ROWS, []
        for admin1, rows in sorted(groups.items(), key=lambda g: (-len(g[1]), g[0])):
            known = [r.value for r in rows if r.value is not None]
            made.append(
                Group(
                    name(admin1) if admin1 else "--",
                    admin1,
                    len(rows),
                    sum(known) if summed and known else None,
                    tuple(rows[: max(budget, 0)]),
                )
            )
            budget -= len(rows)
        known = [v for v in values.tolist() if v == v]
        out.append(
            FigureRows(
                f"kf-rows-{index}",
                k.table,
                table.file,
                table.sheet,
                len(frame),
                summed,
                sum(known) if summed and known else None,
                tuple(made),
                min(len(frame), MAX_ROWS),
            )
        )
    return out
