"""Write inputs/boundaries.geojson: the sample workspace's illustrative provinces and districts.

Made-up shapes (`tools/boundary_shapes.generate`) for the north-east Afghan provinces the
sample's data names and their neighbours, with the real P-codes and names of OCHA's Global
P-Code List, each district around its town in the places sheet. They are not Afghanistan's
boundaries, and the sample's sources annex says so (`[geography] boundaries_source`).
Run: `.venv/bin/python tools/make_sample_boundaries.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sitrep.geo.gazetteer import country_gazetteer  # noqa: E402
from tools.boundary_shapes import generate, write_geojson  # noqa: E402

PROVINCES = ("AF01", "AF02", "AF03", "AF07", "AF08", "AF09", "AF16", "AF18")
OUTLINE = [
    (67.75, 35.35), (68.2, 34.75), (68.75, 34.2), (69.6, 34.05), (70.45, 34.35), (71.15, 34.75),
    (71.5, 35.25), (71.3, 35.9), (70.6, 36.3), (70.2, 37.15), (69.5, 37.35), (68.85, 37.05),
    (68.3, 36.6), (68.0, 36.05),
]  # fmt: skip
TOWNS = {  # the places sheet's towns, so that each lies in its own district
    "AF0101": (69.17, 34.53), "AF0301": (69.17, 35.01), "AF0305": (69.24, 35.12),
    "AF0306": (69.03, 35.32), "AF0906": (68.9, 35.59), "AF0903": (68.68, 35.62),
    "AF0901": (68.71, 35.94), "AF0907": (69.26, 35.64), "AF0908": (69.36, 35.69),
    "AF0912": (69.55, 35.64), "AF0801": (69.52, 35.31), "AF0802": (69.45, 35.2),
    "AF0805": (69.45, 35.25), "AF0804": (69.73, 35.43), "AF0807": (70.0, 35.55),
}  # fmt: skip
CENTRES = {  # where each province roughly is
    "AF01": (69.25, 34.55), "AF02": (69.65, 34.95), "AF03": (68.85, 35.15),
    "AF07": (70.2, 34.75), "AF08": (69.95, 35.45), "AF09": (68.85, 35.85),
    "AF16": (70.9, 35.35), "AF18": (69.6, 36.55),
}  # fmt: skip


def main() -> None:
    gazetteer = country_gazetteer("AFG")
    provinces = [(a.pcode, a.name) for a in gazetteer.level(1) if a.pcode in PROVINCES]
    districts = [(a.pcode, a.name, a.parent) for a in gazetteer.level(2) if a.parent in PROVINCES]
    areas = generate(provinces, districts, OUTLINE, TOWNS, seed=7, detail=160, centres=CENTRES)
    out = write_geojson(
        ROOT / "inputs" / "boundaries.geojson", [a for a in areas if a.level == 2], digits=4
    )
    print(
        f"{out}: {len(districts)} districts of {len(provinces)} provinces, "
        f"{out.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
