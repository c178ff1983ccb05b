"""Which rows belong to an admin-1 area, for area reports (`sitrep build --each area`).

An area's rows: displacement by the admin-1 area of its origin (an admin-1 P-code is accepted
as the district), else of its hosting area where a row gives no origin (as the report's key
figure counts it: `sitrep.figures.displacement`), blockades, IDPs and prices by the area's
admin-1 area, and the routes of which a `from`, `to` or `via` place lies in the area, the
places resolved through the workspace's `places` table, then the gazetteer. The admin-1 area of
a code is its ancestor in the gazetteer's list (never a prefix of the code). Without a places
table every route is kept: we cannot tell where a route runs. Contacts, partners and the
narrative are the workspace's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sitrep.geo.gazetteer import normalise_name

if TYPE_CHECKING:
    import pandas as pd

    from sitrep.geo.gazetteer import Gazetteer
    from sitrep.validate.table import Table

# table -> P-code column (the general figures' tables too: an indicator's or a cluster's row
# of the country itself belongs to no province, and is the national report's alone)
BY_AREA = {
    "blockades": "area",
    "idps": "area",
    "prices": "area",
    "indicators": "area",
    "response": "area",
}
Admin1 = Callable[[str], str]  # P-code -> its admin-1 area's P-code (or its own)


# table -> (its P-code column, its date column): the rows that place a report in an area
DATED_AREAS = {
    "displacement": ("district", "date"),
    "blockades": ("area", "start_date"),
    "idps": ("area", "date"),
    "prices": ("area", "date"),
    "indicators": ("area", "date"),
    "response": ("area", "date"),
}


def _area_codes(name: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """Each row's area: displacement's origin, else its hosting area; other tables' `column`."""
    if name == "displacement" and "destination_pcode" in frame:
        return frame[column].where(frame[column].notna(), frame["destination_pcode"])
    return frame[column]


def _admin1_of(gazetteer: Gazetteer | None) -> Admin1:
    """The admin-1 lookup of a gazetteer; without one, each code is its own area."""
    if gazetteer is None:
        return lambda pcode: pcode
    return lambda pcode: gazetteer.admin1(pcode) or pcode


def areas_in(
    tables: dict[str, Table], day: dt.date, gazetteer: Gazetteer | None = None
) -> list[str]:
    """Admin-1 P-codes with a row in any table dated on or before `day`.

    Displacement, blockades, IDPs and prices by their P-code; routes (from `since`) by the
    places they run through, when a places table says where those are. An area with only a
    price or a route closure gets its report too.
    """
    admin1 = _admin1_of(gazetteer)
    found: set[str] = set()
    for name, (pcode_col, date_col) in DATED_AREAS.items():
        if name in tables:
            frame = tables[name].frame
            for pcode, date in zip(
                _area_codes(name, frame, pcode_col), frame[date_col], strict=True
            ):
                if isinstance(pcode, str) and date is not None and date <= day:
                    found.add(admin1(pcode))
    places = place_pcodes(tables, gazetteer) if gazetteer is not None else None
    if "routes" in tables and places:
        frame = tables["routes"].frame
        frame = frame[frame["since"].map(lambda d: d is not None and d <= day)]
        for areas in _route_areas(frame, places, admin1).values():
            found |= areas
    return sorted(found)


def place_pcodes(tables: dict[str, Table], gazetteer: Gazetteer) -> dict[str, str] | None:
    """Normalised place name -> P-code, from the places table; None without one."""
    if "places" not in tables:
        return None
    names: dict[str, str] = {}
    for record in tables["places"].frame.to_dict("records"):
        pcode = record.get("pcode")
        if not isinstance(pcode, str) or not pcode:
            continue
        aliases = str(record.get("aliases") or "").split(";")
        for name in (record.get("name"), *aliases):
            if isinstance(name, str) and name.strip():
                names.setdefault(normalise_name(name), pcode.strip().upper())
    for pcode, area in gazetteer.areas.items():
        names.setdefault(normalise_name(area.name), pcode)
    return names


def _route_places(record: dict) -> Iterator[str]:
    for column in ("from", "to"):
        if isinstance(record.get(column), str):
            yield record[column]
    for place in str(record.get("via") or "").split(";"):
        if place.strip():
            yield place


def _route_areas(
    frame: pd.DataFrame, places: dict[str, str], admin1: Admin1
) -> dict[str, set[str]]:
    """Route id -> the admin-1 areas its `from`, `to` and `via` places lie in."""
    areas: dict[str, set[str]] = {}
    for record in frame.to_dict("records"):
        found = areas.setdefault(record["route_id"], set())
        found.update(
            admin1(places[n]) for p in _route_places(record) if (n := normalise_name(p)) in places
        )
    return areas


class AreaSplit:
    """The tables cut by admin-1 area once, so that each area's report only looks its rows up."""

    def __init__(
        self,
        tables: dict[str, Table],
        places: dict[str, str] | None,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        admin1 = _admin1_of(gazetteer)
        self.tables = tables
        self.parts: dict[str, dict[str, pd.DataFrame]] = {}
        for name, table in tables.items():
            column = "district" if name == "displacement" else BY_AREA.get(name)
            if column:
                frame = table.frame
                codes = _area_codes(name, frame, column)
                keys = codes.map(lambda v: admin1(v) if isinstance(v, str) else "")
                self.parts[name] = {str(k): rows for k, rows in frame.groupby(keys, sort=False)}
        routes = tables.get("routes")
        self.routes = _route_areas(routes.frame, places, admin1) if routes and places else None

    def _routes_in(self, pcode: str) -> set[str]:
        return {route for route, areas in (self.routes or {}).items() if pcode in areas}

    def __call__(self, pcode: str) -> dict[str, Table]:
        """The tables restricted to one area's rows; tables without places are kept whole."""
        out: dict[str, Table] = {}
        for name, table in self.tables.items():
            frame = table.frame
            if name in self.parts:
                frame = self.parts[name].get(pcode, frame.iloc[:0])
            elif name == "routes" and self.routes is not None:  # else: every route
                frame = frame[frame["route_id"].isin(self._routes_in(pcode))]
            out[name] = dataclasses.replace(table, frame=frame.reset_index(drop=True))
        return out
