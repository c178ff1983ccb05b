"""The report's charts: new displacement per day (bars) and price changes (lines), as drawings.

Drawn with sitrep's own small module (`sitrep.render.drawing`: SVG shapes, HTML labels measured with
HarfBuzz), not matplotlib: it imports in milliseconds, draws each chart once, and gives direct
control over fonts, direction and where every label goes (bench/README.md has the figures).
Each chart is drawn twice: `wide` for the page (and a wide screen) and `narrow` for a phone,
with larger labels; screen.css shows one of them. No two labels overlap: date ticks are thinned
by a rule (every day, 2 or 3 days, a week, two weeks, four weeks; the first and the last day
always labelled), value labels are kept only where they fit, and line names are pushed apart.
Words come from the caller's catalogue, numbers and dates from Babel for the report's locale;
`rtl` mirrors the drawing (time runs right to left). Same data, same bytes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.render.drawing import LINE, Box, Canvas, Fonts, nice_range, overlap
from sitrep.render.drawn import (
    COMMODITY_COLOURS,
    PALETTE,
    VARIANTS,
    Drawn,
    Formats,
    Translate,
    memoised,
)

if TYPE_CHECKING:
    from sitrep.figures.compute import Figures
    from sitrep.figures.prices import PriceSeries

DAY_STEPS = (1, 2, 3, 7, 14, 28, 56, 91)  # days between labelled dates, the first that fits
GAP = 0.5  # ems between two labels, at least


def free(box: Box, taken: Sequence[Box], gap: float = 0.0) -> bool:
    """True when `box`, grown by `gap`, overlaps nothing in `taken`."""
    grown = (box[0] - gap, box[1] - gap, box[2] + gap, box[3] + gap)
    return not any(overlap(grown, other) for other in taken)


def thin_days(count: int, box_of: Callable[[int], Box], gap: float) -> list[int]:
    """Which of `count` consecutive days get a date label: every 1, 2, 3, 7... days, the first
    step at which no two labels come closer than `gap`; the first and last day always."""
    if count <= 1:
        return list(range(count))
    for step in DAY_STEPS + tuple(91 * k for k in range(2, count // 91 + 2)):
        chosen = list(range(0, count, step))
        last = box_of(count - 1)
        # the last day is always labelled: drop a stepped label that would crowd it
        while len(chosen) > 1 and not free(box_of(chosen[-1]), [last], gap):
            chosen.pop()
        if chosen[-1] != count - 1:
            chosen.append(count - 1)
        boxes = [box_of(i) for i in chosen]
        if all(free(a, [b], gap) for a, b in itertools.pairwise(boxes)):
            return chosen
    return [0, count - 1] if free(box_of(0), [box_of(count - 1)], gap) else [count - 1]


def _y_axis(canvas: Canvas, ticks: list[float], x: float, y_of: Callable[[float], float],
            label: Callable[[float], str], right: float) -> list[Box]:  # fmt: skip
    """Grid lines and tick labels (right-aligned at `x`) for the value axis."""
    boxes = []
    for v in ticks:
        y = y_of(v)
        canvas.line(x + 3, y, right, y, PALETTE["grid"] if v else PALETTE["rule"], 0.6)
        boxes.append(canvas.text(x, y, label(v), "end", colour=PALETTE["muted"], valign="middle"))
    return boxes


def _date_labels(canvas: Canvas, days: list[dt.date], x_of: Callable[[int], float], y: float,
                 f: Formats, taken: list[Box], low: float) -> None:  # fmt: skip
    """The days' dates under the axis, thinned by `thin_days`, the end ones kept inside."""

    def box(i: int) -> Box:
        x, align = canvas.inside(x_of(i), y, f.day(days[i]), low)
        return canvas.box(x, y, f.day(days[i]), align)

    for i in thin_days(len(days), box, GAP * canvas.size):
        x, align = canvas.inside(x_of(i), y, f.day(days[i]), low)
        taken.append(canvas.text(x, y, f.day(days[i]), align, colour=PALETTE["muted"]))


def displacement_chart(
    fig: Figures, t: Translate, locale: str, font_dirs: list[Path], rtl: bool = False
) -> Drawn:
    """New displacement per day over the period, the days since the last report darker."""

    def draw() -> Drawn:
        fonts, formats = Fonts(font_dirs), Formats(locale, getattr(t, "numbering", "latn"))
        parts = [
            _displacement(Canvas(w, 0, fonts, s, rtl), fig.daily, fig.previous_date, t, formats)
            for w, s in VARIANTS.values()
        ]
        description = displacement_description(fig.daily, t, formats)
        wide, narrow = parts  # in the order of VARIANTS
        return Drawn(
            wide=wide.html("displacement", description, "wide"),
            narrow=narrow.html("displacement", description, "narrow"),
            description=description,
        )

    return memoised("displacement", draw, fig.daily, fig.previous_date, t, locale, font_dirs, rtl)


