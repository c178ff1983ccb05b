"""The same made-up boundaries in every format a COD-AB comes in, and hostile boundary files.

The shapes are the sample's (tools/make_sample_boundaries.py: north-east Afghanistan's real
P-codes, made-up geometry), made once per test session; `write` puts them in a zipped
shapefile, GeoJSON, a GeoPackage or TopoJSON. The hostile files are built byte by byte where
no GIS library would write them.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import zipfile
from pathlib import Path

from sitrep.geo.gazetteer import country_gazetteer
from tools import make_sample_boundaries as sample
from tools.boundary_shapes import (
    Area,
    generate,
    write_geojson,
    write_geopackage,
    write_shapefile_zip,
    write_topojson,
)

FORMATS = {
    "shapefile.zip": lambda path, areas: write_shapefile_zip(path, areas, "afg"),
    "boundaries.geojson": write_geojson,
    "boundaries.gpkg": write_geopackage,
    "boundaries.topojson": write_topojson,
}
MARS_PRJ = (
    'GEOGCS["Mars 2000",DATUM["D_Mars_2000",SPHEROID["Mars_2000_IAU_IAG",3396190.0,'
    '169.8944472236118]],PRIMEM["Reference_Meridian",0.0],UNIT["Degree",0.0174532925199433]]'
)


@functools.cache
def areas() -> tuple[Area, ...]:
    """The sample's provinces and districts (both levels)."""
    gazetteer = country_gazetteer("AFG")
    provinces = [(a.pcode, a.name) for a in gazetteer.level(1) if a.pcode in sample.PROVINCES]
    districts = [
        (a.pcode, a.name, a.parent) for a in gazetteer.level(2) if a.parent in sample.PROVINCES
    ]
    made = generate(
        provinces, districts, sample.OUTLINE, sample.TOWNS, 7, 160, centres=sample.CENTRES
    )
    return tuple(made)


def write(folder: Path, name: str, only: int | None = None) -> Path:
    """The sample's areas as `name` (a key of FORMATS); `only`: one admin level."""
    chosen = [a for a in areas() if only is None or a.level == only]
    return FORMATS[name](folder / name, chosen)


def geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features})


def feature(props: dict, coordinates: list, kind: str = "Polygon") -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def square(x: float, y: float, size: float = 0.1) -> list:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def million_vertices(path: Path) -> Path:
    """A district drawn with a million vertices (a circle), beside the sample's others."""
    others = [a for a in areas() if a.level == 2 and a.pcode != "AF0907"]
    write_geojson(path, others)
    data = json.loads(path.read_text())
    import numpy as np  # the ring in arrays: the same numbers, a third of the time

    n = 1_000_000
    turn = 2 * np.pi * np.arange(n) / n
    lon, lat = np.round(69.26 + 0.08 * np.cos(turn), 7), np.round(35.64 + 0.06 * np.sin(turn), 7)
    ring = np.column_stack([lon, lat]).tolist()
    ring.append(ring[0])
    props = {"ADM2_PCODE": "AF0907", "ADM2_EN": "Andarab", "ADM1_PCODE": "AF09"}
    data["features"].append(feature(props, [ring]))
    path.write_text(json.dumps(data))
    return path


def shapefile_claiming(path: Path, claimed: int = 2 * 1024**3) -> Path:
    """A zipped shapefile whose .shp header says the file is `claimed` bytes long."""
    write_shapefile_zip(path, [a for a in areas() if a.level == 2], "afg")
    with zipfile.ZipFile(path) as archive:
        members = {m: archive.read(m) for m in archive.namelist()}
    name = next(m for m in members if m.endswith("adm2.shp"))
    shp = bytearray(members[name])
    shp[24:28] = struct.pack(">i", claimed // 2)
    members[name] = bytes(shp)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def zip_bomb(path: Path, megabytes: int = 64) -> Path:
    """A zip whose GeoJSON member unpacks to `megabytes` of spaces from a few KB."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("afg_adm2.geojson", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(b" " * (1024 * 1024))
    return path


def with_prj(path: Path, prj: str) -> Path:
    """The sample's districts as a zipped shapefile with `prj` as its .prj."""
    return write_shapefile_zip(path, [a for a in areas() if a.level == 2], "afg", prj=prj)


def shapefile_bytes(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {m: archive.read(m) for m in archive.namelist()}


def rezip(path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    path.write_bytes(buffer.getvalue())
    return path
