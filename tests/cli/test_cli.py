"""The command line: error paths give a located message, a non-zero exit code, and no output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sitrep.cli import main
from tests.conftest import ROOT


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def set_cell(workbook: Path, sheet: str, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(workbook)
    book[sheet][cell] = value
    book.save(workbook)


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in main.commands:
        assert f"sitrep {name}" in readme, f"`sitrep {name}` is missing from README.md"


def test_a_folder_without_sitrep_toml_is_not_a_workspace(tmp_path: Path):
    code, _, err = run("--workspace", str(tmp_path), "build")
    assert code == 1
    assert "is not a sitrep workspace" in err and "sitrep init" in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_date_with_no_data_is_refused(workspace: Path):
    code, _, err = run("-w", str(workspace), "build", "--date", "2020-01-01")
    assert code == 1
    assert "no data on or before 2020-01-01: the inputs start on 2021-08-15" in err
    assert not (workspace / "output").exists()


def test_a_malformed_date_option_is_refused(workspace: Path):
    code, _, err = run("-w", str(workspace), "build", "--date", "24/08/2021")
    assert code == 64 and "is not a date like 2025-06-30" in err


@pytest.mark.slow
def test_a_broken_sheet_names_file_sheet_row_and_column_and_writes_nothing(workspace: Path):
    book = workspace / "inputs/sample-data.xlsx"
    set_cell(book, "displacement", "H5", "lots")  # people, 3rd data row
    set_cell(book, "blockades", "C4", "Andrab")  # area: a near miss
    code, _, err = run("-w", str(workspace), "build")
    assert code == 1
    assert ('inputs/sample-data.xlsx, sheet displacement, row 5, column "People": '
            "'lots': expected a whole number of people") in err  # fmt: skip
    assert (
        'sheet blockades, row 4, column "Area"' in err and "did you mean Andarab (AF0907)?" in err
    )
    assert re.search(r"^2 errors, \d+ warnings$", err, re.M)
    assert "Nothing was written" in err and "Traceback" not in err
    assert not (workspace / "output").exists()


@pytest.mark.slow
def test_a_missing_sheet_is_reported_with_the_sheets_there_are(workspace: Path):
    toml = workspace / "sitrep.toml"
    toml.write_text(toml.read_text().replace("#routes", "#roads"))
    code, _, err = run("-w", str(workspace), "build")
    assert code == 1
    assert "no sheet named 'roads'" in err and "displacement, blockades, routes" in err


def test_config_problems_are_all_reported_with_their_keys(workspace: Path):
    toml = workspace / "sitrep.toml"
    text = toml.read_text().replace("household_size = 7", 'household_size = "seven"')
    text = text.replace('cadence = "daily"', 'cadence = "hourly"') + "\n[colours]\n"
    toml.write_text(text)
    code, _, err = run("-w", str(workspace), "validate")
    assert code == 1
    for key in ("report.household_size", "report.cadence", "[colours]"):
        assert key in err


@pytest.mark.slow
def test_a_bad_setting_is_said_before_pandas_or_the_pdf_helper(workspace: Path):
    """A typo in sitrep.toml (or the wrong folder) is answered in a fraction of a second: the
    settings are read before the heavy libraries are imported and before the helper starts."""
    toml = workspace / "sitrep.toml"
    toml.write_text(
        re.sub(r"(?m)^household_size = .*$", 'household_size = "seven"', toml.read_text())
    )
    script = (
        "import multiprocessing, sys\n"
        "from sitrep.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        "heavy = [m for m in ('pandas', 'jinja2', 'weasyprint') if m in sys.modules]\n"
        "print(code, heavy, len(multiprocessing.active_children()))\n"
    )
    for command in ("build", "validate", "send"):
        done = subprocess.run(
            [sys.executable, "-c", script, "-w", str(workspace), command],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.stdout.split("\n")[0] == "1 [] 0", (command, done.stdout, done.stderr)
        assert "report.household_size: 'seven' is not a whole number" in done.stderr, command
        assert "Traceback" not in done.stderr


def test_validate_prints_a_summary_and_json(workspace: Path):
    code, out, _ = run("-w", str(workspace), "validate")
    assert code == 0 and out.strip().endswith("0 errors, 0 warnings")
    set_cell(workspace / "inputs/sample-data.xlsx", "routes", "F3", "half open")
    code, out, _ = run("-w", str(workspace), "validate", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["errors"] == 1
    (problem,) = report["problems"]
    assert problem["sheet"] == "routes" and problem["row"] == 3 and problem["column"] == "Status"
    assert problem["value"] == "half open"


def test_input_override_reads_a_csv(workspace: Path, tmp_path: Path):
    csv = tmp_path / "routes.csv"
    csv.write_text("route_id;route;status;since;source\nR9;Test road;closed;24/08/2021;me\n")
    code, out, _ = run("-w", str(workspace), "validate", "--input", f"routes={csv}")
    assert code == 0, out


@pytest.mark.slow
def test_build_prints_the_pdf_path_and_says_which_date(quick: Path):
    # quick: the command's words and path, not the tables it leaves out
    code, out, err = run("-w", str(quick), "build")
    assert code == 0
    assert Path(out.strip()).is_file()
    assert "Report No. 10 for 2021-08-24 (the latest date in the data)" in err


@pytest.mark.slow
def test_debug_shows_the_traceback(tmp_path: Path):
    args = [sys.executable, "-m", "sitrep", "-w", str(tmp_path)]
    plain = subprocess.run([*args, "build"], capture_output=True, text=True)
    debug = subprocess.run([*args[:3], "--debug", *args[3:], "build"], capture_output=True,
                           text=True)  # fmt: skip
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_a_dtm_download_is_noted_but_does_not_fail_strict_validation(workspace: Path):
    dtm = ROOT / "tests/fixtures/inputs/dtm-afg-idps.csv"
    code, out, _ = run("-w", str(workspace), "validate", "--strict", "--input", f"idps={dtm}")
    assert code == 0, out
    assert re.search(r"^0 errors, 0 warnings \(3 notes\)$", out, re.M)
    assert "note: " in out and "rows of other countries" in out
