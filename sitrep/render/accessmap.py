"""The schematic access map: places as points, routes as lines coloured by status, as a drawing.

A route is drawn through its from, via and to places, looked up by name in the `places` table
(case and punctuation ignored). Closures are marked with a cross and checkpoints with a
triangle at the middle of the route, the route's id in a box beside it; colour is never the
only cue (line styles differ too). Each place is labelled with its name and, when the table
gives one, its local name (in the stylesheet's `--font-local`), placed by `sitrep.render.placement`
so that no label covers another, a marker, a route's box or a mark. The phone's drawing names
places without their local names (the place table in the sources annex has them). A
workspace's boundaries GeoJSON, if configured, is drawn underneath in light grey, simplified to
a size budget (`simplify`). Same data, same bytes.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.geo.gazetteer import normalise_name
from sitrep.geo.spellings import of_language
from sitrep.render.drawing import LINE, Canvas, Fonts, grow, midpoint, num
from sitrep.render.drawn import PALETTE, VARIANTS, Drawn, Translate, file_state, memoised
from sitrep.render.placement import Grid, place
from sitrep.validate.table import records

if TYPE_CHECKING:
    import pandas as pd

    from sitrep.figures.compute import Route

STATUS_STYLE = {  # colour, dashes: readable in grey print and by colour-blind readers
    "open": (PALETTE["open"], None),
    "open with restrictions": (PALETTE["restricted"], "8 3"),
    "restricted": (PALETTE["restricted"], "3 2.5"),
    "closed": (PALETTE["closed"], "1.5 2"),
    "unknown": (PALETTE["unknown"], "6 3 2 3"),
}
BOUNDARY_POINTS = 1500  # the most boundary vertices a drawing keeps (the PDF stays small)


@dataclass(frozen=True)
class Place:
    name: str
    pcode: str | None
    lat: float
    lon: float
    kind: str | None
    name_local: str | None
    row: int


@dataclass
class AccessMap:
    svg: Drawn | None  # the drawings (named svg for the templates written before issue 17)
    places: list[Place]  # the places drawn, for the place table and the sources annex
    not_drawn: list[str]  # route ids with fewer than two known places


def load_places(
    frame: pd.DataFrame, language: str = "", editions: Iterable[str] = ()
) -> dict[str, Place]:
    """Places by normalised name (aliases and names in every language too); the first row of a
    name wins. Each is named in `language` where its row has a name in it (`name_ar`); its
    local name is the first of another language than the report's `editions` (a report in
    Arabic and English shows no Arabic name under an English one: its Arabic edition has it)."""
    places: dict[str, Place] = {}
    for r in records(frame.sort_values("_row")):
        if r["lat"] is None or r["lon"] is None:
            continue
        names = r.get("local_names") or {}
        shown = (of_language(names, language) if language else None) or r["name"]
        own = r.get("name_local")
        others = [n for k, n in names.items() if not any(of_language({k: n}, e) for e in editions)]
        kept = [own] if own and own not in names.values() else []
        local = next((n for n in [*kept, *others] if n != shown), None)
        place = Place(
            shown, r.get("pcode"), float(r["lat"]), float(r["lon"]), r.get("type"), local,
            int(r["_row"]),
        )  # fmt: skip
        for name in [r["name"], *str(r.get("aliases") or "").split(";"), *names.values()]:
            if name and name.strip():
                places.setdefault(normalise_name(name), place)
    return places


def route_places(route: Route, via: str | None, places: dict[str, Place]) -> list[Place]:
    """The known places a route passes, in order."""
    names = [route.start, *(via or "").split(";"), route.end]
    found = [places.get(normalise_name(n)) for n in names if n and n.strip()]
    return [p for i, p in enumerate(found) if p and (i == 0 or p != found[i - 1])]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: the points a polyline keeps when nothing moves more than `tolerance`.

    Our own (20 lines) rather than shapely's: it runs on the drawing's units after projection,
    and shapely's import (~0.1 s) alone would be a third of a build's allowance.
    """
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        far, index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > far:
                far, index = d, i
        if far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _rings(path: Path | None) -> list[list[tuple[float, float]]]:
    """The outer rings (lon, lat) of a GeoJSON file's polygons."""
    if path is None or not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data.get("features", [data]) if isinstance(data, dict) else []
    rings = []
    for feature in features:
        geometry = (feature or {}).get("geometry") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates") or []
        polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
        for polygon in polygons:
            for ring in polygon[:1]:  # the outer ring: holes do not matter at this scale
                rings.append([(float(p[0]), float(p[1])) for p in ring])
    return rings


