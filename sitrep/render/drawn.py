"""What the charts and the map share: the palette, the two sizes, the `Drawn` result, the
locale's numbers and dates for labels, and the memory of recent drawings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from sitrep.render.numerals import date, decimal, percent

# The stylesheet's colours (templates/style.css :root): one palette for every chart and map.
PALETTE = {
    "accent": "#0b5ea8",
    "accent2": "#7fb0dc",
    "ink": "#1d1d1b",
    "muted": "#5f6368",
    "rule": "#c9cdd2",
    "grid": "#e4e6e9",
    "open": "#2e7d32",
    "restricted": "#9a5b00",
    "closed": "#c62828",
    "unknown": "#6b6b6b",
}
COMMODITY_COLOURS = {"food": PALETTE["accent"], "fuel": PALETTE["restricted"]}
# (width, label size) in drawing units: the page's text column (7 in = 504 pt) with 7 pt labels;
# a phone's column (~340 CSS px) with 13 px labels, so that the smallest (a route's id on the map,
# 0.9 of them) is still 12 px on a 390 px phone (templates/screen.css).
VARIANTS = {"wide": (504.0, 7.0), "narrow": (340.0, 13.0)}
Translate = Callable[..., str]


@dataclass(frozen=True)
class Drawn:
    """A chart or the map: the page's drawing, the phone's, and what they show, in words.

    `wide` and `narrow` are markup sitrep made (cell text escaped by `sitrep.render.drawing`); a
    template writes `{{ chart.wide }}{{ chart.narrow }}` and may use `chart.description`.
    """

    wide: str
    narrow: str
    description: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "wide", Markup(self.wide))
        object.__setattr__(self, "narrow", Markup(self.narrow))

    def __html__(self) -> str:
        return self.wide + self.narrow

    def __str__(self) -> str:
        return self.__html__()

    def __contains__(self, text: str) -> bool:
        return text in self.__html__()


@dataclass(frozen=True)
class Formats:
    """Numbers and dates in the report's locale (Babel), for labels and descriptions."""

    locale: str
    system: str = "latn"  # the digits (sitrep.render.numerals)

    def number(self, value: float) -> str:
        return decimal(value, self.locale, self.system)

    def percent(self, value: float) -> str:
        sign = "+" if value > 0.0005 else ""
        return sign + percent(value, self.locale, self.system)

    def day(self, value: dt.date) -> str:
        return date(value, "d MMM", self.locale, self.system)

    def long_day(self, value: dt.date) -> str:
        return date(value, "d MMMM", self.locale, self.system)

    def span(self, t: Translate, start: dt.date, end: dt.date) -> str:
        """15 to 24 August 2021: the catalogue's words, the locale's dates, nothing repeated."""
        if (start.year, start.month) == (end.year, end.month):
            first = date(start, "d", self.locale, self.system)
        elif start.year == end.year:
            first = self.long_day(start)
        else:
            first = date(start, "d MMMM y", self.locale, self.system)
        return t("chart.range", start=first, end=date(end, "d MMMM y", self.locale, self.system))


_DRAWN: OrderedDict[str, Drawn] = OrderedDict()  # recent drawings, by what they show
MEMO_SIZE = 32


def memoised(kind: str, draw: Callable[[], Drawn], *inputs: object) -> Drawn:
    """`draw()`, or what was drawn earlier in this process from the same `inputs`.

    `sitrep preview` re-renders on every save, and most saves change one table, so the other
    drawings come from here. `inputs` must be everything the drawing depends on (data, words,
    locale, direction, files' state); they are compared by their pickle.
    """
    try:
        key = kind + hashlib.sha256(pickle.dumps(inputs, protocol=5)).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return draw()  # something unhashable: draw, never guess
    if key in _DRAWN:
        _DRAWN.move_to_end(key)
        return _DRAWN[key]
    drawn = _DRAWN[key] = draw()
    while len(_DRAWN) > MEMO_SIZE:
        _DRAWN.popitem(last=False)
    return drawn


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
