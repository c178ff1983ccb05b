"""The general figures: declared indicators, response against targets, needs and funding, each
with the key figures it gives; and, for every key figure, the rows it was computed from.

`sitrep.figures.compute` adds these to the built-in figures; each kind is computed in its own
module (`indicators`, `response`, `needs`, `funding`). A key figure comes from one source: the
people in need of one HNO resource, the funding of one appeal, an indicator's rows (two sources
for one area and date are refused by validation), never two added together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sitrep.figures.funding import FundingFigures, funding_figures, funding_rows
from sitrep.figures.indicators import IndicatorFigure, area_namer, indicator_figures
from sitrep.figures.keyfigure import Baseline, KeyFigure
from sitrep.figures.needs import NeedsFigures, needs_figures
from sitrep.figures.provenance import SourceUse
from sitrep.figures.response import ResponseFigures, response_figures
from sitrep.geo.gazetteer import Gazetteer
from sitrep.settings.config import Config
from sitrep.tableschema import ROW
from sitrep.validate.table import Table


@dataclass(frozen=True)
class GeneralFigures:
    indicators: tuple[IndicatorFigure, ...] = ()  # in the order declared
    response: ResponseFigures | None = None
    needs: NeedsFigures | None = None
    funding: FundingFigures | None = None
    key_figures: tuple[KeyFigure, ...] = ()
    sources: tuple[SourceUse, ...] = ()


def _indicator_key(f: IndicatorFigure) -> KeyFigure:
    share = f.breakdown.women_and_children if f.breakdown else None
    return KeyFigure(
        f"indicators.{f.key}",
        f.value,
        f.previous,
        f.as_of,
        f.sources,
        stock=f.kind == "stock",
        since=f.since if f.kind == "flow" else None,
        baseline=Baseline("report", f.baseline) if f.baseline else None,
        label=f.label,
        unit=f.unit,
        rounding=f.rounding,
        women_children=share,
        table="indicators",
        rows=f.rows,
    )


def _needs_key(now: NeedsFigures, before: NeedsFigures | None, previous: dt.date | None):
    return KeyFigure(
        "people_in_need",
        now.in_need,
        before.in_need if before else None,
        None,
        (now.source,),
        stock=True,
        baseline=Baseline("report", previous) if previous and before else None,
        period=(now.start, now.end),
        table="needs",
        rows=now.rows,
    )


def _funding_key(figures: FundingFigures, previous: dt.date | None) -> KeyFigure:
    main = figures.main
    return KeyFigure(
        "funding",
        main.funding,
        figures.previous,
        main.as_of,
        (figures.source,),
        stock=True,
        baseline=Baseline("report", previous)
        if previous and figures.previous is not None
        else None,
        unit="USD",
        of=main.requirements,
        name=main.name,
        period=None if main.as_of else (main.start, main.end),
        table="funding",
        rows=funding_rows(figures),
    )


def general_figures(
    tables: dict[str, Table],
    config: Config,
    gazetteer: Gazetteer,
    day: dt.date,
    previous: dt.date | None,
    named: set[str],
) -> GeneralFigures:
    """Indicators, response, needs and funding as of `day`, compared with `previous`."""
    indicators: list[IndicatorFigure] = []
    if "indicators" in tables:
        indicators = indicator_figures(
            tables["indicators"], config, gazetteer, day, previous, named
        )
    keys = [_indicator_key(f) for f in indicators if f.key_figure]
    sources = [u for f in indicators for u in f.source_uses]
    response = None
    if "response" in tables:
        name = area_namer(gazetteer, config)
        response = response_figures(tables["response"], gazetteer, day, previous, name)
        sources += list(response.sources) if response else []
    country = config.country_code
    needs = funding = None
    if "needs" in tables and country:
        needs = needs_figures(tables["needs"], country, gazetteer, day)
        if needs is not None:
            sources += list(needs.sources)
            if needs.in_need is not None:
                before = (
                    needs_figures(tables["needs"], country, gazetteer, previous)
                    if previous
                    else None
                )
                keys.append(_needs_key(needs, before, previous))
    if "funding" in tables and country:
        funding = funding_figures(tables["funding"], country, day, previous)
        if funding is not None:
            sources += list(funding.sources)
            keys.append(_funding_key(funding, previous))
    return GeneralFigures(tuple(indicators), response, needs, funding, tuple(keys), tuple(sources))


def _rows_where(table: Table | None, column: str, values: set) -> tuple[int, ...]:
    if table is None or not values:
        return ()
    frame = table.frame
    return tuple(sorted(int(n) for n in frame.loc[frame[column].isin(values), ROW]))


def with_rows(key_figures: list[KeyFigure], tables: dict[str, Table], fig: Any) -> list[KeyFigure]:
    """The built-in key figures, each with the table and rows it was computed from: new
    displacement's rows of the period, the blockades in effect, the closed routes' current
    status rows, the IDPs stock's rows."""
    blockades = {b.id for b in fig.blockades}
    closed = {(r.route_id, r.since) for r in fig.routes if r.status == "closed"}
    routes = tables.get("routes")
    route_rows: tuple[int, ...] = ()
    if routes is not None and closed:
        frame = routes.frame
        pairs = zip(frame["route_id"], frame["since"], frame[ROW], strict=True)
        route_rows = tuple(sorted(int(n) for r, s, n in pairs if (r, s) in closed))
    found = {
        "displaced_period": ("displacement", tuple(sorted(fig.rows_used("displacement")))),
        "people_blockaded": ("blockades", _rows_where(tables.get("blockades"), "id", blockades)),
        "blockades_count": ("blockades", _rows_where(tables.get("blockades"), "id", blockades)),
        "routes_closed": ("routes", route_rows),
        "idps_present": ("idps", tuple(fig.idps.rows) if fig.idps else ()),
    }
    return [
        replace(k, table=found[k.key][0], rows=found[k.key][1]) if k.key in found else k
        for k in key_figures
    ]