def access_map(
    routes: list[Route],
    vias: dict[str, str | None],
    places: dict[str, Place],
    t: Translate,
    font_dirs: list[Path],
    boundaries: Path | None = None,
    rtl: bool = False,
) -> AccessMap:
    """The map of `routes` (with their `via` text by route id) over the known `places`."""
    drawn: list[tuple[Route, list[Place]]] = []
    not_drawn = []
    for route in routes:
        points = route_places(route, vias.get(route.route_id), places)
        (drawn.append((route, points)) if len(points) >= 2 else not_drawn.append(route.route_id))
    if not drawn:
        return AccessMap(None, [], not_drawn)
    used = sorted({p for _, pts in drawn for p in pts}, key=lambda p: p.row)

    def draw() -> Drawn:
        fonts, rings = Fonts(font_dirs), _rings(boundaries)
        parts = {
            # never mirrored: the map keeps its geography; only its key changes sides
            variant: _map(Canvas(w, 0, fonts, s), drawn, used, t, rings, variant, rtl)
            for variant, (w, s) in VARIANTS.items()
        }
        description = map_description(drawn, used, t)
        return Drawn(
            wide=parts["wide"].html("map", description, "wide"),
            narrow=parts["narrow"].html("map", description, "narrow"),
            description=description,
        )

    svg = memoised("map", draw, drawn, used, t, font_dirs, file_state(boundaries), rtl)
    return AccessMap(svg, used, not_drawn)


def map_description(drawn: list[tuple[Route, list[Place]]], used: list[Place], t: Translate) -> str:
    counts = {s: sum(r.status == s for r, _ in drawn) for s in STATUS_STYLE}
    statuses = "; ".join(
        t("map.status_count", n=n, status=t(f"status.{s.replace(' ', '_')}"))
        for s, n in counts.items()
        if n
    )
    routes = t("map.routes", n=len(drawn), count=len(drawn))
    places = t("map.places", n=len(used), count=len(used))
    return t("map.desc", routes=routes, places=places, statuses=statuses)


