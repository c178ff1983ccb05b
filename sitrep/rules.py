"""Rules that involve more than one cell: within a row, across rows, across tables.

Errors
- displacement: a row gives neither people nor families.
- blockades: the end date is before the start date; status 'lifted' without an end date.
- routes: two status rows for one route on one date.
- future dates (`future_date_errors`): the workbook is a running log, so rows dated after an old
  report's date are legitimate and simply not counted in that report. What cannot be right is a
  date that runs ahead of everything else: a date more than `lead_days` (default 7) after the
  newest date of every *other* table is an error (a typo such as 2012 -> 2021 or 08 -> 09).
  With a single dated table there is nothing to compare with and nothing is flagged. The rule
  does not read the clock, so the result of `validate` does not depend on the day it runs.
Warnings
- blockades: status 'ongoing' with an end date.
- household size: families x household size outside half to twice the people given.
- jumps: an area's figure ten times (or more) its previous figure, and at least 100 people:
  for displacement (a flow), an area's people on a day against the day before; for IDPs present
  (a stock), an area's figure against its previous reporting date.
- stale (`freshness_warnings`): a table's newest row is more than `report.stale_days` older than
  the report date (not for IDPs present, which are assessed in rounds).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sitrep.problems import Problem
from sitrep.schema import SCHEMAS

if TYPE_CHECKING:
    from sitrep.validate import Reporter, Table

DEFAULT_LEAD_DAYS = 7
JUMP_FACTOR = 10
JUMP_MINIMUM = 100  # people: 3 -> 40 is not worth a warning
DATE_COLUMNS = {
    "displacement": ("date",),
    "blockades": ("start_date", "end_date"),
    "routes": ("since", "verified"),
    "idps": ("date",),
    "prices": ("date",),
}
ROW = "_row"


def day_numbers(series: pd.Series) -> np.ndarray:
    """Dates as day ordinals (float, NaN for missing), computed once per distinct date."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    table = np.array([d.toordinal() for d in uniques] + [math.nan], dtype=float)
    return table[codes]


def numbers(series: pd.Series) -> np.ndarray:
    """Numbers as float (NaN for missing)."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    table = np.array([float(v) for v in uniques] + [math.nan], dtype=float)
    return table[codes]


def check_rows(name: str, frame: pd.DataFrame, report: Reporter) -> None:
    """The within-row and across-row rules of one table."""
    if frame.empty:
        return
    if name == "displacement":
        neither = (frame["families"].isna() & frame["people"].isna()).to_numpy().copy()
        for column in ("families", "people"):  # a bad cell is reported already
            neither[report.bad.get(column, [])] = False
        message = "give the number of people or of families (or both)"
        report.rows(np.flatnonzero(neither), "people", None, message)
    if name == "blockades":
        _blockade_rules(frame, report)
    if name == "places":
        located = frame["lat"].notna() & frame["lon"].notna()
        neither = (frame["pcode"].isna() & ~located).to_numpy().copy()
        for column in ("pcode", "lat", "lon"):  # a bad cell is reported already
            neither[report.bad.get(column, [])] = False
        message = "give the place's P-code or its coordinates (lat and lon), or both"
        report.rows(np.flatnonzero(neither), "pcode", None, message)
    if name == "routes":
        keys = frame[["route_id", "since"]].astype(str)
        dup = keys.duplicated(keep="first").to_numpy() & frame["since"].notna().to_numpy()
        message = "this route already has a status from this date"
        report.rows(np.flatnonzero(dup), "since", frame["since"].to_numpy(), message)


def _blockade_rules(frame: pd.DataFrame, report: Reporter) -> None:
    start, end = day_numbers(frame["start_date"]), day_numbers(frame["end_date"])
    status = frame["status"].to_numpy(dtype=object)
    ends = frame["end_date"].to_numpy(dtype=object)
    for position in np.flatnonzero(end < start):
        message = f"the end date is before the start date {frame['start_date'].iat[position]}"
        report.rows(np.array([position]), "end_date", ends, message)
    lifted = (status == "lifted") & np.isnan(end)
    report.rows(
        np.flatnonzero(lifted), "end_date", None, "status is 'lifted': give the date it was lifted"
    )
    ongoing = (status == "ongoing") & ~np.isnan(end)
    message = "the blockade has an end date: status should be 'lifted'"
    report.rows(np.flatnonzero(ongoing), "status", status, message, "warning")


def _people(frame: pd.DataFrame, household_size: int) -> np.ndarray:
    """People per row: as given, else families x household size (NaN when neither)."""
    people = numbers(frame["people"])
    return np.where(np.isnan(people), numbers(frame["families"]) * household_size, people)


def _warning(
    table: Table, row: int | None, column: str | None, value: object, message: str
) -> Problem:
    shown = None if value is None else str(value)
    header = table.header(column) if column else None
    return Problem("warning", table.name, table.file, table.sheet, row, header, shown, message)


def household_warnings(table: Table, household_size: int) -> list[Problem]:
    """Warn where families x household size is far from the people given."""
    frame = table.frame
    if frame.empty:
        return []
    people, families = numbers(frame["people"]), numbers(frame["families"])
    expected = families * household_size
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = people / expected
    far = (expected > 0) & ~np.isnan(ratio) & ((ratio < 0.5) | (ratio > 2))
    return [
        _warning(
            table,
            int(frame[ROW].iat[i]),
            "people",
            int(people[i]),
            f"far from {int(families[i])} families x {household_size} = {int(expected[i])}; "
            "check both figures",
        )
        for i in np.flatnonzero(far)[:50]
    ]


def jump_warnings(table: Table, household_size: int) -> list[Problem]:
    """Warn where an area's figure is JUMP_FACTOR times its previous one (see the top)."""
    frame = table.frame
    if table.name == "displacement" and not frame.empty:
        data = pd.DataFrame(
            {"area": frame["district"], "day": day_numbers(frame["date"]),
             "n": _people(frame, household_size), "row": frame[ROW]}
        )  # fmt: skip
        consecutive, column = True, "people"
    elif table.name == "idps" and not frame.empty:
        data = pd.DataFrame(
            {"area": frame["area"], "day": day_numbers(frame["date"]),
             "n": numbers(frame["idps"]), "row": frame[ROW]}
        )  # fmt: skip
        consecutive, column = False, "idps"
    else:
        return []
    data = data.dropna(subset=["area", "day", "n"])
    daily = data.groupby(["area", "day"], sort=True).agg(n=("n", "sum"), row=("row", "max"))
    daily = daily.reset_index()
    previous = daily.groupby("area")[["day", "n"]].shift(1)
    jump = (daily["n"] >= JUMP_FACTOR * previous["n"]) & (daily["n"] >= JUMP_MINIMUM)
    jump &= previous["n"] > 0
    if consecutive:
        jump &= daily["day"] - previous["day"] == 1
    problems = []
    for i in np.flatnonzero(jump.to_numpy())[:50]:
        before = dt.date.fromordinal(int(previous["day"].iat[i]))
        times = daily["n"].iat[i] / previous["n"].iat[i]
        problems.append(
            _warning(
                table,
                int(daily["row"].iat[i]),
                column,
                int(daily["n"].iat[i]),
                f"suspicious jump: {daily['area'].iat[i]} has {times:.0f}"
                f" times its figure of {before} ({int(previous['n'].iat[i]):,}); "
                "check for a typo (an extra zero?)",
            )
        )
    return problems


