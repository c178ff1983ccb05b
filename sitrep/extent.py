"""How big a workbook sheet's grid will be, measured from its XML before any reader builds it.

A few kilobytes of XML can describe an enormous grid: one cell at XFD1000000, a row of content
with `number-rows-repeated="1000000"`, or 40,000 cells pointing at one 32,767-character shared
string. python-calamine would build the whole dense grid (or abort the process when it cannot
allocate it), so the grid is measured first, in one streaming pass over the sheet's XML:

- .xlsx/.xlsm: the highest row and column of any cell reference (`<c r="XFD1000000">`), of any
  `<row r>` and of the declared `<dimension ref>` (which may lie either way, so both count);
  and the text the cells will hold: each shared-string cell counts the stored size of the
  string it points at (`xl/sharedStrings.xml`).
- .ods: rows and columns with `number-rows-repeated` / `number-columns-repeated` multiplied
  out, up to the last row and column that hold content. Empty repeated rows and cells (every
  LibreOffice file ends with ~1,048,000 of them) are not content: calamine does not expand
  them either, so they cost nothing and are not counted, except when content follows them.

The extent is an upper bound of what calamine allocates. Legacy .xls files are bounded by
their format (65,536 x 256 cells) and are not measured.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

CHUNK = 4 * 1024 * 1024
# ` r="B12"` in any tag is a cell reference: other tags' references are `ref=` or `sqref=`.
CELL_REF_RE = re.compile(rb'\sr="([A-Z]{1,4})([0-9]{1,9})"')
ROW_REF_RE = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,9})"')
SHARED_CELL_RE = re.compile(rb'\st="s"[^>]*>\s*<v>\s*([0-9]{1,9})')
DIMENSION_RE = re.compile(
    rb'<dimension\b[^>]*?\bref="([A-Z]{1,4})?([0-9]{1,9})?(?::([A-Z]{1,4})([0-9]{1,9}))?"'
)
SHARED_ITEM_RE = re.compile(rb"<si\b[^>]*>(.*?)</si>", re.S)
ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@dataclass(frozen=True)
class Extent:
    """The grid a sheet would become: rows x columns from A1, and its text in bytes."""

    sheet: str
    rows: int
    columns: int
    text_bytes: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


class ExtentError(ValueError):
    """The workbook's structure cannot be read (the reader will say more)."""


def column_number(letters: bytes) -> int:
    """b'A' -> 1, b'XFD' -> 16384."""
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def measure(path: Path, sheet: str | None, find_sheet) -> Extent | None:
    """The extent of the sheet `find_sheet(names, sheet)` picks, or None for other formats.

    `find_sheet` is the reader's own lookup, so the sheet measured is the sheet read.
    """
    suffix = path.suffix.lower()
    try:
        with zipfile.ZipFile(path) as archive:
            if suffix in {".xlsx", ".xlsm"}:
                return _xlsx_extent(archive, sheet, find_sheet)
            if suffix == ".ods":
                return _ods_extent(archive, sheet, find_sheet)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError) as exc:
        raise ExtentError(str(exc)) from None
    return None


