"""Made-up admin boundaries, written as HDX publishes COD-AB files: for the sample, tests, bench.

`generate` draws illustrative areas for a country's admin-1 and admin-2 P-codes: each district
is the Voronoi cell of a seed (a town's coordinates when given, else a point drawn inside its
province's rough cell), each province the union of its districts, every edge bent by a smooth
noise field of the coordinates (two neighbours bend a shared edge the same way, so the areas
stay a clean coverage). They are not real boundaries and must never be shown as such.

The writers put the same shapes in each format a COD-AB comes in: a zipped shapefile (one
`.shp .shx .dbf .prj` set per level), GeoJSON (one file, both levels), a GeoPackage (a layer
per level) and TopoJSON, with the COD-AB's columns (`ADM1_PCODE`, `ADM1_EN`, ..., `validOn`).
"""

from __future__ import annotations

import io
import itertools
import json
import math
import random
import sqlite3
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapefile
import shapely

WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


@dataclass
class Area:
    pcode: str
    name: str
    level: int
    parent: str | None
    geometry: shapely.Geometry  # longitude/latitude


def generate(
    provinces: list[tuple[str, str]],
    districts: list[tuple[str, str, str]],
    outline: list[tuple[float, float]],
    towns: dict[str, tuple[float, float]] | None = None,
    seed: int = 1,
    detail: float = 300,
    centres: dict[str, tuple[float, float]] | None = None,
) -> list[Area]:
    """Areas for `provinces` (pcode, name) and `districts` (pcode, name, parent) inside
    `outline` (lon, lat points); `towns`: a district's seed point; `centres`: a province's
    rough centre (else drawn at random). `detail`: edges are cut into pieces of 1/detail of
    the outline's size before they are bent."""
    rng = random.Random(seed)
    shape = shapely.Polygon(outline)
    x0, y0, x1, y1 = shape.bounds
    size = max(x1 - x0, y1 - y0)

    def inside(cell: shapely.Geometry) -> tuple[float, float]:
        cx0, cy0, cx1, cy1 = cell.bounds
        for _ in range(10_000):
            p = (rng.uniform(cx0, cx1), rng.uniform(cy0, cy1))
            if cell.contains(shapely.Point(p)):
                return p
        point = cell.representative_point()
        return point.x, point.y

    centres = centres or {}
    guide_seeds = [centres.get(code) or inside(shape) for code, _ in provinces]
    guides = _cells(guide_seeds, shape)
    towns = towns or {}
    seeds = []
    for code, _name, parent in districts:
        guide = guides[[p for p, _ in provinces].index(parent)]
        seeds.append(towns.get(code) or inside(guide))
    cells = [_bend(c, size, detail) for c in _cells(seeds, shape)]
    areas = [
        Area(code, name, 2, parent, cell)
        for (code, name, parent), cell in zip(districts, cells, strict=True)
    ]
    for code, name in provinces:
        parts = [a.geometry for a in areas if a.parent == code]
        areas.insert(0, Area(code, name, 1, None, shapely.union_all(parts)))
    return sorted(areas, key=lambda a: (a.level, a.pcode))


def _cells(seeds: list[tuple[float, float]], shape: shapely.Geometry) -> list[shapely.Geometry]:
    """The Voronoi cell of each seed, inside `shape`, in the seeds' order."""
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=shape)
    found = list(shapely.get_parts(cells))
    ordered = []
    for point in seeds:
        cell = next(c for c in found if c.contains(shapely.Point(point)))
        ordered.append(shapely.set_precision(cell.intersection(shape), 1e-9))
    return ordered


def _bend(cell: shapely.Geometry, size: float, detail: float) -> shapely.Geometry:
    """Edges cut into short pieces, each point moved by a smooth function of where it is."""
    dense = shapely.segmentize(cell, size / detail)

    def move(coords: np.ndarray) -> np.ndarray:
        x, y = coords[:, 0], coords[:, 1]
        f = 2 * math.pi / size
        dx = np.sin(9 * f * y + 1.3) * 0.004 + np.sin(31 * f * (x + y)) * 0.0015
        dy = np.sin(11 * f * x + 0.7) * 0.004 + np.cos(27 * f * (x - y)) * 0.0015
        return np.column_stack([x + dx * size, y + dy * size])

    bent = shapely.set_precision(shapely.transform(dense, move), 1e-6)
    return bent if bent.is_valid else shapely.make_valid(bent)


def _properties(area: Area, names: dict[str, str], valid_on: str) -> dict[str, str]:
    props = {}
    if area.level == 2:
        props |= {"ADM2_EN": area.name, "ADM2_PCODE": area.pcode}
    parent = area.parent if area.level == 2 else area.pcode
    props |= {"ADM1_EN": names.get(parent or "", ""), "ADM1_PCODE": parent or ""}
    props |= {"ADM0_EN": "Illustrative", "ADM0_PCODE": (parent or "")[:2], "validOn": valid_on}
    return props


def write_geojson(path: Path, areas: list[Area], valid_on: str = "2021-11-17", digits: int = 5):
    """One GeoJSON file with both levels (each feature carries its parent's columns)."""
    names = {a.pcode: a.name for a in areas}
    features = []
    for area in areas:
        geometry = json.loads(shapely.to_geojson(shapely.set_precision(area.geometry, 0)))
        geometry["coordinates"] = _round(geometry["coordinates"], digits)
        features.append(
            {
                "type": "Feature",
                "properties": _properties(area, names, valid_on),
                "geometry": geometry,
            }
        )
    data = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return path


