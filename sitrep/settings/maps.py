"""The situation map's settings: `[report] map_shading`, `map_level`; `[geography] boundaries`,
`boundaries_source`.

Declared here as settings fields (`sitrep.settings.check.setting`), used by the sections of
`sitrep.settings.schema`, as `[email]`'s are in `email.py`. `map_shading` names a figure;
`"indicators.KEY"` will name an indicator of an `[indicators.KEY]` section once sitrep.toml has
them (issue 30): until then `map_shading_known` says that the file has no such section.
"""

from __future__ import annotations

import re
from typing import Any

from sitrep.settings.check import Key, setting, text

MAP_SHADINGS = ("auto", "idps", "displacement", "none")
MAP_LEVELS = ("auto", 1, 2)
MAP_SHADING = "'auto', 'idps', 'displacement' or 'none'"
PATH = "a path, relative to sitrep.toml or absolute"


def _map_shading(value: str) -> str | None:
    if value in MAP_SHADINGS or re.fullmatch(r"indicators\.[A-Za-z0-9_-]+", value):
        return None
    return f"{value!r} is not {MAP_SHADING}"


def _not_blank(value: str) -> str | None:
    return None if value.strip() else f"{value!r} is not {PATH}"


def map_shading_known(values: Any, table: dict[str, Any]) -> list[str]:
    """`map_shading = "indicators.KEY"` names an `[indicators.KEY]` section of the file."""
    shading = table.get("map_shading")
    if not isinstance(shading, str) or not shading.startswith("indicators."):
        return []
    return [
        f"report.map_shading: {shading!r} names an indicator, and sitrep.toml has no "
        f"[{shading}] section; use one of {', '.join(MAP_SHADINGS)}"
    ]


def map_shading() -> Any:
    return text(
        'what the situation map shades by area: `"idps"` (IDPs present), `"displacement"` '
        '(new displacement in the period), `"none"`, or `"auto"`: IDPs present when the '
        "report has them, else new displacement",
        default="auto",
        expected=MAP_SHADING,
        check=_map_shading,
    )


def map_level() -> Any:
    return setting(
        Key(
            kinds=(str, int),
            expected="'auto', 1 or 2",
            doc='the admin level the situation map shades: `1`, `2`, or `"auto"`: 2 when every '
            "figure is by admin 2 (or finer) and the boundaries have admin 2, else 1",
            default="auto",
            choices=MAP_LEVELS,
            convert=lambda v: None if v == "auto" else v,
        )
    )


def boundaries() -> Any:
    return text(
        "the office's COD-AB boundary file as HDX publishes it (zipped shapefile, GeoJSON, "
        'GeoPackage or TopoJSON): the situation map. See "The situation map"',
        expected=PATH,
        check=_not_blank,
    )


def boundaries_source() -> Any:
    return text(
        "the boundaries' source, printed under the map and in the sources annex (default: "
        '"OCHA Common Operational Datasets (COD-AB), via HDX")',
        default="",
    )
