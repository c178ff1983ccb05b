"""Reading what an office gives sitrep: CSV files and workbook sheets, HXL, DTM exports, the
narrative's Markdown, input words, and the caps on what is read (limits, extent)."""
