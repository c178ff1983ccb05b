"""Write the kind of workbook an IMO keeps: one sheet per table, a header row and an HXL row.

Used by `sitrep init` (a blank workbook) and to make the sample. openpyxl is used only here:
sitrep reads workbooks with python-calamine, which is faster. Each sheet has a bold human header
row and an italic hashtag row frozen above the data, widths that fit the content, date and
number formats on the data rows, and dropdowns for the columns with a vocabulary. The About sheet
explains every column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sitrep.safety import neutralise_cell
from sitrep.schema import SCHEMAS, VOCABULARIES, Column, TableSchema

ABOUT = {
    "text": "Free text.",
    "people": "A whole number of people (or families): 1200 or 1,200. Leave blank if unknown.",
    "number": "A number, with a decimal point: 1200.50.",
    "date": "A date: 2021-08-24, 24/08/2021 (day first) or 24 Aug 2021.",
    "pcode": "A P-code of the country (HT0111, TCD0704) or a place name: the country's P-code "
    "list or the places sheet knows it.",
    "vocab": "One of the words in the dropdown.",
    "email": "An email address.",
    "lists": "Distribution list names, separated by ; or ,",
    "bool": "yes or no.",
}
NOTES = (
    "How sitrep reads this workbook",
    "Row 1 holds the column headers and row 2 the HXL hashtags; sitrep finds columns by "
    "hashtag, so columns may be moved, renamed or added.",
    "Dates are read day first: 05/08/2021 is 5 August 2021. Write YYYY-MM-DD to be sure.",
    "n/a, -, unknown and blank cells are missing values, shown as -- in the report.",
    "Numbers may have thousands separators (1,200 or 1 200); people counts are whole numbers.",
    "Place names are turned into P-codes with a gazetteer; the places sheet adds names to it.",
)
DATA_ROWS = 1000  # rows of formats and dropdowns prepared in a blank sheet
WIDTHS = {"date": 13, "people": 12, "number": 11, "pcode": 12, "email": 28, "bool": 9}
WIDE_TEXT = {"source", "cause", "route", "place", "aliases", "organisation", "name", "lists"}
HEADER_FILL = "0B5EA8"


def mark_text_cells(ws, first_row: int) -> None:
    """Text a spreadsheet would run as a formula ("=...", "+93 ...") is stored as text.

    The cell keeps its exact value and gets Excel's own "quote prefix" flag, so Excel and
    LibreOffice show it as text and never evaluate it, and readers get the value unchanged.
    """
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if isinstance(cell.value, str) and neutralise_cell(cell.value) != cell.value:
                cell.data_type = "s"
                cell.quotePrefix = True


def header_text(column: Column) -> str:
    """'people_affected' -> 'People affected' (read back as the same column)."""
    return column.name.replace("_", " ").capitalize()


def column_width(column: Column) -> int:
    if column.kind in WIDTHS:
        return max(WIDTHS[column.kind], len(header_text(column)) + 3)
    if column.kind == "vocab":
        return max(14, max(len(w) for w in VOCABULARIES[column.vocab or ""]) + 4)
    return 32 if column.name in WIDE_TEXT else max(14, len(header_text(column)) + 4)


def _style_header(ws) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
    for cell in ws[2]:
        cell.font = Font(italic=True, color="5F6368")
    ws.freeze_panes = "A3"


def _write_sheet(ws, schema: TableSchema, rows: Sequence[dict[str, object]]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = schema.columns
    ws.append([header_text(c) for c in columns])
    ws.append([c.hxl or "" for c in columns])
    _style_header(ws)
    for record in rows:
        ws.append([record.get(c.name) for c in columns])
    mark_text_cells(ws, first_row=3)
    last_row = max(ws.max_row, DATA_ROWS)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column_width(column)
        number_format = {"date": "yyyy-mm-dd", "people": "#,##0"}.get(column.kind)
        if number_format:
            for (cell,) in ws.iter_rows(min_row=3, max_row=last_row, min_col=index, max_col=index):
                cell.number_format = number_format
        if column.kind == "vocab" and column.vocab:
            words = ",".join(VOCABULARIES[column.vocab])
            rule = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
            rule.error = f"Choose one of: {words}"
            rule.errorTitle = f"{header_text(column)}"
            rule.add(f"{letter}3:{letter}{last_row}")
            ws.add_data_validation(rule)


def _write_about(about, names: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font

    about.append([NOTES[0]])
    about["A1"].font = Font(bold=True, size=13)
    for note in NOTES[1:]:
        about.append([note])
    about.append([])
    about.append(["sheet", "column", "required", "HXL hashtag", "what to enter"])
    header_row = about.max_row
    for cell in about[header_row]:
        cell.font = Font(bold=True)
    for name in names:
        for column in SCHEMAS[name].columns:
            kind = ABOUT[column.kind]
            if column.vocab:
                kind += " (" + ", ".join(VOCABULARIES[column.vocab]) + ")"
            if column.unique:
                kind += " Each value only once."
            required = "yes" if column.not_blank else ""
            about.append([name, header_text(column), required, column.hxl or "", kind])
    for letter, width in zip("ABCDE", (14, 20, 9, 26, 90), strict=True):
        about.column_dimensions[letter].width = width
    for row in about.iter_rows(min_row=header_row + 1, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    about.freeze_panes = f"A{header_row + 1}"


def write_workbook(path: Path, rows: dict[str, Sequence[dict[str, object]]]) -> None:
    """A workbook with a sheet per table in `rows` (in schema order) and an About sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    names = [name for name in SCHEMAS if name in rows]
    for name in names:
        _write_sheet(workbook.create_sheet(name), SCHEMAS[name], rows[name])
    _write_about(workbook.create_sheet("About"), names)
    # Fixed timestamps: the same rows give the same workbook.
    workbook.properties.created = workbook.properties.modified = dt.datetime(2021, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
