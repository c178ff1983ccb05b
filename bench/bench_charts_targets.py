"""The two speed targets of issue 17 alone, without the rest of `make bench`.

    .venv/bin/python bench/bench_charts_targets.py [--provinces N] [--repeat N]

The drawings' own cost (bench_charts: sitrep's module vs matplotlib), the sample's build vs
its floor (bench_build.bench_sample) and each area report vs the floor of its own HTML
(bench_build.bench_each_per_report), on copies of the sample; prints one JSON object with the
load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import bench_each_per_report, bench_sample
from bench_charts import run as bench_charts
from measure import compile_sitrep
from scaled import make_scaled_workspace, make_workspace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    compile_sitrep()
    out: dict = {"load_before": os.getloadavg()}
    out["drawings"] = bench_charts(args.repeat)
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-charts-") as tmp:
        sample = bench_sample(make_workspace(Path(tmp) / "sample"), args.repeat)
        out["build_s"] = sample["sitrep"]["median_s"]
        out["floor_s"] = sample["floor"]["median_s"]
        out["build_over_floor"] = sample["ratio"]
        workspace = make_scaled_workspace(Path(tmp) / "scaled", args.provinces)
        out["per_report"] = bench_each_per_report(workspace, args.repeat)  # best of N, each side
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
