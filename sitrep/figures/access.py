"""Blockades and access routes as of a report date: what is in effect, and what changed.

Part of stage 3 (figures); `sitrep.figures.compute` runs these over the validated tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sitrep.figures.provenance import SourceUse, source_uses
from sitrep.geo.gazetteer import Gazetteer
from sitrep.tableschema import ROW
from sitrep.validate.table import Table, records, route_status_on

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


@dataclass
class BlockadeFigures:
    """The blockades in effect on the report date and those lifted within the period."""

    blockades: list[Blockade]
    lifted: list[Blockade]
    people_blockaded: int | None  # None: blockades in effect, and none gives its people
    sources: list[SourceUse]
    at_least: bool = False  # a blockade in effect gives no figure: the total is "at least"


@dataclass
class RouteFigures:
    """Each route's status on the report date, and the count of routes per status."""

    routes: list[Route]
    by_status: dict[str, int]
    sources: list[SourceUse]


def blockade_figures(
    table: Table,
    gazetteer: Gazetteer,
    day: dt.date,
    previous_date: dt.date | None,
    period_start: dt.date,
) -> BlockadeFigures:
    frame = table.frame
    blockades: list[Blockade] = []
    lifted: list[Blockade] = []
    used = []
    for record in records(frame.sort_values(["start_date", "id"])):
        start, end = record["start_date"], record["end_date"]
        if start > day:
            continue
        in_effect = end is None or end > day
        if not in_effect and end < period_start:
            continue
        days = ((day + dt.timedelta(days=1) if in_effect else end) - start).days
        blockade = Blockade(
            record["id"],
            record["commodity"],
            record["area"],
            gazetteer.name(record["area"]),
            gazetteer.place_name(record["place"]) if record["place"] else record["place"],
            record["imposed_by"],
            start,
            end if not in_effect else None,
            days,
            record["people_affected"],
            (record["status"] if record["status"] != "lifted" else "ongoing")
            if in_effect
            else "lifted",
            record["source"],
            previous_date is None or start > previous_date,
        )
        (blockades if in_effect else lifted).append(blockade)
        used.append(record[ROW])
    sources = source_uses(table, frame[frame[ROW].isin(used)], "start_date")
    people, at_least = people_cut_off(blockades)
    return BlockadeFigures(blockades, lifted, people, sources, at_least)


def people_cut_off(blockades: list[Blockade]) -> tuple[int | None, bool]:
    """(people, at least): the people the blockades cut off, each area counted once (food and
    fuel blockades of one valley affect the same people: an area's largest figure).

    A blockade without its figure is missing, never 0: the total is then that of the figures
    given, "at least" (its area's largest given figure is a floor for the area); None when no
    blockade gives one. No blockade: 0 people.
    """
    by_area: dict[str, int] = {}
    missing = False
    for b in blockades:
        if b.people_affected is None:
            missing = True
        else:
            by_area[b.area_pcode] = max(by_area.get(b.area_pcode, 0), b.people_affected)
    if missing and not by_area:
        return None, False
    return sum(by_area.values()), missing


def route_figures(
    table: Table, day: dt.date, previous_date: dt.date | None, gazetteer: Gazetteer | None = None
) -> RouteFigures:
    """Each route's status on `day`, its name and ends in the report's language (`gazetteer`:
    a `route_<lang>` column, the places table's names)."""

    def named(place: str | None) -> str | None:
        return gazetteer.place_name(place) if gazetteer is not None and place else place

    now = route_status_on(table.frame, day)
    before = route_status_on(table.frame, previous_date) if previous_date else {}
    routes: list[Route] = []
    for route_id, r in sorted(now.items()):
        previous = before.get(route_id, {}).get("status")
        changed = previous_date is not None and previous != r["status"]
        routes.append(
            Route(
                route_id,
                (r.get(f"route_{gazetteer.language}") if gazetteer else None) or r["route"],
                named(r["from"]),
                named(r["to"]),
                r["status"],
                r["constraint"],
                r["since"],
                previous,
                changed,
                r["source"],
            )
        )
    by_status = {s: sum(r.status == s for r in routes) for s in ROUTE_STATUSES}
    rows = [r[ROW] for r in now.values()]
    sources = source_uses(table, table.frame[table.frame[ROW].isin(rows)], "since")
    return RouteFigures(routes, by_status, sources)
