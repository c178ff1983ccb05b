"""The situation map read back from its SVG: an area per shape, each area's class from the
figures computed here independently, the key, labels that never overlap, the description,
right to left, an area report's zoom, the same bytes for the same data."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re

import pandas as pd
import pytest

from sitrep.pipeline import BuildOptions, prepare
from sitrep.render.context import report_context
from sitrep.render.drawn import forget_drawings
from sitrep.settings.config import load_config
from tests.conftest import ROOT

DAY = dt.date(2021, 8, 24)
LINE = 1.25


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory):
    import os

    os.environ["SITREP_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    return prepare(load_config(ROOT), DAY)


def context(
    prepared,
    locale: str = "en",
    area: str | None = None,
    digits: str = "default",
    levels: tuple[str, ...] | None = None,
):
    import dataclasses

    config = dataclasses.replace(prepared.config, locale=locale, digits=digits)
    if levels is not None:  # () : the catalogue's neutral words
        config = dataclasses.replace(config, levels=levels)
    figures = prepared.figures["en"]
    if area is not None:
        from sitrep.figures.compute import compute_figures
        from sitrep.inputs.cod import base_gazetteer
        from sitrep.issue.subset import AreaSplit, place_pcodes
        from sitrep.validate.tables import workspace_gazetteer

        gazetteer = workspace_gazetteer(prepared.tables, base_gazetteer(config))
        split = AreaSplit(prepared.tables, place_pcodes(prepared.tables, gazetteer), gazetteer)
        tables = split(area)
        figures = compute_figures(tables, config, gazetteer, DAY)
    else:
        tables = prepared.tables
    return report_context(
        config,
        figures,
        prepared.narratives["en"],
        tables,
        10,
        0,
        BuildOptions(ROOT),
        boundaries=prepared.boundaries,
        area=area,
    )


def paths(drawing: str) -> list[tuple[str, str]]:
    return re.findall(r'<path d="[^"]+" [^>]*data-pcode="([^"]+)" data-class="([^"]+)"', drawing)


def spans(drawing: str) -> list[tuple[tuple[float, float, float, float], str]]:
    """Each label's box as the page draws it (percent of the drawing), and its text."""
    width = float(re.search(r"--w:([\d.]+)", drawing).group(1))
    size = float(re.search(r"--fs:([\d.]+)", drawing).group(1))
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', drawing).group(1))
    found = []
    pattern = (
        r'<span class="[^"]*" dir="\w+" style="left:([-\d.]+)%;top:([-\d.]+)%;width:([\d.]+)%;'
        r'[^"]*?(?:font-size:([\d.]+)em;)?">([^<]*)</span>'
    )
    for left, top, wide, em, text in re.findall(pattern, drawing):
        x0, y0 = float(left) * width / 100, float(top) * height / 100
        box = (x0, y0, x0 + float(wide) * width / 100, y0 + size * float(em or 1) * LINE)
        found.append((box, html.unescape(text)))
    return found


def idps_by_district() -> dict[str, int]:
    """IDPs present per district, from the workbook itself: the latest round on or before
    the report date, each district's rows summed (no sitrep code involved)."""
    frame = pd.read_excel(
        ROOT / "inputs" / "sample-data.xlsx", sheet_name="idps", skiprows=[1], engine="calamine"
    )
    frame["Date"] = pd.to_datetime(frame["Date"]).dt.date
    frame = frame[frame["Date"] <= DAY]
    latest = frame[frame["Round"] == frame["Round"].max()]
    return latest.groupby("Area")["Idps"].sum().astype(int).to_dict()


def legend_ranges(drawing: str) -> list[tuple[int, int]]:
    ranges = []
    for _, text in spans(drawing):
        if m := re.fullmatch(r"([\d,]+)–([\d,]+)", text):
            ranges.append((int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))))
    return ranges


def test_each_district_is_one_shape_of_the_class_its_figure_falls_in(prepared) -> None:
    drawn = context(prepared)["situation_map"].drawn
    figures = idps_by_district()
    for drawing in (drawn.wide, drawn.narrow):
        found = paths(drawing)
        districts = {c for c, s in prepared.boundaries.at(2)}
        assert sorted(c for c, _ in found) == sorted(districts)  # each once
        ranges = legend_ranges(drawing)
        assert ranges and ranges[0][0] == 1 and ranges[-1][1] == max(figures.values())
        assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(ranges))
        for code, kind in found:
            value = figures.get(code)
            if value is None:
                assert kind == "nodata", code
            elif value == 0:
                assert kind == "zero", code
            else:
                index = next(i for i, (low, high) in enumerate(ranges, 1) if low <= value <= high)
                assert kind == f"c{index}", (code, value, ranges)


