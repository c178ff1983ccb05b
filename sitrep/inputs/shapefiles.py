"""Shapefiles (`.shp .shx .dbf .prj .cpg`) as layers, read with pyshp from bytes in memory.

A shapefile's headers say how long it is and how many records it holds; a crafted one claims
gigabytes in a few bytes. Both are checked against the bytes actually there before pyshp
reads a record, and pyshp reads from memory (a record claiming more than the file holds gets
what is there, never a buffer of the claimed size). The `.dbf`'s columns decide the layer's
admin level before any shape is decoded, so a COD's admin-3 layer costs nothing.
"""

from __future__ import annotations

import codecs
import io
import struct
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from sitrep.geo.shapes import ShapeError
from sitrep.inputs.vectors import Layer

POLYGON_TYPES = {5, 15, 25}  # Polygon, PolygonZ, PolygonM
NULL_SHAPE = 0
SHP_HEADER = 100  # bytes
ENCODINGS = {"utf-8", "utf8", "65001"}


def shapefile_layer(name: str, parts: dict[str, bytes]) -> Layer:
    """The layer of one shapefile, its members by extension ("shp", "dbf", "shx", "prj", "cpg")."""
    import shapefile  # pyshp: only when a boundary file is read

    name_shown, name = name, f"layer {name}"

    if "shp" not in parts or "dbf" not in parts:
        missing = " and ".join(f".{e}" for e in ("shp", "dbf") if e not in parts)
        raise ShapeError(name, f"is a shapefile without its {missing} file")
    shp, dbf = parts["shp"], parts["dbf"]
    _check_shp(shp, name)
    _check_dbf(dbf, name)
    encoding = _encoding(parts.get("cpg"))
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(shp),
            dbf=io.BytesIO(dbf),
            shx=io.BytesIO(parts["shx"]) if "shx" in parts else None,
            encoding=encoding,
            encodingErrors="replace",
        )
        columns = [f[0] for f in reader.fields[1:]]
        kind = reader.shapeType
    except (shapefile.ShapefileException, struct.error, ValueError, IndexError) as exc:
        raise ShapeError(name, f"is not a shapefile sitrep can read ({exc})") from None
    prj = parts.get("prj")
    crs = prj.decode("utf-8", "replace") if prj else None

    def read() -> Iterator[tuple[int, dict[str, str], Callable[[], Any]]]:
        try:
            for number, record in enumerate(reader.iterShapeRecords(), 1):
                props = {c: _text(v) for c, v in zip(columns, record.record, strict=False)}
                yield number, props, partial(_geometry, record.shape, number)
        except (shapefile.ShapefileException, struct.error, ValueError, IndexError) as exc:
            raise ShapeError(name, f"is damaged: {exc}") from None

    layer_kind = "polygon" if kind in POLYGON_TYPES or kind == NULL_SHAPE else "other"
    return Layer(name_shown, columns, crs, read, layer_kind)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    return str(value).strip()


def _encoding(cpg: bytes | None) -> str:
    """The `.dbf`'s text encoding as the `.cpg` names it (UTF-8 when it names none)."""
    if not cpg:
        return "utf-8"
    name = cpg.decode("ascii", "replace").strip().lower()
    if name in ENCODINGS:
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _check_shp(data: bytes, name: str) -> None:
    """The `.shp` header: its magic number, and a length no longer than the bytes there are."""
    if len(data) < SHP_HEADER or struct.unpack(">i", data[:4])[0] != 9994:
        raise ShapeError(name, "its .shp is not a shapefile (no shapefile header)")
    declared = struct.unpack(">i", data[24:28])[0] * 2  # in 16-bit words
    if declared > len(data) or declared < SHP_HEADER:
        raise ShapeError(
            name,
            f"its .shp header says the file holds {_size(declared)} but it has {_size(len(data))}: "
            "the file is damaged or was not written by a GIS program",
        )


def _check_dbf(data: bytes, name: str) -> None:
    """The `.dbf` header: records x record length no more than the bytes there are."""
    if len(data) < 32:
        raise ShapeError(name, "its .dbf is not a dBASE file (too short)")
    records, header, length = struct.unpack("<IHH", data[4:12])
    declared = header + records * length
    if declared > len(data) + 1 or header < 33:  # the end-of-file byte is optional
        raise ShapeError(
            name,
            f"its .dbf header says it holds {records:,} records ({_size(declared)}) but the file "
            f"has {_size(len(data))}: the file is damaged or was not written by a GIS program",
        )


def _size(n: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def _geometry(shape: Any, number: int):
    """A shapely geometry from a pyshp shape (rings oriented as the format says: holes kept)."""
    import shapely  # reading a file only: a cached build skips it
    from shapely.geometry import shape as make  # reading a file only: a cached build skips it

    if shape.shapeType == NULL_SHAPE:
        return None
    try:
        return make(shape.__geo_interface__)
    except (AttributeError, IndexError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise ShapeError(f"feature {number}", f"its shape cannot be read ({exc})") from None
