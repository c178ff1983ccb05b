"""Geography (issue 13): what loading a country's P-codes adds to a build, and validating a
national DTM export.

    .venv/bin/python bench/bench_geo.py

1. Loading one country. Two fresh processes, alternated, 7 times each: both import what a
   build imports anyway before validating (pandas, sitrep's config and loaders, Babel with the
   report's locale); one then finds the country by its name (`resolve_country`: CLDR's
   territory names) and loads its gazetteer (`country_gazetteer`: rapidfuzz, and the
   country's rows of the shipped list read through its index; Brazil is the largest, 5,599).
   The figure is the difference of the medians (wall time) and of the peak resident memory.
2. A national DTM export: 11,377 rows like Afghanistan's (401 districts of the global list, 19
   rounds, national, province and district rows mixed, two reasons a district) read and
   validated as `--input idps` (`load_table` + `validate_table`), in one process after a
   warm-up, median of 5.
"""

from __future__ import annotations

import csv
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# What a build does anyway before its places matter: pandas, sitrep's loaders, and Babel with
# the report's locale (the report's dates and numbers are formatted with it).
BASE = (
    "import resource, time; t = time.perf_counter(); "
    "import pandas, babel, sitrep.config, sitrep.load, sitrep.validate; "
    "babel.Locale.parse('en').decimal_formats; "
)
END = "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"


def _fresh(code: str) -> tuple[float, float]:
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    seconds, mb = out.stdout.split()
    return float(seconds), float(mb)


def country_cost(iso3: str, name: str, repeats: int = 7) -> dict:
    """What `report.country = name` adds: the country found by name, its areas loaded."""
    load = (
        "from sitrep.gazetteer import country_gazetteer, resolve_country; "
        f"g = country_gazetteer(resolve_country({name!r}).iso3); "
        f"assert g.country.iso3 == {iso3!r} and len(g.areas) > 10; "
    )
    base, with_country = [], []
    for _ in range(repeats):
        base.append(_fresh(BASE + END))
        with_country.append(_fresh(BASE + load + END))
    seconds = statistics.median(s for s, _ in with_country) - statistics.median(s for s, _ in base)
    mb = statistics.median(m for _, m in with_country) - statistics.median(m for _, m in base)
    return {"country": name, "added_s": round(seconds, 3), "added_mb": round(mb, 1)}


def dtm_export(path: Path, rows: int = 11_377) -> Path:
    """An Afghanistan-sized DTM export (the sample's country: tests and benches may name it)."""
    from sitrep.gazetteer import country_gazetteer

    gazetteer = country_gazetteer("AFG")
    districts = gazetteer.level(2)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "id",
            "operation",
            "admin0Name",
            "admin0Pcode",
            "admin1Name",
            "admin1Pcode",
            "admin2Name",
            "admin2Pcode",
            "adminLevel",
            "numPresentIdpInd",
            "reportingDate",
            "roundNumber",
            "displacementReason",
        ]
    )
    writer.writerow(
        [
            "#id+code",
            "#operation+name",
            "#country+name",
            "#country+code",
            "#adm1+name",
            "#adm1+code",
            "#adm2+name",
            "#adm2+code",
            "#adm+level",
            "#affected+idps",
            "#date+reported",
            "#round+code",
            "#cause+type",
        ]
    )
    n = 0
    for round_number in range(1, 20):
        date = f"{2017 + round_number // 4}-{(round_number % 4) * 3 + 1:02d}-28T00:00:00"
        writer.writerow([n, "Baseline", "Afghanistan", "AFG", "", "", "", "", 0, 9999, date,
                         round_number, "Conflict"])  # fmt: skip
        n += 1
        for area in districts:
            for reason in ("Conflict", "natural disaster"):
                if n >= rows:
                    break
                parent = gazetteer.areas[area.parent]
                writer.writerow([n, "Baseline", "Afghanistan", "AFG", parent.name, parent.pcode,
                                 area.name, area.pcode, 2, 100 + n % 900, date, round_number,
                                 reason])  # fmt: skip
                n += 1
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def dtm_validation(repeats: int = 5) -> dict:
    from sitrep.config import InputSource
    from sitrep.gazetteer import country_gazetteer
    from sitrep.load import load_table
    from sitrep.validate import validate_table

    with tempfile.TemporaryDirectory() as folder:
        path = dtm_export(Path(folder) / "dtm.csv")
        lines = sum(1 for _ in path.open(encoding="utf-8-sig")) - 2
        times, loads = [], []
        for _ in range(repeats + 1):
            start = time.perf_counter()
            raw, problems = load_table("idps", InputSource(path), Path(folder), country="AFG")
            loaded = time.perf_counter()
            table, more = validate_table(raw, country_gazetteer("AFG"))
            times.append(time.perf_counter() - start)
            loads.append(loaded - start)
        errors = sum(p.severity == "error" for p in problems + more)
    return {
        "rows": lines,
        "areas_rows": len(table.frame),
        "errors": errors,
        "load_s": round(statistics.median(loads[1:]), 3),
        "load_validate_s": round(statistics.median(times[1:]), 3),
    }


def main() -> None:
    for iso3, name in (("HTI", "Haiti"), ("AFG", "Afghanistan"), ("BRA", "Brazil")):
        print(country_cost(iso3, name), flush=True)
    print(dtm_validation(), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
