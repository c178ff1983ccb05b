"""`make test-fast` stays fast: conftest.py fails a test that starts a process or lays a PDF out
unless it is marked slow. Checked here on throwaway tests, run by pytest in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs pytest in a process, lays a PDF out: not in make test-fast

TESTS = """
import subprocess

import pytest

from sitrep.pdf.build import html_to_pdf

HTML = "<p>Hello</p>"


def test_unmarked_starts_a_process():
    subprocess.run(["true"], check=True)


def test_unmarked_lays_a_pdf_out():
    html_to_pdf(HTML, [], b"0" * 32)


@pytest.mark.slow
def test_marked_may_do_both():
    subprocess.run(["true"], check=True)
    assert html_to_pdf(HTML, [], b"0" * 32).data.startswith(b"%PDF")


def test_unmarked_unit_test():
    assert sum([1, 2]) == 3
"""


def test_a_slow_test_fails_unless_marked(tmp_path: Path):
    (tmp_path / "test_throwaway.py").write_text(TESTS, "utf-8")
    options = ["-p", "tests.conftest", "-p", "no:cacheprovider", "-q", "-rf"]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *options, "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    out = done.stdout
    assert "2 failed, 2 passed" in out, out
    assert "test_unmarked_starts_a_process starts a process: mark it @pytest.mark.slow" in out
    assert "test_unmarked_lays_a_pdf_out lays a PDF out: mark it @pytest.mark.slow" in out
