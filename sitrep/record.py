"""The workspace's record of issued reports: numbers, revisions and what each was built from.

Kept in `output/issued.json` beside the reports it describes. A date keeps its number for good;
an issued PDF is never overwritten: different inputs make a revision, on request.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

from sitrep.fsutil import atomic_write, sha256_bytes

RECORD_NAME = "issued.json"
E = TypeVar("E", bound="Issued")


@dataclass(frozen=True)
class Issued:
    date: str  # ISO date of the report
    number: int
    revision: int  # 0 for the original
    pdf: str  # relative to the output folder
    html: str
    pdf_sha256: str
    fingerprint: str  # hash of every input, template, setting and sitrep's version
    data_latest: str  # the newest date in the data when it was built

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)


def _read(path: Path, kind: type[E]) -> list[E]:
    if not path.is_file():
        return []
    return [kind(**entry) for entry in json.loads(path.read_text("utf-8"))["reports"]]


def _write(path: Path, entries: list[E]) -> None:
    text = json.dumps({"reports": [asdict(e) for e in entries]}, indent=2) + "\n"
    atomic_write(path, text.encode("utf-8"))


def load_record(output_dir: Path) -> list[Issued]:
    return _read(output_dir / RECORD_NAME, Issued)


def save_record(output_dir: Path, record: list[Issued]) -> None:
    _write(output_dir / RECORD_NAME, sorted(record, key=lambda e: (e.date, e.revision)))


def record_issue(output_dir: Path, issued: Issued) -> None:
    """Add `issued` to the record, replacing an entry of the same date and revision."""
    record = [
        e for e in load_record(output_dir) if (e.date, e.revision) != (issued.date, issued.revision)
    ]
    save_record(output_dir, [*record, issued])


def latest_issue(record: list[Issued], day: dt.date) -> Issued | None:
    """The newest revision issued for `day`."""
    entries = [e for e in record if e.date == day.isoformat()]
    return max(entries, key=lambda e: e.revision, default=None)


def number_for(record: list[Issued], day: dt.date, seed: int) -> int | None:
    """The number a report for `day` takes: its own if issued, else the next in the series.

    `seed` is the number for an empty record. None means `day` falls before a report that was
    already issued and has no number of its own: the caller asks for an explicit --number.
    """
    if issued := latest_issue(record, day):
        return issued.number
    if not record:
        return seed
    last = max(record, key=lambda e: e.date)
    return last.number + 1 if day > last.day else None


# The record of issued province reports (`build --each province`), apart from the main series.
PROVINCE_RECORD = "issued-provinces.json"


@dataclass(frozen=True)
class ProvinceIssued(Issued):
    province: str = ""  # P-code
    content_sha256: str = ""  # the HTML and the templates' assets it was laid out with


def load_province_record(output_dir: Path) -> list[ProvinceIssued]:
    return _read(output_dir / PROVINCE_RECORD, ProvinceIssued)


def save_province_record(output_dir: Path, record: list[ProvinceIssued]) -> None:
    key = lambda e: (e.date, e.province, e.revision)  # noqa: E731
    _write(output_dir / PROVINCE_RECORD, sorted(record, key=key))


def latest_by_province(record: list[ProvinceIssued], day: str) -> dict[str, ProvinceIssued]:
    """Province P-code -> its newest revision issued for `day` (ISO)."""
    latest: dict[str, ProvinceIssued] = {}
    for entry in sorted(record, key=lambda e: e.revision):
        if entry.date == day:
            latest[entry.province] = entry
    return latest


def province_key(fp: str, pcode: str) -> str:
    """A province report's fingerprint: the inputs' fingerprint and its P-code."""
    return sha256_bytes(f"{fp}\nprovince {pcode}".encode())
