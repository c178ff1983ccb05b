"""A changed input row changes the figure, the chart and the map that depend on it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from sitrep.figures.compute import compute_figures
from sitrep.pipeline import check_inputs
from sitrep.render.accessmap import access_map, load_places
from sitrep.render.attachments import csv_bytes, csv_safe
from sitrep.render.charts import displacement_chart, price_chart
from sitrep.render.html import load_messages, make_translator
from sitrep.settings.config import load_config, template_dirs
from tests.conftest import ROOT
from tests.geo_helpers import afg_gazetteer

DAY = dt.date(2021, 8, 24)


@pytest.fixture(scope="module")
def sample():
    checked = check_inputs(ROOT, DAY)
    dirs = template_dirs(checked.config.templates_dir)
    return checked, dirs, make_translator(load_messages(dirs, "en"))


def _figures(checked, tables):
    return compute_figures(tables, checked.config, afg_gazetteer(), DAY)


def _map(figures, tables, t, dirs):
    vias = {r["route_id"]: r["via"] for r in tables["routes"].frame.to_dict("records")}
    return access_map(figures.routes, vias, load_places(tables["places"].frame), t, dirs)


def _with_cell(table, row_number: int, column: str, value):
    """A copy of the table with one cell (by spreadsheet row) changed."""
    import dataclasses

    frame = table.frame.copy()
    frame.loc[frame["_row"] == row_number, column] = value
    return dataclasses.replace(table, frame=frame)


def test_a_displacement_row_changes_the_figure_and_the_chart(sample) -> None:
    checked, dirs, t = sample
    tables = dict(checked.tables)
    before = _figures(checked, tables)
    last = int(tables["displacement"].frame["_row"].max())  # 24 Aug, Rukha -> Khenj: 1,050
    tables["displacement"] = _with_cell(tables["displacement"], last, "people", 2050)
    after = _figures(checked, tables)
    assert after.displaced_period == before.displaced_period + 1000
    chart_before = displacement_chart(before, t, "en", dirs)
    chart_after = displacement_chart(after, t, "en", dirs)
    assert chart_before != chart_after
    assert ">5,550<" in chart_after and ">5,550<" not in chart_before


def test_a_route_row_changes_the_figure_and_the_map(sample) -> None:
    checked, dirs, t = sample
    tables = dict(checked.tables)
    before = _figures(checked, tables)
    frame = tables["routes"].frame
    row = int(frame.loc[frame["route_id"] == "R04", "_row"].max())  # Panjshir road: closed
    tables["routes"] = _with_cell(tables["routes"], row, "status", "open")
    after = _figures(checked, tables)
    assert after.routes_closed == before.routes_closed - 1
    map_before = _map(before, tables, t, dirs).svg
    map_after = _map(after, tables, t, dirs).svg
    assert map_before != map_after
    assert "#2e7d32" in map_after and "#2e7d32" not in map_before  # an open (green) route


def test_a_price_row_changes_the_chart(sample) -> None:
    checked, dirs, t = sample
    tables = dict(checked.tables)
    before = _figures(checked, tables)
    frame = tables["prices"].frame
    row = int(frame.loc[frame["market"] == "Banu", "_row"].max())
    tables["prices"] = _with_cell(tables["prices"], row, "price", 150.0)
    after = _figures(checked, tables)
    assert [s.latest for s in after.prices] != [s.latest for s in before.prices]
    assert price_chart(after.prices, t, "en", dirs) != price_chart(before.prices, t, "en", dirs)


def test_chart_is_deterministic_and_keeps_text_as_text(sample) -> None:
    checked, dirs, t = sample
    figures = _figures(checked, dict(checked.tables))
    first = displacement_chart(figures, t, "en", dirs)
    assert first == displacement_chart(figures, t, "en", dirs)
    # labels are HTML over the SVG (WeasyPrint draws SVG <text> a letter at a time: no joining)
    assert "<text" not in first and '<span class="l" dir="ltr"' in first
    assert first.description in first and "<metadata" not in first


def test_cell_text_in_a_chart_is_escaped_not_markup(sample) -> None:
    checked, dirs, t = sample
    tables = dict(checked.tables)
    frame = tables["prices"].frame.copy()
    frame["market"] = frame["market"].replace("Banu", "<script>$x$</script>")
    import dataclasses

    tables["prices"] = dataclasses.replace(tables["prices"], frame=frame)
    svg = price_chart(_figures(checked, tables).prices, t, "en", dirs)
    assert "<script>" not in svg and "&lt;script&gt;$x$" in svg


@pytest.mark.parametrize("cell", ["=1+1", "+93 700", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_look_like_formulas_are_neutralised(cell: str) -> None:
    assert csv_safe(cell) == "'" + cell
    rows = list(csv.reader(io.StringIO(csv_bytes(["a"], [[cell]]).decode("utf-8-sig"))))
    assert rows == [["a"], ["'" + cell]]


def test_csv_keeps_ordinary_cells() -> None:
    assert csv_safe("Banu") == "Banu" and csv_safe(12.0) == "12" and csv_safe(None) == ""
    assert csv_safe(dt.date(2021, 8, 24)) == "2021-08-24"


def test_boundaries_geojson_is_drawn_under_the_map(sample, tmp_path: Path) -> None:
    checked, dirs, t = sample
    tables = dict(checked.tables)
    figures = _figures(checked, tables)
    ring = [[68.5, 34.4], [70.7, 34.4], [70.7, 36.2], [68.5, 36.2], [68.5, 34.4]]
    path = tmp_path / "b.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},'
        f' "geometry": {{"type": "Polygon", "coordinates": [{ring}]}}}}]}}'
    )
    vias = {r["route_id"]: r["via"] for r in tables["routes"].frame.to_dict("records")}
    places = load_places(tables["places"].frame)
    with_boundaries = access_map(figures.routes, vias, places, t, dirs, path).svg
    assert "#f1f2f4" in with_boundaries and "#f1f2f4" not in _map(figures, tables, t, dirs).svg


def test_the_config_defaults_to_an_archival_pdf() -> None:
    config = load_config(ROOT)
    assert config.pdf_variant == "pdf/a-3a+ua-1" and config.attach_data  # archival, accessible
