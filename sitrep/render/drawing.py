"""Drawings for the charts and the map: SVG shapes, HTML labels over them, the same bytes each time.

Why the labels are HTML and not SVG `<text>`: WeasyPrint (70) draws SVG text one character at
a time (weasyprint/svg/text.py), so Arabic script never joins and its letters are laid left to
right: "کابل" is drawn and extracted as "لباک". Text in HTML is shaped by Pango and HarfBuzz,
put in bidi order, and extracts from the PDF in logical order; browsers do the same. So a
drawing is a `<div class="drawing">` holding an `<svg>` of shapes and absolutely positioned
`<span>`s, placed in percent of the drawing. The label font is the stylesheet's (`--font`,
`--font-local`, by class); sizes are in the drawing's units (1 unit = 1 pt in print; on screen
screen.css scales them with the drawing), and every label is measured here with HarfBuzz and
the bundled fonts, so charts and the map can lay their labels out without overlap.

A `Canvas` is drawn left to right; `rtl=True` mirrors it when it is written (shapes by a
transform, labels by their boxes): the time axis then runs right to left, axes and keys move
to the other side, and the words themselves are never mirrored.
"""

from __future__ import annotations

import html
import itertools
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from sitrep.safety.xmlchars import xml_safe

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in drawing units, y down
LINE = 1.25  # a label's line height, in ems (the stylesheet's .drawing .l says the same)
FONT_FILES = {
    "main": "NotoSans-Regular.ttf",
    "local": "NotoSansArabic-Regular.ttf",
    "main-bold": "NotoSans-Bold.ttf",
    "local-bold": "NotoSansArabic-Bold.ttf",
}
RTL_BIDI = {"R", "AL"}


