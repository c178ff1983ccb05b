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

The extent bounds what calamine allocates; the same look lists the sheets (`contents`). Legacy
.xls files are bounded by their format (65,536 x 256 cells) and are not measured.
"""

from __future__ import annotations

import functools
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
MEASURED_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
# ` r="B12"` in any tag is a cell reference: other tags' references are `ref=` or `sqref=`.
CELL_ROW_RE = re.compile(rb'\sr="[A-Z]+([0-9]+)"')
CELL_COLUMN_RE = re.compile(rb'\sr="([A-Z]+)[0-9]')
# The same with a literal space, several times faster; used when no tab or newline could
# stand before an attribute instead (the XML declaration's line aside).
FAST_ROW_RE = re.compile(rb' r="[A-Z]+([0-9]+)"')
FAST_COLUMN_RE = re.compile(rb' r="([A-Z]+)[0-9]')
FAST_SHARED_CELL_RE = re.compile(rb' t="s"[^>]*>(?:(?!</c>)[\s\S])*?<v>\s*([0-9]+)')
SHARED_MARK_RE = re.compile(rb'\st="s"')
ROW_NUMBER_RE = re.compile(rb' r="([0-9]+)"')
LAST_ROW_RE = re.compile(rb'<row r="([0-9]+)"')
CELL_TAG_RE = re.compile(rb"<c[\s/>]")
REFERENCED_CELL_RE = re.compile(rb'<c\s[^>]*?(?<=\s)r="')
ROW_REF_RE = re.compile(rb'<row\b[^>]*?\br="([0-9]+)"')
SHARED_CELL_RE = re.compile(rb'\st="s"[^>]*>(?:(?!</c>)[\s\S])*?<v>\s*([0-9]+)')
DIMENSION_RE = re.compile(
    rb'<dimension\b[^>]*?\bref="([A-Z]{1,4})?([0-9]{1,9})?(?::([A-Z]{1,4})([0-9]{1,9}))?"'
)
SHARED_TOKEN_RE = re.compile(rb"<(/?)si\b([^>]*)>")


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


def measure(
    path: Path, sheet: str | None, find_sheet, text_cap: int = 200 * 1024 * 1024
) -> Extent | None:
    """The extent of the sheet `find_sheet(names, sheet)` picks; None for other formats and when
    there is no such sheet (nothing is built then).

    `find_sheet` is the reader's own lookup, so the sheet measured is the sheet read. The text
    is exact, or an upper bound while that stays under `text_cap` bytes.
    """
    suffix = path.suffix.lower()
    if suffix not in MEASURED_SUFFIXES:
        return None
    if suffix == ".ods":
        tables = _look(path, lambda _, structure: structure[0])
        name = find_sheet(list(tables), sheet)
        return None if name is None else tables[name]  # None: the reader says
    return _look(path, lambda zip, found: _xlsx_extent(zip, sheet, find_sheet, found, text_cap))


def contents(path: Path) -> tuple[list[str], tuple[int, int] | None] | None:
    """The workbook's sheets in order, read from its own XML (no grid built, no string table
    loaded), and for an .ods the cells and text bytes calamine builds on opening it: every
    table's, a name given twice included. None for .xls (not measured)."""
    found = _look(path, lambda _, s: s) if path.suffix.lower() in MEASURED_SUFFIXES else None
    return found and (list(found[0]), found[1] if path.suffix.lower() == ".ods" else None)


