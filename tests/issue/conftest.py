"""Fixtures shared by the tests of tests/issue/: smaller workspaces for the issue's tests
(numbers, locks, crashes) and a quick workspace with a report already issued."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from sitrep.report import BuildOptions, BuildResult, build_report
from tests.conftest import copy_workspace, once_per_run, quicken


def placeless_workspace(workspace: Path) -> Path:
    """`workspace` quickened (tests/conftest.py `quicken`), and without its places table: no
    access map nor places annex, so a 4-page report laid out a quarter quicker again (1.9
    instead of 2.3 CPU s in a process of its own, 0.5 instead of 0.8 in a warm one), with the
    same dates, numbers, displacement and record. For tests of the issue (numbers, locks,
    crashes) that assert nothing of the report's content, nor of its areas (the places name a
    fifth area, Badakhshan)."""
    settings = quicken(workspace) / "sitrep.toml"
    settings.write_text(re.sub(r"(?m)^places = .*\n", "", settings.read_text("utf-8")), "utf-8")
    return workspace


@pytest.fixture
def placeless(workspace: Path) -> Path:
    """A fresh copy of the sample workspace, quickened and without places
    (`placeless_workspace`)."""
    return placeless_workspace(workspace)


@pytest.fixture(scope="session")
def quick_issued_23(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The quick workspace (tests/conftest.py `quicken`) with the report of 23 August (No. 9)
    issued: built once for the run (`once_per_run`) for the tests that start from a copy of it
    (test_issue_content.py, test_word_archive.py, test_publish.py). Do not modify it."""

    def make(folder: Path) -> tuple[Path, BuildResult]:
        workspace = quicken(copy_workspace(folder / "ws"))
        built = build_report(BuildOptions(workspace, dt.date(2021, 8, 23)))
        return workspace, dataclasses.replace(built, prepared=None)

    return once_per_run(tmp_path_factory, "issued-23", make)
