"""Geography (issue 13): what loading a country's P-codes adds to a build, and validating a
national DTM export.

    .venv/bin/python bench/bench_geo.py

1. Loading one country, in a fresh process, 7 times (median): after what a build imports
   anyway (pandas, calamine, Babel with the report's locale), the geography modules' import
   (rapidfuzz included), the country found by its name (`resolve_country`: CLDR's territory
   names) and its areas loaded (`country_gazetteer`: the country's rows of the shipped list,
   read through its index; Brazil is the largest, 5,599 areas). Memory: the resident set added.
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
# What a build does anyway before its places matter: pandas, sitrep's loaders' own libraries,
# and Babel with the report's locale (the report's dates and numbers are formatted with it).
# Then, timed: the geography modules' import (rapidfuzz included), the country found by its
# name, its areas loaded. Memory: resident set before and after (what the process keeps).
PROBE = """
import time, os
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20
import pandas, babel, python_calamine
babel.Locale.parse('en').decimal_formats
m0, t0, c0 = rss(), time.perf_counter(), time.process_time()
import sitrep.geo.gazetteer
t1 = time.perf_counter()
country = sitrep.geo.gazetteer.resolve_country(NAME)
t2 = time.perf_counter()
g = sitrep.geo.gazetteer.country_gazetteer(country.iso3)
t3 = time.perf_counter()
assert g.country.iso3 == ISO3 and len(g.areas) > 10
print(t1 - t0, t2 - t1, t3 - t2, rss() - m0, time.process_time() - c0)
"""


def _fresh(code: str) -> list[float]:
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return [float(v) for v in out.stdout.split()]


def country_cost(iso3: str, name: str, repeats: int = 7) -> dict:
    """What `report.country = name` adds to a build, in a fresh process (median of repeats)."""
    code = PROBE.replace("NAME", repr(name)).replace("ISO3", repr(iso3))
    runs = [_fresh(code) for _ in range(repeats)]
    imports, resolve, load, mb, cpu = (statistics.median(r[i] for r in runs) for i in range(5))
    return {
        "country": name,
        "import_s": round(imports, 3),
        "resolve_s": round(resolve, 3),
        "load_s": round(load, 3),
        "total_s": round(imports + resolve + load, 3),
        "total_cpu_s": round(cpu, 3),  # CPU time: what a loaded host's wall time inflates
        "added_mb": round(mb, 1),
    }


def dtm_export(path: Path, rows: int = 11_377) -> Path:
    """An Afghanistan-sized DTM export (the sample's country: tests and benches may name it)."""
    from sitrep.geo.gazetteer import country_gazetteer

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
    from sitrep.geo.gazetteer import country_gazetteer
    from sitrep.inputs.load import load_table
    from sitrep.settings.config import InputSource
    from sitrep.validate.tables import validate_table

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
