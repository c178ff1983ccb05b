"""What the record of issued reports holds, and what it says.

An issued report (`Issued`), the workspace's or an area's, and a complete `build --each` of a
date (`AreaBatch`), as `sitrep.issue.record` keeps them; the latest revision of a date, the
number a date takes, each area's latest report. Plain values: nothing here reads or writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issued:
    date: str  # ISO date of the report
    number: int
    revision: int  # 0 for the original
    pdf: str  # relative to the output folder
    html: str
    pdf_sha256: str
    fingerprint: str  # hash of what the report is made from (not who it is sent to)
    data_latest: str  # the newest date in the data when it was built
    files_sha256: str = ""  # the input files' bytes at issue: a quick check before `fingerprint`
    # the report in its other languages ([report] languages): code -> [pdf, html, pdf_sha256]
    editions: dict[str, list[str]] = field(default_factory=dict)
    area: str = ""  # an area report's P-code; '' for the workspace's report
    content_sha256: str = ""  # an area report: the HTML and the templates' assets laid out
    # the workspace's report: what it is made of (`sitrep.issue.content.ReportContent`, JSON;
    # `fingerprint` is its hash); '' when issued by a sitrep before it
    content: str = ""
    # the Word edition in each language that has one ([report] editions): code -> [docx, sha256];
    # the first language's too. Added to a report issued before "docx" was asked for
    word: dict[str, list[str]] = field(default_factory=dict)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


@dataclass(frozen=True, kw_only=True)
class AreaBatch:
    """A complete `build --each` of a date: what it was made from, and the areas it covers."""

    date: str
    fingerprint: str
    files_sha256: str
    data_latest: str
    areas: tuple[str, ...]


def latest_issue(record: list[Issued], day: dt.date) -> Issued | None:
    """The newest revision issued for `day`."""
    entries = [e for e in record if e.date == day.isoformat()]
    return max(entries, key=lambda e: e.revision, default=None)


def latest_by_area(record: list[Issued], day: str) -> dict[str, Issued]:
    """Area P-code -> its newest revision issued for `day` (ISO)."""
    latest: dict[str, Issued] = {}
    for entry in sorted(record, key=lambda e: e.revision):
        if entry.date == day:
            latest[entry.area] = entry
    return latest