def _chunks(stream: IO[bytes], cut: bytes) -> Iterator[bytes]:
    """The stream in pieces of about CHUNK bytes, each ending right before a `cut` tag start."""
    carry = b""
    while block := stream.read(CHUNK):
        data = carry + block
        end = data.rfind(cut)
        if end <= 0:
            end = data.rfind(b"<")
        if end <= 0:
            end = len(data)
        yield data[:end]
        carry = data[end:]
    if carry:
        yield carry


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: zip member of its XML}, from the workbook and its relationships."""
    workbook = "xl/workbook.xml"
    rels_root = ET.fromstring(archive.read("_rels/.rels"))
    for rel in rels_root:
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook = rel.get("Target", workbook).lstrip("/")
    folder = posixpath.dirname(workbook)
    rels_name = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in ET.fromstring(archive.read(rels_name))
    }
    parts = {}
    for element in ET.fromstring(archive.read(workbook)).iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = targets.get(rid, "")
        if target:
            member = (
                target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            )
            parts[element.get("name", "")] = posixpath.normpath(member)
    return parts


def _shared_string_sizes(archive: zipfile.ZipFile) -> list[int]:
    """The stored size in bytes of each shared string (its XML: tags and entities over-count)."""
    name = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    sizes: list[int] = []
    with archive.open(name) as stream:
        for chunk in _chunks(stream, b"<si"):
            sizes += [len(item) for item in SHARED_ITEM_RE.findall(chunk)]
    return sizes


def _xlsx_extent(archive: zipfile.ZipFile, sheet: str | None, find_sheet) -> Extent | None:
    parts = _xlsx_sheet_parts(archive)
    name = find_sheet(list(parts), sheet)
    if name is None:
        return None  # the reader says which sheets there are
    if parts[name] not in archive.namelist():
        raise ExtentError(f"sheet {name}: its part {parts[name]} is missing")
    sizes = _shared_string_sizes(archive)
    rows = columns = text = cells = referenced = 0
    with archive.open(parts[name]) as stream:
        for number, chunk in enumerate(_chunks(stream, b"<c")):
            head = chunk[: chunk.find(b"<sheetData")] if number == 0 else b""
            if match := DIMENSION_RE.search(head):
                first_col, first_row, last_col, last_row = match.groups()
                columns = max(columns, column_number(last_col or first_col or b""))
                rows = max(rows, int(last_row or first_row or 0))
            refs = CELL_REF_RE.findall(chunk)
            referenced += len(refs)
            cells += chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/")
            if refs:
                rows = max(rows, max(map(int, (r for _, r in refs))))
                columns = max(columns, max(map(column_number, {c for c, _ in refs})))
            if cells > referenced and (row_refs := ROW_REF_RE.findall(chunk)):
                rows = max(rows, max(map(int, row_refs)))  # cells without r= take the row's
            if sizes:
                count = len(sizes)
                text += sum(sizes[i] for i in map(int, SHARED_CELL_RE.findall(chunk)) if i < count)
    # A cell without a reference goes to the next column: bounded by how many there are.
    columns = max(columns, cells - referenced)
    return Extent(name, rows, columns, text)


def _ods_extent(archive: zipfile.ZipFile, sheet: str | None, find_sheet) -> Extent | None:
    extents = _ods_extents(archive)
    name = find_sheet(list(extents), sheet)
    return None if name is None else extents[name]  # None: the reader names the sheets


def _count(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


ODS_CELLS = {ODS_TABLE + "table-cell", ODS_TABLE + "covered-table-cell"}
ODS_ROW = ODS_TABLE + "table-row"


def _ods_extents(archive: zipfile.ZipFile) -> dict[str, Extent]:
    """Every table of content.xml, measured in one streaming pass."""
    extents: dict[str, Extent] = {}
    name = ""
    row = max_row = max_columns = text = column = row_width = row_text = 0
    parents: list[ET.Element] = []
    with archive.open("content.xml") as stream:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                parents.append(element)
                if tag == ODS_TABLE + "table":
                    name, row, max_row, max_columns, text = (
                        element.get(ODS_TABLE + "name", ""),
                        0,
                        0,
                        0,
                        0,
                    )
                elif tag == ODS_ROW:
                    column = row_width = row_text = 0
                continue
            parents.pop()
            if tag in ODS_CELLS:
                repeat = _count(element.get(ODS_TABLE + "number-columns-repeated"))
                column += repeat
                if (
                    element.get(ODS_OFFICE + "value-type") is not None
                    or len(element)
                    or element.text
                ):
                    row_width = column
                    row_text += len("".join(element.itertext()).encode()) * repeat
            elif tag == ODS_ROW:
                repeat = _count(element.get(ODS_TABLE + "number-rows-repeated"))
                row += repeat
                if row_width:
                    max_row, max_columns = row, max(max_columns, row_width)
                    text += row_text * repeat
            elif tag == ODS_TABLE + "table":
                extents.setdefault(name, Extent(name, max_row, max_columns, text))
            else:
                continue
            if parents:
                parents[-1].remove(element)  # a measured cell or row: memory stays flat
    return extents
