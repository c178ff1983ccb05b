"""How long after a save the open preview page shows the change (issue 8: under 0.5 s).

    .venv/bin/python bench/bench_preview.py [--repeat N]

On a copy of the sample workspace: `sitrep preview` (in this process, on a free port) and the
page open in headless Chromium (Debian's, driven by Playwright). Each measurement saves one file
the way a program does (the new bytes written to a temporary file, renamed over the old one;
the new contents are prepared beforehand, so no time is spent making them) and times from the
end of the rename until the page's DOM shows the new content. Kinds of save, alternating
between two contents each time:
  - a displacement cell (the table, the figures and the displacement chart change);
  - a route's status (the access map is drawn again);
  - the narrative (Markdown);
  - the screen stylesheet (a template);
  - a cell broken, then fixed (the problem panel appears, then goes).
Prints JSON: per kind, the median and the worst of N saves, in seconds, and the render time the
server logged. The first render after start (imports, fonts) is reported apart.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from sitrep.settings.config import DEFAULT_TEMPLATES  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, copy_workspace  # noqa: E402

BOOK = Path("inputs") / "sample-data.xlsx"


def save(path: Path, data: bytes) -> float:
    """Write `data` over `path` as a spreadsheet program does; the time the save ended."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".~save", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
    return time.perf_counter()


def workbook_with(path: Path, sheet: str, header: str, value: object, match=None) -> bytes:
    """The workbook's bytes with one cell changed (the last data row, or the row `match` picks)."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    column = headers.index(header) + 1
    rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value not in (None, "")]
    row = next(r for r in rows if match(ws, r)) if match else rows[-1]
    ws.cell(row, column).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def scenarios(ws: Path) -> dict[str, tuple[Path, list[bytes], list[str]]]:
    """kind -> (file, [contents A, B], [JS predicate true once A shows, once B shows])."""
    book = ws / BOOK
    original = book.read_bytes()
    tile = (
        "() => [...document.querySelectorAll('.tile .value')]"
        ".some(v => v.textContent.trim() === '{}')"
    )
    narrative = ws / "inputs" / "narrative" / "2021-08-24.md"
    text = narrative.read_text("utf-8")
    screen = ws / "templates" / "screen.css"  # the workspace's override of sitrep's own
    css = (DEFAULT_TEMPLATES / "screen.css").read_text("utf-8")
    colour = "() => getComputedStyle(document.querySelector('.highlights')).outlineColor === '{}'"
    salang_closed = lambda s, r: (s.cell(r, 1).value, s.cell(r, 6).value) == ("R02", "closed")  # noqa: E731
    panel = "() => !document.getElementById('sitrep-problems').hidden"
    return {
        "displacement cell": (
            book,
            [workbook_with(book, "displacement", "People", 2050), original],
            [tile.format("20,435"), tile.format("19,435")],
        ),
        "route status (map)": (
            book,
            [workbook_with(book, "routes", "Status", "open", salang_closed), original],
            [tile.format("2"), tile.format("3")],  # key routes closed: 3 -> 2
        ),
        "narrative": (
            narrative,
            [(text + "\nBenchmark line A.\n").encode(), (text + "\nBenchmark line B.\n").encode()],
            [
                "() => document.body.textContent.includes('Benchmark line A.')",
                "() => document.body.textContent.includes('Benchmark line B.')",
            ],
        ),
        "template (screen.css)": (
            screen,
            [
                (css + "\n.highlights { outline: 1px solid rgb(1, 2, 3); }\n").encode(),
                (css + "\n.highlights { outline: 1px solid rgb(4, 5, 6); }\n").encode(),
            ],
            [colour.format("rgb(1, 2, 3)"), colour.format("rgb(4, 5, 6)")],
        ),
        "broken cell, then fixed": (
            book,
            [workbook_with(book, "displacement", "People", "lots"), original],
            [panel, "() => document.getElementById('sitrep-problems').hidden"],
        ),
    }


def bench_preview(repeat: int = 10) -> dict:
    from playwright.sync_api import sync_playwright

    from sitrep.preview import PreviewOptions, start_preview

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ws = copy_workspace(Path(tmp) / "ws")
        kinds = scenarios(ws)
        start = time.perf_counter()
        with start_preview(PreviewOptions(ws, port=0)) as preview, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(preview.url)
            page.wait_for_function("() => document.body.dataset.contentVersion >= 1")
            page.wait_for_function("() => document.getElementById('sitrep-connection').hidden")
            results["first page, from start (imports, first render)"] = {
                "seconds": round(time.perf_counter() - start, 3)
            }
            page.wait_for_timeout(500)
            for kind, (path, contents, shown) in kinds.items():
                times, renders = [], []
                for i in range(repeat * 2):
                    which = i % 2
                    saved = save(path, contents[which])
                    page.wait_for_function(shown[which], polling="raf", timeout=10_000)
                    seconds = time.perf_counter() - saved
                    if i >= 2:  # the first pair warms up (this kind's first drawing)
                        times.append(seconds)
                        renders.append(preview.live.snapshot(None).seconds)
                    page.wait_for_timeout(100)  # the next save is a new save
                results[kind] = {
                    "median_s": round(statistics.median(times), 3),
                    "max_s": round(max(times), 3),
                    "render_median_s": round(statistics.median(renders), 3),
                    "saves": len(times),
                }
            browser.close()
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    print(json.dumps(bench_preview(parser.parse_args().repeat), indent=2))
