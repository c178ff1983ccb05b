"""Where the map's labels go: beside their point if there is room, else out on a leader line.

Greedy and deterministic: each label, in the order given, takes the first candidate position
that covers nothing already taken (labels, markers, route tags, closure marks; route lines
too on the first pass, tolerated on the second). Candidates are the eight positions around the
point, then rings further out in twelve directions, reached by a leader line that itself
crosses no label or mark. A label with no free position is left out (the caller lists it)
rather than drawn over something. Boxes are looked up in a uniform grid, so a busy map costs
little.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from sitrep.render.drawing import Box, overlap

CELL = 24.0  # grid cell, in drawing units
RINGS = (14.0, 24.0, 36.0, 50.0, 66.0, 84.0)  # leader lengths, for 7-unit labels (scaled)
DIRECTIONS = 12


class Grid:
    """Boxes by the grid cells they touch; `hits(box)` says whether any overlaps `box`."""

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[Box, bool]]] = defaultdict(list)

    def _keys(self, box: Box):
        for i in range(math.floor(box[0] / CELL), math.floor(box[2] / CELL) + 1):
            for j in range(math.floor(box[1] / CELL), math.floor(box[3] / CELL) + 1):
                yield i, j

    def add(self, box: Box, soft: bool = False) -> None:
        """A box; `soft` ones (route lines) may be covered when nothing else is free."""
        for key in self._keys(box):
            self.cells[key].append((box, soft))

    def hits(self, box: Box, strict: bool = True) -> bool:
        for key in self._keys(box):
            for other, soft in self.cells.get(key, ()):
                if (strict or not soft) and overlap(box, other):
                    return True
        return False


@dataclass(frozen=True)
class Placed:
    box: Box  # the label block's box
    align: str  # start | middle | end: where the text sits in the box
    leader: tuple[float, float, float, float] | None  # from the point to the block's edge


def _around(x: float, y: float, w: float, h: float, r: float) -> list[tuple[Box, str]]:
    """The eight positions next to a point: right, left, above and below right and left, above,
    below (the cartographer's usual order of preference)."""
    return [
        ((x + r, y - h / 2, x + r + w, y + h / 2), "start"),
        ((x - r - w, y - h / 2, x - r, y + h / 2), "end"),
        ((x + r * 0.7, y - r * 0.7 - h, x + r * 0.7 + w, y - r * 0.7), "start"),
        ((x + r * 0.7, y + r * 0.7, x + r * 0.7 + w, y + r * 0.7 + h), "start"),
        ((x - r * 0.7 - w, y - r * 0.7 - h, x - r * 0.7, y - r * 0.7), "end"),
        ((x - r * 0.7 - w, y + r * 0.7, x - r * 0.7, y + r * 0.7 + h), "end"),
        ((x - w / 2, y - r - h, x + w / 2, y - r), "middle"),
        ((x - w / 2, y + r, x + w / 2, y + r + h), "middle"),
    ]


def _ring(x: float, y: float, w: float, h: float, d: float) -> list[tuple[Box, str, tuple]]:
    """Positions `d` away in twelve directions, the block's nearest edge at that distance."""
    found = []
    for k in range(DIRECTIONS):
        angle = 2 * math.pi * k / DIRECTIONS
        ex, ey = x + d * math.cos(angle), y - d * math.sin(angle)
        c = math.cos(angle)
        if c > 0.3:
            box, align, end = (ex, ey - h / 2, ex + w, ey + h / 2), "start", (ex, ey)
        elif c < -0.3:
            box, align, end = (ex - w, ey - h / 2, ex, ey + h / 2), "end", (ex, ey)
        elif math.sin(angle) > 0:
            box, align, end = (ex - w / 2, ey - h, ex + w / 2, ey), "middle", (ex, ey)
        else:
            box, align, end = (ex - w / 2, ey, ex + w / 2, ey + h), "middle", (ex, ey)
        found.append((box, align, end))
    return found


def _segment_free(grid: Grid, a: tuple[float, float], b: tuple[float, float], skip: float) -> bool:
    """A leader line from a to b crosses no hard box (sampled every 2 units) beyond `skip`
    from a (the point's own marker)."""
    length = math.dist(a, b)
    steps = max(2, int(length / 2))
    for k in range(1, steps):
        f = k / steps
        if f * length < skip:
            continue
        px, py = a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        if grid.hits((px - 0.6, py - 0.6, px + 0.6, py + 0.6), strict=False):
            return False
    return True


def place(
    grid: Grid,
    point: tuple[float, float],
    size: tuple[float, float],
    radius: float,
    bounds: Box,
    scale: float = 1.0,
    rings: tuple[float, ...] = RINGS,
) -> Placed | None:
    """The first free position for a `size` block labelling `point`; taken into `grid`.
    `rings`: the leader lengths to try (fewer on a crowded country-wide map)."""
    x, y = point
    w, h = size

    def inside(box: Box) -> bool:
        return (
            box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2]
            and box[3] <= bounds[3]
        )  # fmt: skip

    for strict in (True, False):
        for box, align in _around(x, y, w, h, radius):
            if inside(box) and not grid.hits(box, strict):
                return _take(grid, Placed(box, align, None))
        for d in rings:
            for box, align, end in _ring(x, y, w, h, d * scale):
                if (
                    inside(box)
                    and not grid.hits(box, strict)
                    and _segment_free(grid, point, end, radius + 1)
                ):
                    return _take(grid, Placed(box, align, (x, y, *end)))
    return None


def _take(grid: Grid, placed: Placed) -> Placed:
    grid.add(placed.box)
    if placed.leader:
        x0, y0, x1, y1 = placed.leader
        steps = max(2, int(math.dist((x0, y0), (x1, y1)) / 3))
        for k in range(1, steps):
            f = k / steps
            px, py = x0 + f * (x1 - x0), y0 + f * (y1 - y0)
            grid.add((px - 0.5, py - 0.5, px + 0.5, py + 0.5))
    return placed


def place_centred(grid: Grid, point: tuple[float, float], size: tuple[float, float], bounds: Box):
    """An area's name: centred on its point if free, else just beside it (no leader line:
    a name far from its area would name another); None when neither is free. Taken into
    `grid`."""
    x, y = point
    w, h = size
    centred = ((x - w / 2, y - h / 2, x + w / 2, y + h / 2), "middle")
    for box, align in [centred, *_around(x, y, w, h, h * 0.6)]:
        inside = (
            box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2]
            and box[3] <= bounds[3]
        )  # fmt: skip
        if inside and not grid.hits(box, strict=False):
            return _take(grid, Placed(box, align, None))
    return None
