"""Parts of the situation map: areas as SVG paths, the key, the locator and the scale bar.

Areas are written as one `<path>` each (every ring of the area, holes by the even-odd rule),
carrying `data-pcode` (the canonical P-code) and `data-class` (`c1`... `zero`, `nodata`,
`outside`), so that a reader, a test or a screen-reader script can match a shape to its
figure. Coordinates are cut to a tenth of a point and a point that rounds onto the previous one
is dropped: the PDF carries what can be seen, not the file's precision.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from sitrep.render.accessmap import route_places
from sitrep.render.bidi import separator
from sitrep.render.drawing import LINE, Canvas
from sitrep.render.drawn import PALETTE, Formats, Translate
from sitrep.render.numerals import date

if TYPE_CHECKING:
    from sitrep.figures.by_area import MapValues
    from sitrep.geo.areas import Gazetteer

# One sequential ramp (light to dark blue, as OCHA's maps shade figures): readable in grey
# print, and apart from the reds and ambers of blockades and routes.
RAMP = ("#dbe9f6", "#a9cce8", "#6baed6", "#2f7fc1", "#0b4f8c")
ZERO = "#ffffff"
OUTSIDE = "#e4e6e9"  # a neighbour of an area report's area
NODATA_INK = "#a7adb3"
Project = Callable[[float, float], tuple[float, float]]


def ramp(count: int) -> list[str]:
    """`count` colours from the ramp, spread from light to dark."""
    if count <= 1:
        return [RAMP[2]][:count]
    return [RAMP[round(i * (len(RAMP) - 1) / (count - 1))] for i in range(count)]


def fill_of(kind: str, colours: list[str], hatch: str) -> str:
    if kind == "nodata":
        return f"url(#{hatch})"
    if kind == "zero":
        return ZERO
    if kind == "outside":
        return OUTSIDE
    return colours[int(kind[1:]) - 1]


def hatch_pattern(canvas: Canvas, pattern_id: str) -> None:
    """The "no data" fill: thin grey diagonals on white, never mistaken for a figure or zero."""
    canvas.shapes.append(
        f'<defs><pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="5" height="5" '
        'patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="5" stroke="{NODATA_INK}" stroke-width="0.5"/>'
        "</pattern></defs>"
    )


def path_data(rings: Iterable[Sequence[int]], project: Project) -> str:
    """SVG path data of rings (flat x, y metres): `M x y x y ... Z` per ring."""
    parts = []
    for ring in rings:
        points: list[str] = []
        last = ""
        for i in range(0, len(ring) - 1, 2):
            x, y = project(ring[i], ring[i + 1])
            here = f"{x:.1f} {y:.1f}"
            if here != last:
                points.append(here)
                last = here
        if len(points) >= 3:
            parts.append("M" + " ".join(points) + "Z")
    return "".join(parts)


def area_path(canvas: Canvas, d: str, fill: str, pcode: str, kind: str, stroke: str, width: float):
    if d:
        canvas.shapes.append(
            f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="{stroke}" '
            f'stroke-width="{width:g}" data-pcode="{pcode}" data-class="{kind}"/>'
        )


def outline_path(canvas: Canvas, d: str, stroke: str, width: float, dash: str | None = None):
    if d:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        canvas.shapes.append(
            f'<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{width:g}"{dashed}/>'
        )


def key_rows(
    canvas: Canvas, rows: list[tuple], x: float, y: float, width: float, rtl: bool
) -> float:
    """The key from (x, y) down, `width` wide (from the right edge when rtl); returns its
    bottom. A row is (kind, words, style): "title", "swatch" (fill, stroke, dash), "line"
    (colour, dash), "cross" (colour)."""
    size = canvas.size
    line = size * LINE
    sample = size * 2.2
    edge = x + width if rtl else x
    sign, align = (-1, "end") if rtl else (1, "start")
    for kind, words, style in rows:
        if kind == "title":
            y = canvas.paragraph(edge, y, words, width, align=align, bold=True)
            y += size * 0.2
            continue
        cy = y + line / 2
        sx = edge if not rtl else edge - sample
        if kind == "swatch":
            fill, stroke, dash = style
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            canvas.shapes.append(
                f'<rect x="{sx:.1f}" y="{cy - size * 0.45:.1f}" width="{sample:.1f}" '
                f'height="{size * 0.9:.1f}" fill="{fill}" stroke="{stroke}" '
                f'stroke-width="{0.5 if not dash else 1.2}"{dashed}/>'
            )
        elif kind == "line":
            colour, dash = style
            canvas.line(sx, cy, sx + sample, cy, colour, 1.6, dash)
        elif kind == "cross":
            canvas.cross(sx + sample / 2, cy, size * 0.45, style)
        text_x = edge + sign * (sample + size * 0.5)
        canvas.text(text_x, cy, words, align, valign="middle")
        y += line + size * 0.15
    return y


def locator(
    canvas: Canvas,
    box: tuple[float, float, float, float],
    region: Sequence[int],
    land: Iterable[Sequence[int]],
    shapes: Iterable[tuple[Sequence[Sequence[int]], bool]],
    view: Sequence[float] | None,
    clip: str,
) -> None:
    """A small map in `box`: land in grey, the country (or, for an area report, its areas,
    the area itself dark), and the main map's view as a rectangle when it is not everything."""
    x0, y0, x1, y1 = box
    rx0, ry0, rx1, ry1 = region
    scale = min((x1 - x0) / (rx1 - rx0), (y1 - y0) / (ry1 - ry0))
    ox = x0 + ((x1 - x0) - scale * (rx1 - rx0)) / 2 - scale * rx0
    oy = y0 + ((y1 - y0) - scale * (ry1 - ry0)) / 2 + scale * ry1

    def project(x: float, y: float) -> tuple[float, float]:
        return ox + scale * x, oy - scale * y

    canvas.rect(x0, y0, x1 - x0, y1 - y0, "#f4f8fb", stroke=PALETTE["rule"], stroke_width="0.5")
    canvas.shapes.append(
        f'<clipPath id="{clip}"><rect x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" '
        f'height="{y1 - y0:.1f}"/></clipPath><g clip-path="url(#{clip})">'
    )
    outline_fill = path_data(land, project)
    if outline_fill:
        canvas.shapes.append(f'<path d="{outline_fill}" fill="#d9dcdf" fill-rule="evenodd"/>')
    for rings, strong in shapes:
        d = path_data(rings, project)
        colour = PALETTE["accent"] if strong else "#9aa3ad"
        if d:
            canvas.shapes.append(
                f'<path d="{d}" fill="{colour}" fill-rule="evenodd" stroke="#ffffff" '
                'stroke-width="0.3"/>'
            )
    if view is not None:
        vx0, vy0 = project(view[0], view[3])
        vx1, vy1 = project(view[2], view[1])
        canvas.rect(
            vx0, vy0, vx1 - vx0, vy1 - vy0, "none", stroke=PALETTE["ink"], stroke_width="0.8"
        )
    canvas.shapes.append("</g>")