def _newest(table: Table) -> float:
    days = [day_numbers(table.frame[c]) for c in DATE_COLUMNS.get(table.name, ())]
    values = np.concatenate(days) if days else np.array([])
    return float(np.nanmax(values)) if len(values) and not np.isnan(values).all() else math.nan


def future_date_errors(
    tables: dict[str, Table], lead_days: int = DEFAULT_LEAD_DAYS
) -> list[Problem]:
    """Errors for dates more than `lead_days` after the newest date of every other table."""
    newest = {name: _newest(t) for name, t in tables.items() if name in DATE_COLUMNS}
    newest = {name: day for name, day in newest.items() if not math.isnan(day)}
    problems: list[Problem] = []
    if len(newest) < 2:
        return problems
    for name in newest:
        table = tables[name]
        other_name, other_day = max(
            ((n, d) for n, d in newest.items() if n != name), key=lambda x: x[1]
        )
        limit = other_day + lead_days
        other_date = dt.date.fromordinal(int(other_day))
        for column in DATE_COLUMNS[name]:
            days = day_numbers(table.frame[column])
            for i in np.flatnonzero(days > limit)[:50]:
                value = table.frame[column].iat[i]
                problems.append(
                    Problem(
                        "error", name, table.file, table.sheet, int(table.frame[ROW].iat[i]),
                        table.header(column), str(value),
                        f"date in the future: {(value - other_date).days} days after the newest "
                        f"date of the other tables ({other_date}, {other_name}); a typo? "
                        "(dates are read day first: DD/MM/YYYY)",
                    )
                )  # fmt: skip
    return problems


def freshness_warnings(
    tables: dict[str, Table], report_date: dt.date, stale_days: int
) -> list[Problem]:
    """Warn about a table whose newest row is more than `stale_days` older than the report."""
    problems = []
    for table in tables.values():
        schema = SCHEMAS[table.name]
        if not schema.date_column or not schema.stale_check or table.frame.empty:
            continue
        days = day_numbers(table.frame[schema.date_column])
        days = days[days <= report_date.toordinal()]
        if not len(days):
            continue
        newest = dt.date.fromordinal(int(days.max()))
        age = (report_date - newest).days
        if age > stale_days:
            problems.append(
                Problem(
                    "warning", table.name, table.file, table.sheet, None, None, None,
                    f"stale: the newest row is dated {newest}, {age} days before the report "
                    f"date (more than report.stale_days = {stale_days})",
                )
            )  # fmt: skip
    return problems
