"""Fixtures shared by the tests of tests/issue/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitrep.report import BuildOptions, BuildResult, build_report
from tests.conftest import copy_workspace, quicken

# --- speed-issue ---


@pytest.fixture(scope="session")
def quick_issued_23(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The quick workspace (tests/conftest.py `quicken`) with the report of 23 August (No. 9)
    issued: built once for the tests that start from a copy of it (test_issue_content.py,
    test_word_archive.py). Do not modify it."""
    workspace = quicken(copy_workspace(tmp_path_factory.mktemp("issued-23") / "ws"))
    return workspace, build_report(BuildOptions(workspace, dt.date(2021, 8, 23)))
