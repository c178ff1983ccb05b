"""The `[limits]` section of sitrep.toml: caps on what sitrep agrees to read.

Declared here, with the other settings, because settings are read before anything else; the
checks that apply them, before any file is parsed, are `sitrep.inputs.limits`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The `[limits]` section of sitrep.toml (keys declared in sitrep.settings.schema)."""

    max_file_mb: int = 500  # any input file, on disk
    max_rows: int = 2_000_000  # rows of one sheet or CSV file, header rows included
    max_cell_chars: int = 32_767  # Excel's own limit for a cell
    max_sheets: int = 200  # sheets in one workbook
    max_zip_ratio: int = 200  # uncompressed / compressed size of one workbook member
    max_unzipped_mb: int = 2_000  # all members of one workbook, uncompressed
    max_cells: int = 20_000_000  # rows x columns of one sheet's grid, measured before reading
    max_text_mb: int = 200  # the text one sheet's cells hold (a shared string counts per cell)
    # A day's narrative is a few KB (the sample's 1.6 KB; at 4 KB its report has 6 pages, built
    # in 2.1 s). 256 KB is some 47,000 words, 52 pages built in 5.5 s: room for any real one,
    # where 2 MB took 362 pages and 29 s, and 10 MB 178 s and 1.2 GB.
    max_narrative_kb: int = 256
    # A COD-AB file as read: a zip's members as unpacked. Admin-2 files of large countries are
    # some 10-60 MB; GeoJSON is parsed whole (about 8 bytes of memory per byte of file).
    max_boundaries_mb: int = 200
