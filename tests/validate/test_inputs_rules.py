"""Rules across rows and tables: future dates, jumps, household size, staleness, places."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitrep.inputs.load import load_table
from sitrep.settings.config import InputSource
from sitrep.validate.tables import freshness_warnings, validate_tables
from tests.geo_helpers import afg_gazetteer

DISP = "date,district,families,people,source"
ROUTES = "route_id,route,status,since,source"


def validate(folder: Path, files: dict[str, str], household: int = 7, **kw):
    raw = {}
    for name, text in files.items():
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        table, problems = load_table(name, InputSource(path), folder)
        assert table is not None, problems
        raw[name] = table
    return validate_tables(raw, afg_gazetteer(), household, **kw)


def test_a_date_after_today_is_an_error_a_later_row_than_the_report_is_not(
    tmp_path: Path,
) -> None:
    displacement = f"{DISP}\n2021-08-24,AF0907,,70,KI\n2021-09-24,AF0907,,70,KI\n"
    routes = f"{ROUTES}\nR1,Salang,closed,2021-08-23,S\n"
    files = {"displacement": displacement, "routes": routes}
    _, problems = validate(tmp_path, files, today=dt.date(2021, 9, 1))
    assert [(p.severity, p.table, p.row, p.column) for p in problems] == [
        ("error", "displacement", 3, "date")
    ]
    assert "date after today (2021-09-01): 23 days ahead" in str(problems[0])
    # run on a later day, the same row is only later than an old report: not a problem
    tables, problems = validate(tmp_path, files, today=dt.date(2021, 10, 1))
    assert problems == []
    # building the 24 August report: the 24 September row is simply not counted
    assert freshness_warnings(tables, dt.date(2021, 8, 24), 3) == []


def test_a_date_far_from_every_other_date_of_its_column_is_a_warning(tmp_path: Path) -> None:
    rows = "".join(f"2021-08-{d},AF0907,,70,KI\n" for d in (20, 22, 24))
    displacement = f"{DISP}\n{rows}2012-08-23,AF0907,,70,KI\n"
    _, problems = validate(tmp_path, {"displacement": displacement})
    assert [(p.severity, p.row, p.column, p.value) for p in problems] == [
        ("warning", 5, "date", "2012-08-23")
    ]
    # a DTM-like table with rounds years apart, each with neighbours, is not flagged
    years = "".join(f"20{y}-06-30,AF0907,,70,KI\n" for y in (13, 14, 22, 23))
    _, problems = validate(tmp_path, {"displacement": f"{DISP}\n{years}"})
    assert problems == []


def test_jump_and_household_warnings(tmp_path: Path) -> None:
    displacement = (
        f"{DISP}\n2021-08-23,AF0907,10,70,KI\n2021-08-24,AF0907,100,7000,KI\n"
        "2021-08-24,AF0901,10,500,KI\n"
    )
    _, problems = validate(tmp_path, {"displacement": displacement})
    found = sorted((p.severity, p.row, p.column, p.message.split(":")[0]) for p in problems)
    assert found == [
        ("warning", 3, "people", "far from 100 families x 7 = 700; check both figures"),
        ("warning", 3, "people", "suspicious jump"),
        ("warning", 4, "people", "far from 10 families x 7 = 70; check both figures"),
    ]


BLOCKADES = "id,commodity,area,start_date,end_date,status,verified,source"


def test_staleness_is_measured_on_the_date_last_confirmed(tmp_path: Path) -> None:
    routes = (
        f"{ROUTES},verified\nR1,Salang,closed,2021-08-18,S,2021-08-23\n"
        "R2,Panjshir,closed,2021-08-18,S,\n"
    )
    blockades = (
        f"{BLOCKADES}\nB1,food,AF0907,2021-08-01,,ongoing,2021-08-23,S\n"
        "B2,fuel,AF0907,2021-08-01,,ongoing,,S\n"
        "B3,food,AF0908,2021-08-01,2021-08-10,lifted,,S\n"
    )
    displacement = f"{DISP}\n2021-08-18,AF0907,,70,KI\n"
    tables, problems = validate(
        tmp_path, {"routes": routes, "blockades": blockades, "displacement": displacement}
    )
    assert problems == []
    found = freshness_warnings(tables, dt.date(2021, 8, 24), 3)
    assert sorted((p.table, p.row) for p in found) == [
        ("blockades", 3), ("displacement", None), ("routes", 3)
    ]  # fmt: skip
    (route,) = [p for p in found if p.table == "routes"]
    assert "stale: this route status was last confirmed on 2021-08-18, 6 days" in route.message
    (blockade,) = [p for p in found if p.table == "blockades"]
    assert "ongoing blockade was last confirmed on 2021-08-01" in blockade.message
    assert "newest row is dated 2021-08-18" in next(p for p in found if p.row is None).message


def test_a_blockade_or_route_verified_after_the_report_date_is_not_stale_for_it(
    tmp_path: Path,
) -> None:
    """The 20 August report rebuilt on the 24th: the blockade verified on the 23rd was in force
    on the 20th; "last confirmed on 1 August, put the date in 'verified'" would contradict the
    row. Nor is the later date counted as a confirmation of something else: the figures read no
    `verified` date, and on the 30th the same row is measured from the 23rd."""
    routes = f"{ROUTES},verified\nR1,Salang,closed,2021-08-01,S,2021-08-23\n"
    blockades = f"{BLOCKADES}\nB1,food,AF0907,2021-08-01,,ongoing,2021-08-23,S\n"
    tables, problems = validate(tmp_path, {"routes": routes, "blockades": blockades})
    assert problems == []
    assert freshness_warnings(tables, dt.date(2021, 8, 20), 3) == []
    # on the 30th, the same verification is a week old: stale, and dated the 23rd
    found = freshness_warnings(tables, dt.date(2021, 8, 30), 3)
    assert sorted((p.table, p.row) for p in found) == [("blockades", 2), ("routes", 2)]
    assert all("last confirmed on 2021-08-23, 7 days" in p.message for p in found)


def test_places_table_extends_the_gazetteer(tmp_path: Path) -> None:
    places = "name,pcode,lat,lon,aliases\nBanu bazaar,AF0907,35.6,69.3,Banu market;Bazar-e-Banu\n"
    displacement = f"{DISP}\n2021-08-24,Bazar-e-Banu,,70,KI\n2021-08-24,banu market,,70,KI\n"
    tables, problems = validate(tmp_path, {"places": places, "displacement": displacement})
    assert problems == []
    assert tables["displacement"].frame["district"].tolist() == ["AF0907", "AF0907"]


def test_a_validated_tables_records_are_its_rows_as_pandas_gives_them(tmp_path: Path) -> None:
    """`records`, which the figures and each area report read instead of `to_dict`, gives the
    same rows with the same types: the cells of a validated table are Python values."""
    from sitrep.validate.table import records

    displacement = f"{DISP}\n2021-08-24,AF0907,,70,KI\n2021-08-23,AF0908,12,,KI\n"
    routes = f"{ROUTES}\nR1,Salang,closed,2021-08-23,S\nR2,Khawak,open,2021-08-20,S\n"
    tables, problems = validate(tmp_path, {"displacement": displacement, "routes": routes})
    assert not [p for p in problems if p.severity == "error"]
    for table in tables.values():
        expected = table.frame.to_dict("records")
        assert records(table.frame) == expected and len(expected) == 2
        for mine, theirs in zip(records(table.frame), expected, strict=True):
            assert [type(v) for v in mine.values()] == [type(v) for v in theirs.values()]
