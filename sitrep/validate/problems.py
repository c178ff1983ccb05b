"""One validation problem, located the way a spreadsheet user would look for it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

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


def count_errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity == "error")


def count_warnings(problems: list[Problem]) -> int:
    return sum(1 for p in problems if p.severity == "warning")
