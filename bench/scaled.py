"""Scaled inputs for the benchmark: the sample workspace, with generated rows.

    make_workspace(folder)                       the sample, as the tests copy it
    make_scaled_workspace(folder, provinces=34)  the sample, displacement and blockades in 34
                                                 provinces (AF01..AF34), for --each area
    write_displacement_csv(path, rows)           a displacement table of `rows` rows
    write_displacement_xlsx(path, rows)          the same, as a workbook sheet

Every generated P-code resolves through the built-in gazetteer: districts where it has them
(the sample's four provinces), the province P-code itself elsewhere (the `district` column and a
blockade's `area` accept a province P-code). Rows are deterministic (seeded), dated in the
sample's period, 2021-08-15 to 2021-08-24.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

from sitrep.tableschema import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent
FIRST_DAY = dt.date(2021, 8, 15)
DAYS = 10  # 15 to 24 August 2021, the sample's period
DISPLACEMENT_HEADER = ["id", "date", "district", "families", "people", "cause", "source"]
BLOCKADE_HEADER = [c.name for c in SCHEMAS["blockades"].columns]


def make_workspace(target: Path) -> Path:
    """A copy of the repository's sample workspace, without its output."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "sitrep.toml", target / "sitrep.toml")
    shutil.copytree(ROOT / "inputs", target / "inputs")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", target / "templates")
    return target


def _pcodes(provinces: int) -> list[list[str]]:
    """Per province AF01..AFnn: its districts in the global P-code list, else the province."""
    from sitrep.geo.gazetteer import country_gazetteer

    gazetteer = country_gazetteer("AFG")
    out = []
    for i in range(1, provinces + 1):
        province = f"AF{i:02d}"
        districts = sorted(a.pcode for a in gazetteer.level(2) if a.parent == province)
        out.append(districts or [province])
    return out


def displacement_rows(rows: int, provinces: int = 34, seed: int = 7) -> Iterator[list[object]]:
    """`rows` displacement rows spread over the provinces and the period's days."""
    rng = random.Random(seed)
    pcodes = [p for group in _pcodes(provinces) for p in group]
    for i in range(rows):
        day = FIRST_DAY + dt.timedelta(days=i % DAYS)
        families = rng.randint(1, 60)
        people = families * 7 if i % 3 else ""  # a third given as families only
        yield [
            f"D{i + 1:07d}",
            day.isoformat(),
            pcodes[(i // DAYS) % len(pcodes)],
            families,
            people,
            "Conflict",
            f"Generated source {i % 5}",
        ]


def blockade_rows(provinces: int = 34) -> Iterator[list[object]]:
    """One or two blockades in most provinces, some lifted within the period."""
    for i, group in enumerate(_pcodes(provinces)):
        for j in range(1 + i % 2):
            start = FIRST_DAY + dt.timedelta(days=(i + j) % 7)
            lifted = (i + j) % 4 == 0
            end = (start + dt.timedelta(days=2)).isoformat() if lifted else ""
            yield [
                f"B{i + 1:02d}{j}",
                "food" if j == 0 else "fuel",
                group[j % len(group)],
                f"Place {i + 1}-{j}",
                "Armed group",
                start.isoformat(),
                end,
                1000 * (i + 1),
                "lifted" if lifted else "ongoing",
                "",  # verified
                "Generated source",
            ]


def write_csv(path: Path, header: list[str], rows: Iterator[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_displacement_csv(path: Path, rows: int, provinces: int = 34) -> Path:
    return write_csv(path, DISPLACEMENT_HEADER, displacement_rows(rows, provinces))


def write_displacement_xlsx(path: Path, rows: int, provinces: int = 34) -> Path:
    """A one-sheet workbook (sheet "displacement"), written streaming to bound memory."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("displacement")
    sheet.append(DISPLACEMENT_HEADER)
    for row in displacement_rows(rows, provinces):
        sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def make_scaled_workspace(target: Path, provinces: int = 34, rows: int = 2040) -> Path:
    """The sample workspace with displacement and blockades in `provinces` provinces."""
    make_workspace(target)
    write_displacement_csv(target / "inputs" / "scaled-displacement.csv", rows, provinces)
    write_csv(target / "inputs" / "scaled-blockades.csv", BLOCKADE_HEADER, blockade_rows(provinces))
    toml = (target / "sitrep.toml").read_text("utf-8")
    toml = toml.replace(
        'displacement = "inputs/sample-data.xlsx#displacement"',
        'displacement = "inputs/scaled-displacement.csv"',
    ).replace(
        'blockades = "inputs/sample-data.xlsx#blockades"',
        'blockades = "inputs/scaled-blockades.csv"',
    )
    (target / "sitrep.toml").write_text(toml, "utf-8")
    return target
