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


def exceeded(what: str, key: str, limit: int, unit: str = "") -> str:
    """'... more than limits.max_rows = 2000000 allows; raise [limits] max_rows in sitrep.toml'."""
    return (
        f"{what}: more than the limit of {limit:,}{unit} (limits.{key}). If the file is trusted, "
        f"raise it in sitrep.toml: [limits] {key} = ..."
    )


def check_file_size(path: Path, limits: Limits) -> str | None:
    """An error message when the file is larger than limits.max_file_mb, else None."""
    size = path.stat().st_size
    if size > limits.max_file_mb * 1024 * 1024:
        return exceeded(
            f"the file is {size / 1024 / 1024:,.0f} MB", "max_file_mb", limits.max_file_mb, " MB"
        )
    return None


def check_zip(path: Path, limits: Limits) -> str | None:
    """An error message when a workbook's members unpack suspiciously, else None.

    Reads only the zip directory (sizes as declared); calamine checks the data against them.
    """
    if path.suffix.lower() not in ZIP_SUFFIXES:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return (
            f"not a valid {path.suffix.lower()} workbook (it is not a zip file; "
            "was a CSV or HTML file renamed?)"
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_unzipped_mb * 1024 * 1024:
        what = f"the workbook unpacks to {total / 1024 / 1024:,.0f} MB"
        return exceeded(what, "max_unzipped_mb", limits.max_unzipped_mb, " MB")
    for member in members:
        if member.file_size <= ZIP_RATIO_FLOOR:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_zip_ratio:
            what = (
                f"{member.filename} unpacks {ratio:,.0f} times larger than it is stored "
                "(a zip bomb?)"
            )
            return exceeded(what, "max_zip_ratio", limits.max_zip_ratio, ":1")
    strings = next((m for m in members if m.filename.lower() == SHARED_STRINGS), None)
    return _check_strings(path, strings, limits) if strings is not None else None


def _check_strings(path: Path, member: zipfile.ZipInfo, limits: Limits) -> str | None:
    """An error message when an .xlsx's string table, which calamine loads whole when it opens
    the workbook (whichever sheet is read), is over the caps of one sheet: its size against
    max_text_mb (from the zip directory), its strings against max_cells (counted, when it is
    big enough to hold that many: five bytes each at least, `<si/>`)."""
    what = f"the workbook's shared strings ({member.filename}), which are read whole,"
    if member.file_size > limits.max_text_mb * 1024 * 1024:
        what += f" unpack to {member.file_size / 1024 / 1024:,.0f} MB"
        return exceeded(what, "max_text_mb", limits.max_text_mb, " MB")
    if member.file_size < 5 * limits.max_cells:
        return None
    count, carry = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
        while (block := stream.read(4 * 1024 * 1024)) and count <= limits.max_cells:
            data = carry + block  # a tag cut by the block's end is found whole (4 > 3 bytes)
            count += len(STRING_TAG_RE.findall(data))
            carry = data[-3:]
    if count > limits.max_cells:
        what += f" hold more than {limits.max_cells:,} strings"
        return exceeded(what, "max_cells", limits.max_cells, " cells")
    return None


def check_extent(extent, limits: Limits) -> str | None:
    """An error message when a measured sheet (`inputs.extent.Extent`) is over a cap, else None."""
    where = f"sheet {extent.sheet}"
    if extent.rows > limits.max_rows:
        what = f"{where} reaches row {extent.rows:,}"
        return exceeded(what, "max_rows", limits.max_rows, " rows")
    if extent.cells > limits.max_cells:
        what = (
            f"{where} spans {extent.rows:,} rows x {extent.columns:,} columns "
            f"({extent.cells:,} cells, counting from A1 to its farthest cell)"
        )
        return exceeded(what, "max_cells", limits.max_cells, " cells")
    if extent.cells > READER_MAX_CELLS:
        return (
            f"{where} spans {extent.rows:,} rows x {extent.columns:,} columns "
            f"({extent.cells:,} cells): more than the workbook reader can build "
            f"({READER_MAX_CELLS:,} cells) whatever limits.max_cells allows. Delete the empty "
            "rows and columns past the data, or save the sheet as a CSV file"
        )
    if extent.text_bytes > limits.max_text_mb * 1024 * 1024:
        what = f"the cells of {where} hold about {extent.text_bytes / 1024 / 1024:,.0f} MB of text"
        return exceeded(what, "max_text_mb", limits.max_text_mb, " MB")
    return None
