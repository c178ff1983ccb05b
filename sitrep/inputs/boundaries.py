"""The office's boundaries (`[geography] boundaries = "PATH"`): a COD-AB file as HDX publishes it.

Read: a zip (shapefiles, one per level or all levels, or GeoJSON or GeoPackage files), a
shapefile named by its `.shp`, GeoJSON (levels in one file or not), TopoJSON, a GeoPackage (a
layer per level). Each layer's admin level comes from its P-code columns (`ADM2_PCODE`,
`adm2_pcode`: the deepest it has; a GeoJSON feature's, from the deepest it fills); levels 1 and
2 are kept, others skipped unread. Polygons are matched to areas by P-code in any written form
(the gazetteer's `canonical`, as for tables), changed to longitude/latitude when the file is in
another system (`sitrep.geo.crs`), checked (`sitrep.geo.shapes.check_feature`), then projected
and simplified once (`build_geometry`).

Limits, before parsing: the file's size (`[limits] max_file_mb`, and `max_boundaries_mb` for
what is read of it: a zip's members by the sizes its directory declares, each member read no
further than that), a zip member's compression ratio (`max_zip_ratio`), a shapefile's own
headers (`sitrep.inputs.shapefiles`). Any problem is one error naming the file, layer and
feature, and nothing of the file is used.

Cached: the geometry is kept in the user's cache folder (`sitrep.files.cache_folder`, never in a
workspace), under the SHA-256 of the file's bytes and sitrep's version, so every build after
the first reads a few hundred KB and imports neither shapely nor pyproj. The P-codes are
checked against the gazetteer at every build (a changed places table or COD list counts).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitrep import __version__
from sitrep.errors import ConfigError
from sitrep.files import atomic_write, cache_folder
from sitrep.geo.areas import Gazetteer
from sitrep.geo.crs import to_lonlat
from sitrep.geo.names import compact_code, split_code
from sitrep.geo.shapes import Feature, MapGeometry, Shape, ShapeError, build_geometry, check_feature
from sitrep.geo.unknown import other_country
from sitrep.inputs.limits import ZIP_RATIO_FLOOR, exceeded, megabytes
from sitrep.inputs.shapefiles import shapefile_layer
from sitrep.inputs.vectors import Layer, geopackage_layers, json_layers
from sitrep.problems import Message
from sitrep.settings.limits import Limits

PCODE_COLUMN = re.compile(r"^adm([0-4])_?pcode$", re.IGNORECASE)
NAME_COLUMN = re.compile(r"^adm([0-4])_?(en|name|[a-z]{2})$", re.IGNORECASE)
VALID_ON = {"validon", "valid_on", "date"}
SHAPEFILE_PARTS = ("shp", "shx", "dbf", "prj", "cpg")
JSON_SUFFIXES = (".geojson", ".json", ".topojson")
MAGIC = {b"PK\x03\x04": "zip", b"SQLite format 3\x00": "gpkg"}
_MEMORY: dict[str, MapGeometry] = {}  # this process's reads, by cache key


@dataclass(frozen=True)
class Boundaries:
    """The geometry of a boundary file, each area under its canonical P-code."""

    geometry: MapGeometry
    pcodes: tuple[str, ...]  # aligned with geometry.shapes
    parents: tuple[str | None, ...]
    file: str  # as the report names it: relative to the workspace
    digest: str  # the cache key: the file's SHA-256 and sitrep's version

    def at(self, level: int) -> list[tuple[str, Shape]]:
        return [
            (code, shape)
            for code, shape in zip(self.pcodes, self.geometry.shapes, strict=True)
            if shape.level == level
        ]

    def shape(self, pcode: str) -> Shape | None:
        for code, shape in zip(self.pcodes, self.geometry.shapes, strict=True):
            if code == pcode:
                return shape
        return None

    def parent(self, pcode: str) -> str | None:
        for code, parent in zip(self.pcodes, self.parents, strict=True):
            if code == pcode:
                return parent
        return None


def read_boundaries(
    path: Path, limits: Limits, gazetteer: Gazetteer, workspace: Path
) -> Boundaries:
    """The boundary file's areas; ConfigError naming the setting, the file, layer and feature."""
    try:
        shown = str(path.relative_to(workspace))
    except ValueError:
        shown = str(path)

    def fail(message: str) -> ConfigError:
        return ConfigError(f"geography.boundaries: {shown}: {message}")

    if not path.is_file():
        raise fail("file not found")
    size = path.stat().st_size
    if size > limits.max_file_mb * 1024 * 1024:
        what = Message("limit-exceeded.file", size=megabytes(size))
        raise fail(exceeded(what, "max_file_mb", limits.max_file_mb, "MB"))
    if size > limits.max_boundaries_mb * 1024 * 1024:
        what = Message("limit-exceeded.file", size=megabytes(size))
        raise fail(exceeded(what, "max_boundaries_mb", limits.max_boundaries_mb, "MB"))
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    key = f"{digest}-{__version__}"
    try:
        geometry = _MEMORY.get(key) or _cached(key) or _build(path, limits, key)
    except ShapeError as exc:
        raise fail(str(exc).removeprefix("the file: ")) from None
    _MEMORY.clear()
    _MEMORY[key] = geometry
    pcodes, parents, problems = _match(geometry, gazetteer)
    if problems:
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise fail("; ".join(problems[:3]) + more)
    return Boundaries(geometry, pcodes, parents, shown, key)


