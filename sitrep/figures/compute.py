"""Stage 3, figures: every number in the report, computed from the validated tables.

Nothing is typed in. The change since the previous report compares the same computation run as
of the previous report date in the cadence (not "yesterday's file"). Rows dated after the
report date are not counted, so an old report can be rebuilt from today's workbook.

No words live here: captions and headings come from the templates' message catalogue, keyed by
`KeyFigure.key`, so a French report says the same things in French.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field, replace

from sitrep.figures.access import (
    ROUTE_STATUSES,
    Blockade,
    Route,
    blockade_figures,
    route_figures,
)
from sitrep.figures.area_tables import StockGroup, stock_groups
from sitrep.figures.displacement import AreaDisplacement, SexAge, displacement_figures
from sitrep.figures.general import GeneralFigures, general_figures, with_rows
from sitrep.figures.keyfigure import Baseline, KeyFigure, Number
from sitrep.figures.prices import PriceSeries, price_series
from sitrep.figures.provenance import SourceUse, source_uses
from sitrep.figures.stocks import IdpStock, idp_stocks
from sitrep.geo.gazetteer import Gazetteer
from sitrep.settings.config import Config
from sitrep.tableschema import DATE_COLUMNS
from sitrep.validate.table import Table

__all__ = [
    "ROUTE_STATUSES",
    "AreaDisplacement",
    "Baseline",
    "Blockade",
    "KeyFigure",
    "Route",
    "SourceUse",
    "source_uses",
]
# what `sitrep.figures.displacement` gives a report, by the same names
DISPLACEMENT_FIELDS = (
    "displaced_since_previous",
    "displaced_today",
    "families_period",
    "families_at_least",
    "estimated_people",
    "provinces",
    "origin_unknown",
    "hosting_unknown",
    "daily",
    "sex_age",
)


@dataclass
class Figures:
    report_date: dt.date
    previous_date: dt.date | None
    next_date: dt.date
    period_start: dt.date
    household_size: int | None
    top_areas: int = 10  # [figures] top_areas: admin-2 rows a national table shows
    displaced_period: int = 0
    displaced_since_previous: int | None = None
    displaced_today: int = 0
    families_period: int | None = None  # None when no row gives families
    families_at_least: bool = False  # some rows give families, others not: "at least"
    estimated_people: bool = False
    provinces: list[AreaDisplacement] = field(default_factory=list)  # by area of origin
    hosting: list[AreaDisplacement] = field(default_factory=list)  # by hosting area, if given
    origin_unknown: AreaDisplacement | None = None  # rows giving no origin (a line of its own)
    hosting_unknown: AreaDisplacement | None = None  # rows giving no hosting area
    displacement_basis: str | None = None  # what the total counts by: "origin", "destination"...
    sex_age: SexAge | None = None  # women and children, where rows give sex and age
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    blockades: list[Blockade] = field(default_factory=list)  # in effect on the report date
    lifted: list[Blockade] = field(default_factory=list)  # lifted within the period
    people_blockaded: int | None = 0  # None: blockades in effect, none says how many people
    people_blockaded_at_least: bool = False  # a blockade in effect gives no figure: "at least"
    routes: list[Route] = field(default_factory=list)
    routes_by_status: dict[str, int] = field(default_factory=dict)
    key_figures: list[KeyFigure] = field(default_factory=list)
    sources: list[SourceUse] = field(default_factory=list)
    idps: IdpStock | None = None  # IDPs present: the main operation's stock
    idps_other: list[IdpStock] = field(default_factory=list)  # other operations, never added
    idp_groups: list[StockGroup] = field(default_factory=list)  # the main stock by admin 1
    prices: list[PriceSeries] = field(default_factory=list)
    full_tables: bool = False  # [figures] full_tables: the annex of full tables
    # declared indicators, response against targets, needs and funding (sitrep.figures.general)
    general: GeneralFigures = field(default_factory=GeneralFigures)
    # a quiet day (no row dated on the report date): the last date anything was reported
    quiet_since: dt.date | None = None

    __template_methods__ = ("sources_of",)  # what templates may call (sitrep.render.plain)

    def sources_of(self, table: str) -> list[str]:
        return sorted({s.source for s in self.sources if s.table == table and s.source})

    def rows_used(self, table: str) -> set[int]:
        return {n for s in self.sources if s.table == table for n in s.row_numbers}

    @property
    def routes_changed(self) -> list[Route]:
        return [r for r in self.routes if r.changed]

    @property
    def blockades_count(self) -> int:
        return len(self.blockades)

    @property
    def routes_closed(self) -> int:
        return self.routes_by_status.get("closed", 0)

    @property
    def idps_present(self) -> Number | None:
        return self.idps.total if self.idps else None


def previous_report_date(config: Config, day: dt.date) -> dt.date | None:
    """The report date before `day` in the cadence, or None for the first report."""
    if day <= config.first_report:
        return None
    steps = (day - config.first_report).days // config.cadence_days
    candidate = config.first_report + dt.timedelta(days=steps * config.cadence_days)
    if candidate == day:
        candidate -= dt.timedelta(days=config.cadence_days)
    return candidate


def next_report_date(config: Config, day: dt.date) -> dt.date:
    return day + dt.timedelta(days=config.cadence_days)


EVENT_TABLES = ("displacement", "blockades", "routes")  # the running log of the crisis


def data_dates(tables: dict[str, Table], names: tuple[str, ...] | None = None) -> set[dt.date]:
    """Every date the data speaks of (of the tables `names`, default all): the dates a report
    can be made for."""
    return {
        d
        for name, cols in DATE_COLUMNS.items()
        if name in tables and (names is None or name in names)
        for col in cols
        if col in tables[name].frame
        for d in tables[name].frame[col]
        if isinstance(d, dt.date)
    }


def latest_data_date(tables: dict[str, Table]) -> dt.date | None:
    """The default report date: the newest date of the event tables (displacement, blockades,
    routes), else of any table (a workspace with only IDPs present, or only prices)."""
    return max(data_dates(tables, EVENT_TABLES) or data_dates(tables), default=None)


def data_date_range(tables: dict[str, Table]) -> tuple[dt.date | None, dt.date | None]:
    """(the oldest date the event tables start at, else any table; the newest date anywhere)."""
    starts = {"displacement": "date", "blockades": "start_date", "routes": "since"}
    if not any(name in tables and not tables[name].frame.empty for name in starts):
        starts = {"idps": "date", "prices": "date", "indicators": "date", "response": "date"}
    firsts = [
        d for name, col in starts.items() if name in tables for d in tables[name].frame[col] if d
    ]
    newest = max(data_dates(tables), default=None)
    return min(firsts, default=None), newest


def _displacement(
    fig: Figures,
    table: Table,
    gazetteer: Gazetteer,
    config: Config,
    named: set[str],
    total_only: bool = False,
) -> None:
    found = displacement_figures(
        table.frame,
        gazetteer,
        config.household_size,
        (fig.period_start, fig.report_date),
        fig.previous_date,
        fig.top_areas,
        named,
        total_only,
    )
    fig.displaced_period = found.displaced_period
    if total_only:
        return
    for name in DISPLACEMENT_FIELDS:
        setattr(fig, name, getattr(found, name))
    fig.displacement_basis, fig.hosting = found.basis, found.hosting
    fig.sources += source_uses(table, found.used, "date")


def _displacement_notes(flow: KeyFigure, fig: Figures) -> KeyFigure:
    """The displacement key figure with its notes: what it counts by, where rows give hosting
    areas too (or no origin), and the share of women and children."""
    basis = fig.displacement_basis
    sex_age = fig.sex_age
    return dataclasses.replace(
        flow,
        basis=basis if basis and (fig.hosting or basis != "origin") else None,
        women_children=sex_age.share if sex_age else None,
        sex_age_known=sex_age.known if sex_age and sex_age.partial else None,
    )


def _idps(fig: Figures, table: Table, gazetteer: Gazetteer, config: Config) -> None:
    stocks, _ = idp_stocks(table, gazetteer, fig.report_date, config.figures.carry_forward)
    if not stocks:
        return
    fig.idps, fig.idps_other = stocks[0], stocks[1:]
    for stock in stocks:
        used = table.frame.loc[list(stock.labels)]
        fig.sources += source_uses(
            table, used, "date", operation_label(stock), stock.assessment.round
        )


def operation_label(stock: IdpStock) -> str | None:
    """The operation's name, unless it is only the source (which is printed anyway)."""
    return None if stock.operation in stock.sources else stock.operation


