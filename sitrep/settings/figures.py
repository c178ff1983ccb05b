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

ROUNDINGS = ("exact", "compact")


@dataclass(frozen=True)
class FigureSettings:
    """The `[figures]` section's values; its keys are declared in sitrep.settings.schema."""

    carry_forward: bool = False
    headline_rounding: str = "exact"
    top_areas: int = 10
    full_tables: bool = False
