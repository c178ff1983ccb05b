"""New displacement (a flow) in the period: totals, per day, by area of origin and by hosting area.

A row gives where people came from (`district`, the origin), where they are now (the hosting
area, `destination_pcode`), or both. Every row is counted once in the totals; the tables by area
are one by area of origin and, when rows give hosting areas, one of "areas hosting the most newly
displaced", each with a line for the rows that do not give that area, so each table adds up to
the total. `basis` says what the total is counted by, for the key figure and a per-area report:
the area of origin, else the hosting area where a row gives no origin.

Missing is never zero: a total of families over rows some of which give none is "at least"
(`families_at_least`). Rows giving women, men and children (or girls and boys) give the share of
women and children among the people whose sex and age are given (`SexAge`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sitrep.figures.area_tables import AreaSums, admin1_of, shown_areas
from sitrep.geo.gazetteer import Gazetteer
from sitrep.validate.rules import people_estimate

ORIGIN, DESTINATION = "district", "destination_pcode"


@dataclass(frozen=True)
class SexAge:
    """Women and children among the people whose sex and age a row gives."""

    women_children: int
    known: int  # people whose sex and age are given (women + men + children)
    people: int  # all the people of the same figure, for "of N people" when fewer are known

    @property
    def share(self) -> float | None:
        return self.women_children / self.known if self.known else None

    @property
    def partial(self) -> bool:
        """Sex and age are given for some of the people only."""
        return self.known < self.people


@dataclass(frozen=True)
class AreaDisplacement:
    pcode: str
    name: str
    people: int
    people_since_previous: int
    families: int | None  # None when no row of the area gives families
    estimated: bool  # some people figures are families x household size
    districts: tuple[AreaDisplacement, ...] = ()  # every one (the annex)
    shown: tuple[AreaDisplacement, ...] = ()  # those the report's table shows
    other: AreaDisplacement | None = None  # the others, summed ("and 12 other areas")
    others: int = 0  # how many
    families_at_least: bool = False  # some of its rows give no families: "at least"
    sex_age: SexAge | None = None  # None: no row of the area gives sex and age


@dataclass
class Displacement:
    """The displacement figures of a report date."""

    displaced_period: int = 0
    displaced_since_previous: int | None = None
    displaced_today: int = 0
    families_period: int | None = None
    families_at_least: bool = False
    estimated_people: bool = False
    provinces: list[AreaDisplacement] = field(default_factory=list)  # by area of origin
    hosting: list[AreaDisplacement] = field(default_factory=list)  # by hosting area
    origin_unknown: AreaDisplacement | None = None  # rows giving no origin, in the origin table
    hosting_unknown: AreaDisplacement | None = None  # rows giving no hosting area
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    basis: str | None = None  # "origin", "destination" or "origin_else_destination"
    sex_age: SexAge | None = None
    used: pd.DataFrame | None = None  # the rows counted


SEX_AGE = ("women", "men", "children", "girls", "boys")


def _sex_age(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(women and children, people whose sex and age are given) per row: 0 and 0 where a row
    does not give women, men and children (or girls and boys)."""
    n = len(frame)

    def column(name: str) -> np.ndarray:
        if name not in frame:
            return np.full(n, np.nan)
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)

    women, men, children = column("women"), column("men"), column("children")
    children = np.where(np.isnan(children), column("girls") + column("boys"), children)
    given = ~(np.isnan(women) | np.isnan(men) | np.isnan(children))
    wc = np.where(given, women + children, 0).astype("int64")
    known = np.where(given, women + men + children, 0).astype("int64")
    return wc, known


def _basis(frame: pd.DataFrame) -> str | None:
    if frame.empty:
        return None
    has_origin = frame[ORIGIN].notna()
    if has_origin.all():
        return "origin"
    return "destination" if not has_origin.any() else "origin_else_destination"


