"""Formulas hidden behind invisible characters: refused on input, neutralised on output.

LibreOffice drops a leading NUL (and shows no zero-width or bidi character) before it decides
whether a cell is a formula, so "\\x00=HYPERLINK(...)" ran as a formula in the attached CSV.
Here: the rule as a property over every prefix of such characters (hypothesis); the CSV that
sitrep attaches, opened by real LibreOffice, holds no formula and no link; and a NUL in a cell,
from a CSV file or from an xlsx `_x0000_` escape, is a located validation error.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitrep.render.attachments import csv_bytes
from sitrep.safety.formulas import FORMULA_TRIGGERS, INVISIBLE, QUOTE_PREFIX, neutralise_cell
from tests import bombs
from tests.conftest import quicken
from tests.in_process import completed, sitrep

SOFFICE = shutil.which("soffice")
INVISIBLE_LIST = sorted(INVISIBLE)
# What an attacker puts in front of a formula: controls, zero-width and bidi marks, spaces.
PREFIX = st.lists(st.sampled_from([*INVISIBLE_LIST, " ", "\u00a0"]), max_size=8).map("".join)
FORMULA = st.sampled_from(sorted(FORMULA_TRIGGERS - {"\t", "\r", "\n"})).flatmap(
    lambda trigger: st.text(min_size=1, max_size=20).map(lambda rest: trigger + rest)
)
HOSTILE = [
    '\x00=HYPERLINK("http://127.0.0.1:9/x","click")',
    "\u200b=1+1",
    "\ufeff@SUM(1;2)",
    "\u202e-1+2",
    "\x01+1",
    " \x1f=1",
    "\u2066\u200d=2+2",
    "\x85=3+3",
    "=1+1",
    "\t=1",
]


def visible_start(text: str) -> str:
    """The text from its first character a spreadsheet program would look at."""
    return text.lstrip("".join(INVISIBLE) + " \u00a0")


@given(PREFIX, FORMULA)
def test_a_formula_behind_any_invisible_prefix_is_quoted(prefix: str, formula: str) -> None:
    value = prefix + formula
    if re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        return  # "-12" is a plain number, kept as a number
    safe = neutralise_cell(value)
    assert isinstance(safe, str) and safe.startswith(QUOTE_PREFIX)
    assert not any(c in INVISIBLE for c in safe[: len(safe) - len(formula)])
    assert safe.endswith(formula)  # the text itself is kept


@given(st.text(max_size=30))
def test_any_text_is_unchanged_or_quoted_and_never_starts_a_formula(value: str) -> None:
    safe = neutralise_cell(value)
    assert safe == value or safe.startswith(QUOTE_PREFIX)
    if safe == value and visible_start(value)[:1] in FORMULA_TRIGGERS:
        assert re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value)


def test_harmless_text_keeps_its_marks() -> None:
    assert neutralise_cell("\u200fدر راه") == "\u200fدر راه"  # a right-to-left mark, no formula
    assert neutralise_cell("\x00=1") == "'=1"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is installed by `make test`")
@pytest.mark.slow
def test_libreoffice_finds_no_formula_and_no_link_in_the_attached_csv(tmp_path: Path) -> None:
    import openpyxl

    source = tmp_path / "attached.csv"
    source.write_bytes(csv_bytes(["source"], [[cell] for cell in HOSTILE]))
    subprocess.run(
        [SOFFICE, "--headless", "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx",
         "--outdir", str(tmp_path), str(source)],
        capture_output=True, check=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    sheet = openpyxl.load_workbook(tmp_path / "attached.xlsx").active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(HOSTILE)
    for cell, hostile in zip(cells, HOSTILE, strict=True):
        assert cell.data_type == "s", (hostile, cell.value)  # text, never a formula ("f")
        assert cell.hyperlink is None
        assert visible_start(hostile).lstrip("\t") in cell.value  # shown as written


def displacement_csv(path: Path, source: str) -> Path:
    path.write_text(
        "date,district,people,source\n2024-03-01,Banu,120,Partner A\n"
        f"2024-03-02,Banu,80,{source}\n",
        encoding="utf-8",
    )
    return path


def validate(workspace: Path, table: Path) -> subprocess.CompletedProcess:
    """`sitrep validate` through the command line's own group, in this process, on the quick
    workspace: these tests are about the located message, not the process (1.1 CPU s of
    imports cheaper than a subprocess)."""
    quicken(workspace)
    args = ["-w", str(workspace), "validate", "--input", f"displacement={table}"]
    return completed(sitrep(*args), *args)


@pytest.mark.slow
def test_a_nul_in_a_csv_cell_is_a_located_error(workspace: Path) -> None:
    table = displacement_csv(workspace / "inputs" / "d.csv", '\x00=HYPERLINK("http://x.example")')
    run = validate(workspace, table)
    assert run.returncode == 1
    line = next(x for x in run.stdout.splitlines() if "NUL" in x)
    assert "inputs/d.csv" in line and "row 3" in line and 'column "source"' in line
    assert "'\\x00=HYPERLINK(\"http://x.example\")'" in line  # the value, escaped
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_a_nul_from_an_xlsx_escape_is_a_located_error(workspace: Path) -> None:
    rows = bombs.inline_row(1, ["date", "district", "people", "source"])
    rows += bombs.inline_row(2, ["2024-03-01", "Banu", "120", "_x0000_=1+1"])
    rows += '<row r="3"><c r="A3" t="inlineStr"><is><t>2024-03-02</t></is></c>'
    rows += '<c r="B3" t="s"><v>0</v></c><c r="C3"><v>5</v></c><c r="D3" t="s"><v>1</v></c></row>'
    path = workspace / "inputs" / "d.xlsx"
    bombs.write_xlsx(path, rows, sheet="data", shared=["Ba_x0000_nu", "Partner B"])
    run = validate(workspace, path)
    assert run.returncode == 1
    nul = [x for x in run.stdout.splitlines() if "NUL" in x]
    assert any("row 2" in x and "\\x00=1+1" in x for x in nul), nul
    assert any("row 3" in x and 'column "district"' in x and "Ba\\x00nu" in x for x in nul), nul
