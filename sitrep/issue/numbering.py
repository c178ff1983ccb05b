"""Issuing a report: its number and revision, and the PDF and the record committed together.

`build_report` (sitrep.report) calls these holding the issue lock
(`sitrep.issue.record.issue_lock`):
`number_and_revision` when the report date is known, `issue` once the PDF is made. `issue`
records the entry as pending, writes the HTML edition and the PDF atomically, then records it
as issued; on any failure (a full disk, Ctrl+C) nothing is left issued or half-recorded, and a
process killed in between is finished or redone by the next build (`sitrep.issue.record.recover`).

A number follows the cadence (`series_number`): it depends on the report's date and the
reports issued, never on the order builds arrive in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import AlreadyIssued, ConfigError, ReportExistsError
from sitrep.files import atomic_write, sha256_bytes, sha256_file
from sitrep.issue.fingerprint import unchanged
from sitrep.issue.record import (
    Issued,
    abandon_issue,
    begin_issue,
    issued_files,
    latest_issue,
    load_record,
    record_issue,
)
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


def number_and_revision(
    config: Config, options: BuildOptions, day: dt.date, fps: tuple[str, str]
) -> tuple[int, int]:
    """A date keeps its number; an issued report changes only as a revision, on request."""
    record = load_record(config.output_dir)
    issued = latest_issue(record, day)
    number = series_number(config, record, day, options.number)
    if not issued or options.draft:
        return number, 0
    if not unchanged(issued, *fps) and not options.revise:
        raise AlreadyIssued(
            f"Situation Report No. {issued.number} for {day} was already issued from "
            f"different inputs ({config.output_dir / issued.pdf}). Nothing was written.\n"
            f"To issue a corrected version, run: sitrep build --date {day} --revise"
        )
    return number, issued.revision + 1 if options.revise else issued.revision


def check_replace(config: Config, day: dt.date, pdf: Path, data: bytes) -> list[str]:
    """Refuse to replace an issued PDF with different bytes; a PDF never recorded is replaced.

    (A build killed after writing it and before recording it leaves such a PDF: not issued.)
    """
    if not pdf.is_file() or sha256_file(pdf) == sha256_bytes(data):
        return []
    if str(pdf.relative_to(config.output_dir)) in issued_files(load_record(config.output_dir)):
        raise AlreadyIssued(
            f"{pdf} differs from what these inputs give now (sitrep or a font changed?). "
            f"Nothing was written. To issue it again, run: sitrep build --date {day} --revise"
        )
    return [f"{pdf.name} was never recorded as issued (an interrupted build?): replaced"]


def issue(
    config: Config,
    issued: Issued,
    pdf_data: bytes,
    edition: bytes,
    translations: Sequence[tuple[Path, Path, bytes, bytes]] = (),
) -> list[str]:
    """Write the report's PDF and HTML edition and record it as issued; notes to show.

    `translations`: (PDF path, HTML path, PDF, HTML) of the report in its other languages,
    written before the first language's PDF: once that one is in place, all of them are.
    """
    out = config.output_dir
    pdf, html = out / issued.pdf, out / issued.html
    notes = check_replace(config, issued.day, pdf, pdf_data)
    for other_pdf, _, data, _ in translations:
        notes += check_replace(config, issued.day, other_pdf, data)
    issued_before = issued_files(load_record(out))  # --force: the same files again
    begin_issue(out, issued)
    try:
        for other_pdf, other_html, data, page in translations:
            atomic_write(other_html, page)
            atomic_write(other_pdf, data)
        atomic_write(html, edition)
        atomic_write(pdf, pdf_data)  # were the process killed now, `recover` finishes the issue
        record_issue(out, issued)
    except BaseException:  # a full disk, Ctrl+C: nothing issued, nothing half-recorded
        for path in [pdf, *(t[0] for t in translations)]:
            if str(path.relative_to(out)) not in issued_before:
                path.unlink(missing_ok=True)
        abandon_issue(out, issued)
        raise
    return notes