def num(value: float) -> str:
    """A coordinate as SVG text: two decimals at most, no trailing zeros, never "-0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def overlap(a: Box, b: Box) -> float:
    """The area two boxes share (0 when they only touch)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def grow(box: Box, pad: float) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def is_rtl(text: str) -> bool:
    """True when the first strong character is right to left (Arabic, Hebrew, Syriac...)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in RTL_BIDI:
            return True
        if kind == "L":
            return False
    return False


class Fonts:
    """Text widths from the bundled fonts (HarfBuzz shaping: Arabic joins, kerning)."""

    def __init__(self, font_dirs: list[Path]) -> None:
        self.paths = {}
        for key, name in FONT_FILES.items():
            found = [d / "fonts" / name for d in font_dirs if (d / "fonts" / name).is_file()]
            self.paths[key] = found[0] if found else None

    def width(self, text: str, size: float, local: bool = False, bold: bool = False) -> float:
        # each character from the first font that has it, as the stylesheet's lists say
        # (--font: Noto Sans then Noto Sans Arabic; --font-local: the other way round)
        first, second = ("local", "main") if local else ("main", "local")
        weight = "-bold" if bold else ""
        return _width(text, self.paths[first + weight], self.paths[second + weight]) * size


@lru_cache(maxsize=16)
def _font(path: Path | None):
    if path is None:
        return None
    face = hb.Face(hb.Blob(path.read_bytes()))
    font = hb.Font(face)
    return font, face.upem


@lru_cache(maxsize=8192)
def _width(text: str, first: Path | None, second: Path | None) -> float:
    """Advance width of `text` in ems: each character from the first font that has it."""
    fonts = [f for f in (_font(first), _font(second)) if f is not None]
    if not fonts:
        return 0.6 * len(text)  # no font file: an average width, never a crash
    runs: list[tuple[int, str]] = []
    for char in text:
        index = next((i for i, (f, _) in enumerate(fonts) if f.get_nominal_glyph(ord(char))), 0)
        if runs and runs[-1][0] == index:
            runs[-1] = (index, runs[-1][1] + char)
        else:
            runs.append((index, char))
    total = 0.0
    for index, run in runs:
        font, upem = fonts[index]
        buf = hb.Buffer()
        buf.add_str(run)
        buf.guess_segment_properties()
        hb.shape(font, buf, {})
        total += sum(p.x_advance for p in buf.glyph_positions) / upem
    return total


@dataclass
class Label:
    box: Box
    text: str
    size: float  # in drawing units
    colour: str
    align: str  # start | middle | end, left to right before mirroring
    local: bool = False  # in the local-script font (place names)
    bold: bool = False


@dataclass
class Canvas:
    """Shapes and labels in a `width` x `height` box of drawing units (y down)."""

    width: float
    height: float
    fonts: Fonts
    size: float  # the labels' base size
    rtl: bool = False
    shapes: list[str] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    # -- text -----------------------------------------------------------------------------
    def measure(
        self, text: str, size: float | None = None, local: bool = False, bold: bool = False
    ) -> float:
        return self.fonts.width(text, size or self.size, local, bold)

    def box(
        self, x: float, y: float, text: str, align: str = "start", size: float | None = None,
        local: bool = False, valign: str = "top", bold: bool = False,
    ) -> Box:  # fmt: skip
        """The box a label takes, anchored at x (start/middle/end) and y (top/middle/bottom)."""
        size = size or self.size
        w, h = self.measure(text, size, local, bold), size * LINE
        x0 = x - (w if align == "end" else w / 2 if align == "middle" else 0)
        y0 = y - (h if valign == "bottom" else h / 2 if valign == "middle" else 0)
        return (x0, y0, x0 + w, y0 + h)

    def text(
        self, x: float, y: float, text: str, align: str = "start", size: float | None = None,
        colour: str = "#1d1d1b", local: bool = False, valign: str = "top", bold: bool = False,
    ) -> Box:  # fmt: skip
        box = self.box(x, y, text, align, size, local, valign, bold)
        self.labels.append(Label(box, text, size or self.size, colour, align, local, bold))
        return box

    def inside(self, x: float, y: float, text: str, low: float = 0.0) -> tuple[float, str]:
        """Where to anchor a label centred on x so that it stays between `low` and the width."""
        w = self.measure(text)
        if x + w / 2 > self.width:
            return self.width, "end"
        if x - w / 2 < low:
            return low, "start"
        return x, "middle"

    def paragraph(
        self, x: float, y: float, text: str, width: float, align: str = "start",
        size: float | None = None, colour: str = "#1d1d1b", bold: bool = False,
    ) -> float:  # fmt: skip
        """`text` wrapped at spaces into lines no wider than `width`; returns the y below it."""
        size = size or self.size
        lines: list[str] = []
        for word in text.split(" "):
            if lines and self.measure(f"{lines[-1]} {word}", size) <= width:
                lines[-1] += f" {word}"
            else:
                lines.append(word)
        for row, words in enumerate(lines):
            self.text(x, y + row * size * LINE, words, align, size, colour, bold=bold)
        return y + len(lines) * size * LINE

    # -- shapes ---------------------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, fill: str, **extra: str) -> None:
        attrs = _attrs(extra)
        self.shapes.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
            f'fill="{fill}"{attrs}/>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1,
        dash: str | None = None,
    ) -> None:  # fmt: skip
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.shapes.append(
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke="{stroke}" stroke-width="{num(width)}"{dashed}/>'
        )

    def polyline(
        self, points: list[tuple[float, float]], stroke: str, width: float = 1,
        dash: str | None = None, fill: str = "none", close: bool = False, **extra: str,
    ) -> None:  # fmt: skip
        tag = "polygon" if close else "polyline"
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.shapes.append(
            f'<{tag} points="{coords}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{num(width)}"{dashed}{_attrs(extra)}/>'
        )

    def circle(self, x: float, y: float, r: float, fill: str, **extra: str) -> None:
        self.shapes.append(
            f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" fill="{fill}"{_attrs(extra)}/>'
        )

    def cross(self, x: float, y: float, r: float, colour: str) -> Box:
        """A closure mark: a white-edged X, `r` from its centre to a tip."""
        self.shapes.append('<g class="mark">')
        for stroke, width in (("white", r * 0.9), (colour, r * 0.5)):
            for dx in (r, -r):
                self.line(x - dx, y - r, x + dx, y + r, stroke, width)
        self.shapes.append("</g>")
        return (x - r - 1, y - r - 1, x + r + 1, y + r + 1)

    def triangle(self, x: float, y: float, r: float, colour: str) -> Box:
        """A checkpoint mark: a white-edged triangle pointing up."""
        points = [(x, y - r), (x + r * 0.9, y + r * 0.6), (x - r * 0.9, y + r * 0.6)]
        self.polyline(points, "white", r * 0.25, fill=colour, close=True, class_="mark")
        return (x - r, y - r - 0.5, x + r, y + r * 0.6 + 0.5)

    # -- output ---------------------------------------------------------------------------
    def html(self, kind: str, description: str, variant: str) -> str:
        """The drawing as HTML: `<div class="drawing">` with the SVG and the labels."""
        w, h = self.width, self.height
        body = "".join(self.shapes)
        if self.rtl:
            body = f'<g transform="matrix(-1 0 0 1 {num(w)} 0)">{body}</g>'
        desc = html.escape(description, quote=True)
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(w)} {num(h)}" '
            f'width="{num(w)}" height="{num(h)}" aria-hidden="true" focusable="false" '
            f'stroke-linejoin="round" stroke-linecap="butt"><title>{desc}</title>{body}</svg>'
        )
        spans = "".join(self._span(label) for label in self.labels)
        # place names and the description are cell text: no character XML forbids in the SVG
        return xml_safe(
            f'<div class="drawing {variant} drawing-{kind}" role="img" aria-label="{desc}" '
            f'style="--w:{num(w)};--fs:{num(self.size)};font-size:{num(self.size)}pt">'
            f"{svg}{spans}</div>"
        )

    def _span(self, label: Label) -> str:
        x0, y0, x1, _ = label.box
        align = label.align
        if self.rtl:
            x0, x1 = self.width - x1, self.width - x0
            align = {"start": "end", "end": "start"}.get(align, align)
        # a little room beyond the measured width, on the side the text may grow to
        slack = (x1 - x0) * 0.04 + 0.5
        if align == "start":
            x1 += slack
        elif align == "end":
            x0 -= slack
        else:
            x0, x1 = x0 - slack / 2, x1 + slack / 2
        left = 100 * x0 / self.width
        top = 100 * y0 / self.height
        width = 100 * (x1 - x0) / self.width
        side = {"start": "left", "middle": "center", "end": "right"}[align]
        classes = "l" + (" loc" if label.local else "") + (" b" if label.bold else "")
        size = "" if label.size == self.size else f"font-size:{num(label.size / self.size)}em;"
        direction = "rtl" if is_rtl(label.text) else "ltr"
        return (
            f'<span class="{classes}" dir="{direction}" style="left:{num(left)}%;top:{num(top)}%;'
            f'width:{num(width)}%;text-align:{side};color:{label.colour};{size}">'
            f"{html.escape(label.text)}</span>"
        )


def _attrs(extra: dict[str, str]) -> str:
    return "".join(f' {k.strip("_").replace("_", "-")}="{v}"' for k, v in sorted(extra.items()))


def nice_range(low: float, high: float, count: int = 4) -> list[float]:
    """Round ticks covering [low, high] (low may be below 0), 0 included."""
    span = max(high, 0) - min(low, 0) or 1
    raw = span / count
    power = 10 ** _floor_log10(raw)
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = step * _floor(min(low, 0) / step)
    ticks = [round(start, 10)]
    while ticks[-1] < high - 1e-9 or len(ticks) < 2:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _floor(value: float) -> int:
    whole = int(value)
    return whole - 1 if value < whole else whole


def _floor_log10(value: float) -> int:
    exponent = 0
    while value >= 10:
        value, exponent = value / 10, exponent + 1
    while value < 1:
        value, exponent = value * 10, exponent - 1
    return exponent


def midpoint(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The point halfway along a polyline (a route's label goes there)."""
    pairs = list(itertools.pairwise(points))
    lengths = [math.dist(a, b) for a, b in pairs]
    half = sum(lengths) / 2
    for (a, b), length in zip(pairs, lengths, strict=True):
        if half <= length and length:
            f = half / length
            return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        half -= length
    return points[0]