def _look(path: Path, use):
    """`use(archive, structure)` on the workbook; ExtentError when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            return use(archive, _structure(path, archive))
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError) as exc:
        raise ExtentError(str(exc)) from None


_STRUCTURES: dict[tuple, tuple] = {}


def _structure(path: Path, archive: zipfile.ZipFile) -> tuple:
    """The workbook's sheets (.ods: measured, and all of them together; .xlsx: their parts,
    and the shared strings' sizes): one look serves every table read from the file."""
    stat = path.stat()
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
    if key not in _STRUCTURES:
        if len(_STRUCTURES) > 16:
            _STRUCTURES.clear()
        reader = _ods_extents if path.suffix.lower() == ".ods" else _xlsx_structure
        _STRUCTURES[key] = reader(archive)
    return _STRUCTURES[key]


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
    """The stored size in bytes of each shared string (its XML: tags and entities over-count).

    Measured from the offsets of `<si>` and `</si>` in the whole stream, so a string longer
    than a chunk is measured whole.
    """
    name = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    sizes: list[int] = []
    start, offset = 0, 0
    with archive.open(name) as stream:
        for chunk in _chunks(stream, b"<"):
            for token in SHARED_TOKEN_RE.finditer(chunk):
                if token.group(1):
                    sizes.append(offset + token.start() - start)
                elif token.group(2).endswith(b"/"):
                    sizes.append(0)  # <si/>: an empty string, which still takes an index
                else:
                    start = offset + token.end()
            offset += len(chunk)
    return sizes


def _xlsx_structure(archive: zipfile.ZipFile) -> tuple[dict[str, str], list[int]]:
    return _xlsx_sheet_parts(archive), _shared_string_sizes(archive)


def _xlsx_extent(
    archive: zipfile.ZipFile,
    sheet: str | None,
    find_sheet,
    structure: tuple[dict[str, str], list[int]],  # _xlsx_structure's
    text_cap: int,
) -> Extent | None:
    parts, sizes = structure
    name = find_sheet(list(parts), sheet)
    if name is None:
        return None  # the reader says which sheets there are
    if parts[name] not in archive.namelist():
        raise ExtentError(f"sheet {name}: its part {parts[name]} is missing")
    scan = _Scan(sizes, max(sizes, default=0), text_cap)
    with archive.open(parts[name]) as stream:
        for number, chunk in enumerate(_chunks(stream, b"<c")):
            if number == 0:
                scan.dimension(chunk[: chunk.find(b"<sheetData")])
            scan.chunk(chunk, first=number == 0)
    # A cell without a reference goes to the next column: bounded by how many there are.
    return Extent(name, scan.rows, max(scan.columns, scan.cells - scan.referenced), scan.text)


