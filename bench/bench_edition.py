"""The HTML edition (issue 29.4): `html_edition` on the sample's print HTML, and its area reports'.

    .venv/bin/python bench/bench_edition.py [--repeat 10] [--against REV]

The print HTML of the sample's report (and of its five area reports, `--each admin1`) is rendered
once, as `build` renders it; then `sitrep.render.edition.html_edition` makes each edition
`--repeat` times: best wall time and best CPU time of the process. With `--against REV` the
edition module of that git revision (`git show REV:sitrep/render/edition.py`, e.g. the regex
rewriter before issue 29) runs in turns with today's on the same HTML, and the two editions
must be identical. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(ROOT))

from scaled import make_workspace  # noqa: E402


def print_pages(ws: Path) -> dict[str, str]:
    """Report name -> the HTML its PDF is laid out from: the sample's report, then each area's."""
    import sitrep.issue.batch as batch
    from sitrep.issue.batch import build_each_area
    from sitrep.render.document import render_report
    from sitrep.report import BuildOptions
    from sitrep.settings.config import load_config, template_dirs

    config = load_config(ws)
    pages = {"sample": render_report(config, BuildOptions(ws), template_dirs(ws / "templates"),
                                     lambda _: (10, 0)).html}  # fmt: skip
    made = batch.html_edition

    def keep(html: str, dirs: list[Path]) -> str:  # each area report's print HTML, as written
        pages[f"area {len(pages)}"] = html
        return made(html, dirs)

    batch.html_edition = keep
    try:
        build_each_area(BuildOptions(ws, draft=True), workers=1)
    finally:
        batch.html_edition = made
    return pages


def edition_of(rev: str):
    """`html_edition` as the git revision `rev` wrote it."""
    source = subprocess.run(
        ["git", "show", f"{rev}:sitrep/render/edition.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "edition_then.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("edition_then", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.html_edition


def best(function, html: str, dirs: list[Path], runs: dict[str, float]) -> str:
    wall, cpu = time.perf_counter(), time.process_time()
    edition = function(html, dirs)
    runs["wall"] = min(runs.get("wall", 1e9), time.perf_counter() - wall)
    runs["cpu"] = min(runs.get("cpu", 1e9), time.process_time() - cpu)
    return edition


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--against", help="a git revision whose edition.py runs in turns")
    args = parser.parse_args()
    from sitrep.render.edition import html_edition
    from sitrep.settings.config import template_dirs

    then = edition_of(args.against) if args.against else None
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp) / "ws")
        dirs = template_dirs(ws / "templates")
        for name, html in print_pages(ws).items():
            now: dict[str, float] = {}
            before: dict[str, float] = {}
            for _ in range(args.repeat):
                edition = best(html_edition, html, dirs, now)
                if then is not None:
                    assert best(then, html, dirs, before) == edition, f"{name}: other bytes"
            row = {
                "characters": len(html),
                **{f"{k}_ms": round(v * 1e3, 1) for k, v in now.items()},
            }
            if then is not None:
                row |= {f"{k}_ms_{args.against}": round(v * 1e3, 1) for k, v in before.items()}
            out[name] = row
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
