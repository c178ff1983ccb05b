"""Sharing (issue 16): what tagging costs the PDF, and `sitrep publish` of 100 issued reports.

    .venv/bin/python bench/bench_share.py

- **Tagged vs untagged**: the sample's print HTML (`bench_build.print_html`) laid out by
  `sitrep.pdf.build.report_pdf` as PDF/A-3a (tagged, the default) and as PDF/A-3b (untagged), in one
  warm process (WeasyPrint imported), alternated, 5 repetitions each, median.
- **Publish, nothing changed**: a workspace whose record lists 100 issued reports (the sample's
  PDF and edition copied under 100 dates), published once, then `sitrep publish` again in a
  fresh process (what a scheduled run pays): median of 3. Target: under 2 s.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

from bench_build import print_html  # noqa: E402
from scaled import make_workspace  # noqa: E402


def tagging(ws: Path) -> tuple[float, float]:
    from sitrep.pdf.build import report_pdf
    from sitrep.report import BuildOptions, build_report
    from sitrep.settings.config import load_config, template_dirs

    build_report(BuildOptions(ws))
    html = next(iter(print_html(ws, ws / "print").values())).read_text("utf-8")
    dirs = template_dirs(load_config(ws).templates_dir)
    times: dict[str, list[float]] = {"pdf/a-3a": [], "pdf/a-3b": []}
    report_pdf(html, dirs, "pdf/a-3b")  # warm: fonts and caches
    for _ in range(5):
        for variant, seconds in times.items():
            start = time.perf_counter()
            report_pdf(html, dirs, variant)
            seconds.append(time.perf_counter() - start)
    return statistics.median(times["pdf/a-3a"]), statistics.median(times["pdf/a-3b"])


def publish_100(ws: Path, site: Path) -> float:
    from sitrep.issue.record import load_record, save_record

    output = ws / "output"
    issued = load_record(output)[-1]
    entries = []
    for i in range(100):
        day = f"2020-{1 + i // 28:02d}-{1 + i % 28:02d}"
        pdf, html = f"{day}/r{i:03d}.pdf", f"{day}/r{i:03d}.html"
        (output / day).mkdir(parents=True, exist_ok=True)
        shutil.copy(output / issued.pdf, output / pdf)
        shutil.copy(output / issued.html, output / html)
        entries.append(replace(issued, date=day, number=i + 1, pdf=pdf, html=html))
    save_record(output, entries)
    command = [sys.executable, "-m", "sitrep", "-w", str(ws), "publish", str(site)]
    subprocess.run(command, check=True, capture_output=True)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        assert "0 file(s) copied, 200 already there, 0 of" in done.stderr, done.stderr
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp) / "ws")
        tagged, untagged = tagging(ws)
        publish = publish_100(ws, Path(tmp) / "site")
    print(
        json.dumps(
            {
                "tagged_s": round(tagged, 3),
                "untagged_s": round(untagged, 3),
                "tagging_cost": round(tagged / untagged - 1, 3),
                "publish_100_unchanged_s": round(publish, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
