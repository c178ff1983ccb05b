"""Characters XML forbids: never in what sitrep writes as XML or HTML, warned of where they are.

A highlight holding U+0001 was copied into `feed.xml`, which no XML parser (and so no feed
reader or mailing tool) would then read; `publish` rebuilds the feed from every issued report,
so it stayed broken. Here a narrative and a workbook cell carry U+0001, U+000B and others
through `validate`, `build` and `publish`, and every page is read back by real parsers:
the feed and the drawings' SVG by Python's XML parser (expat), the edition and the archive by
tinyhtml5 (WeasyPrint's own HTML5 parser), which reports each forbidden character it meets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from tinyhtml5.parser import HTMLParser

from sitrep.cli import main
from sitrep.issue.editions import Entry, Figure
from sitrep.issue.publish import feed_xml, publish
from sitrep.render.plain import to_plain
from sitrep.report import BuildOptions, build_report
from sitrep.safety.xmlchars import FORBIDDEN, xml_safe
from tests.conftest import copy_workspace, pdf_text

DAY = dt.date(2021, 8, 24)
NARRATIVE = f"inputs/narrative/{DAY}.md"
ATOM = "{http://www.w3.org/2005/Atom}"
# a route's name, as Excel stores U+0001 and U+000B in a cell (calamine reads them back)
ROUTE_CELL = "Salang_x0001_ highway,_x000B_south"


def html_errors(text: str) -> list[str]:
    """The codes of the parse errors an HTML5 parser reports about characters."""
    parser = HTMLParser()
    parser.parse(text)
    return [code for _, code, _ in parser.errors if code == "invalid-codepoint"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workspace, its narrative and a route's name holding forbidden characters."""
    ws = copy_workspace(tmp_path_factory.mktemp("xmlchars") / "ws")
    narrative = ws / NARRATIVE
    lines = narrative.read_text("utf-8").split("\n")
    lines[1] = "- Roads\x01 closed\x0bto all traffic in \x1fAndarab\x02."  # line 2
    narrative.write_text("\n".join(lines), "utf-8")
    workbook = openpyxl.load_workbook(ws / "inputs/sample-data.xlsx")
    workbook["routes"]["B3"] = ROUTE_CELL
    workbook.save(ws / "inputs/sample-data.xlsx")
    return ws


def test_validate_warns_of_each_with_its_line_or_cell(hostile: Path) -> None:
    result = CliRunner().invoke(
        main, ["-w", str(hostile), "validate", "--date", str(DAY), "--format", "json"]
    )
    problems = json.loads(result.stdout)["problems"]
    found = [p for p in problems if p["code"] in ("control-character", "line-separator")]
    narrative = [p for p in found if p["file"] == NARRATIVE]
    assert {(p["code"], p["row"], p["severity"]) for p in narrative} == {
        ("line-separator", 2, "warning"),  # the vertical tab: a space
        ("control-character", 2, "warning"),  # U+0001, U+001F, U+0002: removed
    }
    control = next(p for p in narrative if p["code"] == "control-character")
    assert "U+0001" in control["message"] and "U+0002" in control["message"]
    (cell,) = [p for p in found if p["file"] != NARRATIVE]
    assert (cell["file"], cell["sheet"], cell["row"], cell["column"]) == (
        "inputs/sample-data.xlsx",
        "routes",
        3,
        "Route",
    )
    assert cell["severity"] == "warning" and cell["value"] == "Salang\x01 highway,\x0bsouth"
    assert "U+0001" in cell["message"] and "U+000B" in cell["message"]
    assert result.exit_code == 0  # warnings: the report can be built


def test_build_and_publish_write_well_formed_pages(hostile: Path, tmp_path: Path) -> None:
    built = build_report(BuildOptions(hostile, DAY))
    folder = tmp_path / "site"
    publish(hostile, folder)

    feed = (folder / "feed.xml").read_bytes()
    root = ET.fromstring(feed)  # a feed reader's parser: one U+0001 and nothing is read
    summary = root.find(f"{ATOM}entry/{ATOM}summary").text
    assert "- Roads closed to all traffic in Andarab." in summary

    for page in (folder / "index.html", built.html):
        text = page.read_text("utf-8")
        assert html_errors(text) == [], page
        assert not FORBIDDEN.search(text), page
    edition = built.html.read_text("utf-8")
    assert "Roads closed to all traffic" in edition and "Salang highway, south" in edition
    drawings = re.findall(r"<svg\b.*?</svg>", edition, re.S)
    assert drawings
    for svg in drawings:
        ET.fromstring(svg)  # each drawing is well-formed XML
    text = pdf_text(built.pdf)
    assert "Roads closed to all traffic" in text and "Salang highway, south" in text
    assert not FORBIDDEN.search(text)


def test_a_feed_from_editions_issued_before_is_well_formed() -> None:
    """An edition issued by an earlier sitrep may hold the characters: the feed never does."""
    entry = Entry(
        "2021-08-24",
        10,
        0,
        "Report\x01 No. 10",
        "en\x0b",
        "2021-08-24/a\x01.pdf",
        "2021-08-24/a.html",
        ("Roads\x01 closed\x0bto traffic", "\ufffe\x08"),
        (Figure("1,200\x1f", "people\x0c displaced"),),
    )
    data = feed_xml([entry], "Title\x01", "https://example.org/\x02", "en")
    root = ET.fromstring(data)
    assert root.find(f"{ATOM}title").text == "Title"
    assert "- Roads closed to traffic" in root.find(f"{ATOM}entry/{ATOM}summary").text


def test_every_string_a_template_is_given_is_clean() -> None:
    from markupsafe import Markup

    plain = to_plain({"a\x01": ["b\x0bc", Markup("<b>d\x02</b>")], "e": ("f\ud800",)})
    assert plain == {"a": ["b c", Markup("<b>d</b>")], "e": ("f",)}


@pytest.mark.parametrize(
    ("text", "clean"),
    [("a\x00b", "ab"), ("a\x0bb\x0cc", "a b c"), ("tab\tlf\ncr\r", "tab\tlf\ncr\r"),
     ("\ufffe\uffff\U0001f600", "\U0001f600"), ("é\u2028\x85", "é\u2028\x85")],
)  # fmt: skip
def test_xml_safe_keeps_every_allowed_character(text: str, clean: str) -> None:
    assert xml_safe(text) == clean
    ET.fromstring(f"<a>{xml_safe(text)}</a>".encode("utf-8", "surrogatepass"))
