"""People in need, targeted and reached, from HDX HAPI's humanitarian needs table, read as-is.

HAPI's rules for its own table (hdx-hapi.readthedocs.io, "Humanitarian Needs"), kept here:
- A row is one figure: `population_status` says which (`INN` in need, `TGT` targeted, `REA`
  reached, `AFF` affected, `all` the whole population), for one sector, one area, one period.
- The people in need across all sectors is the `intersectoral` sector's figure (HPC's sector
  `ALL`); sectors are never added up, since the same people are in need in several.
- A row of no breakdown says so: `category` empty or "total" (HAPI v2); `gender`, `age_range`,
  `disabled_marker` and `population_group` "all" (v1). Rows of a breakdown ("Children - Female",
  "IDPs") repeat people of the "all" rows beside them: they are never added.
- The areas of one sector and status are counted once, at the finest level given (a province
  row beside its districts repeats them; the country's row repeats them all).
- Only the workspace's country counts (`location_code`); a row HAPI marks with an `error` is
  left out. The period is the latest whose start is on or before the report date; two
  resources (two sources) for one period are never added: the main one counts (the most rows,
  then the larger figure) and the others are named beside it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitrep.figures.provenance import SourceUse, source_uses
from sitrep.figures.stocks import finest_areas
from sitrep.geo.gazetteer import Gazetteer
from sitrep.tableschema import ROW
from sitrep.validate.table import Table, stripped_text

SOURCE = "OCHA HNO (HPC) via HDX HAPI"  # HAPI's table names no source; the data's own
INTERSECTORAL = {"intersectoral", "inter-sectoral", "all", "alls", "intersector"}
ALL = {"", "all", "total", "a"}  # "no breakdown" in a breakdown column
BREAKDOWNS = ("category", "gender", "age_range", "disabled_marker", "population_group")
STATUSES = {"INN": "in_need", "TGT": "targeted", "REA": "reached", "AFF": "affected"}


@dataclass(frozen=True)
class SectorNeeds:
    """One sector's figures of the period (None: not given)."""

    code: str
    name: str
    in_need: int | None
    targeted: int | None
    reached: int | None
    affected: int | None


@dataclass(frozen=True)
class OtherNeeds:
    """A resource of the same period not added: its people in need, named beside the main."""

    source: str
    in_need: int | None


@dataclass(frozen=True)
class NeedsFigures:
    """The period's figures of the main resource, for the workspace's country."""

    in_need: int | None  # intersectoral; None without an intersectoral row
    targeted: int | None
    reached: int | None
    start: dt.date
    end: dt.date | None
    source: str
    sectors: tuple[SectorNeeds, ...]  # largest need first
    rows: tuple[int, ...]  # the rows of the intersectoral people in need
    others: tuple[OtherNeeds, ...] = ()
    sources: tuple[SourceUse, ...] = ()


def country_rows(frame: pd.DataFrame, country: str) -> pd.DataFrame:
    """The rows of the workspace's country (by ISO3) that HAPI did not mark with an error."""
    code = stripped_text(frame["location_code"]).str.upper()
    ok = code == country.upper()
    if "error" in frame:
        ok &= stripped_text(frame["error"]) == ""
    return frame[ok.to_numpy(dtype=bool)]


def _without_breakdown(frame: pd.DataFrame) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    for column in BREAKDOWNS:
        if column in frame:
            keep &= stripped_text(frame[column]).str.lower().isin(ALL).to_numpy()
    return keep


def _area(frame: pd.DataFrame, gazetteer: Gazetteer) -> pd.Series:
    """Each row's area: its admin-2 code, else admin-1, else the country's, canonical."""
    out = stripped_text(frame["location_code"]).str.upper()
    for column in ("admin1_code", "admin2_code"):
        codes = stripped_text(frame[column])
        out = out.where(codes == "", codes.map(lambda c: gazetteer.canonical(c) or c))
    return out


def _sum(rows: pd.DataFrame, gazetteer: Gazetteer) -> tuple[int | None, pd.DataFrame]:
    """The rows' people, the finest level once; the rows counted."""
    if rows.empty:
        return None, rows
    areas = rows.assign(area=_area(rows, gazetteer).to_numpy())
    finest = finest_areas(areas, gazetteer)
    return int(pd.to_numeric(finest["population"]).sum()), finest


def _resource(frame: pd.DataFrame) -> pd.Series:
    for column in ("resource_hdx_id", "dataset_hdx_id", "source"):
        if column in frame and (stripped_text(frame[column]) != "").any():
            return stripped_text(frame[column])
    return pd.Series("", index=frame.index)


def needs_figures(
    table: Table, country: str, gazetteer: Gazetteer, day: dt.date
) -> NeedsFigures | None:
    """The needs of the latest period started by `day`; None without a row of the country."""
    frame = country_rows(table.frame, country)
    frame = frame[frame["reference_period_start"].map(lambda d: d <= day).to_numpy(dtype=bool)]
    frame = frame[_without_breakdown(frame)]
    if frame.empty:
        return None
    start = max(frame["reference_period_start"])
    frame = frame[(frame["reference_period_start"] == start).to_numpy(dtype=bool)]
    frame = frame.assign(
        _status=stripped_text(frame["population_status"]).str.upper().to_numpy(),
        _sector=stripped_text(frame["sector_code"]).to_numpy(),
        _resource=_resource(frame).to_numpy(),
    )
    frame["_inter"] = frame["_sector"].str.lower().isin(INTERSECTORAL)

    counted_rows: list[pd.DataFrame] = []  # every row a figure counts: the attached rows

    def total(rows: pd.DataFrame, status: str, sector: str | None = None):
        mask = rows["_status"] == status
        mask &= rows["_inter"] if sector is None else rows["_sector"] == sector
        value, counted = _sum(rows[mask.to_numpy(dtype=bool)], gazetteer)
        counted_rows.append(counted)
        return value, counted

    # one resource counts: the one with the most rows, then the larger need
    parts = [(str(name), part) for name, part in frame.groupby("_resource", sort=False)]
    needs = {name: _sum(part[(part["_status"] == "INN") & part["_inter"]], gazetteer)[0]
             for name, part in parts}  # fmt: skip
    parts.sort(key=lambda p: (-len(p[1]), -(needs[p[0]] or 0), p[0]))
    _, part = parts[0]
    in_need, counted = total(part, "INN")
    sectors = []
    named = stripped_text(part["sector_name"]) if "sector_name" in part else part["_sector"]
    for code in dict.fromkeys(part.loc[~part["_inter"], "_sector"]):
        label = named[(part["_sector"] == code).to_numpy(dtype=bool)].iloc[0] or code
        figures = {field: total(part, status, code)[0] for status, field in STATUSES.items()}
        sectors.append(SectorNeeds(code, label, **figures))
    sectors.sort(key=lambda s: (-(s.in_need or 0), s.name))
    given = set(stripped_text(part["source"])) - {""} if "source" in part else set()
    source = sorted(given)[0] if given else SOURCE
    targeted, reached = total(part, "TGT")[0], total(part, "REA")[0]
    used = pd.concat(counted_rows).drop_duplicates(ROW)
    return NeedsFigures(
        in_need=in_need,
        targeted=targeted,
        reached=reached,
        start=start,
        end=max((d for d in part["reference_period_end"] if d), default=None),
        source=source,
        sectors=tuple(sectors),
        rows=tuple(sorted(int(n) for n in counted[ROW])) if in_need is not None else (),
        others=tuple(OtherNeeds(name or SOURCE, needs[name]) for name, _ in parts[1:]),
        sources=tuple(source_uses(table, used.assign(source=source), "reference_period_start")),
    )
