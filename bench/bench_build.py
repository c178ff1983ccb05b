"""Build benchmarks: sitrep against WeasyPrint's floor, the rebuild cache, --help, --each province.

Every figure is a fresh process (`sitrep ...` or `python bench/floor.py ...`), repeated and
reduced to the median; sitrep and the floor alternate, so a change in the machine's load touches
both. Each function takes a workspace it may write in (the caller makes a temporary copy).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from measure import Run, checked, median, run

BENCH = Path(__file__).resolve().parent


def sitrep_cmd(*args: str) -> list[str]:
    """The installed `sitrep` script beside this Python (as a user runs it), else `-m sitrep`."""
    script = Path(sys.executable).parent / "sitrep"
    return [str(script), *args] if script.is_file() else [sys.executable, "-m", "sitrep", *args]


def print_html(workspace: Path, out: Path) -> dict[Path, Path]:
    """The HTML each issued report's PDF was laid out from: PDF path -> that HTML, in `out`.

    `build` writes the HTML edition beside the PDF (assets inline, for browsers); the floor needs
    the HTML WeasyPrint was given. It is rendered again here, before any timing, with the very
    functions `build` and the batch's workers use, and the issued number; `_floor` checks that
    WeasyPrint on it gives the issued PDF byte for byte, so it cannot be another HTML.
    """
    from sitrep.issue.batch import shared_state
    from sitrep.issue.record import load_province_record, load_record
    from sitrep.issue.worker import Worker
    from sitrep.report import BuildOptions, render_report
    from sitrep.settings.config import load_config, template_dirs

    config = load_config(workspace)
    dirs = template_dirs(config.templates_dir)
    output = config.output_dir
    pages: dict[Path, str] = {}
    for issued in load_record(output):
        options = BuildOptions(workspace, issued.day)
        fixed = (issued.number, issued.revision)
        numbering = lambda _, fixed=fixed: fixed  # noqa: E731
        pages[output / issued.pdf] = render_report(config, options, dirs, numbering).html
    provinces = load_province_record(output)
    for day in sorted({e.day for e in provinces}):
        shared, _ = shared_state(BuildOptions(workspace, day), config, dirs, lambda: None)
        worker = Worker(shared)
        for e in provinces:
            if e.day == day:
                pages[output / e.pdf] = worker.html(e.province, e.revision)[0]
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for pdf, html in pages.items():
        path = out / f"{pdf.stem}.html"  # floor.py finds each file's attachments by its stem
        path.write_text(html, "utf-8")
        written[pdf] = path
    return written


def _print_html_apart(workspace: Path, out: Path) -> dict[Path, Path]:
    """`print_html` in a fresh process: importing sitrep here would enlarge this process, and
    Linux reports a child's peak memory as at least its parent's size when it was forked."""
    cmd = [sys.executable, __file__, "print-html", str(workspace), str(out)]
    pages = json.loads(checked(run(cmd), "print_html").stdout)
    return {Path(pdf): Path(html) for pdf, html in pages.items()}


def _floor(workspace: Path, pdfs: list[Path], repeat: int = 1) -> tuple[Run, dict]:
    """WeasyPrint alone on the HTML of each of `pdfs` (fresh process), with the variant and data
    files sitrep used. The JSON's "files" are keyed by PDF path."""
    from floor import attachments_of

    from sitrep.settings.config import load_config

    variant = getattr(load_config(workspace), "pdf_variant", None)
    with tempfile.TemporaryDirectory() as tmp:
        html = _print_html_apart(workspace, Path(tmp) / "html")
        pages = [html[pdf] for pdf in pdfs]
        cmd = [sys.executable, str(BENCH / "floor.py"), str(workspace), *map(str, pages)]
        cmd += ["--repeat", str(repeat), "--out", f"{tmp}/floor.pdf"]
        if variant:
            cmd += ["--variant", variant]
        for pdf in pdfs:
            attachments_of(pdf, Path(tmp) / "data" / pdf.stem)
        cmd += ["--attach", f"{tmp}/data"]
        result = checked(run(cmd), "floor")
        # The floor renders with sitrep's own function and options: it must give sitrep's bytes.
        if Path(f"{tmp}/floor.pdf").read_bytes() != pdfs[-1].read_bytes():
            raise RuntimeError(f"the floor's PDF differs from sitrep's for {pdfs[-1]}")
    timings = json.loads(result.stdout)
    by_page = {str(page): pdf for pdf, page in zip(pdfs, pages, strict=True)}
    timings["files"] = {str(by_page[k]): v for k, v in timings["files"].items()}
    return result, timings


def _summary(runs: list[Run]) -> dict:
    return {
        "median_s": median([r.seconds for r in runs]),
        "runs_s": [round(r.seconds, 3) for r in runs],
        "peak_mb": max(r.peak_mb for r in runs),
        "tree_peak_mb": max(r.tree_peak_mb for r in runs),
    }


