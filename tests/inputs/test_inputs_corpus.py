# ruff: noqa: E501 -- the corpus is a table: one case per line reads better than wrapped calls
"""A corpus of malformed inputs: each problem is located as the user would look for it.

Every case is a real file (CSV bytes in an encoding, .xlsx written with openpyxl, .ods written
with pandas/odfpy) and names the file, sheet, the row as the spreadsheet shows it, the column
header as written, and a fragment of the message.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from sitrep.inputs.load import load_table
from sitrep.settings.config import InputSource
from sitrep.validate.tables import validate_table
from tests.geo_helpers import afg_gazetteer

D = dt.date
DISP = "date,district,families,people,source"
BLOCK = "id,commodity,area,start_date,end_date,status,source"
ROUTES = "route_id,route,status,since,source"
PRICES = "date,market,commodity,unit,price,currency,source"
PARTNERS = "name,email,organisation,lists,active"


@dataclass
class Case:
    id: str
    table: str
    file: str  # the file name; its suffix says how it is written
    content: object  # CSV text, or rows of cells for a workbook
    row: int | None
    column: str | None
    message: str
    sheet: str | None = None
    encoding: str = "utf-8"
    merged: str | None = None  # an xlsx range to merge, e.g. "B3:B4"


def csv_case(id_, table, header, lines, row, column, message, **kw) -> Case:
    return Case(
        id_, table, f"{id_}.csv", "\n".join([header, *lines]) + "\n", row, column, message, **kw
    )


CASES = [
    csv_case("people-text", "displacement", DISP, ["2021-08-24,AF0907,,lots,KI"], 2, "people", "whole number"),
    csv_case("people-negative", "displacement", DISP, ["2021-08-24,AF0907,,-5,KI"], 2, "people", "negative"),
    csv_case("people-fraction", "displacement", DISP, ["2021-08-24,AF0907,,12.5,KI"], 2, "people", "whole number"),
    csv_case("families-fraction", "displacement", DISP, ["2021-08-24,AF0907,2.5,,KI"], 2, "families", "whole number"),
    csv_case("date-unreal", "displacement", DISP, ["31/02/2021,AF0907,,5,KI"], 2, "date", "not a real date"),
    csv_case("date-word", "displacement", DISP, ["2021-08-24,AF0907,,5,KI", "yesterday,AF0907,,5,KI"], 3, "date", "expected a date"),
    csv_case("date-two-digit-year", "displacement", DISP, ["24/08/21,AF0907,,5,KI"], 2, "date", "year in full"),
    csv_case("district-near-miss", "displacement", DISP, ["2021-08-24,Andrab,,5,KI"], 2, "district", "did you mean Andarab"),
    csv_case("district-unknown-pcode", "displacement", DISP, ["2021-08-24,AF9999,,5,KI"], 2, "district", "unknown P-code: not in OCHA Global P-Code List (AFG"),
    csv_case("source-blank", "displacement", DISP, ["2021-08-24,AF0907,,5,"], 2, "source", "a value is required"),
    csv_case("no-people-no-families", "displacement", DISP, ["2021-08-24,AF0907,n/a,-,KI"], 2, "people", "people or of families"),
    csv_case("title-and-blank-above-header", "displacement", DISP, ["2021-08-24,AF0907,,x,KI"], 4, "people", "whole number"),
    csv_case("header-as-written", "displacement", "Date,District,Families,People (individuals),Source", ["2021-08-24,Banu,,many,KI"], 2, "People (individuals)", "whole number"),
    csv_case("hxl-header-renamed", "displacement", "When,Where,Individuals displaced,Who says\n#date+occurred,#adm2+code,#affected+displaced+ind,#meta+source", ["2021-08-24,AF0907,lots,KI"], 3, "Individuals displaced", "whole number"),
    csv_case("hxl-only-header", "displacement", "#date+occurred,#adm2+code,#affected+displaced+ind,#meta+source", ["2021-08-24,AF0907,-3,KI"], 2, "#affected+displaced+ind", "negative"),
    csv_case("missing-required-column", "displacement", "date,district,people", ["2021-08-24,AF0907,5"], 1, "source", "required column missing"),
    csv_case("blockade-duplicate-id", "blockades", BLOCK, ["B1,food,AF0907,2021-08-21,,ongoing,S", "b1,fuel,AF0907,2021-08-21,,ongoing,S"], 3, "id", "already used in row 2"),
    csv_case("blockade-end-before-start", "blockades", BLOCK, ["B1,food,AF0907,2021-08-21,2021-08-19,lifted,S"], 2, "end_date", "before the start date"),
    csv_case("blockade-status-typo", "blockades", BLOCK, ["B1,food,AF0907,2021-08-21,2021-08-22,lifed,S"], 2, "status", "did you mean 'lifted'?"),
    csv_case("blockade-commodity", "blockades", BLOCK, ["B1,weapons,AF0907,2021-08-21,,ongoing,S"], 2, "commodity", "expected one of"),
    csv_case("blockade-lifted-no-end", "blockades", BLOCK, ["B1,Food ,AF0907,2021-08-21,,LIFTED,S"], 2, "end_date", "give the date it was lifted"),
    csv_case("route-status-unknown-word", "routes", ROUTES, ["R1,Salang,half open,2021-08-23,S"], 2, "status", "expected one of"),
    csv_case("route-duplicate-status-date", "routes", ROUTES, ["R1,Salang,open,2021-08-23,S", "R1,Salang,closed,23/08/2021,S"], 3, "since", "already has a status"),
    csv_case("route-since-missing-word", "routes", ROUTES, ["R1,Salang,closed,n/a,S"], 2, "since", "a value is required"),
    csv_case("price-two-readings", "prices", PRICES.replace(",", ";"), ["2021-08-24;Banu bazaar;food;kg;1.250;AFN;WFP"], 2, "price", "could be 1250", encoding="cp1252"),
    csv_case("partner-email", "partners", PARTNERS, ["Ana,ana(at)example.org,NGO,all,yes"], 2, "email", "email address"),
    csv_case("partner-active", "partners", PARTNERS, ["Ana,ana@example.org,NGO,all,maybe"], 2, "active", "yes or no"),
    csv_case("idps-negative-bom", "idps", "\ufeffdate,area,idps,source", ["2021-08-24,AF0907,-100,DTM"], 2, "idps", "negative", encoding="utf-8"),
    csv_case("cp1252-semicolon", "displacement", "date;district;origin;people;source", ["2021-08-24;AF0907;Pul-e-Khumri – centre;1 200;KI", "2021-08-24;AF0907;Kaboul é;1.5;KI"], 3, "people", "whole number", encoding="cp1252"),
    Case("xlsx-title-merged", "displacement", "title.xlsx", [["Displacement log"], [], list(DISP.split(",")), [D(2021, 8, 24), "AF0907", None, 10, "KI"], [D(2021, 8, 24), "AF0907", None, "1.200,5", "KI"]], 5, "people", "whole number", sheet="displacement", merged="A1:E1"),
    Case("xlsx-bool-as-date", "displacement", "bool.xlsx", [DISP.split(","), [True, "AF0907", None, 10, "KI"]], 2, "date", "expected a date", sheet="displacement"),
    Case("xlsx-blank-rows-kept-in-numbering", "displacement", "blank.xlsx", [DISP.split(","), [D(2021, 8, 24), "AF0907", None, 10, "KI"], [], [], ["24/08/2021", "Bano", None, 12.5, "KI"]], 5, "people", "whole number", sheet="displacement"),
    Case("xlsx-merged-district", "displacement", "merged.xlsx", [DISP.split(","), [D(2021, 8, 24), "Andrab", None, 10, "KI"], [D(2021, 8, 24), None, None, 20, "KI"]], 3, "district", "did you mean Andarab", sheet="displacement", merged="B2:B3"),
    Case("xlsx-serial-date-out-of-range", "displacement", "serial.xlsx", [DISP.split(","), [9999999, "AF0907", None, 10, "KI"]], 2, "date", "expected a date", sheet="displacement"),
    Case("ods-people-word", "displacement", "people.ods", [DISP.split(","), ["2021-08-24", "AF0907", "", "many", "KI"]], 2, "people", "whole number", sheet="displacement"),
    Case("ods-date-unreal", "displacement", "date.ods", [DISP.split(","), ["2021-02-30", "AF0907", "", "5", "KI"]], 2, "date", "not a real date", sheet="displacement"),
]  # fmt: skip


def write_case(case: Case, folder: Path) -> Path:
    path = folder / case.file
    if path.suffix == ".csv":
        path.write_bytes(str(case.content).encode(case.encoding))
    elif path.suffix == ".xlsx":
        write_xlsx(path, case.sheet or "Sheet1", case.content, case.merged)  # type: ignore[arg-type]
    else:
        rows = case.content  # type: ignore[assignment]
        frame = pd.DataFrame(rows[1:], columns=rows[0])  # type: ignore[index]
        frame.to_excel(path, sheet_name=case.sheet, index=False, engine="odf")
    return path


def write_xlsx(path: Path, sheet: str, rows: list[list], merged: str | None = None) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    if merged:
        ws.merge_cells(merged)
    workbook.save(path)


def problems_for(folder: Path, table: str, path: Path, sheet: str | None) -> list:
    raw, problems = load_table(table, InputSource(path, sheet), folder)
    if raw is not None:
        problems += validate_table(raw, afg_gazetteer())[1]
    return problems


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_problem_is_located(case: Case, tmp_path: Path) -> None:
    if case.id == "title-and-blank-above-header":
        case.content = "Displacement log, updated daily\n\n" + str(case.content)
    path = write_case(case, tmp_path)
    problems = problems_for(tmp_path, case.table, path, case.sheet)
    located = [
        p
        for p in problems
        if (p.file, p.sheet, p.row, p.column) == (case.file, case.sheet, case.row, case.column)
        and case.message in p.message
    ]
    assert located, "\n".join(map(str, problems)) or "no problems"
    text = str(located[0])
    assert case.file in text and (case.row is None or f"row {case.row}," in text + ",")
    assert f'column "{case.column}"' in text
    if case.sheet:
        assert f"sheet {case.sheet}" in text


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30


def test_merged_cell_fills_every_row_it_covers(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "xlsx-merged-district")
    problems = problems_for(tmp_path, case.table, write_case(case, tmp_path), case.sheet)
    assert sorted(p.row for p in problems if p.column == "district") == [2, 3]


def test_formula_cells_give_their_cached_values(tmp_path: Path) -> None:
    path = tmp_path / "formula.xlsx"
    write_xlsx(
        path, "displacement", [DISP.split(","), [D(2021, 8, 24), "AF0907", 10, "=C2*7", "KI"]]
    )
    # openpyxl writes no cached value; add the one Excel would have saved.
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # openpyxl writes the empty value as <v /> (or <v/>, <v></v> with lxml installed)
    members[sheet], saved = re.subn(
        rb"<f>C2\*7</f><v\s*(?:/>|></v>)", b"<f>C2*7</f><v>70</v>", members[sheet]
    )
    assert saved == 1
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw, problems = load_table("displacement", InputSource(path, "displacement"), tmp_path)
    table, problems = validate_table(raw, afg_gazetteer())
    assert problems == []
    assert table.frame["people"].tolist() == [70]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    lines = ["2021-08-24,Andrab,,x,KI", "yesterday,AF0907,,-1,", "2021-08-24,AF0907,,5,KI"]
    path = tmp_path / "many.csv"
    path.write_text("\n".join([DISP, *lines]) + "\n", encoding="utf-8")
    problems = problems_for(tmp_path, "displacement", path, None)
    located = sorted((p.row, p.column) for p in problems)
    assert located == [
        (2, "district"), (2, "people"), (3, "date"), (3, "people"), (3, "source")
    ]  # fmt: skip
