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
