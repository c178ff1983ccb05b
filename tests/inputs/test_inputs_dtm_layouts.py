"""IOM DTM exports in every layout they have come in, alone or several levels together.

The files are shaped like the real ones: the 2024 HDX pipeline's `global-iom-dtm-from-api-
admin0/1/2.csv` (an HXL row, a byte-order mark or not, no adminLevel and no displacementReason),
and the DTM API's own `idpAdmin2` records (API v3, as JSON and as `dtmapi` saves them as CSV).
Each stock is checked against plain pandas: the operation's latest round on or before the day,
its finest admin level once, the reasons summed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest

from sitrep.cli.options import parse_inputs
from sitrep.errors import InputError
from sitrep.figures.compute import compute_figures
from sitrep.figures.stocks import idp_stocks
from sitrep.inputs.cod import base_gazetteer
from sitrep.inputs.readers import read_grid
from sitrep.pipeline import check_inputs
from sitrep.render.attachments import table_file
from sitrep.settings.config import InputSource, load_config
from sitrep.settings.limits import Limits
from tests.geo_downloads import (
    HAITI_ROWS,
    write_dtm,
    write_dtm_api,
    write_dtm_level,
    write_workspace,
)

DAY = dt.date(2025, 7, 1)
COLUMNS = ["op", "c0", "iso3", "n1", "p1", "n2", "p2", "level", "idps", "date", "round", "reason"]


def pandas_stocks(levels: set[int], day: dt.date = DAY) -> dict[str, tuple[dict, bool]]:
    """Operation -> ({area: IDPs}, at least), computed from the rows with pandas alone."""
    raw = pd.DataFrame(HAITI_ROWS, columns=COLUMNS)
    raw = raw[(raw["iso3"] == "HTI") & raw["level"].isin(levels) & (raw["level"] > 0)]
    raw = raw[pd.to_datetime(raw["date"]).dt.date <= day]
    raw["area"] = raw["p2"].where(raw["level"] == 2, raw["p1"])
    raw["n"] = pd.to_numeric(raw["idps"], errors="coerce")
    out = {}
    for op, rows in raw.groupby("op"):
        latest = rows[rows["date"] == rows["date"].max()]
        finest = latest[latest["level"] == latest["level"].max()]
        by_area = finest.groupby("area")["n"].sum(min_count=1).dropna().astype(int)
        out[op] = (by_area.to_dict(), bool(finest["n"].isna().any()))
    return out


def stocks(workspace: Path, source: InputSource):
    checked = check_inputs(workspace, None, {"idps": source})
    errors = [p for p in checked.problems if p.severity == "error"]
    assert errors == [], errors
    config = load_config(workspace)
    found, _ = idp_stocks(checked.tables["idps"], base_gazetteer(config), DAY)
    got = {s.operation: ({a.pcode: a.idps for a in s.areas if a.idps}, s.at_least) for s in found}
    return got, checked


@pytest.fixture
def haiti(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws", "Haiti", "fr")


def level_files(folder: Path) -> list[Path]:
    return [
        write_dtm_level(folder / f"global-iom-dtm-from-api-admin{n}.csv", HAITI_ROWS, n, n != 2)
        for n in (0, 1, 2)
    ]


def test_the_2024_hdx_file_of_one_level_reads_alone(haiti: Path, tmp_path: Path) -> None:
    admin1 = level_files(tmp_path)[1]
    got, checked = stocks(haiti, InputSource(admin1))
    want = pandas_stocks({1})
    assert got == {op: (areas, False) for op, (areas, _) in want.items()}
    assert checked.tables["idps"].headers["idps"] == "numPresentIdpInd"


def test_the_2024_hdx_files_of_every_level_read_together(haiti: Path, tmp_path: Path) -> None:
    files = level_files(tmp_path)
    source = InputSource.parse([str(f) for f in files], tmp_path)
    got, checked = stocks(haiti, source)
    want = pandas_stocks({0, 1, 2})
    assert got == {op: (areas, False) for op, (areas, _) in want.items()}
    # the same figures as the mixed file HDX publishes now, whose reasons sitrep sums
    mixed, _ = stocks(haiti, InputSource(write_dtm(tmp_path / "mixed.csv", HAITI_ROWS)))
    assert {op: areas for op, (areas, _) in mixed.items()} == {
        op: areas for op, (areas, _) in got.items()
    }
    notes = " ".join(p.message for p in checked.problems if p.severity == "note")
    assert "not used, so no one is counted twice" in notes
    # each row keeps its file: provenance names each file, with its own rows
    table = checked.tables["idps"]
    assert {Path(f).name for f in table.frame["_file"]} == {f.name for f in files[1:]}
    assert [Path(f).name for f in table.file.split("; ")] == [f.name for f in files]
    config = load_config(haiti)
    fig = compute_figures(checked.tables, config, base_gazetteer(config), DAY)
    uses = [s for s in fig.sources if s.table == "idps"]
    # Countrywide monitoring's round 10 by commune, the earthquake's round 30 by department
    assert {Path(s.file).name for s in uses} == {f.name for f in files[1:]}
    counted = {a.pcode for s in [fig.idps, *fig.idps_other] for a in s.areas}
    for use in uses:  # each row number is a row of its own file, holding an area counted
        path = next(f for f in files if f.name == Path(use.file).name)
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        area = 7 if path == files[2] else 5  # admin2Pcode, admin1Pcode
        assert all(lines[n - 1].split(",")[area] in counted for n in use.row_numbers)


def test_the_dtm_api_export_reads_as_csv_and_as_json(haiti: Path, tmp_path: Path) -> None:
    want = pandas_stocks({2})
    for name in ("idpAdmin2.csv", "idpAdmin2.json"):
        got, _ = stocks(haiti, InputSource(write_dtm_api(tmp_path / name, HAITI_ROWS, 2)))
        assert got == want, name
    # Petion-Ville's natural disaster figure of round 10 is "Not available": at least
    assert want["Countrywide monitoring"][1] is True


def test_an_api_export_and_a_level_file_read_together(haiti: Path, tmp_path: Path) -> None:
    admin1 = level_files(tmp_path)[1]
    admin2 = write_dtm_api(tmp_path / "idpAdmin2.json", HAITI_ROWS, 2)
    got, _ = stocks(haiti, InputSource.parse([str(admin1), str(admin2)], tmp_path))
    assert got == pandas_stocks({1, 2})


def test_a_dtm_file_without_its_figures_says_it_is_a_dtm_export(
    haiti: Path, tmp_path: Path
) -> None:
    path = level_files(tmp_path)[2]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cut = [",".join(c for c in line.split(",") if c not in ("numPresentIdpInd", "#affected+idps"))
           for line in lines[:2]]  # fmt: skip
    path.write_text("\n".join(cut + lines[2:]) + "\n", encoding="utf-8")
    checked = check_inputs(haiti, None, {"idps": InputSource(path)})
    (error,) = [p for p in checked.problems if p.severity == "error"]
    assert error.code == "dtm-unusable" and error.file.endswith("admin2.csv")
    assert "looks like an IOM DTM export" in error.message
    assert "numPresentIdpInd (#affected+idps)" in error.message


def test_a_national_file_alone_says_it_has_no_areas(haiti: Path, tmp_path: Path) -> None:
    admin0 = level_files(tmp_path)[0]
    checked = check_inputs(haiti, None, {"idps": InputSource(admin0)})
    (error,) = [p for p in checked.problems if p.severity == "error"]
    assert "admin1Pcode" in error.message and "national file" in error.message


def test_a_bad_figure_in_the_second_file_names_that_file(haiti: Path, tmp_path: Path) -> None:
    admin1, admin2 = level_files(tmp_path)[1:]
    text = admin2.read_text(encoding="utf-8").replace(",HT0111,", ",HT9999,", 1)
    admin2.write_text(text, encoding="utf-8")
    checked = check_inputs(
        haiti, None, {"idps": InputSource.parse([str(admin1), str(admin2)], tmp_path)}
    )
    errors = [p for p in checked.problems if p.severity == "error"]
    assert errors and all(p.file.endswith(admin2.name) for p in errors)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if ",HT9999," in t)
    assert errors[0].row == line and errors[0].value == "HT9999"


def test_several_files_are_given_by_repeating_input_or_as_a_list(
    haiti: Path, tmp_path: Path
) -> None:
    inputs = parse_inputs(None, None, ("idps=a.csv", "idps=b.csv#x", "prices=p.csv"))  # type: ignore[arg-type]
    assert [(p.path.name, p.sheet) for p in inputs["idps"].parts] == [
        ("a.csv", None),
        ("b.csv", "x"),
    ]
    assert inputs["prices"].more == ()
    toml = haiti / "sitrep.toml"
    toml.write_text(toml.read_text() + 'idps = ["dtm/admin1.csv", "dtm/admin2.csv"]\n')
    config = load_config(haiti)
    assert [p.path for p in config.inputs["idps"].parts] == [
        haiti / "dtm/admin1.csv",
        haiti / "dtm/admin2.csv",
    ]


def test_several_files_for_another_table_are_refused(haiti: Path, tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("date,market,commodity,unit,price,currency,source\n", encoding="utf-8")
    source = InputSource.parse([str(first), str(first)], tmp_path)
    checked = check_inputs(haiti, None, {"prices": source})
    errors = [p for p in checked.problems if p.severity == "error"]
    assert errors and "only as the idps table" in errors[0].message


def test_the_attached_rows_of_several_files_are_those_counted(haiti: Path, tmp_path: Path) -> None:
    files = level_files(tmp_path)
    _, checked = stocks(haiti, InputSource.parse([str(f) for f in files], tmp_path))
    config = load_config(haiti)
    fig = compute_figures(checked.tables, config, base_gazetteer(config), DAY)
    pairs = {(s.file, n) for s in fig.sources if s.table == "idps" for n in s.row_numbers}
    attached = table_file("idps", checked.tables["idps"].frame, pairs, "IDPs")
    rows = list(csv.DictReader(io.StringIO(attached.data.decode("utf-8-sig"))))
    counted = [a for s in [fig.idps, *fig.idps_other] for a in s.areas]
    assert len(rows) == len(pairs) == len(counted)  # no row of the other file by its number
    assert {(Path(r["file"]).name, r["area"]) for r in rows} == {
        ("global-iom-dtm-from-api-admin2.csv" if len(a.pcode) == 6 else
         "global-iom-dtm-from-api-admin1.csv", a.pcode) for a in counted
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),  # nested too deep: an error, no crash
        ('{"result": 3}', "a list of records"),
        ("[1, 2]", "a list of records"),
        ("{not json", "not valid JSON"),
    ],
)
def test_a_json_file_that_is_no_list_of_records_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "idps.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as raised:
        read_grid(InputSource(path), Limits())
    from sitrep.problems import Message  # a catalogue entry: said in the workspace's language

    assert isinstance(raised.value.args[0], Message)


def test_a_json_file_s_records_are_bounded_before_its_grid_is_built(tmp_path: Path) -> None:
    path = write_dtm_api(tmp_path / "idpAdmin2.json", HAITI_ROWS, 2)
    with pytest.raises(InputError, match="max_rows"):
        read_grid(InputSource(path), Limits(max_rows=3))
