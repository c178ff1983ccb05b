"""Write the kind of workbook an IMO keeps: one sheet per table, a header row and an HXL row.

Used by `sitrep init` (a blank workbook for a country) and to make the sample. openpyxl is used
only here: sitrep reads workbooks with python-calamine, which is faster. Each sheet has a bold
human header row and an italic hashtag row frozen above the data, widths that fit the content,
date and number formats on the data rows, and dropdowns for the columns with a vocabulary. The
About sheet explains every column, with examples from the workspace's country.

The words (headers, the About sheet, the dropdowns' words) come from the `[workbook]` section
of the report's message catalogue, in the workspace's language, and a right-to-left language's
sheets read from the right; the hashtag row is the same in every language, so a sheet written
in one language reads in any workspace. Given the country's areas, a `pcodes`
sheet lists them (P-code, name, level, parent) and the P-code columns offer them in a dropdown
(any other P-code or a name may still be typed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sitrep.render.html import load_messages
from sitrep.safety.formulas import neutralise_cell
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.tableschema import SCHEMAS, VOCABULARIES, Column, TableSchema

KINDS = (
    "text",
    "people",
    "number",
    "date",
    "pcode",
    "area",
    "vocab",
    "email",
    "display_name",
    "lists",
    "bool",
)
PCODES_SHEET = "pcodes"  # the country's areas: a reference for the P-code columns' dropdowns
PCODES_HXL = ("#adm+code", "#adm+name", "#geo+admin_level", "#adm+code+parent")
DATA_ROWS = 1000  # rows of formats and dropdowns prepared in a blank sheet
WIDTHS = {"date": 13, "people": 12, "number": 11, "pcode": 12, "area": 14, "email": 28, "bool": 9}
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


@dataclass(frozen=True)
class Place:
    """One admin area of the workspace's country, for the pcodes sheet and the examples."""

    pcode: str
    name: str
    level: int
    parent: str | None = None


@dataclass(frozen=True)
class Words:
    """What a workbook says: the catalogue's `workbook.*` messages, the level words, places."""

    messages: Mapping[str, str] = field(default_factory=dict)
    levels: tuple[str, str] = ("Admin 1", "Admin 2")
    places: tuple[Place, ...] = ()
    today: dt.date = dt.date(2025, 6, 30)
    # vocab -> its words in the workbook's language, in the schema's order (English if absent)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    right_to_left: bool = False  # Arabic, Dari, Pashto...: every sheet reads from the right
    # "table.column" -> words a dropdown offers without imposing them (the clusters' names)
    offered: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __call__(self, key: str, default: str = "", **values: object) -> str:
        """The catalogue's `workbook.<key>` ("init.<key>" as is), its {names} filled in."""
        text = self.messages.get(key if key.startswith("init.") else f"workbook.{key}", default)
        return text.format(**values) if values else text

    def examples(self) -> tuple[list[Place], list[Place]]:
        """A few of the country's admin-2 areas (admin-1 without any), and its admin-1 areas."""
        admin1 = [p for p in self.places if p.level == 1]
        admin2 = [p for p in self.places if p.level == 2] or admin1
        return admin2[:3], admin1

    def vocabulary(self, vocab: str) -> tuple[str, ...]:
        """A vocabulary's words as the dropdown offers them: the language's, else English."""
        return tuple(self.choices.get(vocab) or VOCABULARIES[vocab])


def header_text(column: Column, words: Words | None = None) -> str:
    """'people_affected' -> 'People affected' (read back as the same column).

    In another language, the catalogue's header; a column without a hashtag keeps its English
    header, by which alone it is found. The displacement's district is the level-2 word.
    """
    english = column.name.replace("_", " ").capitalize()
    if words is None or not column.hxl:
        return english
    if column.name == "district":
        return words.levels[1]
    return words(f"header.{column.name}", english)


def column_width(column: Column, header: str, words: Words | None = None) -> int:
    if column.kind in WIDTHS:
        return max(WIDTHS[column.kind], len(header) + 3)
    if column.kind == "vocab":
        vocab = column.vocab or ""
        choices = words.vocabulary(vocab) if words else VOCABULARIES[vocab]
        return max(14, max(len(w) for w in choices) + 4)
    return 32 if column.name in WIDE_TEXT else max(14, len(header) + 4)


def _style_header(ws) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center")
    for cell in ws[2]:
        cell.font = Font(italic=True, color="5F6368")
    ws.freeze_panes = "A3"


def _offer(ws, letter: str, last_row: int, formula: str) -> None:
    """A dropdown that offers values without imposing them: anything else may be typed."""
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.showErrorMessage = False
    rule.add(f"{letter}3:{letter}{last_row}")
    ws.add_data_validation(rule)


def _write_sheet(
    ws, schema: TableSchema, rows: Sequence[dict[str, object]], words: Words | None
) -> None:
    columns = schema.columns
    headers = [header_text(c, words) for c in columns]
    ws.append(headers)
    ws.append([c.hxl or "" for c in columns])
    _style_header(ws)
    for record in rows:
        ws.append([record.get(c.name) for c in columns])
    mark_text_cells(ws, first_row=3)
    last_row = max(ws.max_row, DATA_ROWS)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column_width(column, headers[index - 1], words)
        number_format = {"date": "yyyy-mm-dd", "people": "#,##0"}.get(column.kind)
        if number_format:
            for (cell,) in ws.iter_rows(min_row=3, max_row=last_row, min_col=index, max_col=index):
                cell.number_format = number_format
        if column.kind == "vocab" and column.vocab:
            vocabulary = ",".join(_words(words).vocabulary(column.vocab))
            rule = DataValidation(type="list", formula1=f'"{vocabulary}"', allow_blank=True)
            rule.error = _words(words)("choose", "Choose one of: {words}", words=vocabulary)
            rule.errorTitle = headers[index - 1]
            rule.add(f"{letter}3:{letter}{last_row}")
            ws.add_data_validation(rule)
        elif column.kind in ("pcode", "area") and words and words.places:
            # The country's P-codes offered, not imposed: a name or another code may be typed.
            _offer(ws, letter, last_row, f"{PCODES_SHEET}!$A$3:$A${len(words.places) + 2}")
        elif words and (offered := words.offered.get(f"{schema.name}.{column.name}")):
            _offer(ws, letter, last_row, '"' + ",".join(offered) + '"')


