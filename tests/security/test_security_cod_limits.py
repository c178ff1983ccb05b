"""The COD file (`[geography] pcodes`) and every workbook sheet: limits before any parsing.

Issue 28: listing the COD workbook's sheets opened it with calamine, which builds every sheet of
an .ods and loads the whole string table of an .xlsx when it opens a file, before the zip,
extent and cell limits ran. An 804-byte .ods aborted `validate` (SIGABRT at 3.8 GB); a 1.1 MB
.xlsx of ten million shared strings (343:1) took 640 MB before it was refused; a sheet of a
billion cells met calamine's own cap, which surfaced as exit 2. The same hole let a bomb sheet
beside the sheet a table is read from abort the process.

Each bomb is written by tests/bombs.py and given to the real command line under a 512 MiB
address-space limit (sitrep refuses them in about 250 MiB; before, they needed gigabytes or
aborted): exit 1, a message naming the file (and the setting or sheet) and what to do, no
traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import bombs
from tests.bombs import run_bounded
from tests.security.test_security_limits import set_limits

LOW = 512 * 1024**2


def use_cod(workspace: Path, name: str) -> None:
    """Point the sample workspace's `[geography] pcodes` at inputs/NAME."""
    toml = workspace / "sitrep.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[geography]\n", f'[geography]\npcodes = "inputs/{name}"\n', 1))


def billion_cells_ods(path: Path) -> Path:
    """A header, then 100,000 rows of 16,384 number cells: 1.6e9 cells, no text."""
    rows = bombs.ods_row(bombs.ods_cell("ADM1_PCODE"))
    return bombs.write_ods(path, rows + bombs.ods_row(bombs.ods_number_cell(16_384), 100_000))


def empty_strings_xlsx(path: Path, count: int) -> Path:
    header = bombs.inline_row(1, ["date", "people"])
    """`count` empty strings, five bytes each, deflated at level 1 (187:1)."""
    return bombs.write_xlsx(
        path, header, shared=[""], shared_repeat=count, string_xml="<si/>", level=1
    )


COD_BOMBS = {
    # 99.9 million cells in 804 bytes: calamine allocated them and aborted the process
    "repeated.ods": (lambda p: bombs.repeated_columns_ods(p, 16_384, 6_100), "max_cells"),
    # a sheet claiming 1.6e9 cells: calamine's own cap (exit 2)
    "billion.ods": (lambda p: bombs.repeated_columns_ods(p, 16_384, 100_000), "max_cells"),
    # ten million shared strings, 380 MB of XML stored in 1.1 MB (343:1)
    "strings.xlsx": (
        lambda p: bombs.write_xlsx(
            p, bombs.inline_row(1, ["ADM1_PCODE"]), shared=["x"], shared_repeat=10_000_000
        ),
        "max_zip_ratio",
    ),
    # empty strings in five bytes each (`<si/>`), deflated at level 1 (187:1, under the zip
    # ratio cap): calamine loads the whole table, whichever sheet is read. 225 MB, 45 million:
    "empty-strings.xlsx": (lambda p: empty_strings_xlsx(p, 45_000_000), "max_text_mb"),
    # 150 MB, under max_text_mb, but 30 million strings: more than max_cells
    "many-strings.xlsx": (lambda p: empty_strings_xlsx(p, 30_000_000), "max_cells"),
    # a thousand sheets of 50,000 cells each: calamine built all of them to list their names
    "sheets.ods": (
        lambda p: bombs.write_ods_tables(
            p, {f"adm{i}": bombs.ods_row(bombs.ods_cell("x", 50), 1000) for i in range(1000)}
        ),
        "max_sheets",
    ),
}


@pytest.fixture(scope="module")
def cod_bombs(tmp_path_factory) -> dict[str, Path]:
    """Each bomb written once for the module (the string table takes a second to write)."""
    folder = tmp_path_factory.mktemp("cod-bombs")
    return {name: write(folder / name) for name, (write, _) in COD_BOMBS.items()}


@pytest.mark.parametrize("name", sorted(COD_BOMBS))
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_cod_bomb_is_refused_before_it_is_parsed(
    workspace: Path, cod_bombs: dict[str, Path], name: str, command: str
) -> None:
    bomb = workspace / "inputs" / name
    bomb.write_bytes(cod_bombs[name].read_bytes())
    assert bomb.stat().st_size < 2_000_000  # small: the danger is what it expands to
    use_cod(workspace, name)
    run = run_bounded(workspace, command, address_space=LOW)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    key = COD_BOMBS[name][1]
    assert f"geography.pcodes: inputs/{name}: " in out
    assert f"limits.{key}" in out and f"[limits] {key}" in out
    assert "Traceback" not in out and "Internal error" not in out


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_bomb_sheet_beside_the_sheet_read_is_refused(workspace: Path, command: str) -> None:
    """calamine builds every sheet of an .ods when it opens it: each is measured first."""
    good = bombs.ods_row(bombs.ods_cell("date") + bombs.ods_cell("people"))
    bomb = bombs.ods_row(bombs.ods_cell("x", 16_384), 6_100)
    path = bombs.write_ods_tables(workspace / "inputs" / "two.ods", {"data": good, "old": bomb})
    run = run_bounded(workspace, command, "--input", f"displacement={path}#data", address_space=LOW)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "inputs/two.ods, sheet data" in out and "sheet old spans 6,100 rows" in out
    assert "limits.max_cells" in out and "Traceback" not in out


