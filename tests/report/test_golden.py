"""Golden output: the whole text of three reports, compared with the files in tests/golden/.

Like pelican's expected-output tests. The sample workspace's report (`sitrep build` of a copy of
sitrep.toml, inputs/ and templates/), the Haiti workspace's (tests/haiti_workspace.py, made from
scratch with `sitrep init`) and its Ouest department's (`build --each admin1`) are read back with
`pdftotext -layout`, page by page, and compared with `sample.txt`, `haiti.txt` and
`haiti-ouest.txt`. Only trailing spaces are dropped: no report depends on the day it is built (its
date is a parameter, or the latest in the data), so nothing else needs normalising.

A mismatch fails with a unified diff. When the change is intended, regenerate the files and review
them before committing:

    SITREP_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/report/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import difflib
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds reports and reads their PDFs back: not in make test-fast

GOLDEN = ROOT / "tests" / "golden"
REGENERATE = "SITREP_REGENERATE_GOLDEN"


def layout_text(pdf: Path) -> str:
    """The PDF's text as poppler lays it out, each page under a `--- page N ---` line."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()  # pdftotext ends the last page with a form feed too
    lines = []
    for number, page in enumerate(pages, start=1):
        lines.append(f"--- page {number} ---")
        lines += [line.rstrip() for line in page.splitlines()]
    return "\n".join(lines) + "\n"


def assert_golden(name: str, pdf: Path) -> None:
    """`pdf`'s text is tests/golden/NAME.txt; with SITREP_REGENERATE_GOLDEN=1, it becomes it."""
    actual = layout_text(pdf)
    expected_file = GOLDEN / f"{name}.txt"
    if os.environ.get(REGENERATE) == "1":
        GOLDEN.mkdir(exist_ok=True)
        expected_file.write_text(actual, "utf-8")
        return
    expected = expected_file.read_text("utf-8") if expected_file.is_file() else ""
    if actual == expected:
        return
    where = expected_file.relative_to(ROOT)
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{where} (expected)",
            tofile=f"{pdf.name} (built now)",
        )
    )
    pytest.fail(
        f"{pdf.name}: its text is not {where}"
        + ("" if expected_file.is_file() else " (which is missing)")
        + f":\n{diff}\nIf the change is intended, regenerate and review the expected files:\n"
        f"    {REGENERATE}=1 .venv/bin/python -m pytest tests/report/test_golden.py\n"
        "    git diff tests/golden/",
        pytrace=False,
    )


def test_the_sample_report(built_sample) -> None:
    assert_golden("sample", built_sample[1].pdf)


def test_the_haiti_report(haiti_built: Path) -> None:
    assert_golden("haiti", haiti_built)


def test_a_department_report_of_build_each_admin1(haiti_departments: list[Path]) -> None:
    (ouest,) = [pdf for pdf in haiti_departments if pdf.parent.name == "ouest"]
    assert_golden("haiti-ouest", ouest)
