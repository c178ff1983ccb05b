"""The charts' cost: import and drawing of the three drawings, sitrep's own module vs matplotlib.

`python bench/bench_charts.py` times, each in fresh processes (alternated, median of 5): the
import of what draws (sitrep.render.charts + sitrep.render.accessmap, or matplotlib for the old
code) and
the drawing of the sample's displacement chart, price chart and access map, memory emptied so
every pass draws. The matplotlib side runs the charts as they were before issue 17 (commit
a8cdff9, taken from git into a temporary folder); it is skipped when matplotlib or that commit
is missing. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD_COMMIT = "a8cdff9"
REPEAT = 5

CHILD = r"""
import datetime as dt, json, sys, time
sys.path.insert(0, sys.argv[1])
from sitrep.settings.config import template_dirs
from sitrep.figures.compute import compute_figures
from sitrep.inputs.cod import base_gazetteer
from sitrep.render.html import load_messages, make_translator
from sitrep.pipeline import check_inputs
root = sys.argv[2]
day = dt.date(2021, 8, 24)
checked = check_inputs(__import__("pathlib").Path(root), day)
tables = checked.tables
fig = compute_figures(tables, checked.config, base_gazetteer(checked.config), day)
dirs = template_dirs(checked.config.templates_dir)
t = make_translator(load_messages(dirs, "en"))
vias = {r["route_id"]: r["via"] for r in tables["routes"].frame.to_dict("records")}
kind = sys.argv[3]
t0 = time.perf_counter()
if kind == "matplotlib":
    import matplotlib.figure, matplotlib.backends.backend_svg  # noqa: E401
    import mpl_charts as charts, mpl_accessmap as accessmap
else:
    import sitrep.render.charts as charts, sitrep.render.accessmap as accessmap
t1 = time.perf_counter()
places = accessmap.load_places(tables["places"].frame)
out = {}
for name, draw in [
    ("displacement", lambda: charts.displacement_chart(fig, t, "en", dirs)),
    ("prices", lambda: charts.price_chart(fig.prices, t, "en", dirs)),
    ("map", lambda: accessmap.access_map(fig.routes, vias, places, t, dirs)),
]:
    s = time.perf_counter()
    draw()
    out[name] = time.perf_counter() - s
t2 = time.perf_counter()
second = []  # a warm process (a batch's worker): the drawings again, memory emptied
if kind == "matplotlib":
    charts.forget_drawings()
else:
    import sitrep.render.drawn

    sitrep.render.drawn.forget_drawings()
s = time.perf_counter()
charts.displacement_chart(fig, t, "en", dirs); charts.price_chart(fig.prices, t, "en", dirs)
accessmap.access_map(fig.routes, vias, places, t, dirs)
print(json.dumps({"import": t1 - t0, "draw": t2 - t1, "warm_draw": time.perf_counter() - s, **out}))
"""


def _old_modules(folder: Path) -> bool:
    """The charts of commit OLD_COMMIT as mpl_charts / mpl_accessmap in `folder`."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    for name in ("charts", "accessmap"):
        done = subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:sitrep/{name}.py"], cwd=ROOT, capture_output=True
        )
        if done.returncode:
            return False
        text = done.stdout.decode().replace(
            "from sitrep.render.charts import", "from mpl_charts import"
        )
        (folder / f"mpl_{name}.py").write_text(text)
    return True


def run(repeat: int = REPEAT) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        kinds = ["sitrep"] + (["matplotlib"] if _old_modules(Path(tmp)) else [])
        runs: dict[str, list[dict]] = {k: [] for k in kinds}
        for _ in range(repeat):
            for kind in kinds:
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, tmp, str(ROOT), kind],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                runs[kind].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        kind: {key: round(statistics.median(r[key] for r in rs), 4) for key in rs[0]}
        for kind, rs in runs.items()
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if sys.argv[1:] else REPEAT), indent=1))