GOOD = bombs.ods_row(bombs.ods_cell("date") + bombs.ods_cell("people"))
WIDE = bombs.ods_number_cell(16_384)  # a row of 16,384 numbers: no text, only cells
TOGETHER = {
    # twelve sheets of 19.7 million cells, each under max_cells: 236 million together
    "many.ods": [("data", GOOD)] + [(f"old{i}", bombs.ods_row(WIDE, 1_200)) for i in range(12)],
    # a second table named as the first: measured by name, only the first counted
    "twice.ods": [("data", GOOD), ("data", bombs.ods_row(WIDE, 6_000))],
}


@pytest.mark.parametrize("name", sorted(TOGETHER))
@pytest.mark.parametrize("path", ["cod", "table"])
def test_the_sheets_of_an_ods_count_together(workspace: Path, name: str, path: str) -> None:
    """calamine builds every sheet of an .ods when it opens it, a name given twice included."""
    book = bombs.write_ods_tables(workspace / "inputs" / name, TOGETHER[name])
    if path == "cod":
        use_cod(workspace, name)
        run = run_bounded(workspace, "validate", address_space=LOW)
    else:
        source = f"displacement={book}#data"
        run = run_bounded(workspace, "validate", "--input", source, address_space=LOW)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert f"inputs/{name}" in out and "cells together" in out and "limits.max_cells" in out
    assert "Traceback" not in out and "Internal error" not in out


def unknown_cell_type_xlsx(path: Path) -> Path:
    """A sound header, then a cell of a type calamine does not know: its own error."""
    cells = bombs.inline_row(1, ["ADM1_PCODE", "ADM1_EN"])
    cells += '<row r="2"><c r="A2" t="inlineStr"><is><t>AF01</t></is></c>'
    cells += '<c r="B2" t="bogus"><v>1</v></c></row>'
    return bombs.write_xlsx(path, cells, sheet="adm1")


@pytest.mark.parametrize("path", ["cod", "table"])
def test_the_readers_own_error_is_located(workspace: Path, path: str) -> None:
    book = unknown_cell_type_xlsx(workspace / "inputs" / "odd.xlsx")
    if path == "cod":
        use_cod(workspace, "odd.xlsx")
        run = run_bounded(workspace, "validate")
    else:
        run = run_bounded(workspace, "validate", "--input", f"displacement={book}#adm1")
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    where = "geography.pcodes: inputs/odd.xlsx: " if path == "cod" else "inputs/odd.xlsx, "
    assert where + "sheet adm1" in out and "Unknown cell 't' attribute: \"bogus\"" in out
    assert "Traceback" not in out and "Internal error" not in out


@pytest.mark.parametrize(
    ("name", "path"), [("far.xlsx", "table"), ("far.xlsx", "cod"), ("billion.ods", "cod")]
)
def test_a_raised_max_cells_never_lets_the_reader_abort(
    workspace: Path, name: str, path: str
) -> None:
    """Past calamine's own cap (1e8 cells) an .xlsx aborts it and an .ods is its error: the
    reader's ceiling holds whatever `[limits] max_cells` says."""
    book = workspace / "inputs" / name
    if name.endswith(".xlsx"):
        bombs.far_cell_xlsx(book, "XFD100000")  # 1.6e9 cells: calamine asked for 52 GB
    else:
        billion_cells_ods(book)
    set_limits(workspace, max_cells=2_000_000_000)
    if path == "cod":
        use_cod(workspace, name)
        run = run_bounded(workspace, "validate", address_space=LOW)
    else:
        run = run_bounded(
            workspace, "validate", "--input", f"displacement={book}", address_space=LOW
        )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert f"inputs/{name}" in out and "more than the workbook reader can build" in out
    assert "Traceback" not in out and "Internal error" not in out


@pytest.mark.parametrize("path", ["cod", "table"])
def test_build_does_not_read_a_huge_file_whole_to_fingerprint_it(
    workspace: Path, path: str
) -> None:
    """The build's fingerprint read every input whole, the COD file's included, before any
    limit: a 1 GiB file (sparse: no disk used) was a MemoryError (exit 2) under 512 MiB."""
    huge = workspace / "inputs" / "huge.csv"
    with huge.open("wb") as stream:
        stream.truncate(1024**3)
    if path == "cod":
        use_cod(workspace, "huge.csv")
        run = run_bounded(workspace, "build", address_space=LOW)
    else:
        run = run_bounded(workspace, "build", "--input", f"displacement={huge}", address_space=LOW)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "inputs/huge.csv" in out and "limits.max_file_mb" in out
    assert "Traceback" not in out and "Internal error" not in out


@pytest.mark.parametrize("name", ["empty-strings.xlsx", "many-strings.xlsx"])
def test_a_string_table_too_big_is_refused_for_any_sheet(
    workspace: Path, cod_bombs: dict[str, Path], name: str
) -> None:
    book = workspace / "inputs" / name
    book.write_bytes(cod_bombs[name].read_bytes())
    run = run_bounded(workspace, "validate", "--input", f"displacement={book}", address_space=LOW)
    out = run.stdout + run.stderr
    key = COD_BOMBS[name][1]
    assert run.returncode == 1, out
    assert f"inputs/{name}" in out and "shared strings" in out and f"limits.{key}" in out
    assert "Traceback" not in out and "Internal error" not in out
