"""A chart or the map as a PNG, for editions that take no SVG (the Word edition).

A drawing (`sitrep.render.drawing`) is an `<svg>` of sitrep's own few shapes (rect, line,
polyline, polygon, circle, a mirroring or clipping group) and HTML labels placed in percent of
it. Both are read back here with the HTML parser (`sitrep.render.markup`), never patterns, and
painted with Pillow, which WeasyPrint already brings: shapes at twice the size then scaled down
(smooth edges), labels with Pillow's Raqm layout where it has it (Arabic joins and runs right to
left, as HarfBuzz measured it) in the bundled fonts. Same drawing, same bytes: a PNG holds no
time.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFont, features

from sitrep.render.drawing import FONT_FILES, LINE, is_rtl
from sitrep.render.markup import DATA, END, START, Token, tokens

SCALE = 3  # pixels per drawing unit (1 unit = 1 pt): 216 dpi, sharp in print
SUPER = 2  # shapes painted this much larger, then scaled down: smooth edges
SHAPES = {"rect", "line", "polyline", "polygon", "circle", "path"}


def drawing_png(markup: str, font_dirs: list[Path]) -> tuple[bytes, float, float]:
    """The first drawing in `markup` as PNG bytes, with its width and height in points."""
    found = tokens(markup)
    svg = next(t for t in found if t.kind == START and t.name == "svg")
    width, height = float(svg.attr("width") or 0), float(svg.attr("height") or 0)
    size = (max(1, round(width * SCALE)), max(1, round(height * SCALE)))
    shapes = _Shapes(width, (size[0] * SUPER, size[1] * SUPER))
    in_svg = False
    for token in found:
        if token.kind == START and token.name == "svg":
            in_svg = True
        elif token.kind == END and token.name == "svg":
            in_svg = False
        elif in_svg:
            shapes.take(token)
    image = shapes.layers[0].convert("RGB").reduce(SUPER)  # a box filter: exact for 2x
    _labels(image, found, width, height, _base_size(markup, found), font_dirs)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue(), width, height


def _base_size(markup: str, found: list[Token]) -> float:
    div = next((t for t in found if t.kind == START and t.name == "div"), None)
    style = _style(div.attr("style") if div else None)
    return float(style.get("--fs", "7"))


def _style(value: str | None) -> dict[str, str]:
    """An inline style sitrep wrote (`name:value;...`) as a dictionary."""
    pairs = (part.split(":", 1) for part in (value or "").split(";") if ":" in part)
    return {k.strip(): v.strip() for k, v in pairs}


class _Shapes:
    """Paints the SVG's shapes, group by group (a clipped group on a layer of its own)."""

    def __init__(self, width: float, pixels: tuple[int, int]) -> None:
        self.k = pixels[0] / width if width else 1.0
        self.width = width
        self.layers = [Image.new("RGBA", pixels, "white")]
        self.groups: list[tuple[bool, tuple[float, float, float, float] | None]] = []
        self.clips: dict[str, tuple[float, float, float, float]] = {}
        self.clip_id: str | None = None

    def take(self, t: Token) -> None:
        if t.kind == START and t.name == "clippath":
            self.clip_id = t.attr("id")
        elif t.kind == END and t.name == "clippath":
            self.clip_id = None
        elif t.kind == START and t.name == "rect" and self.clip_id:
            x, w, h = (float(t.attr(a) or 0) for a in ("x", "width", "height"))
            self.clips[self.clip_id] = (x, float(t.attr("y") or 0), w, h)
        elif t.kind == START and t.name == "g" and not t.closed:
            mirror = (t.attr("transform") or "").startswith("matrix(-1")
            ref = (t.attr("clip-path") or "").removeprefix("url(#").removesuffix(")")
            clip = self.clips.get(ref)
            if clip:
                self.layers.append(Image.new("RGBA", self.layers[0].size, (0, 0, 0, 0)))
            self.groups.append((mirror, clip))
        elif t.kind == END and t.name == "g" and self.groups:
            _, clip = self.groups.pop()
            if clip:
                layer = self.layers.pop()
                left, top, right, bottom = (round(v * self.k) for v in (
                    clip[0], clip[1], clip[0] + clip[2], clip[1] + clip[3]))  # fmt: skip
                box = (left, top, right, bottom)
                self.layers[-1].alpha_composite(layer.crop(box), box[:2])
        elif t.kind == START and t.name in SHAPES:
            self._shape(t, ImageDraw.Draw(self.layers[-1]))

    def _x(self, x: float) -> float:
        mirrored = sum(m for m, _ in self.groups) % 2
        return (self.width - x if mirrored else x) * self.k

    def _point(self, x: float, y: float) -> tuple[float, float]:
        return self._x(x), y * self.k

    def _shape(self, t: Token, draw: ImageDraw.ImageDraw) -> None:
        def get(name: str, default: float = 0.0) -> float:
            value = t.attr(name)
            return float(value) if value not in (None, "") else default

        fill = _colour(t.attr("fill"), "black" if t.name != "line" else None)
        stroke = _colour(t.attr("stroke"), None)
        width = max(1, round(get("stroke-width", 1.0) * self.k)) if stroke else 0
        dash = [float(v) * self.k for v in (t.attr("stroke-dasharray") or "").split() if v]
        if t.name == "rect":
            (x0, y0), (x1, y1) = (
                self._point(get("x"), get("y")),
                self._point(get("x") + get("width"), get("y") + get("height")),
            )
            box = (min(x0, x1), y0, max(x0, x1), y1)
            draw.rounded_rectangle(box, get("rx") * self.k, fill, stroke, width)
        elif t.name == "circle":
            (cx, cy), r = self._point(get("cx"), get("cy")), get("r") * self.k
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill, stroke, width)
        elif t.name == "path":  # a map's areas and outlines: `M x y x y ... Z`, `L` too
            for points, closed in _subpaths(t.attr("d") or ""):
                points = [self._point(x, y) for x, y in points]
                if closed and fill and len(points) > 2:
                    draw.polygon(points, fill)
                if stroke and len(points) > 1:
                    for run in _dashes(points + points[:1] if closed else points, dash):
                        draw.line(run, stroke, width, joint="curve")
        else:
            if t.name == "line":
                coords = [(get("x1"), get("y1")), (get("x2"), get("y2"))]
            else:
                pairs = (p.split(",") for p in (t.attr("points") or "").split())
                coords = [(float(x), float(y)) for x, y in pairs]
            points = [self._point(x, y) for x, y in coords]
            if t.name == "polygon" and fill and len(points) > 2:
                draw.polygon(points, fill)
            if stroke and len(points) > 1:
                if t.name == "polygon":
                    points.append(points[0])
                for run in _dashes(points, dash):
                    draw.line(run, stroke, width, joint="curve")


