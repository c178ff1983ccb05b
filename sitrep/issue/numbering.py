"""A report's number and revision, and what is said when it has none or must be revised.

`build_report` (sitrep.report) and `build --each` (sitrep.issue.batch) call these holding the
issue lock (`sitrep.issue.record.issue_lock`), once the report date is known: the workspace's
report takes the next number of the series (`number_and_revision`), and its area reports the
same number (`series_number`). Each message is written here once, for every kind of report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sitrep.errors import AlreadyIssued, ConfigError, ReportExistsError
from sitrep.issue.entries import Issued, latest_issue, number_for
from sitrep.issue.fingerprint import unchanged
from sitrep.issue.record import load_record
from sitrep.settings.config import Config

if TYPE_CHECKING:
    from sitrep.pipeline import BuildOptions


def planned_number(config: Config, day: dt.date) -> int:
    """The number the series gives `day` when nothing is issued: No. 1 on the first report."""
    if day < config.first_report:
        raise ConfigError(
            f"report.first_report is {config.first_report}, after the report date {day}, so "
            f"this report has no number in the series. Set first_report in sitrep.toml to the "
            f"date of report No. {config.first_number} (on or before {day}), or give the "
            f"number with --number N."
        )
    return config.first_number + (day - config.first_report).days // config.cadence_days


def series_number(
    config: Config, options: BuildOptions, day: dt.date, record: list[Issued] | None = None
) -> int:
    """The number of `day` in the workspace's series (`--number`, its own, or the next one);
    the area reports of `day` carry it too. `record`: the workspace's, if already read."""
    record = load_record(config.output_dir) if record is None else record
    seed = planned_number(config, day) if not record and not options.number else 0
    number = options.number or number_for(record, day, seed)
    if number is None:
        raise ReportExistsError(
            f"reports after {day} are already issued, so {day} has no number of its own. "
            f"Give one with --number N."
        )
    return number


def number_and_revision(
    config: Config, options: BuildOptions, day: dt.date, fps: tuple[str, str]
) -> tuple[int, int]:
    """A date keeps its number; an issued report changes only as a revision, on request."""
    record = load_record(config.output_dir)
    number = series_number(config, options, day, record)
    issued = latest_issue(record, day)
    if not issued or options.draft:
        return number, 0
    if not unchanged(issued, *fps) and not options.revise:
        pdf = str(config.output_dir / issued.pdf)
        raise issued_from_other_inputs(issued.number, day, pdf=pdf)
    return number, issued.revision + 1 if options.revise else issued.revision


def revise_command(day: dt.date, each: bool) -> str:
    """The command that issues a revision of the report of `day` (`each`: its area reports)."""
    return f"sitrep build{' --each area' if each else ''} --date {day} --revise"


def issued_from_other_inputs(
    number: int, day: dt.date, *, pdf: str = "", areas: Sequence[str] = ()
) -> AlreadyIssued:
    """The report of `day` (its `pdf`), or these `areas`' reports, were issued from inputs that
    have changed since."""
    which = f" of {', '.join(areas)}" if areas else ""
    files = "" if areas else f" ({pdf})"
    return AlreadyIssued(
        f"Situation Report No. {number} for {day}{which} was already issued from different "
        f"inputs{files}. Nothing was written{' for them' if areas else ''}.\n"
        f"To issue a corrected version, run: {revise_command(day, bool(areas))}"
    )


def differs_from_issued(pdf: str, day: dt.date, each: bool) -> AlreadyIssued:
    """An issued PDF that the same inputs no longer give byte for byte."""
    return AlreadyIssued(
        f"{pdf} differs from what these inputs give now (sitrep or a font changed?). "
        f"Nothing was written. To issue it again, run: {revise_command(day, each)}"
    )
