"""Build benchmarks: sitrep against WeasyPrint's floor, the rebuild cache, --help, --each area.

Every figure is a fresh process (`sitrep ...` or `python bench/floor.py ...`), repeated and
reduced to the median; sitrep and the floor alternate, so a change in the machine's load touches
both. Each function takes a workspace it may write in (the caller makes a temporary copy).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
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
    from sitrep.issue.record import load_area_record, load_record
    from sitrep.issue.worker import Worker
    from sitrep.render.document import render_report
    from sitrep.report import BuildOptions
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
    areas = load_area_record(output)
    for day in sorted({e.day for e in areas}):
        shared, _ = shared_state(BuildOptions(workspace, day), config, dirs, lambda: None)
        worker = Worker(shared)
        for e in areas:
            if e.day == day:
                pages[output / e.pdf] = worker.html(e.area, e.revision)[0]
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
    """`sitrep build --each area --force` with 1 and with 2 worker processes."""
    checked(run(sitrep_cmd("-w", str(workspace), "build", "--each", "area")), "--each")
    runs: dict[int, list[Run]] = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (1, 2):
            cmd = sitrep_cmd(
                "-w", str(workspace), "build", "--each", "area", "--force", "--workers"
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
    """Each area report's cost in a worker (filter, figures, HTML, PDF) vs the floor of its
    HTML: WeasyPrint alone on that HTML, with the same options and attached files.

    Both in one warm process (WeasyPrint imported, a first pass done), one after the other for
    each report and in turns (cost first, then floor first), the best of `repeat` each. Floors
    taken in another process, minutes apart from the costs, gave ratios from 0.80 to 1.22 for
    the same code: the machine's speed drifts.

    On a machine whose speed varies more than the target's 10 % (the same layout of the same
    HTML, run again in the same process, varies by `floor_spread`), the direct ratio can be
    told from noise only by many repetitions. The worker's PDF step and the floor are the
    same call (`build_pdf`) on the same HTML, checked byte for byte, so a report's ratio is
    also 1 + its HTML stage (filter, figures, HTML, the content key: all the worker does
    besides the layout) over the fastest of those layouts: `max_share_ratio`, stable to a few
    milliseconds. Both are printed.
    """
    cmd = [sys.executable, __file__, "per-report", str(workspace), str(repeat)]
    samples = json.loads(checked(run(cmd), "batch per report").stdout)
    reports = {}
    for name, s in samples.items():
        floor = min(s["floor"])
        layout = min(s["floor"] + s["pdf"])  # the same call, in both columns
        reports[name] = {
            "ratio": min(s["cost"]) / floor,
            "share_ratio": 1 + min(s["html"]) / layout,
            "cost_s": min(s["cost"]),
            "floor_s": floor,
            "html_s": min(s["html"]),
            "floor_spread": max(s["floor"]) / floor,
        }

    def worst(key: str) -> tuple[str, dict]:
        return max(reports.items(), key=lambda kv: kv[1][key])

    total_cost = sum(r["cost_s"] for r in reports.values())
    total_floor = sum(r["floor_s"] for r in reports.values())
    return {
        "reports": len(reports),
        "repeat": repeat,
        "max_ratio": worst("ratio")[1]["ratio"],
        "max_area": worst("ratio")[0],
        "median_ratio": median([r["ratio"] for r in reports.values()]),
        "total_ratio": total_cost / total_floor,
        "max_share_ratio": worst("share_ratio")[1]["share_ratio"],
        "max_share_area": worst("share_ratio")[0],
        "max_html_s": max(r["html_s"] for r in reports.values()),
        "mean_html_s": sum(r["html_s"] for r in reports.values()) / len(reports),
        "mean_cost_s": total_cost / len(reports),
        "mean_floor_s": total_floor / len(reports),
        "floor_spread": median([r["floor_spread"] for r in reports.values()]),
        "by_report": {k: {m: round(v, 4) for m, v in r.items()} for k, r in reports.items()},
    }


def _per_report_timings(workspace: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    """In this process: area -> `repeat` timings of its cost, of the cost's HTML stage and
    PDF step, and of its floor, after one warm-up pass. Checks that both give the issued PDF."""
    from sitrep.issue.batch import build_each_area, shared_state
    from sitrep.issue.record import load_area_record
    from sitrep.issue.worker import Job, Worker
    from sitrep.pdf.build import build_pdf
    from sitrep.render.drawn import forget_drawings
    from sitrep.report import BuildOptions
    from sitrep.settings.config import load_config, template_dirs

    build_each_area(BuildOptions(workspace, force=True), workers=1)  # issued, as measured
    config = load_config(workspace)
    dirs = template_dirs(config.templates_dir)
    entries = load_area_record(config.output_dir)
    day = max(e.day for e in entries)
    entries = [e for e in entries if e.day == day]
    shared, _ = shared_state(BuildOptions(workspace, day, force=True), config, dirs, lambda: None)
    worker = Worker(shared)
    pages = {}  # the floor's input: each report's HTML and attached files, and its PDF
    for e in entries:
        html, context = worker.html(e.area, e.revision)
        issued = (config.output_dir / e.pdf).read_bytes()
        pages[e.area] = (html, context.get("attachments", ()), issued)

    def cost(e) -> tuple[float, float]:
        outcome = worker.build(Job(e.area, e))
        if outcome.pdf != pages[e.area][2]:
            raise RuntimeError(f"the batch's PDF differs from the issued {e.pdf}")
        return outcome.seconds_html + outcome.seconds_pdf, outcome.seconds_html

    def floor(e) -> float:
        html, attachments, issued = pages[e.area]
        start = time.perf_counter()
        data = build_pdf(html, dirs, config.pdf_variant, attachments, day).data
        seconds = time.perf_counter() - start
        if data != issued:
            raise RuntimeError(f"the floor's PDF differs from the issued {e.pdf}")
        return seconds

    samples: dict[str, dict[str, list[float]]] = {}
    for attempt in range(repeat + 1):
        forget_drawings()  # each pass draws its charts, as a batch's single pass does
        for e in entries:
            if attempt % 2:
                f = floor(e)
                c, h = cost(e)
            else:
                c, h = cost(e)
                f = floor(e)
            if attempt == 0:
                continue  # the first pass warms up fonts and caches, as a batch's first does
            name = (config.output_dir / e.pdf).parent.name
            mine = samples.setdefault(name, {"cost": [], "html": [], "pdf": [], "floor": []})
            for key, value in (("cost", c), ("html", h), ("pdf", c - h), ("floor", f)):
                mine[key].append(value)
    return samples


if __name__ == "__main__":
    if sys.argv[1:2] == ["print-html"]:
        pages = print_html(Path(sys.argv[2]), Path(sys.argv[3]))
        print(json.dumps({str(k): str(v) for k, v in pages.items()}))
    elif sys.argv[1:2] == ["per-report"]:
        print(json.dumps(_per_report_timings(Path(sys.argv[2]), int(sys.argv[3]))))
