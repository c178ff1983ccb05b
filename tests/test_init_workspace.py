"""`sitrep init`: a workspace that opens cleanly, fills by script, validates and builds."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sitrep.cli import main
from sitrep.config import DEFAULT_TEMPLATES, load_config
from sitrep.report import BuildOptions, build_report
from sitrep.schema import SCHEMAS

D = dt.date
ROWS = {
    "displacement": [
        {"date": D(2021, 8, 23), "district": "Andarab", "families": 10, "people": 70,
         "source": "KI"},
        {"date": "24/08/2021", "district": "AF0907", "families": None, "people": "1,400",
         "source": "KI"},
    ],
    "blockades": [
        {"id": "B1", "commodity": "Food", "area": "Andarab", "start_date": D(2021, 8, 21),
         "people_affected": 65000, "status": "ongoing", "source": "News"},
    ],
    "routes": [
        {"route_id": "R1", "route": "Salang highway", "status": "Closed",
         "constraint": "closure by armed group", "since": D(2021, 8, 23), "source": "News"},
    ],
    "prices": [
        {"date": D(2021, 8, 24), "market": "Banu bazaar", "area": "AF0907", "commodity": "food",
         "item": "wheat flour", "unit": "kg", "price": "45.50", "currency": "AFN", "source": "WFP"},
    ],
    "places": [
        {"name": "Banu bazaar", "pcode": "AF0907", "lat": 35.6, "lon": 69.3,
         "aliases": "Banu market"},
    ],
}  # fmt: skip


@pytest.fixture
def new_workspace(tmp_path: Path) -> Path:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws")])
    assert result.exit_code == 0, result.output
    return tmp_path / "ws"


def fill(workbook_path: Path, tables: tuple[str, ...] = tuple(ROWS)) -> None:
    """Type the rows into the blank workbook, as an IMO would (by header, under the tags)."""
    workbook = load_workbook(workbook_path)
    for name in tables:
        rows = ROWS[name]
        sheet = workbook[name]
        headers = [c.name for c in SCHEMAS[name].columns]
        for record in rows:
            sheet.append([record.get(h) for h in headers])
    workbook.save(workbook_path)


def test_init_creates_a_complete_workspace(new_workspace: Path) -> None:
    assert (new_workspace / "inputs/narrative/EXAMPLE.md").is_file()
    copied = sorted(p.relative_to(new_workspace / "templates") for p in
                    (new_workspace / "templates").rglob("*"))  # fmt: skip
    assert copied == sorted(p.relative_to(DEFAULT_TEMPLATES) for p in DEFAULT_TEMPLATES.rglob("*"))
    config = load_config(new_workspace)
    assert set(config.inputs) == set(SCHEMAS)
    workbook = load_workbook(new_workspace / "inputs/data.xlsx")
    assert workbook.sheetnames == [*SCHEMAS, "About"]
    sheet = workbook["blockades"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]][:3] == ["#event+code", "#item+name", "#adm2+code"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "food" in lists["B3"] and "ongoing" in lists["I3"]
    assert sheet["F3"].number_format == "yyyy-mm-dd"
    about = [row[1] for row in workbook["About"].iter_rows(values_only=True)]
    assert sum(1 for s in SCHEMAS.values() for _ in s.columns) <= len(about)
    result = CliRunner().invoke(main, ["init", str(new_workspace)])
    assert result.exit_code == 1 and "already a sitrep workspace" in result.output


def test_blank_workspace_validates_clean(new_workspace: Path) -> None:
    result = CliRunner().invoke(main, ["-w", str(new_workspace), "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings")


def test_filled_workbook_validates_and_builds(new_workspace: Path) -> None:
    fill(new_workspace / "inputs/data.xlsx")
    result = CliRunner().invoke(main, ["-w", str(new_workspace), "validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"errors": 0' in result.output
    built = build_report(BuildOptions(new_workspace))
    assert built.date == D(2021, 8, 24)
    assert built.pdf.is_file() and built.pdf.read_bytes().startswith(b"%PDF")


def test_workspace_with_an_empty_prices_sheet_builds(new_workspace: Path) -> None:
    fill(new_workspace / "inputs/data.xlsx", ("displacement", "blockades", "routes"))
    assert build_report(BuildOptions(new_workspace)).pdf.is_file()


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_blank_workbook_opens_in_libreoffice(new_workspace: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "lo"),
         str(new_workspace / "inputs/data.xlsx")],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert b"Error" not in out.stderr
    first_sheet = (tmp_path / "lo/data.csv").read_text(encoding="utf-8").splitlines()
    assert first_sheet[0].startswith("Id,Date,District")
    assert first_sheet[1].startswith("#event+id,#date+occurred,#adm2+code")