def named_areas(fig: Figures) -> set[str]:
    """The areas the report names outside its tables by area: a national table shows them."""
    named = {b.area_pcode for b in fig.blockades + fig.lifted}
    return named | {p.area for p in fig.prices if p.area}


def _snapshot(
    tables: dict[str, Table],
    config: Config,
    gazetteer: Gazetteer,
    day: dt.date,
    previous: dt.date | None,
    baseline: bool = False,
) -> Figures:
    """The figures as of `day`. `baseline`: only what a key figure compares with the previous
    report (no IDPs present, compared by round instead; no prices or tables by area)."""
    fig = Figures(
        day, previous, next_report_date(config, day), config.period_start, config.household_size
    )
    fig.top_areas, fig.full_tables = config.figures.top_areas, config.figures.full_tables
    if "blockades" in tables:
        found = blockade_figures(tables["blockades"], gazetteer, day, previous, fig.period_start)
        fig.blockades, fig.lifted = found.blockades, found.lifted
        fig.people_blockaded = found.people_blockaded
        fig.people_blockaded_at_least = found.at_least
        fig.sources += found.sources
    if "routes" in tables:
        routes = route_figures(tables["routes"], day, previous, gazetteer)
        fig.routes, fig.routes_by_status = routes.routes, routes.by_status
        fig.sources += routes.sources
    if "prices" in tables and not baseline:
        blockades = [(b.area_pcode, b.commodity, b.start) for b in fig.blockades + fig.lifted]
        prices, used = price_series(tables["prices"], fig.period_start, day, blockades)
        fig.prices = [replace(s, market=gazetteer.place_name(s.market)) for s in prices]
        fig.sources += source_uses(tables["prices"], used, "date")
    named = named_areas(fig)
    if "displacement" in tables:
        _displacement(fig, tables["displacement"], gazetteer, config, named, baseline)
    if "idps" in tables and not baseline:
        _idps(fig, tables["idps"], gazetteer, config)
        if fig.idps:
            fig.idp_groups = stock_groups(fig.idps, gazetteer, fig.top_areas, named)
    return fig


