""" "Changed" means the report changed (issue 31, item 1): an issued report is compared with what
it says now, the rows up to its date, its narrative, the settings that print, never with the
files it was read from. Settings that never print, the partners and rows dated after it leave it
as it was; a correction of a row it counts is named, with the figures that would differ."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sitrep.errors import AlreadyIssued
from sitrep.issue.record import RECORD_NAME, load_record
from sitrep.report import BuildOptions, build_report
from tests.conftest import copy_workspace, pdf_text, quicken

pytestmark = pytest.mark.slow  # each test builds reports

DAY = dt.date(2021, 8, 23)  # No. 9; the sample's rows of 24 August are after it
BOOK = Path("inputs/sample-data.xlsx")


@pytest.fixture(scope="module")
def monday_tuesday(tmp_path_factory) -> Path:
    """The quick workspace with the reports of 20 (No. 6) and 21 August (No. 7) issued, for the
    tests of a week that copy it (two builds each spared): the displacement and its
    corrections, not the tables quicken leaves out."""
    workspace = quicken(copy_workspace(tmp_path_factory.mktemp("week") / "ws"))
    for day in (20, 21):
        build_report(BuildOptions(workspace, dt.date(2021, 8, day)))
    return workspace


@pytest.fixture
def ws(quick_issued_23, tmp_path: Path) -> Path:
    """A copy of the workspace with the report of 23 August issued (tests/issue/conftest.py):
    the quick workspace, as these tests change and compare the displacement rows, the narrative
    and the settings, never the tables it leaves out."""
    shutil.copytree(quick_issued_23[0], tmp_path / "ws")
    return tmp_path / "ws"


def _append_setting(ws: Path, text: str) -> None:
    toml = ws / "sitrep.toml"
    toml.write_text(toml.read_text("utf-8") + text, "utf-8")


def _add_row(ws: Path, sheet: str, values: list) -> int:
    """Append a row after the sheet's last filled one; its spreadsheet row number."""
    book = load_workbook(ws / BOOK)
    rows = [i for i, r in enumerate(book[sheet].iter_rows(values_only=True), 1) if r[0]]
    book[sheet].insert_rows(rows[-1] + 1)
    for column, value in enumerate(values, 1):
        book[sheet].cell(rows[-1] + 1, column, value)
    book.save(ws / BOOK)
    return rows[-1] + 1


def _set(ws: Path, sheet: str, cell: str, value) -> None:
    book = load_workbook(ws / BOOK)
    book[sheet][cell] = value
    book.save(ws / BOOK)


def test_settings_that_never_print_and_the_partners_leave_an_issued_report_as_it_is(ws: Path):
    """[publish], [limits], stale_days, [email] and a partner more: the same report, no
    revision asked (they all made it "already issued from different inputs" before)."""
    pdf = ws / "output" / load_record(ws / "output")[0].pdf
    before = pdf.read_bytes()
    _append_setting(ws, '\n[publish]\nbase_url = "https://reports.example.org/afg/"\n')
    _append_setting(ws, "\n[limits]\nmax_rows = 200000\n")
    toml = ws / "sitrep.toml"
    toml.write_text(toml.read_text("utf-8").replace("stale_days = 3", "stale_days = 9"), "utf-8")
    _add_row(ws, "partners", ["New", "new@example.org", "NGO", "donors", "attach", "en", "yes"])
    again = build_report(BuildOptions(ws, DAY))
    assert again.reused and again.revision == 0 and again.pdf == pdf
    assert pdf.read_bytes() == before
    # the record learnt these files: the next build is the quick check's (no tables loaded)
    entry = load_record(ws / "output")[0]
    assert build_report(BuildOptions(ws, DAY)).reused
    assert load_record(ws / "output")[0] == entry


def test_rows_dated_after_a_report_leave_it_as_it_is_and_it_can_be_sent_again(ws: Path):
    from sitrep.delivery.distribute import SendOptions
    from sitrep.report import send

    _add_row(ws, "displacement", ["D099", dt.datetime(2021, 8, 25), "AF0907", "Banu", "Khinjan",
                                  "AF0906", 10, 70, "Armed clashes", "Partner"])  # fmt: skip
    _set(ws, "blockades", "J3", dt.datetime(2021, 8, 26))  # verified after 23 Aug: not known then
    assert build_report(BuildOptions(ws, DAY)).reused
    outcome = send(SendOptions(ws, DAY, resend_unknown=True))
    assert outcome.report.number == 9 and outcome.summary.results
    assert [(e.date, e.revision) for e in load_record(ws / "output")] == [("2021-08-23", 0)]


