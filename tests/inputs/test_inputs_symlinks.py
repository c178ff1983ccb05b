"""Inputs and narratives are read only inside the workspace, unless the user named a path outside.

Real symbolic links: a narrative or a workbook inside the workspace that leads outside it (to a
canary file standing for /etc/passwd) is an error naming the link, and the canary's text is in
no output; a link that stays inside is fine; a path outside named in [inputs] is the user's
choice and is read.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.errors import ValidationFailed
from sitrep.inputs.narrative import load_narrative
from sitrep.pdf.pool import IN_PROCESS
from sitrep.pipeline import check_inputs

DAY = dt.date(2021, 8, 24)
CANARY = "CANARY-7f3a secret text outside the workspace"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(f"# Highlights\n\n- {CANARY}\n- {CANARY}\n")
    return folder


def narrative_file(workspace: Path) -> Path:
    return workspace / "inputs" / "narrative" / f"{DAY}.md"


def test_a_narrative_linked_outside_is_an_error_naming_it(workspace: Path, outside: Path):
    link = narrative_file(workspace)
    link.unlink()
    link.symlink_to(outside / "secret.md")
    with pytest.raises(ValidationFailed) as info:
        load_narrative(link.parent, DAY, workspace)
    problem = info.value.problems[0]
    assert problem.severity == "error" and problem.file == f"inputs/narrative/{DAY}.md"
    assert "symbolic link" in problem.message and str(outside / "secret.md") in problem.message
    assert CANARY not in problem.message


def test_the_build_refuses_it_and_leaks_nothing(workspace: Path, outside: Path):
    link = narrative_file(workspace)
    link.unlink()
    link.symlink_to(outside / "secret.md")
    # in this process (click's runner): the test is about the refusal and what it says, not the
    # process; a `sitrep` process costs a second of imports. No PDF helper process either
    # (SITREP_PDF_IN_PROCESS): the build stops on its inputs, before any layout.
    runner = CliRunner(env={IN_PROCESS: "1"})
    run = runner.invoke(main, ["-w", str(workspace), "build", "--date", str(DAY)])
    out = run.stdout + run.stderr
    assert run.exit_code == 1, out
    assert f"inputs/narrative/{DAY}.md" in out and "symbolic link" in out
    assert CANARY not in out and "Traceback" not in out
    written = [p for p in (workspace / "output").rglob("*") if p.is_file()]
    assert not [p for p in written if p.suffix in {".pdf", ".html"}]


def test_a_linked_narrative_folder_is_refused_too(workspace: Path, outside: Path):
    shutil.copy2(outside / "secret.md", outside / f"{DAY}.md")
    folder = workspace / "inputs" / "narrative"
    shutil.rmtree(folder)
    folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValidationFailed) as info:
        load_narrative(folder, DAY, workspace)
    assert "symbolic link" in info.value.problems[0].message


def test_a_link_that_stays_inside_is_fine(workspace: Path):
    link = narrative_file(workspace)
    real = workspace / "inputs" / "narrative" / "real.md"
    link.rename(real)
    link.symlink_to(real)
    narrative, _ = load_narrative(link.parent, DAY, workspace)
    assert narrative.highlights


def test_a_workbook_linked_outside_is_an_error_naming_it(workspace: Path, tmp_path: Path):
    book = workspace / "inputs" / "sample-data.xlsx"
    moved = tmp_path / "elsewhere.xlsx"
    shutil.move(book, moved)
    book.symlink_to(moved)
    errors = [p for p in check_inputs(workspace).problems if p.severity == "error"]
    assert errors and all(p.file == "inputs/sample-data.xlsx" for p in errors)
    assert all("symbolic link" in p.message for p in errors)


def test_a_path_outside_named_in_the_settings_is_read(workspace: Path, tmp_path: Path):
    book = workspace / "inputs" / "sample-data.xlsx"
    moved = tmp_path / "shared" / "data.xlsx"
    moved.parent.mkdir()
    shutil.move(book, moved)
    link = tmp_path / "shared" / "link.xlsx"  # a link outside the workspace: the user's own
    link.symlink_to(moved)
    toml = workspace / "sitrep.toml"
    toml.write_text(toml.read_text().replace("inputs/sample-data.xlsx", str(link)))
    checked = check_inputs(workspace)
    assert not [p for p in checked.problems if p.severity == "error"]
    assert len(checked.tables["displacement"].frame) > 0
