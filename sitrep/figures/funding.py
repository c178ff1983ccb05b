"""Funding received against requirements, from HDX HAPI's funding table (OCHA FTS), as-is.

- A row is one appeal (`appeal_code`: an HRP, a flash appeal, a regional plan) of the workspace's
  country, with its requirements and funding in US dollars, for its period. Rows HAPI marks
  with an `error`, and other countries' rows, are left out.
- The appeals that count are those whose period has started by the report date and has not
  ended (else the latest started); two appeals are never added up: the main one (the largest
  requirements) is the key figure and the others are given on lines of their own.
- The share funded is funding / requirements (FTS's own `funding_pct` is in the attached
  rows). An appeal's figure is as of its row's `date` when the file gives one (a column added
  to say when it was downloaded), the latest on or before the report date; else the report
  names the appeal's period instead, since HAPI's table does not say when FTS counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sitrep.figures.needs import country_rows
from sitrep.figures.provenance import SourceUse, source_uses
from sitrep.tableschema import ROW
from sitrep.validate.table import Table, stripped_text

SOURCE = "OCHA FTS via HDX HAPI"  # HAPI's table names no source; the data's own


@dataclass(frozen=True)
class Appeal:
    code: str
    name: str
    kind: str  # HAPI's appeal_type: "HRP", "Flash", ...
    requirements: int
    funding: int
    start: dt.date
    end: dt.date | None
    as_of: dt.date | None  # the row's own date, when the file gives one
    row: int

    @property
    def percent(self) -> float | None:
        return self.funding / self.requirements if self.requirements else None


@dataclass(frozen=True)
class FundingFigures:
    appeals: tuple[Appeal, ...]  # the main appeal first
    source: str
    previous: int | None = None  # the main appeal's funding as of the previous report
    sources: tuple[SourceUse, ...] = ()

    @property
    def main(self) -> Appeal:
        return self.appeals[0]


def _appeals(table: Table, country: str, day: dt.date) -> list[Appeal]:
    frame = country_rows(table.frame, country)
    started = frame["reference_period_start"].map(lambda d: d <= day).to_numpy(dtype=bool)
    frame = frame[started]
    if "date" in frame:  # rows dated later than the day were not known on the day
        known = frame["date"].map(lambda d: d is None or d <= day).to_numpy(dtype=bool)
        frame = frame[known]
    if frame.empty:
        return []
    running = frame["reference_period_end"].map(lambda d: d is None or d >= day)
    if running.any():
        frame = frame[running.to_numpy(dtype=bool)]
    else:
        latest = max(frame["reference_period_start"])
        frame = frame[(frame["reference_period_start"] == latest).to_numpy(dtype=bool)]
    frame = frame.assign(
        _code=stripped_text(frame["appeal_code"]).str.upper().to_numpy(),
        _date=frame["date"].map(lambda d: d or dt.date.min).to_numpy()
        if "date" in frame
        else dt.date.min,
    )
    frame = frame.sort_values(["_date", ROW]).drop_duplicates("_code", keep="last")
    appeals = [
        Appeal(
            code=r["appeal_code"].strip(),
            name=(r.get("appeal_name") or r["appeal_code"]).strip(),
            kind=(r.get("appeal_type") or "").strip(),
            requirements=int(float(r["requirements_usd"])),
            funding=int(float(r["funding_usd"])),
            start=r["reference_period_start"],
            end=r.get("reference_period_end"),
            as_of=r.get("date"),
            row=int(r[ROW]),
        )
        for r in frame.to_dict("records")
    ]
    return sorted(appeals, key=lambda a: (-a.requirements, a.code))


def funding_figures(
    table: Table, country: str, day: dt.date, previous: dt.date | None
) -> FundingFigures | None:
    """The appeals as of `day`, the main one first; None without one."""
    appeals = _appeals(table, country, day)
    if not appeals:
        return None
    main = appeals[0]
    before = None
    if previous and main.as_of is not None:  # without dates, the file says nothing of before
        earlier = {a.code: a for a in _appeals(table, country, previous)}
        before = earlier[main.code].funding if main.code in earlier else None
    frame = table.frame
    used = frame[frame[ROW].isin([a.row for a in appeals])]
    given = set(stripped_text(used["source"])) - {""} if "source" in used else set()
    source = sorted(given)[0] if given else SOURCE
    dated = "date" if used["date"].notna().any() else "reference_period_start"
    return FundingFigures(
        tuple(appeals),
        source,
        before,
        tuple(source_uses(table, used.assign(source=source), dated)),
    )


def funding_rows(figures: FundingFigures) -> tuple[int, ...]:
    """The main appeal's row: what its key figure was computed from."""
    return (figures.main.row,)