def _words(words: Words | None) -> Words:
    return words if words is not None else Words(english_workbook_messages())


def english_workbook_messages() -> dict[str, str]:
    return load_messages([DEFAULT_TEMPLATES], "en")


def _example(column: Column, words: Words, n: int, table: str = "") -> str:
    """An example value for a column: the country's own places, the day init was run."""
    admin2, _ = words.examples()
    area = admin2[n % len(admin2)] if admin2 else None
    if column.kind in ("pcode", "area"):
        return area.pcode if area else ""
    if column.kind == "date":
        return words.today.isoformat()
    if column.kind == "vocab" and column.vocab:
        return words.vocabulary(column.vocab)[0]
    if column.name in ("place", "market", "origin", "from") and area:
        return area.name
    if column.name in ("to", "destination") and len(admin2) > 1:
        return admin2[(n + 1) % len(admin2)].name
    offered = words.offered.get(f"{table}.{column.name}") if table else None
    if offered:
        return offered[n % len(offered)]
    return {"people": "1200", "number": "1200.50", "email": "name@example.org"}.get(column.kind, "")


def _kind_text(column: Column, words: Words) -> str:
    admin2, _ = words.examples()
    text = words(f"kind.{column.kind}")
    if column.kind in ("pcode", "area"):
        codes = ", ".join(p.pcode for p in admin2[:2]) or "HT0111"
        names = ", ".join(p.name for p in admin2[:2]) or "Port-au-Prince"
        text = text.format(pcodes=codes, names=names, sheet=PCODES_SHEET)
    elif column.kind == "date":
        day = words.today
        text = text.format(iso=day.isoformat(), dmy=day.strftime("%d/%m/%Y"))
    if column.vocab:
        text += " (" + ", ".join(words.vocabulary(column.vocab)) + ")"
    if column.unique:
        text += " " + words("unique")
    return text


def _write_about(about, names: Sequence[str], words: Words) -> None:
    about.append([words("notes.title")])
    about["A1"].font = Font(bold=True, size=13)
    day = words.today
    for key in ("hxl", "dates", "missing", "numbers", "places"):
        about.append([words(f"notes.{key}", dmy=day.strftime("%d/%m/%Y"), iso=day.isoformat())])
    about.append([])
    keys = ("sheet", "column", "required", "hashtag", "what", "example")
    about.append([words(f"about.{key}") for key in keys])
    header_row = about.max_row
    for cell in about[header_row]:
        cell.font = Font(bold=True)
    for name in names:
        for n, column in enumerate(SCHEMAS[name].columns):
            required = words("about.yes") if column.not_blank else ""
            about.append(
                [
                    name,
                    header_text(column, words),
                    required,
                    column.hxl or "",
                    _kind_text(column, words),
                    _example(column, words, n, name),
                ]
            )
    for letter, width in zip("ABCDEF", (14, 20, 9, 26, 80, 20), strict=True):
        about.column_dimensions[letter].width = width
    for row in about.iter_rows(min_row=header_row + 1, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    about.freeze_panes = f"A{header_row + 1}"


def _write_pcodes(ws, words: Words) -> None:
    """The country's areas, for the P-code columns' dropdowns and to look a code up."""
    names = {p.pcode: p.name for p in words.places}
    ws.append([words(f"pcodes.{k}") for k in ("pcode", "name", "level", "parent")])
    ws.append(list(PCODES_HXL))
    _style_header(ws)
    for place in sorted(words.places, key=lambda p: p.pcode):
        level = words.levels[place.level - 1] if place.level <= 2 else str(place.level)
        parent = f"{place.parent} {names.get(place.parent, '')}".strip() if place.parent else ""
        ws.append([place.pcode, place.name, level, parent])
    for letter, width in zip("ABCD", (12, 32, 14, 32), strict=True):
        ws.column_dimensions[letter].width = width
    mark_text_cells(ws, first_row=3)


def write_workbook(
    path: Path, rows: dict[str, Sequence[dict[str, object]]], words: Words | None = None
) -> None:
    """A workbook with a sheet per table in `rows` (in schema order) and an About sheet.

    `words`: the workspace's language, level words, country's areas and day (`sitrep init`);
    without it, English and no pcodes sheet (the sample's workbook).
    """
    workbook = Workbook()
    if workbook.active is not None:  # a new workbook's one empty sheet
        workbook.remove(workbook.active)
    names = [name for name in SCHEMAS if name in rows]
    for name in names:
        _write_sheet(workbook.create_sheet(name), SCHEMAS[name], rows[name], words)
    _write_about(workbook.create_sheet(_words(words)("sheet_about", "About")), names, _words(words))
    if words and words.places:
        _write_pcodes(workbook.create_sheet(PCODES_SHEET), words)
    for sheet in workbook.worksheets:  # column A on the right, as the language is read
        sheet.sheet_view.rightToLeft = bool(words and words.right_to_left)
    # Fixed timestamps: the same rows give the same workbook.
    workbook.properties.created = workbook.properties.modified = dt.datetime(2021, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
