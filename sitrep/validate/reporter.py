"""Collecting one table's problems as validation finds them, each located in the spreadsheet.

The validation stage (`sitrep.validate.tables`) and its rules across rows (`rules`) report through
one `Reporter` per table, which caps each rule at MAX_PER_RULE rows and counts the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitrep.inputs import parse
from sitrep.inputs.load import RawTable
from sitrep.problems import Message, Problem, ProblemCode, Severity
from sitrep.tableschema import FILE

MAX_PER_RULE = 50


class Reporter:
    """Collects one table's problems; caps each (column, message) at MAX_PER_RULE rows."""

    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.problems: list[Problem] = []
        self.counts: dict[tuple[ProblemCode, str | None, str, Severity], int] = {}
        self.bad: dict[str, np.ndarray] = {}  # column -> positions of rows with a bad cell

    def header(self, column: str | None) -> str | None:
        return self.raw.headers.get(column, column) if column else None

    def __call__(
        self,
        code: ProblemCode,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        severity: Severity = "error",
        file: str | None = None,
    ) -> None:
        key = (code, column, message, severity)
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.counts[key] > MAX_PER_RULE:
            return
        shown = None if value is None else parse.as_text(value)
        raw = self.raw
        self.problems.append(
            Problem(
                severity,
                table=raw.name,
                file=file or raw.file,
                sheet=raw.sheet,
                row=row,
                column=self.header(column),
                value=shown,
                message=message,
                code=code,
            )
        )

    def rows(
        self,
        code: ProblemCode,
        positions: np.ndarray,
        column: str | None,
        values,
        message: str,
        severity: Severity = "error",
    ) -> None:
        """Report `message` for the rows at `positions` (values: a per-row array or one value)."""
        files = self.raw.frame.get(FILE)  # a table of several files: each row names its own
        for position in positions[: MAX_PER_RULE + 1]:
            value = values[position] if isinstance(values, np.ndarray | pd.Series) else values
            file = None if files is None else str(files.iat[position])
            self(code, int(self.raw.rows[position]), column, value, message, severity, file)
        key = (code, column, message, severity)
        self.counts[key] = self.counts.get(key, 0) + max(0, len(positions) - MAX_PER_RULE - 1)

    def finish(self) -> list[Problem]:
        """The problems, plus one 'and N more' problem for each rule over the cap."""
        raw = self.raw
        for (code, column, message, severity), count in self.counts.items():
            if count > MAX_PER_RULE:
                self.problems.append(
                    Problem(
                        severity,
                        table=raw.name,
                        file=raw.file,
                        sheet=raw.sheet,
                        column=self.header(column),
                        message=Message("more.rows", count=count - MAX_PER_RULE, message=message),
                        code=code,
                    )
                )
        return self.problems
