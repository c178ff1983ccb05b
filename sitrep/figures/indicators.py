"""Any indicator an office tracks: each `[indicators.KEY]` of sitrep.toml, from the
`indicators` table's rows of that key.

- A stock (`kind = "stock"`) is the latest value on or before the report date, per area, the
  finest admin level counted once: the IDPs-present rules of `sitrep.figures.stocks`, with every
  area keeping its own latest value (as `carry_forward`), one source being one operation.
- A flow (`kind = "flow"`) is the sum of its rows dated in the period (from `period_start` to
  the report date).
- The change is measured against the same computation as of the previous report date in the
  cadence, and names it ("+120 since the report of 23 Aug"); "no earlier figure" without one.
- Its table is by admin-1 area, with subtotals, the areas that matter and "N other areas"
  (`sitrep.figures.area_tables`); a row for the country itself is its own group.
- Rows giving women, men, girls and boys give the breakdown of the rows counted, and the share
  of women and children among them.
Validation has made sure every row names a declared indicator, in its canonical spelling, and
that one area and date of an indicator has one source (two sources are never added).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sitrep.figures.area_tables import StockGroup, area_groups
from sitrep.figures.provenance import SourceUse, source_uses
from sitrep.figures.stocks import AreaStock, Number, idp_stocks, plain_number
from sitrep.geo.gazetteer import Gazetteer
from sitrep.settings.config import Config
from sitrep.settings.indicators import IndicatorSettings, label_in
from sitrep.tableschema import ROW
from sitrep.validate.table import Table

BREAKDOWN = ("women", "men", "girls", "boys")


@dataclass(frozen=True, kw_only=True)
class Breakdown:
    """Women, men, girls and boys in the rows counted that give them."""

    women: int
    men: int
    girls: int
    boys: int
    rows: int  # rows giving a breakdown
    value: Number  # the value of those rows (the breakdown may cover part of the figure)

    @property
    def total(self) -> int:
        return self.women + self.men + self.girls + self.boys

    @property
    def women_and_children(self) -> float | None:
        """Women, girls and boys, as a share of everyone in the breakdown."""
        return (self.women + self.girls + self.boys) / self.total if self.total else None


@dataclass(frozen=True)
class Measure:
    """An indicator's value as of one day: its figure, areas and rows counted."""

    value: Number | None  # None: no row counted
    as_of: dt.date | None  # the newest date among the rows counted
    areas: tuple[AreaStock, ...] = ()
    rows: pd.DataFrame | None = None  # the rows counted

    @property
    def row_numbers(self) -> tuple[int, ...]:
        return () if self.rows is None else tuple(sorted(int(n) for n in self.rows[ROW]))


@dataclass(frozen=True)
class IndicatorFigure:
    """One declared indicator as of the report date."""

    key: str
    label: str  # in the report's language
    kind: str  # "stock" or "flow"
    unit: str | None
    value: Number | None
    previous: Number | None  # as of the previous report; None without one
    baseline: dt.date | None  # the previous report's date
    as_of: dt.date | None
    since: dt.date  # a flow's period start
    sources: tuple[str, ...]
    groups: tuple[StockGroup, ...]
    rows: tuple[int, ...]
    breakdown: Breakdown | None
    key_figure: bool
    rounding: str  # "exact" or "compact"
    national: bool = False  # its only area is the country itself: no table by area
    source_uses: tuple[SourceUse, ...] = field(default=(), repr=False)

    @property
    def change(self) -> Number | None:
        if self.value is None or self.previous is None:
            return None
        return plain_number(self.value - self.previous)

    @property
    def areas(self) -> int:
        return sum(len(g.areas) for g in self.groups)


