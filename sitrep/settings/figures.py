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

from sitrep.settings.check import Section, flag, one_of, whole

ROUNDINGS = ("exact", "compact")


@dataclass(frozen=True, kw_only=True)
class FigureSettings:
    """The `[figures]` section's values, each field one key (`sitrep.settings.check`)."""

    carry_forward: bool = flag(
        False,
        "true: an area absent from an operation's latest round keeps its latest earlier "
        "figure, dated in the table and footnoted; false: it is absent",
    )
    headline_rounding: str = one_of(
        ROUNDINGS,
        '`"exact"`, or `"compact"` for "some 1.29 million" in the key figures and headings '
        "(Babel's compact format for the locale)",
    )
    top_areas: int = whole(
        10,
        0,
        None,
        "the admin-2 rows a national table shows besides the areas named elsewhere; the "
        'others are summed in an "and N other areas" line',
    )
    full_tables: bool = flag(
        False, "true: the full tables, every admin-2 area, are added as an annex"
    )


FIGURES = Section(
    name="figures", doc="how stocks are taken and headlines written", settings=FigureSettings
)
