"""The schematic access map: places as points, routes as lines coloured by status, as SVG.

A route is drawn through its from, via and to places, looked up by name in the `places` table
(case and punctuation ignored). Closures are marked with a cross and checkpoints with a
triangle at the middle of the route; colour is never the only cue (line styles differ too).
Each place is labelled with its name and, when the table gives one, its local name in Arabic
script. A workspace's boundaries GeoJSON, if configured, is drawn underneath in light grey.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.charts import (
    ARABIC_FONT,
    PALETTE,
    Translate,
    drawing,
    file_state,
    memoised,
    new_figure,
    to_svg,
)
from sitrep.gazetteer import normalise_name

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from sitrep.figures import Route

STATUS_STYLE = {  # colour, line style: readable in grey print and by colour-blind readers
    "open": (PALETTE["open"], "-"),
    "open with restrictions": (PALETTE["restricted"], (0, (6, 2))),
    "restricted": (PALETTE["restricted"], (0, (2, 1.5))),
    "closed": (PALETTE["closed"], (0, (1, 1.2))),
    "unknown": (PALETTE["unknown"], (0, (4, 2, 1, 2))),
}


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
    svg: str | None
    places: list[Place]  # the places drawn, for the place table and the sources annex
    not_drawn: list[str]  # route ids with fewer than two known places


def load_places(frame: pd.DataFrame) -> dict[str, Place]:
    """Places by normalised name (aliases too); the first row of a name wins."""
    places: dict[str, Place] = {}
    for r in frame.sort_values("_row").to_dict("records"):
        if r["lat"] is None or r["lon"] is None:
            continue
        place = Place(
            r["name"],
            r.get("pcode"),
            float(r["lat"]),
            float(r["lon"]),
            r.get("type"),
            r.get("name_local"),
            int(r["_row"]),
        )
        names = [r["name"], *str(r.get("aliases") or "").split(";")]
        for name in names:
            if name and name.strip():
                places.setdefault(normalise_name(name), place)
    return places


def route_places(route: Route, via: str | None, places: dict[str, Place]) -> list[Place]:
    """The known places a route passes, in order."""
    names = [route.start, *(via or "").split(";"), route.end]
    found = [places.get(normalise_name(n)) for n in names if n and n.strip()]
    return [p for i, p in enumerate(found) if p and (i == 0 or p != found[i - 1])]


def _boundaries(ax: Axes, path: Path | None) -> None:
    """Polygons of a GeoJSON file, in light grey, under everything else."""
    if path is None or not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data.get("features", [data]) if isinstance(data, dict) else []
    for feature in features:
        geometry = (feature or {}).get("geometry") or {}
        kind, coords = geometry.get("type"), geometry.get("coordinates") or []
        polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
        for polygon in polygons:
            for ring in polygon[:1]:  # the outer ring: holes do not matter at this scale
                xs, ys = zip(*[(p[0], p[1]) for p in ring], strict=True)
                ax.fill(xs, ys, facecolor="#f1f2f4", edgecolor="#b8bcc2", linewidth=0.5, zorder=0)


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points on the page
LABEL_SIZE = 7.0  # pt
# Where a label may go around its point: (dx, dy) in points, horizontal alignment, and where
# the two-line block sits vertically relative to dy.
CANDIDATES = (
    (5, 0, "left", "center"),
    (-5, 0, "right", "center"),
    (5, 3, "left", "bottom"),
    (-5, 3, "right", "bottom"),
    (5, -3, "left", "top"),
    (-5, -3, "right", "top"),
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
)


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def _block(x: float, y: float, width: float, height: float, candidate: tuple) -> Box:
    dx, dy, ha, va = candidate
    x0 = x + dx - (width if ha == "right" else width / 2 if ha == "center" else 0)
    y0 = y + dy - (height if va == "top" else height / 2 if va == "center" else 0)
    return (x0, y0, x0 + width, y0 + height)


def _label_places(ax: Axes, places: list[Place], occupied: list[Box]) -> None:
    """Name and local name beside each point, where they overlap the least (greedy)."""
    scale = 72 / ax.figure.dpi  # display pixels -> points
    frame = ax.get_window_extent()
    bounds = (frame.x0 * scale, frame.y0 * scale, frame.x1 * scale, frame.y1 * scale)
    line = LABEL_SIZE * 1.25
    for place in places:
        x, y = (v * scale for v in ax.transData.transform((place.lon, place.lat)))
        chars = max(len(place.name), len(place.name_local or ""))
        size = (chars * LABEL_SIZE * 0.55, line * (2 if place.name_local else 1))
        # Only boxes near the point can overlap a candidate: every candidate lies within `near`
        # (with a point to spare). The others add exactly 0 to a cost, so leaving them out
        # changes no cost and no placement; it saves most of the work on a busy map.
        near = (x - size[0] - 6, y - size[1] - 7, x + size[0] + 6, y + size[1] + 7)
        nearby = [o for o in occupied if _overlap(near, o)]

        def cost(
            candidate: tuple, x: float = x, y: float = y, size: tuple = size, nearby: list = nearby
        ) -> float:
            box = _block(x, y, *size, candidate)
            outside = size[0] * size[1] - _overlap(box, bounds)
            return sum(_overlap(box, o) for o in nearby) + 4 * outside

        best = min(CANDIDATES, key=cost)
        box = _block(x, y, *size, best)
        occupied.append(box)
        dx, ha = best[0], best[2]
        top = box[3] - y
        ax.annotate(
            place.name,
            (place.lon, place.lat),
            xytext=(dx, top),
            textcoords="offset points",
            ha=ha,
            va="top",
            fontsize=LABEL_SIZE,
            color=PALETTE["ink"],
            parse_math=False,
            zorder=5,
        )
        if place.name_local:
            ax.annotate(
                place.name_local,
                (place.lon, place.lat),
                xytext=(dx, top - line),
                textcoords="offset points",
                ha=ha,
                va="top",
                fontsize=LABEL_SIZE,
                family=ARABIC_FONT,
                color=PALETTE["muted"],
                parse_math=False,
                zorder=5,
            )


def _occupied(ax: Axes, drawn: list[tuple[Route, list[Place]]]) -> list[Box]:
    """What labels should not cover: points, route lines (sampled) and route-id tags."""
    scale = 72 / ax.figure.dpi
    boxes: list[Box] = []
    for _, points in drawn:
        for a, b in itertools.pairwise(points):
            for k in range(9):
                f = k / 8
                lon, lat = a.lon + f * (b.lon - a.lon), a.lat + f * (b.lat - a.lat)
                x, y = (v * scale for v in ax.transData.transform((lon, lat)))
                boxes.append((x - 2.5, y - 2.5, x + 2.5, y + 2.5))
        x, y = (v * scale for v in ax.transData.transform(_midpoint(points)))
        boxes.append((x - 9, y - 16, x + 9, y + 6))  # the marker and the route id under it
    return boxes


def _midpoint(points: list[Place]) -> tuple[float, float]:
    """The point halfway along a polyline."""
    pairs = list(itertools.pairwise(points))
    lengths = [math.dist((a.lon, a.lat), (b.lon, b.lat)) for a, b in pairs]
    half = sum(lengths) / 2
    for (a, b), length in zip(pairs, lengths, strict=True):
        if half <= length and length:
            f = half / length
            return a.lon + f * (b.lon - a.lon), a.lat + f * (b.lat - a.lat)
        half -= length
    return points[0].lon, points[0].lat


def access_map(
    routes: list[Route],
    vias: dict[str, str | None],
    places: dict[str, Place],
    t: Translate,
    font_dirs: list[Path],
    boundaries: Path | None = None,
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

    def draw() -> str:
        with drawing(font_dirs):
            return _map_svg(drawn, used, t, boundaries)

    svg = memoised("map", draw, drawn, used, t, font_dirs, file_state(boundaries))
    return AccessMap(svg, used, not_drawn)


def _map_svg(
    drawn: list[tuple[Route, list[Place]]], used: list[Place], t: Translate, boundaries: Path | None
) -> str:
    figure, ax = new_figure(4.8)
    ax.set_position((0.0, 0.0, 0.76, 1.0))  # the legend goes in the strip on the right
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    _boundaries(ax, boundaries)
    for route, points in drawn:
        colour, style = STATUS_STYLE.get(route.status, STATUS_STYLE["unknown"])
        ax.plot(
            [p.lon for p in points],
            [p.lat for p in points],
            color=colour,
            linestyle=style,
            linewidth=2.4 if route.changed else 1.8,
            zorder=2,
            solid_capstyle="round",
        )
        x, y = _midpoint(points)
        if route.status == "closed":
            ax.plot(
                x,
                y,
                marker="X",
                markersize=9,
                color=PALETTE["closed"],
                markeredgecolor="white",
                zorder=4,
            )
        elif route.constraint == "checkpoint":
            ax.plot(
                x,
                y,
                marker="^",
                markersize=8,
                color=PALETTE["restricted"],
                markeredgecolor="white",
                zorder=4,
            )
        ax.annotate(
            route.route_id,
            (x, y),
            xytext=(0, -11),
            textcoords="offset points",
            ha="center",
            fontsize=6.5,
            color=colour,
            parse_math=False,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": colour, "lw": 0.5},
            zorder=4,
        )
    for place in used:
        marker = "^" if place.kind == "checkpoint" else "o"
        ax.plot(
            place.lon,
            place.lat,
            marker=marker,
            markersize=4,
            color=PALETTE["ink"],
            markeredgecolor="white",
            markeredgewidth=0.5,
            zorder=3,
        )
    mid_lat = sum(p.lat for p in used) / len(used)
    ax.set_aspect(1 / math.cos(math.radians(mid_lat)))  # degrees of longitude are shorter
    ax.margins(0.1)
    ax.apply_aspect()  # fix the data-to-page transform before placing labels
    _label_places(ax, used, _occupied(ax, drawn))
    _legend(
        ax,
        {r.status for r, _ in drawn},
        t,
        any(r.status == "closed" for r, _ in drawn),
        any(
            r.constraint == "checkpoint" or any(p.kind == "checkpoint" for p in pts)
            for r, pts in drawn
        ),
    )
    return to_svg(figure, "access-map")


def _legend(ax: Axes, statuses: set[str], t: Translate, closure: bool, checkpoint: bool) -> None:
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color=STATUS_STYLE[s][0],
            linestyle=STATUS_STYLE[s][1],
            linewidth=1.8,
            label=t(f"status.{s.replace(' ', '_')}"),
        )
        for s in STATUS_STYLE
        if s in statuses
    ]
    if closure:
        handles.append(
            Line2D(
                [],
                [],
                marker="X",
                linestyle="none",
                color=PALETTE["closed"],
                markersize=7,
                label=t("map.closure"),
            )
        )
    if checkpoint:
        handles.append(
            Line2D(
                [],
                [],
                marker="^",
                linestyle="none",
                color=PALETTE["restricted"],
                markersize=6,
                label=t("map.checkpoint"),
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        fontsize=7,
        frameon=True,
        framealpha=0.9,
        edgecolor=PALETTE["rule"],
        title=t("map.legend"),
        title_fontsize=7,
    )