def bench_sample(workspace: Path, repeat: int = 5) -> dict:
    """`sitrep build --force` on the sample vs WeasyPrint alone on the HTML it wrote."""
    checked(run(sitrep_cmd("-w", str(workspace), "build", "--force")), "sitrep build")
    pdf = sorted((workspace / "output").glob("*/*.pdf"))[-1]
    builds, floors = [], []
    for _ in range(repeat):
        builds.append(checked(run(sitrep_cmd("-w", str(workspace), "build", "--force")), "build"))
        floors.append(_floor(workspace, [pdf])[0])
    sitrep, floor = _summary(builds), _summary(floors)
    return {"sitrep": sitrep, "floor": floor, "ratio": sitrep["median_s"] / floor["median_s"]}


def bench_rebuild(workspace: Path, repeat: int = 5) -> dict:
    """`sitrep build` with nothing changed: the cache returns the issued PDF."""
    runs = [
        checked(run(sitrep_cmd("-w", str(workspace), "build")), "rebuild") for _ in range(repeat)
    ]
    if not all("unchanged" in r.stderr for r in runs):
        raise RuntimeError(f"the rebuild did not reuse the issued report:\n{runs[-1].stderr}")
    return _summary(runs)


def bench_help(repeat: int = 5) -> dict:
    return _summary([checked(run(sitrep_cmd("--help")), "--help") for _ in range(repeat)])


def bench_each(workspace: Path, repeat: int = 2) -> dict:
    """`sitrep build --each province --force` with 1 and with 2 worker processes."""
    checked(run(sitrep_cmd("-w", str(workspace), "build", "--each", "province")), "--each")
    runs: dict[int, list[Run]] = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (1, 2):
            cmd = sitrep_cmd(
                "-w", str(workspace), "build", "--each", "province", "--force", "--workers"
            )
            runs[workers].append(checked(run([*cmd, str(workers)]), f"--workers {workers}"))
    reports = sum(1 for line in runs[1][-1].stdout.splitlines() if line.endswith(".pdf"))
    one, two = _summary(runs[1]), _summary(runs[2])
    return {
        "reports": reports,
        "workers_1": one,
        "workers_2": two,
        "speedup": one["median_s"] / two["median_s"],
    }


def bench_each_per_report(workspace: Path, repeat: int = 2) -> dict:
    """Each province report's cost in a worker (figures, HTML, PDF) vs the warm floor of its HTML.

    Both in warm processes (WeasyPrint imported, first report done), the best of `repeat`.
    """
    cmd = [sys.executable, __file__, "per-report", str(workspace), str(repeat)]
    costs = json.loads(checked(run(cmd), "batch per report").stdout)
    pdfs = [Path(p) for p in costs]
    _, floor = _floor(workspace, pdfs, repeat + 1)
    ratios = {}
    for path in pdfs:
        floor_s = min(floor["files"][str(path)][1:])  # the first pass warms up, as above
        ratios[path.parent.name] = (costs[str(path)], floor_s, costs[str(path)] / floor_s)
    worst = max(ratios.items(), key=lambda kv: kv[1][2])
    total_cost = sum(c for c, _, _ in ratios.values())
    total_floor = sum(f for _, f, _ in ratios.values())
    return {
        "reports": len(ratios),
        "max_ratio": worst[1][2],
        "max_province": worst[0],
        "median_ratio": median([r for _, _, r in ratios.values()]),
        "total_ratio": total_cost / total_floor,
        "mean_cost_s": total_cost / len(ratios),
        "mean_floor_s": total_floor / len(ratios),
    }


def _per_report_costs(workspace: Path, repeat: int) -> dict[str, float]:
    """In this process: PDF path -> the best of `repeat` worker costs, after one warm-up pass."""
    from sitrep.issue.batch import build_each_province
    from sitrep.render.drawn import forget_drawings
    from sitrep.report import BuildOptions

    best: dict[str, float] = {}
    for attempt in range(repeat + 1):
        forget_drawings()  # each pass draws its charts, as a batch's single pass does
        result = build_each_province(BuildOptions(workspace, force=True), workers=1)
        if attempt == 0:
            continue  # the first pass warms up fonts and caches, as a batch's first report does
        for report in result.reports:
            cost = report.seconds_html + report.seconds_pdf
            best[str(report.pdf)] = min(best.get(str(report.pdf), cost), cost)
    return best


if __name__ == "__main__":
    if sys.argv[1:2] == ["print-html"]:
        pages = print_html(Path(sys.argv[2]), Path(sys.argv[3]))
        print(json.dumps({str(k): str(v) for k, v in pages.items()}))
    elif sys.argv[1:2] == ["per-report"]:
        print(json.dumps(_per_report_costs(Path(sys.argv[2]), int(sys.argv[3]))))
