"""The office's boundaries as map geometry: projected for print, simplified once, small to keep.

`build_geometry` turns the polygons a boundary file holds (longitude/latitude, one per admin
area) into a `MapGeometry`: every area projected with a Lambert azimuthal equal-area projection
centred on the country (areas keep their relative size, which a map shaded by figures needs),
simplified as a coverage (shapely's `coverage_simplify`: neighbours keep one shared edge, so no
gap or sliver opens between them) at three scales: the locator's, the country map's and an area
map's (`DETAILS`), admin-1 areas made from their admin-2 areas so that both levels' lines meet,
a label point inside each area, and the world's land around the country for the locator. The
result is plain numbers (whole metres, each ring an array of 32-bit integers), written to the
cache with `marshal` (plain values only: loading it runs nothing) and read back without
shapely: only the first read of a file pays for shapely (and pyproj, for a file in another
coordinate system), never a build after it.

Every problem is a `ShapeError` naming the feature (`where`): the reader adds the file.
"""

from __future__ import annotations

import json
import marshal
import math
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

EARTH_RADIUS = 6_371_008.8  # metres: the mean radius; the projection is spherical
LAND_FILE = Path(__file__).resolve().parent.parent / "data" / "world_land.json"
# Simplification, as a fraction of the country's larger side: the locator (about 100 pt wide),
# the country map (about 400 pt), an area map zoomed on one admin-1 area (about 5 times more).
DETAILS = {"locator": 1 / 220, "country": 1 / 1400, "area": 1 / 6000}
LOCATOR_REGION = 2.2  # the locator shows the country's box grown this many times its size
# x0, y0, x1, y1, ... in whole metres, y up (a string: array is generic at run time from 3.12)
Ring: TypeAlias = "array[int]"
FORMAT = 1  # of what `MapGeometry.to_bytes` writes


class ShapeError(ValueError):
    """A feature's geometry cannot be used; `where` names the feature ("layer adm2, feature
    12 (HT0111)")."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True)
class Feature:
    """One admin area as a reader found it: its code as written, level, parent, geometry."""

    code: str
    level: int  # 1 or 2
    parent: str | None  # the parent's code as written (admin-2 areas), None if not given
    name: str
    where: str  # "layer adm2, feature 12": for messages
    geometry: Any  # a shapely Polygon or MultiPolygon, longitude/latitude


@dataclass(frozen=True, kw_only=True)
class Shape:
    """One area on the map: its code as the file wrote it, and its rings at each detail."""

    code: str
    level: int
    parent: str | None
    name: str
    where: str
    rings: dict[str, list[Ring]]  # detail name -> the area's rings (outer and holes)
    anchor: tuple[int, int]  # where its label goes: a point well inside it
    box: tuple[int, int, int, int]  # x0, y0, x1, y1

    def as_tuple(self) -> tuple:
        rings = {d: [r.tobytes() for r in found] for d, found in self.rings.items()}
        return (
            self.code,
            self.level,
            self.parent,
            self.name,
            self.where,
            rings,
            self.anchor,
            self.box,
        )

    @classmethod
    def from_tuple(cls, data: tuple) -> Shape:
        code, level, parent, name, where, rings, anchor, box = data
        arrays = {d: [array("i", blob) for blob in found] for d, found in rings.items()}
        return cls(code=code, level=level, parent=parent, name=name, where=where, rings=arrays,
                   anchor=tuple(anchor), box=tuple(box))  # fmt: skip


@dataclass(frozen=True)
class MapGeometry:
    """What a map needs of a boundary file, in metres of the projection centred on `centre`."""

    centre: tuple[float, float]  # longitude, latitude
    shapes: tuple[Shape, ...]
    land: list[Ring] = field(default_factory=list)  # the locator's world land, near the country
    region: tuple[int, int, int, int] = (0, 0, 0, 0)  # the locator's box
    valid_on: str = ""  # the newest validOn date the file gives

    def level(self, level: int) -> list[Shape]:
        return [s for s in self.shapes if s.level == level]

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(sorted({s.level for s in self.shapes}))

    def box(self) -> tuple[int, int, int, int]:
        boxes = [s.box for s in self.shapes]
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return laea(lon, lat, *self.centre)

    def to_bytes(self) -> bytes:
        land = [r.tobytes() for r in self.land]
        data = (FORMAT, self.centre, [s.as_tuple() for s in self.shapes], land, self.region)
        return marshal.dumps((*data, self.valid_on))

    @classmethod
    def from_bytes(cls, blob: bytes) -> MapGeometry:
        """What `to_bytes` wrote; ValueError when it is not that (another format, damaged)."""
        try:
            version, centre, shapes, land, region, valid_on = marshal.loads(blob)
            if version != FORMAT:
                raise ValueError(f"format {version}")
            return cls(
                tuple(centre),
                tuple(Shape.from_tuple(s) for s in shapes),
                [array("i", r) for r in land],
                tuple(region),
                valid_on,
            )
        except (EOFError, TypeError, ValueError) as exc:
            raise ValueError(f"not a map geometry: {exc}") from None


def laea(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area on the sphere, centred on (lon0, lat0): metres, y north."""
    phi, lam = math.radians(lat), math.radians(lon - lon0)
    phi0 = math.radians(lat0)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2 / max(1 + cos_c, 1e-12))
    x = EARTH_RADIUS * k * math.cos(phi) * math.sin(lam)
    y = (
        EARTH_RADIUS
        * k
        * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(lam))
    )
    return x, y


