"""Rules that involve more than one cell: within a row, across rows, across tables.

Errors
- displacement: a row gives neither people nor families; neither an area of origin nor a
  hosting area.
- blockades: the end date is before the start date; status 'lifted' without an end date.
- routes: two status rows for one route on one date.
- dates after today (`date_problems`): the workbook is a running log, so rows dated after an
  old report's date are legitimate and simply not counted in that report (a DTM export holds
  later rounds). What cannot be right is a date after the day sitrep runs (`today`, passed in
  from the command line; never read from the clock here): a typo such as 08 -> 09.
Warnings
- blockades: status 'ongoing' with an end date.
- household size: families x household size outside half to twice the people given.
- dates far from the others (`date_problems`): a date more than FAR_DAYS from every other date
  of its column (2012 for 2021 in a log of 2021).
- jumps: an area's figure ten times (or more) its previous figure, and at least 100 people:
  for displacement (a flow), an area's people on a day against the day before; for IDPs present
  (a stock), an area's figure against the same operation's previous round (the round just
  before, not any earlier one), so two DTM operations are never compared.
- stale (`freshness_warnings`): measured on the date a row was last confirmed. For displacement
  and prices, the table's newest row. For an ongoing blockade, its `verified` date (else its
  start); for a route, its current status row's `verified` date (else `since`): each is stale
  when nobody has confirmed it for more than `report.stale_days` before the report date; one
  verified after the report date (a report rebuilt later) is not stale for it. Not for IDPs
  present, which are assessed in rounds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sitrep.problems import Message, Problem, ProblemCode
from sitrep.tableschema import FILE, ROW
from sitrep.validate.table import assessments

if TYPE_CHECKING:
    from sitrep.validate.reporter import Reporter
    from sitrep.validate.table import Table

FAR_DAYS = 366  # a date this far from every other date of its column is probably a typo
JUMP_FACTOR = 10
JUMP_MINIMUM = 100  # people: 3 -> 40 is not worth a warning


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
        message: str = Message("people-or-families.neither")
        report.rows(
            ProblemCode.PEOPLE_OR_FAMILIES, np.flatnonzero(neither), "people", None, message
        )
        nowhere = (frame["district"].isna() & frame["destination_pcode"].isna()).to_numpy().copy()
        for column in ("district", "destination_pcode"):
            nowhere[report.bad.get(column, [])] = False
        message = Message("origin-or-destination.neither")
        report.rows(
            ProblemCode.ORIGIN_OR_DESTINATION, np.flatnonzero(nowhere), "district", None, message
        )
    if name == "blockades":
        _blockade_rules(frame, report)
    if name == "places":
        located = frame["lat"].notna() & frame["lon"].notna()
        neither = (frame["pcode"].isna() & ~located).to_numpy().copy()
        for column in ("pcode", "lat", "lon"):  # a bad cell is reported already
            neither[report.bad.get(column, [])] = False
        message = Message("pcode-or-coordinates.neither")
        report.rows(
            ProblemCode.PCODE_OR_COORDINATES, np.flatnonzero(neither), "pcode", None, message
        )
    if name == "routes":
        keys = frame[["route_id", "since"]].astype(str)
        dup = keys.duplicated(keep="first").to_numpy() & frame["since"].notna().to_numpy()
        message = Message("duplicate-status.twice")
        report.rows(
            ProblemCode.DUPLICATE_STATUS,
            np.flatnonzero(dup),
            "since",
            frame["since"].to_numpy(),
            message,
        )


def _blockade_rules(frame: pd.DataFrame, report: Reporter) -> None:
    start, end = day_numbers(frame["start_date"]), day_numbers(frame["end_date"])
    status = frame["status"].to_numpy(dtype=object)
    ends = frame["end_date"].to_numpy(dtype=object)
    for position in np.flatnonzero(end < start):
        message = Message("end-before-start.before", start=frame["start_date"].iat[position])
        report.rows(ProblemCode.END_BEFORE_START, np.array([position]), "end_date", ends, message)
    lifted = (status == "lifted") & np.isnan(end)
    report.rows(
        ProblemCode.LIFTED_WITHOUT_END,
        np.flatnonzero(lifted),
        "end_date",
        None,
        Message("lifted-without-end.lifted"),
    )
    ongoing = (status == "ongoing") & ~np.isnan(end)
    message = Message("ongoing-with-end.ongoing")
    report.rows(
        ProblemCode.ONGOING_WITH_END, np.flatnonzero(ongoing), "status", status, message, "warning"
    )


def people_estimate(frame: pd.DataFrame, household_size: int | None) -> np.ndarray:
    """People per displacement row: as given, else families x household size (NaN when neither).

    The one estimate: validation checks it, the figures add it up."""
    people = numbers(frame["people"])
    size = np.nan if household_size is None else household_size
    return np.where(np.isnan(people), numbers(frame["families"]) * size, people)


def _warning(
    code: ProblemCode,
    table: Table,
    row: int | None,
    column: str | None,
    value: object,
    message: Message,
    file: str | None = None,
) -> Problem:
    return Problem(
        "warning",
        table=table.name,
        file=file or table.file,
        sheet=table.sheet,
        row=row,
        column=table.header(column) if column else None,
        value=None if value is None else str(value),
        message=message,
        code=code,
    )


def families_only_errors(table: Table) -> list[Problem]:
    """Without `report.household_size`, a row giving families but no people is an error.

    sitrep does not guess a family's size: it differs by country and by crisis, and the
    guess would be printed as a figure.
    """
    frame = table.frame
    if frame.empty:
        return []
    people, families = numbers(frame["people"]), numbers(frame["families"])
    message = Message("families-without-people.families")
    return [
        Problem(
            "error",
            table=table.name,
            file=table.file,
            sheet=table.sheet,
            row=int(frame[ROW].iat[i]),
            column=table.header("families"),
            value=str(int(families[i])),
            message=message,
            code=ProblemCode.FAMILIES_WITHOUT_PEOPLE,
        )
        for i in np.flatnonzero(np.isnan(people) & ~np.isnan(families))
    ]


def household_warnings(table: Table, household_size: int | None) -> list[Problem]:
    """Warn where families x household size is far from the people given."""
    frame = table.frame
    if frame.empty:
        return []
    if household_size is None:
        return families_only_errors(table)
    people, families = numbers(frame["people"]), numbers(frame["families"])
    expected = families * household_size
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = people / expected
    far = (expected > 0) & ~np.isnan(ratio) & ((ratio < 0.5) | (ratio > 2))
    return [
        _warning(
            ProblemCode.HOUSEHOLD_SIZE,
            table,
            int(frame[ROW].iat[i]),
            "people",
            int(people[i]),
            Message(
                "household-size.far",
                families=str(int(families[i])),
                size=str(household_size),
                expected=str(int(expected[i])),
            ),
        )
        for i in np.flatnonzero(far)[:50]
    ]


def jump_warnings(table: Table, household_size: int | None) -> list[Problem]:
    """Warn where an area's figure is JUMP_FACTOR times its previous one (see the top)."""
    frame = table.frame
    if frame.empty or table.name not in ("displacement", "idps"):
        return []
    if table.name == "idps":
        return _stock_jumps(table)
    data = pd.DataFrame(
        {"area": frame["district"], "day": day_numbers(frame["date"]),
         "n": people_estimate(frame, household_size), "row": frame[ROW]}
    )  # fmt: skip
    data = data.dropna(subset=["area", "day", "n"])
    daily = data.groupby(["area", "day"], sort=True).agg(n=("n", "sum"), row=("row", "max"))
    daily = daily.reset_index()
    previous = daily.groupby("area")[["day", "n"]].shift(1)
    consecutive = daily["day"] - previous["day"] == 1

    def message(i: int, times: float) -> Message:
        return Message(
            "jump.flow",
            area=daily["area"].iat[i],
            times=f"{times:.0f}",
            day=dt.date.fromordinal(int(previous["day"].iat[i])),
            previous=int(previous["n"].iat[i]),
        )

    return _jumps(table, daily, previous, consecutive, "people", message)


