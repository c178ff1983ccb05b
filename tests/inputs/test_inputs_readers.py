"""Readers and limits: encodings, delimiters, workbooks, HXL, and the caps of `[limits]`."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from test_inputs_corpus import write_xlsx

from sitrep.inputs.load import Limits, load_table
from sitrep.settings.check import check_section
from sitrep.settings.config import InputSource
from sitrep.settings.schema import LIMITS
from sitrep.validate.tables import validate_table
from tests.geo_helpers import afg_gazetteer

ROWS = ["date,district,people,source", '24/08/2021,Banu,"1,200",KI', "2021-08-25,Panjshir, 350 ,KI"]


def typed(folder: Path, path: Path, sheet: str | None = None, limits: Limits | None = None):
    raw, problems = load_table("displacement", InputSource(path, sheet), folder, limits)
    assert raw is not None, problems
    table, more = validate_table(raw, afg_gazetteer())
    return table, problems + more


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-8", "\t"), ("cp1252", ",")],
)
def test_csv_encodings_and_delimiters(tmp_path: Path, encoding: str, delimiter: str) -> None:
    lines = [line.replace(",", delimiter) if delimiter != "," else line for line in ROWS]
    lines = [line.replace('"1' + delimiter + '200"', '"1,200"') for line in lines]
    path = tmp_path / "d.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    table, problems = typed(tmp_path, path)
    assert problems == []
    assert table.frame["people"].tolist() == [1200, 350]
    assert table.frame["district"].tolist() == ["AF0907", "AF08"]
    assert table.frame["_row"].tolist() == [2, 3]


def test_xlsx_and_ods_give_the_same_table(tmp_path: Path) -> None:
    rows = [["Date", "District", "People", "Source"], [dt.date(2021, 8, 24), "Banu", 1200, "KI"]]
    write_xlsx(tmp_path / "d.xlsx", "Displacement", rows)
    pd.DataFrame(rows[1:], columns=rows[0]).to_excel(
        tmp_path / "d.ods", sheet_name="displacement", index=False, engine="odf"
    )
    a, pa = typed(tmp_path, tmp_path / "d.xlsx", "displacement")  # sheet name: case ignored
    b, pb = typed(tmp_path, tmp_path / "d.ods", "displacement")
    assert pa == pb == []
    assert a.frame.to_dict("records") == b.frame.to_dict("records")
    assert a.frame["date"].tolist() == [dt.date(2021, 8, 24)]


def test_missing_words_and_blank_rows(tmp_path: Path) -> None:
    text = "date,district,families,people,cause,source\n,,,,,\n2021-08-24,AF0907,n/a,70,-,KI\n\n"
    path = tmp_path / "d.csv"
    path.write_text(text + "2021-08-24,AF0907,unknown,7,Unknown,KI\n", encoding="utf-8")
    table, problems = typed(tmp_path, path)
    assert problems == []
    assert table.frame["_row"].tolist() == [3, 5]
    assert table.frame["families"].tolist() == [None, None]
    assert table.frame["cause"].tolist() == [None, None]


def test_missing_sheet_names_the_sheets(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "d.xlsx", "data", [["date"]])
    raw, problems = load_table("displacement", InputSource(tmp_path / "d.xlsx", "disp"), tmp_path)
    assert raw is None
    assert "no sheet named 'disp' (the workbook has: data)" in problems[0].message
    assert problems[0].file == "d.xlsx" and problems[0].sheet == "disp"


def test_limits_rows_cells_size_and_sheets(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("\n".join([*ROWS, *ROWS[1:] * 5]) + "\n", encoding="utf-8")
    for limits, key in [
        (Limits(max_rows=5), "max_rows"),
        (Limits(max_cell_chars=3), "max_cell_chars"),
    ]:
        raw, problems = load_table("displacement", InputSource(path), tmp_path, limits)
        assert raw is None
        assert f"limits.{key}" in problems[0].message and f"[limits] {key}" in problems[0].message
        assert problems[0].file == "d.csv"
    big = tmp_path / "big.csv"
    big.write_bytes(b"date\n" + b"x" * (1024 * 1024 + 1))
    _, problems = load_table("displacement", InputSource(big), tmp_path, Limits(max_file_mb=1))
    assert "limits.max_file_mb" in problems[0].message
    from openpyxl import Workbook

    workbook = Workbook()
    for i in range(3):
        workbook.create_sheet(f"s{i}")
    workbook.save(tmp_path / "many.xlsx")
    source = InputSource(tmp_path / "many.xlsx", "s1")
    _, problems = load_table("displacement", source, tmp_path, Limits(max_sheets=2))
    assert "limits.max_sheets" in problems[0].message


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (30 * 1024 * 1024) + b">")
    raw, problems = load_table("displacement", InputSource(path), tmp_path)
    assert raw is None
    message = problems[0].message
    assert "xl/worksheets/sheet1.xml" in message and "limits.max_zip_ratio" in message
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_text("date,district\n", encoding="utf-8")
    _, problems = load_table("displacement", InputSource(renamed), tmp_path)
    assert "not a zip file" in problems[0].message


def test_limits_section_is_checked() -> None:
    values, problems = check_section(LIMITS, {"max_rows": 10})
    assert Limits(**values).max_rows == 10 and problems == []
    _, problems = check_section(LIMITS, {"max_rowz": 10, "max_sheets": 0})
    assert problems == [
        "limits.max_rowz: unknown key; did you mean `max_rows`?",
        "limits.max_sheets: 0 is not a whole number of 1 or more",
    ]
