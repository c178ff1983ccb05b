"""Market prices beside the flows (IDPs present, a stock, are in `sitrep.figures.stocks`).

An optional table. `price_series` returns its figures and the rows it used, so the sources
annex and the attached CSV files list exactly those rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sitrep.tableschema import ROW
from sitrep.validate.table import Table


@dataclass(frozen=True)
class PriceSeries:
    """One item in one market: its price now, and its change since the period and any blockade."""

    market: str
    area: str | None
    commodity: str
    item: str
    unit: str
    currency: str
    points: tuple[tuple[dt.date, float], ...]  # the period's prices, oldest first
    latest_date: dt.date
    latest: float
    baseline_date: dt.date  # the price at the start of the period (or the first after it)
    baseline: float
    blockade_start: dt.date | None  # when a blockade of this commodity here began
    blockade_price: float | None  # the last price on or before that day

    @property
    def change_period(self) -> float | None:
        return self.latest / self.baseline - 1 if self.baseline else None

    @property
    def change_blockade(self) -> float | None:
        if not self.blockade_price:
            return None
        return self.latest / self.blockade_price - 1


def _price_at(points: list[tuple[dt.date, float]], day: dt.date) -> tuple[dt.date, float] | None:
    """The last price on or before `day`."""
    before = [p for p in points if p[0] <= day]
    return before[-1] if before else None


def _blockade_start(
    area: str | None, commodity: str, blockades: list[tuple[str, str, dt.date]]
) -> dt.date | None:
    """The earliest start of a blockade of `commodity` covering the market's area."""
    if not area:
        return None
    starts = [
        start
        for where, what, start in blockades
        if what == commodity and (area == where or area.startswith(where))
    ]
    return min(starts, default=None)


def price_series(
    table: Table,
    period_start: dt.date,
    day: dt.date,
    blockades: list[tuple[str, str, dt.date]],
) -> tuple[list[PriceSeries], pd.DataFrame]:
    """Each market's items as of `day`; `blockades` are (area P-code, commodity, start) tuples."""
    # to_numpy(bool): on an empty frame the mask would be object-typed, read as column labels
    mask = table.frame["date"].map(lambda d: d is not None and d <= day).to_numpy(dtype=bool)
    frame = table.frame[mask]
    keys = ["market", "commodity", "item", "unit", "currency"]
    series, used = [], []
    for (market, commodity, item, unit, currency), rows in frame.fillna({"item": ""}).groupby(
        keys, sort=True
    ):
        rows = rows.sort_values(["date", ROW])
        points = [(d, float(p)) for d, p in zip(rows["date"], rows["price"], strict=True)]
        baseline = _price_at(points, period_start) or points[0]
        start = _blockade_start(rows["area"].iloc[-1], commodity, blockades)
        at_start = _price_at(points, start) if start else None
        shown = [p for p in points if p[0] >= min(baseline[0], at_start[0] if at_start else day)]
        series.append(
            PriceSeries(
                market,
                rows["area"].iloc[-1],
                commodity,
                item or commodity,
                unit,
                currency,
                tuple(shown),
                points[-1][0],
                points[-1][1],
                baseline[0],
                baseline[1],
                start,
                at_start[1] if at_start else None,
            )
        )
        first = shown[0][0]
        used.append(rows[rows["date"].map(lambda d, first=first: d >= first)])
    used_frame = pd.concat(used) if used else frame.iloc[0:0]
    # Blockaded markets first: they are what the section is about.
    series.sort(key=lambda s: (s.blockade_start is None, s.market, s.commodity, s.item))
    return series, used_frame
