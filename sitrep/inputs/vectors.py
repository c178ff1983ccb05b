"""Layers of a boundary file: GeoJSON, TopoJSON and GeoPackage, as HDX publishes COD-AB files.

Each reader gives `Layer`s: a name (the file, a TopoJSON object, a GeoPackage table), its
columns, its coordinate system as the file states it, and its features, whose geometry is made
only when asked (a layer of admin level 3 is never decoded). The bytes were measured against
`[limits]` before they came here (`sitrep.inputs.boundaries`). A GeoPackage is SQLite: it is
opened read-only, as immutable, with SQLite's defences for files from elsewhere (no trusted
schema, cell sizes checked, no memory map), only real tables listed in `gpkg_contents` are read
(never a view), and a query is stopped after a budget of SQLite steps. Geometries are decoded
by shapely (GeoJSON objects, WKB).
"""

from __future__ import annotations

import json
import sqlite3
import struct
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sitrep.geo.shapes import ShapeError

SQLITE_STEPS = 2_000_000_000  # VM steps one query may take (minutes of work): a hostile view
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}  # GeoPackage header envelope sizes


@dataclass
class Layer:
    """One layer: its features are (number, properties, make_geometry) as they are read."""

    name: str
    columns: list[str]
    crs: str | None  # as the file states it (WKT, "EPSG:32642"); None: longitude/latitude
    features: Callable[[], Iterator[tuple[int, dict[str, str], Callable[[], Any]]]]
    kind: str = "polygon"  # "polygon", or "other" (points, lines: not areas, skipped)
    mixed: bool = False  # features of several admin levels (GeoJSON): each by its own columns


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _shape(data: object, where: str):
    """A shapely geometry from a GeoJSON geometry object; ShapeError when it is not one."""
    import shapely  # reading a file only: a cached build skips it
    from shapely.geometry import shape  # reading a file only: a cached build skips it

    if data is None:
        return None
    try:
        if not isinstance(data, dict):
            raise TypeError(f"a {type(data).__name__}, not an object")
        if data.get("type") in ("Polygon", "MultiPolygon"):
            return _polygons(data)  # numpy arrays: a million vertices in a second, not five
        return shape(data)
    except (
        AttributeError,
        IndexError,
        KeyError,
        TypeError,
        ValueError,
        shapely.errors.GEOSException,
    ) as exc:
        raise ShapeError(where, f"its geometry is not valid GeoJSON ({exc})") from None


def _polygons(data: dict):
    """A Polygon or MultiPolygon from its GeoJSON coordinates, through numpy arrays."""
    import numpy as np  # reading a file only: a cached build skips it
    import shapely  # reading a file only: a cached build skips it

    coords = data.get("coordinates")
    polygons = [coords] if data["type"] == "Polygon" else coords
    if not isinstance(polygons, list):
        raise TypeError("coordinates are not a list")
    made = []
    for rings in polygons:
        arrays = [np.asarray(r, dtype=float)[:, :2] for r in rings]
        if arrays:
            polygon = shapely.polygons(arrays[0], holes=arrays[1:] or None)
            assert isinstance(polygon, shapely.Polygon)  # one shell: one polygon
            made.append(polygon)
    if data["type"] == "Polygon":
        return made[0] if made else shapely.Polygon()
    return shapely.MultiPolygon(made)


def _parse_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except RecursionError:
        raise ShapeError(what, "is nested too deeply to be a boundary file") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ShapeError(what, f"is not valid JSON ({exc})") from None