def _jumps(
    table: Table,
    now: pd.DataFrame,
    previous: pd.DataFrame,
    consecutive: pd.Series,
    column: str,
    message: Callable[[int, float], Message],
) -> list[Problem]:
    """A warning for each of the first 50 rows of `now` (columns n, row) whose figure is
    JUMP_FACTOR times its `previous` one (and at least JUMP_MINIMUM), where `consecutive`."""
    jump = (now["n"] >= JUMP_FACTOR * previous["n"]) & (now["n"] >= JUMP_MINIMUM)
    jump &= (previous["n"] > 0) & consecutive
    return [
        _warning(
            ProblemCode.JUMP,
            table,
            int(now["row"].iat[i]),
            column,
            int(now["n"].iat[i]),
            message(i, now["n"].iat[i] / previous["n"].iat[i]),
            str(now["file"].iat[i]) if "file" in now else None,
        )
        for i in np.flatnonzero(jump.to_numpy())[:50]
    ]


def _stock_jumps(table: Table) -> list[Problem]:
    """IDPs present: an area against itself in the same operation's round just before."""
    frame = table.frame
    ok = frame["date"].notna() & frame["idps"].notna() & frame["area"].notna()
    if not ok.any():
        return []
    data = assessments(frame[ok.to_numpy(dtype=bool)])
    data["n"] = numbers(data["idps"])
    order = data.groupby(["_op", "_key"])["_adate"].max().reset_index()
    order = order.sort_values(["_op", "_adate", "_key"])
    order["idx"] = order.groupby("_op").cumcount()
    data = data.merge(order[["_op", "_key", "idx"]], on=["_op", "_key"])
    data = data.assign(_file=data.get(FILE, table.file)).sort_values(ROW)
    per = data.groupby(["_op", "area", "idx"], sort=True).agg(
        n=("n", "sum"),
        row=(ROW, "last"),
        file=("_file", "last"),
        key=("_key", "first"),
        day=("_adate", "max"),
    )
    per = per.reset_index()
    previous = per.groupby(["_op", "area"])[["idx", "n", "key", "day"]].shift(1)
    consecutive = per["idx"] - previous["idx"] == 1

    def message(i: int, times: float) -> Message:
        return Message(
            "jump.stock",
            area=per["area"].iat[i],
            times=f"{times:.0f}",
            operation=per["_op"].iat[i],
            round=str(previous["key"].iat[i]),
            day=dt.date.fromordinal(int(previous["day"].iat[i])),
            previous=int(previous["n"].iat[i]),
        )

    return _jumps(table, per, previous, consecutive, "idps", message)