def displacement_description(daily: list[tuple[dt.date, int]], t: Translate, f: Formats) -> str:
    """ "Bar chart of new displacement per day, 15 to 24 Aug: highest 4,550 on 24 Aug, ..."."""
    if not daily:
        return t("chart.displacement_empty")
    top_day, top = max(daily, key=lambda d: (d[1], d[0]))
    last_day, last = daily[-1]
    return t(
        "chart.displacement_desc",
        range=f.span(t, daily[0][0], last_day),
        highest=f.number(top),
        highest_day=f.long_day(top_day),
        latest=f.number(last),
        latest_day=f.long_day(last_day),
        total=f.number(sum(n for _, n in daily)),
    )


def _displacement(
    canvas: Canvas,
    daily: list[tuple[dt.date, int]],
    previous: dt.date | None,
    t: Translate,
    f: Formats,
) -> Canvas:
    size, line = canvas.size, canvas.size * LINE
    counts = [n for _, n in daily] or [0]
    ticks = nice_range(0, max(max(counts), 4), 4)  # whole people: steps of 1 at least
    left = max(canvas.measure(f.number(v)) for v in ticks) + 4
    top, bottom = 2 * line + 2, line + 4
    canvas.height = round(canvas.width * (0.3 if canvas.width > 400 else 0.62))
    x0, x1, y0, y1 = left + 2, canvas.width - 2, top, canvas.height - bottom
    y_of = lambda v: y1 - (y1 - y0) * v / ticks[-1]  # noqa: E731
    taken = [canvas.text(0, 0, t("chart.people_per_day"), colour=PALETTE["muted"])]
    taken += _y_axis(canvas, ticks, left, y_of, f.number, x1)
    band = (x1 - x0) / max(len(daily), 1)
    centre = lambda i: x0 + band * (i + 0.5)  # noqa: E731
    for i, (day, n) in enumerate(daily):
        recent = previous is None or day > previous
        colour = PALETTE["accent"] if recent else PALETTE["accent2"]
        if n:
            canvas.rect(centre(i) - band * 0.35, y_of(n), band * 0.7, y1 - y_of(n), colour)
    # the date of each labelled day under its bar
    days = [d for d, _ in daily]
    _date_labels(canvas, days, centre, y1 + 3, f, taken, x0 - 2)

    # values on the bars: all when they fit side by side, else the highest and the latest
    def value_at(i: int) -> tuple[float, str]:
        return canvas.inside(centre(i), 0, f.number(counts[i]), x0)

    def value_box(i: int) -> Box:
        x, align = value_at(i)
        return canvas.box(x, y_of(counts[i]) - 1, f.number(counts[i]), align, valign="bottom")

    shown = [i for i, n in enumerate(counts) if n and daily]
    boxes = [value_box(i) for i in shown]
    if not all(free(a, [b], GAP * size * 0.5) for a, b in itertools.pairwise(boxes)):
        top_i = max(shown, key=lambda i: (counts[i], i)) if shown else None
        shown = [i for i in (top_i, len(counts) - 1) if i is not None and counts[i]]
        shown = list(dict.fromkeys(shown))
    for i in shown:
        box = value_box(i)
        if free(box, taken, 0.5):
            taken.append(canvas.text(value_at(i)[0], box[1], f.number(counts[i]), value_at(i)[1]))
    canvas.line(x0 - 2, y1, x1, y1, PALETTE["rule"], 0.8)
    return canvas


def price_chart(
    prices: list[PriceSeries], t: Translate, locale: str, font_dirs: list[Path], rtl: bool = False
) -> Drawn | None:
    """% change of each price since the start of the period; blockade starts marked."""
    prices = [s for s in prices if s.baseline and s.points]
    if not prices:
        return None

    def draw() -> Drawn:
        fonts, formats = Fonts(font_dirs), Formats(locale, getattr(t, "numbering", "latn"))
        parts = [
            _prices(Canvas(w, 0, fonts, s, rtl), prices, t, formats) for w, s in VARIANTS.values()
        ]
        description = price_description(prices, t, formats)
        wide, narrow = parts  # in the order of VARIANTS
        return Drawn(
            wide=wide.html("prices", description, "wide"),
            narrow=narrow.html("prices", description, "narrow"),
            description=description,
        )

    return memoised("prices", draw, prices, t, locale, font_dirs, rtl)


def _name(s: PriceSeries, t: Translate) -> str:
    return t("chart.price_line", market=s.market, item=s.item)


def price_description(prices: list[PriceSeries], t: Translate, f: Formats) -> str:
    """What the price chart shows, its range, and the largest and latest changes."""
    changes = [(p / s.baseline - 1, d, s) for s in prices for d, p in s.points if s.baseline]
    top, top_day, top_s = max(changes, key=lambda c: (c[0], c[1]))
    latest = max(prices, key=lambda s: (s.latest_date, s.change_period or 0))
    return t(
        "chart.prices_desc",
        n=f.number(len(prices)),
        count=len(prices),
        range=f.span(t, min(s.baseline_date for s in prices), max(s.latest_date for s in prices)),
        highest=f.percent(top),
        highest_series=_name(top_s, t),
        highest_day=f.long_day(top_day),
        latest=f.percent(latest.change_period or 0),
        latest_series=_name(latest, t),
    )