def test_the_key_gives_the_figure_its_units_no_data_and_blockades(prepared) -> None:
    the_map = context(prepared)["situation_map"]
    words = [text for _, text in spans(the_map.drawn.wide)]
    assert "IDPs present (people)" in words and "No data" in words
    assert "Blockade in effect" in words and "closed" in words
    in_effect = {b.area_pcode for b in prepared.figures["en"].blockades}
    outlines = re.findall(
        r'<path d="[^"]+" fill="none" stroke="#c62828" stroke-width="[\d.]+" '
        r'stroke-dasharray="3 1.6"',
        the_map.drawn.wide,
    )
    assert len(outlines) == len(in_effect) == 3
    assert "km" in " ".join(words)  # the scale bar


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_two_labels_overlap(prepared, locale: str) -> None:
    drawn = context(prepared, locale)["situation_map"].drawn
    for drawing in (drawn.wide, drawn.narrow):
        boxes = spans(drawing)
        assert len(boxes) > 20
        for (a, ta), (b, tb) in itertools.combinations(boxes, 2):
            w = min(a[2], b[2]) - max(a[0], b[0])
            h = min(a[3], b[3]) - max(a[1], b[1])
            assert w <= 0.05 or h <= 0.05, (ta, tb)


def test_the_description_names_the_five_most_affected_areas(prepared) -> None:
    the_map = context(prepared)["situation_map"]
    figures = sorted(idps_by_district().items(), key=lambda kv: -kv[1])[:5]
    assert [(code, n) for code, _, n in the_map.top] == figures
    description = the_map.drawn.description
    for _code, name, n in the_map.top:
        assert f"{name} {n:,}" in description
    assert description.startswith("Map of IDPs present by District, as of 30 June 2021")
    assert f'aria-label="{html.escape(description)}"' in the_map.drawn.wide


def test_right_to_left_moves_the_key_and_the_locator_left(prepared) -> None:
    ltr = context(prepared, "en")["situation_map"].drawn.wide
    rtl = context(prepared, "ar", digits="arab")["situation_map"].drawn.wide

    def left_of(drawing: str, pattern: str) -> float:
        return min(b[0] for b, text in spans(drawing) if re.search(pattern, text))

    width = float(re.search(r"--w:([\d.]+)", rtl).group(1))
    assert left_of(rtl, "لا بيانات") < width * 0.3 < width * 0.7 < left_of(ltr, "No data")
    loc = r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#f4f8fb"'
    assert float(re.search(loc, rtl).group(1)) < width * 0.3 < float(re.search(loc, ltr).group(1))
    assert "١" in " ".join(t for _, t in spans(rtl))  # the legend in the report's digits
    assert "matrix(-1" not in rtl  # the geography is never mirrored


def test_the_catalogue_s_level_word_is_in_the_report_s_digits(prepared) -> None:
    """Without the office's words, the map's title and description (and the tables' headers)
    say the catalogue's "المستوى الإداري 2" with the digits of the rest of the report."""
    arabic = context(prepared, "ar", digits="arab", levels=())
    assert arabic["levels"] == ("المستوى الإداري ١", "المستوى الإداري ٢")
    description = arabic["situation_map"].drawn.description
    assert "المستوى الإداري ٢" in description and "الإداري 2" not in description
    assert "Charikar ٤٬٢٠٠؛ " in description and ";" not in description  # Arabic's semicolon
    latin = context(prepared, "ar", digits="latn", levels=())
    assert latin["levels"] == ("المستوى الإداري 1", "المستوى الإداري 2")
    assert context(prepared, "en", levels=())["levels"] == ("Admin 1", "Admin 2")


def test_an_area_report_shows_its_area_with_its_neighbours_in_grey(prepared) -> None:
    drawn = context(prepared, area="AF09")["situation_map"].drawn
    found = dict(paths(drawn.wide))
    baghlan = {
        c
        for c, p in zip(prepared.boundaries.pcodes, prepared.boundaries.parents, strict=True)
        if p == "AF09"
    }
    assert baghlan <= set(found)
    assert {found[c] for c in baghlan} - {"outside"} and all(
        kind == "outside" for code, kind in found.items() if code not in baghlan
    )
    national = dict(paths(context(prepared)["situation_map"].drawn.wide))
    assert len(found) < len(national)  # zoomed: only what is in view


def test_same_data_same_bytes(prepared) -> None:
    first = context(prepared)["situation_map"].drawn
    forget_drawings()
    again = context(prepared)["situation_map"].drawn
    assert first == again and first is not again


def test_without_boundaries_the_report_keeps_its_schematic_map(prepared) -> None:
    import dataclasses

    plain = dataclasses.replace(prepared, boundaries=None)
    found = report_context(
        plain.config,
        plain.figures["en"],
        plain.narratives["en"],
        plain.tables,
        10,
        0,
        BuildOptions(ROOT),
    )
    assert found["situation_map"] is None and found["access_map"].svg is not None