class _Scan:
    """The running measure of one sheet's XML, chunk by chunk.

    Honest files (every reference after a plain space, rows in order) take the fast way: the
    row tags give the last row, C-speed counts give the number of cells, and one search looks
    for any reference beyond the rows and columns seen so far; only a chunk where one is found
    (or the first) is read reference by reference. Shared-string text is bounded by the count
    of such cells x the longest string while that stays under the cap, counted exactly after.
    """

    def __init__(self, sizes: list[int], biggest: int, text_cap: int) -> None:
        self.sizes, self.biggest, self.text_cap = sizes, biggest, text_cap
        self.rows = self.columns = self.text = self.cells = self.referenced = 0

    def dimension(self, head: bytes) -> None:
        if match := DIMENSION_RE.search(head):
            first_col, first_row, last_col, last_row = match.groups()
            self.columns = max(self.columns, column_number(last_col or first_col or b""))
            self.rows = max(self.rows, int(last_row or first_row or 0))

    def chunk(self, chunk: bytes, first: bool) -> None:
        declared = first and chunk.startswith(b"<?xml")
        body = chunk[chunk.find(b"?>") + 2 :] if declared else chunk
        if b"\t" in body or b"\n" in body or b"\r" in body:
            return self._exact(chunk, CELL_ROW_RE, CELL_COLUMN_RE, SHARED_CELL_RE)
        tags = chunk.count(b"<c ")
        if tags != chunk.count(b'<c r="') or b"<c>" in chunk or b"<c/" in chunk:
            # a cell whose reference is not its first attribute, or has none: the slow way
            return self._exact(chunk, FAST_ROW_RE, FAST_COLUMN_RE, FAST_SHARED_CELL_RE)
        self.cells += tags
        self.referenced += tags
        if last := LAST_ROW_RE.match(chunk, max(chunk.rfind(b"<row "), 0)):
            self.rows = max(self.rows, int(last.group(1)))  # rows come in order, mostly
        # Any row or cell beyond those, anywhere in the chunk, sends it the exact way.
        # (The declared dimension, if any, starts what has been seen: it may only add.)
        if (first and not self.columns) or _beyond(self.rows, self.columns).search(chunk):
            self._rows_and_columns(chunk, FAST_ROW_RE, FAST_COLUMN_RE)
            self.rows = max([self.rows, *map(int, ROW_NUMBER_RE.findall(chunk))])
        if self.sizes:
            self._shared_text(chunk, FAST_SHARED_CELL_RE, chunk.count(b' t="s"'))

    def _exact(self, chunk: bytes, row_re, column_re, shared_re) -> None:
        self._rows_and_columns(chunk, row_re, column_re)
        self.referenced += len(REFERENCED_CELL_RE.findall(chunk))
        self.cells += len(CELL_TAG_RE.findall(chunk))
        if self.cells > self.referenced and (row_refs := ROW_REF_RE.findall(chunk)):
            self.rows = max(self.rows, max(map(int, row_refs)))  # cells without r= take it
        self._shared_text(chunk, shared_re, None)

    def _rows_and_columns(self, chunk: bytes, row_re, column_re) -> None:
        refs = row_re.findall(chunk)  # sets first: few distinct rows and columns
        if refs:
            self.rows = max(self.rows, max(map(int, set(refs))))
            self.columns = max(self.columns, max(map(column_number, set(column_re.findall(chunk)))))

    def _shared_text(self, chunk: bytes, shared_re, count: int | None) -> None:
        if not self.sizes:
            return
        if count is not None and self.text + count * self.biggest <= self.text_cap:
            self.text += count * self.biggest  # an upper bound, under the cap: enough
            return
        known = len(self.sizes)
        indexes = shared_re.findall(chunk)
        self.text += sum(self.sizes[i] for i in map(int, indexes) if i < known)
        # A shared cell cut by the chunk's end, or odd: counted at the longest string.
        unmatched = len(SHARED_MARK_RE.findall(chunk)) - len(indexes)
        self.text += max(0, unmatched) * self.biggest


@functools.lru_cache(maxsize=64)
def _beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """A pattern for a cell reference past `columns` or past `rows`, or a row tag past `rows`."""
    past_column = _greater(column_number_text(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    past_row = _greater(str(rows) if rows else "", "0123456789")
    return re.compile(f' r="(?:(?:{past_column})[0-9]|[A-Z]*(?:{past_row})")'.encode())


def column_number_text(number: int) -> str:
    """16384 -> 'XFD'; 0 -> ''."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater(text: str, alphabet: str) -> str:
    """A regex for the strings over `alphabet` (in order) that sort after `text` as numbers do:
    longer ones, and those of its length that are larger at the first difference."""
    options = [f"[{alphabet[0]}-{alphabet[-1]}]{{{len(text) + 1},}}"]
    for i, char in enumerate(text):
        position = alphabet.index(char)
        if position + 1 < len(alphabet):
            rest = len(text) - i - 1
            larger = f"[{alphabet[position + 1]}-{alphabet[-1]}]"
            options.append(
                re.escape(text[:i])
                + larger
                + (f"[{alphabet[0]}-{alphabet[-1]}]{{{rest}}}" if rest else "")
            )
    return "|".join(options)


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


def _ods_extents(archive: zipfile.ZipFile) -> tuple[dict[str, Extent], tuple[int, int]]:
    """Every table of content.xml, measured in one streaming pass over its tags; and the cells
    and text of all of them together."""
    extents: dict[str, Extent] = {}
    name = ""
    row = max_row = max_columns = text = column = row_width = row_text = cells = texts = 0
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
                    cells, texts = cells + max_row * max_columns, texts + text
                else:
                    found = ODS_NAME_RE.search(attributes)
                    name = html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                    row = max_row = max_columns = text = 0
            offset += len(chunk)
    return extents, (cells, texts)