def test_a_corrected_row_is_named_with_the_figures_that_would_differ(ws: Path):
    _set(ws, "displacement", "H11", 2100)  # D009, 22 August: 2,450 -> 2,100 people
    _set(ws, "displacement", "B16", dt.datetime(2021, 8, 22))  # D014: from 24 to 22 August
    with pytest.raises(AlreadyIssued) as refused:
        build_report(BuildOptions(ws, DAY))
    message = str(refused.value)
    # D014 is counted now: added to the report (a row dated after it is not in it)
    assert "the displacement table: row 11 changed; row 16 added (spreadsheet rows)" in message
    assert "people newly displaced in the period: 14,885 -> 18,035" in message
    assert "sitrep build --date 2021-08-23 --revise" in message
    assert "[publish]" not in message and "settings" not in message


def test_a_narrative_and_a_printed_setting_are_named(ws: Path):
    narrative = ws / "inputs" / "narrative" / f"{DAY}.md"
    narrative.write_text(narrative.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    toml = ws / "sitrep.toml"
    toml.write_text(toml.read_text("utf-8").replace('page_size = "A4"', 'page_size = "Letter"'))
    with pytest.raises(AlreadyIssued) as refused:
        build_report(BuildOptions(ws, DAY))
    assert "the narrative (en)" in str(refused.value)
    assert "the settings that change what the report prints" in str(refused.value)


def test_a_record_of_an_older_sitrep_is_upgraded_without_a_revision(ws: Path):
    """A record of version 1 (no content recorded, the files' hashes of an older sitrep) is read
    as it is; the next build takes its reports as issued, records what they say, and goes on."""
    path = ws / "output" / RECORD_NAME
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE reports DROP COLUMN content")
        conn.execute("UPDATE reports SET fingerprint = 'old', files_sha256 = 'old'")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    (old,) = load_record(ws / "output")
    assert old.content == "" and old.number == 9
    _append_setting(ws, '\n[publish]\nbase_url = "https://reports.example.org/afg/"\n')
    again = build_report(BuildOptions(ws, DAY))
    assert again.reused and again.revision == 0
    assert any("issued by an older sitrep" in note for note in again.notes)
    (entry,) = load_record(ws / "output")
    assert entry.content and entry.fingerprint != "old"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 2
    conn.close()
    _set(ws, "displacement", "H11", 2100)  # from now on, compared by what it says
    with pytest.raises(AlreadyIssued, match="row 11 changed"):
        build_report(BuildOptions(ws, DAY))


# Revisions and corrections explain themselves (issue 31, item 2)


def test_a_revision_says_on_its_first_page_what_it_corrects_and_why(ws: Path):
    _set(ws, "displacement", "H11", 2100)  # D009, 22 August: 2,450 -> 2,100 people
    reason = "The partner corrected D009's count."
    revised = build_report(BuildOptions(ws, DAY, revise=True, reason=reason))
    assert revised.revision == 1
    first_page = " ".join(pdf_text(revised.pdf).split("Highlights")[0].split())
    assert "Revision 1 " in first_page and "This revision corrects:" in first_page
    assert "14,535 people newly displaced since 15 Aug (was 14,885)" in first_page
    assert f"Reason: {reason}" in first_page
    # the record holds what the revision says: built again, it is unchanged
    assert build_report(BuildOptions(ws, DAY)).reused


def test_the_next_report_says_which_earlier_figures_were_revised(ws: Path):
    """A row dated before the report of 23 August corrected after it was issued: the report of
    24 August says the change it prints is measured from a revised figure, and by how much."""
    _set(ws, "displacement", "H11", 2100)  # D009, 22 August: 2,450 -> 2,100 people
    pdf = build_report(BuildOptions(ws)).pdf
    read = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    text = " ".join(read.stdout.decode("utf-8").split())  # in reading order, not laid out
    assert "+4,550 since the report of 23 Aug (figures for 22 Aug revised: -350)" in text
    assert text.count("revised:") == 1  # the other key figures' baselines did not move


def test_a_week_of_daily_reports(monday_tuesday: Path, tmp_path: Path, monkeypatch):
    """As a new office would run it, morning after morning: a setting that never prints added
    mid-week asks for no revision; an old report is sent again after later rows came in; a
    correction to an earlier day is announced in the next report."""
    from sitrep.delivery.distribute import SendOptions
    from sitrep.report import send

    monkeypatch.delenv("SITREP_SMTP_URL", raising=False)
    ws = shutil.copytree(monday_tuesday, tmp_path / "ws")  # Monday's and Tuesday's issued
    monday = build_report(BuildOptions(ws, dt.date(2021, 8, 20)))
    assert monday.reused and (monday.number, monday.revision) == (6, 0)
    _append_setting(ws, '\n[publish]\nbase_url = "https://reports.example.org/afg/"\n')
    tuesday = build_report(BuildOptions(ws, dt.date(2021, 8, 21)))
    assert tuesday.reused and tuesday.revision == 0  # no revision asked
    assert build_report(BuildOptions(ws, monday.date)).reused  # no revision asked
    toml = ws / "sitrep.toml"
    toml.write_text(toml.read_text("utf-8").replace("stale_days = 3", "stale_days = 9"), "utf-8")
    _set(ws, "displacement", "H9", 2000)  # D007, 21 August: 2,100 -> 2,000, after Tuesday's
    wednesday = build_report(BuildOptions(ws, dt.date(2021, 8, 22)))
    assert [r.number for r in (monday, tuesday, wednesday)] == [6, 7, 8]
    read = subprocess.run(["pdftotext", str(wednesday.pdf), "-"], capture_output=True, check=True)
    text = " ".join(read.stdout.decode("utf-8").split())
    assert "since the report of 21 Aug (figures for 21 Aug revised: -100)" in text
    # Monday's report, sent again to the partner whose delivery was unknown
    outcome = send(SendOptions(ws, monday.date, resend_unknown=True))
    assert outcome.report.number == 6
    with pytest.raises(AlreadyIssued, match="row 9 changed"):  # Tuesday's counted D007
        build_report(BuildOptions(ws, tuesday.date))
    revised = [(e.date, e.revision) for e in load_record(ws / "output")]
    assert revised == [("2021-08-20", 0), ("2021-08-21", 0), ("2021-08-22", 0)]


def test_a_revision_of_an_earlier_report_and_the_reports_after_it(
    monday_tuesday: Path, tmp_path: Path
):
    """Monday and Tuesday issued; a correction to Monday's row is issued as Monday's revision.
    Tuesday's report, issued, says what it said (a correction never rewrites it: only
    `--revise` would); Wednesday's compares with Tuesday's as issued and says that its figures
    for Monday were revised; Thursday's, compared with Wednesday's, has nothing to say."""
    ws = shutil.copytree(monday_tuesday, tmp_path / "ws")  # Monday's and Tuesday's issued
    monday = build_report(BuildOptions(ws, dt.date(2021, 8, 20)))
    tuesday = build_report(BuildOptions(ws, dt.date(2021, 8, 21)))
    assert monday.reused and tuesday.reused
    tuesday_pdf = tuesday.pdf.read_bytes()
    _set(ws, "displacement", "H8", 1000)  # D006, 20 August: 1,400 -> 1,000 people
    revised = build_report(BuildOptions(ws, monday.date, revise=True))
    first_page = " ".join(pdf_text(revised.pdf).split("Highlights")[0].split())
    assert (revised.number, revised.revision) == (6, 1)
    assert "This revision corrects:" in first_page
    assert "4,255 people newly displaced since 15 Aug (was 4,655)" in first_page
    with pytest.raises(AlreadyIssued, match="row 8 changed"):  # Tuesday's counted D006
        build_report(BuildOptions(ws, tuesday.date))
    assert tuesday.pdf.read_bytes() == tuesday_pdf
    wednesday = build_report(BuildOptions(ws, dt.date(2021, 8, 22)))
    text = _reading_order(wednesday.pdf)
    assert "since the report of 21 Aug (figures for 20 Aug revised: -400)" in text
    assert text.count("revised:") == 1
    thursday = build_report(BuildOptions(ws, dt.date(2021, 8, 23)))
    assert "revised:" not in _reading_order(thursday.pdf)
    issued = [(e.number, e.revision) for e in load_record(ws / "output")]
    assert issued == [(6, 0), (6, 1), (7, 0), (8, 0), (9, 0)]


def _reading_order(pdf: Path) -> str:
    read = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(read.stdout.decode("utf-8").split())
