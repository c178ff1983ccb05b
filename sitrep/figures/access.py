"""Blockades and access routes as of a report date: what is in effect, and what changed.

Part of stage 3 (figures); `sitrep.figures.compute` runs these over the validated tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from sitrep.figures.provenance import source_uses
from sitrep.geo.gazetteer import Gazetteer
from sitrep.validate.schema import ROW
from sitrep.validate.table import Table, records

if TYPE_CHECKING:
    from sitrep.figures.compute import Figures

ROUTE_STATUSES = ("open", "open with restrictions", "restricted", "closed", "unknown")


@dataclass(frozen=True)
class Blockade:
    id: str
    commodity: str
    area_pcode: str
    area: str
    place: str | None
    imposed_by: str | None
    start: dt.date
    end: dt.date | None
    days: int  # days in effect as of the report date (or until lifted)
    people_affected: int | None
    status: str
    source: str
    new: bool  # began since the previous report


@dataclass(frozen=True)
class Route:
    route_id: str
    route: str
    start: str | None
    end: str | None
    status: str
    constraint: str | None
    since: dt.date
    previous_status: str | None
    changed: bool
    source: str


def blockade_figures(fig: Figures, table: Table, gazetteer: Gazetteer) -> None:
    frame = table.frame
    day = fig.report_date
    used = []
    for record in records(frame.sort_values(["start_date", "id"])):
        start, end = record["start_date"], record["end_date"]
        if start > day:
            continue
        in_effect = end is None or end > day
        if not in_effect and end < fig.period_start:
            continue
        days = ((day + dt.timedelta(days=1) if in_effect else end) - start).days
        blockade = Blockade(
            record["id"],
            record["commodity"],
            record["area"],
            gazetteer.name(record["area"]),
            record["place"],
            record["imposed_by"],
            start,
            end if not in_effect else None,
            days,
            record["people_affected"],
            (record["status"] if record["status"] != "lifted" else "ongoing")
            if in_effect
            else "lifted",
            record["source"],
            fig.previous_date is None or start > fig.previous_date,
        )
        (fig.blockades if in_effect else fig.lifted).append(blockade)
        used.append(record[ROW])
    # Food and fuel blockades of one valley affect the same people: count each area once.
    by_area: dict[str, int] = defaultdict(int)
    for b in fig.blockades:
        by_area[b.area_pcode] = max(by_area[b.area_pcode], b.people_affected or 0)
    fig.people_blockaded = sum(by_area.values())
    fig.sources += source_uses(table, frame[frame[ROW].isin(used)], "start_date")


def route_status_on(frame: pd.DataFrame, day: dt.date) -> dict[str, dict]:
    """Each route's latest status row dated on or before `day`."""
    current: dict[str, dict] = {}
    for record in records(frame.sort_values(["since", ROW])):
        if record["since"] <= day:
            current[record["route_id"]] = record
    return current


def route_figures(fig: Figures, table: Table) -> None:
    now = route_status_on(table.frame, fig.report_date)
    before = route_status_on(table.frame, fig.previous_date) if fig.previous_date else {}
    for route_id, r in sorted(now.items()):
        previous = before.get(route_id, {}).get("status")
        changed = fig.previous_date is not None and previous != r["status"]
        fig.routes.append(
            Route(
                route_id,
                r["route"],
                r["from"],
                r["to"],
                r["status"],
                r["constraint"],
                r["since"],
                previous,
                changed,
                r["source"],
            )
        )
    fig.routes_by_status = {s: sum(r.status == s for r in fig.routes) for s in ROUTE_STATUSES}
    rows = [r[ROW] for r in now.values()]
    fig.sources += source_uses(table, table.frame[table.frame[ROW].isin(rows)], "since")
