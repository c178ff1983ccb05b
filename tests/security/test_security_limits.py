"""Bounded resources, end to end: each exceeded `[limits]` cap is a clear error, not a crash.

The caps live in sitrep.toml (`sitrep.inputs.limits`); these tests set a small cap in a copy of the
sample workspace, feed a file over it, and check that validation stops with a message naming
the file and the `limits.<key>` to raise, and that the command line says so without a
traceback. Nothing here runs WeasyPrint.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sitrep.pipeline import check_inputs

MB = 1024 * 1024


def set_limits(workspace: Path, **limits: int) -> None:
    lines = "".join(f"{key} = {value}\n" for key, value in limits.items())
    with (workspace / "sitrep.toml").open("a", encoding="utf-8") as toml:
        toml.write(f"\n[limits]\n{lines}")


def limit_errors(workspace: Path, key: str) -> list[str]:
    problems = check_inputs(workspace).problems
    return [str(p) for p in problems if p.severity == "error" and f"limits.{key}" in p.message]


def test_too_many_rows(workspace):
    set_limits(workspace, max_rows=10)  # the sample's displacement sheet has 17 rows
    errors = limit_errors(workspace, "max_rows")
    assert errors and "sample-data.xlsx" in errors[0]


def test_one_row_over_the_cap_is_refused(workspace):
    set_limits(workspace, max_rows=16)  # displacement: 17 rows, header and hashtags included
    errors = limit_errors(workspace, "max_rows")
    assert any("sheet displacement" in e for e in errors)


def test_too_many_sheets(workspace):
    set_limits(workspace, max_sheets=3)  # the sample workbook has 9
    assert limit_errors(workspace, "max_sheets")


def test_a_cell_too_long(workspace):
    import openpyxl

    book_path = workspace / "inputs" / "sample-data.xlsx"
    book = openpyxl.load_workbook(book_path)
    book["blockades"]["D3"] = "A" * 500
    book.save(book_path)
    set_limits(workspace, max_cell_chars=200)
    errors = limit_errors(workspace, "max_cell_chars")
    assert errors and "blockades" in errors[0]


def test_a_file_too_large(workspace):
    csv_path = workspace / "inputs" / "contacts.csv"
    row = "Name,Title,Org,imo@example.org,+93 700 000 001\n"
    csv_path.write_text("name,title,organisation,email,phone\n" + row * (MB // len(row) + 10))
    toml = workspace / "sitrep.toml"
    toml.write_text(
        toml.read_text().replace(
            'contacts = "inputs/sample-data.xlsx#contacts"', 'contacts = "inputs/contacts.csv"'
        )
    )
    set_limits(workspace, max_file_mb=1)
    errors = limit_errors(workspace, "max_file_mb")
    assert errors and "contacts.csv" in errors[0]


def add_zip_bomb(workbook: Path, megabytes: int = 24) -> None:
    """A member that unpacks ~1000 times larger than it is stored (zeros deflate very well)."""
    with zipfile.ZipFile(workbook, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * (megabytes * MB))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(workspace):
    add_zip_bomb(workspace / "inputs" / "sample-data.xlsx")
    errors = limit_errors(workspace, "max_zip_ratio")
    assert errors and "zip bomb" in errors[0]


def test_a_zip_bomb_bigger_than_the_total_cap(workspace):
    add_zip_bomb(workspace / "inputs" / "sample-data.xlsx", megabytes=24)
    set_limits(workspace, max_unzipped_mb=16, max_zip_ratio=100_000)
    assert limit_errors(workspace, "max_unzipped_mb")


def test_a_file_that_is_not_a_workbook_is_a_clear_error(workspace):
    (workspace / "inputs" / "sample-data.xlsx").write_bytes(b"<html>not a workbook</html>")
    problems = check_inputs(workspace).problems
    assert any("not a valid .xlsx workbook" in p.message for p in problems)


@pytest.mark.parametrize("limits", [{"max_rows": 0}, {"max_rows": "many"}, {"unknown": 1}])
def test_a_bad_limit_is_a_config_error(workspace, limits):
    from sitrep.errors import ConfigError

    set_limits(workspace, **{k: v if isinstance(v, int) else f'"{v}"' for k, v in limits.items()})
    with pytest.raises(ConfigError) as info:
        check_inputs(workspace)
    assert "limits." in str(info.value)


@pytest.mark.slow
def test_the_command_line_reports_an_exceeded_limit_without_a_traceback(workspace):
    add_zip_bomb(workspace / "inputs" / "sample-data.xlsx")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    run = subprocess.run(
        [sys.executable, "-m", "sitrep", "-w", str(workspace), "validate"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 1
    assert "limits.max_zip_ratio" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr
