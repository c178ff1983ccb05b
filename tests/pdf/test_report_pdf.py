"""The sample report as a PDF: sections, fonts, outline, metadata, attachments, helper process."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

pytestmark = pytest.mark.slow  # lays the sample's PDF out: not in make test-fast

SECTIONS = [
    "Situation Report No. 10",
    "as of 24 August 2021",
    "It covers the period from 15 August 2021 to 24 August 2021",
    "next report will be issued on or around 25 August 2021",
    "Illustrative data.",
    "Highlights",
    "Key figures",
    "people newly displaced since 15 Aug",
    "IDPs present (stock)",
    "Situation overview",
    "Displacement: 19,435 people newly displaced since 15 Aug",
    "New displacement per day, 15 Aug to 24 Aug",
    "Blockades: 4 in effect, 265,000 people cut off",
    "Lifted in the period",
    "Food and fuel prices",
    "Since the blockade began",
    "Access: 3 of 5 key routes closed, 1 changed since 23 Aug",
    "Schematic access map, as of 24 August 2021",
    "do not imply official endorsement or acceptance",
    "Humanitarian response",
    "Food security",
    "Contacts",
    "Sources",
    "Places on the map",
    "Notes and disclaimers",
    "7 people per family",
    "Page 1 of",
]


@pytest.fixture(scope="module")
def reader(built_sample) -> pypdf.PdfReader:
    return pypdf.PdfReader(built_sample[1].pdf)


@pytest.mark.parametrize("words", SECTIONS)
def test_every_section_is_in_the_pdf(sample_text: str, words: str) -> None:
    assert words in sample_text


def test_key_figures_have_values_change_and_provenance(sample_text: str) -> None:
    # pdftotext reads the tiles side by side, so check each piece rather than one sentence
    for piece in ("19,435", "+4,550 since the report", "+1 since the report of", "28,800"):
        assert piece in sample_text
    assert "no earlier figure" in sample_text  # the IDP stock: one round, no baseline
    assert "round 13" in sample_text  # and the round it comes from
    assert "as of 30 Jun" in sample_text  # the stock carries its own date


def test_prices_show_change_since_the_blockade(sample_text: str) -> None:
    assert "+29%" in sample_text  # Banu wheat flour: 2,100 AFN on 21 Aug -> 2,700 AFN


def test_no_renderer_warnings(built_sample) -> None:
    assert built_sample[1].render_warnings == []


def test_fonts_are_bundled_embedded_and_cover_arabic(reader: pypdf.PdfReader) -> None:
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"].split("+")[-1]] = "/FontFile2" in descriptor
    assert all(fonts.values()), fonts  # every font embedded (and subset, by WeasyPrint)
    assert "Noto-Sans-Arabic" in fonts  # the Dari place names
    assert set(fonts) <= {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Italic", "Noto-Sans-Arabic"}


def test_an_arabic_script_place_name_renders(reader: pypdf.PdfReader) -> None:
    text = "".join(page.extract_text() for page in reader.pages)
    assert re.search(r"[\u0600-\u06ff]{3,}", text)


def test_outline_by_section(reader: pypdf.PdfReader) -> None:
    titles = [o["/Title"] for o in reader.outline if not isinstance(o, list)]
    for start in ("Highlights", "Key figures", "Displacement", "Blockades", "Access", "Sources"):
        assert any(t.startswith(start) for t in titles), titles


def test_metadata_and_pdfa_identification(reader: pypdf.PdfReader) -> None:
    info = reader.metadata
    assert info.title.startswith("Afghanistan: North-east")
    assert "Situation Report No. 10" in info.title
    assert info.author.startswith("Illustrative IM Office")
    assert info.subject and "keywords" not in info.subject
    assert "displacement" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20210824")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp  # PDF/A-3a: tagged
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_input_tables_are_attached_as_csv(reader: pypdf.PdfReader) -> None:
    names = set(reader.attachments)
    assert {"displacement.csv", "blockades.csv", "routes.csv", "prices.csv"} <= names
    assert "partners.csv" not in names  # the distribution list is never attached
    data = reader.attachments["places.csv"][0].decode("utf-8-sig")
    assert data.startswith("source_row,name,pcode,lat,lon")
    assert "بانو" in data
    rows = list(io.StringIO(reader.attachments["displacement.csv"][0].decode("utf-8-sig")))
    assert len(rows) == 1 + 15  # header + the rows of the period


def test_small_enough_to_email(built_sample) -> None:
    assert built_sample[1].pdf.stat().st_size < 2 * 1024 * 1024


def test_the_pdf_helper_process_gives_the_same_bytes_and_warnings(quick) -> None:
    """`sitrep build` lays the PDF out in a helper process: the same bytes as in this one."""
    import datetime as dt

    from sitrep.pdf.build import report_pdf
    from sitrep.pdf.pool import PdfProcess
    from sitrep.render.attachments import DataFile
    from sitrep.render.document import render_report
    from sitrep.report import BuildOptions
    from sitrep.settings.config import load_config, template_dirs

    # the HTML WeasyPrint was given (the .html beside the PDF is the edition, for browsers)
    # the quick workspace's report (its fonts, tables, charts and attachments, not the map nor
    # the tables it leaves out), laid out twice: here and in the helper
    config = load_config(quick)
    dirs = template_dirs(config.templates_dir)
    html = render_report(config, BuildOptions(quick), dirs, lambda _: (10, 0)).html
    assert "url(fonts/NotoSans-Regular.ttf)" in html
    files = [DataFile("rows.csv", b"a,b\n1,2\n", "Rows")]
    day = dt.date(2021, 8, 24)
    here = report_pdf(html + '<img src="https://example.org/x.png">', dirs, "pdf/a-3b", files, day)
    with PdfProcess(helper=True) as helper:
        there = helper.report_pdf(
            html + '<img src="https://example.org/x.png">', dirs, "pdf/a-3b", files, day
        )
    assert there.data == here.data and there.warnings == here.warnings and here.warnings


def test_an_unused_pdf_helper_ends_at_once() -> None:
    from sitrep.pdf.pool import PdfProcess

    helper = PdfProcess(helper=True)
    process = helper.process
    helper.close()  # e.g. the inputs had errors: no PDF to make
    assert process is not None and not process.is_alive()


def test_the_notes_flow_after_the_sources_no_near_empty_last_page(built_sample) -> None:
    """A short report ends on a page it fills: the notes follow the sources and the places on
    the same page, rather than alone on one more (the sample took 6 pages, the last 85 % empty;
    its indicators, response, needs and funding now take two more)."""
    import subprocess

    pdf = built_sample[1].pdf
    pages = (
        subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
        .stdout.decode("utf-8")
        .split("\f")[:-1]
    )
    # the situation map (issue 33) has a page of its own; the hosting areas' table and the
    # general figures (indicators...) grew the report by two
    assert len(pages) == 8
    last, ending = pages[-1], "".join(pages[-2:])
    for heading in ("Contacts", "Sources and notes"):
        assert heading in ending, heading
    for heading in ("Places on the map", "Notes and disclaimers"):
        assert heading in last, heading
    assert sum(1 for line in last.splitlines() if line.strip()) >= 25  # not a near-empty page
    assert "Generated by sitrep" in last
