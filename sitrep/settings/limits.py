"""The `[limits]` section of sitrep.toml: caps on what sitrep agrees to read.

Declared here, with the other settings, because settings are read before anything else; the
checks that apply them, before any file is parsed, are `sitrep.inputs.limits`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitrep.settings.check import Section, whole


@dataclass(frozen=True, kw_only=True)
class Limits:
    """The `[limits]` section of sitrep.toml, each field one key (`sitrep.settings.check`)."""

    max_file_mb: int = whole(500, 1, None, "any input file, on disk, in MB")
    max_rows: int = whole(2_000_000, 1, None, "rows of one sheet or CSV file, header rows included")
    max_cell_chars: int = whole(32_767, 1, None, "the characters of one cell (Excel's own limit)")
    max_sheets: int = whole(200, 1, None, "sheets in one workbook")
    max_zip_ratio: int = whole(
        200, 1, None, "uncompressed / compressed size of one workbook member (zip bombs)"
    )
    max_unzipped_mb: int = whole(2_000, 1, None, "all members of one workbook, uncompressed, in MB")
    max_cells: int = whole(
        20_000_000,
        1,
        None,
        "rows x columns of one sheet or CSV file, counted from A1 to its farthest cell",
    )
    max_text_mb: int = whole(
        200,
        1,
        None,
        "the text of one sheet's cells in MB, a shared string counted once per cell that uses it",
    )
    # A day's narrative is a few KB (the sample's 1.6 KB; at 4 KB its report has 6 pages, built
    # in 2.1 s). 256 KB is some 47,000 words, 52 pages built in 5.5 s: room for any real one,
    # where 2 MB took 362 pages and 29 s, and 10 MB 178 s and 1.2 GB.
    max_narrative_kb: int = whole(
        256, 1, None, "a narrative file, on disk, in KB (a day's is a few KB)"
    )
    # A COD-AB file as read: a zip's members as unpacked. Admin-2 files of large countries are
    # some 10-60 MB; GeoJSON is parsed whole (about 8 bytes of memory per byte of file).
    max_boundaries_mb: int = whole(
        200,
        1,
        None,
        "the boundary file (`[geography] boundaries`) as read, a zip's members unpacked, in MB",
    )


LIMITS = Section(
    name="limits",
    doc="caps on what sitrep reads; raise one only for a file you trust",
    settings=Limits,
)