def compute_figures(
    tables: dict[str, Table], config: Config, gazetteer: Gazetteer, report_date: dt.date
) -> Figures:
    """All figures as of `report_date`, each key figure with the baseline it is compared to:
    the previous report for flows and counts, the previous round for a stock."""
    previous_date = previous_report_date(config, report_date)
    fig = _snapshot(tables, config, gazetteer, report_date, previous_date)
    before = (
        _snapshot(tables, config, gazetteer, previous_date, None, baseline=True)
        if previous_date
        else None
    )

    def key(k: str, table: str, as_of: dt.date | None) -> KeyFigure:
        value = getattr(fig, k)
        prev = getattr(before, k) if before else None
        baseline = Baseline("report", previous_date) if before and previous_date else None
        sources = tuple(fig.sources_of(table))
        return KeyFigure(
            k,
            value,
            prev,
            as_of,
            sources,
            False,
            fig.period_start,
            baseline,
            at_least=getattr(fig, f"{k}_at_least", False),
            previous_at_least=getattr(before, f"{k}_at_least", False),
        )

    def latest(dates: list[dt.date | None]) -> dt.date | None:
        return max((d for d in dates if d), default=None)

    blockades_as_of = latest([b.start for b in fig.blockades])
    fig.key_figures = []
    if "displacement" in tables:
        as_of = latest([d for d, n in fig.daily if n])
        flow = key("displaced_period", "displacement", as_of)
        fig.key_figures.append(_displacement_notes(flow, fig))
    if "blockades" in tables:
        fig.key_figures.append(key("people_blockaded", "blockades", blockades_as_of))
        fig.key_figures.append(key("blockades_count", "blockades", blockades_as_of))
    if "routes" in tables:
        as_of = latest([r.since for r in fig.routes])
        fig.key_figures.append(key("routes_closed", "routes", as_of))
    if (stock := fig.idps) is not None:
        p = stock.previous
        fig.key_figures.append(
            KeyFigure(
                "idps_present",
                stock.total,
                stock.previous_total,
                stock.as_of,
                stock.sources,
                True,
                fig.period_start,
                Baseline("round", p.date, p.round) if p else None,
                operation_label(stock),
                stock.assessment.round,
                len(stock.carried),
                at_least=stock.at_least,
                previous_at_least=stock.previous_at_least,
            )
        )
    general = general_figures(
        tables, config, gazetteer, report_date, previous_date, named_areas(fig)
    )
    fig.general, fig.sources = general, fig.sources + list(general.sources)
    fig.key_figures = with_rows(fig.key_figures, tables, fig) + list(general.key_figures)
    dates = data_dates(tables)  # a quiet day: nothing new, which is no "0 newly displaced"
    if report_date not in dates:
        fig.quiet_since = max((d for d in dates if d < report_date), default=None)
    return fig