def _round(value, digits: int):
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return round(value, digits)


def write_shapefile_zip(path: Path, areas: list[Area], prefix: str = "xx", prj: str = WGS84_PRJ):
    """A zip of one shapefile per level: `<prefix>_admbnda_adm1.shp`, `..._adm2.shp`."""
    names = {a.pcode: a.name for a in areas}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for level in sorted({a.level for a in areas}):
            stem = f"{prefix}_admbnda_adm{level}"
            files = {ext: io.BytesIO() for ext in ("shp", "shx", "dbf")}
            writer = shapefile.Writer(**files, shapeType=shapefile.POLYGON, encoding="utf-8")
            rows = [a for a in areas if a.level == level]
            columns = list(_properties(rows[0], names, ""))
            for column in columns:
                writer.field(column, "C", size=80)
            for area in rows:
                writer.poly(_shapefile_rings(area.geometry))
                writer.record(*_properties(area, names, "2021-11-17").values())
            writer.close()
            for ext, data in files.items():
                archive.writestr(f"{stem}.{ext}", data.getvalue())
            archive.writestr(f"{stem}.prj", prj)
            archive.writestr(f"{stem}.cpg", "UTF-8")
    return path


def _shapefile_rings(geometry: shapely.Geometry) -> list[list[tuple[float, float]]]:
    """Outer rings clockwise, holes counter-clockwise, as the shapefile format wants."""
    rings = []
    for polygon in shapely.get_parts(geometry):
        polygon = shapely.orient_polygons(polygon, exterior_cw=True)
        rings.append(list(polygon.exterior.coords))
        rings += [list(r.coords) for r in polygon.interiors]
    return rings


def write_geopackage(path: Path, areas: list[Area], srs_id: int = 4326) -> Path:
    """A GeoPackage with a layer per level (`xx_admin1`, `xx_admin2`), written with sqlite3."""
    names = {a.pcode: a.name for a in areas}
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA application_id = 1196444487;
        CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY,
          organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);
        CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,
          description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL,
          srs_id INTEGER);
        CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT,
          geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);
        """
    )
    db.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, ?, '')",
        (WGS84_PRJ,),
    )
    for level in sorted({a.level for a in areas}):
        table = f"xx_admin{level}"
        rows = [a for a in areas if a.level == level]
        columns = list(_properties(rows[0], names, ""))
        column_sql = ", ".join(f'"{c.lower()}" TEXT' for c in columns)
        db.execute(f'CREATE TABLE "{table}" (fid INTEGER PRIMARY KEY, geom BLOB, {column_sql})')
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES (?, 'features', ?, ?)",
            (table, table, srs_id),
        )
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'MULTIPOLYGON', ?, 0, 0)",
            (table, srs_id),
        )
        for area in rows:
            blob = gpkg_blob(area.geometry, srs_id)
            values = list(_properties(area, names, "2021-11-17").values())
            marks = ", ".join("?" for _ in values)
            db.execute(f'INSERT INTO "{table}" VALUES (NULL, ?, {marks})', (blob, *values))
    db.commit()
    db.close()
    return path


def gpkg_blob(geometry: shapely.Geometry, srs_id: int = 4326) -> bytes:
    """A GeoPackage geometry: the `GP` header with an xy envelope, then little-endian WKB."""
    x0, y0, x1, y1 = geometry.bounds
    header = b"GP" + bytes([0, 0b0000_0011]) + struct.pack("<i4d", srs_id, x0, x1, y0, y1)
    return header + shapely.to_wkb(geometry, byte_order=1)


def write_topojson(path: Path, areas: list[Area], quantize: int = 100_000) -> Path:
    """TopoJSON with an object per level; each ring is its own arc, quantized and delta-coded."""
    x0 = min(a.geometry.bounds[0] for a in areas)
    y0 = min(a.geometry.bounds[1] for a in areas)
    x1 = max(a.geometry.bounds[2] for a in areas)
    y1 = max(a.geometry.bounds[3] for a in areas)
    scale = ((x1 - x0) / (quantize - 1) or 1, (y1 - y0) / (quantize - 1) or 1)
    names = {a.pcode: a.name for a in areas}
    arcs: list[list[list[int]]] = []
    objects = {}
    for level in sorted({a.level for a in areas}):
        geometries = []
        for area in (a for a in areas if a.level == level):
            polygons = []
            for polygon in shapely.get_parts(area.geometry):
                rings = []
                for ring in [polygon.exterior, *polygon.interiors]:
                    q = [
                        (round((x - x0) / scale[0]), round((y - y0) / scale[1]))
                        for x, y in ring.coords
                    ]
                    deltas = [list(q[0])] + [
                        [b[0] - a[0], b[1] - a[1]] for a, b in itertools.pairwise(q)
                    ]
                    arcs.append(deltas)
                    rings.append([len(arcs) - 1])
                polygons.append(rings)
            geometries.append(
                {
                    "type": "MultiPolygon",
                    "arcs": polygons,
                    "properties": _properties(area, names, "2021-11-17"),
                }
            )
        objects[f"adm{level}"] = {"type": "GeometryCollection", "geometries": geometries}
    data = {
        "type": "Topology",
        "transform": {"scale": list(scale), "translate": [x0, y0]},
        "objects": objects,
        "arcs": arcs,
    }
    path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    return path
