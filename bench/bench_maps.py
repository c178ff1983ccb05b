"""Issue 33's targets: the situation map of a country of 400 admin-2 areas.

    .venv/bin/python bench/bench_maps.py [--repeat 5]

The sample workspace with made-up boundaries of all Afghanistan (34 provinces, its 401
districts of OCHA's Global P-Code List; tools/boundary_shapes.py), written as one GeoJSON of
about 2 MB, and IDPs present in every district, so that the map shades them all. Measured:

- the first read of the file (a fresh process, an empty cache folder) and a cached one;
- the map's cost in a build after the first read: reading the boundaries from the cache, then
  drawing the map (page and phone), in a fresh process, median of `repeat` (target <= 0.3 s);
- `sitrep build --force` vs WeasyPrint alone on its own HTML (bench_build.bench_sample: fresh
  processes, alternated; target <= 1.15 x);
- the same build and floor without `[geography] boundaries` (the machine's noise, measured in
  the same minutes), and the PDF's growth (target <= 300 KB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

from bench_build import bench_sample, sitrep_cmd  # noqa: E402
from measure import checked, compile_sitrep, machine, median, run  # noqa: E402
from scaled import make_workspace  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "sitrep-bench-cache"
AFG = [
    (60.5, 29.4),
    (61.7, 31.3),
    (61.0, 31.5),
    (60.8, 33.5),
    (60.5, 34.3),
    (61.2, 35.6),
    (62.3, 35.3),
    (63.1, 35.9),
    (64.5, 36.3),
    (65.6, 37.3),
    (66.5, 37.4),
    (67.8, 37.1),
    (68.9, 37.3),
    (70.0, 37.6),
    (70.9, 38.4),
    (71.5, 37.9),
    (71.3, 37.0),
    (72.6, 37.0),
    (74.9, 37.2),
    (73.9, 36.8),
    (71.8, 36.7),
    (71.2, 36.1),
    (71.6, 35.2),
    (71.1, 34.7),
    (70.0, 34.0),
    (69.9, 33.4),
    (69.3, 31.9),
    (68.0, 31.6),
    (66.9, 31.3),
    (66.4, 30.0),
    (64.5, 29.6),
    (62.5, 29.4),
]  # fmt: skip  (a rough outline: the shapes are made up)
MAP_COST = """
import os, sys, time, json, datetime as dt
from pathlib import Path
from sitrep.pipeline import prepare
from sitrep.settings.config import load_config
from sitrep.render.context import report_context
from sitrep.render.drawn import forget_drawings
from sitrep.inputs import boundaries as reader
from sitrep.inputs.cod import base_gazetteer
from sitrep.pipeline import BuildOptions
ws = Path(sys.argv[1])
config = load_config(ws)
prepared = prepare(config, None)
start = time.perf_counter()
reader._MEMORY.clear()
found = reader.read_boundaries(
    config.geography_boundaries, config.limits, base_gazetteer(config), ws
)
read = time.perf_counter() - start
args = (config, prepared.figures[config.locale], prepared.narratives[config.locale],
        prepared.tables, 10, 0, BuildOptions(ws))
forget_drawings()
start = time.perf_counter()
plain = report_context(*args)
without = time.perf_counter() - start
forget_drawings()
start = time.perf_counter()
context = report_context(*args, boundaries=found)
drawn = context["situation_map"].drawn
html = len(drawn.wide) + len(drawn.narrow)
print(json.dumps({"read": read, "context_without": without,
                  "context_with": time.perf_counter() - start, "html_bytes": html,
                  "paths": drawn.wide.count("<path")}))
"""


def boundary_file() -> Path:
    """The 2 MB GeoJSON of 401 made-up districts (made once, kept in the bench cache)."""
    path = CACHE / "afg-401-districts.geojson"
    if path.is_file():
        return path
    from sitrep.geo.gazetteer import country_gazetteer
    from tools.boundary_shapes import generate, write_geojson

    gazetteer = country_gazetteer("AFG")
    provinces = [(a.pcode, a.name) for a in gazetteer.level(1)]
    districts = [(a.pcode, a.name, a.parent) for a in gazetteer.level(2)]
    areas = generate(provinces, districts, AFG, seed=3, detail=2200)
    CACHE.mkdir(parents=True, exist_ok=True)
    write_geojson(path, [a for a in areas if a.level == 2])
    return path


def workspace(target: Path, boundaries: Path | None) -> Path:
    from sitrep.geo.gazetteer import country_gazetteer

    ws = make_workspace(target)
    rows = ["date,area,idps,round,source"]
    for i, area in enumerate(country_gazetteer("AFG").level(2)):
        rows.append(f"2021-08-20,{area.pcode},{(i * 7919) % 25_000},14,Bench DTM-style round")
    (ws / "inputs" / "idps.csv").write_text("\n".join(rows) + "\n")
    toml = (ws / "sitrep.toml").read_text()
    toml = toml.replace('idps = "inputs/sample-data.xlsx#idps"', 'idps = "inputs/idps.csv"')
    if boundaries is None:
        toml = toml.replace('boundaries = "inputs/boundaries.geojson"', "")
    else:
        shutil.copy2(boundaries, ws / "inputs" / "boundaries.geojson")
    (ws / "sitrep.toml").write_text(toml)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    compile_sitrep()
    source = boundary_file()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        cache = tmp_path / "cache"
        env = {"SITREP_CACHE_DIR": str(cache)}
        os.environ.update(env)
        ws = workspace(tmp_path / "with", source)
        plain = workspace(tmp_path / "without", None)
        first = checked(run(sitrep_cmd("-w", str(ws), "validate")), "first read")
        costs = []
        for _ in range(repeat):
            done = checked(run([sys.executable, "-c", MAP_COST, str(ws)]), "map cost")
            costs.append(json.loads(done.stdout))
        cached = checked(run(sitrep_cmd("-w", str(ws), "validate")), "cached read")
        builds = bench_sample(ws, repeat)
        plain_builds = bench_sample(plain, repeat)  # the same load, without the map
        with_pdf = sorted((ws / "output").glob("*/*.pdf"))[-1].stat().st_size
        without_pdf = sorted((plain / "output").glob("*/*.pdf"))[-1].stat().st_size
    read = median([c["read"] for c in costs])
    draw = median([c["context_with"] - c["context_without"] for c in costs])
    result = {
        "machine": machine(),
        "geojson_mb": round(source.stat().st_size / 2**20, 2),
        "first_read_validate_s": round(first.seconds, 2),
        "cached_validate_s": round(cached.seconds, 2),
        "cached_read_s": round(read, 3),
        "map_drawing_s": round(draw, 3),
        "map_cost_s": round(read + draw, 3),
        "map_paths": costs[0]["paths"],
        "map_html_kb": round(costs[0]["html_bytes"] / 1024),
        "build_s": round(builds["sitrep"]["median_s"], 2),
        "floor_s": round(builds["floor"]["median_s"], 2),
        "build_over_floor": round(builds["ratio"], 3),
        "without_map_build_s": round(plain_builds["sitrep"]["median_s"], 2),
        "without_map_floor_s": round(plain_builds["floor"]["median_s"], 2),
        "without_map_build_over_floor": round(plain_builds["ratio"], 3),
        "pdf_growth_kb": round((with_pdf - without_pdf) / 1024),
        "peak_mb": builds["sitrep"]["tree_peak_mb"],
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
