"""One validation problem, located the way a spreadsheet user would look for it, and its code.

Each problem has a `code` from `ProblemCode`, the one registry of the rules that find problems
(`"stale"`, `"no-narrative"`, `"required-column"`, ...): code that acts on a problem tests its
code, never its message, so the message's wording can change freely. The README lists every
code with its line here (tests/test_problems.py keeps them in step).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import KW_ONLY, asdict, dataclass
from enum import StrEnum
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "note"]  # a note informs; it never fails a build


class ProblemCode(StrEnum):
    """The rule that found a problem: a stable name, unlike a message's words.

    A StrEnum: `sitrep validate --format json` prints the name itself, and a code compares equal
    to it (`problem.code == "stale"`). Each member holds the line the README lists it with.
    """

    doc: str

    def __new__(cls, value: str, doc: str) -> ProblemCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.doc = doc
        return member

    # reading a table's file
    OUTSIDE_WORKSPACE = "outside-workspace", "a table or narrative file lies outside the workspace"
    FILE_NOT_FOUND = "file-not-found", "a table's file does not exist"
    UNREADABLE = (
        "unreadable",
        "a table's file or sheet cannot be read (damaged, another format, no such sheet, too big)",
    )
    READ_WARNING = "read-warning", "a CSV file was read with a guess (its text encoding): check it"
    REQUIRED_COLUMN = "required-column", "a required column is missing"
    LIMIT_EXCEEDED = (
        "limit-exceeded",
        "a cell longer than `[limits] max_cell_chars`, or a narrative over `max_narrative_kb`",
    )
    DTM_UNUSABLE = "dtm-unusable", "an IOM DTM export that cannot be the idps table"
    DTM_NOTE = "dtm-note", "how a DTM export was read (a note)"
    # the office's COD file ([geography] pcodes), checked as a tree
    COD_LEVEL_CONFLICT = (
        "cod-level-conflict",
        "a P-code of the COD file met at two admin levels (a code in the wrong column?)",
    )
    COD_CYCLE = "cod-cycle", "a COD area that is its own parent, or whose parents lead back to it"
    COD_PARENT_LEVEL = "cod-parent-level", "a COD area whose parent is not one admin level up"
    COD_PARENT_MISSING = "cod-parent-missing", "a COD area whose parent is no listed area"
    COD_NO_PARENT = "cod-no-parent", "a COD area below admin 1 with no parent"
    # each cell
    INVALID_VALUE = (
        "invalid-value",
        "a cell that is not what its column holds: a number, a date, a place, a listed word",
    )
    NUL_CHARACTER = "nul-character", "a cell, or the narrative, holds a NUL character"
    CONTROL_CHARACTER = (
        "control-character",
        "a cell, or a narrative line, holds a character XML forbids: left out of the report",
    )
    REQUIRED_VALUE = "required-value", "an empty cell where a value is required"
    AMBIGUOUS_DATE = (
        "ambiguous-date",
        "a column whose every date could be day first or month first (read day first)",
    )
    DUPLICATE = "duplicate", "a value used twice in a column of unique values"
    FOREIGN_PCODE = "foreign-pcode", "a place whose P-code is another country's"
    SITE_PCODE = (
        "site-pcode",
        "a place whose P-code is written like an area's but is none: kept as a site (a note)",
    )
    # rules within and across rows
    PEOPLE_OR_FAMILIES = "people-or-families", "a displacement row with neither people nor families"
    ORIGIN_OR_DESTINATION = (
        "origin-or-destination",
        "a displacement row with neither an area of origin nor a hosting area",
    )
    PCODE_OR_COORDINATES = "pcode-or-coordinates", "a place with neither a P-code nor coordinates"
    DUPLICATE_STATUS = "duplicate-status", "a route given two statuses from the same date"
    END_BEFORE_START = "end-before-start", "a blockade that ends before it starts"
    LIFTED_WITHOUT_END = "lifted-without-end", "a lifted blockade without the date it was lifted"
    ONGOING_WITH_END = "ongoing-with-end", "an ongoing blockade with an end date"
    FAMILIES_WITHOUT_PEOPLE = (
        "families-without-people",
        "families without people, and no `household_size` to count them",
    )
    HOUSEHOLD_SIZE = "household-size", "people far from families x `household_size`"
    JUMP = "jump", "a figure ten times its previous one (a typo?)"
    UNDECLARED_INDICATOR = (
        "undeclared-indicator",
        "an indicators row whose indicator sitrep.toml does not declare as `[indicators.KEY]`",
    )
    AREA_LEVEL = "area-level", "an indicator's area at another admin level than its `level`"
    INDICATOR_UNIT = "indicator-unit", "one indicator given in two units"
    TWO_SOURCES = (
        "two-sources",
        "one indicator, area and date given by two sources (never added together)",
    )
    BREAKDOWN_TOTAL = "breakdown-total", "women, men, girls and boys add up to more than the value"
    HAPI_NOTE = "hapi-note", "how an HDX HAPI download was read: rows of other countries, errors"
    # dates
    FUTURE_DATE = "future-date", "a date after the day sitrep runs"
    FAR_DATE = "far-date", "a date more than a year from every other date of its column"
    STALE = (
        "stale",
        "a blockade, a route's status or a table's newest row unconfirmed for over `stale_days`",
    )
    # the settings
    UNTRANSLATED = (
        "untranslated",
        "a `[report]` key given by language leaves out one of the report's languages",
    )
    # the narrative
    NO_NARRATIVE = (
        "no-narrative",
        "no narrative for the report's date (an error in a language after the first)",
    )
    UNKNOWN_HEADING = (
        "unknown-heading",
        "a narrative heading sitrep does not know (shown inside the overview)",
    )
    HIGHLIGHTS_COUNT = "highlights-count", "fewer than 2 or more than 5 highlights"
    TOO_DEEP = "too-deep", "a narrative nested too deeply (lists, quotes)"
    ENCODING = "encoding", "a narrative whose text encoding was guessed: check it"
    LINE_SEPARATOR = (
        "line-separator",
        "a narrative line holds a separator that is not a new line (U+2028, a vertical tab): "
        "read as a space",
    )


@dataclass(frozen=True)
class Problem:
    """A problem in one cell, row, column or table: `Problem("warning", table=..., file=...,
    message=..., code=ProblemCode.STALE)`, every field but the severity by its name.

    `row` is the row number the spreadsheet program shows (1-based, header rows counted),
    or None when the problem concerns a whole column or table.
    """

    severity: Severity
    _: KW_ONLY
    table: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str
    code: ProblemCode  # the rule that found it; stable, unlike `message`

    def location(self) -> str:
        """'inputs/data.xlsx, sheet displacement, row 7, column "people"'."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:  # a narrative's row is its line
            parts.append(f"{'line' if self.table == 'narrative' else 'row'} {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def __str__(self) -> str:
        value = f": {self.value!r}" if self.value not in (None, "") else ""
        return f"{self.severity}: {self.location()}{value}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Counts(NamedTuple):
    """How many problems of each severity."""

    errors: int
    warnings: int
    notes: int

    def __str__(self) -> str:
        """'2 errors, 1 warnings (3 notes)': the line under a list of problems."""
        notes = f" ({self.notes} notes)" if self.notes else ""
        return f"{self.errors} errors, {self.warnings} warnings{notes}"


def count_by_severity(problems: Iterable[Problem]) -> Counts:
    """The one count of problems by severity (the CLI, ValidationFailed, the build's checks)."""
    severities = [p.severity for p in problems]
    return Counts(severities.count("error"), severities.count("warning"), severities.count("note"))


def count_errors(problems: Iterable[Problem]) -> int:
    return count_by_severity(problems).errors


def count_warnings(problems: Iterable[Problem]) -> int:
    return count_by_severity(problems).warnings


def problem_lines(problems: list[Problem]) -> list[str]:
    """Problems grouped by table, then 'N errors, M warnings': as the commands print them."""
    tables: dict[str, list[Problem]] = {}
    for problem in problems:
        tables.setdefault(problem.table, []).append(problem)
    lines = []
    for table, items in tables.items():
        lines.append(f"{table}:")
        lines += [f"  {problem}" for problem in items]
    return [*lines, str(count_by_severity(problems))]


def problems_json(problems: list[Problem]) -> str:
    """`sitrep validate --format json`: the counts, then every problem with its code."""
    counts = count_by_severity(problems)
    summary = {
        "errors": counts.errors,
        "warnings": counts.warnings,
        "notes": counts.notes,
        "problems": [p.as_dict() for p in problems],
    }
    return json.dumps(summary, indent=2, default=str)
