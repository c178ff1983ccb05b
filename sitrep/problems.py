"""One validation problem, located the way a spreadsheet user would look for it.

Each problem has a `code` (`"stale"`, `"no-narrative"`, `"required-column"`, ...) naming the
rule that found it: code that acts on a problem tests its code, never its message, so the
message's wording can change freely.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "note"]  # a note informs; it never fails a build


@dataclass(frozen=True)
class Problem:
    """A problem in one cell, row, column or table.

    `row` is the row number the spreadsheet program shows (1-based, header rows counted),
    or None when the problem concerns a whole column or table.
    """

    severity: Severity
    table: str
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    code: str = field(kw_only=True)  # the rule's name, e.g. "stale"; stable, unlike `message`

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
