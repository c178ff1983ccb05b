"""Memory bombs written by hand: tiny .xlsx and .ods files whose grid would be enormous.

Each builder writes the zip members itself (no spreadsheet library would write these), so a
test controls exactly what the reader sees: a lying `<dimension>`, a cell at XFD1000000, many
cells sharing one long shared string, a string table of millions of strings,
`number-rows-repeated` / `number-columns-repeated`, a bomb sheet beside a sound one.
`run_bounded` runs the command line on them under an address-space limit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ADDRESS_SPACE = 4 * 1024**3


def run_bounded(
    workspace: Path, *args: str, address_space: int = ADDRESS_SPACE
) -> subprocess.CompletedProcess:
    """`sitrep -w WORKSPACE ARGS` in a subprocess under `prlimit --as` and a timeout. One
    thread per math library, so the address space a run reserves does not grow with the
    machine's cores.

    A `build` lays its PDF out in its own process (`SITREP_PDF_IN_PROCESS`): the bombs are
    refused before any layout, and the PDF helper a build otherwise starts at once (a second
    process importing WeasyPrint, ended when the build stops) costs 0.3 CPU s a run for
    nothing these tests look at; the refusal and its memory are the build process's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_SMTP")}
    env |= {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    env |= {"SITREP_PDF_IN_PROCESS": "1"}
    command = [sys.executable, "-m", "sitrep", "-w", str(workspace), *args]
    return subprocess.run(
        ["prlimit", f"--as={address_space}", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<Types xmlns="{PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SML}.sharedStrings+xml"/>'
    "</Types>"
)
XLSX_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
XLSX_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    f'xmlns:r="{REL}">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
XLSX_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Relationships xmlns="{PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write_xlsx(
    path: Path,
    cells: str,
    *,
    dimension: str | None = None,
    shared: list[str] = (),  # type: ignore[assignment]
    sheet: str = "Sheet1",
    shared_repeat: int = 1,
    string_xml: str = '<si><t xml:space="preserve">{}</t></si>',
    level: int | None = None,
) -> Path:
    """A one-sheet .xlsx whose sheetData is `cells` (raw `<row>` XML) and the given strings
    (written `shared_repeat` times over, in pieces: a string table of any size, made in little
    memory, which deflate packs ~1000:1, or ~190:1 at `level` 1, under the zip-ratio cap), each
    written as `string_xml` ("<si/>" for an empty string in five bytes)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">{dim}'
        f"<sheetData>{cells}</sheetData></worksheet>"
    )
    strings = "".join(string_xml.format(s) for s in shared)
    count = len(shared) * shared_repeat
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", XLSX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", XLSX_RELS)
        archive.writestr("xl/workbook.xml", XLSX_WORKBOOK.format(name=sheet))
        archive.writestr("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=count > 1000) as member:
            member.write(
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{count}" '
                f'uniqueCount="{count}">'.encode()
            )
            data = strings.encode()
            per_piece = max(1, 1_000_000 // max(len(data), 1))  # about a megabyte at a time
            for done in range(0, shared_repeat, per_piece):
                member.write(data * min(per_piece, shared_repeat - done))
            member.write(b"</sst>")
    return path


def inline_row(row: int, values: list[str]) -> str:
    """One `<row>` of inline-string cells from column A."""
    cells = "".join(
        f'<c r="{column_letters(i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values)
    )
    return f'<row r="{row}">{cells}</row>'


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def far_cell_xlsx(path: Path, ref: str = "XFD1000000", sheet: str = "Sheet1") -> Path:
    """A header row, and one number far away: calamine's dense grid would be ~16,384 x 1e6."""
    cells = inline_row(1, ["a", "b"]) + f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">'
    cells += f'<c r="{ref}"><v>1</v></c></row>'
    return write_xlsx(path, cells, dimension=f"A1:{ref}", sheet=sheet)


def shared_string_xlsx(path: Path, cells: int = 40_000, length: int = 32_767) -> Path:
    """`cells` cells, 100 a row, all pointing at one `length`-character shared string."""
    rows = []
    per_row = 100
    for r in range(cells // per_row):
        row = "".join(
            f'<c r="{column_letters(c)}{r + 1}" t="s"><v>0</v></c>' for c in range(per_row)
        )
        rows.append(f'<row r="{r + 1}">{row}</row>')
    return write_xlsx(path, "".join(rows), shared=["x" * length])


ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
ODS_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
    "</office:document-content>"
)


def write_ods(path: Path, rows: str, sheet: str = "Sheet1") -> Path:
    """A one-sheet .ods whose table holds `rows` (raw `<table:table-row>` XML)."""
    return write_ods_tables(path, {sheet: rows})


def write_ods_tables(path: Path, tables: dict[str, str] | list[tuple[str, str]]) -> Path:
    """An .ods with a table per entry: name -> its rows (raw `<table:table-row>` XML); a list
    of (name, rows) may give a name twice, as no spreadsheet program would."""
    pairs = tables.items() if isinstance(tables, dict) else tables
    xml = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in pairs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        archive.writestr("content.xml", ODS_CONTENT.format(tables=xml))
    return path


def ods_cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    cell = f'<table:table-cell office:value-type="string"{rep}>'
    return f"{cell}<text:p>{text}</text:p></table:table-cell>"


def ods_number_cell(repeat: int = 1) -> str:
    """A number cell (no text: the grid grows, not the text), repeated across `repeat` columns."""
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="float" office:value="1"{rep}/>'


def ods_row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def repeated_rows_ods(path: Path, rows: int = 1_000_000, columns: int = 1) -> Path:
    """A header, then one row of content repeated `rows` times (`columns` cells wide)."""
    body = ods_row(ods_cell("a") + ods_cell("b")) + ods_row(ods_cell("x", columns), rows)
    return write_ods(path, body)


def repeated_columns_ods(path: Path, columns: int = 16_384, rows: int = 100_000) -> Path:
    """Rows of content `columns` wide, each written once and repeated."""
    return write_ods(path, ods_row(ods_cell("x", columns), rows))


def empty_tail_ods(path: Path, rows: list[list[str]]) -> Path:
    """Content rows, then the empty repeated row LibreOffice writes at the end of every sheet."""
    body = "".join(ods_row("".join(ods_cell(v) for v in r)) for r in rows)
    body += ods_row('<table:table-cell table:number-columns-repeated="1024"/>', 1_048_000)
    return write_ods(path, body)
