"""Stage 3, figures: every number in the report, computed from the validated tables.

Nothing is typed in. The change since the previous report compares the same computation run as
of the previous report date in the cadence (not "yesterday's file"). Rows dated after the
report date are not counted, so an old report can be rebuilt from today's workbook.

No words live here: captions and headings come from the templates' message catalogue, keyed by
`KeyFigure.key`, so a French report says the same things in French.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from sitrep.config import Config
from sitrep.gazetteer import Gazetteer
from sitrep.indicators import IdpStock, PriceSeries, idp_stock, price_series
from sitrep.validate import ROW, Table

ROUTE_STATUSES = ("open", "open with restrictions", "restricted", "closed", "unknown")


@dataclass(frozen=True)
class KeyFigure:
    key: str  # names its caption in the message catalogue ("kf.<key>")
    value: int | None
    previous: int | None  # as of the previous report; None when there is none
    as_of: dt.date | None
    sources: tuple[str, ...]
    stock: bool = False  # a count present on a date (IDPs), not a flow in the period
    since: dt.date | None = None  # the start of the period, for the caption of a flow

    @property
    def caption(self) -> str:
        """The English caption, for callers without the report's catalogue (the email)."""
        from sitrep.render import english_message

        start = f"{self.since:%-d %b}" if self.since else "--"
        return english_message(f"kf.{self.key}", start=start)

    @property
    def change(self) -> int | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class AreaDisplacement:
    pcode: str
    name: str
    people: int
    people_since_previous: int
    families: int | None  # None when no row of the area gives families
    estimated: bool  # some people figures are families x household size
    districts: tuple[AreaDisplacement, ...] = ()


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


@dataclass(frozen=True)
class SourceUse:
    """The rows of one table, from one source, that the report used."""

    table: str
    file: str
    sheet: str | None
    source: str
    first: dt.date | None
    last: dt.date | None
    rows: int
    row_numbers: tuple[int, ...] = ()  # spreadsheet rows, for the attached CSV files


@dataclass
class Figures:
    report_date: dt.date
    previous_date: dt.date | None
    next_date: dt.date
    period_start: dt.date
    household_size: int
    displaced_period: int = 0
    displaced_since_previous: int | None = None
    displaced_today: int = 0
    families_period: int = 0
    estimated_people: bool = False
    provinces: list[AreaDisplacement] = field(default_factory=list)
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    blockades: list[Blockade] = field(default_factory=list)  # in effect on the report date
    lifted: list[Blockade] = field(default_factory=list)  # lifted within the period
    people_blockaded: int = 0
    routes: list[Route] = field(default_factory=list)
    routes_by_status: dict[str, int] = field(default_factory=dict)
    key_figures: list[KeyFigure] = field(default_factory=list)
    sources: list[SourceUse] = field(default_factory=list)
    idps: IdpStock | None = None  # IDPs present: a stock with its own date
    prices: list[PriceSeries] = field(default_factory=list)

    __template_methods__ = ("sources_of",)  # what templates may call (sitrep.plain)

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
    def idps_present(self) -> int | None:
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


DATE_COLUMNS = {
    "displacement": ("date",),
    "blockades": ("start_date", "end_date"),
    "routes": ("since", "verified"),
}


def data_dates(tables: dict[str, Table]) -> set[dt.date]:
    """Every date the data speaks of: the dates a report can be made for."""
    return {
        d
        for name, cols in DATE_COLUMNS.items()
        if name in tables
        for col in cols
        for d in tables[name].frame[col]
        if isinstance(d, dt.date)
    }


def latest_data_date(tables: dict[str, Table]) -> dt.date | None:
    """The newest date anywhere in the data: the default report date."""
    return max(data_dates(tables), default=None)


def data_date_range(tables: dict[str, Table]) -> tuple[dt.date | None, dt.date | None]:
    """(the oldest event date, the newest date anywhere in the data)."""
    starts = {"displacement": "date", "blockades": "start_date", "routes": "since"}
    firsts = [
        d for name, col in starts.items() if name in tables for d in tables[name].frame[col] if d
    ]
    return min(firsts, default=None), latest_data_date(tables)


def _people(frame: pd.DataFrame, household_size: int) -> pd.Series:
    """People per row: as given, else families x household size."""
    estimate = frame["families"].map(lambda f: None if f is None else f * household_size)
    return frame["people"].where(frame["people"].notna(), estimate).fillna(0).astype("int64")


