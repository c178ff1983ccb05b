"""Rules about dates across a table: dates after today or far from all others, and staleness.

See `sitrep.validate.rules` (the top) for what each rule says. Nothing here reads the clock: `today`
is passed in from the command line, so `validate` gives the same result on any day for the
same `today`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sitrep.problems import Message, Problem, ProblemCode, Severity
from sitrep.tableschema import DATE_COLUMNS, ROW, SCHEMAS
from sitrep.validate.rules import FAR_DAYS, day_numbers
from sitrep.validate.table import Table, route_status_on


def _problem(
    code: ProblemCode, severity: Severity, table: Table, i: int, column: str, message: Message
) -> Problem:
    value = table.frame[column].iat[i]
    return Problem(
        severity, table=table.name, file=table.file_of(i), sheet=table.sheet,
        row=int(table.frame[ROW].iat[i]), column=table.header(column), value=str(value),
        message=message, code=code,
    )  # fmt: skip


def _far(days: np.ndarray) -> np.ndarray:
    """For each day, whether it is more than FAR_DAYS from every other date of the column."""
    known = days[~np.isnan(days)]
    unique = np.unique(known)
    if len(unique) < 3:  # two dates far apart: which one is wrong cannot be told
        return np.zeros(len(days), dtype=bool)
    gaps = np.diff(unique)
    nearest = np.minimum(np.append(gaps, np.inf), np.insert(gaps, 0, np.inf))
    far = set(unique[nearest > FAR_DAYS])
    return np.array([d in far for d in days], dtype=bool)


def date_problems(tables: dict[str, Table], today: dt.date | None) -> list[Problem]:
    """Errors for dates after `today` (None: not checked); warnings for far-off dates."""
    problems: list[Problem] = []
    for name, table in tables.items():
        for column in DATE_COLUMNS.get(name, ()):
            if column not in table.frame or table.frame.empty:
                continue
            days = day_numbers(table.frame[column])
            if today is not None:
                for i in np.flatnonzero(days > today.toordinal())[:50]:
                    ahead = (table.frame[column].iat[i] - today).days
                    message = Message("future-date.future", today=today, days=str(ahead))
                    problems.append(
                        _problem(ProblemCode.FUTURE_DATE, "error", table, i, column, message)
                    )
            for i in np.flatnonzero(_far(days))[:50]:
                message = Message("far-date.far", days=str(FAR_DAYS))
                problems.append(
                    _problem(ProblemCode.FAR_DATE, "warning", table, i, column, message)
                )
    return problems


def _confirmed(records: list[dict], start: str, day: dt.date) -> list[tuple[dict, dt.date]]:
    """Each record with the last day it was confirmed on or before `day`; not a record verified
    after `day` (a report rebuilt later): confirmed in force then, it was in force on `day`
    too, so it is not stale for that report (the figures read no `verified` date at all)."""
    out = []
    for r in records:
        verified = r.get("verified")
        if verified and verified > day:
            continue
        dates = [r[start]] + ([verified] if verified else [])
        out.append((r, max(dates)))
    return out


def _stale_rows(table: Table, day: dt.date) -> list[tuple[dict, dt.date]]:
    """The rows in force on `day` (ongoing blockades, each route's status), and when each was
    last confirmed."""
    frame = table.frame
    if table.name == "blockades":
        records = [
            r
            for r in frame.to_dict("records")
            if r["start_date"]
            and r["start_date"] <= day
            and (not r["end_date"] or r["end_date"] > day)
        ]
        return _confirmed(records, "start_date", day)

    valid = frame[frame["since"].notna().to_numpy(dtype=bool)]
    return _confirmed(list(route_status_on(valid, day).values()), "since", day)


def freshness_warnings(
    tables: dict[str, Table], report_date: dt.date, stale_days: int
) -> list[Problem]:
    """Warn about what nobody has confirmed for more than `stale_days` (see `validate.rules`)."""
    problems = []
    for table in tables.values():
        schema = SCHEMAS[table.name]
        if not schema.date_column or not schema.stale_check or table.frame.empty:
            continue
        if table.name in ("blockades", "routes"):
            what = "stale.blockade" if table.name == "blockades" else "stale.route"
            for record, last in _stale_rows(table, report_date)[:50]:
                age = (report_date - last).days
                if age > stale_days:
                    problems.append(
                        Problem(
                            "warning", table=table.name, file=table.file, sheet=table.sheet,
                            row=int(record[ROW]), column=table.header("verified"),
                            value=str(record["verified"]) if record.get("verified") else None,
                            message=Message(
                                what, day=last, age=str(age), limit=str(stale_days),
                                column=table.header("verified"),
                            ),
                            code=ProblemCode.STALE,
                        )
                    )  # fmt: skip
            continue
        days = day_numbers(table.frame[schema.date_column])
        days = days[days <= report_date.toordinal()]
        if not len(days) or np.isnan(days).all():
            continue
        newest = dt.date.fromordinal(int(np.nanmax(days)))
        age = (report_date - newest).days
        if age > stale_days:
            problems.append(
                Problem(
                    "warning", table=table.name, file=table.file, sheet=table.sheet,
                    message=Message(
                        "stale.table", day=newest, age=str(age), limit=str(stale_days)
                    ),
                    code=ProblemCode.STALE,
                )
            )  # fmt: skip
    return problems
