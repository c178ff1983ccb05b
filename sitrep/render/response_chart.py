"""The response chart: people reached against targeted, one row per cluster, drawn by sitrep
(`sitrep.render.drawing`), for the page and for a phone.

Each cluster is a row: its name in a column of its own (wrapped onto more lines when long), the
people targeted as a pale bar and the people reached as a dark bar over it, and "reached /
targeted (share)" after the longer bar. The bars are scaled so that the widest label still
fits after its bar, and each row is as tall as its name, so no two labels can overlap; the
key sits on a line of its own when it does not fit beside the title. A right-to-left report
mirrors the drawing (names on the right, bars growing leftwards); the words are never
mirrored. Same data, same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitrep.render.drawing import LINE, Canvas, Fonts
from sitrep.render.drawn import PALETTE, VARIANTS, Drawn, Formats, Translate, memoised

GAP = 0.6  # ems between a column and the next


@dataclass(frozen=True)
class Bar:
    """One cluster's row: the name printed and its figures."""

    name: str
    targeted: int | None
    reached: int | None

    @property
    def percent(self) -> float | None:
        return self.reached / self.targeted if self.reached is not None and self.targeted else None


def _label(c: Any, f: Formats) -> str:
    reached = "--" if c.reached is None else f.number(c.reached)
    if c.targeted is None:
        return reached
    share = f" ({f.percent(c.percent).lstrip('+')})" if c.percent is not None else ""
    return f"{reached} / {f.number(c.targeted)}{share}"


def _draw(canvas: Canvas, clusters: list[Any], t: Translate, f: Formats) -> Canvas:
    size, line = canvas.size, canvas.size * LINE
    gap = GAP * size
    title = t("chart.response_axis")
    keys = [(PALETTE["accent2"], t("chart.targeted")), (PALETTE["accent"], t("chart.reached"))]
    key_w = sum(line + canvas.measure(w) + gap for _, w in keys)
    title_w = canvas.measure(title)
    canvas.text(0, 0, title, colour=PALETTE["muted"])
    key_x = title_w + 2 * gap
    y = 0.0
    if key_x + key_w > canvas.width:  # the key on its own line
        key_x, y = 0.0, line
    for colour, word in keys:
        canvas.rect(key_x, y + line * 0.2, line * 0.6, line * 0.6, colour)
        canvas.text(key_x + line * 0.8, y, word, colour=PALETTE["ink"])
        key_x += line + canvas.measure(word) + gap
    y += line * 1.6
    names_w = min(max(canvas.measure(c.name) for c in clusters), canvas.width * 0.38)
    labels = [_label(c, f) for c in clusters]
    label_w = max(canvas.measure(label) for label in labels)
    x0 = names_w + gap
    span = max(canvas.width - x0 - label_w - gap, canvas.width * 0.2)
    top = max(max(c.targeted or 0, c.reached or 0) for c in clusters) or 1
    for c, label in zip(clusters, labels, strict=True):
        below = canvas.paragraph(0, y, c.name, names_w, colour=PALETTE["ink"])
        bar = line * 0.9
        middle = y + line / 2
        ends = []
        if c.targeted is not None:
            w = span * c.targeted / top
            canvas.rect(x0, middle - bar / 2, w, bar, PALETTE["accent2"])
            ends.append(w)
        if c.reached is not None:
            w = span * c.reached / top
            canvas.rect(x0, middle - bar * 0.3, w, bar * 0.6, PALETTE["accent"])
            ends.append(w)
        canvas.text(x0 + max(ends, default=0) + gap / 2, middle, label, valign="middle")
        y = max(below, y + line) + line * 0.5
    canvas.line(x0, line * 1.4, x0, y - line * 0.4, PALETTE["rule"], 0.8)
    canvas.height = round(y)
    return canvas


def _words(c: Any, t: Translate, f: Formats) -> str:
    """A cluster's figures in the report's words ("7,700 people reached of 16,800 targeted")."""
    if c.reached is not None and c.targeted is not None:
        share = f.percent(c.percent).lstrip("+") if c.percent is not None else "--"
        figures = t(
            "response.reached_of",
            reached=f.number(c.reached),
            targeted=f.number(c.targeted),
            percent=share,
        )
    elif c.reached is not None:
        figures = t("response.reached_only", reached=f.number(c.reached))
    else:
        figures = t("response.targeted_only", targeted=f.number(c.targeted))
    return f"{c.name}: {figures}"


def response_description(clusters: list[Any], t: Translate, f: Formats, day: Any) -> str:
    """What the chart shows, cluster by cluster, in words: its alternative text."""
    items = "; ".join(_words(c, t, f) for c in clusters)
    return t("chart.response_desc", date=f.long_day(day), items=items)


def response_chart(
    clusters: list[Bar], day: Any, t: Translate, locale: str, font_dirs: list[Path], rtl=False
) -> Drawn | None:
    """The chart of the clusters with a figure; None without one."""
    clusters = [c for c in clusters if c.targeted is not None or c.reached is not None]
    if not clusters:
        return None

    def draw() -> Drawn:
        fonts, formats = Fonts(font_dirs), Formats(locale, getattr(t, "numbering", "latn"))
        parts = [
            _draw(Canvas(w, 0, fonts, s, rtl), clusters, t, formats) for w, s in VARIANTS.values()
        ]
        description = response_description(clusters, t, formats, day)
        wide, narrow = parts  # in the order of VARIANTS
        return Drawn(
            wide=wide.html("response", description, "wide"),
            narrow=narrow.html("response", description, "narrow"),
            description=description,
        )

    return memoised("response", draw, clusters, day, t, locale, font_dirs, rtl)
