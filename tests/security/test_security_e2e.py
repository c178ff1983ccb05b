"""End to end: a workspace full of hostile cells and narrative builds a report that shows them.

One build (module fixture) of a copy of the sample workspace in which text cells of the workbook
hold the hostile cell corpus, the day's narrative holds the hostile Markdown corpus, and the
workspace stylesheet (a "theme from elsewhere") imports and references URLs. Around it:

- a canary HTTP server on 127.0.0.1 that must receive no request;
- a canary file outside the workspace whose content must appear in no output file;
- the PDF's text read back (pdftotext), where every injection string must appear literally;
- the PDF's attachments listed: only CSV files sitrep adds, with formulas neutralised.

A second, smaller render feeds WeasyPrint raw hostile HTML through sitrep's fetcher, as if
escaping had failed or a template were hostile: still no request, no file, no attachment.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import markupsafe
import pytest
from pypdf import PdfReader

from sitrep.safety.formulas import FORMULA_TRIGGERS, QUOTE_PREFIX
from sitrep.safety.links import is_allowed_link
from tests.conftest import FIXTURES, ROOT, copy_workspace

pytestmark = pytest.mark.slow  # builds hostile workspaces: not in make test-fast

HOSTILE = FIXTURES / "hostile"
SECRET = "canary-secret-5e1f0c2b"  # the canary file's content
HTTP_PAYLOAD = "canary-http-payload-91d3"  # what the canary server would serve
REPORT_DAY = "2021-08-24"
# Text cells of the sample workbook that the report shows: (sheet, header).
CELL_SLOTS = [
    ("blockades", "place"),
    ("blockades", "imposed_by"),
    ("routes", "route"),
    ("routes", "from"),
    ("routes", "to"),
    ("contacts", "name"),
    ("contacts", "title"),
    ("contacts", "organisation"),
    ("contacts", "phone"),
]
SEPARATOR = " ¦ "  # several cases share one cell; the report shows them side by side


class CanaryServer:
    """An HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append(self.path)
                body = HTTP_PAYLOAD.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.host = f"127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"http://{self.host}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> Iterator[tuple[CanaryServer, Path]]:
    """(the canary server, the canary file), both outside the workspace."""
    server = CanaryServer()
    secret = tmp_path_factory.mktemp("outside-the-workspace") / "canary-secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    yield server, secret
    server.close()


def case_names(name: str) -> list[str]:
    """The case names of a corpus file, for test ids (collected before any fixture runs)."""
    return [c["name"] for c in json.loads((HOSTILE / f"{name}.json").read_text("utf-8"))]


def corpus(name: str, server: CanaryServer, secret: Path) -> list[dict[str, str]]:
    text = (HOSTILE / f"{name}.json").read_text(encoding="utf-8")
    for placeholder, value in {
        "@CANARY_URL@": server.url,
        "@CANARY_HOST@": server.host,
        "@CANARY_FILE@": str(secret),
    }.items():
        text = text.replace(placeholder, json.dumps(value)[1:-1])
    return json.loads(text)


def fill_cells(workbook: Path, cases: list[dict[str, str]]) -> None:
    """Spread the cases round-robin over CELL_SLOTS, every row of each column.

    Formula cases go first, so each starts a cell of its own: that is where a spreadsheet
    program would evaluate it, in the CSV files attached to the PDF.
    """
    import openpyxl

    ordered = sorted(cases, key=lambda c: not c["name"].startswith("formula-"))
    assert sum(c["name"].startswith("formula-") for c in cases) <= len(CELL_SLOTS)
    book = openpyxl.load_workbook(workbook)
    for index, (sheet, header) in enumerate(CELL_SLOTS):
        text = SEPARATOR.join(c["value"] for c in ordered[index :: len(CELL_SLOTS)])
        ws = book[sheet]
        # headers are written for people ("Imposed by"); compare as column names
        column = next(c for c in ws[1] if str(c.value).lower().replace(" ", "_") == header).column
        for row in range(3, ws.max_row + 1):  # row 1 headers, row 2 HXL hashtags
            if any(ws.cell(row, c).value is not None for c in range(1, ws.max_column + 1)):
                cell = ws.cell(row, column)
                cell.value = text
                cell.data_type = "s"  # openpyxl would store "=..." as a formula otherwise
    book.save(workbook)


