"""A key figure: one number of the report's first page, with its change, baseline and provenance.

Built-in figures are named by `key` and captioned by the catalogue ("kf.<key>"); an indicator's
carries its own `label` in the report's language. A total that leaves out a missing figure is
"at least" its value and has no change (missing is never zero). Each says which table and rows
it was computed from, so that the HTML edition can show it being added up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Number = int | float


@dataclass(frozen=True)
class Baseline:
    """What a change is measured against."""

    kind: str  # "round": a stock's previous assessment; "report": the previous report
    date: dt.date
    round: str | None = None


@dataclass(frozen=True)
class KeyFigure:
    key: str  # names its caption in the message catalogue ("kf.<key>")
    value: Number | None
    previous: Number | None  # the baseline's figure; None when there is none
    as_of: dt.date | None
    sources: tuple[str, ...]
    stock: bool = False  # a count present on a date (IDPs), not a flow in the period
    since: dt.date | None = None  # the start of the period, for the caption of a flow
    baseline: Baseline | None = None  # None: no earlier figure
    operation: str | None = None  # the assessment it came from: "Countrywide monitoring",
    round: str | None = None  # round "10"
    carried: int = 0  # areas carried forward from earlier rounds (footnoted)
    label: str | None = None  # an indicator's caption, in the report's language
    unit: str | None = None  # an indicator's unit ("cases"); "USD" for money
    of: Number | None = None  # what the value is a share of: an appeal's requirements
    name: str | None = None  # what it is about: the appeal's name
    period: tuple[dt.date, dt.date | None] | None = None  # the period it covers, when no as-of
    rounding: str | None = None  # its own headline rounding (an indicator's); None: [figures]
    women_children: float | None = None  # the share of women and children, when broken down
    sex_age_known: int | None = None  # the people whose sex and age are given, if not all
    at_least: bool = False  # a total leaving out missing figures: "at least N" (never as if 0)
    previous_at_least: bool = False  # so is the baseline's figure
    basis: str | None = None  # what a flow counts by, when it needs saying: "origin"...
    table: str = ""  # the table it was computed from
    rows: tuple[int, ...] = ()  # the spreadsheet rows it was computed from

    @property
    def change_unknown(self) -> bool:
        """There is a baseline, but a change cannot be given: a figure is missing from it (a
        baseline that has no figure at all is "no earlier figure")."""
        missing = self.at_least or self.previous_at_least
        return self.baseline is not None and (
            missing or (self.value is None and self.previous is not None)
        )

    @property
    def change(self) -> Number | None:
        if self.value is None or self.previous is None or self.at_least or self.previous_at_least:
            return None
        change = self.value - self.previous
        return int(change) if float(change).is_integer() else change