def _displacement(fig: Figures, table: Table, gazetteer: Gazetteer, config: Config) -> None:
    frame = table.frame
    # to_numpy(bool): on an empty frame the mask would be object-typed, read as column labels
    in_period = frame["date"].map(lambda d: fig.period_start <= d <= fig.report_date)
    frame = frame[in_period.to_numpy(dtype=bool)].copy()
    frame["n"] = _people(frame, config.household_size)
    frame["est"] = frame["people"].isna()
    frame["province"] = frame["district"].map(lambda p: gazetteer.admin1(p) or p)
    prev = fig.previous_date
    frame["new"] = frame["date"].map(lambda d: prev is None or d > prev).astype(bool)
    fig.displaced_period = int(frame["n"].sum())
    fig.displaced_since_previous = int(frame.loc[frame["new"], "n"].sum()) if prev else None
    fig.displaced_today = int(frame.loc[frame["date"] == fig.report_date, "n"].sum())
    fig.families_period = int(frame["families"].dropna().sum())
    fig.estimated_people = bool(frame["est"].any())
    by_day = frame.groupby("date")["n"].sum()
    fig.daily = [
        (day, int(by_day.get(day, 0)))
        for day in pd.date_range(fig.period_start, fig.report_date).date
    ]

    def area(pcode: str, rows: pd.DataFrame, districts=()) -> AreaDisplacement:
        families = rows["families"].dropna()
        return AreaDisplacement(
            pcode,
            gazetteer.name(pcode),
            int(rows["n"].sum()),
            int(rows.loc[rows["new"], "n"].sum()),
            int(families.sum()) if len(families) else None,
            bool(rows["est"].any()),
            tuple(districts),
        )

    provinces = []
    for province, rows in frame.groupby("province", sort=True):
        districts = [area(d, r) for d, r in rows.groupby("district", sort=True)]
        districts.sort(key=lambda a: (-a.people, a.pcode))
        provinces.append(area(province, rows, districts))
    fig.provinces = sorted(provinces, key=lambda a: (-a.people, a.pcode))
    fig.sources += source_uses(table, frame, "date")


def _blockades(fig: Figures, table: Table, gazetteer: Gazetteer) -> None:
    frame = table.frame
    day = fig.report_date
    used = []
    for record in frame.sort_values(["start_date", "id"]).to_dict("records"):
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
    for record in frame.sort_values(["since", ROW]).to_dict("records"):
        if record["since"] <= day:
            current[record["route_id"]] = record
    return current


def _routes(fig: Figures, table: Table) -> None:
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


def source_uses(table: Table, frame: pd.DataFrame, date_column: str | None) -> list[SourceUse]:
    """One entry per source of the rows used: the sources annex and the attached CSV files."""
    uses = []
    sources = frame["source"].fillna("") if "source" in frame else pd.Series("", frame.index)
    for source, rows in frame.groupby(sources, sort=True):
        dates = [d for d in rows[date_column] if d is not None] if date_column else []
        uses.append(
            SourceUse(
                table.name,
                table.file,
                table.sheet,
                str(source),
                min(dates, default=None),
                max(dates, default=None),
                len(rows),
                tuple(int(n) for n in rows[ROW]),
            )
        )
    return uses


def _snapshot(
    tables: dict[str, Table],
    config: Config,
    gazetteer: Gazetteer,
    day: dt.date,
    previous: dt.date | None,
) -> Figures:
    fig = Figures(
        day, previous, next_report_date(config, day), config.period_start, config.household_size
    )
    if "displacement" in tables:
        _displacement(fig, tables["displacement"], gazetteer, config)
    if "blockades" in tables:
        _blockades(fig, tables["blockades"], gazetteer)
    if "routes" in tables:
        _routes(fig, tables["routes"])
    if "idps" in tables:
        fig.idps, used = idp_stock(tables["idps"], gazetteer, day)
        fig.sources += source_uses(tables["idps"], used, "date")
    if "prices" in tables:
        blockades = [(b.area_pcode, b.commodity, b.start) for b in fig.blockades + fig.lifted]
        fig.prices, used = price_series(tables["prices"], fig.period_start, day, blockades)
        fig.sources += source_uses(tables["prices"], used, "date")
    return fig


def compute_figures(
    tables: dict[str, Table], config: Config, gazetteer: Gazetteer, report_date: dt.date
) -> Figures:
    """All figures as of `report_date`, with key figures compared to the previous report."""
    previous_date = previous_report_date(config, report_date)
    fig = _snapshot(tables, config, gazetteer, report_date, previous_date)
    before = _snapshot(tables, config, gazetteer, previous_date, None) if previous_date else None

    def key(k: str, table: str, as_of: dt.date | None, stock: bool = False) -> KeyFigure:
        value = getattr(fig, k)
        prev = getattr(before, k) if before else None
        sources = tuple(fig.sources_of(table))
        return KeyFigure(k, value, prev, as_of, sources, stock, fig.period_start)

    def latest(dates: list[dt.date | None]) -> dt.date | None:
        return max((d for d in dates if d), default=None)

    blockades_as_of = latest([b.start for b in fig.blockades])
    fig.key_figures = []
    if "displacement" in tables:
        as_of = latest([d for d, n in fig.daily if n])
        fig.key_figures.append(key("displaced_period", "displacement", as_of))
    if "blockades" in tables:
        fig.key_figures.append(key("people_blockaded", "blockades", blockades_as_of))
        fig.key_figures.append(key("blockades_count", "blockades", blockades_as_of))
    if "routes" in tables:
        as_of = latest([r.since for r in fig.routes])
        fig.key_figures.append(key("routes_closed", "routes", as_of))
    if fig.idps is not None:
        fig.key_figures.append(key("idps_present", "idps", fig.idps.as_of, stock=True))
    return fig