def _cached(key: str) -> MapGeometry | None:
    folder = cache_folder("boundaries")
    file = folder / f"{key}.bin" if folder else None
    if file is None or not file.is_file():
        return None
    try:
        return MapGeometry.from_bytes(file.read_bytes())
    except (OSError, ValueError):  # damaged or from another format: read the file again
        return None


def _build(path: Path, limits: Limits, key: str) -> MapGeometry:
    layers, close = _layers(path, limits)
    try:
        features: list[Feature] = []
        dates: set[str] = set()
        for layer in layers:
            try:
                features += _features(layer, dates)
            except ShapeError as exc:
                raise ShapeError(f"layer {layer.name}", str(exc)) from None
    finally:
        close()
    if not any(f.level in (1, 2) for f in features):
        raise ShapeError(
            "the file",
            "has no admin-1 or admin-2 areas: expected polygons with ADM1_PCODE or ADM2_PCODE "
            "(a COD-AB file from HDX, cod-ab-<iso3>)",
        )
    geometry = build_geometry(features, max(dates, default=""))
    if folder := cache_folder("boundaries"):
        # a cache that cannot be written costs the next build time, nothing else
        with contextlib.suppress(OSError):
            atomic_write(folder / f"{key}.bin", geometry.to_bytes(), private=True, durable=False)
    return geometry


