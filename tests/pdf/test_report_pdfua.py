"""PDF/UA-1 beside PDF/A-3a, checked as a screen reader's user would meet the file.

The structure tree is read back with pikepdf and walked: the running header, footer and page
numbers are `/Artifact /Pagination` (never tagged content), a table that breaks across pages is
one table in its section with one header, header cells have a scope, no cell or span is empty,
every drawing is one Figure with its alternative text, and all marked content is either in the
tree or an artifact. Then the checkers installed from PyPI read it: `outloud` (PDF/UA-1's
machine-checkable Matterhorn checkpoints and WCAG 2.2 A/AA, plus semantic checks: running
headers tagged as content, split tables, paint order against tag order, empty elements) and
`pdfua` (another reading of the same standard: table header association, annotations, the
PDF/UA identification). veraPDF, the reference validator, needs a JVM and is not installable.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from sitrep.pdf.build import html_to_pdf
from sitrep.settings.config import DEFAULT_TEMPLATES

pytestmark = pytest.mark.slow  # lays PDFs out and checks them: not in make test-fast

BIN = Path(sys.executable).parent  # the checkers are dev dependencies, beside this Python

ROWS = "\n".join(
    f'<tr><th scope="row">Area {i}</th><td>{i * 10}</td><td>{"--" if i % 7 == 0 else i}</td></tr>'
    for i in range(1, 61)
)
DOCUMENT = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>A long table</title>
<style>
@page {{ size: A6; margin: 16mm 10mm;
  @top-left {{ content: "Running title"; }}
  @bottom-left {{ content: "The office"; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); }} }}
tr {{ break-inside: avoid; }}
</style></head>
<body>
<div class="running" aria-hidden="true" style="height: 0; font-size: 0"><span>x</span></div>
<h1>A report</h1>
<section><h2>Areas</h2>
<table><thead><tr><th scope="col">Area</th><th scope="col">People</th><th>Change</th></tr>
</thead><tbody>{ROWS}</tbody></table>
<p>After the table.</p></section>
<section><h2>A chart</h2>
<div role="img" aria-label="Bar chart of two bars: 3 and 5."><svg aria-hidden="true"
 xmlns="http://www.w3.org/2000/svg" width="100" height="40"><rect width="30" height="30"/>
 </svg><span>3</span> <span>5</span></div></section>
</body></html>"""


def laid_out(variant: str | None, html: str = DOCUMENT) -> pikepdf.Pdf:
    result = html_to_pdf(html, [DEFAULT_TEMPLATES], b"0" * 32, variant)
    return pikepdf.open(io.BytesIO(result.data))


