"""Rules across rows and tables: future dates, jumps, household size, staleness, places."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sitrep.config import InputSource
from sitrep.load import load_table
from sitrep.validate import freshness_warnings, validate_tables
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


def test_a_date_far_ahead_of_the_other_tables_is_an_error(tmp_path: Path) -> None:
    displacement = f"{DISP}\n2021-08-24,AF0907,,70,KI\n2021-09-24,AF0907,,70,KI\n"
    routes = f"{ROUTES}\nR1,Salang,closed,2021-08-23,S\n"
    _, problems = validate(tmp_path, {"displacement": displacement, "routes": routes})
    assert [(p.severity, p.table, p.row, p.column) for p in problems] == [
        ("error", "displacement", 3, "date")
    ]
    assert "32 days after the newest date of the other tables (2021-08-23, routes)" in str(
        problems[0]
    )


def test_a_table_a_few_days_ahead_is_fine_and_old_reports_exclude_later_rows(
    tmp_path: Path,
) -> None:
    displacement = f"{DISP}\n2021-08-24,AF0907,,70,KI\n2021-08-30,AF0907,,70,KI\n"
    routes = f"{ROUTES}\nR1,Salang,closed,2021-08-23,S\n"
    tables, problems = validate(tmp_path, {"displacement": displacement, "routes": routes})
    assert problems == []
    _, problems = validate(tmp_path, {"displacement": displacement, "routes": routes}, lead_days=3)
    assert [p.row for p in problems] == [3]
    # Building the 24 August report: the 30 August row is simply not counted; no problem.
    assert freshness_warnings(tables, dt.date(2021, 8, 24), 3) == []


def test_a_single_dated_table_is_not_checked_for_future_dates(tmp_path: Path) -> None:
    displacement = f"{DISP}\n2021-08-24,AF0907,,70,KI\n2031-08-24,AF0907,,70,KI\n"
    _, problems = validate(tmp_path, {"displacement": displacement})
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


def test_stale_table_warning(tmp_path: Path) -> None:
    routes = f"{ROUTES}\nR1,Salang,closed,2021-08-18,S\n"
    tables, _ = validate(tmp_path, {"routes": routes})
    (warning,) = freshness_warnings(tables, dt.date(2021, 8, 24), 3)
    assert "stale: the newest row is dated 2021-08-18, 6 days" in warning.message


def test_places_table_extends_the_gazetteer(tmp_path: Path) -> None:
    places = "name,pcode,lat,lon,aliases\nBanu bazaar,AF0907,35.6,69.3,Banu market;Bazar-e-Banu\n"
    displacement = f"{DISP}\n2021-08-24,Bazar-e-Banu,,70,KI\n2021-08-24,banu market,,70,KI\n"
    tables, problems = validate(tmp_path, {"places": places, "displacement": displacement})
    assert problems == []
    assert tables["displacement"].frame["district"].tolist() == ["AF0907", "AF0907"]
