"""HDX HAPI's operational presence table (a 3W), as downloaded, turned into the `response` table.

HAPI's "operational-presence" endpoint and its CSV downloads name who works where, in which
sector: `location_code, admin1_code, admin2_code, org_acronym, org_name, sector_code,
sector_name, reference_period_start, ...` (v2 adds `has_hrp, in_gho, provider_admin1_name,
..., admin_level, ..., warning, error`), with no HXL row and no figures. It is recognised by
`org_acronym` or `org_name`, `sector_code` or `sector_name`, and `reference_period_start`; each
row becomes a response row:
- cluster: `sector_name` (else `sector_code`); organisation: `org_acronym` (else `org_name`);
- area: the row's finest code: `admin2_code`, else `admin1_code`, else the country's
  (`location_code`); HAPI leaves a level's code blank when the data does not give it;
- date: `reference_period_start`; source: "HDX HAPI operational presence (3W)";
- no targeted or reached: the report then says organisations per sector and area.
Only the workspace's country's rows are kept (a note counts the others), and rows HAPI marks
with an `error` are left out with a note.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sitrep.inputs import dtm
from sitrep.inputs.hxl import Layout, match_headers, row_cells
from sitrep.problems import Message

SOURCE = "HDX HAPI operational presence (3W)"
# field -> its header in HAPI's CSV
FIELDS = {
    f: f
    for f in (
        "location_code",
        "admin1_code",
        "admin2_code",
        "org_acronym",
        "org_name",
        "sector_code",
        "sector_name",
        "reference_period_start",
        "error",
    )
}


def columns(layout: Layout, grid: pd.DataFrame) -> dict[str, int]:
    """HAPI's columns found by header in the grid's header row."""
    if layout.header_row is None:
        return {}
    names = {f.replace("_", " "): f for f in FIELDS}
    return match_headers(row_cells(grid, layout.header_row), names, {})


def is_presence(layout: Layout, grid: pd.DataFrame) -> bool:
    """The grid is HAPI's operational presence table."""
    found = columns(layout, grid)
    return (
        ("org_acronym" in found or "org_name" in found)
        and ("sector_code" in found or "sector_name" in found)
        and "reference_period_start" in found
    )


def _text(body: pd.DataFrame, index: int | None) -> pd.Series:
    if index is None:
        return pd.Series([""] * len(body), index=body.index, dtype=object)
    return body[index].map(lambda v: "" if v is None or v != v else str(v).strip())


def _first(*series: pd.Series) -> pd.Series:
    """Per row, the first non-blank of the series."""
    out = series[-1]
    for s in reversed(series[:-1]):
        out = s.where(s != "", out)
    return out


def presence(
    grid: pd.DataFrame, layout: Layout, country: str, file_rows: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray, dict[str, str], list[Message]]:
    """(the response table's raw frame, its file rows, its headers, notes) from HAPI's 3W."""
    index = columns(layout, grid)
    body = grid.iloc[layout.first_data_row :].reset_index(drop=True)
    text = {f: _text(body, index.get(f)) for f in FIELDS}
    keep = np.ones(len(body), dtype=bool)
    notes: list[Message] = []
    if "location_code" in index and country:
        keep, selected = dtm.select_country(body, text["location_code"], None, country)
        notes.extend(selected)
    errors = (text["error"] != "").to_numpy() & keep
    if errors.any():
        notes.append(Message("hapi-note.errors", count=int(errors.sum())))
    keep = keep & ~errors
    frame = pd.DataFrame(
        {
            "cluster": _first(text["sector_name"], text["sector_code"]),
            "organisation": _first(text["org_acronym"], text["org_name"]),
            "area": _first(text["admin2_code"], text["admin1_code"], text["location_code"]),
            "activity": None,
            "targeted": None,
            "reached": None,
            "date": text["reference_period_start"].map(lambda v: v[:10] or None),
            "source": SOURCE,
        }
    ).astype(object)[keep]
    notes.append(Message("hapi-note.presence"))
    headers = {
        "cluster": "sector_name" if "sector_name" in index else "sector_code",
        "organisation": "org_acronym" if "org_acronym" in index else "org_name",
        "area": "admin2_code",
        "date": "reference_period_start",
    }
    return frame.reset_index(drop=True), file_rows[keep], headers, notes
