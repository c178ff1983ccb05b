"""Caps on what sitrep agrees to read: file size, rows, cells, text, sheets, zip expansion, and
the narrative's size.

A workbook is a zip file; a crafted one (a "zip bomb") expands a few kilobytes into gigabytes.
The members' sizes are checked against their compressed sizes before any reader opens them,
and a sheet's grid is measured from its XML (`sitrep.inputs.extent`) before calamine builds it.
Each cap is a key of the `[limits]` section of sitrep.toml; a message that reports an exceeded
cap names the key, so a user with a trusted, large file knows what to raise.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from sitrep.problems import Message
from sitrep.settings.limits import Limits

ZIP_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
# Small members (styles, settings) compress very well and can never hurt: ratios are only
# checked for members that unpack to more than this.
ZIP_RATIO_FLOOR = 10 * 1024 * 1024
SHARED_STRINGS = "xl/sharedstrings.xml"
STRING_TAG_RE = re.compile(rb"<si[\s/>]")
# The most cells python-calamine builds for one sheet (its own cap in 0.9). Past it, an .ods is
# refused by calamine and an .xlsx makes it try to allocate the grid and abort the process: no
# `[limits] max_cells` lets a workbook sheet past it (a CSV file is not read by calamine).
READER_MAX_CELLS = 100_000_000


def exceeded(what: Message | str, key: str, limit: int, unit: str = "") -> Message:
    """'<what>: more than the limit of 2,000,000 rows (limits.max_rows). If the file is trusted,
    raise it in sitrep.toml: [limits] max_rows = ...'. `unit`: a `[problems.limit-exceeded]`
    entry ("rows", "MB", ...), or none. `what` is a Message, or text said in English only (the
    boundary file's errors, `sitrep.inputs.boundaries`)."""
    shown = Message(f"limit-exceeded.{unit}") if unit else ""
    return Message("limit-exceeded.limit", what=what, limit=limit, unit=shown, key=key)


def megabytes(size: float) -> str:
    return f"{size / 1024 / 1024:,.0f}"


def check_file_size(path: Path, limits: Limits) -> Message | None:
    """An error message when the file is larger than limits.max_file_mb, else None."""
    size = path.stat().st_size
    if size > limits.max_file_mb * 1024 * 1024:
        what = Message("limit-exceeded.file", size=megabytes(size))
        return exceeded(what, "max_file_mb", limits.max_file_mb, "MB")
    return None


def check_zip(path: Path, limits: Limits) -> Message | None:
    """An error message when a workbook's members unpack suspiciously, else None.

    Reads only the zip directory (sizes as declared); calamine checks the data against them.
    """
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return Message("unreadable.not-zip", suffix=path.suffix.lower())
    total = sum(m.file_size for m in members)
    if total > limits.max_unzipped_mb * 1024 * 1024:
        what = Message("limit-exceeded.unpacked", size=megabytes(total))
        return exceeded(what, "max_unzipped_mb", limits.max_unzipped_mb, "MB")
    for member in members:
        if member.file_size <= ZIP_RATIO_FLOOR:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            what = Message("limit-exceeded.zip-bomb", member=member.filename, ratio=f"{ratio:,.0f}")
            return exceeded(what, "max_zip_ratio", limits.max_zip_ratio, "ratio")
    strings = next((m for m in members if m.filename.lower() == SHARED_STRINGS), None)
    return _check_strings(path, strings, limits) if strings is not None else None


def _check_strings(path: Path, member: zipfile.ZipInfo, limits: Limits) -> Message | None:
    """An error message when an .xlsx's string table, which calamine loads whole when it opens
    the workbook (whichever sheet is read), is over the caps of one sheet: its size against
    max_text_mb (from the zip directory), its strings against max_cells (counted, when it is
    big enough to hold that many: five bytes each at least, `<si/>`)."""
    if member.file_size > limits.max_text_mb * 1024 * 1024:
        what = Message(
            "limit-exceeded.shared-strings-size",
            member=member.filename,
            size=megabytes(member.file_size),
        )
        return exceeded(what, "max_text_mb", limits.max_text_mb, "MB")
    if member.file_size < 5 * limits.max_cells:
        return None
    count, carry = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while (block := stream.read(4 * 1024 * 1024)) and count <= limits.max_cells:
            data = carry + block  # a tag cut by the block's end is found whole (4 > 3 bytes)
            count += len(STRING_TAG_RE.findall(data))
            carry = data[-3:]
    if count > limits.max_cells:
        what = Message(
            "limit-exceeded.shared-strings-count", member=member.filename, count=limits.max_cells
        )
        return exceeded(what, "max_cells", limits.max_cells, "cells")
    return None


def check_extent(extent, limits: Limits) -> Message | None:
    """An error message when a measured sheet (`inputs.extent.Extent`) is over a cap, else None."""
    sheet = extent.sheet
    if extent.rows > limits.max_rows:
        what = Message("limit-exceeded.sheet-rows", sheet=sheet, rows=extent.rows)
        return exceeded(what, "max_rows", limits.max_rows, "rows")
    if extent.cells > limits.max_cells:
        what = Message(
            "limit-exceeded.sheet-cells",
            sheet=sheet,
            rows=extent.rows,
            columns=extent.columns,
            cells=extent.cells,
        )
        return exceeded(what, "max_cells", limits.max_cells, "cells")
    if extent.cells > READER_MAX_CELLS:
        return Message(
            "limit-exceeded.reader-cells",
            sheet=sheet,
            rows=extent.rows,
            columns=extent.columns,
            cells=extent.cells,
            reader=READER_MAX_CELLS,
        )
    if extent.text_bytes > limits.max_text_mb * 1024 * 1024:
        what = Message("limit-exceeded.sheet-text", sheet=sheet, size=megabytes(extent.text_bytes))
        return exceeded(what, "max_text_mb", limits.max_text_mb, "MB")
    return None