def json_layers(data: bytes, name: str) -> list[Layer]:
    """A GeoJSON FeatureCollection (one layer) or a TopoJSON Topology (a layer per object)."""
    doc = _parse_json(data, name)
    if isinstance(doc, dict) and doc.get("type") == "Topology":
        return _topology_layers(doc, name)
    if not isinstance(doc, dict) or doc.get("type") not in ("FeatureCollection", "Feature"):
        raise ShapeError(name, "is neither a GeoJSON FeatureCollection nor a TopoJSON Topology")
    features = doc.get("features") if doc["type"] == "FeatureCollection" else [doc]
    if not isinstance(features, list):
        raise ShapeError(name, "its `features` is not a list")
    columns: dict[str, None] = {}
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            columns.update(dict.fromkeys(str(k) for k in props))
    crs = doc.get("crs")
    crs_name = None
    if isinstance(crs, dict) and isinstance(crs.get("properties"), dict):
        crs_name = _text(crs["properties"].get("name")) or None

    def read() -> Iterator[tuple[int, dict[str, str], Callable[[], Any]]]:
        for number, feature in enumerate(features, 1):
            if not isinstance(feature, dict):
                raise ShapeError(f"feature {number}", "is not a GeoJSON Feature")
            props = feature.get("properties") or {}
            props = {str(k): _text(v) for k, v in props.items()} if isinstance(props, dict) else {}
            geometry = feature.get("geometry")
            yield number, props, partial(_shape, geometry, f"feature {number}")

    return [Layer(name, list(columns), crs_name, read, mixed=True)]


def _topology_layers(doc: dict, name: str) -> list[Layer]:
    """TopoJSON: arcs decoded (delta-coded and quantized when `transform` is given)."""
    arcs = doc.get("arcs")
    objects = doc.get("objects")
    if not isinstance(arcs, list) or not isinstance(objects, dict):
        raise ShapeError(name, "is a TopoJSON Topology without `arcs` and `objects`")
    transform = doc.get("transform")
    decoded: dict[int, list[tuple[float, float]]] = {}

    def arc(index: object, where: str) -> list[tuple[float, float]]:
        if not isinstance(index, int) or not -len(arcs) <= index < len(arcs):
            raise ShapeError(where, f"refers to arc {index!r}, which the file does not have")
        real = index if index >= 0 else ~index
        if real not in decoded:
            decoded[real] = _decode_arc(arcs[real], transform, where)
        points = decoded[real]
        return points if index >= 0 else points[::-1]

    def ring(indices: object, where: str) -> list[tuple[float, float]]:
        if not isinstance(indices, list):
            raise ShapeError(where, "has a ring that is not a list of arcs")
        points: list[tuple[float, float]] = []
        for i in indices:
            part = arc(i, where)
            points += part if not points else part[1:]  # arcs share their end points
        return points

    def geometry(obj: dict, where: str) -> dict | None:
        kind, parts = obj.get("type"), obj.get("arcs")
        if kind == "Polygon" and isinstance(parts, list):
            return {"type": "Polygon", "coordinates": [ring(r, where) for r in parts]}
        if kind == "MultiPolygon" and isinstance(parts, list):
            polygons = [[ring(r, where) for r in p] for p in parts if isinstance(p, list)]
            return {"type": "MultiPolygon", "coordinates": polygons}
        return None if kind is None else {"type": kind, "coordinates": []}

    layers = []
    for key, obj in objects.items():
        members = obj.get("geometries") if isinstance(obj, dict) else None
        members = members if isinstance(members, list) else [obj]
        columns: dict[str, None] = {}
        for member in members:
            if isinstance(member, dict) and isinstance(member.get("properties"), dict):
                columns.update(dict.fromkeys(str(k) for k in member["properties"]))

        def read(members=members) -> Iterator[tuple[int, dict[str, str], Callable[[], Any]]]:
            for number, member in enumerate(members, 1):
                if not isinstance(member, dict):
                    raise ShapeError(f"feature {number}", "is not a TopoJSON geometry")
                props = member.get("properties") or {}
                props = {str(k): _text(v) for k, v in props.items()}
                where = f"feature {number}"

                def make(m: dict = member, w: str = where) -> Any:
                    return _shape(geometry(m, w), w)

                yield number, props, make

        layers.append(Layer(str(key), list(columns), None, read, mixed=True))
    return layers