def _laea_array(coords, lon0: float, lat0: float):
    """`laea` over an (n, 2) array of longitude/latitude."""
    import numpy as np  # only when a file is read, not on a cached build

    phi, lam = np.radians(coords[:, 1]), np.radians(coords[:, 0] - lon0)
    phi0 = math.radians(lat0)
    cos_c = math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(lam)
    k = np.sqrt(2 / np.maximum(1 + cos_c, 1e-12))
    x = EARTH_RADIUS * k * np.cos(phi) * np.sin(lam)
    y = (
        EARTH_RADIUS
        * k
        * (math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(lam))
    )
    return np.column_stack([x, y])


def check_feature(feature: Feature) -> None:
    """A ShapeError unless the feature is a valid, non-empty polygon on the Earth."""
    import shapely  # only when a file is read

    geom = feature.geometry
    if geom is None or geom.is_empty:
        raise ShapeError(feature.where, "has no geometry (an empty shape)")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ShapeError(
            feature.where, f"is a {geom.geom_type}, not a polygon: admin areas are polygons"
        )
    x0, y0, x1, y1 = geom.bounds
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        raise ShapeError(feature.where, "has coordinates that are not numbers (NaN or infinite)")
    if x0 < -180.0001 or x1 > 180.0001 or y0 < -90.0001 or y1 > 90.0001:
        raise ShapeError(
            feature.where,
            f"has coordinates ({x0:,.0f}, {y0:,.0f} to {x1:,.0f}, {y1:,.0f}) that are not "
            "longitude and latitude: the file's coordinate system is missing or wrong (a "
            "shapefile needs its .prj)",
        )
    if not shapely.is_valid(geom):
        reason = shapely.is_valid_reason(geom)
        raise ShapeError(
            feature.where,
            f"invalid geometry ({reason}). Repair the file (QGIS: Vector > Geometry Tools > "
            "Fix Geometries) or download it again from HDX",
        )