def _map(
    canvas: Canvas,
    drawn: list[tuple[Route, list[Place]]],
    used: list[Place],
    t: Translate,
    rings: list[list[tuple[float, float]]],
    variant: str,
    rtl: bool,
) -> Canvas:
    size, line = canvas.size, canvas.size * LINE
    wide = variant == "wide"
    key = _key_entries(drawn, t)
    title_w = canvas.measure(t("map.legend"), bold=True)
    key_w = max([title_w] + [canvas.measure(w) + 24 for w, _, _ in key]) + 2
    map_w = canvas.width - key_w - 8 if wide else canvas.width
    left = key_w + 8 if wide and rtl else 0.0  # the key on the right, or on the left when rtl
    pad = size * (5 if wide else 2.5)  # room for the outermost labels
    aspect = _aspect(used)  # the places' height / width
    if wide:
        map_h = round(
            min(canvas.width * 0.75, max(canvas.width * 0.4, (map_w - 2 * pad) * aspect + 2 * pad))
        )
    else:
        map_h = round(
            min(canvas.width * 1.5, max(canvas.width * 0.75, (map_w - 2 * pad) * aspect + 2 * pad))
        )
    key_h = 0 if wide else line * (len(key) + 1) + 8
    canvas.height = map_h + key_h
    project = _projection(used, map_w, map_h, pad, left)
    grid = Grid()
    bounds = (left, 0.0, left + map_w, float(map_h))
    clip = f"map-{variant}-clip"
    if rings:
        _boundaries(canvas, rings, project, clip, bounds)
    radius = size * 0.36
    tags = []
    for route, pts in drawn:
        colour, dash = STATUS_STYLE.get(route.status, STATUS_STYLE["unknown"])
        xy = [project(p) for p in pts]
        width = (2.4 if route.changed else 1.8) * (1 if wide else 1.4)
        canvas.polyline(xy, colour, width, dash, stroke_linecap="round")
        for a, b in itertools.pairwise(xy):
            steps = max(1, int(math.dist(a, b) / 3))
            for k in range(steps + 1):
                px, py = a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps
                grid.add((px - width, py - width, px + width, py + width), soft=True)
        tags.append((route, midpoint(xy), colour))
    for p in used:
        x, y = project(p)
        if p.kind == "checkpoint":
            grid.add(canvas.triangle(x, y, radius * 1.5, PALETTE["ink"]))
        else:
            canvas.circle(x, y, radius, PALETTE["ink"], stroke="white", stroke_width="0.6")
            grid.add(grow((x, y, x, y), radius + 0.8))
    for route, (x, y), _ in tags:  # marks first, then the route's id beside its mark
        mark = size * 0.75
        if route.status == "closed":
            grid.add(canvas.cross(x, y, mark, PALETTE["closed"]))
        elif route.constraint == "checkpoint":
            grid.add(canvas.triangle(x, y, mark * 1.1, PALETTE["restricted"]))
    unlabelled: list[str] = []  # never drawn over something: named under the drawing instead
    for route, (x, y), colour in tags:
        w, h = canvas.measure(route.route_id, size * 0.9) + 4, size * 0.9 * LINE + 1
        spot = place(grid, (x, y), (w, h), size * 1.1, bounds, size / 7)
        if spot is None:
            unlabelled.append(route.route_id)
            continue
        x0, y0, x1, y1 = spot.box
        canvas.rect(x0, y0, x1 - x0, y1 - y0, "white", stroke=colour, stroke_width="0.6", rx="1.5")
        if spot.leader:
            canvas.line(*spot.leader, colour, 0.5)
        canvas.text((x0 + x1) / 2, y0 + 0.5, route.route_id, "middle", size * 0.9, colour)
    for p in used:
        names = [p.name] + ([p.name_local] if p.name_local and wide else [])
        widths = [canvas.measure(p.name)] + [canvas.measure(n, local=True) for n in names[1:]]
        spot = place(
            grid, project(p), (max(widths), line * len(names)), radius + 2, bounds, size / 7
        )
        if spot is None:
            unlabelled.append(p.name)
            continue
        x0, y0, x1, _ = spot.box
        ax = {"start": x0, "end": x1, "middle": (x0 + x1) / 2}[spot.align]
        if spot.leader:
            canvas.line(*spot.leader, PALETTE["muted"], 0.5)
        canvas.text(ax, y0, p.name, spot.align)
        if len(names) > 1:
            canvas.text(ax, y0 + line, names[1], spot.align, colour=PALETTE["muted"], local=True)
    if rtl:  # the key's right edge, its words right-aligned beside the samples
        _key(canvas, key, t, key_w if wide else canvas.width, 0 if wide else map_h + 4, True)
    else:
        _key(canvas, key, t, map_w + 8 if wide else 0, 0 if wide else map_h + 4)
    if unlabelled:  # never drawn over something: named under the drawing instead
        note = t("map.unlabelled", places=", ".join(unlabelled))
        y = canvas.height + line * 0.5
        canvas.height = canvas.paragraph(0, y, note, canvas.width, colour=PALETTE["muted"]) + 2
    return canvas


