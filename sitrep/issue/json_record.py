"""The record of issued reports as JSON: what older sitrep kept, and the view sitrep writes now.

Before `output/issued.sqlite`, sitrep kept its record in `output/issued.json` (the workspace's
reports, and those being issued, "pending") and `output/issued-provinces.json` (the area
reports of `build --each`). `read_old` reads them, once, to import them into the database
(`sitrep.issue.record`), losing nothing: a pending issue is imported as pending and finished or
redone by the recovery that follows. The area file is then removed.

`issued.json` stays, as a view: the workspace's issued reports in the same shape as before, for
people and scripts to read, rewritten from the database whenever it changes. sitrep decides
nothing from it; it reads it only to make the database again should `issued.sqlite` be lost.
Plain dictionaries here: the record's own types are `sitrep.issue.record`'s.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sitrep.files import atomic_write

VIEW_NAME = "issued.json"  # the view now; the record itself before issued.sqlite
OLD_AREA_RECORD = "issued-provinces.json"
AREA_KEYS = {"province": "area"}  # an old area entry's key -> the record's field


def _read(path: Path) -> dict[str, list[dict[str, Any]]]:
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8"))


def read_old(output_dir: Path) -> tuple[list[dict], list[dict], list[dict]]:
    """(the workspace's issued reports, those pending, the area reports), as the JSON files
    hold them; an area entry's "province" is given as "area"."""
    main = _read(output_dir / VIEW_NAME)
    areas = [
        {AREA_KEYS.get(key, key): value for key, value in entry.items()}
        for entry in _read(output_dir / OLD_AREA_RECORD).get("reports", [])
    ]
    return main.get("reports", []), main.get("pending", []), areas


def old_files(output_dir: Path) -> bool:
    """Whether there is a JSON record to import (or the view of a database that was lost)."""
    return (output_dir / VIEW_NAME).is_file() or (output_dir / OLD_AREA_RECORD).is_file()


def remove_old(output_dir: Path) -> None:
    """Once imported: the old area record goes (`issued.json` becomes the view)."""
    (output_dir / OLD_AREA_RECORD).unlink(missing_ok=True)


def write_view(output_dir: Path, reports: list[dict[str, Any]]) -> None:
    """`issued.json`: the workspace's issued reports, rewritten (atomically, flushed to disk)
    only when they changed."""
    data = (json.dumps({"reports": reports}, indent=2) + "\n").encode("utf-8")
    path = output_dir / VIEW_NAME
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)