def _decode_arc(raw: object, transform: object, where: str) -> list[tuple[float, float]]:
    if not isinstance(raw, list):
        raise ShapeError(where, "has an arc that is not a list of positions")
    scale, translate = (1.0, 1.0), (0.0, 0.0)
    quantized = isinstance(transform, dict)
    if isinstance(transform, dict):
        scale = tuple(transform.get("scale", (1, 1)))
        translate = tuple(transform.get("translate", (0, 0)))
    points, x, y = [], 0.0, 0.0
    try:
        for position in raw:
            px, py = float(position[0]), float(position[1])
            if quantized:
                x, y = x + px, y + py
                points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
            else:
                points.append((px, py))
    except (IndexError, TypeError, ValueError):
        raise ShapeError(where, "has an arc whose positions are not pairs of numbers") from None
    return points


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def geopackage_layers(path: Path, name: str) -> tuple[list[Layer], Callable[[], None]]:
    """The feature tables of a GeoPackage, and a function that closes it."""
    uri = f"file:{urllib.parse.quote(str(path))}?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        for pragma in ("trusted_schema = OFF", "cell_size_check = ON", "mmap_size = 0"):
            db.execute(f"PRAGMA {pragma}")
        db.set_progress_handler(_step_budget(), 10_000)
        contents = db.execute(
            "SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id "
            "FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
            "WHERE c.data_type = 'features'"
        ).fetchall()
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        systems = {
            int(r[0]): r[1:]
            for r in db.execute(
                "SELECT srs_id, organization, organization_coordsys_id, definition "
                "FROM gpkg_spatial_ref_sys"
            )
            if isinstance(r[0], int)
        }
    except sqlite3.Error as exc:
        raise ShapeError(name, f"is not a GeoPackage sitrep can read ({exc})") from None
    layers = []
    for table, column, kind, srs in contents:
        table, column = str(table), str(column)
        if table not in tables:  # a view, or a name that is not there: never queried
            raise ShapeError(f"layer {table}", "is not a table of the GeoPackage")
        columns = [
            str(r[1]) for r in db.execute(f"PRAGMA table_info({_quote(table)})") if r[1] != column
        ]
        polygonal = str(kind).upper() in ("POLYGON", "MULTIPOLYGON", "GEOMETRY", "CURVEPOLYGON")

        def read(table=table, column=column, columns=columns):
            select = ", ".join(_quote(c) for c in [column, *columns])
            try:
                cursor = db.execute(f"SELECT {select} FROM {_quote(table)}")
                for number, row in enumerate(cursor, 1):
                    props = {c: _text(v) for c, v in zip(columns, row[1:], strict=True)}
                    where = f"feature {number}"
                    yield number, props, lambda b=row[0], w=where: _wkb(b, w)
            except sqlite3.Error as exc:
                raise ShapeError(f"layer {table}", f"cannot be read ({exc})") from None

        layers.append(
            Layer(
                table,
                columns,
                _srs(systems.get(srs), srs),
                read,
                "polygon" if polygonal else "other",
            )
        )
    return layers, db.close


def _step_budget() -> Callable[[], int]:
    steps = [0]

    def handler() -> int:
        steps[0] += 10_000
        return 1 if steps[0] > SQLITE_STEPS else 0  # non-zero stops the query

    return handler


def _srs(row: tuple | None, srs_id: object) -> str | None:
    """The coordinate system of a GeoPackage's srs_id: EPSG:n, else its WKT definition."""
    if srs_id in (4326, 0, -1, None) or row is None:
        return None  # WGS 84, or undefined (its coordinates are then checked)
    organization, code, definition = row
    if str(organization).upper() == "EPSG" and isinstance(code, int):
        return f"EPSG:{code}"
    return str(definition) if definition else None


def _wkb(blob: object, where: str):
    """A shapely geometry from a GeoPackage geometry blob (its `GP` header, then WKB)."""
    import shapely  # reading a file only: a cached build skips it

    if blob is None:
        return None
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        raise ShapeError(where, "its geometry is not a GeoPackage geometry")
    flags = blob[3]
    if flags & 0b0010_0000:
        raise ShapeError(where, "its geometry is of an extended type sitrep does not read")
    envelope = ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None:
        raise ShapeError(where, "its geometry header is damaged")
    if flags & 0b0001_0000:
        return None  # an empty geometry
    start = 8 + envelope
    struct.unpack_from("<i" if flags & 1 else ">i", blob, 4)  # the srs id: present and whole
    try:
        return shapely.from_wkb(blob[start:])
    except shapely.errors.GEOSException as exc:
        raise ShapeError(where, f"its geometry cannot be decoded ({exc})") from None
