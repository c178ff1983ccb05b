"""The figure a map shades, per area of one admin level: the same numbers the tables print.

`map_values` takes them from the computed figures, never from the rows again: IDPs present
are the main operation's stock (its finest areas, each added up to the level drawn), new
displacement the people displaced in the period by area. An area with no figure is absent
(the map draws it as "no data"), one whose figure is 0 is there with 0. A figure given only
for a larger area (a province's row when the map is drawn by district) cannot be shared out:
it is counted in `coarser`, and `auto` chooses the level where nothing is.

`classes` cuts the figures into at most five classes with round bounds, from the data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from sitrep.figures.compute import Figures

FIGURES = ("idps", "displacement")  # what a map may shade ([report] map_shading)
MAX_CLASSES = 5


@dataclass(frozen=True)
class MapValues:
    figure: str  # "idps" or "displacement"
    level: int  # the admin level the values are for
    values: dict[str, int]  # P-code -> figure, areas with data only
    as_of: dt.date | None  # the stock's date; the period's end for displacement
    since: dt.date | None = None  # the period's start, for displacement
    coarser: dict[str, int] = field(default_factory=dict)  # figures of larger areas, not drawn


Level = Callable[[str], int | None]  # P-code -> its admin level (None: unknown)
Ancestor = Callable[[str, int], str | None]  # P-code, level -> the area at that level


def map_values(
    fig: Figures, figure: str, level: int | None, level_of: Level, ancestor: Ancestor, most: int = 2
) -> MapValues | None:
    """The figure by area at `level` (None: 2 when every figure is by admin 2 or finer, and
    the boundaries go to `most`, else 1); None when the report has no such figure."""
    found = _by_area(fig, figure)
    if found is None:
        return None
    areas, as_of, since = found
    if level is None:
        finest = all((level_of(code) or 0) >= 2 for code in areas)
        level = 2 if finest and most >= 2 and areas else 1
    values: dict[str, int] = {}
    coarser: dict[str, int] = {}
    for code, value in areas.items():
        here = level_of(code)
        target = ancestor(code, level) if here is not None and here >= level else None
        if target is None:
            coarser[code] = coarser.get(code, 0) + value
            continue
        values[target] = values.get(target, 0) + value
    return MapValues(figure, level, values, as_of, since, coarser)


def _by_area(
    fig: Figures, figure: str
) -> tuple[dict[str, int], dt.date | None, dt.date | None] | None:
    if figure == "idps":
        if fig.idps is None:
            return None
        # An area assessed without a figure (None) has no data to shade; the others are
        # people, whole numbers (the idps column's kind).
        idps = {a.pcode: int(a.idps) for a in fig.idps.areas if a.idps is not None}
        return idps, fig.idps.as_of, None
    if figure == "displacement":
        if not fig.provinces:
            return None
        areas: dict[str, int] = {}
        for province in fig.provinces:
            for district in province.districts:
                areas[district.pcode] = areas.get(district.pcode, 0) + district.people
        return areas, fig.report_date, fig.period_start
    return None


def nice_ceiling(value: float) -> int:
    """The round number at or above `value`: 1, 2, 2.5 or 5 times a power of ten (whole)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value and float(step * power).is_integer():
            return int(step * power)
    return int(10 * power)


def classes(values: list[int], most: int = MAX_CLASSES) -> list[tuple[int, int]]:
    """Classes (low, high), both included, covering every positive figure: bounds at round
    numbers near the quantiles, the last ending at the largest figure. 0 has none of them."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    top = positive[-1]
    bounds = [0]
    for i in range(1, most):
        q = positive[min(len(positive) - 1, len(positive) * i // most)]
        bound = nice_ceiling(q)
        if bounds[-1] < bound < top:
            bounds.append(bound)
    bounds.append(top)
    return [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]


def class_of(value: int | None, cuts: list[tuple[int, int]]) -> str:
    """'nodata', 'zero', or 'c1'... the class whose range holds the value."""
    if value is None:
        return "nodata"
    if value <= 0:
        return "zero"
    for i, (_, high) in enumerate(cuts, 1):
        if value <= high:
            return f"c{i}"
    return f"c{len(cuts)}"
