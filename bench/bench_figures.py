"""Figures at national scale (issue 14): the cost of IDPs present on a DTM-sized table, and a
national report's pages and build time against the WeasyPrint floor of its own HTML.

    python bench/bench_figures.py [--repeat N]          # prints JSON

The workspace is the sample (its country's gazetteer knows every Afghan area) with a DTM-like
IDPs table
(401 districts and 34 provinces, two operations, 19 rounds, a row per displacement reason:
about 11,400 rows, figures invented) and new displacement in 150 districts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PCODES = ROOT / "sitrep" / "data" / "global_pcodes_adm_1_2.csv"
sys.path.insert(0, str(BENCH))


def national_workspace(target: Path) -> Path:
    """The sample copied to `target`, with national tables (see the top)."""
    for name in ("sitrep.toml",):
        shutil.copy2(ROOT / name, target / name)
    shutil.copytree(ROOT / "inputs", target / "inputs")
    shutil.copytree(ROOT / "templates", target / "templates")
    with PCODES.open(encoding="utf-8-sig") as f:
        areas = [r for r in list(csv.DictReader(f))[1:] if r["Location"] == "AFG"]
    districts = sorted(a["P-Code"] for a in areas if a["Admin Level"] == "2")
    rows = []
    for operation, rounds in (("Countrywide", range(1, 16)), ("Earlier response", range(1, 5))):
        for r in rounds:
            day = dt.date(2016 if operation != "Countrywide" else 2018, 1, 1) + dt.timedelta(
                days=91 * r
            )
            if day > dt.date(2021, 8, 24):
                day = dt.date(2021, 6, 30)
            provinces: dict[str, int] = {}
            for i, pcode in enumerate(districts):
                if (i + r) % 9 == 0:
                    continue  # areas leave and come back
                n = (i * 7919 + r * 313) % 9000 + 150
                parts = [n - n // 3, n // 3] if i % 5 > 1 else [n]
                for reason, part in zip(("conflict", "natural disaster"), parts, strict=False):
                    rows.append((day, pcode, part, r, reason, operation))
                provinces[pcode[:4]] = provinces.get(pcode[:4], 0) + n
            rows += [(day, p, n, r, "", operation) for p, n in provinces.items()]
    with (target / "inputs/idps.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "area", "idps", "round", "reason", "operation", "source"])
        writer.writerows([(*row, "Invented DTM-like") for row in rows])
    with (target / "inputs/displacement.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "district", "families", "people", "source"])
        for i, pcode in enumerate(districts[::2][:150]):
            writer.writerow([dt.date(2021, 8, 15 + i % 10), pcode, "", 40 + (i * 31) % 700, "KI"])
    toml = (target / "sitrep.toml").read_text()
    for name in ("idps", "displacement"):
        toml = "\n".join(
            f'{name} = "inputs/{name}.csv"' if line.startswith(f"{name} = ") else line
            for line in toml.splitlines()
        )
    (target / "sitrep.toml").write_text(toml + "\n")
    return target


def figures_cost(workspace: Path, repeat: int) -> dict:
    """compute_figures with and without the IDPs table (validated once), median of `repeat`."""
    from dataclasses import replace

    from sitrep.figures.compute import compute_figures
    from sitrep.inputs.cod import base_gazetteer
    from sitrep.pipeline import check_inputs
    from sitrep.validate.tables import workspace_gazetteer

    checked = check_inputs(workspace)
    gazetteer = workspace_gazetteer(checked.tables, base_gazetteer(checked.config))
    config, day = checked.config, checked.date
    without = {k: v for k, v in checked.tables.items() if k != "idps"}
    timings: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(repeat):
        for name, tables in (("with", checked.tables), ("without", without)):
            start = time.perf_counter()
            compute_figures(tables, replace(config), gazetteer, day)
            timings[name].append(time.perf_counter() - start)
    with_s, without_s = (statistics.median(timings[k]) for k in ("with", "without"))
    return {
        "idps_rows": len(checked.tables["idps"].frame),
        "with_s": round(with_s, 3),
        "without_s": round(without_s, 3),
        "idps_cost_s": round(with_s - without_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("part", nargs="?", choices=["figures"], help=argparse.SUPPRESS)
    parser.add_argument("workspace", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.part == "figures":  # in a fresh process, asked for by the parent
        print(json.dumps(figures_cost(Path(args.workspace), args.repeat)))
        return
    from bench_build import bench_sample
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory(prefix="sitrep-bench-national-") as tmp:
        ws = national_workspace(Path(tmp))
        cmd = [sys.executable, __file__, "--repeat", str(args.repeat), "figures", str(ws)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        result = {"figures": json.loads(out.strip().splitlines()[-1])}
        result["build"] = bench_sample(ws, args.repeat)
        pdf = sorted((ws / "output").glob("*/*.pdf"))[-1]
        result["pages"] = len(PdfReader(pdf).pages)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
