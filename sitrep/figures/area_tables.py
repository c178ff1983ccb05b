"""Tables by area that stay readable at national scale: admin-1 subtotals, the admin-2 rows that
matter, and one "and N other areas" line per admin-1 area, so the parts shown add up exactly.

The rows that matter are the `top` areas with the largest figures across the table, and every
area the report names elsewhere (a blockade, a market). A table with no more than `top` areas
shows them all. The full table is the report's annex when `[figures] full_tables = true`, and
always the attached CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sitrep.figures.stocks import AreaStock, IdpStock, Number, parent_of, plain_number
from sitrep.geo.gazetteer import Gazetteer

__all__ = ["parent_of"]


def shown_areas(values: Mapping[str, Number], top: int, named: Iterable[str]) -> set[str]:
    """The areas a table shows: all when few, else the `top` largest and the `named` ones."""
    if len(values) <= top:
        return set(values)
    ranked = sorted(values, key=lambda a: (-values[a], a))
    return set(ranked[:top]) | (set(named) & set(values))


def admin1_of(pcode: str, gazetteer: Gazetteer) -> str:
    """The admin-1 area an area lies in (itself for an admin-1 area, or an unknown one)."""
    return gazetteer.admin1(pcode) or pcode


@dataclass(frozen=True)
class StockGroup:
    """An admin-1 area of an IDPs-present stock: its subtotal, the rows shown, the others."""

    pcode: str
    name: str
    idps: Number | None  # the subtotal (IDPs present, an indicator's); None: no area has one
    areas: tuple[AreaStock, ...]  # every area of the group, largest first (the annex)
    shown: tuple[AreaStock, ...]
    others: int  # areas not shown
    others_idps: Number | None
    at_least: bool = False  # an area's figure is missing: the sum of those given
    others_at_least: bool = False

    @property
    def single(self) -> bool:
        """The group is one admin-1 row (the stock was taken at admin 1)."""
        return len(self.areas) == 1 and self.areas[0].pcode == self.pcode


def stock_groups(
    stock: IdpStock, gazetteer: Gazetteer, top: int, named: Iterable[str]
) -> list[StockGroup]:
    """The stock's areas by admin-1 area, largest first."""
    return area_groups(stock.areas, gazetteer, top, named)


def area_groups(
    areas: Sequence[AreaStock],
    gazetteer: Gazetteer,
    top: int,
    named: Iterable[str],
    name: Callable[[str], str] | None = None,
) -> list[StockGroup]:
    """Areas with a figure each (a stock's, an indicator's) by admin-1 area, largest first;
    `name`: the admin-1 areas' names (default the gazetteer's)."""
    shown = shown_areas({a.pcode: a.idps or 0 for a in areas}, top, named)
    by_group: dict[str, list[AreaStock]] = {}
    for area in areas:
        by_group.setdefault(admin1_of(area.pcode, gazetteer), []).append(area)
    groups = []
    for pcode, members in by_group.items():
        visible = tuple(a for a in members if a.pcode in shown)
        hidden = [a for a in members if a.pcode not in shown]
        idps, at_least = area_total(members)
        others_idps, others_at_least = area_total(hidden)
        groups.append(
            StockGroup(
                pcode,
                (name or gazetteer.name)(pcode),
                idps,
                tuple(members),
                visible,
                len(hidden),
                others_idps,
                at_least,
                others_at_least,
            )
        )
    return sorted(groups, key=lambda g: (-(g.idps or 0), g.pcode))


def area_total(areas: Sequence[AreaStock]) -> tuple[Number | None, bool]:
    """(the areas' IDPs, at least): a missing figure is left out, never counted as 0; None
    when no area has one."""
    known = [a.idps for a in areas if a.idps is not None]
    if areas and not known:
        return None, False
    missing = len(known) < len(areas) or any(a.at_least for a in areas)
    return plain_number(sum(known)), missing


@dataclass
class AreaSums:
    """One area's displacement sums, from its rows."""

    people: int = 0
    new: int = 0
    families: int = 0
    any_families: bool = False  # a row gives families (else the area's families are None)
    estimated: bool = False
    missing_families: bool = False  # a row gives no families: their sum is "at least"
    wc: int = 0  # women and children, of the rows giving sex and age
    known: int = 0  # people whose sex and age are given
    rows: int = 0

    @property
    def families_at_least(self) -> bool:
        return self.any_families and self.missing_families

    def add(
        self,
        n: int,
        new: bool,
        families: float | None,
        estimated: bool,
        wc: int = 0,
        known: int = 0,
    ) -> None:
        self.rows += 1
        self.wc += wc
        self.known += known
        self.people += n
        self.new += n if new else 0
        if families is not None and families == families:  # neither None nor NaN
            self.families += int(families)
            self.any_families = True
        else:
            self.missing_families = True
        self.estimated = self.estimated or bool(estimated)

    @classmethod
    def of(cls, parts: list[AreaSums]) -> AreaSums:
        total = cls()
        for p in parts:
            total.people += p.people
            total.new += p.new
            total.families += p.families
            total.any_families = total.any_families or p.any_families
            total.estimated = total.estimated or p.estimated
            total.missing_families = total.missing_families or p.missing_families
            total.wc, total.known, total.rows = (
                total.wc + p.wc,
                total.known + p.known,
                total.rows + p.rows,
            )
        return total
