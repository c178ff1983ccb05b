"""Validate + figures on large displacement tables, at several sizes, each in a fresh process.

Used by run.py when bench/bench_inputs.py (the inputs engineer's) is absent. A table replaces
the sample's displacement sheet through an --input override (`check_inputs(..., inputs=...)`);
the other tables stay the sample's. Generated files are kept in the system's temporary folder
(sitrep-bench-cache/) between runs: writing a 200,000-row workbook takes longer than reading it.

    python bench/inputs_scaling.py child WORKSPACE PATH[#SHEET]   (one measurement, as JSON)
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from measure import checked, run
from scaled import make_workspace, write_displacement_csv, write_displacement_xlsx

CACHE = Path(tempfile.gettempdir()) / "sitrep-bench-cache"


def generated(kind: str, rows: int) -> str:
    """The path (with #sheet for a workbook) of a generated table of `rows` rows."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"displacement-{rows}.{kind}"
    if not path.is_file():
        partial = path.with_suffix(f".partial.{kind}")
        writer = write_displacement_csv if kind == "csv" else write_displacement_xlsx
        writer(partial, rows)
        partial.replace(path)
    return str(path) + ("#displacement" if kind == "xlsx" else "")


def measure(workspace: Path, source: str) -> dict:
    result = checked(run([sys.executable, __file__, "child", str(workspace), source]), source)
    return {**json.loads(result.stdout), "peak_mb": result.peak_mb}


def bench_inputs_fallback(csv_sizes: list[int], xlsx_sizes: list[int]) -> dict:
    """{"csv": [...], "xlsx": [...]}: rows, seconds, rows/s and peak memory at each size."""
    with tempfile.TemporaryDirectory() as tmp:
        workspace = make_workspace(Path(tmp) / "ws")
        return {
            kind: [measure(workspace, generated(kind, rows)) for rows in sizes]
            for kind, sizes in (("csv", csv_sizes), ("xlsx", xlsx_sizes))
        }


def _child(workspace: Path, source: str) -> dict:
    """Load + validate, then figures, in this (fresh) process."""
    from sitrep.figures.compute import compute_figures
    from sitrep.inputs.cod import base_gazetteer
    from sitrep.pipeline import check_inputs
    from sitrep.settings.config import InputSource
    from sitrep.validate.tables import workspace_gazetteer

    start = time.perf_counter()
    checked_inputs = check_inputs(
        workspace, None, {"displacement": InputSource.parse(source, Path.cwd())}
    )
    validated = time.perf_counter()
    tables, config = checked_inputs.tables, checked_inputs.config
    gazetteer = workspace_gazetteer(tables, base_gazetteer(config))
    compute_figures(tables, config, gazetteer, checked_inputs.date)
    done = time.perf_counter()
    errors = sum(p.severity == "error" for p in checked_inputs.problems)
    return {
        "rows": len(tables["displacement"].frame),
        "validate_s": validated - start,
        "figures_s": done - validated,
        "seconds": done - start,
        "errors": errors,
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        print(json.dumps(_child(Path(sys.argv[2]), sys.argv[3])))
