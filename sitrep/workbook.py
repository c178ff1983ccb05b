"""Write the kind of workbook an IMO keeps: one sheet per table, a header row and an HXL row.

Used by `sitrep init` (a blank workbook) and to make the sample. openpyxl is used only here:
sitrep reads workbooks with python-calamine, which is faster.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sitrep.schema import SCHEMAS, VOCABULARIES, TableSchema

ABOUT = {
    "text": "Free text.",
    "people": "A whole number of people (or families); 1200 or 1,200. Leave blank if unknown.",
    "number": "A number.",
    "date": "A date: 2021-08-24 or 24/08/2021 (day first).",
    "pcode": "A P-code (AF0907) or a place name sitrep knows (Andarab, Banu).",
    "vocab": "One of the words in the dropdown.",
    "email": "An email address.",
    "lists": "Distribution list names, separated by ; or ,",
    "bool": "yes or no.",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _write_sheet(ws, schema: TableSchema, rows: Sequence[dict[str, object]]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    columns = schema.columns
    ws.append([c.name for c in columns])
    ws.append([c.hxl or "" for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B5EA8")
    for cell in ws[2]:
        cell.font = Font(italic=True, color="5F6368")
    ws.freeze_panes = "A3"
    for record in rows:
        ws.append([safe_cell(record.get(c.name)) for c in columns])
    last_row = max(ws.max_row, 500)
    for index, column in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = max(12, min(40, len(column.name) + 4))
        if column.kind == "date":
            ws.column_dimensions[letter].width = 12
            for (cell,) in ws.iter_rows(min_row=3, max_row=last_row, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
        if column.kind == "vocab" and column.vocab:
            words = ",".join(VOCABULARIES[column.vocab])
            rule = DataValidation(type="list", formula1=f'"{words}"', allow_blank=True)
            rule.error = f"Choose one of: {words}"
            rule.add(f"{letter}3:{letter}{last_row}")
            ws.add_data_validation(rule)


def write_workbook(path: Path, rows: dict[str, Sequence[dict[str, object]]]) -> None:
    """A workbook with a sheet per table in `rows` (in schema order) and an About sheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, schema in SCHEMAS.items():
        if name in rows:
            _write_sheet(workbook.create_sheet(name), schema, rows[name])
    about = workbook.create_sheet("About")
    about.append(["table", "column", "required", "HXL hashtag", "what to enter"])
    for name in rows:
        for column in SCHEMAS[name].columns:
            kind = ABOUT[column.kind]
            if column.vocab:
                kind += " (" + ", ".join(VOCABULARIES[column.vocab]) + ")"
            about.append(
                [name, column.name, "yes" if column.not_blank else "", column.hxl or "", kind]
            )
    for letter, width in zip("ABCDE", (14, 18, 9, 24, 90), strict=True):
        about.column_dimensions[letter].width = width
    # Fixed timestamps: the same rows give the same workbook.
    workbook.properties.created = workbook.properties.modified = dt.datetime(2021, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
