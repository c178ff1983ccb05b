"""The `[figures]` section of sitrep.toml: how stocks are taken and how headlines are written.

- `carry_forward` (false): an area absent from the latest round of an operation is absent. With
  true, its latest earlier figure is carried into the total, dated with its own date in the
  table and footnoted under the key figure.
- `headline_rounding` ("exact"): "exact" prints 1,287,593 in the key figures and headings;
  "compact" prints "some 1.29 million" (Babel's compact decimal format for the report's
  locale). Table rows and totals are always exact.
- `top_areas` (10): a national table shows the admin-1 subtotals and this many admin-2 areas
  with the largest figures (plus every area the report names elsewhere); the others are summed
  in one "and N other areas" line per admin-1 area.
- `full_tables` (false): true adds the full tables, every admin-2 area, as an annex. The
  attached CSV files always hold every row used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ROUNDINGS = ("exact", "compact")


@dataclass(frozen=True)
class FigureSettings:
    carry_forward: bool = False
    headline_rounding: str = "exact"
    top_areas: int = 10
    full_tables: bool = False


def parse_figure_settings(section: dict[str, Any]) -> tuple[FigureSettings, list[str]]:
    """The settings of a `[figures]` table, and a message naming each bad key (defaults kept)."""
    known = {"carry_forward", "headline_rounding", "top_areas", "full_tables"}
    problems = [f"figures.{key}: unknown key" for key in sorted(set(section) - known)]
    values: dict[str, Any] = {}
    for key in ("carry_forward", "full_tables"):
        if key in section:
            if isinstance(section[key], bool):
                values[key] = section[key]
            else:
                problems.append(f"figures.{key}: {section[key]!r} is not true or false")
    if "headline_rounding" in section:
        if section["headline_rounding"] in ROUNDINGS:
            values["headline_rounding"] = section["headline_rounding"]
        else:
            problems.append(
                f"figures.headline_rounding: {section['headline_rounding']!r} is not "
                + " or ".join(repr(r) for r in ROUNDINGS)
            )
    if "top_areas" in section:
        top = section["top_areas"]
        if isinstance(top, bool) or not isinstance(top, int) or top < 0:
            problems.append(f"figures.top_areas: {top!r} is not a whole number of 0 or more")
        else:
            values["top_areas"] = top
    return FigureSettings(**values), problems
