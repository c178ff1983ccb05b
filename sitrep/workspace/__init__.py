"""A new workspace for any country: `sitrep init`, and the workbook it writes."""
