"""Memory bombs: tiny workbooks whose grid would be enormous are refused before calamine reads.

Each bomb is written by hand (tests/bombs.py) and run through the real command line in a
subprocess under a 4 GiB address-space limit (`prlimit --as`) and a timeout: without the
measurement in `sitrep.inputs.extent`, the far cell aborts the process inside calamine (exit 134)
and
the others take gigabytes. With it: exit 1, a message naming the file and the `[limits]` key,
no traceback. Real LibreOffice-written .ods files (which end with ~1,048,000 empty repeated
rows) must still load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from sitrep.inputs.extent import measure
from sitrep.inputs.load import load_table
from sitrep.inputs.readers import find_sheet
from sitrep.settings.config import InputSource
from tests import bombs
from tests.bombs import run_bounded
from tests.conftest import ROOT

SOFFICE = shutil.which("soffice")

BOMBS = {
    "far-cell.xlsx": (bombs.far_cell_xlsx, "max_cells"),
    "shared-string.xlsx": (bombs.shared_string_xlsx, "max_text_mb"),
    "rows-repeated.ods": (lambda p: bombs.repeated_rows_ods(p, 1_000_000, 100), "max_cells"),
    "columns-repeated.ods": (bombs.repeated_columns_ods, "max_cells"),
    "long-text-repeated.ods": (
        lambda p: bombs.write_ods(p, bombs.ods_row(bombs.ods_cell("x" * 32_767, 16), 1000)),
        "max_text_mb",
    ),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_bomb_is_refused_with_a_message(workspace: Path, name: str, command: str) -> None:
    write, key = BOMBS[name]
    bomb = write(workspace / "inputs" / name)
    assert bomb.stat().st_size < 100_000  # a small file: the danger is what it expands to
    run = run_bounded(workspace, command, "--input", f"displacement={bomb}")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert f"inputs/{name}" in out and f"limits.{key}" in out and f"[limits] {key}" in out
    assert "Traceback" not in out and "Internal error" not in out


def test_the_dimension_counts_even_when_the_cells_are_few(tmp_path: Path) -> None:
    path = bombs.write_xlsx(
        tmp_path / "d.xlsx", bombs.inline_row(1, ["a", "b"]), dimension="A1:XFD1000000"
    )
    extent = measure(path, None, find_sheet)
    assert (extent.rows, extent.columns) == (1_000_000, 16_384)


def test_a_cell_beyond_a_small_dimension_counts(tmp_path: Path) -> None:
    cells = bombs.inline_row(1, ["a"]) + '<row r="7"><c t="n" s="1" r="AB7000"><v>1</v></c></row>'
    path = bombs.write_xlsx(tmp_path / "d.xlsx", cells, dimension="A1:A1")
    extent = measure(path, None, find_sheet)
    assert (extent.rows, extent.columns) == (7000, 28)


def test_cells_without_references_are_counted(tmp_path: Path) -> None:
    cells = '<row r="5">' + "<c><v>1</v></c>" * 300 + "</row>"
    extent = measure(bombs.write_xlsx(tmp_path / "d.xlsx", cells), None, find_sheet)
    assert extent.rows == 5 and extent.columns >= 300


def test_shared_strings_count_once_per_cell_that_uses_them(tmp_path: Path) -> None:
    path = bombs.shared_string_xlsx(tmp_path / "s.xlsx", cells=300, length=1000)
    extent = measure(path, None, find_sheet)
    assert 300 * 1000 <= extent.text_bytes < 300 * 1100


def test_empty_repeats_cost_nothing_and_content_after_them_counts(tmp_path: Path) -> None:
    tail = bombs.empty_tail_ods(tmp_path / "t.ods", [["a", "b"], ["1", "2"]])
    assert measure(tail, None, find_sheet).cells == 4
    gap = bombs.ods_row('<table:table-cell table:number-columns-repeated="1024"/>', 500)
    body = bombs.ods_row(bombs.ods_cell("a")) + gap + bombs.ods_row(bombs.ods_cell("z", 3))
    extent = measure(bombs.write_ods(tmp_path / "g.ods", body), None, find_sheet)
    assert (extent.rows, extent.columns) == (502, 3)


def test_a_small_limit_refuses_a_normal_sheet_naming_the_setting(tmp_path: Path) -> None:
    from sitrep.settings.limits import Limits

    rows = "".join(bombs.inline_row(r, ["date", "x", "y"]) for r in range(1, 11))
    path = bombs.write_xlsx(tmp_path / "d.xlsx", rows, sheet="data")
    raw, problems = load_table(
        "displacement", InputSource(path, "data"), tmp_path, Limits(max_cells=29)
    )
    assert raw is None and "limits.max_cells" in problems[0].message
    assert "10 rows x 3 columns" in problems[0].message


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is installed by `make test`")
def test_the_sample_saved_by_libreoffice_as_ods_still_loads(workspace: Path) -> None:
    import re
    import zipfile

    from python_calamine import CalamineWorkbook

    from sitrep.report import check_inputs

    inputs = workspace / "inputs"
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "ods", "--outdir", str(inputs),
         str(inputs / "sample-data.xlsx")],
        capture_output=True,
        check=True,
        timeout=300,
        env={**os.environ, "HOME": str(workspace.parent)},
    )  # fmt: skip
    ods = inputs / "sample-data.ods"
    repeats = re.findall(rb'number-rows-repeated="(\d+)"', zipfile.ZipFile(ods).read("content.xml"))
    assert max(map(int, repeats)) > 1_000_000  # LibreOffice's empty tail is there
    book = CalamineWorkbook.from_path(str(ods))
    for name in book.sheet_names:  # the measure agrees with what calamine builds
        sheet = book.get_sheet_by_name(name)
        extent = measure(ods, name, find_sheet)
        assert (extent.rows, extent.columns) == (sheet.total_height + 1, sheet.total_width + 1)
    from_xlsx = check_inputs(workspace)
    toml = workspace / "sitrep.toml"
    toml.write_text(toml.read_text().replace("sample-data.xlsx", "sample-data.ods"))
    from_ods = check_inputs(workspace)
    assert not [p for p in from_ods.problems if p.severity == "error"]
    for name, table in from_xlsx.tables.items():
        assert len(from_ods.tables[name].frame) == len(table.frame), name


def test_small_chunks_measure_the_same(tmp_path: Path, monkeypatch) -> None:
    """A reference split across the stream's pieces, or past what earlier pieces saw, counts."""
    from sitrep.inputs import extent

    sample = ROOT / "inputs" / "sample-data.xlsx"
    out_of_order = bombs.inline_row(1, ["a"]) + '<row r="900"><c r="B900"><v>1</v></c></row>'
    out_of_order += "".join(bombs.inline_row(r, ["x", "y"]) for r in range(2, 40))
    out_of_order += '<row r="41"><c r="A41"><v>1</v></c><c r="ZZ41"><v>2</v></c></row>'
    cases = [
        (sample, "displacement"),
        (sample, "About"),
        (bombs.far_cell_xlsx(tmp_path / "far.xlsx"), None),
        (bombs.shared_string_xlsx(tmp_path / "s.xlsx", cells=500, length=300), None),
        (bombs.write_xlsx(tmp_path / "o.xlsx", out_of_order), None),
        (bombs.repeated_rows_ods(tmp_path / "r.ods", 5000, 3), None),
    ]
    whole = [measure(path, sheet, find_sheet, text_cap=0) for path, sheet in cases]
    assert whole[4].rows == 900 and whole[4].columns == 702
    for size in (97, 1000):
        monkeypatch.setattr(extent, "CHUNK", size)
        extent._STRUCTURES.clear()
        pieces = [measure(path, sheet, find_sheet, text_cap=0) for path, sheet in cases]
        assert pieces == whole, size


def test_shared_cells_with_a_formula_or_shifted_indexes_still_count(tmp_path: Path) -> None:
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><f>"x"</f><v>1</v></c></row>' for r in range(1, 301)
    )
    path = bombs.write_xlsx(tmp_path / "f.xlsx", cells, shared=["", "y" * 1000])
    assert measure(path, None, find_sheet, text_cap=0).text_bytes >= 300 * 1000
    # An empty <si/> still takes an index: the long string is number 1, not 0.
    path = bombs.write_xlsx(tmp_path / "e.xlsx", cells, shared=[])
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["xl/sharedStrings.xml"] = members["xl/sharedStrings.xml"].replace(
        b"</sst>", b"<si/><si><t>" + b"z" * 1000 + b"</t></si></sst>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    assert measure(path, None, find_sheet, text_cap=0).text_bytes >= 300 * 1000
