"""A workspace from before `issued.sqlite`: its `issued.json` and `issued-provinces.json`, real
files written by that sitrep (tests/fixtures/old-record), are read as they are, then imported
into the database the first time the record changes, losing nothing: every entry with its every
field, the pending issue finished or redone, the numbering going on from them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result

from sitrep.issue.json_record import OLD_AREA_RECORD, VIEW_NAME
from sitrep.issue.record import RECORD_NAME, load_area_record, load_record
from tests.conftest import FIXTURES
from tests.in_process import sitrep

OLD = FIXTURES / "old-record"


def _old(name: str) -> dict[str, list[dict]]:
    return json.loads((OLD / name).read_text("utf-8"))


def _sitrep(workspace: Path, *args: str) -> Result:
    """The command in this process: the record's import is tested, not the process (a second
    of imports saved each)."""
    return sitrep("-w", str(workspace), *args)


@pytest.mark.slow
def test_an_old_workspaces_record_is_imported_whole_and_the_series_goes_on(placeless: Path):
    workspace = placeless  # the record's import and the numbers, not the tables
    out = workspace / "output"
    out.mkdir()
    for name in (VIEW_NAME, OLD_AREA_RECORD):
        shutil.copy(OLD / name, out / name)
    old_main, old_areas = _old(VIEW_NAME), _old(OLD_AREA_RECORD)["reports"]
    (pending,) = old_main["pending"]

    # Read as they are, before anything is changed (an unchanged build takes no lock)
    assert [vars(e) for e in load_record(out)] == [
        {**e, "area": "", "content_sha256": "", "content": "", "word": {}}
        for e in old_main["reports"]
    ]
    by_area = {e.area: vars(e) for e in load_area_record(out)}
    assert len(by_area) == 5
    for entry in old_areas:
        assert by_area[entry["province"]] == {
            **{k: v for k, v in entry.items() if k != "province"},
            "area": entry["province"],
            "content": "",
            "word": {},
        }
    assert not (out / RECORD_NAME).exists()

    # The first build imports them, finishes or redoes the pending No. 21 (its PDF was never
    # written: redone), and numbers the next date after No. 20, not by the series' plan (10).
    built = _sitrep(workspace, "build", "--date", "2021-08-24")
    assert built.exit_code == 0, built.stderr
    assert "an interrupted build of No. 21 left nothing issued" in built.stderr
    assert "Report No. 21 for 2021-08-24" in built.stderr
    assert (out / RECORD_NAME).is_file() and not (out / OLD_AREA_RECORD).exists()
    record = load_record(out)
    assert [vars(e) for e in record[:1]] == [
        {**e, "area": "", "content_sha256": "", "content": "", "word": {}}
        for e in old_main["reports"]
    ]
    assert [(e.date, e.number, e.revision) for e in record] == [
        ("2021-08-23", 20, 0),
        ("2021-08-24", 21, 0),
    ]
    assert {e.area: vars(e) for e in load_area_record(out)} == by_area  # every field
    # issued.json is now the record's view: the old entry as it was, the new one beside it
    view = json.loads((out / VIEW_NAME).read_text("utf-8"))
    assert view["reports"][0] == old_main["reports"][0] and "pending" not in view
    assert view["reports"][1]["number"] == 21
    assert pending["pdf"] == view["reports"][1]["pdf"]  # the same report, issued this time

    # The imported entries protect what they name: the 23rd's inputs (as this sitrep reads
    # them) are not those it was issued from, so it is not issued again without --revise.
    again = _sitrep(workspace, "build", "--date", "2021-08-23")
    assert again.exit_code == 1 and "No. 20 for 2021-08-23 was already issued" in again.stderr
    assert "--date 2021-08-23 --revise" in again.stderr
