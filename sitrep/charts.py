"""Charts as inline SVG: matplotlib, text kept as text, the same bytes for the same data.

matplotlib is imported only when a report is built. Every chart uses one palette (the
stylesheet's colours) and the bundled Noto fonts, so the PDF embeds the glyphs it shows. Cell
text (market names, place names) is drawn with `parse_math=False`, so a "$" is a dollar, not
mathtext, and matplotlib escapes it in the SVG. Words come from the caller (the catalogue).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import pickle
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

    from sitrep.figures import Figures
    from sitrep.indicators import PriceSeries

# The stylesheet's colours (templates/style.css :root): one palette for every chart and map.
PALETTE = {
    "accent": "#0b5ea8",
    "accent2": "#7fb0dc",
    "ink": "#1d1d1b",
    "muted": "#5f6368",
    "rule": "#c9cdd2",
    "open": "#2e7d32",
    "restricted": "#b26a00",
    "closed": "#c62828",
    "unknown": "#757575",
}
COMMODITY_COLOURS = {"food": PALETTE["accent"], "fuel": PALETTE["restricted"]}
WIDTH_IN = 7.0  # the text column of an A4 page with the stylesheet's margins
FONT = "Noto Sans"
ARABIC_FONT = "Noto Sans Arabic"
Translate = Callable[..., str]


# What every chart and the map are drawn with, set for the drawing only (rc_context): the
# process's matplotlib settings are left as they were.
STYLE = {
    "svg.fonttype": "none",  # text stays text: searchable, and in the PDF's own fonts
    "svg.hashsalt": "sitrep",  # ids from a fixed salt: the same bytes every build
    "font.family": [FONT, ARABIC_FONT],
    "font.size": 8,
    "axes.edgecolor": PALETTE["rule"],
    "axes.labelcolor": PALETTE["muted"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": PALETTE["muted"],
    "ytick.color": PALETTE["muted"],
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#e4e6e9",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
}


def _add_fonts(font_dirs: list[Path]) -> None:
    """The bundled fonts, known to matplotlib's font manager (once per process and file)."""
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    for folder in font_dirs:
        for path in sorted((folder / "fonts").glob("*.ttf")):
            if str(path) not in known:
                font_manager.fontManager.addfont(str(path))


_DRAWN: OrderedDict[str, str | None] = OrderedDict()  # recent drawings, by what they show
MEMO_SIZE = 32


def memoised(kind: str, draw: Callable[[], str | None], *inputs: object) -> str | None:
    """`draw()`, or the SVG drawn earlier in this process from the same `inputs`.

    A drawing costs about 0.1 s; `sitrep preview` re-renders on every save, and most saves
    change one table, so the other charts come from here. `inputs` must be everything the
    drawing depends on (data, words, locale, files' state); they are compared by their pickle.
    """
    try:
        key = kind + hashlib.sha256(pickle.dumps(inputs, protocol=5)).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return draw()  # something unhashable: draw, never guess
    if key in _DRAWN:
        _DRAWN.move_to_end(key)
        return _DRAWN[key]
    svg = _DRAWN[key] = draw()
    while len(_DRAWN) > MEMO_SIZE:
        _DRAWN.popitem(last=False)
    return svg


def forget_drawings() -> None:
    """Empty `memoised`'s store (a benchmark's repeated passes must draw, not remember)."""
    _DRAWN.clear()


def file_state(path: Path | None) -> tuple | None:
    """What identifies a file's content for `memoised`: its path, size and modification time."""
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), info.st_size, info.st_mtime_ns)


@contextmanager
def drawing(font_dirs: list[Path]) -> Iterator[None]:
    """matplotlib set up for sitrep's charts, for the duration of one drawing.

    No pyplot (its import and figure registry are not needed): figures are made with
    `matplotlib.figure.Figure` on the SVG canvas, and `STYLE` applies inside this block only.
    Create the figure, draw and call `to_svg` inside it.
    """
    import matplotlib

    _add_fonts(font_dirs)
    with matplotlib.rc_context(STYLE):
        yield