def _colour(value: str | None, default: str | None) -> str | None:
    if value is None:
        return default
    if value == "none":
        return None
    try:
        ImageColor.getrgb(value)
    except ValueError:  # a pattern (`url(#...)`: the map's "no data" hatching) drawn as grey
        return PATTERN_GREY
    return value


PATTERN_GREY = "#e4e6e8"


def _subpaths(d: str) -> list[tuple[list[tuple[float, float]], bool]]:
    """Path data's subpaths as points and whether each is closed: absolute `M`, `L` and `Z`,
    which is all sitrep's drawings write (a curve's letters end the subpath)."""
    found: list[tuple[list[tuple[float, float]], bool]] = []
    for part in d.replace("m", "M").split("M")[1:]:
        closed = "Z" in part or "z" in part
        text = part.replace("Z", " ").replace("z", " ").replace("L", " ").replace(",", " ")
        try:
            numbers = [float(v) for v in text.split()]
        except ValueError:
            continue  # a curve: not drawn
        found.append((list(zip(numbers[::2], numbers[1::2], strict=False)), closed))
    return found


def _dashes(points: list[tuple[float, float]], dash: list[float]) -> list[list]:
    """The drawn runs of a dashed line (the whole line when it is not dashed)."""
    if len(dash) < 2 or sum(dash) <= 0:
        return [points]
    runs, run, on, left, i = [], [points[0]], True, dash[0], 0
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while length - done > left:
            done += left
            f = done / length
            at = (x0 + (x1 - x0) * f, y0 + (y1 - y0) * f)
            if on:
                runs.append([*run, at])
            run, on, i = [at], not on, i + 1
            left = dash[i % len(dash)]
        left -= length - done
        run.append((x1, y1))
    if on and len(run) > 1:
        runs.append(run)
    return runs


def _labels(
    image: Image.Image,
    found: list[Token],
    width: float,
    height: float,
    base: float,
    font_dirs: list[Path],
) -> None:
    """The labels: each span's text in its box, aligned as the page aligns it."""
    draw = ImageDraw.Draw(image)
    k = image.width / width if width else 1.0
    span: Token | None = None
    for t in found:
        if t.kind == START and t.name == "span":
            span = t
        elif t.kind == DATA and span is not None and t.text.strip():
            classes = (span.attr("class") or "").split()
            style = _style(span.attr("style"))
            size = base * float(style.get("font-size", "1em").removesuffix("em") or 1)
            left, top, w = (
                float(style.get(key, "0%").removesuffix("%")) / 100
                for key in ("left", "top", "width")
            )
            side = style.get("text-align", "left")
            x = {"left": left, "center": left + w / 2, "right": left + w}[side] * width * k
            y = (top * height + size * LINE / 2) * k
            font = _font(font_dirs, t.text, "loc" in classes, "b" in classes, size * k)
            anchor = {"left": "lm", "center": "mm", "right": "rm"}[side]
            # the direction needs Raqm (None: Pillow's default, without it)
            direction = ("rtl" if is_rtl(t.text) else "ltr") if _raqm() else None
            draw.text(
                (x, y), t.text, style.get("color", "black"), font, anchor, direction=direction
            )
        elif t.kind == END and t.name == "span":
            span = None


def _raqm() -> bool:
    return bool(features.check("raqm"))


def _font(
    font_dirs: list[Path], text: str, local: bool, bold: bool, pixels: float
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The bundled font a label's text needs (Arabic script: Noto Sans Arabic)."""
    key = ("local" if local or is_rtl(text) else "main") + ("-bold" if bold else "")
    for folder in font_dirs:
        path = folder / "fonts" / FONT_FILES[key]
        if path.is_file():
            engine = ImageFont.Layout.RAQM if _raqm() else ImageFont.Layout.BASIC
            return ImageFont.truetype(str(path), max(1, round(pixels)), layout_engine=engine)
    return ImageFont.load_default(max(1, round(pixels)))