class Tree:
    """A PDF's structure tree as read back: elements in reading order with their page."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        self.elements: list[pikepdf.Dictionary] = []
        self.marks: set[tuple[int, int]] = set()  # (page, MCID) the tree holds
        root = pdf.Root.StructTreeRoot
        self._walk(root.K, None)

    def _walk(self, node, page: int | None) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                self._walk(kid, page)
        elif isinstance(node, int):
            self.marks.add((page, int(node)))
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/Type") == "/MCR":
                self.marks.add((self.pages[node.Pg.objgen], int(node.MCID)))
            elif node.get("/Type") == "/OBJR":
                return
            else:
                self.elements.append(node)
                here = self.pages.get(node.Pg.objgen) if "/Pg" in node else page
                if "/K" in node:
                    self._walk(node.K, here)

    def of(self, role: str) -> list[pikepdf.Dictionary]:
        return [e for e in self.elements if str(e.S) == role]

    def below(self, element, role: str | None = None) -> list[pikepdf.Dictionary]:
        found: list = []
        stack = [element]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for kid in kids:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    found.append(kid)
                    stack.append(kid)
        return [e for e in found if role is None or str(e.S) == role]

    def page(self, element) -> int:
        return self.pages[element.Pg.objgen]

    def content(self, element) -> bool:
        """Whether `element` holds anything to read: content, children or alternative text."""
        kids = element.get("/K")
        has_kids = kids is not None and (not isinstance(kids, pikepdf.Array) or len(kids) > 0)
        return has_kids or "/Alt" in element or "/ActualText" in element


def marked_content(pdf: pikepdf.Pdf) -> tuple[set[tuple[int, int]], dict[int, int]]:
    """(every (page, MCID) in the pages' content, text operators per page inside an
    /Artifact /Pagination)"""
    marks, pagination = set(), {}
    for number, page in enumerate(pdf.pages):
        stack: list[tuple[str, object]] = []
        pagination[number] = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BDC":
                tag, properties = str(operands[0]), operands[1]
                stack.append((tag, properties))
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    marks.add((number, int(properties.MCID)))
            elif op == "BMC":
                stack.append((str(operands[0]), None))
            elif op == "EMC":
                stack.pop()
            elif op in ("Tj", "TJ") and stack:
                tag, properties = stack[-1]
                if (
                    tag == "/Artifact"
                    and isinstance(properties, pikepdf.Dictionary)
                    and properties.get("/Type") == "/Pagination"
                ):
                    pagination[number] += 1
    return marks, pagination


def xmp(pdf: pikepdf.Pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8")


# --- a small document, in every variant --------------------------------------------------


def test_header_footer_and_page_numbers_are_pagination_artifacts() -> None:
    pdf = laid_out("pdf/a-3a+ua-1")
    tree = Tree(pdf)
    marks, pagination = marked_content(pdf)
    assert len(pdf.pages) >= 3
    # on every page: the title, the office, "Page N of M", each drawn as page furniture
    assert all(count >= 3 for count in pagination.values()), pagination
    assert marks == tree.marks  # all marked content is in the tree: nothing left outside it


def test_a_table_split_across_pages_is_one_table_in_its_section() -> None:
    tree = Tree(laid_out("pdf/a-3a+ua-1"))
    (table,) = tree.of("/Table")
    assert len(tree.of("/Sect")) == 2 and table in tree.below(tree.of("/Sect")[0])
    rows = tree.below(table, "/TR")
    assert len(rows) == 61 and len({tree.page(r) for r in rows}) >= 3
    assert len(tree.below(table, "/THead")) == 1  # the header repeated on each page is not read
    # the cells of a later page name the one header's cells
    ids = {str(th.ID) for th in tree.below(table, "/TH") if "/ID" in th}
    for cell in tree.below(table, "/TD"):
        assert {str(h) for h in cell.A.Headers} <= ids


def test_header_cells_have_a_scope_and_no_cell_or_span_is_empty() -> None:
    tree = Tree(laid_out("pdf/a-3a+ua-1"))
    scopes = [str(th.A.Scope) for th in tree.of("/TH")]
    assert scopes[:3] == ["/Column"] * 3 and scopes[3:] == ["/Row"] * 60
    for element in tree.elements:
        if element.S in ("/TD", "/TH", "/Span", "/P", "/Div", "/Sect", "/Lbl"):
            assert tree.content(element), element.S


def test_a_drawing_is_one_figure_with_its_label() -> None:
    tree = Tree(laid_out("pdf/a-3a+ua-1"))
    (figure,) = tree.of("/Figure")
    assert str(figure.Alt) == "Bar chart of two bars: 3 and 5."
    assert tree.below(figure) == []  # its text ("3", "5") is read as the alternative text
    parent = figure.P
    assert [str(k.S) for k in parent.K] == ["/H2", "/Figure"]


@pytest.mark.parametrize(
    ("variant", "ua", "a"),
    [("pdf/a-3a+ua-1", True, True), ("pdf/ua-1", True, False), ("pdf/a-3a", False, True)],
)
def test_each_tagged_variant_claims_what_it_is(variant: str, ua: bool, a: bool) -> None:
    pdf = laid_out(variant)
    metadata = xmp(pdf)
    assert bool(re.search(r'pdfuaid:part(="|>)1', metadata)) is ua
    assert bool(re.search(r'pdfaid:part="3"', metadata)) is a
    if ua and a:  # PDF/A describes a property outside its own schemas: pdfuaid's part
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in metadata
    assert len(Tree(pdf).of("/Table")) == 1  # the same mended tree in each


@pytest.mark.parametrize("variant", ["pdf/a-3b", None])
def test_untagged_variants_stay_untagged(variant: str | None) -> None:
    pdf = laid_out(variant)
    assert "/StructTreeRoot" not in pdf.Root and "pdfuaid" not in (
        xmp(pdf) if "/Metadata" in pdf.Root else ""
    )


# --- the sample report --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(built_sample):
    pdf = pikepdf.open(built_sample[1].pdf)
    return pdf, Tree(pdf)


def test_the_sample_claims_pdfa_3a_and_pdfua_1_and_keeps_its_data(sample) -> None:
    pdf, _ = sample
    metadata = xmp(pdf)
    assert 'pdfuaid:part="1"' in metadata and 'pdfaid:conformance="A"' in metadata
    files = pdf.Root.Names.EmbeddedFiles.Names[1::2]
    assert len(files) >= 5 and all(f.AFRelationship == "/Data" for f in files)


def test_the_samples_running_header_and_footer_are_artifacts(sample) -> None:
    pdf, tree = sample
    marks, pagination = marked_content(pdf)
    assert pagination[0] >= 2 and all(pagination[p] >= 3 for p in range(1, len(pdf.pages)))
    assert marks == tree.marks


def test_the_samples_split_table_is_one_table_in_its_section(sample) -> None:
    _, tree = sample
    split = [t for t in tree.of("/Table") if len({tree.page(r) for r in tree.below(t, "/TR")}) > 1]
    assert split  # a displacement table runs from page 3 onto page 4
    for table in split:
        assert len(tree.below(table, "/THead")) == 1
    # no section is cut in two: each begins with its heading
    for section in tree.of("/Sect"):
        assert str(section.K[0].S) in ("/H2", "/H3"), [str(k.S) for k in section.K]
    section = next(s for s in tree.of("/Sect") if split[0] in tree.below(s))
    first = min(tree.page(r) for r in tree.below(split[0], "/TR"))
    # the section's heading on page 2, under the situation map, its chart there, its tables after
    assert (tree.page(section.K[0]), first) == (1, 2)


def test_the_samples_rows_are_named_by_header_cells_and_no_cell_is_empty(sample) -> None:
    _, tree = sample
    for th in tree.of("/TH"):
        assert str(th.A.Scope) in ("/Row", "/Column")
    checked = 0
    for table in tree.of("/Table"):
        cells = tree.below(table, "/TH")
        columns = [th for th in cells if str(th.A.Scope) == "/Column"]
        if any("/RowSpan" in th.A for th in cells) or len(columns) == 9:
            continue  # the sources (a file's header cell spans its rows), the places (3 a row)
        for group in tree.below(table):
            if group.S not in ("/TBody", "/TFoot"):
                continue
            for row in tree.below(group, "/TR"):
                first = row.K[0]
                assert first.S == "/TH" and str(first.A.Scope) == "/Row"
                checked += 1
    assert checked >= 30  # areas, totals, commodities, markets, routes, contacts
    empty = [str(e.S) for e in tree.elements if e.S != "/Document" and not tree.content(e)]
    assert empty == []


def test_the_samples_figures_have_alternative_text(sample, built_sample) -> None:
    _, tree = sample
    alts = [str(f.Alt) for f in tree.of("/Figure")]
    edition = built_sample[1].html.read_text("utf-8")
    labels = re.findall(r'<div class="drawing wide[^"]*" role="img" aria-label="([^"]+)"', edition)
    # the situation map, the displacement and prices charts, the schematic access map, the response
    assert len(labels) == 5
    for label in labels:
        assert label.replace("&#39;", "'") in alts
    assert "Illustrative IM Office, Kabul (sample workspace)" in alts  # the logo


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_checkers_find_nothing_in_the_sample(
    built_sample, arabic_built, tmp_path: Path, language: str
) -> None:
    """outloud and pdfua: no error, no warning (what they leave to a person is listed), in
    English and in Arabic (right to left)."""
    pdf = (built_sample if language == "en" else arabic_built)[1].pdf
    for tool in ("outloud", "pdfua"):
        if not (BIN / tool).is_file():
            pytest.fail(f"{BIN / tool} is missing: run `make test`, which installs the checkers")
    report = tmp_path / "outloud.json"
    subprocess.run([BIN / "outloud", "--json", report, pdf], capture_output=True, check=False)
    result = json.loads(report.read_text())["results"][0]
    findings = [(f["rule"], f["message"]) for f in result["findings"]]
    assert result["counts"] == {"error": 0, "warning": 0, "info": 0}, findings
    assert result["verdict"] == "pass"
    checked = subprocess.run([BIN / "pdfua", "check", pdf], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
