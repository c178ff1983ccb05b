"""Missing is never zero, end to end: a blockade whose people affected is left blank gives "at
least" (the total of the figures given) in the key figure, the heading, the email and the feed,
never "0 people cut off"; a Portuguese office's price of 1.750 is 1,750, never 1.75."""

from __future__ import annotations

import datetime as dt
import email
from email import policy
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sitrep.issue.publish import publish
from sitrep.report import BuildOptions, build_report
from tests.conftest import pdf_text
from tests.in_process import sitrep
from tests.issue.test_publish import ATOM, feed_entries

DAY = dt.date(2021, 8, 24)


def blank_people(workspace: Path, ids: set[str]) -> None:
    path = workspace / "inputs/sample-data.xlsx"
    book = load_workbook(path)
    for row in book["blockades"].iter_rows(min_row=3):
        if row[0].value in ids:
            row[7].value = None  # People affected
    book.save(path)


def expected_people(workspace: Path) -> int:
    """People cut off on DAY, computed independently: each area's largest given figure."""
    frame = pd.read_excel(workspace / "inputs/sample-data.xlsx", "blockades", skiprows=[1])
    frame = frame[(frame["Start date"] <= pd.Timestamp(DAY)) & frame["End date"].isna()]
    return int(frame.groupby("Area")["People affected"].max().sum())


@pytest.mark.slow
def test_a_blank_blockade_is_at_least_everywhere_never_zero(quick: Path, tmp_path: Path):
    # quick: the blockades, not the tables it leaves out
    workspace = quick
    blank_people(workspace, {"B05"})
    people = f"{expected_people(workspace):,}"
    assert people == "235,000"  # 65,000 (Andarab, food and fuel) + 170,000 (Panjsher)
    result = build_report(BuildOptions(workspace, DAY))
    text = pdf_text(result.pdf)
    assert f"Blockades: 4 in effect, at least {people} people cut off" in text  # the heading
    assert " 0 people cut off" not in text
    # the key figure: its words apart from its number (the feed below reads the tile's text)
    edition = result.html.read_text(encoding="utf-8")
    assert f'<p class="value"><span class="at-least">at least </span>{people}</p>' in edition
    assert '<p class="change">change not known: a figure is missing</p>' in edition

    # in this process (click's runner, no SITREP_ variable: the outbox): the email's words are
    # the subject, not the process
    run = sitrep("-w", str(workspace), "send", clean=True)
    assert run.exit_code == 0, run.output
    message = next((workspace / f"output/{DAY}/outbox").glob("*/*.eml"))
    body = email.message_from_bytes(message.read_bytes(), policy=policy.default)
    plain = body.get_body(("plain",)).get_content()
    assert f"at least {people} people cut off from food or fuel by blockades" in plain
    assert "change not known: a figure is missing" in plain

    publish(workspace, tmp_path / "site")
    summary = feed_entries(tmp_path / "site")[0].find(f"{ATOM}summary").text
    assert f"at least {people} people cut off from food or fuel by blockades" in summary


@pytest.mark.slow
def test_every_blockade_blank_is_missing_not_zero(quick: Path) -> None:
    workspace = quick  # the blockades, not the tables it leaves out
    blank_people(workspace, {"B01", "B02", "B04", "B05"})
    text = pdf_text(build_report(BuildOptions(workspace, DAY, draft=True)).pdf)
    assert "Blockades: 4 in effect, -- people cut off" in text
    assert "0 people cut off" not in text
