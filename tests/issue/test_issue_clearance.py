"""Clearance before release (issue 31, item 3): with `[report] clearance = true` a build makes a
draft; `sitrep clear --date D --by NAME` records who cleared exactly that content; only cleared
content is issued and sent, and the record keeps who cleared what and when (`sitrep status`)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sitrep.cli import main
from sitrep.issue.batch import build_each_area
from sitrep.issue.clearance import NotCleared
from sitrep.issue.record import load_area_record, load_record
from sitrep.report import BuildOptions, build_report
from tests.conftest import copy_workspace, quicken
from tests.issue.test_batch import make_two_areas

pytestmark = pytest.mark.slow  # each test builds reports

DAY = dt.date(2021, 8, 23)


def _sitrep(ws: Path, *args: str) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["-w", str(ws), *args], catch_exceptions=False)
    return done.exit_code, done.output


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    """A workspace of an office that clears its reports, with the draft of 23 August built."""
    ws = quicken(copy_workspace(tmp_path_factory.mktemp("clearance") / "ws"))
    toml = ws / "sitrep.toml"
    toml.write_text(toml.read_text("utf-8").replace("[report]\n", "[report]\nclearance = true\n"))
    build_report(BuildOptions(ws, DAY))
    return ws


@pytest.fixture
def ws(drafted: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("SITREP_SMTP_URL", raising=False)  # `send` writes an outbox
    shutil.copytree(drafted, tmp_path / "ws")
    return tmp_path / "ws"


def _correct_a_row(ws: Path) -> None:
    book = load_workbook(ws / "inputs" / "sample-data.xlsx")
    book["displacement"]["H11"] = 2100  # D009, 22 August: 2,450 -> 2,100 people
    book.save(ws / "inputs" / "sample-data.xlsx")


def test_an_uncleared_report_is_a_draft_and_is_not_sent_until_cleared(ws: Path):
    assert load_record(ws / "output") == []  # the build made a draft: nothing issued
    assert list((ws / "output" / str(DAY) / "draft").glob("*_DRAFT.pdf"))
    code, out = _sitrep(ws, "send", "--date", str(DAY))
    assert code == 1 and "not cleared" in out and "sitrep clear --date 2021-08-23" in out
    assert not list((ws / "output" / str(DAY)).glob("outbox/*/*.eml"))
    code, out = _sitrep(ws, "status")
    assert code == 0 and "2021-08-23  draft built" in out and "awaiting clearance" in out

    code, out = _sitrep(ws, "clear", "--date", str(DAY), "--by", "Head of Office")
    assert code == 0 and "cleared by Head of Office" in out
    code, out = _sitrep(ws, "send", "--date", str(DAY))
    assert code == 0, out  # issued from the cleared content, then sent
    (issued,) = load_record(ws / "output")
    assert issued.number == 9 and issued.revision == 0
    code, out = _sitrep(ws, "status")
    assert f"No. 9: issued (cleared by Head of Office at {dt.date.today().year}" in out
    assert list((ws / "output" / str(DAY)).glob("outbox/*/*.eml"))


def test_content_changed_since_it_was_cleared_is_neither_issued_nor_sent(ws: Path):
    assert _sitrep(ws, "clear", "--date", str(DAY), "--by", "Head of Office")[0] == 0
    _correct_a_row(ws)
    code, out = _sitrep(ws, "send", "--date", str(DAY))
    assert code == 1 and "Cleared by Head of Office" in out
    assert "changed since:" in out and "the displacement table: row 11 changed" in out
    built = build_report(BuildOptions(ws, DAY))  # a draft again, saying what changed
    assert built.draft and load_record(ws / "output") == []
    assert any("row 11 changed" in note for note in built.notes)
    with pytest.raises(NotCleared, match="not cleared"):
        build_report(BuildOptions(ws, DAY, cleared_only=True))


def test_clear_refuses_content_that_is_not_the_drafts(ws: Path):
    """What is cleared is what was reviewed: inputs changed since the draft are not cleared."""
    _correct_a_row(ws)
    code, out = _sitrep(ws, "clear", "--date", str(DAY), "--by", "Head of Office")
    assert code == 1 and "changed since the draft" in out and "row 11 changed" in out
    assert "Nothing was cleared" in out and "awaiting clearance" in _sitrep(ws, "status")[1]


def test_area_reports_are_drafts_until_the_dates_content_is_cleared(tmp_path: Path):
    """`--each area` takes part in clearance: its reports are the date's content cut by area,
    drafts until `sitrep clear --date D` clears that content, which clears the workspace's report
    and its area reports at once."""
    # two areas (tests/issue/test_batch.py), not the sample's five: each is laid out twice here
    ws = make_two_areas(copy_workspace(tmp_path / "ws"))
    toml = ws / "sitrep.toml"
    toml.write_text(toml.read_text("utf-8").replace("[report]\n", "[report]\nclearance = true\n"))
    build_report(BuildOptions(ws, DAY))  # the workspace's own draft, of the content before:
    csv = ws / "inputs" / "displacement.csv"  # D2, 23 August, in Parwan: 5 -> 6 families
    csv.write_text(csv.read_text("utf-8").replace("AF0305,5,", "AF0305,6,"), "utf-8")
    # ... the draft that gets reviewed is the area batch's (recorded by it)
    code, out = _sitrep(ws, "build", "--each", "area", "--date", str(DAY), "--workers", "1")
    assert code == 0 and "clearance is required" in out and "drafted (not issued)" in out
    assert load_area_record(ws / "output") == [] and load_record(ws / "output") == []
    drafts = list((ws / "output" / str(DAY) / "draft").glob("*/*_DRAFT.pdf"))
    assert len(drafts) >= 2  # one per area

    code, out = _sitrep(ws, "clear", "--date", str(DAY), "--by", "Head of Office")
    assert code == 0 and "cleared by Head of Office" in out
    batch = build_each_area(BuildOptions(ws, DAY), workers=1)
    assert not batch.draft and len(batch.reports) == len(drafts)
    issued = load_area_record(ws / "output")
    assert {e.area for e in issued} == {r.area for r in batch.reports}
    assert all(e.number == 9 and "draft" not in e.pdf for e in issued)
    main_report = build_report(BuildOptions(ws, DAY))  # the same content: cleared too
    assert not main_report.draft and main_report.number == 9
