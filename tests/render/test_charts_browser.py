"""The charts and the map, read as a reader sees them: in real Chromium, and back from the PDF.

Every label of every drawing in the HTML edition is measured (its text's box from a DOM Range,
its line box from the label): no two overlap, none covers a marker, a route's box or a mark on
the map, and none sticks out of its drawing, at 1280 and 390 px, for periods of 1, 10, 30 and
90 days and for a right-to-left (Arabic) report. Every label is at least 12 CSS px (WCAG:
the phone's drawing is shown at every width, 26rem wide at most). The PDF's text gives the
map's Arabic-script names in logical order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import subprocess
from pathlib import Path

import pytest
from babel.dates import format_date

from sitrep.render.document import render_report
from sitrep.render.edition import html_edition
from sitrep.report import BuildOptions
from sitrep.settings.config import load_config, template_dirs
from tests.conftest import copy_workspace

pytestmark = pytest.mark.slow  # drives Chromium: not in make test-fast

DAY = dt.date(2021, 8, 24)
PERIODS = (1, 10, 30, 90)
WIDTHS = (1280, 390)

# Every visible drawing: its box, its labels' boxes (x from the text itself, y from the label's
# line box), font sizes, and (for the map) the marks labels must not cover.
MEASURE = """() => [...document.querySelectorAll('.drawing')]
  .filter(d => getComputedStyle(d).display !== 'none')
  .map(d => {
    const box = r => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
    const labels = [...d.querySelectorAll('.l')].map(s => {
      const range = document.createRange();
      range.selectNodeContents(s);
      const text = range.getBoundingClientRect(), line = s.getBoundingClientRect();
      return {text: s.textContent, x0: text.left, x1: text.right, y0: line.top,
              y1: line.bottom, size: parseFloat(getComputedStyle(s).fontSize)};
    });
    const marks = d.classList.contains('drawing-map')
      ? [...d.querySelectorAll('svg circle, svg rect[rx], svg .mark')]
          .map(e => box(e.getBoundingClientRect())) : [];
    return {name: d.className, box: box(d.getBoundingClientRect()), labels, marks};
  })"""


def _overlap(a: dict, b: dict, tolerance: float = 0.5) -> bool:
    w = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    h = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return w > tolerance and h > tolerance


def _inside(a: dict, b: dict) -> bool:
    return (
        a["x0"] >= b["x0"] - 0.5 and a["x1"] <= b["x1"] + 0.5
        and a["y0"] >= b["y0"] - 1.5 and a["y1"] <= b["y1"] + 1.5
    )  # fmt: skip


def _edition(workspace: Path, period_days: int, locale: str) -> Path:
    """The HTML edition of the sample for a period of `period_days` ending on DAY."""
    settings = workspace / "sitrep.toml"
    start = DAY - dt.timedelta(days=period_days - 1)
    text = re.sub(
        r"(?m)^period_start = \S+", f"period_start = {start.isoformat()}", settings.read_text()
    )
    settings.write_text(re.sub(r'(?m)^locale = "\w+"', f'locale = "{locale}"', text))
    config = load_config(workspace)
    dirs = template_dirs(config.templates_dir)
    rendered = render_report(config, BuildOptions(workspace, date=DAY), dirs, lambda _: (10, 0))
    path = workspace / f"edition-{period_days}-{locale}.html"
    path.write_text(html_edition(rendered.html, dirs), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], Path]:
    cases = [(n, "en") for n in PERIODS] + [(10, "ar"), (30, "ar")]
    return {
        (n, loc): _edition(copy_workspace(tmp_path_factory.mktemp(f"p{n}{loc}") / "ws"), n, loc)
        for n, loc in cases
    }


@pytest.fixture(scope="module")
def pages(browser):
    """One page per width, reused for every edition (a phone: touch, its own viewport)."""
    made = {
        width: browser.new_page(
            viewport={"width": width, "height": 900}, is_mobile=width < 500, has_touch=width < 500
        )
        for width in WIDTHS
    }
    yield made
    for page in made.values():
        page.close()


def _measure(page, path: Path) -> list[dict]:
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate(MEASURE)


def _problems(drawings: list[dict], min_size: float) -> list[str]:
    found = []
    for d in drawings:
        labels = d["labels"]
        for i, a in enumerate(labels):
            if a["x0"] < d["box"]["x0"] - 1 or a["x1"] > d["box"]["x1"] + 1:
                found.append(f"{d['name']}: {a['text']!r} sticks out of the drawing")
            if a["size"] < min_size:
                found.append(f"{d['name']}: {a['text']!r} is {a['size']:.1f} px")
            for b in labels[i + 1 :]:
                if _overlap(a, b):
                    found.append(f"{d['name']}: {a['text']!r} overlaps {b['text']!r}")
            for mark in d["marks"]:
                if _overlap(a, mark, 1.0) and not _inside(a, mark):  # a route id in its box
                    found.append(f"{d['name']}: {a['text']!r} covers a mark at {mark}")
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_label_overlaps_at_any_period_or_width(editions, pages, width: int) -> None:
    page = pages[width]
    for (days, locale), path in editions.items():
        drawings = _measure(page, path)
        kinds = sorted(d["name"].split()[2] for d in drawings)
        expected = ["drawing-displacement", "drawing-map", "drawing-prices", "drawing-response"]
        assert kinds == [*expected, "drawing-situation-map"], kinds  # the sample has boundaries
        # on a screen, the phone's drawing at every width: the page's is for paper
        assert all("narrow" in d["name"].split() for d in drawings)
        assert all(len(d["labels"]) >= 5 for d in drawings)
        problems = _problems(drawings, 12.0)
        assert not problems, f"{days} days, {locale}, {width} px: " + "; ".join(problems[:8])
        if width < 500:
            assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_every_day_or_a_rule_labels_the_dates_first_and_last_always(editions, pages) -> None:
    page = pages[1280]
    page.emulate_media(media="print")  # the page's drawing (the PDF's), which a printout shows
    try:
        charts = {
            days: next(
                d
                for d in _measure(page, editions[(days, "en")])
                if "drawing-displacement" in d["name"]
            )
            for days in PERIODS
        }
    finally:
        page.emulate_media(media="screen")
    for days, chart in charts.items():
        assert "wide" in chart["name"].split()
        start = DAY - dt.timedelta(days=days - 1)
        every_day = [
            format_date(start + dt.timedelta(days=i), "d MMM", locale="en") for i in range(days)
        ]
        shown = [label["text"] for label in chart["labels"] if label["text"] in every_day]
        assert shown[0] == every_day[0] and shown[-1] == every_day[-1]
        if days <= 10:
            assert shown == every_day  # room for every day
            continue
        # thinned by one step of the rule (then the last day), never a crowd of neighbours
        index = [every_day.index(text) for text in shown]
        steps = {b - a for a, b in itertools.pairwise(index[:-1])}
        assert len(steps) == 1 and steps <= {2, 3, 7, 14, 28}, (days, shown)
        assert 0 < index[-1] - index[-2] < 2 * steps.pop()  # a stepped label crowding it goes


def test_an_arabic_report_runs_its_time_axis_right_to_left(editions, pages) -> None:
    start = DAY - dt.timedelta(days=9)
    first, last = (format_date(d, "d MMM", locale="ar") for d in (start, DAY))
    for width, page in pages.items():
        for d in _measure(page, editions[(10, "ar")]):
            if "drawing-displacement" not in d["name"]:
                continue
            x = {label["text"]: label["x0"] for label in d["labels"]}
            assert x[first] > x[last], (width, first, last)
            zero = next(label for label in d["labels"] if label["text"] in ("0", "٠"))
            middle = (d["box"]["x0"] + d["box"]["x1"]) / 2
            assert zero["x0"] > middle  # the value axis on the right


def test_the_pdf_gives_the_maps_arabic_names_in_logical_order(built_sample) -> None:
    text = subprocess.run(
        ["pdftotext", str(built_sample[1].pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    edition = built_sample[1].html.read_text("utf-8")
    names = re.findall(r'<span class="l loc" dir="rtl"[^>]*>([^<]+)</span>', edition)
    assert len(set(names)) >= 10
    # lam-alef is one ligature glyph, which pdftotext gives back as alef-lam, in the tables too
    for name in {n for n in names if "لا" not in n}:
        # the map's label and the place table's cell; never a word spelt backwards
        assert text.count(name) >= 2, name
        assert name[::-1] not in text or name[::-1] == name, name