def build_geometry(features: list[Feature], valid_on: str = "") -> MapGeometry:
    """The features (checked with `check_feature`) as a `MapGeometry`; admin levels 1 and 2."""
    import numpy as np  # reading a file only: a cached build skips it
    import shapely  # reading a file only: a cached build skips it

    merged = _merge(features + admin1_features(features))
    lonlat = np.array([f.geometry.bounds for f in merged])
    x0, y0 = lonlat[:, 0].min(), lonlat[:, 1].min()
    x1, y1 = lonlat[:, 2].max(), lonlat[:, 3].max()
    centre = (float(x0 + x1) / 2, float(y0 + y1) / 2)  # plain floats: marshal writes them
    projected = [shapely.transform(f.geometry, lambda c: _laea_array(c, *centre)) for f in merged]
    boxes = np.array([g.bounds for g in projected])
    size = max(boxes[:, 2].max() - boxes[:, 0].min(), boxes[:, 3].max() - boxes[:, 1].min())
    finest = max(f.level for f in merged)
    at = {lvl: [i for i, f in enumerate(merged) if f.level == lvl] for lvl in (1, 2)}
    rings: dict[int, dict[str, list]] = {i: {} for i in range(len(merged))}
    geoms: dict[str, list] = {}
    finest_geoms = np.array([projected[i] for i in at[finest]])
    coverage = bool(shapely.coverage_is_valid(finest_geoms))
    for detail, fraction in DETAILS.items():
        if coverage:
            simple = list(shapely.coverage_simplify(finest_geoms, size * fraction))
        else:  # areas that overlap: the coverage simplifier is slow on them and cannot keep
            # their edges shared anyway; each is simplified on its own
            simple = list(shapely.simplify(finest_geoms, size * fraction, preserve_topology=True))
        for i, geom in zip(at[finest], simple, strict=True):
            rings[i][detail] = geom
        if finest == 2:
            _admin1_from_admin2(merged, at, rings, detail, projected, size * fraction, coverage)
        geoms[detail] = [rings[i][detail] for i in range(len(merged))]
    shapes = []
    for i, feature in enumerate(merged):
        geom = geoms["country"][i]
        if geom.is_empty:  # simplified away: keep the area's own box at least
            geom = projected[i].envelope
        left, bottom, right, top = (round(float(v)) for v in projected[i].bounds)
        shapes.append(
            Shape(
                code=feature.code,
                level=feature.level,
                parent=feature.parent,
                name=feature.name,
                where=feature.where,
                rings={
                    d: _rings(geoms[d][i])
                    for d in DETAILS
                    if not (d == "locator" and feature.level > 1)
                },
                anchor=_anchor(geom, size),
                box=(left, bottom, right, top),
            )
        )
    region, land = _land(centre, (x0, y0, x1, y1), boxes, size)
    return MapGeometry(centre, tuple(shapes), land, region, valid_on)


def _merge(features: list[Feature]) -> list[Feature]:
    """One feature per (level, code): a file may store an area's parts as several features."""
    import shapely  # reading a file only: a cached build skips it

    by_code: dict[tuple[int, str], list[Feature]] = {}
    for f in features:
        by_code.setdefault((f.level, f.code), []).append(f)
    out = []
    for parts in by_code.values():
        first = parts[0]
        if len(parts) > 1:
            geometry = shapely.union_all([p.geometry for p in parts])
            first = Feature(
                first.code, first.level, first.parent, first.name, first.where, geometry
            )
        out.append(first)
    return sorted(out, key=lambda f: (f.level, f.code))


def _admin1_from_admin2(
    merged, at, rings, detail: str, projected, tolerance: float, coverage: bool = True
) -> None:
    """Each admin-1 area as the union of its simplified admin-2 areas (their lines meet), or
    its own shape simplified when the file gives it no admin-2 area."""
    import shapely  # reading a file only: a cached build skips it

    children: dict[str, list] = {}
    for i in at[2]:
        if merged[i].parent:
            children.setdefault(_key(merged[i].parent), []).append(rings[i][detail])
    codes = {_key(merged[i].code): i for i in at[1]}
    for code, i in codes.items():
        parts = children.get(code)
        if parts:
            union = shapely.coverage_union_all if coverage else shapely.union_all
            rings[i][detail] = union(parts)
        else:
            rings[i][detail] = shapely.simplify(projected[i], tolerance, preserve_topology=True)


