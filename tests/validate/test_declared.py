"""The indicators table against sitrep.toml's declarations, located to the cell: an undeclared
key names its row and the declared keys; a wrong admin level, two units, two sources for one
area and date are errors; a breakdown over the value a warning; HAPI files of other countries
a note."""

from __future__ import annotations

from pathlib import Path

from sitrep.pipeline import check_inputs
from tests.general_workspace import DAY, INDICATOR_COLUMNS, make_sudan, write_csv

D = DAY


def _problems(tmp_path: Path, rows: list[dict], toml: str = "") -> list:
    ws = make_sudan(tmp_path)
    if toml:
        (ws / "sitrep.toml").write_text((ws / "sitrep.toml").read_text() + toml, "utf-8")
    write_csv(ws / "indicators.csv", [*INDICATOR_COLUMNS, "unit"], rows)
    checked = check_inputs(ws, DAY)
    return [p for p in checked.problems if p.table == "indicators"]


def row(indicator: str, area: str = "SD01001", value: int = 10, **more) -> dict:
    return {"indicator": indicator, "date": D, "area": area, "value": value,
            "source": "MoH", **more}  # fmt: skip


def test_an_undeclared_indicator_names_its_row_and_the_declared_keys(tmp_path: Path):
    (problem,) = _problems(tmp_path, [row("returnees"), row("retunees", "SD01003")])
    assert (problem.severity, problem.code, problem.row, problem.column) == (
        "error", "undeclared-indicator", 3, "indicator"
    )  # fmt: skip
    assert problem.value == "retunees"
    assert "declared: returnees, cholera_cases, people_in_sites" in problem.message


def test_a_declared_level_refuses_an_area_at_another_level(tmp_path: Path):
    toml = '\n[indicators.incidents]\nlabel = "incidents"\nkind = "flow"\nlevel = 1\n'
    rows = [row("incidents", "SD01"), row("incidents", "Bahri"), row("incidents", "Sudan")]
    problems = _problems(tmp_path, rows, toml)
    assert [(p.code, p.row, p.value) for p in problems] == [
        ("area-level", 3, "SD01003"),
        ("area-level", 4, "SDN"),
    ]
    assert "Bahri (SD01003) is an admin-2 area" in problems[0].message
    assert "indicators.incidents.level" in problems[0].message
    assert "is the country" in problems[1].message


def test_two_units_and_two_sources_are_errors_and_a_breakdown_over_the_value_a_warning(
    tmp_path: Path,
):
    rows = [
        row("cholera_cases", unit="cases"),
        row("cholera_cases", "SD01003", unit="deaths"),
        row("cholera_cases", "SD01003", source="WHO"),
        row("people_in_sites", value=100, women=50, men=30, girls=20, boys=10),
    ]
    problems = _problems(tmp_path, rows)
    found = {(p.code, p.row, p.column, p.severity) for p in problems}
    assert found == {
        ("indicator-unit", 3, "unit", "error"),
        ("two-sources", 4, "source", "error"),
        ("breakdown-total", 5, "value", "warning"),
    }
    two = next(p for p in problems if p.code == "two-sources")
    assert "'MoH' in row 3 and by 'WHO' here" in two.message


def test_the_country_itself_is_an_area_and_a_key_in_another_case_is_the_key(tmp_path: Path):
    rows = [row("Returnees", "Sudan"), row("CHOLERA_CASES", "SDN"), row("returnees", "sdn")]
    assert _problems(tmp_path, rows) == []
