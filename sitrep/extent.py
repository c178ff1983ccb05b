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

import html
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
CELL_ROW_RE = re.compile(rb'\sr="[A-Z]{1,4}([0-9]{1,9})"')
CELL_COLUMN_RE = re.compile(rb'\sr="([A-Z]{1,4})[0-9]')
# The same with a literal space, several times faster; used when no tab or newline could
# stand before an attribute instead (the XML declaration's line aside).
FAST_ROW_RE = re.compile(rb' r="[A-Z]{1,4}([0-9]{1,9})"')
FAST_COLUMN_RE = re.compile(rb' r="([A-Z]{1,4})[0-9]')
FAST_SHARED_CELL_RE = re.compile(rb' t="s"[^>]*>\s*<v>\s*([0-9]{1,9})')
CELL_TAG_RE = re.compile(rb"<c[\s/>]")
ROW_REF_RE = re.compile(rb'<row\b[^>]*?\br="([0-9]{1,9})"')
SHARED_CELL_RE = re.compile(rb'\st="s"[^>]*>\s*<v>\s*([0-9]{1,9})')
DIMENSION_RE = re.compile(
    rb'<dimension\b[^>]*?\bref="([A-Z]{1,4})?([0-9]{1,9})?(?::([A-Z]{1,4})([0-9]{1,9}))?"'
)
SHARED_ITEM_RE = re.compile(rb"<si\b[^>]*>(.*?)</si>", re.S)


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
    """The extent of the sheet `find_sheet(names, sheet)` picks; None for other formats and when
    there is no such sheet (nothing is built then).

    `find_sheet` is the reader's own lookup, so the sheet measured is the sheet read.
    """
    suffix = path.suffix.lower()
    if suffix not in {".xlsx", ".xlsm", ".ods"}:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            # One look at the workbook's structure serves every table read from it.
            stat = path.stat()
            key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
            if key not in _STRUCTURES:
                if len(_STRUCTURES) > 16:
                    _STRUCTURES.clear()
                reader = _xlsx_structure if suffix != ".ods" else _ods_extents
                _STRUCTURES[key] = reader(archive)
            structure = _STRUCTURES[key]
            if suffix == ".ods":
                name = find_sheet(list(structure), sheet)
                return None if name is None else structure[name]  # None: the reader says
            return _xlsx_extent(archive, sheet, find_sheet, *structure)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError) as exc:
        raise ExtentError(str(exc)) from None


_STRUCTURES: dict[tuple, object] = {}


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


def _xlsx_structure(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[int]]:
    return _xlsx_sheet_parts(archive), _shared_string_sizes(archive)


def _xlsx_extent(
    archive: zipfile.ZipFile, sheet: str | None, find_sheet, parts: dict[str, str], sizes: list[int]
) -> Extent | None:
    name = find_sheet(list(parts), sheet)
    if name is None:
        return None  # the reader says which sheets there are
    if parts[name] not in archive.namelist():
        raise ExtentError(f"sheet {name}: its part {parts[name]} is missing")
    rows = columns = text = cells = referenced = 0
    with archive.open(parts[name]) as stream:
        for number, chunk in enumerate(_chunks(stream, b"<c")):
            head = chunk[: chunk.find(b"<sheetData")] if number == 0 else b""
            if match := DIMENSION_RE.search(head):
                first_col, first_row, last_col, last_row = match.groups()
                columns = max(columns, column_number(last_col or first_col or b""))
                rows = max(rows, int(last_row or first_row or 0))
            declared = number == 0 and chunk.startswith(b"<?xml")
            body = chunk[chunk.find(b"?>") + 2 :] if declared else chunk
            fast = b"\t" not in body and b"\n" not in body and b"\r" not in body
            row_re, column_re, shared_re = (
                (FAST_ROW_RE, FAST_COLUMN_RE, FAST_SHARED_CELL_RE)
                if fast
                else (CELL_ROW_RE, CELL_COLUMN_RE, SHARED_CELL_RE)
            )
            refs = row_re.findall(chunk)  # sets first: few distinct rows and columns
            referenced += len(refs)
            cells += (
                chunk.count(b"<c ") + chunk.count(b"<c>") + chunk.count(b"<c/")
                if fast
                else len(CELL_TAG_RE.findall(chunk))
            )
            if refs:
                rows = max(rows, max(map(int, set(refs))))
                columns = max(columns, max(map(column_number, set(column_re.findall(chunk)))))
            if cells > referenced and (row_refs := ROW_REF_RE.findall(chunk)):
                rows = max(rows, max(map(int, row_refs)))  # cells without r= take the row's
            if sizes:
                count = len(sizes)
                text += sum(sizes[i] for i in map(int, shared_re.findall(chunk)) if i < count)
    # A cell without a reference goes to the next column: bounded by how many there are.
    columns = max(columns, cells - referenced)
    return Extent(name, rows, columns, text)


# calamine matches these names literally (prefix included), so a scan over the same names
# sees what calamine reads; `[\s/]` keeps table-row from matching table-row-group.
ODS_TOKEN_RE = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)([\s/][^>]*)?>"
)
ODS_NAME_RE = re.compile(rb'\btable:name="([^"]*)"')
ODS_ROWS_RE = re.compile(rb'\btable:number-rows-repeated="([0-9]+)"')
ODS_COLUMNS_RE = re.compile(rb'\btable:number-columns-repeated="([0-9]+)"')


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    match = pattern.search(attributes)
    return max(1, int(match.group(1))) if match else 1


def _ods_extents(archive: zipfile.ZipFile) -> dict[str, Extent]:
    """Every table of content.xml, measured in one streaming pass over its tags."""
    extents: dict[str, Extent] = {}
    name = ""
    row = max_row = max_columns = text = column = row_width = row_text = 0
    cell_start = cell_repeat = 0
    rows_repeat = 1
    cell_value = False
    offset = 0  # of the chunk, in the whole stream: a cell's text may span chunks
    with archive.open("content.xml") as stream:
        for chunk in _chunks(stream, b"<table:"):
            for match in ODS_TOKEN_RE.finditer(chunk):
                closing, tag, attributes = match.groups()
                attributes = attributes or b""
                empty = attributes.endswith(b"/")
                if tag == b"table-cell" or tag == b"covered-table-cell":
                    if closing:  # the end of a cell with content (any child counts)
                        size = offset + match.start() - cell_start
                        column += cell_repeat
                        if cell_value or size > 0:
                            row_width = column
                            row_text += size * cell_repeat
                        continue
                    repeat = _repeat(ODS_COLUMNS_RE, attributes)
                    has_value = b"office:value-type=" in attributes
                    if empty:
                        column += repeat
                        if has_value:
                            row_width = column
                    else:
                        cell_start, cell_repeat = offset + match.end(), repeat
                        cell_value = has_value
                elif tag == b"table-row":
                    if not closing:
                        column = row_width = row_text = 0
                        rows_repeat = _repeat(ODS_ROWS_RE, attributes)
                        if not empty:
                            continue
                    row += rows_repeat
                    if row_width:
                        max_row, max_columns = row, max(max_columns, row_width)
                        text += row_text * rows_repeat
                    row_width = 0
                elif closing:
                    extents.setdefault(name, Extent(name, max_row, max_columns, text))
                else:
                    found = ODS_NAME_RE.search(attributes)
                    name = html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                    row = max_row = max_columns = text = 0
            offset += len(chunk)
    return extents
