"""What issuing adds to a build: the issue lock, the record's changes, the crash recovery's
scan and the fingerprints, timed in this process on a copy of the sample workspace.

    .venv/bin/python bench/bench_issue.py [--repeat N]

A build holds the lock once, changes the record (output/issued.sqlite) twice (pending, then
issued, with its view issued.json) and scans output/ once (`recover`); the content fingerprint
is computed once the quick one (the files' bytes) no longer matches. Medians of N runs, in
milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def bench_issue(repeat: int = 50) -> dict[str, str]:
    from sitrep.issue.fingerprint import files_fingerprint, fingerprint
    from sitrep.issue.record import (
        Issued,
        begin_issue,
        issue_lock,
        load_record,
        record_issue,
        recover,
        save_record,
    )
    from sitrep.settings.config import load_config, template_dirs

    results = {}
    with tempfile.TemporaryDirectory(prefix="sitrep-bench-issue-") as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        shutil.copy2(ROOT / "sitrep.toml", ws)
        shutil.copytree(ROOT / "inputs", ws / "inputs")
        shutil.copytree(ROOT / "templates", ws / "templates")
        out = ws / "output"
        out.mkdir()
        # A year of daily reports already issued, with their folders.
        start = dt.date(2020, 1, 1)
        year = []
        for i in range(365):
            day = (start + dt.timedelta(days=i)).isoformat()
            (out / day).mkdir()
            name = f"{day}/report_{day}_no{i + 1:02d}.pdf"
            year.append(Issued(day, i + 1, 0, name, name, "0" * 64, "f" * 64, day, "e" * 64))
        save_record(out, year)
        size = (out / "issued.json").stat().st_size  # the view: what the record holds, as JSON

        def lock() -> None:
            with issue_lock(out):
                pass

        entry = Issued("2021-01-01", 367, 0, "x.pdf", "x.html", "0" * 64, "f" * 64, "2021-01-01")

        def issue() -> None:  # what a build does to the record
            with issue_lock(out):
                recover(out)
                load_record(out)
                begin_issue(out, entry)
                record_issue(out, entry)

        def fsync_4k() -> None:
            with open(out / "fsync-probe", "wb") as handle:
                handle.write(b"x" * 4096)
                handle.flush()
                os.fsync(handle.fileno())

        results["for scale: write + fsync of a 4 KB file on this disk"] = (
            f"{_median_ms(fsync_4k, repeat):.2f} ms"
        )
        ten = Path(tmp) / "ten"
        save_record(ten, year[:10])
        results["record change: a transaction + the view (10 entries, the sample's size)"] = (
            f"{_median_ms(lambda: record_issue(ten, entry), repeat):.2f} ms"
        )
        results["issue lock, taken and released (no other process)"] = (
            f"{_median_ms(lock, repeat):.2f} ms"
        )
        results[
            f"record change: a transaction + the view ({len(year)} entries, {size // 1024} KB)"
        ] = f"{_median_ms(lambda: record_issue(out, entry), repeat):.2f} ms"
        results["recover: pending check + stale .tmp scan of output/ (365 folders)"] = (
            f"{_median_ms(lambda: recover(out), repeat):.2f} ms"
        )
        results["a build's issuing: lock, recover, read, pending, issued"] = (
            f"{_median_ms(issue, repeat):.2f} ms"
        )
        assert len(json.loads((out / "issued.json").read_text())["reports"]) == 366

        config = load_config(ws)
        dirs = template_dirs(config.templates_dir)
        fingerprint(config, {}, dirs)  # pandas imported before timing
        results["files fingerprint (bytes: the quick check)"] = (
            f"{_median_ms(lambda: files_fingerprint(config, {}, dirs), max(5, repeat // 5)):.1f} ms"
        )
        results["content fingerprint (partners' workbook read by sheet)"] = (
            f"{_median_ms(lambda: fingerprint(config, {}, dirs), max(5, repeat // 5)):.1f} ms"
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    for what, value in bench_issue(args.repeat).items():
        print(f"| {what} | {value} |")


if __name__ == "__main__":
    main()
