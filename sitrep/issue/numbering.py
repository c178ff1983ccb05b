"""A report's number and revision, and what is said when it has none or must be revised.

`build_report` (sitrep.report) and `build --each` (sitrep.issue.batch) call these holding the
issue lock (`sitrep.issue.record.issue_lock`), once the report date is known: the workspace's
report takes its number in the series (`number_and_revision`), and its area reports the same
number (`series_number`). Each message is written here once, for every kind of report.

A number follows the cadence (`series_number`): it depends on the report's date and the
reports issued, never on the order builds arrive in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from sitrep.errors import AlreadyIssued, ConfigError, ReportExistsError
from sitrep.issue.content import ReportContent, what_changed
from sitrep.issue.entries import Issued, latest_issue
from sitrep.issue.record import load_record
from sitrep.settings.config import Config

if TYPE_CHECKING:
    from sitrep.pipeline import BuildOptions


def cadence_step(config: Config, day: dt.date) -> int:
    """`day`'s step in the cadence: 0 on `first_report`, 1 on the next date of the cadence, ...
    (a date between two steps is in the earlier one's)."""
    return (day - config.first_report).days // config.cadence_days


def planned_number(config: Config, day: dt.date) -> int:
    """The number the series gives `day` when nothing is issued: No. 1 on the first report."""
    if day < config.first_report:
        raise ConfigError(
            f"report.first_report is {config.first_report}, after the report date {day}, so "
            f"this report has no number in the series. Set first_report in sitrep.toml to the "
            f"date of report No. {config.first_number} (on or before {day}), or give the "
            f"number with --number N."
        )
    return config.first_number + cadence_step(config, day)


def series_number(
    config: Config, record: list[Issued], day: dt.date, asked: int | None = None
) -> int:
    """The number of the report of `day`: `asked` (--number), else its own if it is issued,
    else the cadence's.

    Numbers follow the cadence, one per step: counted from the nearest report issued before
    `day` (a date without a report leaves its number unused), else back from the nearest one
    after it, else from `first_report`. So a number depends on the dates alone, never on which
    build took the issue lock first: two new dates built at once, or one after the other in
    either order, get the same two numbers. ReportExistsError when that number is not free (a
    report of the same cadence step is issued, or its neighbours' numbers, given by hand or by
    an older sitrep, leave none between them): --number gives one. A number given by hand must
    not be another date's.
    """
    if asked is not None:
        if taken := [e for e in record if e.number == asked and e.date != day.isoformat()]:
            raise ReportExistsError(
                f"No. {asked} is already the report of {taken[0].date} "
                f"({config.output_dir / taken[0].pdf}): give {day} another --number"
            )
        return asked
    if issued := latest_issue(record, day):
        return issued.number
    if not record or day < config.first_report:
        return planned_number(config, day)  # a date before first_report: the ConfigError
    before = max((e for e in record if e.day < day), key=lambda e: e.day, default=None)
    after = min((e for e in record if e.day > day), key=lambda e: e.day, default=None)
    if before is not None:
        number = before.number + cadence_step(config, day) - cadence_step(config, before.day)
    else:
        assert after is not None  # the record holds other dates than `day`
        number = after.number - (cadence_step(config, after.day) - cadence_step(config, day))
    for near in (before, after):
        if near is not None and cadence_step(config, near.day) == cadence_step(config, day):
            raise ReportExistsError(
                f"{day} is in the same step of the cadence ({config.cadence_days} days) as "
                f"No. {near.number} of {near.date}, already issued: one report per step, so "
                f"{day} has no number of its own. Give one with --number N."
            )
    if number < 1 or (before and number <= before.number) or (after and number >= after.number):
        around = " and ".join(f"No. {e.number} of {e.date}" for e in (before, after) if e)
        raise ReportExistsError(
            f"the reports issued around {day} ({around}) leave it no number of its own in "
            f"the cadence. Give one with --number N."
        )
    return number


def content_unchanged(issued: Issued, content: ReportContent, files_fp: str | None = None) -> bool:
    """Whether `issued` says what `content` says.

    A report issued by a sitrep that recorded only the files it was read from is taken as it
    is, its PDF intact (`learnt`: an upgrade forces no revision); given `files_fp`, as that
    sitrep took it: unchanged only if its files are (its PDF lost, it is not made again from
    other inputs without --revise).
    """
    if issued.content:
        return issued.fingerprint == content.fingerprint
    return files_fp is None or files_fp in (issued.files_sha256, issued.fingerprint)


def learnt(issued: Issued, files_fp: str, content: ReportContent) -> Issued:
    """`issued`, found unchanged, as the record keeps it from now on: with the bytes of the
    files that give it now (the quick check's), and its content if it had none recorded."""
    if issued.content:
        return replace(issued, files_sha256=files_fp)
    return replace(
        issued, files_sha256=files_fp, fingerprint=content.fingerprint, content=content.to_json()
    )


def adopted_note(issued: Issued) -> str:
    return (
        f"No. {issued.number} of {issued.date} was issued by an older sitrep, which recorded "
        f"the files it was read from, not what it says: it is taken as it is, and what it "
        f"says is recorded from today's inputs"
    )


def number_and_revision(
    config: Config, options: BuildOptions, day: dt.date, content: ReportContent, files_fp: str
) -> tuple[int, int]:
    """A date keeps its number; an issued report changes only as a revision, on request."""
    record = load_record(config.output_dir)
    number = series_number(config, record, day, options.number)
    issued = latest_issue(record, day)
    if not issued or options.draft:
        return number, 0
    if not content_unchanged(issued, content, files_fp) and not options.revise:
        pdf = str(config.output_dir / issued.pdf)
        old = ReportContent.from_json(issued.content)
        changes = what_changed(old, content) if old else []
        raise issued_from_other_inputs(issued.number, day, pdf=pdf, changes=changes)
    return number, issued.revision + 1 if options.revise else issued.revision


def revise_command(day: dt.date, each: bool) -> str:
    """The command that issues a revision of the report of `day` (`each`: its area reports)."""
    return f"sitrep build{' --each area' if each else ''} --date {day} --revise"


def issued_from_other_inputs(
    number: int,
    day: dt.date,
    *,
    pdf: str = "",
    areas: Sequence[str] = (),
    changes: Sequence[str] = (),
) -> AlreadyIssued:
    """The report of `day` (its `pdf`), or these `areas`' reports, were issued from inputs that
    have changed since; `changes`: what changed (`sitrep.issue.content.what_changed`)."""
    which = f" of {', '.join(areas)}" if areas else ""
    files = "" if areas else f" ({pdf})"
    said = "".join(f"\n  - {line}" for line in changes)
    since = f" What it says has changed since:{said}\n" if said else " "
    return AlreadyIssued(
        f"Situation Report No. {number} for {day}{which} was already issued from different "
        f"inputs{files}.{since}Nothing was written{' for them' if areas else ''}.\n"
        f"To issue a corrected version, run: {revise_command(day, bool(areas))}"
    )


def differs_from_issued(pdf: str, day: dt.date, each: bool) -> AlreadyIssued:
    """An issued PDF that the same inputs no longer give byte for byte."""
    return AlreadyIssued(
        f"{pdf} differs from what these inputs give now (sitrep or a font changed?). "
        f"Nothing was written. To issue it again, run: {revise_command(day, each)}"
    )
