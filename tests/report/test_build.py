"""The sample workspace built end to end: the PDF read back, numbering, reuse and revisions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from sitrep.errors import ReportExistsError
from sitrep.report import BuildOptions, build_report
from tests.conftest import copy_workspace, pdf_text

pytestmark = pytest.mark.slow  # builds reports: not in make test-fast


def test_sample_builds_the_latest_date_with_its_number(built_sample):
    ws, result = built_sample
    assert result.date == dt.date(2021, 8, 24)
    assert result.date_was_chosen
    assert result.number == 10  # daily from No. 1 on 15 August
    assert result.pdf == ws / "output/2021-08-24/afg-northeast_sitrep_2021-08-24_no10.pdf"
    assert result.html.is_file()
    assert result.render_warnings == []


def test_pdf_shows_title_date_and_page_numbers(built_sample, sample_text):
    assert "Situation Report No. 10" in sample_text
    assert "as of 24 August 2021" in sample_text
    pages = len(PdfReader(built_sample[1].pdf).pages)
    assert f"Page 1 of {pages}" in sample_text
    assert f"Page {pages} of {pages}" in sample_text
    assert "next report will be issued on or around 25 August 2021" in sample_text
    assert "Illustrative data" in sample_text


def test_pdf_shows_figures_that_match_the_inputs(sample_text):
    # 15 displacement rows to 24 Aug: 19,435 people (two rows given only as families x 7);
    # 4,550 on 24 Aug, the day after the previous report.
    assert "19,435" in sample_text
    assert "+4,550 since the report" in sample_text
    assert "Andarab AF0907 1,800 12,600 3,500" in sample_text
    # Blockades in effect on 24 Aug: food and fuel into Andarab (day 4), fuel into Panjshir,
    # food into Deh Salah (new); people counted once per area: 65,000 + 170,000 + 30,000.
    assert "Blockades: 4 in effect, 265,000 people cut off" in sample_text
    assert "Andarab valley (Banu)" in sample_text
    assert "Taliban 21 Aug 4 65,000 ongoing" in sample_text
    assert "lifted 19 Aug after 3 days" in sample_text


def test_pdf_shows_access_routes_and_what_changed(sample_text):
    assert "Access: 3 of 5 key routes closed, 1 changed" in sample_text
    assert "Salang highway, south" in sample_text and "R02" in sample_text
    assert "was restricted" in sample_text  # the Panjshir road closed on 24 Aug


def test_pdf_has_highlights_overview_contacts_and_sources(sample_text):
    for text in ("Highlights", "Situation overview", "Humanitarian response", "Contacts",
                 "Sources and notes", "imo@example.org", "Food security"):  # fmt: skip
        assert text in sample_text


def test_rebuilding_unchanged_inputs_reuses_the_issued_report(issued: Path):
    workspace = issued  # the session's build, issued: the first build of this workspace
    first = build_report(BuildOptions(workspace=workspace))
    assert first.reused
    data = first.pdf.read_bytes()
    again = build_report(BuildOptions(workspace=workspace))
    assert again.reused and again.number == first.number
    forced = build_report(BuildOptions(workspace=workspace, force=True))
    assert not forced.reused
    assert forced.pdf.read_bytes() == data  # byte-identical
    record = json.loads((workspace / "output/issued.json").read_text())
    assert [(e["date"], e["number"], e["revision"]) for e in record["reports"]] == [
        ("2021-08-24", 10, 0)
    ]


def test_same_inputs_in_another_folder_give_identical_bytes(built_sample, tmp_path: Path):
    other = copy_workspace(tmp_path / "elsewhere")
    result = build_report(BuildOptions(workspace=other))
    assert result.pdf.read_bytes() == built_sample[1].pdf.read_bytes()
    assert result.html.read_bytes() == built_sample[1].html.read_bytes()  # the HTML edition too


def test_changed_inputs_never_overwrite_an_issued_report(issued: Path):
    workspace = issued
    first = build_report(BuildOptions(workspace=workspace))  # the issued report, reused
    issued = first.pdf.read_bytes()
    narrative = workspace / "inputs/narrative/2021-08-24.md"
    narrative.write_text(narrative.read_text() + "\nA late addition.\n")
    with pytest.raises(ReportExistsError, match="--revise"):
        build_report(BuildOptions(workspace=workspace))
    assert first.pdf.read_bytes() == issued
    revised = build_report(BuildOptions(workspace=workspace, revise=True))
    assert revised.revision == 1 and revised.number == 10
    assert revised.pdf.name.endswith("_no10_rev1.pdf")
    assert first.pdf.read_bytes() == issued
    assert "Revision 1" in pdf_text(revised.pdf)


def test_numbers_follow_the_cadence_and_earlier_dates_keep_theirs(quick: Path):
    workspace = quick
    first = build_report(BuildOptions(workspace=workspace, date=dt.date(2021, 8, 20)))
    assert first.number == 6  # the sixth day of a daily series from 15 August
    later = build_report(BuildOptions(workspace=workspace, date=dt.date(2021, 8, 22)))
    assert later.number == 8  # 21 August has no report (yet): its number stays unused
    again = build_report(BuildOptions(workspace=workspace, date=dt.date(2021, 8, 20)))
    assert again.reused and again.number == 6
    with pytest.raises(ReportExistsError, match="--number"):
        build_report(BuildOptions(workspace=workspace, date=dt.date(2021, 8, 23), number=6))


def test_a_draft_is_marked_and_not_recorded(quick: Path):
    draft = build_report(BuildOptions(workspace=quick, draft=True))
    assert draft.pdf.parent.name == "draft" and draft.pdf.name.endswith("_DRAFT.pdf")
    assert "DRAFT" in pdf_text(draft.pdf)
    assert not (quick / "output/issued.json").exists()


def test_an_earlier_date_counts_only_rows_up_to_it(quick: Path):
    # quick: the displacement and the routes, not the tables it leaves out
    result = build_report(BuildOptions(workspace=quick, date=dt.date(2021, 8, 23)))
    text = pdf_text(result.pdf)
    # to 23 Aug: 19,435 - 4,550 = 14,885 people; 22-23 Aug: 3,150 + 500 + 700 = 4,350 new.
    assert "14,885" in text and "+4,350 since the report" in text
    assert "Access: 2 of 5 key routes closed, 2 changed" in text