def _layers(path: Path, limits: Limits) -> tuple[list[Layer], Callable[[], None]]:
    """The layers of the file, and what closes it (a GeoPackage's connection)."""
    with path.open("rb") as handle:
        head = handle.read(16)
    kind = next((k for magic, k in MAGIC.items() if head.startswith(magic)), None)
    if kind == "zip":
        return _zip_layers(path, limits)
    if kind == "gpkg":
        return geopackage_layers(path, path.name)
    if path.suffix.lower() == ".shp":
        parts = {}
        for ext in SHAPEFILE_PARTS:
            sibling = next(
                (p for p in path.parent.glob(f"{path.stem}.*") if p.suffix.lower() == f".{ext}"),
                None,
            )
            if sibling is not None and sibling.is_file():
                parts[ext] = _read_capped(sibling, limits)
        return [shapefile_layer(path.stem, parts)], lambda: None
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[", b""):
        return json_layers(path.read_bytes(), path.name), lambda: None
    raise ShapeError(
        "the file",
        "is not a boundary file sitrep reads: expected a zipped shapefile, a .shp, GeoJSON, "
        "TopoJSON or a GeoPackage (.gpkg)",
    )


def _read_capped(path: Path, limits: Limits) -> bytes:
    if path.stat().st_size > limits.max_boundaries_mb * 1024 * 1024:
        what = f"{path.name} is {megabytes(path.stat().st_size)} MB"
        raise ShapeError(
            "the file", exceeded(what, "max_boundaries_mb", limits.max_boundaries_mb, "MB")
        )
    return path.read_bytes()


def _zip_layers(path: Path, limits: Limits) -> tuple[list[Layer], Callable[[], None]]:
    """The layers in a zip: shapefiles by name, GeoJSON, TopoJSON and GeoPackage files."""
    try:
        archive = zipfile.ZipFile(path)
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir() and not m.filename.startswith("__MACOSX/") and _wanted(m.filename)
        ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ShapeError("the file", f"is not a zip file that can be read ({exc})") from None
    total = sum(m.file_size for m in members)
    if total > limits.max_boundaries_mb * 1024 * 1024:
        what = f"its boundary files unpack to {megabytes(total)} MB"
        raise ShapeError(
            "the zip", exceeded(what, "max_boundaries_mb", limits.max_boundaries_mb, "MB")
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > ZIP_RATIO_FLOOR and ratio > limits.max_zip_ratio:
            what = Message("limit-exceeded.zip-bomb", member=member.filename, ratio=f"{ratio:,.0f}")
            raise ShapeError(
                "the zip", exceeded(what, "max_zip_ratio", limits.max_zip_ratio, "ratio")
            )
    data = {m.filename: _unzip(archive, m) for m in members}
    archive.close()
    layers: list[Layer] = []
    sets: dict[str, dict[str, bytes]] = {}
    closers: list[Callable[[], None]] = []
    folder = tempfile.TemporaryDirectory(prefix="sitrep-gpkg-")
    closers.append(folder.cleanup)
    for name, blob in sorted(data.items()):
        stem, _, ext = name.rpartition(".")
        ext = ext.lower()
        if ext in SHAPEFILE_PARTS:
            sets.setdefault(stem, {})[ext] = blob
        elif f".{ext}" in JSON_SUFFIXES:
            layers += json_layers(blob, Path(name).name)
        elif ext == "gpkg":
            copy = Path(folder.name) / f"{len(closers)}.gpkg"
            copy.write_bytes(blob)
            found, closer = geopackage_layers(copy, Path(name).name)
            layers += found
            closers.insert(0, closer)
    for stem, parts in sorted(sets.items()):
        if "shp" in parts:
            layers.append(shapefile_layer(Path(stem).name, parts))
    if not layers:
        raise ShapeError("the zip", "holds no shapefile, GeoJSON, TopoJSON or GeoPackage file")

    def close() -> None:
        for closer in closers:
            closer()

    return layers, close


def _wanted(name: str) -> bool:
    ext = name.rpartition(".")[2].lower()
    return ext in SHAPEFILE_PARTS or f".{ext}" in JSON_SUFFIXES or ext == "gpkg"


def _unzip(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than its declared size (a lying header reads no further)."""
    try:
        with archive.open(member) as handle:
            blob = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError, RuntimeError) as exc:
        raise ShapeError(member.filename, f"cannot be unzipped ({exc})") from None
    if len(blob) > member.file_size:
        raise ShapeError(
            member.filename, "unpacks to more than the zip declares: a damaged or crafted zip"
        )
    return blob


def _features(layer: Layer, dates: set[str]) -> list[Feature]:
    """The admin-1 and admin-2 features of a layer, in longitude/latitude, checked."""
    if layer.kind != "polygon":
        return []  # lines and points (admin lines, capitals): not areas
    codes = {int(m.group(1)): c for c in layer.columns if (m := PCODE_COLUMN.match(c))}
    if not codes:
        shown = ", ".join(layer.columns[:12]) or "none"
        raise ShapeError(
            "the layer",
            f"has no P-code column: expected ADM1_PCODE or ADM2_PCODE (as COD-AB files have); "
            f"its columns are: {shown}",
        )
    per_feature = layer.mixed  # GeoJSON: levels may share a file; a feature's is its own
    deepest = max(codes)
    if not per_feature and not 1 <= deepest <= 2:
        return []  # the country's outline (admin 0) or admin 3 and below: not drawn
    names = {}
    for column in layer.columns:
        if (m := NAME_COLUMN.match(column)) and not PCODE_COLUMN.match(column):
            level = int(m.group(1))
            if m.group(2).lower() in ("en", "name") or level not in names:
                names[level] = column
    valid = next((c for c in layer.columns if c.lower() in VALID_ON), None)
    transform = to_lonlat(layer.crs, "its coordinate system")
    found = []
    for number, props, make in layer.features():
        filled = [lvl for lvl, col in codes.items() if props.get(col)]
        level = max(filled, default=0) if per_feature else deepest
        if not 1 <= level <= 2:
            continue
        code = props.get(codes[level], "")
        where = f"feature {number}" + (f" ({code})" if code else "")
        if not code:
            raise ShapeError(where, f"has no P-code in {codes[level]}")
        geometry = make()
        if geometry is not None and transform is not None:
            import shapely  # only while a file is read

            geometry = shapely.transform(geometry, transform)
        parent = props.get(codes[level - 1]) if level - 1 in codes else None
        feature = Feature(
            code, level, parent or None, props.get(names.get(level, ""), ""), where, geometry
        )
        check_feature(feature)
        found.append(feature)
        if valid and props.get(valid):
            dates.add(props[valid][:10])
    return found


def _match(geometry: MapGeometry, gazetteer: Gazetteer) -> tuple[tuple, tuple, list[str]]:
    """Each area's canonical P-code and its parent's, and what is wrong with the others."""
    pcodes, parents, problems = [], [], []
    for shape in geometry.shapes:
        code = _canonical(shape.code, gazetteer)
        if code is None:
            foreign = other_country(shape.code, gazetteer.country)
            why = (
                foreign.message
                if foreign
                else (
                    f"{shape.code} is not a P-code of {gazetteer.country.name}"
                    if gazetteer.country
                    else f"{shape.code} is not a P-code"
                )
            )
            problems.append(f"{shape.where}: {why}")
            code = shape.code
        pcodes.append(code)
        parents.append(_canonical(shape.parent, gazetteer) if shape.parent else None)
    return tuple(pcodes), tuple(parents), problems


def _canonical(code: str, gazetteer: Gazetteer) -> str | None:
    """The canonical P-code: the list's, else (a code of the country the list lacks: a newer
    COD) the code as the list writes its prefix; None for another country's or no P-code."""
    if gazetteer.country is None:
        return compact_code(code) or None
    if found := gazetteer.canonical(code):
        return found
    if gazetteer.looks_like_pcode(code):
        parts = split_code(compact_code(code))
        return gazetteer.canonical_prefix() + parts[1] if parts else None
    return None
