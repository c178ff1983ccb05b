"""How fast sitrep loads and validates big inputs: a displacement CSV and an xlsx workbook.

    .venv/bin/python bench/bench_inputs.py [rows_csv] [rows_xlsx]

The files are generated in a temporary folder (not timed): a CSV with the quirks of real ones
(thousands separators, day-first and ISO dates, place names and P-codes, words in any case) and
an xlsx written with openpyxl's write-only mode. Timed: load_table + validate_table, as
`sitrep validate` runs them. Peak RSS is the process's maximum resident set (resource).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from sitrep.inputs.load import Limits, load_table
from sitrep.settings.config import InputSource
from sitrep.validate.tables import validate_table
from tests.geo_helpers import afg_gazetteer  # the global list and the sample's aliases (Banu)

DISTRICTS = ["AF0907", "Banu", "AF0901", "Puli Khumri", "AF0801", "Bazarak", "af0305", "Rukha"]
HEADER = ["date", "district", "origin", "families", "people", "cause", "source"]


def displacement_rows(n: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    start = dt.date(2021, 1, 1)
    rows = []
    for i in range(n):
        day = start + dt.timedelta(days=i % 230)
        date = day.strftime("%d/%m/%Y") if i % 2 else day.isoformat()
        families = rng.randint(1, 400)
        people = f"{families * 7:,}" if i % 3 else str(families * 7)
        rows.append(
            [date, DISTRICTS[i % len(DISTRICTS)], f"village {i % 97}", families, people,
             "Armed clashes", "Partner key informants"]
        )  # fmt: skip
    return rows


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Displacement log (illustrative)"])
        writer.writerow(HEADER)
        writer.writerows(displacement_rows(n))


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("displacement")
    sheet.append(HEADER)
    sheet.append(["#date+occurred", "#adm2+code", "#loc+name+origin", "#affected+displaced+hh",
                  "#affected+displaced+ind", "#cause+type", "#meta+source"])  # fmt: skip
    for row in displacement_rows(n):
        row[4] = int(str(row[4]).replace(",", ""))
        sheet.append(row)
    workbook.save(path)


def timed(source: InputSource, workspace: Path) -> dict:
    start = time.perf_counter()
    raw, problems = load_table("displacement", source, workspace, Limits())
    loaded = time.perf_counter()
    assert raw is not None, problems
    table, problems = validate_table(raw, afg_gazetteer())
    done = time.perf_counter()
    errors = sum(p.severity == "error" for p in problems)
    return {
        "rows": len(table.frame),
        "load_s": round(loaded - start, 2),
        "validate_s": round(done - loaded, 2),
        "total_s": round(done - start, 2),
        "rows_per_s": int(len(table.frame) / (done - start)),
        "errors": errors,
        "file_mb": round(source.path.stat().st_size / 1024 / 1024, 1),
    }


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_inputs(rows_csv: int = 1_000_000, rows_xlsx: int = 200_000) -> dict:
    """Generate both files, load and validate each; the timings and peak RSS (MB)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path, xlsx_path = folder / "displacement.csv", folder / "displacement.xlsx"
        write_csv(csv_path, rows_csv)
        write_xlsx(xlsx_path, rows_xlsx)
        baseline = peak_rss_mb()
        result = {"csv": timed(InputSource(csv_path), folder)}
        result["csv"]["peak_rss_mb"] = peak_rss_mb()
        result["xlsx"] = timed(InputSource(xlsx_path, "displacement"), folder)
        result["xlsx"]["peak_rss_mb"] = peak_rss_mb()
        result["rss_before_mb"] = baseline
    return result


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(bench_inputs(*args))
