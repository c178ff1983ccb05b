"""The drawings' parts, without a browser: ticks, the date rule, simplification, descriptions,
right to left, the same bytes for the same data."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from pathlib import Path

import pytest

from sitrep.figures.compute import compute_figures
from sitrep.pipeline import check_inputs
from sitrep.render.accessmap import BOUNDARY_POINTS, access_map, load_places, simplify
from sitrep.render.charts import (
    DAY_STEPS,
    displacement_chart,
    price_chart,
    thin_days,
)
from sitrep.render.drawing import Canvas, Fonts, nice_range
from sitrep.render.drawn import Formats, forget_drawings
from sitrep.render.html import load_messages, make_translator
from sitrep.settings.config import template_dirs
from sitrep.settings.languages import right_to_left
from tests.conftest import ROOT
from tests.geo_helpers import afg_gazetteer

DAY = dt.date(2021, 8, 24)


@pytest.fixture(scope="module")
def sample():
    checked = check_inputs(ROOT, DAY)
    dirs = template_dirs(checked.config.templates_dir)
    figures = compute_figures(checked.tables, checked.config, afg_gazetteer(), DAY)
    return checked, dirs, figures, make_translator(load_messages(dirs, "en"))


@pytest.mark.parametrize(
    ("low", "high"), [(0, 0), (0, 4), (0, 4550), (0, 123_456), (-0.03, 0.64), (-5, -1)]
)
def test_nice_ticks_cover_the_range_in_round_steps(low: float, high: float) -> None:
    ticks = nice_range(low, high, 4)
    assert ticks[0] <= min(low, 0) and ticks[-1] >= high and 0 in ticks and len(ticks) >= 2
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    mantissa = steps.pop() / 10 ** math.floor(math.log10(ticks[1] - ticks[0]))
    assert round(mantissa, 6) in (1, 2, 2.5, 5)


@pytest.mark.parametrize("days", [1, 2, 10, 30, 90])
def test_the_date_rule_keeps_the_first_and_last_and_never_crowds(days: int) -> None:
    width = 12.0  # each label 12 units wide, days 5 units apart: every day cannot fit

    def box(i: int):
        return (i * 5.0, 0.0, i * 5.0 + width, 1.0)

    chosen = thin_days(days, box, 1.0)
    if 0 < (days - 1) * 5 < width + 1:  # no room for two labels: the last day only
        assert chosen == [days - 1]
        return
    assert chosen[0] == 0 and chosen[-1] == days - 1
    boxes = [box(i) for i in chosen]
    assert all(b[0] - a[2] >= 1.0 for a, b in itertools.pairwise(boxes))
    steps = {b - a for a, b in itertools.pairwise(chosen[:-1])}  # the last may come sooner
    assert len(steps) <= 1 and steps <= set(DAY_STEPS)


def test_simplify_keeps_the_shape_within_the_tolerance() -> None:
    ring = [
        (math.cos(a / 500 * 2 * math.pi) * 100, math.sin(a / 500 * 2 * math.pi) * 100)
        for a in range(501)
    ]
    kept = simplify(ring, 0.5)
    assert 10 < len(kept) < 100 and kept[0] == ring[0] and kept[-1] == ring[-1]
    # every dropped point lies within the tolerance of the kept polyline
    for x, y in ring:
        distance = min(_to_segment((x, y), a, b) for a, b in itertools.pairwise(kept))
        assert distance <= 0.5 + 1e-9


def _to_segment(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    f = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy or 1)))
    return math.hypot(px - ax - f * dx, py - ay - f * dy)


def test_boundaries_are_simplified_to_the_budget(sample, tmp_path: Path) -> None:
    checked, dirs, figures, t = sample
    # a ring of 20,000 vertices around the sample's area
    ring = [
        [
            69.6 + 1.2 * math.cos(k / 20_000 * 2 * math.pi) + 0.01 * math.sin(k),
            35.3 + math.sin(k / 20_000 * 2 * math.pi),
        ]
        for k in range(20_000)
    ]
    ring.append(ring[0])
    path = tmp_path / "b.geojson"
    geometry = {"type": "Polygon", "coordinates": [ring]}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"geometry": geometry}]}))
    vias = {r["route_id"]: r["via"] for r in checked.tables["routes"].frame.to_dict("records")}
    places = load_places(checked.tables["places"].frame)
    drawn = access_map(figures.routes, vias, places, t, dirs, path).svg
    for variant in (drawn.wide, drawn.narrow):
        polygons = re.findall(r'<polygon points="([^"]+)" fill="#f1f2f4"', variant)
        assert polygons
        assert sum(len(p.split()) for p in polygons) <= BOUNDARY_POINTS
    assert len(drawn.wide) < 120_000


def test_descriptions_say_what_the_data_says(sample) -> None:
    checked, dirs, figures, t = sample
    frame = checked.tables["displacement"].frame
    frame = frame[(frame["date"] >= figures.period_start) & (frame["date"] <= DAY)]
    size = checked.config.household_size  # people where only families are given
    frame = frame.assign(people=frame["people"].fillna(frame["families"] * size))
    people = frame.groupby("date")["people"].sum()  # independent of sitrep's figures
    chart = displacement_chart(figures, t, "en", dirs)
    highest = people.idxmax()
    assert f"highest {int(people.max()):,} on {highest.day} {highest:%B}" in chart.description
    assert f"latest {int(people[DAY]):,} on 24 August" in chart.description
    assert "per day, 15 to 24 August 2021:" in chart.description
    assert f'aria-label="{chart.description}"' in chart.wide
    assert f"<title>{chart.description}</title>" in chart.narrow
    prices = price_chart(figures.prices, t, "en", dirs)
    assert prices.description.startswith(
        f"Line chart of the change in {len(figures.prices)} prices"
    )


def test_same_data_same_bytes_and_words_from_the_locale(sample) -> None:
    _checked, dirs, figures, _ = sample
    t_fr = make_translator(load_messages(dirs, "fr"))
    first = displacement_chart(figures, t_fr, "fr", dirs)
    forget_drawings()
    again = displacement_chart(figures, t_fr, "fr", dirs)
    assert first == again and first is not again  # drawn twice, the same bytes
    assert "24 août" in first and "Personnes par jour" in first and "Aug" not in first
    assert "4 550" in first.description.replace("\u202f", " ").replace("\xa0", " ")


def test_a_right_to_left_locale_mirrors_the_charts_not_the_words(sample) -> None:
    _checked, dirs, figures, t = sample
    assert right_to_left("ar") and right_to_left("fa_AF") and not right_to_left("fr")
    ltr = displacement_chart(figures, t, "ar", dirs)
    rtl = displacement_chart(figures, t, "ar", dirs, rtl=True)
    assert 'transform="matrix(-1 0 0 1 504 0)"' in rtl.wide and "matrix(-1" not in ltr.wide
    first = Formats("ar").day(figures.period_start)
    assert 'dir="rtl"' in rtl.wide and f">{first}<" in rtl.wide

    def left_of(drawing: str, text: str) -> float:
        return float(re.search(rf"left:([\d.]+)%[^>]*>{re.escape(text)}<", drawing).group(1))

    assert left_of(rtl.wide, first) > 50 > left_of(ltr.wide, first)


def test_a_period_without_displacement_still_draws(sample) -> None:
    _checked, dirs, figures, t = sample
    import dataclasses

    empty = dataclasses.replace(figures, daily=[(d, 0) for d, _ in figures.daily])
    chart = displacement_chart(empty, t, "en", dirs)
    assert "highest 0" in chart.description and "<rect" not in chart.wide


def test_labels_are_measured_with_the_fonts() -> None:
    fonts = Fonts([ROOT / "sitrep" / "templates"])
    canvas = Canvas(100, 100, fonts, 10)
    narrow, wide = canvas.measure("iiii"), canvas.measure("WWWW")
    assert 0 < narrow < wide
    assert canvas.measure("کابل") > 0 and canvas.measure("کابل", local=True) > 0
    assert canvas.measure("Route", bold=True) > canvas.measure("Route")
