"""`make bench`: every performance figure of issues 7 and 8 in one run, each next to its target.

    .venv/bin/python bench/run.py [--quick] [--skip-inputs] [--skip-send] [--skip-preview]
                                  [--record]

Measures, on copies of the sample workspace in a temporary folder (nothing in the repository is
written unless --record):
  - a full build of the sample vs the floor (WeasyPrint alone on the same HTML, fresh process);
  - a rebuild with nothing changed (the cache), and `sitrep --help`;
  - validate + figures on a 1,000,000-row CSV and a 200,000-row workbook, at several sizes;
  - `build --each area` on the sample scaled to 34 provinces: 2 workers vs 1, and each
    report's cost vs the floor of its own HTML;
  - peak memory of each; bench_send (the email engineer's) when bench/bench_send.py exists;
  - `sitrep preview`: from a save to the open page showing it, in Chromium (bench_preview).
--record writes the table and the machine into bench/README.md (between the results markers).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the bench modules, run from anywhere
sys.path.insert(1, str(BENCH.parent))

from bench_build import (  # noqa: E402  (after the path set-up above)
    bench_each,
    bench_each_per_report,
    bench_help,
    bench_rebuild,
    bench_sample,
)
from measure import compile_sitrep, machine, run  # noqa: E402
from scaled import make_scaled_workspace, make_workspace  # noqa: E402

README = BENCH / "README.md"
START, END = "<!-- results: start -->", "<!-- results: end -->"


class Table:
    """Rows of (measurement, value, target, verdict), printed as Markdown."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, what: str, value: str, target: str = "", met: bool | None = None) -> None:
        verdict = "" if met is None else ("met" if met else "NOT MET")
        self.rows.append((what, value, target, verdict))
        print(f"  {what}: {value}" + (f"  (target {target}: {verdict})" if target else ""))
        sys.stdout.flush()

    def markdown(self) -> str:
        lines = ["| measurement | value | target | |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(lines)


def _optional(name: str, function: str):
    """bench/<name>.py's `function`, if another engineer has written it; else None."""
    path = BENCH / f"{name}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return getattr(module, function, None)


def build_figures(table: Table, tmp: Path, repeat: int) -> None:
    print("sample build vs floor ...", flush=True)
    sample = bench_sample(make_workspace(tmp / "sample"), repeat)
    s, f = sample["sitrep"], sample["floor"]
    table.add("full build of the sample, `sitrep build --force`", f"{s['median_s']:.2f} s")
    table.add("floor: WeasyPrint alone, same HTML, fresh process", f"{f['median_s']:.2f} s")
    table.add("build / floor", f"{sample['ratio']:.2f} x", "<= 1.15 x", sample["ratio"] <= 1.15)
    table.add(
        "peak memory: build / floor", f"{s['tree_peak_mb']:.0f} MB / {f['tree_peak_mb']:.0f} MB"
    )
    rebuild = bench_rebuild(tmp / "sample", repeat)
    table.add(
        "rebuild, nothing changed (`sitrep build`)",
        f"{rebuild['median_s']:.2f} s, {rebuild['peak_mb']:.0f} MB",
        "<= 0.5 s",
        rebuild["median_s"] <= 0.5,
    )
    help_ = bench_help(repeat)
    table.add(
        "`sitrep --help`",
        f"{help_['median_s']:.2f} s, {help_['peak_mb']:.0f} MB",
        "<= 0.3 s",
        help_["median_s"] <= 0.3,
    )


def each_figures(table: Table, tmp: Path, repeat: int, provinces: int) -> None:
    print(f"--each area on {provinces} provinces ...", flush=True)
    workspace = make_scaled_workspace(tmp / "scaled", provinces)
    each = bench_each(workspace, repeat)
    one, two = each["workers_1"], each["workers_2"]
    table.add(
        f"`build --each area`, {each['reports']} reports, 1 worker",
        f"{one['median_s']:.2f} s, peak {one['tree_peak_mb']:.0f} MB",
    )
    table.add(
        "the same, 2 workers",
        f"{two['median_s']:.2f} s, peak {two['tree_peak_mb']:.0f} MB (all processes)",
    )
    table.add(
        "speedup, 2 workers vs 1", f"{each['speedup']:.2f} x", ">= 1.7 x", each["speedup"] >= 1.7
    )
    per = bench_each_per_report(workspace, 3)
    table.add(
        "each area report (worker: filter, figures, HTML, PDF) / floor of its HTML, "
        "measured in turns",
        f"max {per['max_ratio']:.2f} x ({per['max_area']}), median "
        f"{per['median_ratio']:.2f} x, all {per['total_ratio']:.2f} x "
        f"({per['mean_cost_s']:.3f} s vs {per['mean_floor_s']:.3f} s a report; the same "
        f"layout varies by {per['floor_spread']:.2f} x)",
    )
    table.add(
        "each area report: 1 + its HTML stage / its layout (the PDF step is the floor's call)",
        f"max {per['max_share_ratio']:.3f} x ({per['max_share_area']}; HTML stage "
        f"{per['mean_html_s'] * 1000:.0f} ms a report, at most {per['max_html_s'] * 1000:.0f} ms)",
        "<= 1.1 x each",
        per["max_share_ratio"] <= 1.1,
    )


def _linear(points: list[dict]) -> tuple[float, bool]:
    """Seconds per row at the largest size / at the smallest: about 1 when cost is linear."""
    small, large = points[0], points[-1]
    growth = (large["seconds"] / large["rows"]) / (small["seconds"] / small["rows"])
    return growth, growth <= 1.25


def _bench_inputs(csv_rows: int, xlsx_rows: int) -> dict | None:
    """bench/bench_inputs.py's bench_inputs (the inputs engineer's), in a fresh process so its
    peak memory is its own; None when the file is absent."""
    if not (BENCH / "bench_inputs.py").is_file():
        return None
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from bench_inputs import bench_inputs; "
        "print(json.dumps(bench_inputs(int(sys.argv[2]), int(sys.argv[3])), default=str))"
    )
    cmd = [sys.executable, "-c", code, str(BENCH), str(csv_rows), str(xlsx_rows)]
    result = run(cmd)
    if result.returncode:
        return {"failed": result.stderr.strip().splitlines()[-1:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def inputs_figures(table: Table, quick: bool) -> None:
    print("validate + figures on large inputs ...", flush=True)
    csv_rows, xlsx_rows = (100_000, 20_000) if quick else (1_000_000, 200_000)
    if external := _bench_inputs(csv_rows, xlsx_rows):
        for key, value in external.items():
            table.add(f"bench_inputs (load + validate): {key}", json.dumps(value, default=str))
    from inputs_scaling import bench_inputs_fallback

    # Ours adds figures and a second size, for the growth: validate + figures, fresh processes.
    sizes = {k: [n // 4, n] for k, n in (("csv", csv_rows), ("xlsx", xlsx_rows))}
    results = bench_inputs_fallback(sizes["csv"], sizes["xlsx"])
    for kind, points in results.items():
        for p in points:
            table.add(
                f"validate + figures, {p['rows']:,}-row {kind}",
                f"{p['seconds']:.1f} s (validate {p['validate_s']:.1f} s, figures "
                f"{p['figures_s']:.1f} s), {p['rows'] / p['seconds']:,.0f} rows/s, "
                f"peak {p['peak_mb']:.0f} MB",
            )
        growth, linear = _linear(points)
        table.add(
            f"{kind}: seconds a row at {points[-1]['rows']:,} / at {points[0]['rows']:,}",
            f"{growth:.2f}",
            "linear (<= 1.25)",
            linear,
        )


def send_figures(table: Table) -> None:
    if not (bench_send := _optional("bench_send", "bench_send")):
        return
    print("bench_send ...", flush=True)
    for key, value in bench_send(n=1000).items():
        table.add(f"bench_send (1,000 messages): {key}", str(value))


def preview_figures(table: Table, repeat: int) -> None:
    """How soon the open preview page shows a save (issue 8: within 0.5 s), in a real browser."""
    print("sitrep preview: save -> page ...", flush=True)
    from bench_preview import bench_preview

    for kind, value in bench_preview(repeat).items():
        if "median_s" not in value:
            table.add(f"preview: {kind}", f"{value['seconds']:.2f} s")
            continue
        table.add(
            f"preview: save -> page shows it, {kind}",
            f"median {value['median_s']:.2f} s, worst {value['max_s']:.2f} s of "
            f"{value['saves']} (render {value['render_median_s']:.2f} s)",
            "< 0.5 s",
            value["max_s"] < 0.5,
        )


def record(table: Table, info: dict[str, str], seconds: float) -> None:
    """Replace the results section of bench/README.md."""
    text = README.read_text("utf-8") if README.is_file() else f"{START}\n{END}\n"
    machine_line = ", ".join(f"{k} {v}" for k, v in info.items())
    section = (
        f"{START}\nRecorded {time.strftime('%Y-%m-%d %H:%M')} in {seconds / 60:.1f} min on: "
        f"{machine_line}.\n\n{table.markdown()}\n{END}"
    )
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    README.write_text(head + section + tail, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller inputs")
    parser.add_argument("--skip-inputs", action="store_true")
    parser.add_argument("--skip-send", action="store_true")
    parser.add_argument("--skip-preview", action="store_true")
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--record", action="store_true", help="write the table to README.md")
    args = parser.parse_args()
    compile_sitrep()

    start = time.perf_counter()
    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    table = Table()
    repeat = 3 if args.quick else 5
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-") as tmp:
        build_figures(table, Path(tmp), repeat)
        each_figures(table, Path(tmp), 1 if args.quick else 2, args.provinces)
    if not args.skip_inputs:
        inputs_figures(table, args.quick)
    if not args.skip_send:
        send_figures(table)
    if not args.skip_preview:
        preview_figures(table, 5 if args.quick else 10)
    info["load at the end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("\n" + table.markdown())
    if args.record:
        record(table, info, time.perf_counter() - start)
        print(f"\nrecorded in {README}")


if __name__ == "__main__":
    main()
