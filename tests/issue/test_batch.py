"""`sitrep build --each area`: one report per admin-1 area, restricted to its rows, numbered
like the workspace's report of the date, reused when unchanged. A small case: 2 areas."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.errors import ReportExistsError
from sitrep.issue.batch import BatchResult, build_each_area
from sitrep.issue.record import RECORD_NAME, load_area_record, load_record
from sitrep.issue.subset import AreaSplit, areas_in
from sitrep.report import BuildOptions
from sitrep.validate.table import Table
from sitrep.validate.tables import ROW
from tests.conftest import copy_workspace, pdf_text, quicken
from tests.geo_helpers import afg_gazetteer

DAY = dt.date(2021, 8, 24)
DISPLACEMENT = """id,date,district,families,people,source
D1,2021-08-20,AF0301,10,70,Test source
D2,2021-08-23,AF0305,5,,Test source
D3,2021-08-24,AF0801,20,140,Test source
"""
BLOCKADES = """id,commodity,area,place,imposed_by,start_date,end_date,people_affected,status,source
B1,food,AF0807,Paryan,Armed group,2021-08-21,,3000,ongoing,Test source
"""
ROUTES = """route_id,route,from,to,via,status,constraint,since,source
R1,Charikar road,Charikar,Jabal Saraj,,closed,checkpoint,2021-08-20,Test source
"""
IDPS = """date,area,idps,round,source
2021-06-30,AF0301,1500,13,Test source
"""


def _table(name: str, rows: list[dict]) -> Table:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(rows) + 2)
    return Table(name, f"{name}.csv", None, frame)


def test_rows_are_cut_by_the_admin1_area_of_their_pcode():
    tables = {
        "displacement": _table(
            "displacement",
            [{"district": "AF0301", "date": DAY}, {"district": "AF08", "date": DAY}],
        ),
        "blockades": _table(
            "blockades",
            [{"area": "AF0807", "start_date": DAY}, {"area": "AF0301", "start_date": DAY}],
        ),
        "contacts": _table("contacts", [{"name": "A"}, {"name": "B"}]),
    }
    parwan = AreaSplit(tables, None, afg_gazetteer())("AF03")
    assert list(parwan["displacement"].frame["district"]) == ["AF0301"]
    assert list(parwan["blockades"].frame["area"]) == ["AF0301"]
    assert len(parwan["contacts"].frame) == 2  # tables without places are kept whole
    panjsher = AreaSplit(tables, None, afg_gazetteer())("AF08")
    assert list(panjsher["displacement"].frame["district"]) == ["AF08"]  # an admin-1 P-code
    assert areas_in(tables, DAY, afg_gazetteer()) == ["AF03", "AF08"]
    assert areas_in(tables, DAY - dt.timedelta(days=1), afg_gazetteer()) == []  # rows after the day


def test_routes_are_kept_where_a_place_of_them_lies_in_the_area():
    routes = _table(
        "routes",
        [
            {"route_id": "R1", "from": "Kabul", "to": "Jabal Saraj", "via": None},
            {"route_id": "R2", "from": "Bazarak", "to": "Rokha", "via": None},
            {"route_id": "R3", "from": "Nowhere", "to": "Elsewhere", "via": "Charikar; Salang"},
        ],
    )
    places = {"jabalsaraj": "AF0305", "charikar": "AF0301", "bazarak": "AF0801"}  # normalised
    kept = AreaSplit({"routes": routes}, places, afg_gazetteer())("AF03")["routes"].frame
    assert list(kept["route_id"]) == ["R1", "R3"]
    # Without a places table we cannot tell where a route runs: every route is kept.
    assert len(AreaSplit({"routes": routes}, None, afg_gazetteer())("AF03")["routes"].frame) == 3


def make_two_areas(workspace: Path) -> Path:
    """The sample with displacement in Parwan and Panjsher and one blockade in Panjsher."""
    (workspace / "inputs" / "displacement.csv").write_text(DISPLACEMENT, "utf-8")
    (workspace / "inputs" / "blockades.csv").write_text(BLOCKADES, "utf-8")
    (workspace / "inputs" / "routes.csv").write_text(ROUTES, "utf-8")
    (workspace / "inputs" / "idps.csv").write_text(IDPS, "utf-8")
    toml = workspace / "sitrep.toml"
    text = toml.read_text("utf-8")
    for table in ("displacement", "blockades", "routes", "idps"):
        text = text.replace(f'"inputs/sample-data.xlsx#{table}"', f'"inputs/{table}.csv"')
    text = text.replace('prices = "inputs/sample-data.xlsx#prices"\n', "")
    for table in ("indicators", "response"):  # the sample's, in Baghlan: another province
        text = text.replace(f'{table} = "inputs/sample-data.xlsx#{table}"\n', "")
    toml.write_text(text, "utf-8")
    return quicken(workspace)  # nor the needs, funding and map: faster, the same areas


@pytest.fixture
def two_areas(workspace: Path) -> Path:
    return make_two_areas(workspace)


@pytest.fixture(scope="module")
def areas_issued(tmp_path_factory) -> tuple[Path, BatchResult]:
    """The two areas' reports of 24 August issued once, for the tests that read them (do not
    change its workspace) or start from a copy of it."""
    workspace = make_two_areas(copy_workspace(tmp_path_factory.mktemp("areas") / "ws"))
    return workspace, build_each_area(BuildOptions(workspace), workers=1)


@pytest.mark.slow
def test_each_area_gets_its_own_report_numbered_like_the_days_report(areas_issued):
    two_areas, result = areas_issued  # the module's build, read only
    assert [r.name for r in result.reports] == ["Parwan", "Panjsher"]
    assert result.number == 10 and result.date == DAY and not result.reused
    parwan, panjsher = result.reports
    out = two_areas / "output"
    assert parwan.pdf == out / "2021-08-24/parwan/afg-northeast_sitrep_2021-08-24_no10_parwan.pdf"
    text = pdf_text(parwan.pdf)
    assert "Parwan (Province)" in text and "Situation Report No. 10" in text
    assert "105 people" in text  # 70, and 5 families x 7
    assert "AF0801" not in text and "AF0807" not in text  # no other area's rows
    assert "3,000" in pdf_text(panjsher.pdf)  # Panjsher's blockade
    assert sorted(e.area for e in load_area_record(out)) == ["AF03", "AF08"]
    assert load_record(out) == []  # the main series is not touched


@pytest.mark.slow
def test_unchanged_areas_are_reused_and_a_changed_one_needs_a_revision(areas_issued, tmp_path):
    issued, first = areas_issued
    two_areas = shutil.copytree(issued, tmp_path / "ws")  # its reports issued, as `first`
    again = build_each_area(BuildOptions(two_areas), workers=1)
    assert again.reused and all(r.reused for r in again.reports)
    assert [r.pdf.relative_to(two_areas) for r in again.reports] == [
        r.pdf.relative_to(issued) for r in first.reports
    ]

    csv = two_areas / "inputs" / "displacement.csv"
    csv.write_text(DISPLACEMENT.replace("10,70", "12,84"), "utf-8")  # a Parwan row
    with pytest.raises(ReportExistsError, match="Parwan"):
        build_each_area(BuildOptions(two_areas), workers=1)
    revised = build_each_area(BuildOptions(two_areas, revise=True), workers=1)
    parwan, panjsher = revised.reports
    assert (parwan.revision, parwan.reused) == (1, False)
    assert (panjsher.revision, panjsher.reused) == (0, True)  # its rows did not change
    assert panjsher.seconds_pdf == 0  # ... so it was not laid out again
    assert "84" in pdf_text(parwan.pdf)
    assert build_each_area(BuildOptions(two_areas), workers=1).reused


@pytest.mark.slow
def test_two_worker_processes_give_the_same_bytes_as_one(two_areas):
    one = build_each_area(BuildOptions(two_areas, draft=True), workers=1)
    data = [r.pdf.read_bytes() for r in one.reports]
    two = build_each_area(BuildOptions(two_areas, draft=True), workers=2)
    assert [r.pdf.read_bytes() for r in two.reports] == data
    assert "/draft/" in str(two.reports[0].pdf)
    assert not (two_areas / "output" / RECORD_NAME).exists()  # drafts are not issued


@pytest.mark.slow
def test_the_cli_builds_each_area_by_any_of_its_names(two_areas):
    def each(word: str, *more: str):
        run = ["-w", str(two_areas), "build", "--each", word, "--workers", "1", *more]
        result = CliRunner().invoke(main, run)
        assert result.exit_code == 0, result.output
        return result

    built = each("area")
    assert built.stdout.count(".pdf") == 2
    assert "Report No. 10 for 2021-08-24: 2 area reports, 2 built, 0 unchanged" in built.stderr
    for alias in ("admin1", "province"):  # the names of before: the same reports
        again = each(alias)
        assert again.stdout == built.stdout
        assert "2 area reports, 0 built, 2 unchanged since issued" in again.stderr
    one = each("area", "--date", "2021-08-20")  # Parwan alone has rows by then
    assert one.stdout.count(".pdf") == 1
    assert "Report No. 6 for 2021-08-20: 1 area report, 1 built, 0 unchanged" in one.stderr
    assert "--each [area|admin1|province]" in CliRunner().invoke(main, ["build", "--help"]).output


@pytest.mark.slow
def test_an_area_with_blockades_and_no_displacement_rows_gets_its_report(two_areas):
    # Bamyan (AF10): a blockade, and no displacement, price or IDP rows at all. Its tables are
    # empty, not left out: the figures give zero displaced people rather than failing.
    blockades = two_areas / "inputs" / "blockades.csv"
    extra = "B2,fuel,AF10,,Armed group,2021-08-22,,2500,ongoing,Test source\n"
    blockades.write_text(BLOCKADES + extra, "utf-8")
    result = build_each_area(BuildOptions(two_areas, draft=True), workers=1)
    assert [r.name for r in result.reports] == ["Parwan", "Panjsher", "Bamyan"]
    text = pdf_text(result.reports[-1].pdf)
    assert "Bamyan (Province)" in text and "2,500" in text
    assert "AF0301" not in text and "AF0801" not in text  # no other area's rows


@pytest.mark.slow
def test_an_area_with_only_a_route_or_idps_gets_its_report_too(two_areas):
    # Kabul (AF01): only a route's end (a place of the places table); Baghlan (AF09): only IDPs.
    (two_areas / "inputs" / "routes.csv").write_text(
        ROUTES + "R2,Kabul road,Kabul,Charikar,,open,none,2021-08-15,Test source\n", "utf-8"
    )
    (two_areas / "inputs" / "idps.csv").write_text(
        IDPS + "2021-06-30,AF0907,2300,13,Test source\n", "utf-8"
    )
    result = build_each_area(BuildOptions(two_areas, draft=True), workers=1)
    assert sorted(r.area for r in result.reports) == ["AF01", "AF03", "AF08", "AF09"]
    baghlan = pdf_text(next(r.pdf for r in result.reports if r.area == "AF09"))
    assert "Baghlan (Province)" in baghlan and "2,300" in baghlan
    # a route that starts after the day does not count
    (two_areas / "inputs" / "routes.csv").write_text(
        ROUTES + "R2,Kabul road,Kabul,Charikar,,open,none,2021-08-25,Test source\n", "utf-8"
    )
    options = BuildOptions(two_areas, date=DAY, draft=True, force=True)
    later = build_each_area(options, workers=1)
    assert "AF01" not in [r.area for r in later.reports]