def scale_bar(
    canvas: Canvas, x: float, y: float, metres_per_unit: float, most: float, t: Translate,
    formats: Formats, rtl: bool,
) -> tuple[float, float, float, float]:  # fmt: skip
    """A bar of a round number of km, no longer than `most` units, its left end (right end
    when rtl) at x, its base at y; returns its box."""
    if metres_per_unit <= 0:
        return (x, y, x, y)
    longest = most * metres_per_unit / 1000
    power = 10 ** math.floor(math.log10(max(longest, 1e-9)))
    km = next(m * power for m in (5, 2, 1) if m * power <= longest)
    length = km * 1000 / metres_per_unit
    size = canvas.size * (0.85 if canvas.size < 10 else 1)  # a phone's: 11 CSS px at least
    label = t("map.km", n=formats.number(km))
    room = canvas.measure(label, size) / 2 + 1  # the label centred on the bar's end
    start = x - length - room if rtl else x
    bar_y = y - size * LINE - 2.5
    canvas.rect(start, bar_y, length / 2, 2.2, PALETTE["ink"])
    canvas.rect(
        start + length / 2,
        bar_y,
        length / 2,
        2.2,
        "#ffffff",
        stroke=PALETTE["ink"],
        stroke_width="0.5",
    )
    zero = formats.number(0)
    top = bar_y + 3
    canvas.text(start, top, zero, "middle", size)
    canvas.text(start + length, top, label, "middle", size)
    width = canvas.measure(label, size)
    return (start - size, bar_y - 1, start + length + width / 2 + 1, y)


def most_affected(
    values: MapValues | None, gazetteer: Gazetteer, count: int
) -> tuple[tuple[str, str, int], ...]:
    """The `count` areas with the largest figures: (P-code, name, figure), largest first."""
    if values is None:
        return ()
    ranked = sorted(values.values.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple((code, gazetteer.name(code), n) for code, n in ranked[:count] if n > 0)


def describe(values, top, t: Translate, formats: Formats, level: str, blockaded: int) -> str:
    if values is None:
        return t("map.situation_plain", blockades=formats.number(blockaded))
    between = separator(formats.locale, semicolon=True)  # "; ", Arabic's "؛ "
    named = between.join(f"{name} {formats.number(n)}" for _, name, n in top)
    return t(
        f"map.situation_{values.figure}",
        level=level,
        date=date(values.as_of, "d MMMM y", formats.locale, formats.system)
        if values.as_of
        else "--",
        top=named or t("map.none_affected"),
        blockades=formats.number(blockaded),
    )


def map_routes(routes, vias: dict, places: dict) -> list[tuple]:
    """(route, its known places) for each route with two known places or more."""
    out = []
    for route in routes:
        found = route_places(route, vias.get(route.route_id), places)
        if len(found) >= 2:
            out.append((route, tuple(found)))
    return out
