"""The general figures (issue 30) at scale: 20 declared indicators over 50,000 indicator rows and
a 5,000-row response table. Computing every figure (target: under 1 s, linear in rows) and the
build against the WeasyPrint floor of its own HTML (target: within 1.2 x).

    python bench/bench_general.py [--repeat N]          # prints JSON

The workspace is the sample (its gazetteer knows every Afghan area, its needs and funding files
stay) with the generated tables (figures invented): ten stocks and ten flows, four of them key
figures, each from one source, by district and by province (a province's row beside its
districts'), dated over the two months before the report; a 4W of 10 clusters and 30
organisations whose figures rise report after report.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from bench_figures import PCODES, national_workspace  # noqa: E402 (bench/ is no package)

DAY = dt.date(2021, 8, 24)
INDICATORS, RESPONSE = 50_000, 5_000


def _districts() -> list[str]:
    with PCODES.open(encoding="utf-8-sig") as f:
        rows = [r for r in list(csv.DictReader(f))[1:] if r["Location"] == "AFG"]
    return sorted(r["P-Code"] for r in rows if r["Admin Level"] == "2")


def write_tables(target: Path, indicator_rows: int, response_rows: int) -> None:
    """The generated indicators and response tables, and their declarations."""
    rng = random.Random(30)
    districts = _districts()
    keys = [f"stock_{i:02d}" for i in range(10)] + [f"flow_{i:02d}" for i in range(10)]
    seen: set[tuple] = set()
    with (target / "inputs/indicators.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["indicator", "date", "area", "value", "women", "men", "girls", "boys",
                         "source"])  # fmt: skip
        written = 0
        while written < indicator_rows:
            key = keys[written % len(keys)]
            area = rng.choice(districts)
            if rng.random() < 0.05:
                area = area[:4]  # a province's row beside its districts'
            day = DAY - dt.timedelta(days=rng.randrange(60))
            if (key, area, day) in seen:
                continue
            seen.add((key, area, day))
            value = rng.randrange(10, 5000)
            parts = ["", "", "", ""]
            if key.endswith("0") and rng.random() < 0.7:
                women, girls, boys = value // 4, value // 5, value // 5
                parts = [women, value - women - girls - boys, girls, boys]
            writer.writerow([key, day, area, value, *parts, f"Source of {key}"])
            written += 1
    clusters = [f"Cluster {i}" for i in range(10)]
    with (target / "inputs/response.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["cluster", "organisation", "area", "activity", "targeted", "reached",
                         "date", "source"])  # fmt: skip
        for i in range(response_rows):
            targeted = rng.randrange(500, 20000)
            writer.writerow([rng.choice(clusters), f"Org {i % 30}", rng.choice(districts),
                             f"Activity {i % 7}", targeted, rng.randrange(0, targeted),
                             DAY - dt.timedelta(days=rng.randrange(60)), "4W"])  # fmt: skip
    toml = (target / "sitrep.toml").read_text()
    toml = "\n".join(
        line for line in toml.splitlines() if not line.startswith(("indicators =", "response ="))
    )
    toml = toml.replace(
        "[inputs]\n",
        '[inputs]\nindicators = "inputs/indicators.csv"\nresponse = "inputs/response.csv"\n',
    )
    toml = toml.split("# Each indicator the office tracks")[0]  # the sample's declarations
    email = "\n[email]\n" + toml.split("\n[email]\n", 1)[1] if "\n[email]\n" in toml else ""
    toml = toml.split("\n[email]\n", 1)[0] + email
    for n, key in enumerate(keys):
        kind = "stock" if key.startswith("stock") else "flow"
        toml += f'\n[indicators.{key}]\nlabel = "{key}"\nkind = "{kind}"\n'
        toml += "key_figure = true\n" if n in (0, 1, 10, 11) else ""
    (target / "sitrep.toml").write_text(toml + "\n")


def figures_cost(workspace: Path, repeat: int) -> dict:
    """compute_figures with and without the generated tables (validated once), median."""
    from dataclasses import replace

    from sitrep.figures.compute import compute_figures
    from sitrep.inputs.cod import base_gazetteer
    from sitrep.report import check_inputs
    from sitrep.validate.tables import workspace_gazetteer

    checked = check_inputs(workspace, DAY)
    assert not [p for p in checked.problems if p.severity == "error"], checked.problems[:3]
    gazetteer = workspace_gazetteer(checked.tables, base_gazetteer(checked.config))
    config = checked.config
    general = ("indicators", "response", "needs", "funding")
    without = {k: v for k, v in checked.tables.items() if k not in general}
    timings: dict[str, list[float]] = {"with": [], "without": []}
    for _ in range(repeat):
        for name, tables in (("with", checked.tables), ("without", without)):
            start = time.perf_counter()
            compute_figures(tables, replace(config), gazetteer, DAY)
            timings[name].append(time.perf_counter() - start)
    with_s, without_s = (statistics.median(timings[k]) for k in ("with", "without"))
    return {
        "indicator_rows": len(checked.tables["indicators"].frame),
        "response_rows": len(checked.tables["response"].frame),
        "all_figures_s": round(with_s, 3),
        "general_figures_s": round(with_s - without_s, 3),
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

    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-general-") as tmp:
        for scale in (4, 1):  # a quarter of the rows, then all: linear in rows?
            ws = Path(tmp) / f"ws{scale}"
            ws.mkdir()
            national_workspace(ws)
            write_tables(ws, INDICATORS // scale, RESPONSE // scale)
            cmd = [sys.executable, __file__, "--repeat", str(args.repeat), "figures", str(ws)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            result[f"figures_1/{scale}"] = json.loads(out.strip().splitlines()[-1])
        full, quarter = result["figures_1/1"], result["figures_1/4"]
        result["linear"] = round(
            (full["general_figures_s"] / full["indicator_rows"])
            / (quarter["general_figures_s"] / quarter["indicator_rows"]),
            2,
        )
        result["build"] = bench_sample(ws, args.repeat)
        pdf = sorted((ws / "output").glob("*/*.pdf"))[-1]
        result["pages"] = len(PdfReader(pdf).pages)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
