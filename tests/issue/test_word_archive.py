"""The Word edition in the archive (issue 31, item 4): a `.docx` is recorded with its report like
the PDF and HTML, one asked for after a report was issued is added to it (made from the issued
edition: the same bytes, the PDF, number and revision as issued), and `sitrep publish` copies it
and lists it in the archive page and the feed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sitrep.files import sha256_file
from sitrep.issue.publish import DOCX, publish
from sitrep.issue.record import load_record
from sitrep.report import BuildOptions, build_report
from tests.conftest import copy_workspace, quicken

pytestmark = pytest.mark.slow  # each test builds reports

DAY = dt.date(2021, 8, 23)
ATOM = "{http://www.w3.org/2005/Atom}"


def _ask_for_word(ws: Path) -> None:
    toml = ws / "sitrep.toml"
    text = toml.read_text("utf-8").replace(
        "[report]\n", '[report]\neditions = ["pdf", "html", "docx"]\n'
    )
    toml.write_text(text, "utf-8")


def test_a_word_edition_asked_for_after_issue_is_added_to_the_issued_report(
    quick_issued_23, tmp_path: Path
):
    # the quick workspace: the Word edition and the record, not the tables it leaves out;
    # its report of 23 August issued without Word (tests/issue/conftest.py), copied
    ws = shutil.copytree(quick_issued_23[0], tmp_path / "ws")
    issued = build_report(BuildOptions(ws, DAY))
    assert issued.reused and (issued.number, issued.revision) == (9, 0)
    assert issued.word == {} and not issued.pdf.with_suffix(".docx").exists()
    pdf, pdf_written = issued.pdf.read_bytes(), issued.pdf.stat().st_mtime_ns
    _ask_for_word(ws)
    again = build_report(BuildOptions(ws, DAY))
    assert again.reused and (again.number, again.revision) == (9, 0)
    docx = issued.pdf.with_suffix(".docx")
    assert again.word == {"en": docx} and docx.is_file()
    assert issued.pdf.read_bytes() == pdf and issued.pdf.stat().st_mtime_ns == pdf_written
    (entry,) = load_record(ws / "output")
    assert entry.word == {"en": [str(docx.relative_to(ws / "output")), sha256_file(docx)]}
    view = json.loads((ws / "output" / "issued.json").read_text("utf-8"))
    assert view["reports"][0]["word"] == entry.word
    docx_written = docx.stat().st_mtime_ns
    assert build_report(BuildOptions(ws, DAY)).word == {"en": docx}
    assert docx.stat().st_mtime_ns == docx_written  # made once

    # the same bytes as a build that made it with the report, which records it too
    fresh = quicken(copy_workspace(tmp_path / "fresh"))
    _ask_for_word(fresh)
    made = build_report(BuildOptions(fresh, DAY))
    assert made.word["en"].read_bytes() == docx.read_bytes()
    assert load_record(fresh / "output")[0].word["en"][1] == sha256_file(docx)

    # published: copied under <date>/, an alternate link of its own type in the feed
    folder = tmp_path / "published"
    publish(ws, folder)
    name = f"{DAY}/{docx.name}"
    assert (folder / name).read_bytes() == docx.read_bytes()
    feed = ET.parse(folder / "feed.xml").getroot()
    links = {
        (link.get("rel"), link.get("type")): link.get("href") for link in feed.iter(f"{ATOM}link")
    }
    assert links[("alternate", DOCX)] == name
    assert f'<a href="{name}">Word</a>' in (folder / "index.html").read_text("utf-8")
