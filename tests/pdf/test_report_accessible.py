"""The PDF is accessible: tagged (PDF/A-3a), with a structure tree a screen reader can follow.

Read back with pypdf: the structure tree and its roles, the document language, alternative text
on every figure, header cells in every table, bookmarks, the archival identification and the
attached data. PDF/UA-1 itself (artifacts, split tables, scopes, the checkers) is
tests/pdf/test_report_pdfua.py.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # lays PDFs out: not in make test-fast


def walk(node, found: list) -> None:
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            walk(child, found)
        return
    if not isinstance(node, dict):
        return  # a marked-content id
    if "/S" in node:
        found.append(node)
    if "/K" in node:
        walk(node["/K"], found)


@pytest.fixture(scope="module")
def structure(built_sample):
    reader = PdfReader(built_sample[1].pdf)
    catalog = reader.trailer["/Root"]
    elements: list = []
    walk(catalog["/StructTreeRoot"]["/K"], elements)
    return reader, catalog, elements


def children(element) -> list:
    kids = element.get("/K", [])
    kids = kids if isinstance(kids, list) else [kids]
    return [k.get_object() for k in kids if isinstance(k.get_object(), dict)]


def test_the_pdf_is_tagged_in_the_report_language(structure):
    _, catalog, elements = structure
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    roles = Counter(str(e["/S"]) for e in elements)
    assert roles["/Document"] == 1 and roles["/H1"] == 1
    assert roles["/H2"] >= 5 and roles["/L"] >= 1 and roles["/LI"] >= 2
    assert roles["/Table"] >= 3 and roles["/TH"] >= 10 and roles["/Figure"] >= 3


def test_the_reading_order_follows_the_report(structure):
    _, _, elements = structure
    headings = [e for e in elements if str(e["/S"]) in ("/H1", "/H2")]
    assert str(headings[0]["/S"]) == "/H1"  # the title comes before every section


def test_every_figure_has_alternative_text(structure):
    _, _, elements = structure
    figures = [e for e in elements if str(e["/S"]) == "/Figure"]
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert all(len(alt) > 10 for alt in alts), alts
    assert "Illustrative IM Office" in " ".join(alts)  # the logo names the issuing office


def test_every_table_has_header_cells(structure):
    _, _, elements = structure
    for table in (e for e in elements if str(e["/S"]) == "/Table"):
        cells = []
        walk(table["/K"], cells)
        assert any(str(c["/S"]) == "/TH" for c in cells), "a table without header cells"


def test_bookmarks_archival_identification_and_data(structure):
    reader, catalog, _ = structure
    assert [o.title for o in reader.outline if not isinstance(o, list)][:1]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part[^0-9]*3", xmp) and re.search(r"pdfaid:conformance\W*A", xmp)
    assert reader.attachments  # PDF/A-3 carries the data rows with the tags
