"""Reading what an office gives sitrep: CSV files and workbook sheets, HXL, DTM exports, cells
into values, the narrative's Markdown, input words, the office's COD file, and the caps on what
is read (limits, extent)."""
