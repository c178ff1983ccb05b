"""Tables by area that stay readable at national scale: admin-1 subtotals, the admin-2 rows that
matter, and one "and N other areas" line per admin-1 area, so the parts shown add up exactly.

The rows that matter are the `top` areas with the largest figures across the table, and every
area the report names elsewhere (a blockade, a market). A table with no more than `top` areas
shows them all. The full table is the report's annex when `[figures] full_tables = true`, and
always the attached CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sitrep.figures.stocks import AreaStock, IdpStock, Number, parent_of, plain_number
from sitrep.geo.gazetteer import Gazetteer

__all__ = ["parent_of"]


def shown_areas(values: dict[str, Number], top: int, named: Iterable[str]) -> set[str]:
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
    idps: Number  # the subtotal (IDPs present, or an indicator's)
    areas: tuple[AreaStock, ...]  # every area of the group, largest first (the annex)
    shown: tuple[AreaStock, ...]
    others: int  # areas not shown
    others_idps: Number

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
    shown = shown_areas({a.pcode: a.idps for a in areas}, top, named)
    by_group: dict[str, list[AreaStock]] = {}
    for area in areas:
        by_group.setdefault(admin1_of(area.pcode, gazetteer), []).append(area)
    groups = []
    for pcode, members in by_group.items():
        visible = tuple(a for a in members if a.pcode in shown)
        hidden = [a for a in members if a.pcode not in shown]
        groups.append(
            StockGroup(
                pcode,
                (name or gazetteer.name)(pcode),
                plain_number(sum(a.idps for a in members)),
                tuple(members),
                visible,
                len(hidden),
                plain_number(sum(a.idps for a in hidden)),
            )
        )
    return sorted(groups, key=lambda g: (-g.idps, g.pcode))


@dataclass
class AreaSums:
    """One area's displacement sums, from its rows."""

    people: int = 0
    new: int = 0
    families: int = 0
    any_families: bool = False  # a row gives families (else the area's families are None)
    estimated: bool = False

    def add(self, n: int, new: bool, families: object, estimated: bool) -> None:
        self.people += n
        self.new += n if new else 0
        if families is not None and families == families:  # neither None nor NaN
            self.families += int(families)
            self.any_families = True
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
        return total
