"""Shared fixtures: the sample workspace copied to a temporary folder, built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def copy_workspace(target: Path) -> Path:
    """A copy of the repository's sample workspace (without its output)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "sitrep.toml", target / "sitrep.toml")
    shutil.copytree(ROOT / "inputs", target / "inputs")
    shutil.copytree(ROOT / "templates", target / "templates")
    return target


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the sample workspace, for a test that changes or builds it."""
    return copy_workspace(tmp_path / "ws")