def _numbers(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64")


def _flow(frame: pd.DataFrame, start: dt.date, day: dt.date, name) -> Measure:
    """The rows dated from `start` to `day`, summed per area."""
    dated = frame["date"].map(lambda d: start <= d <= day).to_numpy(dtype=bool)
    rows = frame[dated]
    if rows.empty:
        return Measure(None, None)
    values = _numbers(rows["value"])
    per_area: dict[str, list] = {}
    for area, value, date in zip(rows["area"].tolist(), values, rows["date"].tolist(), strict=True):
        found = per_area.setdefault(area, [0.0, date])
        found[0] += value
        found[1] = max(found[1], date)
    areas = tuple(
        AreaStock(a, name(a), plain_number(v), d, None)
        for a, (v, d) in sorted(per_area.items(), key=lambda item: (-item[1][0], item[0]))
    )
    return Measure(plain_number(values.sum()), max(rows["date"]), areas, rows)


def _stock(table: Table, key: str, day: dt.date, gazetteer: Gazetteer, name) -> Measure:
    """Each area's latest value on or before `day`, the finest level once (one operation)."""
    frame = table.frame.assign(operation=key)
    stocks, _ = idp_stocks(
        dataclasses.replace(table, frame=frame), gazetteer, day, carry_forward=True, value="value"
    )
    if not stocks:
        return Measure(None, None)
    stock = stocks[0]
    areas = tuple(dataclasses.replace(a, name=name(a.pcode), carried=False) for a in stock.areas)
    rows = table.frame[table.frame[ROW].isin(stock.rows)]
    return Measure(stock.total, max(a.date for a in areas), areas, rows)


def _breakdown(rows: pd.DataFrame | None) -> Breakdown | None:
    if rows is None or not all(c in rows for c in BREAKDOWN):
        return None
    parts = np.column_stack([_numbers(rows[c]) for c in BREAKDOWN])
    given = ~np.isnan(parts).all(axis=1)
    if not given.any():
        return None
    sums = np.nansum(parts[given], axis=0)
    value = plain_number(_numbers(rows["value"])[given].sum())
    women, men, girls, boys = (int(s) for s in sums)  # in the order of BREAKDOWN
    return Breakdown(
        women=women, men=men, girls=girls, boys=boys, rows=int(given.sum()), value=value
    )


def _previous(kind: str, before: Measure | None) -> Number | None:
    """The baseline's value: a flow with no rows by then counted none (0); a stock without
    rows had no figure (None: "no earlier figure")."""
    if before is None:
        return None
    return before.value if before.value is not None or kind == "stock" else 0


def measure(
    config: Config,
    settings: IndicatorSettings,
    table: Table,
    key: str,
    day: dt.date,
    gazetteer: Gazetteer,
) -> Measure:
    """One indicator's value as of `day` (its rows only: `table` holds them)."""
    name = area_namer(gazetteer, config)
    if settings.kind == "flow":
        return _flow(table.frame, config.period_start, day, name)
    return _stock(table, key, day, gazetteer, name)


def area_namer(gazetteer: Gazetteer, config: Config):
    """An area's name as the report prints it; the country's own code is the country."""

    def name(pcode: str) -> str:
        if config.country_code and pcode == config.country_code:
            return config.country
        return gazetteer.name(pcode)

    return name


def indicator_figures(
    table: Table,
    config: Config,
    gazetteer: Gazetteer,
    day: dt.date,
    previous: dt.date | None,
    named: set[str],
) -> list[IndicatorFigure]:
    """Every declared indicator with rows in the table, in the order declared."""
    frame = table.frame
    by_key = {str(k): rows for k, rows in frame.groupby("indicator", sort=False)}
    out = []
    for key, settings in config.indicators.items():
        rows = by_key.get(key)
        if rows is None or settings is None:
            continue
        own = dataclasses.replace(table, frame=rows)
        now = measure(config, settings, own, key, day, gazetteer)
        before = measure(config, settings, own, key, previous, gazetteer) if previous else None
        used = now.rows if now.rows is not None else rows.iloc[:0]
        units = sorted({u.strip() for u in used.get("unit", pd.Series()).dropna() if u.strip()})
        uses = tuple(source_uses(table, used, "date"))
        rounding = settings.rounding
        if rounding == "default":
            rounding = config.figures.headline_rounding
        out.append(
            IndicatorFigure(
                key=key,
                label=label_in(settings, config.locale),
                kind=settings.kind,
                unit=units[0] if units else None,
                value=now.value,
                previous=_previous(settings.kind, before),
                baseline=previous
                if before is not None and _previous(settings.kind, before) is not None
                else None,
                as_of=now.as_of,
                since=config.period_start,
                sources=tuple(sorted({u.source for u in uses if u.source})),
                groups=tuple(
                    area_groups(
                        now.areas,
                        gazetteer,
                        config.figures.top_areas,
                        named,
                        area_namer(gazetteer, config),
                    )
                ),
                rows=now.row_numbers,
                breakdown=_breakdown(now.rows),
                key_figure=settings.key_figure,
                rounding=rounding,
                national=[a.pcode for a in now.areas] == [config.country_code],
                source_uses=uses,
            )
        )
    return out