def _prices(canvas: Canvas, prices: list[PriceSeries], t: Translate, f: Formats) -> Canvas:
    _size, line = canvas.size, canvas.size * LINE
    series = [
        (s, [(d, p / s.baseline - 1) for d, p in s.points if s.baseline], _name(s, t))
        for s in prices
    ]
    values = [v for _, pts, _ in series for _, v in pts]
    ticks = nice_range(min(values), max(values), 4)
    first = min(d for _, pts, _ in series for d, _ in pts)
    last = max(d for _, pts, _ in series for d, _ in pts)
    span = max((last - first).days, 1)
    starts = sorted(
        {s.blockade_start for s in prices if s.blockade_start and s.blockade_start >= first}
    )
    names = [name for _, _, name in series]
    name_w = max(canvas.measure(n) for n in names) + 10
    key_below = name_w > canvas.width * 0.3  # a phone: the names go in a key under the plot
    left = max(canvas.measure(f.percent(v)) for v in ticks) + 4
    top = line * (1 + len(starts)) + 4
    plot_h = round(canvas.width * (0.3 if canvas.width > 400 else 0.5))
    key_h = (len(series) * line + 4) if key_below else 0
    x0, x1 = left + 4, canvas.width - (4 if key_below else name_w)
    y0, y1 = top, top + plot_h
    canvas.height = round(y1 + line + 6 + key_h)
    y_of = lambda v: y1 - (y1 - y0) * (v - ticks[0]) / (ticks[-1] - ticks[0])  # noqa: E731
    x_of = lambda d: x0 + (x1 - x0) * (d - first).days / span  # noqa: E731
    title = t("chart.price_change", date=f.day(min(s.baseline_date for s in prices)))
    taken = [canvas.text(0, 0, title, colour=PALETTE["muted"])]
    taken += _y_axis(canvas, ticks, left, y_of, f.percent, x1)
    for row, start in enumerate(starts, 1):  # each blockade's line, its words in its own row
        x = x_of(start)
        canvas.line(x, y0 - 2, x, y1, PALETTE["closed"], 0.8, "1.5 1.5")
        words = t("chart.blockade_began", date=f.day(start))
        align = "start" if x + canvas.measure(words) + 2 <= canvas.width else "end"
        taken.append(
            canvas.text(
                x + (2 if align == "start" else -2),
                row * line,
                words,
                align,
                colour=PALETTE["closed"],
            )
        )
    for s, pts, _ in series:
        colour = COMMODITY_COLOURS.get(s.commodity, PALETTE["muted"])
        dash = None if s.blockade_start else "4 2"
        xy = [(x_of(d), y_of(v)) for d, v in pts]
        canvas.polyline(xy, colour, 1.6 if canvas.width > 400 else 2, dash)
        for x, y in xy:
            canvas.circle(x, y, 1.4 if canvas.width > 400 else 2, colour)
    days = [first + dt.timedelta(days=i) for i in range(span + 1)]
    _date_labels(canvas, days, lambda i: x_of(days[i]), y1 + 3, f, taken, x0 - 2)
    canvas.line(x0, y1, x1, y1, PALETTE["rule"], 0.8)
    if key_below:
        for row, (s, _, name) in enumerate(series):
            colour = COMMODITY_COLOURS.get(s.commodity, PALETTE["muted"])
            y = y1 + line + 6 + row * line + line / 2
            canvas.line(0, y, 16, y, colour, 2, None if s.blockade_start else "4 2")
            canvas.text(20, y, name, colour=colour, valign="middle")
        return canvas
    _name_line_ends(canvas, series, x1, y0, y1, x_of, y_of)
    return canvas


def _name_line_ends(canvas, series, x1, y0, y1, x_of, y_of) -> None:
    """Each line named at its right end, pushed apart (never overlapping), kept in the plot."""
    h = canvas.size * LINE
    ends = sorted(
        ((y_of(pts[-1][1]), name, s) for s, pts, name in series), key=lambda e: (e[0], e[1])
    )
    ys = [y - h / 2 for y, _, _ in ends]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + h)
    overflow = ys[-1] + h - (y1 + h)
    if overflow > 0:
        ys = [y - overflow for y in ys]
    for i in range(len(ys) - 2, -1, -1):
        ys[i] = min(ys[i], ys[i + 1] - h)
    for (_, name, s), y in zip(ends, ys, strict=True):
        colour = COMMODITY_COLOURS.get(s.commodity, PALETTE["muted"])
        canvas.text(x1 + 6, y, name, colour=colour)