def write_narrative(path: Path, cases: list[dict[str, str]]) -> None:
    """Two hostile highlights, every case as a paragraph of the overview."""
    one_line = [c for c in cases if "\n" not in c["markdown"]]
    lines = ["# Highlights", f"- {one_line[0]['markdown']}", f"- {one_line[1]['markdown']}", ""]
    lines += ["# Situation overview", ""]
    for case in cases:
        lines += [case["markdown"], ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def hostile_theme(stylesheet: Path, server: CanaryServer, secret: Path) -> None:
    """A workspace stylesheet that tries to load from the network and the disk."""
    head = (
        f'@import url("{server.url}/theme-import.css");\n'
        f'@import url("file://{secret}");\n'
        f'@font-face {{ font-family: "Evil"; src: url("{server.url}/font.ttf"); }}\n'
    )
    tail = (
        f'\nbody {{ background-image: url("{server.url}/theme-bg.png"); }}\n'
        f'h1::after {{ content: url("file://{secret}"); }}\n'
        f'h2 {{ font-family: "Evil"; }}\n'
    )
    stylesheet.write_text(head + stylesheet.read_text(encoding="utf-8") + tail, encoding="utf-8")


@dataclass
class Hostile:
    workspace: Path
    server: CanaryServer
    secret: Path
    cells: list[dict[str, str]]
    narrative: list[dict[str, str]]
    pdf: Path
    html: str
    text: str  # the PDF's text, every whitespace removed
    warnings: list[str]


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def hostile(canary, tmp_path_factory) -> Hostile:
    from sitrep.report import BuildOptions, build_report

    server, secret = canary
    ws = copy_workspace(tmp_path_factory.mktemp("hostile") / "ws")
    cells = corpus("cells", server, secret)
    narrative = corpus("narrative", server, secret)
    fill_cells(ws / "inputs" / "sample-data.xlsx", cells)
    write_narrative(ws / "inputs" / "narrative" / f"{REPORT_DAY}.md", narrative)
    stylesheet = ws / "templates" / "style.css"
    if not stylesheet.is_file():
        shutil.copy2(ROOT / "sitrep/templates/style.css", stylesheet)
    hostile_theme(stylesheet, server, secret)

    result = build_report(BuildOptions(workspace=ws, force=True))
    text = subprocess.run(
        ["pdftotext", "-raw", str(result.pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return Hostile(
        ws,
        server,
        secret,
        cells,
        narrative,
        result.pdf,
        result.html.read_text(encoding="utf-8"),
        squeezed(text),
        result.render_warnings,
    )


def pdf_streams(path: Path) -> Iterator[bytes]:
    """Every stream of a PDF, decompressed when it is Flate-encoded (fonts, pages, files)."""
    data = path.read_bytes()
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        raw = match.group(1)
        try:
            yield zlib.decompress(raw)
        except zlib.error:
            yield raw


def output_files(ws: Path) -> list[Path]:
    return [p for p in (ws / "output").rglob("*") if p.is_file()]


def test_the_hostile_corpus_is_large_enough(hostile):
    assert len(hostile.cells) + len(hostile.narrative) >= 25
    assert len(hostile.cells) >= 25 and len(hostile.narrative) >= 25


def test_the_canary_server_received_no_request(hostile):
    assert hostile.server.requests == []


def test_the_canary_file_appears_in_no_output(hostile):
    files = output_files(hostile.workspace)
    assert any(p.suffix == ".pdf" for p in files)
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
        assert HTTP_PAYLOAD.encode() not in path.read_bytes(), path
    for stream in pdf_streams(hostile.pdf):
        assert SECRET.encode() not in stream
        assert HTTP_PAYLOAD.encode() not in stream
    assert SECRET not in hostile.text


def test_the_theme_urls_were_refused_and_reported(hostile):
    refused = " ".join(hostile.warnings)
    assert f"{hostile.server.url}/theme-import.css" in refused
    assert f"{hostile.server.url}/theme-bg.png" in refused
    assert str(hostile.secret) in refused


@pytest.mark.parametrize("name", case_names("cells"))
def test_each_hostile_cell_is_shown_literally(hostile, name):
    case = next(c for c in hostile.cells if c["name"] == name)
    shown = case.get("shown", case["value"])
    assert squeezed(shown) in hostile.text, case["name"]
    # In the HTML it is text: escaped exactly as Jinja's autoescape does it.
    assert str(markupsafe.escape(case["value"])) in hostile.html, case["name"]


@pytest.mark.parametrize("name", case_names("narrative"))
def test_each_hostile_markdown_case_is_shown_literally(hostile, name):
    case = next(c for c in hostile.narrative if c["name"] == name)
    shown = case.get("shown", case["markdown"])
    assert squeezed(shown) in hostile.text, case["name"]


class _Elements(HTMLParser):
    """Every start tag of a document and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "link", "base", "form", "frame"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "data", "action", "srcset", "poster"}


def test_the_html_holds_no_active_markup(hostile):
    """Structure, not text: escaped injection strings are fine, elements and URLs are not."""
    from sitrep.render.edition import CSP

    parser = _Elements()
    parser.feed(hostile.html)
    # The HTML edition's own policy, which forbids loading anything, is the one http-equiv.
    policy = {"http-equiv": "Content-Security-Policy", "content": CSP}
    assert parser.elements.count(("meta", policy)) == 1
    for tag, attrs in parser.elements:
        assert tag not in FORBIDDEN_ELEMENTS, (tag, attrs)
        assert not (tag == "meta" and "http-equiv" in attrs and attrs != policy), attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "url(" not in attrs.get("style", "").lower(), (tag, attrs)
        for name in URL_ATTRIBUTES & set(attrs):
            url = attrs[name].strip()
            if tag == "a" and name == "href" and is_allowed_link(url):
                continue
            # Otherwise only the templates' own assets (embedded by the HTML edition), nothing
            # (refused) or a fragment.
            if tag == "img" and name == "src" and url.startswith("data:image/"):
                continue
            assert not re.match(r"^([a-z][a-z0-9+.-]*:|/|\\\\)", url, re.I), (tag, name, url)
    # The theme's URLs: refused in the edition's styles as in the PDF.
    styles = " ".join(re.findall(r"<style[^>]*>(.*?)</style>", hostile.html, re.S))
    assert "@import" not in styles
    for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", styles):
        assert url.startswith(("data:", "#")) or url == "about:invalid", url
    # Injection strings are in the document only as text.
    for case in hostile.cells:
        if "<" in case["value"]:
            assert case["value"] not in hostile.html, case["name"]


def test_the_pdf_attachments_are_only_sitreps_csv_exports(hostile):
    attachments = PdfReader(hostile.pdf).attachments
    for name, contents in attachments.items():
        assert re.fullmatch(r"[\w.-]+\.csv", name), f"unexpected attachment {name!r}"
        for data in contents:
            assert SECRET.encode() not in data
            assert_no_formulas(data.decode("utf-8-sig"), name)


def test_every_csv_written_has_its_formulas_neutralised(hostile):
    for path in output_files(hostile.workspace):
        if path.suffix.lower() in {".csv", ".tsv"}:
            assert_no_formulas(path.read_text(encoding="utf-8-sig"), path.name)


def test_every_spreadsheet_written_has_no_formula(hostile):
    import openpyxl

    for path in output_files(hostile.workspace):
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            book = openpyxl.load_workbook(path)
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", f"{path.name}!{cell.coordinate}"
                        if isinstance(cell.value, str) and cell.value:
                            assert cell.value[0] not in FORMULA_TRIGGERS or cell.quotePrefix


def assert_no_formulas(text: str, name: str) -> None:
    """No cell of a CSV text starts with a character a spreadsheet would evaluate."""
    delimiter = "\t" if "\t" in text.splitlines()[0] else ","
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        for cell in row:
            neutral = not cell or cell.startswith(QUOTE_PREFIX)
            if not neutral and cell.lstrip(" ")[0] in FORMULA_TRIGGERS:
                assert re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cell), f"{name}: {cell!r}"


RAW_HOSTILE_HTML = """<!DOCTYPE html><html><head>
<meta http-equiv="refresh" content="0;url=@URL@/meta">
<link rel="stylesheet" href="@URL@/link.css">
<link rel="stylesheet" href="file://@FILE@">
<link rel="attachment" href="file://@FILE@">
<base href="@URL@/">
<style>@import url("@URL@/import.css"); p { background: url("@URL@/bg.png"); }</style>
</head><body>
<p style="background-image: url('@URL@/inline.png')">styled</p>
<img src="@URL@/img.png"><img src="file://@FILE@"><img src="/etc/passwd">
<img src="data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>">
<object data="@URL@/object"></object><embed src="@URL@/embed"><iframe src="@URL@/frame"></iframe>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<image href="@URL@/svg-image.png" width="10" height="10"/>
<image xlink:href="file://@FILE@" width="10" height="10"/>
<use href="@URL@/sprite.svg#x"/></svg>
<a rel="attachment" href="file://@FILE@">attached?</a>
<a href="@URL@/link">a link is an annotation, never fetched</a>
</body></html>"""


def test_raw_hostile_html_fetches_nothing_even_past_the_escaping(canary, tmp_path):
    """Defence in depth: WeasyPrint with sitrep's fetcher, given markup that escaping stops."""
    from sitrep.pdf.build import html_to_pdf

    server, secret = canary
    before = len(server.requests)
    document = RAW_HOSTILE_HTML.replace("@URL@", server.url).replace("@FILE@", str(secret))
    (tmp_path / "assets").mkdir()
    result = html_to_pdf(document, [tmp_path / "assets"], identifier=b"0" * 32)
    path = tmp_path / "raw.pdf"
    path.write_bytes(result.data)
    assert server.requests[before:] == []
    assert SECRET.encode() not in result.data
    assert all(SECRET.encode() not in s for s in pdf_streams(path))
    assert PdfReader(path).attachments == {}
    refused = " ".join(result.warnings)
    for fragment in ["/link.css", "/import.css", "/img.png", str(secret), "/svg-image.png"]:
        assert fragment in refused, fragment
