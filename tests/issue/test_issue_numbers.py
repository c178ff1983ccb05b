"""Report numbers follow the cadence: the same dates get the same numbers whatever order their
builds arrive in (two builds at once are two orders the issue lock may choose), a day without
a report leaves its number unused, and a number is never another date's."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitrep.errors import ConfigError, ReportExistsError
from sitrep.issue.numbering import series_number
from sitrep.issue.record import Issued, load_record
from sitrep.report import BuildOptions, build_report

DAY = dt.date.fromisoformat


def _build(workspace: Path, day: str, number: int | None = None) -> int:
    return build_report(BuildOptions(workspace=workspace, date=DAY(day), number=number)).number


def _numbers(workspace: Path) -> dict[str, int]:
    return {e.date: e.number for e in load_record(workspace / "output")}


@pytest.mark.slow
def test_two_new_dates_get_the_same_numbers_in_either_order(placeless: Path, tmp_path: Path):
    workspace = placeless  # the numbers, whatever the report shows
    assert _build(workspace, "2021-08-20") == 6  # No. 1 on first_report, 15 August, daily
    other = tmp_path / "other"
    shutil.copytree(workspace, other)  # the same workspace, No. 6 issued, twice
    # The order the issue lock gave one build first, then the other.
    first = [_build(workspace, "2021-08-22"), _build(workspace, "2021-08-23")]
    second = [_build(other, "2021-08-23"), _build(other, "2021-08-22")]
    assert first == [8, 9] and second == [9, 8]
    assert _numbers(workspace) == _numbers(other) == {
        "2021-08-20": 6, "2021-08-22": 8, "2021-08-23": 9
    }  # fmt: skip
    # A date left out keeps its number: built later, 21 August is No. 7, between its neighbours.
    assert _build(workspace, "2021-08-21") == 7


@pytest.mark.slow
def test_a_number_given_by_hand_is_never_another_dates(placeless: Path):
    workspace = placeless  # the numbers, whatever the report shows
    assert _build(workspace, "2021-08-20") == 6
    with pytest.raises(ReportExistsError, match=r"No\. 6 is already the report of 2021-08-20"):
        _build(workspace, "2021-08-23", number=6)
    assert _build(workspace, "2021-08-23", number=12) == 12
    assert _numbers(workspace) == {"2021-08-20": 6, "2021-08-23": 12}


def _issued(day: str, number: int) -> Issued:
    return Issued(day, number, 0, f"{day}/r.pdf", f"{day}/r.html", "sha", "fp", day)


def _settings(cadence_days: int) -> SimpleNamespace:
    return SimpleNamespace(
        first_report=DAY("2024-01-01"), first_number=1, cadence_days=cadence_days,
        output_dir=Path("output"),
    )  # fmt: skip


def _issue_in_order(cadence_days: int, days: list[str]) -> dict[str, int | str]:
    """Each date issued in turn: its number, or the start of why it has none."""
    record: list[Issued] = []
    got: dict[str, int | str] = {}
    for day in days:
        try:
            number = series_number(_settings(cadence_days), record, DAY(day))
        except ReportExistsError as refused:
            got[day] = str(refused).split(":")[0]
            continue
        record.append(_issued(day, number))
        got[day] = number
    return got


@pytest.mark.parametrize(
    ("cadence", "days", "numbers"),
    [
        (1, ["2024-01-05", "2024-01-09", "2024-01-06"], {"2024-01-05": 5, "2024-01-06": 6,
                                                        "2024-01-09": 9}),
        (7, ["2024-01-01", "2024-01-22", "2024-01-08"], {"2024-01-01": 1, "2024-01-08": 2,
                                                        "2024-01-22": 4}),
        (3, ["2024-01-01", "2024-01-10", "2024-01-04", "2024-01-31"],
         {"2024-01-01": 1, "2024-01-04": 2, "2024-01-10": 4, "2024-01-31": 11}),
    ],
)  # fmt: skip
def test_numbers_depend_on_the_dates_not_on_the_order(cadence, days, numbers):
    for order in (days, days[::-1], sorted(days), sorted(days, reverse=True)):
        assert _issue_in_order(cadence, order) == numbers, order


def test_a_record_from_before_continues_and_a_date_without_a_free_number_is_refused():
    # An older sitrep numbered 22 January No. 21, the next after No. 20 of 20 January.
    record = [_issued("2024-01-20", 20), _issued("2024-01-22", 21)]
    settings = _settings(1)
    assert series_number(settings, record, DAY("2024-01-25")) == 24
    with pytest.raises(ReportExistsError) as refused:
        series_number(settings, record, DAY("2024-01-21"))
    assert "(No. 20 of 2024-01-20 and No. 21 of 2024-01-22) leave it no number" in str(
        refused.value
    )
    assert "Give one with --number N" in str(refused.value)
    with pytest.raises(ConfigError, match="after the report date 2023-12-31"):
        series_number(settings, record, DAY("2023-12-31"))


def test_two_dates_in_one_step_of_a_weekly_cadence_the_second_needs_a_number():
    record = [_issued("2024-01-08", 2)]
    with pytest.raises(ReportExistsError) as refused:
        series_number(_settings(7), record, DAY("2024-01-10"))
    assert str(refused.value).startswith(
        "2024-01-10 is in the same step of the cadence (7 days) as No. 2 of 2024-01-08"
    )
