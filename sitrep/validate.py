"""Stage 2, validate: turn raw cells into typed tables, and report every problem at once.

Each problem names the file, sheet, the row number the spreadsheet shows, the column header as
written, the value, and what was expected. Errors stop a build; warnings are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sitrep import parse
from sitrep.gazetteer import Gazetteer
from sitrep.load import RawTable
from sitrep.problems import Problem
from sitrep.schema import SCHEMAS, VOCABULARIES, Column, canonical_words

ROW = "_row"  # the spreadsheet row number, kept on every typed row for provenance


@dataclass
class Table:
    """A validated table: typed columns plus `_row`, and where it came from."""

    name: str
    file: str
    sheet: str | None
    frame: pd.DataFrame


def _cell_parser(column: Column, gazetteer: Gazetteer) -> Callable[[object], tuple]:
    if column.kind == "people":
        return parse.parse_people
    if column.kind == "number":
        return parse.parse_number
    if column.kind == "email":
        return parse.parse_email
    if column.kind == "lists":
        return parse.parse_lists
    if column.kind == "bool":
        return parse.parse_bool
    if column.kind == "date":
        return lambda v: parse.parse_date(v)[:2]
    if column.kind == "vocab":
        words = canonical_words(column.vocab or "")
        allowed = ", ".join(VOCABULARIES[column.vocab or ""])

        def parse_word(value: object) -> tuple:
            if value is None or (isinstance(value, str) and not value.strip()):
                return None, None
            word = words.get(" ".join(parse.as_text(value).lower().split()))
            return (word, None) if word else (None, f"expected one of: {allowed}")

        return parse_word
    if column.kind == "pcode":

        def parse_area(value: object) -> tuple:
            if parse.is_missing(value):
                return None, None
            area = gazetteer.resolve(parse.as_text(value))
            if area:
                return area.pcode, None
            hint = gazetteer.suggest(parse.as_text(value))
            return None, (
                f"unknown place or P-code; did you mean {hint}?"
                if hint
                else "expected a P-code like AF0907 or a known place name"
            )

        return parse_area
    return parse.parse_text


def validate_table(raw: RawTable, gazetteer: Gazetteer) -> tuple[Table, list[Problem]]:
    """Parse every column of one table; problems for every bad cell and row rule."""
    schema = SCHEMAS[raw.name]
    problems: list[Problem] = []
    rows = pd.Series(raw.rows, dtype="int64")
    typed = pd.DataFrame({ROW: rows})

    def report(
        row: int | None, column: str | None, value: object, message: str, severity: str = "error"
    ) -> None:
        header = raw.headers.get(column, column) if column else None
        shown = None if value is None else parse.as_text(value)
        problems.append(
            Problem(severity, raw.name, raw.file, raw.sheet, row, header, shown, message)  # type: ignore[arg-type]
        )

    for column in schema.columns:
        if column.name not in raw.frame:
            typed[column.name] = None
            continue
        cells = raw.frame[column.name]
        parser = _cell_parser(column, gazetteer)
        cache: dict[object, tuple] = {}
        values = []
        for row, cell in zip(raw.rows, cells, strict=True):
            key = (type(cell), cell) if cell.__hash__ else repr(cell)
            if key not in cache:
                cache[key] = parser(cell)
            value, error = cache[key]
            if error:
                report(row, column.name, cell, error)
            elif value is None and column.not_blank:
                report(row, column.name, cell, "a value is required here")
            values.append(value)
        typed[column.name] = pd.Series(values, dtype=object)
        if column.kind == "date":
            _flag_ambiguous_dates(cells, raw, column.name, report)
        if column.unique:
            seen: dict[object, int] = {}
            for row, value in zip(raw.rows, values, strict=True):
                if value is None:
                    continue
                key = value.lower() if isinstance(value, str) else value
                if key in seen:
                    report(row, column.name, value, f"duplicate; already used in row {seen[key]}")
                else:
                    seen[key] = row

    _check_rows(raw.name, typed, report)
    return Table(raw.name, raw.file, raw.sheet, typed), problems


def _flag_ambiguous_dates(cells: pd.Series, raw: RawTable, column: str, report) -> None:
    """Day-first is the rule; warn once per column when no cell proves it (all are ambiguous)."""
    texts = [(r, c) for r, c in zip(raw.rows, cells, strict=True) if isinstance(c, str)]
    parsed = [(r, c, parse.parse_date(c)) for r, c in texts]
    slashed = [(r, c, p) for r, c, p in parsed if p[0] and parse.DAY_FIRST_RE.match(c.strip())]
    if slashed and all(p[2] for _, _, p in slashed):
        row, cell, _ = slashed[0]
        report(
            row,
            column,
            cell,
            "ambiguous date: read day-first (DD/MM/YYYY); if the column "
            "is month-first, write dates as YYYY-MM-DD",
            "warning",
        )


def _check_rows(name: str, frame: pd.DataFrame, report) -> None:
    """Rules that involve more than one cell of a row."""
    for record in frame.to_dict("records"):
        row = record[ROW]
        if name == "displacement" and record["families"] is None and record["people"] is None:
            report(row, "people", None, "give the number of people or of families (or both)")
        if name == "blockades":
            start, end = record["start_date"], record["end_date"]
            if start and end and end < start:
                report(row, "end_date", end, f"the end date is before the start date {start}")
            if record["status"] == "lifted" and end is None:
                report(row, "end_date", None, "status is 'lifted': give the date it was lifted")
            if record["status"] == "ongoing" and end is not None:
                report(
                    row,
                    "status",
                    "ongoing",
                    "the blockade has an end date: status should be 'lifted'",
                    "warning",
                )
    if name == "routes":
        keys = frame[["route_id", "since"]].astype(str).agg("|".join, axis=1)
        for row, dup in zip(frame[ROW], keys.duplicated(), strict=True):
            if dup:
                report(row, "since", None, "this route already has a status from this date")


def household_warnings(table: Table, household_size: int) -> list[Problem]:
    """Warn where families x household size is far from the people given."""
    problems = []
    frame = table.frame
    both = frame[frame["families"].notna() & frame["people"].notna()]
    for record in both.to_dict("records"):
        expected = record["families"] * household_size
        if expected and not 0.5 <= record["people"] / expected <= 2:
            problems.append(
                Problem(
                    "warning",
                    table.name,
                    table.file,
                    table.sheet,
                    record[ROW],
                    "people",
                    str(record["people"]),
                    f"far from {record['families']} families x "
                    f"{household_size} = {expected}; check both figures",
                )
            )
    return problems


def freshness_warnings(
    tables: dict[str, Table], report_date: dt.date, stale_days: int
) -> list[Problem]:
    """Warn about a table whose newest row is more than `stale_days` older than the report."""
    problems = []
    for table in tables.values():
        column = SCHEMAS[table.name].date_column
        if not column or not SCHEMAS[table.name].stale_check:
            continue
        dates = [d for d in table.frame[column] if d is not None and d <= report_date]
        if not dates:
            continue
        age = (report_date - max(dates)).days
        if age > stale_days:
            problems.append(
                Problem(
                    "warning",
                    table.name,
                    table.file,
                    table.sheet,
                    None,
                    None,
                    None,
                    f"stale: the newest row is dated {max(dates)}, {age} days before the report "
                    f"date (more than report.stale_days = {stale_days})",
                )
            )
    return problems


def validate_tables(
    raw_tables: dict[str, RawTable], gazetteer: Gazetteer, household_size: int
) -> tuple[dict[str, Table], list[Problem]]:
    """Validate every table; the problems of all tables together."""
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for name, raw in raw_tables.items():
        table, table_problems = validate_table(raw, gazetteer)
        tables[name] = table
        problems += table_problems
        if name == "displacement":
            problems += household_warnings(table, household_size)
    return tables, problems
