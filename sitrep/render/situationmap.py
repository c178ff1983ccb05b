"""The situation map: the country on the office's own boundaries, its areas shaded by a figure.

Drawn when `[geography] boundaries` names a COD-AB file (`sitrep.inputs.boundaries`): admin-1
areas, or admin-2 areas with admin-1 lines over them, shaded by IDPs present or new
displacement (`[report] map_shading`, `map_level`; `sitrep.figures.by_area`) in classes from
the data, zero in white and "no data" hatched; the areas of blockades in effect outlined in
red; the access routes between their places' coordinates in their status's colour and dash
(`sitrep.render.accessmap`); names placed without overlap (`sitrep.render.placement`: places
first, then admin-1 names, then the most affected areas'); a key with the classes and units,
a locator and a scale bar. An area report shows its area, zoomed, with its neighbours in grey,
and a locator of the country with the area marked. Right to left, the key and locator move to
the left and the map keeps its geography; numbers follow the report's digits. Each drawing
carries its description: the figure, the date, the five most affected areas with their
figures. Same data, same bytes.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.figures.by_area import class_of, classes, map_values
from sitrep.render.accessmap import STATUS_STYLE, Place
from sitrep.render.drawing import LINE, Canvas, Fonts, grow, midpoint
from sitrep.render.drawn import PALETTE, VARIANTS, Drawn, Formats, Translate, memoised
from sitrep.render.mapparts import (
    area_path,
    describe,
    fill_of,
    hatch_pattern,
    key_rows,
    locator,
    most_affected,
    outline_path,
    path_data,
    ramp,
    scale_bar,
)
from sitrep.render.placement import RINGS, Grid, place, place_centred

if TYPE_CHECKING:
    from sitrep.figures.compute import Figures
    from sitrep.geo.areas import Gazetteer
    from sitrep.inputs.boundaries import Boundaries

BLOCKADE = (PALETTE["closed"], "3 1.6")
TOP = 5  # areas named in the description and labelled first


@dataclass(frozen=True, kw_only=True)
class SituationMap:
    drawn: Drawn
    figure: str | None  # "idps", "displacement", or None (boundaries only)
    level: int
    classes: tuple[tuple[int, int], ...]
    top: tuple[tuple[str, str, int], ...]  # the most affected areas: (P-code, name, figure)
    coarser: int  # figures given for larger areas than the map's level (not drawn)


def choose_figure(shading: str, fig: Figures) -> str | None:
    if shading == "auto":
        return "idps" if fig.idps else "displacement" if fig.provinces else None
    return shading if shading in ("idps", "displacement") else None


def situation_map(
    boundaries: Boundaries,
    fig: Figures,
    shading: str,
    level: int | None,
    gazetteer: Gazetteer,
    routes: list[tuple],
    t: Translate,
    font_dirs: list[Path],
    rtl: bool = False,
    focus: str | None = None,
    level_words: tuple[str, str] = ("", ""),
) -> SituationMap:
    """The map of `fig` on `boundaries`; `routes`: (route, its places) to draw; `focus`: the
    admin-1 P-code of an area report."""
    most = max(boundaries.geometry.levels)
    figure = choose_figure(shading, fig)

    def level_of(code: str) -> int | None:
        area = gazetteer.areas.get(code)
        return area.level if area else None

    values = (
        map_values(
            fig, figure, min(level, most) if level else None, level_of, gazetteer.ancestor, most
        )
        if figure
        else None
    )
    drawn_level = values.level if values else min(level or most, most)
    cuts = classes(list(values.values.values())) if values else []
    top = most_affected(values, gazetteer, TOP)
    blockaded = sorted({b.area_pcode for b in fig.blockades if b.area_pcode})
    formats = Formats(getattr(t, "locale", "en"), getattr(t, "numbering", "latn"))
    names = {
        code: gazetteer.name(code) if code in gazetteer.areas else (shape.name or code)
        for code, shape in zip(boundaries.pcodes, boundaries.geometry.shapes, strict=True)
    }

    def draw() -> Drawn:
        fonts = Fonts(font_dirs)
        job = _Job(boundaries, values, drawn_level, cuts, blockaded, routes, t, formats, rtl, focus)
        job.names = names
        parts = {v: job.draw(Canvas(w, 0, fonts, s), v) for v, (w, s) in VARIANTS.items()}
        words = level_words[drawn_level - 1] if len(level_words) >= drawn_level else ""
        description = describe(values, top, t, formats, words, len(blockaded))
        return Drawn(
            wide=parts["wide"].html("situation-map", description, "wide"),
            narrow=parts["narrow"].html("situation-map", description, "narrow"),
            description=description,
        )

    key = (boundaries.digest, names, values, drawn_level, blockaded, routes, focus)
    drawn = memoised("situation", draw, key, t, formats, font_dirs, rtl, level_words)
    return SituationMap(
        drawn=drawn,
        figure=figure if values else None,
        level=drawn_level,
        classes=tuple(cuts),
        top=top,
        coarser=len(values.coarser) if values else 0,
    )


class _Job:
    """One map, drawn for each variant (page and phone) from the same data."""

    def __init__(self, boundaries, values, level, cuts, blockaded, routes, t, formats, rtl, focus):
        self.b, self.values, self.level, self.cuts = boundaries, values, level, cuts
        self.blockaded, self.routes, self.t, self.formats = blockaded, routes, t, formats
        self.rtl, self.focus = rtl, focus
        self.colours = ramp(len(cuts))
        self.detail = "area" if focus else "country"
        self.names: dict[str, str] = {}
        self.points: list[tuple[Place, tuple[float, float]]] = []

    # -- what is drawn ------------------------------------------------------------------------
    def kind(self, code: str, parent: str | None) -> str:
        inside = self.focus is None or code == self.focus or parent == self.focus
        if not inside:
            return "outside"
        if self.values is None:
            return "zero"
        return class_of(self.values.values.get(code), self.cuts)

    def view(self) -> tuple[float, float, float, float]:
        shape = self.b.shape(self.focus) if self.focus else None
        x0, y0, x1, y1 = shape.box if shape is not None else self.b.geometry.box()
        pad = max(x1 - x0, y1 - y0) * (0.08 if self.focus else 0.02)
        return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)

    def draw(self, canvas: Canvas, variant: str) -> Canvas:
        wide = variant == "wide"
        size, t = canvas.size, self.t
        view = self.view()
        aspect = (view[3] - view[1]) / max(view[2] - view[0], 1)
        rows = self.key_rows(f"sm-{variant}-nodata")
        key_w = max(
            size * 14, *(canvas.measure(w) + size * 3.2 for k, w, _ in rows if k != "title")
        )
        key_w = min(key_w, canvas.width * (0.3 if wide else 0.62))
        map_w = canvas.width - key_w - 8 if wide else canvas.width
        map_h = round(min(0.85 if wide else 1.2, max(0.55 if wide else 0.7, aspect)) * map_w)
        left = key_w + 8 if wide and self.rtl else 0.0
        frame = (left, 0.0, left + map_w, float(map_h))
        scale = min(map_w / (view[2] - view[0]), map_h / (view[3] - view[1]))
        ox = left + (map_w - scale * (view[2] - view[0])) / 2 - scale * view[0]
        oy = (map_h - scale * (view[3] - view[1])) / 2 + scale * view[3]

        def project(x: float, y: float) -> tuple[float, float]:
            return ox + scale * x, oy - scale * y

        visible = (
            (left - ox) / scale,
            (oy - map_h) / scale,
            (left + map_w - ox) / scale,
            oy / scale,
        )
        grid = Grid()
        self.areas(canvas, variant, project, frame, visible)
        bar = scale_bar(
            canvas,
            frame[2] - 6 if self.rtl else frame[0] + 6,
            frame[3] - 4,
            1 / scale,
            map_w / 4,
            t,
            self.formats,
            self.rtl,
        )
        grid.add(grow(bar, 2))
        self.hatch = f"sm-{variant}-nodata"
        self.route_layer(canvas, grid, project, wide)
        self.labels(canvas, grid, project, frame, wide)
        canvas.rect(*frame[:2], map_w, map_h, "none", stroke=PALETTE["rule"], stroke_width="0.6")
        # the key and the locator: beside the map on the page, under it on a phone
        if wide:
            kx = 0.0 if self.rtl else map_w + 8
            bottom = key_rows(canvas, rows, kx, 0.0, key_w, self.rtl)
            loc = (kx, bottom + size, kx + key_w, bottom + size + key_w * 0.8)
        else:
            kw = canvas.width * 0.6
            kx = canvas.width - kw if self.rtl else 0.0
            top = map_h + size * 0.6
            bottom = key_rows(canvas, rows, kx, top, kw, self.rtl)
            lw = canvas.width * 0.36
            lx = 0.0 if self.rtl else canvas.width - lw
            loc = (lx, top, lx + lw, top + lw * 0.8)
        self.locator(canvas, loc, view, variant)
        canvas.height = max(map_h, bottom, loc[3]) + 1
        return canvas

    def areas(self, canvas: Canvas, variant: str, project, frame, visible) -> None:
        hatch = f"sm-{variant}-nodata"
        hatch_pattern(canvas, hatch)
        self.hatch = hatch
        clip = f"sm-{variant}-clip"
        canvas.shapes.append(
            f'<clipPath id="{clip}"><rect x="{frame[0]:.1f}" y="0" '
            f'width="{frame[2] - frame[0]:.1f}" height="{frame[3]:.1f}"/></clipPath>'
            f'<g clip-path="url(#{clip})">'
        )

        def seen(box) -> bool:
            return not (
                box[2] < visible[0]
                or box[0] > visible[2]
                or box[3] < visible[1]
                or box[1] > visible[3]
            )

        fine = self.level == 2
        for (code, shape), parent in zip(
            self.b.at(self.level), self._parents(self.level), strict=True
        ):
            if not seen(shape.box):
                continue
            kind = self.kind(code, parent)
            d = path_data(shape.rings.get(self.detail, []), project)
            stroke, width = ("#ffffff", 0.35) if fine else ("#ffffff", 0.6)
            area_path(canvas, d, fill_of(kind, self.colours, hatch), code, kind, stroke, width)
        if fine:  # admin-1 lines over the admin-2 areas
            for _, shape in self.b.at(1):
                if seen(shape.box):
                    d = path_data(shape.rings.get(self.detail, []), project)
                    outline_path(canvas, d, "#5f6368", 0.9)
        for code in self.blockaded:
            shape = self.b.shape(code)
            if shape is not None and seen(shape.box):
                d = path_data(shape.rings.get(self.detail, []), project)
                outline_path(canvas, d, BLOCKADE[0], 1.8 if variant == "wide" else 2.4, BLOCKADE[1])
        canvas.shapes.append("</g>")

    def _parents(self, level: int) -> list[str | None]:
        return [
            p
            for c, p, s in zip(self.b.pcodes, self.b.parents, self.b.geometry.shapes, strict=True)
            if s.level == level
        ]

    def route_layer(self, canvas: Canvas, grid: Grid, project, wide: bool) -> None:
        radius = canvas.size * 0.32
        self.points = []
        for route, places in self.routes:
            xy = [project(*self.b.geometry.project(p.lon, p.lat)) for p in places]
            colour, dash = STATUS_STYLE.get(route.status, STATUS_STYLE["unknown"])
            width = (1.8 if route.changed else 1.3) * (1 if wide else 1.4)
            canvas.polyline(xy, colour, width, dash, stroke_linecap="round")
            for a, b in itertools.pairwise(xy):
                steps = max(1, int(math.dist(a, b) / 3))
                for k in range(steps + 1):
                    px, py = a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps
                    grid.add((px - width, py - width, px + width, py + width), soft=True)
            if route.status == "closed" and len(xy) >= 2:
                mx, my = midpoint(xy)
                grid.add(canvas.cross(mx, my, canvas.size * 0.6, PALETTE["closed"]))
            for spot, point in zip(places, xy, strict=True):
                if spot.name not in {p.name for p, _ in self.points}:
                    self.points.append((spot, point))
        for _, (x, y) in self.points:
            canvas.circle(x, y, radius, PALETTE["ink"], stroke="white", stroke_width="0.5")
            grid.add(grow((x, y, x, y), radius + 0.6))

    def labels(self, canvas: Canvas, grid: Grid, project, frame, wide: bool) -> None:
        size = canvas.size
        for town, point in self.points:  # places first: a town is named beside its dot
            # the room the span is given beyond the measured width (sitrep.render.drawing)
            w, h = canvas.measure(town.name) * 1.04 + 0.6, size * LINE
            # two rings of leaders at most: a name far from its dot helps no one on a country map
            spot = place(grid, point, (w, h), size * 0.6, frame, size / 7, RINGS[:2])
            if spot is not None:
                x0, y0, x1, _ = spot.box
                ax = {"start": x0, "end": x1, "middle": (x0 + x1) / 2}[spot.align]
                if spot.align == "middle":
                    ax = (x0 + x1) / 2
                if spot.leader:
                    canvas.line(*spot.leader, PALETTE["muted"], 0.5)
                x1b, y1b = spot.box[2], spot.box[3]
                canvas.rect(x0, y0, x1b - x0, y1b - y0, "#ffffff", fill_opacity="0.72", rx="1")
                canvas.text(ax, y0, town.name, spot.align)
        names: list[tuple[str, tuple[int, int], bool]] = []
        for code, shape in self.b.at(1):  # outside the frame: no free spot, so not named
            names.append((code, shape.anchor, True))
        if self.level == 2:
            inside = [
                (code, shape)
                for (code, shape), parent in zip(self.b.at(2), self._parents(2), strict=True)
                if self.focus is None or parent == self.focus
            ]
            ranked = sorted(
                inside, key=lambda cs: -(self.values.values.get(cs[0], -1) if self.values else 0)
            )
            limit = len(ranked) if self.focus else TOP
            names += [(code, shape.anchor, False) for code, shape in ranked[:limit]]
        named = {town.name for town, _ in self.points}
        for code, anchor, bold in names:
            words = self.name(code)
            if words in named:  # a district named after its town: the town's label names it
                continue
            named.add(words)
            x, y = project(*anchor)
            # a phone's labels at their full size: 11 CSS px at 390 px wide, at the least
            lsize = size * (0.95 if bold else 0.85) if wide else size
            w, h = canvas.measure(words, lsize, bold=bold) + 2, lsize * LINE
            spot = place_centred(grid, (x, y), (w, h), frame)
            if spot is None:
                continue
            x0, y0, x1, y1 = spot.box
            canvas.rect(x0, y0, x1 - x0, y1 - y0, "#ffffff", fill_opacity="0.72", rx="1")
            colour = PALETTE["ink"] if not bold else "#3c4043"
            canvas.text((x0 + x1) / 2, y0, words, "middle", lsize, colour, bold=bold)

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def key_rows(self, hatch: str) -> list[tuple]:
        t, f = self.t, self.formats
        rows: list[tuple] = []
        if self.values is not None:
            rows.append(("title", t(f"map.key_{self.values.figure}"), None))
            for (low, high), colour in zip(self.cuts, self.colours, strict=True):
                words = (
                    f.number(low)
                    if low == high
                    else t("map.class_range", low=f.number(low), high=f.number(high))
                )
                rows.append(("swatch", words, (colour, "#b8bcc2", None)))
            kinds = {self.kind(c, p) for c, p in zip(self.b.pcodes, self.b.parents, strict=True)}
            if "zero" in kinds:
                rows.append(("swatch", f.number(0), ("#ffffff", "#b8bcc2", None)))
            if "nodata" in kinds:
                rows.append(("swatch", t("map.no_data"), (f"url(#{hatch})", "#b8bcc2", None)))
        if self.focus:
            rows.append(("swatch", t("map.outside"), (OUTSIDE_FILL, "#b8bcc2", None)))
        if self.blockaded:
            rows.append(("swatch", t("map.blockade"), ("none", BLOCKADE[0], BLOCKADE[1])))
        statuses = {r.status for r, _ in self.routes}
        for status in STATUS_STYLE:
            if status in statuses:
                rows.append(("line", t(f"status.{status.replace(' ', '_')}"), STATUS_STYLE[status]))
        if "closed" in statuses:
            rows.append(("cross", t("map.closure"), PALETTE["closed"]))
        return rows

    def locator(self, canvas: Canvas, box, view, variant: str) -> None:
        g = self.b.geometry
        if self.focus:
            shapes = [(s.rings.get("locator", []), code == self.focus) for code, s in self.b.at(1)]
            x0, y0, x1, y1 = g.box()
            pad = max(x1 - x0, y1 - y0) * 0.05
            region, land = (x0 - pad, y0 - pad, x1 + pad, y1 + pad), []
        else:
            shapes = [(s.rings.get("locator", []), True) for _, s in self.b.at(1)]
            region, land = g.region, g.land
        locator(canvas, box, region, land, shapes, None, f"sm-{variant}-loc")


OUTSIDE_FILL = "#e4e6e9"
