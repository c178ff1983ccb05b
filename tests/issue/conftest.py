"""Fixtures of the issue's tests (tests/issue/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import quicken


# --- speed-crash ---
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