def _key(code: str) -> str:
    return "".join(code.split()).upper()


def admin1_features(features: list[Feature]) -> list[Feature]:
    """Admin-1 features made from admin-2 features' parent codes, for a file without its
    admin-1 layer (its geometry is the union of the children; named by code until matched)."""
    import shapely  # reading a file only: a cached build skips it

    have = {_key(f.code) for f in features if f.level == 1}
    groups: dict[str, list[Feature]] = {}
    for f in features:
        if f.level == 2 and f.parent and _key(f.parent) not in have:
            groups.setdefault(_key(f.parent), []).append(f)
    made = []
    for code, parts in sorted(groups.items()):
        # only its box counts here: its shape is the union of its children once simplified
        bounds = shapely.total_bounds([p.geometry for p in parts])
        geometry = shapely.box(*bounds)
        made.append(Feature(parts[0].parent or code, 1, None, "", parts[0].where, geometry))
    return made


def _rings(geom) -> list[Ring]:
    """The rings of a (multi)polygon as flat lists of whole metres; fewer than 3 points dropped."""
    import numpy as np  # reading a file only: a cached build skips it
    import shapely  # reading a file only: a cached build skips it

    out: list[Ring] = []
    polygons = shapely.get_parts(geom)
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = np.rint(shapely.get_coordinates(ring)).astype(np.int64)
            if len(coords) >= 4:
                out.append(array("i", coords[:-1].astype(np.int32).ravel().tobytes()))
    return out


def _anchor(geom, size: float) -> tuple[int, int]:
    """A point well inside the area (its largest part's pole of inaccessibility)."""
    import shapely  # reading a file only: a cached build skips it
    from shapely.ops import polylabel  # reading a file only: a cached build skips it

    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        c = geom.centroid
        return round(c.x), round(c.y)
    largest = max(parts, key=lambda p: p.area)
    try:
        point = polylabel(largest, tolerance=size / 2000)
    except Exception:  # a degenerate part polylabel cannot handle: its surface point will do
        point = largest.point_on_surface()
    return round(point.x), round(point.y)


def _land(centre, lonlat: tuple, boxes, size: float) -> tuple[tuple, list[Ring]]:
    """The locator's box around the country and the world's land in it (Natural Earth)."""
    import numpy as np  # reading a file only: a cached build skips it
    import shapely  # reading a file only: a cached build skips it

    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    half = size * LOCATOR_REGION / 2
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    region = (mx - half, my - half * 0.8, mx + half, my + half * 0.8)
    # the land near the country, cut in longitude/latitude first (a continent's ring may go
    # round the globe, which no azimuthal projection draws), then in the projection
    reach = max(lonlat[2] - lonlat[0], lonlat[3] - lonlat[1]) * LOCATOR_REGION * 1.5 + 2
    box = (
        max(-180.0, centre[0] - reach),
        max(-89.0, centre[1] - reach),
        min(180.0, centre[0] + reach),
        min(89.0, centre[1] + reach),
    )
    data = json.loads(LAND_FILE.read_text(encoding="utf-8"))
    polygons = [
        shapely.Polygon(
            np.array(rings[0], dtype=float).reshape(-1, 2),  # the outer ring, then the holes
            holes=[np.array(r, dtype=float).reshape(-1, 2) for r in rings[1:]],
        ).buffer(0)
        for rings in data["polygons"]
    ]
    near = shapely.clip_by_rect(shapely.union_all(polygons), *box)
    land = shapely.transform(near, lambda c: _laea_array(c, *centre))
    land = shapely.clip_by_rect(land.buffer(0), *region)
    land = shapely.simplify(land, size * DETAILS["locator"], preserve_topology=True)
    return tuple(round(float(v)) for v in region), _rings(land)
