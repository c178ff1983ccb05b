"""Issuing a report's files: the one path every report takes, the workspace's and each area's.

`hold_issue_lock` takes the issue lock and recovers what a killed process left (`sitrep.issue.
record.recover`); then, once the report is laid out, `issue` commits its files and its record
together: it refuses to replace an issued PDF with other bytes, records the entry as pending,
writes every file atomically (the PDF last: once it is in place, all are), then records it as
issued. On any failure (a full disk, Ctrl+C) nothing is left issued or half-recorded, and a
process killed in between is finished or redone by the next build, `build` or `build --each`.
A draft is never issued: `write_draft` only writes it. A Word edition asked for after a report
was issued is added to it (`add_word_editions`), made from its issued HTML edition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from sitrep.files import atomic_write, sha256_bytes, sha256_file
from sitrep.issue.entries import Issued
from sitrep.issue.numbering import differs_from_issued
from sitrep.issue.record import (
    abandon_issue,
    begin_issue,
    issue_lock,
    issued_pdfs,
    record_issue,
    recover,
)

Files = Sequence[tuple[Path, bytes]]  # (path, bytes) in the order they are written


def hold_issue_lock(output_dir: Path, held: ExitStack) -> list[str]:
    """Take the issue lock (until `held` closes) and finish or drop what a killed build left
    pending; a note for each."""
    held.enter_context(issue_lock(output_dir))
    return recover(output_dir)


def check_replace(
    output_dir: Path, day: dt.date, pdf: Path, data: bytes, issued: set[str], each: bool = False
) -> list[str]:
    """Refuse to replace an issued PDF with different bytes; a PDF never recorded is replaced.

    (A build killed after writing it and before recording it leaves such a PDF: not issued.)
    `issued`: the PDFs the record names (`issued_pdfs`); `each`: an area report's.
    """
    if not pdf.is_file() or sha256_file(pdf) == sha256_bytes(data):
        return []
    if str(pdf.relative_to(output_dir)) in issued:
        raise differs_from_issued(str(pdf), day, each)
    return [f"{pdf.name} was never recorded as issued (an interrupted build?): replaced"]


def issue(output_dir: Path, entry: Issued, files: Files, each: bool = False) -> list[str]:
    """Write a report's `files` and record `entry` as issued, crash-safely; notes to show.

    `files` are written in their order; `entry.pdf` comes last. `each`: an area report (what
    its messages tell to run).
    """
    issued_before = issued_pdfs(output_dir)  # --force: the same files again
    pdfs = [path for path, _ in files if path.suffix == ".pdf"]
    notes = []
    for path, data in files:
        if path.suffix == ".pdf":
            notes += check_replace(output_dir, entry.day, path, data, issued_before, each)
    begin_issue(output_dir, entry)
    try:
        for path, data in files:
            atomic_write(path, data)  # were the process killed after the PDF, `recover` finishes
        record_issue(output_dir, entry)
    except BaseException:  # a full disk, Ctrl+C: nothing issued, nothing half-recorded
        for path in pdfs:
            if str(path.relative_to(output_dir)) not in issued_before:
                path.unlink(missing_ok=True)
        abandon_issue(output_dir, entry)
        raise
    return notes


def write_draft(files: Files) -> None:
    """A draft's files, written atomically; never recorded."""
    for path, data in files:
        atomic_write(path, data)


def add_word_editions(output_dir: Path, issued: Issued, first: str, dirs: list[Path]) -> Issued:
    """`issued`, with a Word edition in each of its languages (`first`: its first language's code).

    One it lacks (`[report] editions` asked for "docx" after it was issued; a .docx deleted) is
    made from its issued HTML edition, which is what a build makes it from (the print HTML and
    the edition give the same .docx, byte for byte), written beside its PDF and added to its
    record: its PDF, number and revision stay as issued. `dirs`: the template folders.
    """
    languages = {first: (issued.pdf, issued.html)}
    languages |= {code: (pdf, html) for code, (pdf, html, _) in issued.editions.items()}
    word = dict(issued.word)
    for code, (pdf, html) in languages.items():
        if code in word and _intact(output_dir / word[code][0], word[code][1]):
            continue
        if not (output_dir / html).is_file():
            continue  # an edition deleted by hand: nothing to make it from
        # python-docx (and lxml) only when a Word edition is made: an unchanged build is fast
        from sitrep.render.word import word_edition

        data = word_edition((output_dir / html).read_text("utf-8"), dirs, issued.day)
        docx = Path(pdf).with_suffix(".docx")
        atomic_write(output_dir / docx, data)
        word[code] = [str(docx), sha256_bytes(data)]
    if word == issued.word:
        return issued
    entry = replace(issued, word=word)
    record_issue(output_dir, entry)
    return entry


def _intact(path: Path, digest: str) -> bool:
    return path.is_file() and sha256_file(path) == digest