def displacement_figures(
    frame: pd.DataFrame,
    gazetteer: Gazetteer,
    household_size: int | None,
    period: tuple[dt.date, dt.date],
    previous: dt.date | None,
    top: int,
    named: set[str],
    total_only: bool = False,
) -> Displacement:
    """The figures of the rows dated in `period` (start, report date); `previous`: the previous
    report's date; `top`, `named`: the admin-2 rows a national table shows (`shown_areas`)."""
    start, day = period
    in_period = frame["date"].map(lambda d: start <= d <= day)
    frame = frame[in_period.to_numpy(dtype=bool)].copy()
    if DESTINATION not in frame:
        frame[DESTINATION] = None
    # validation refuses a row of families alone when no household size is set
    estimate = people_estimate(frame, household_size)
    frame["n"] = pd.Series(estimate, index=frame.index).fillna(0).astype("int64")
    found = Displacement(displaced_period=int(frame["n"].sum()), used=frame)
    if total_only:  # a baseline: the key figure's total is all that is compared
        return found
    frame["est"] = frame["people"].isna()
    frame["new"] = frame["date"].map(lambda d: previous is None or d > previous).astype(bool)
    frame["wc"], frame["known"] = _sex_age(frame)
    found.displaced_since_previous = int(frame.loc[frame["new"], "n"].sum()) if previous else None
    found.displaced_today = int(frame.loc[frame["date"] == day, "n"].sum())
    families = frame["families"].dropna()
    found.families_period = int(families.sum()) if len(families) else None
    found.families_at_least = 0 < len(families) < len(frame)  # a blank is missing, not 0
    found.estimated_people = bool(frame["est"].any())
    by_day = frame.groupby("date")["n"].sum()
    found.daily = [(d, int(by_day.get(d, 0))) for d in pd.date_range(start, day).date]
    found.basis = _basis(frame)
    if frame["known"].sum():
        found.sex_age = SexAge(
            int(frame["wc"].sum()), int(frame["known"].sum()), int(frame["n"].sum())
        )
    tables = _Tables(gazetteer, top, named)
    found.provinces, found.origin_unknown = tables.by_area(frame, ORIGIN)
    if frame[DESTINATION].notna().any():
        found.hosting, found.hosting_unknown = tables.by_area(frame, DESTINATION)
    if not found.provinces:
        found.origin_unknown = None  # no table by origin at all: nothing to add up to
    return found


COLUMNS = ("n", "new", "families", "est", "wc", "known")


@dataclass
class _Tables:
    gazetteer: Gazetteer
    top: int
    named: set[str]

    def area(
        self,
        pcode: str,
        parts: list[AreaSums],
        districts: tuple[AreaDisplacement, ...] = (),
        shown: tuple[AreaDisplacement, ...] = (),
        other: AreaDisplacement | None = None,
        others: int = 0,
    ) -> AreaDisplacement:
        total = AreaSums.of(parts)
        sex_age = SexAge(total.wc, total.known, total.people) if total.known else None
        return AreaDisplacement(
            pcode,
            self.gazetteer.name(pcode) if pcode else "",
            total.people,
            total.new,
            total.families if total.any_families else None,
            total.estimated,
            families_at_least=total.families_at_least,
            sex_age=sex_age,
            districts=districts,
            shown=shown,
            other=other,
            others=others,
        )

    def by_area(
        self, frame: pd.DataFrame, column: str
    ) -> tuple[list[AreaDisplacement], AreaDisplacement | None]:
        """The table by `column` (origin or hosting area): admin-1 areas, largest first, each
        with its admin-2 rows; and the sums of the rows that give no such area (None: none)."""
        # Sums per area over plain lists: a groupby per area costs more than the sums
        # themselves in a batch of area reports.
        sums: dict[str, dict[str, AreaSums]] = {}
        unknown = AreaSums()
        admin1: dict[str, str] = {}
        values = (frame[c].tolist() for c in (column, *COLUMNS))
        for area, n, new, families, est, wc, known in zip(*values, strict=True):
            if not isinstance(area, str) or not area:
                unknown.add(n, new, families, est, wc, known)
                continue
            if area not in admin1:
                admin1[area] = admin1_of(area, self.gazetteer)
            parts = sums.setdefault(admin1[area], {})
            parts.setdefault(area, AreaSums()).add(n, new, families, est, wc, known)
        by_district = {d: t.people for of in sums.values() for d, t in of.items()}
        shown = shown_areas(by_district, self.top, self.named)
        provinces = []
        for province, of in sorted(sums.items()):
            districts = [self.area(d, [t]) for d, t in sorted(of.items())]
            districts.sort(key=lambda a: (-a.people, a.pcode))
            hidden = [t for d, t in of.items() if d not in shown]
            provinces.append(
                self.area(
                    province,
                    list(of.values()),
                    districts=tuple(districts),
                    shown=tuple(d for d in districts if d.pcode in shown),
                    other=self.area(province, hidden) if hidden else None,
                    others=len(hidden),
                )
            )
        provinces.sort(key=lambda a: (-a.people, a.pcode))
        return provinces, (self.area("", [unknown]) if unknown.rows else None)