def new_figure(height_in: float) -> tuple[MplFigure, Axes]:
    """A figure the width of the text column, on matplotlib's SVG canvas, with one Axes."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height_in))
    FigureCanvasSVG(figure)
    return figure, figure.subplots()


def to_svg(figure: MplFigure, prefix: str) -> str:
    """The figure as an <svg> element for inline HTML, its ids prefixed to stay unique."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r'style="([^"]*)"', _presentation_attributes, svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    # matplotlib's <style> said this for every element; attributes inherit, so say it once.
    root = f'<svg class="chart" role="img" aria-label="{prefix}" stroke-linejoin="round" '
    return svg.replace("<svg ", root, 1)


def _presentation_attributes(match: re.Match) -> str:
    """style="fill: none; stroke: #000" -> fill="none" stroke="#000".

    Inline SVG's style attributes go through the HTML's CSS parser, which does not know SVG
    properties and warns about each; presentation attributes are SVG's own and say the same.
    """
    pairs = (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def _number_axis(ax: Axes, locale: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_decimal(v, locale=locale)))


def displacement_chart(fig: Figures, t: Translate, locale: str, font_dirs: list[Path]) -> str:
    """New displacement per day over the period, the days since the last report darker."""

    def draw() -> str:
        with drawing(font_dirs):
            return _displacement_svg(fig.daily, fig.previous_date, t, locale)

    return memoised("displacement", draw, fig.daily, fig.previous_date, t, locale, font_dirs)


def _displacement_svg(
    daily: list[tuple[dt.date, int]], previous: dt.date | None, t: Translate, locale: str
) -> str:
    days = [d for d, _ in daily]
    counts = [n for _, n in daily]
    recent = [previous is None or d > previous for d in days]
    colours = [PALETTE["accent"] if r else PALETTE["accent2"] for r in recent]
    figure, ax = new_figure(2.1)
    x = list(range(len(days)))
    ax.bar(x, counts, color=colours, width=0.7)
    for i, n in enumerate(counts):
        if n:  # labelled directly: no need to read values off the axis
            ax.annotate(
                format_decimal(n, locale=locale),
                (i, n),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=PALETTE["ink"],
            )
    ax.set_xticks(x, [format_date(d, "d MMM", locale=locale) for d in days])
    ax.tick_params(axis="x", length=0)
    ax.margins(x=0.01, y=0.15)
    _number_axis(ax, locale)
    ax.set_ylabel(t("chart.people_per_day"))
    return to_svg(figure, "chart-displacement")


def _price_label(s: PriceSeries, t: Translate) -> str:
    return t("chart.price_line", market=s.market, item=s.item)


def price_chart(
    prices: list[PriceSeries], t: Translate, locale: str, font_dirs: list[Path]
) -> str | None:
    """% change of each price since the start of the period; blockade starts marked."""
    if not prices:
        return None

    def draw() -> str:
        with drawing(font_dirs):
            return _price_svg(prices, t, locale)

    return memoised("prices", draw, prices, t, locale, font_dirs)


def _price_svg(prices: list[PriceSeries], t: Translate, locale: str) -> str:
    from matplotlib.ticker import FuncFormatter

    figure, ax = new_figure(2.4)
    ends: list[tuple[dt.date, float, str, str]] = []
    for s in prices:
        xs = [d for d, _ in s.points]
        ys = [p / s.baseline - 1 for _, p in s.points]
        colour = COMMODITY_COLOURS.get(s.commodity, PALETTE["muted"])
        style = "-" if s.blockade_start else (0, (3, 2))
        ax.plot(xs, ys, color=colour, linestyle=style, linewidth=1.6, marker="o", markersize=2.5)
        ends.append((xs[-1], ys[-1], _price_label(s, t), colour))
    starts = sorted({s.blockade_start for s in prices if s.blockade_start})
    for start in starts:
        ax.axvline(start, color=PALETTE["closed"], linewidth=0.8, linestyle=":")
        ax.annotate(
            t("chart.blockade_began", date=format_date(start, "d MMM", locale=locale)),
            (start, 1),
            xycoords=("data", "axes fraction"),
            xytext=(2, -2),
            textcoords="offset points",
            va="top",
            fontsize=6.5,
            color=PALETTE["closed"],
        )
    ax.axhline(0, color=PALETTE["muted"], linewidth=0.6)
    _date_axis(ax, [d for s in prices for d, _ in s.points], locale)
    _label_line_ends(ax, ends)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_percent(v, locale=locale)))
    since = format_date(prices[0].baseline_date, "d MMM", locale=locale)
    ax.set_ylabel(t("chart.price_change", date=since))
    return to_svg(figure, "chart-prices")


def _label_line_ends(ax: Axes, ends: list[tuple[dt.date, float, str, str]]) -> None:
    """Each line named at its right end, labels pushed apart so they never overlap."""
    from matplotlib.dates import date2num

    low, high = ax.get_ylim()
    gap = (high - low) * 0.08
    placed: list[float] = []
    for day, y, text, colour in sorted(ends, key=lambda e: e[1]):
        y_text = max(y, placed[-1] + gap) if placed else y
        placed.append(y_text)
        ax.text(
            date2num(day) + 0.3,
            y_text,
            text,
            fontsize=6.5,
            color=colour,
            va="center",
            ha="left",
            parse_math=False,  # a market name is text, never mathtext
        )
    ax.set_ylim(low, max(high, placed[-1] + gap if placed else high))


def _date_axis(ax: Axes, dates: list[dt.date], locale: str) -> None:
    first, last = min(dates), max(dates)
    span = (last - first).days
    step = max(1, span // 8)
    ticks = [first + dt.timedelta(days=i) for i in range(0, span + 1, step)]
    ax.set_xticks(ticks, [format_date(d, "d MMM", locale=locale) for d in ticks])
    ax.set_xlim(first - dt.timedelta(days=0.5), last + dt.timedelta(days=span * 0.3 + 1))
