"""Response against targets (3W/4W/5W): per cluster, people reached of targeted, the
organisations present and the areas covered, and the change since the last report.

Rules:
- A row says what one organisation did in one cluster, area (and activity) up to its date:
  targeted and reached are cumulative, so each (cluster, organisation, area, activity) counts
  its latest row dated on or before the report date; a newer row replaces an older one.
- One organisation's rows of one cluster and activity at two admin levels (a province beside its
  districts) are counted once, at the finest level (`sitrep.figures.stocks.finest_areas`).
- A source that gives no reached or targeted figure at all (HDX HAPI's operational presence, a
  3W) is a snapshot: its rows of its latest date on or before the report date say who is
  present where.
- Per cluster, reached and targeted are summed over its organisations and areas; rows without a
  figure are counted (`missing_*`), so the report says "at least" rather than a false total.
  Clusters are told apart by name, ignoring case, accents and spacing.
- The change compares the same figures as of the previous report date in the cadence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitrep.figures.provenance import SourceUse, source_uses
from sitrep.figures.stocks import parent_of
from sitrep.geo.gazetteer import Gazetteer
from sitrep.inputs.words import fold
from sitrep.tableschema import ROW
from sitrep.validate.table import Table, stripped_text

KEY = ["_cluster", "_org", "area", "_activity"]
Namer = Callable[[str], str]


@dataclass(frozen=True)
class ClusterFigures:
    """One cluster's response as of the report date."""

    cluster: str  # as the table first writes it
    targeted: int | None  # None: no row gives it
    reached: int | None
    missing_targeted: int  # rows counted without a targeted figure
    missing_reached: int
    organisations: tuple[str, ...]
    areas: tuple[str, ...]  # the areas' P-codes (or the country's code)
    admin1: tuple[str, ...]  # the names of the admin-1 areas covered
    rows: tuple[int, ...]
    previous_reached: int | None = None  # as of the previous report (None: no figure then)
    previous_organisations: int | None = None

    @property
    def percent(self) -> float | None:
        """Reached as a share of targeted (None without both, or with nobody targeted)."""
        if self.reached is None or not self.targeted:
            return None
        return self.reached / self.targeted

    @property
    def change(self) -> int | None:
        if self.reached is None or self.previous_reached is None:
            return None
        return self.reached - self.previous_reached

    @property
    def key(self) -> str:
        """What names the cluster in any spelling: its name folded ("Sécurité alimentaire" and
        "securite  alimentaire" are one)."""
        return cluster_key(self.cluster)


@dataclass(frozen=True)
class ResponseFigures:
    clusters: tuple[ClusterFigures, ...]  # in the order the table first names them
    presence_only: bool  # no row gives targeted or reached: organisations per cluster and area
    as_of: dt.date | None  # the newest row counted
    baseline: dt.date | None  # the previous report's date
    organisations: int  # distinct organisations, all clusters
    sources: tuple[SourceUse, ...] = ()

    @property
    def rows(self) -> tuple[int, ...]:
        return tuple(sorted(n for c in self.clusters for n in c.rows))


def cluster_key(name: str) -> str:
    return " ".join(fold(name).split())


def _counted(frame: pd.DataFrame, day: dt.date, gazetteer: Gazetteer) -> pd.DataFrame:
    """The rows counted as of `day` (see the module's rules)."""
    dated = frame["date"].map(lambda d: d is not None and d <= day).to_numpy(dtype=bool)
    rows = frame[dated]
    if rows.empty:
        return rows
    rows = rows.assign(
        _cluster=stripped_text(rows["cluster"]).map(cluster_key).to_numpy(),
        _org=stripped_text(rows["organisation"]).map(cluster_key).to_numpy(),
        _activity=stripped_text(rows["activity"]).map(cluster_key).to_numpy(),
        _source=stripped_text(rows["source"]).to_numpy(),
    )
    figures = rows["targeted"].notna() | rows["reached"].notna()
    with_figures = set(rows.loc[figures.to_numpy(dtype=bool), "_source"])
    latest = rows.groupby("_source")["date"].transform("max")
    snapshot = ~rows["_source"].isin(with_figures) & (rows["date"] != latest)
    rows = rows[~snapshot.to_numpy(dtype=bool)]
    rows = rows.sort_values(["date", ROW]).drop_duplicates(KEY, keep="last")
    # the finest level of each organisation's cluster and activity
    group = list(zip(rows["_cluster"], rows["_org"], rows["_activity"], strict=True))
    known = {(g, a) for g, a in zip(group, rows["area"], strict=True) if a in gazetteer.areas}
    inside: set[tuple] = set()
    for g, area in known:
        parent = parent_of(area, gazetteer)
        while parent:
            inside.add((g, parent))
            parent = parent_of(parent, gazetteer)
    with_areas = {g for g, _ in known}
    keep = [
        (g, a) not in inside and (a in gazetteer.areas or g not in with_areas)
        for g, a in zip(group, rows["area"], strict=True)
    ]
    return rows[np.asarray(keep, dtype=bool)] if len(rows) else rows


def _sum(values: pd.Series) -> tuple[int | None, int]:
    """(the sum of the known values, None when none is known; how many are missing)."""
    known = pd.to_numeric(values, errors="coerce")
    missing = int(known.isna().sum())
    return (None if missing == len(known) else int(known.sum())), missing


def _clusters(rows: pd.DataFrame, gazetteer: Gazetteer, name: Namer) -> dict[str, ClusterFigures]:
    out: dict[str, ClusterFigures] = {}
    if rows.empty:  # nothing by then (a province without rows, the day before the first)
        return out
    for key, part in rows.groupby("_cluster", sort=False):
        targeted, missing_targeted = _sum(part["targeted"])
        reached, missing_reached = _sum(part["reached"])
        organisations = dict.fromkeys(stripped_text(part["organisation"]))
        areas = sorted(set(part["area"]))
        admin1 = sorted({name(gazetteer.admin1(a) or a) for a in areas})
        out[str(key)] = ClusterFigures(
            cluster=str(part["cluster"].iloc[0]).strip(),
            targeted=targeted,
            reached=reached,
            missing_targeted=missing_targeted,
            missing_reached=missing_reached,
            organisations=tuple(sorted(organisations, key=cluster_key)),
            areas=tuple(areas),
            admin1=tuple(admin1),
            rows=tuple(sorted(int(n) for n in part[ROW])),
        )
    return out


def response_figures(
    table: Table,
    gazetteer: Gazetteer,
    day: dt.date,
    previous: dt.date | None,
    name: Namer | None = None,
) -> ResponseFigures | None:
    """Per cluster, as of `day` and compared with `previous`; None without a row by then.
    `name`: an area's name as the report prints it (default the gazetteer's)."""
    name = name or gazetteer.name
    rows = _counted(table.frame, day, gazetteer)
    if rows.empty:
        return None
    now = _clusters(rows, gazetteer, name)
    before = {}
    if previous:
        before = _clusters(_counted(table.frame, previous, gazetteer), gazetteer, name)
    clusters = []
    for key, figures in now.items():
        then = before.get(key)
        clusters.append(
            dataclasses.replace(
                figures,
                previous_reached=then.reached if then else None,
                previous_organisations=len(then.organisations) if then else None,
            )
        )
    presence_only = not (rows["targeted"].notna().any() or rows["reached"].notna().any())
    return ResponseFigures(
        clusters=tuple(clusters),
        presence_only=bool(presence_only),
        as_of=max(rows["date"]),
        baseline=previous,
        organisations=len(set(rows["_org"])),
        sources=tuple(source_uses(table, rows, "date")),
    )
