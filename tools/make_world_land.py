"""Write sitrep/data/world_land.json: the world's land, for the situation map's locator.

The land (no borders: the locator draws the country from the office's own boundary file, so no
other country's boundary is drawn) is Natural Earth's 1:110m countries, public domain, as
geopandas 0.14 shipped them (`geopandas/datasets/naturalearth_lowres`), merged and simplified.
Run it with the wheel: `pip download --no-deps geopandas==0.14.4` then
`.venv/bin/python tools/make_world_land.py geopandas-0.14.4-py3-none-any.whl`.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import shapefile
import shapely
from shapely.geometry import shape

OUT = Path(__file__).resolve().parent.parent / "sitrep" / "data" / "world_land.json"
MEMBER = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
TOLERANCE = 0.15  # degrees: the locator is about 100 pt wide for a region of 30-60 degrees


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        parts = {ext: io.BytesIO(archive.read(f"{MEMBER}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(**parts)
    land = shapely.union_all([shape(s.__geo_interface__).buffer(0) for s in reader.shapes()])
    land = shapely.simplify(land, TOLERANCE, preserve_topology=True)
    polygons = [p for p in getattr(land, "geoms", [land]) if p.area > 0.05]
    shapes = [
        [[round(v, 2) for xy in ring.coords for v in xy] for ring in [p.exterior, *p.interiors]]
        for p in polygons
    ]
    data = {
        "source": "Natural Earth 1:110m (public domain), land only, simplified",
        "polygons": shapes,  # each: its outer ring, then its holes; flat lon, lat, lon, ...
    }
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(r) for s in shapes for r in s) // 2
    print(f"{OUT}: {len(shapes)} polygons, {points} points")


if __name__ == "__main__":
    main(sys.argv[1])