def _aspect(used: list[Place]) -> float:
    mid = math.cos(math.radians(sum(p.lat for p in used) / len(used)))
    span_x = (max(p.lon for p in used) - min(p.lon for p in used)) * mid or 1e-6
    return ((max(p.lat for p in used) - min(p.lat for p in used)) or 1e-6) / span_x


def _projection(used: list[Place], width: float, height: float, pad: float, left: float = 0):
    """lon/lat -> drawing units: equirectangular at the places' middle latitude, fitted."""
    mid = math.cos(math.radians(sum(p.lat for p in used) / len(used)))
    xs = [p.lon * mid for p in used]
    ys = [p.lat for p in used]
    span_x, span_y = (max(xs) - min(xs)) or 1e-6, (max(ys) - min(ys)) or 1e-6
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    ox = left + (width - scale * span_x) / 2 - scale * min(xs)
    oy = (height - scale * span_y) / 2 + scale * max(ys)

    def project(p: Place | tuple[float, float]) -> tuple[float, float]:
        lon, lat = (p.lon, p.lat) if isinstance(p, Place) else p
        return ox + scale * lon * mid, oy - scale * lat

    return project


def _boundaries(canvas: Canvas, rings, project, clip: str, bounds: tuple) -> None:
    """The polygons, projected, simplified until they fit BOUNDARY_POINTS, clipped to the map."""
    projected = [[project(p) for p in ring] for ring in rings]
    tolerance = 0.25
    while True:
        kept = [simplify(r, tolerance) for r in projected]
        kept = [r for r in kept if len(r) >= 3]
        if sum(map(len, kept)) <= BOUNDARY_POINTS or tolerance > max(
            bounds[2] - bounds[0], bounds[3]
        ):
            break
        tolerance *= 2
    canvas.shapes.append(
        f'<clipPath id="{clip}"><rect x="{num(bounds[0])}" width="{num(bounds[2] - bounds[0])}" '
        f'height="{num(bounds[3])}"/></clipPath>'
        f'<g clip-path="url(#{clip})">'
    )
    for ring in kept:
        canvas.polyline(ring, "#b8bcc2", 0.5, fill="#f1f2f4", close=True)
    canvas.shapes.append("</g>")


def _key_entries(drawn: list[tuple[Route, list[Place]]], t: Translate) -> list[tuple]:
    statuses = {r.status for r, _ in drawn}
    entries: list[tuple] = [
        (t(f"status.{s.replace(' ', '_')}"), "line", s) for s in STATUS_STYLE if s in statuses
    ]
    if "closed" in statuses:
        entries.append((t("map.closure"), "cross", None))
    if any(
        r.constraint == "checkpoint" or any(p.kind == "checkpoint" for p in pts) for r, pts in drawn
    ):
        entries.append((t("map.checkpoint"), "triangle", None))
    return entries


def _key(
    canvas: Canvas, entries: list[tuple], t: Translate, x: float, y: float, rtl: bool = False
) -> None:
    """The key: its title, then a sample of each line style and mark with its word; from `x`
    rightwards, or (rtl) leftwards from `x`, the samples on the right."""
    line = canvas.size * LINE
    sign, align = (-1, "end") if rtl else (1, "start")
    canvas.text(x, y, t("map.legend"), align, bold=True)
    for row, (words, kind, status) in enumerate(entries, 1):
        cy = y + row * line + line / 2
        if kind == "line":
            colour, dash = STATUS_STYLE[status]
            canvas.line(x, cy, x + sign * 18, cy, colour, 1.8, dash)
        elif kind == "cross":
            canvas.cross(x + sign * 9, cy, canvas.size * 0.5, PALETTE["closed"])
        else:
            canvas.triangle(x + sign * 9, cy, canvas.size * 0.55, PALETTE["restricted"])
        canvas.text(x + sign * 24, cy, words, align, valign="middle")
