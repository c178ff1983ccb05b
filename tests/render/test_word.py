"""The Word edition (`[report] editions = ["pdf", "html", "docx"]`), read back as a reader's
program reads it: LibreOffice headless converts it to PDF, pdftotext reads that, and its figures
are the PDF edition's, in English and in Arabic (right to left). python-docx reads its
structure: Word's heading styles, header rows, pictures with alt text, the page header and
footer, the same bytes from a second build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from sitrep.report import BuildOptions, build_report
from tests.conftest import copy_workspace, pdf_text
from tests.in_process import sitrep

pytestmark = pytest.mark.slow  # each test builds a report

EDITIONS = 'editions = ["pdf", "html", "docx"]\n'
# figures with a group separator (Latin or Arabic): what a report's tables and key figures print
FIGURE = re.compile(r"[0-9٠-٩]{1,3}(?:[,٬][0-9٠-٩]{3})+")


def _build(folder: Path, locale: str | None = None):
    return build_report(BuildOptions(workspace=_with_word(copy_workspace(folder), locale)))


def _with_word(ws: Path, locale: str | None = None) -> Path:
    """`ws` with the Word edition asked for (and in `locale`)."""
    settings = ws / "sitrep.toml"
    text = settings.read_text("utf-8").replace("[report]\n", "[report]\n" + EDITIONS, 1)
    if locale:
        text = re.sub(r'(?m)^locale = "\w+"', f'locale = "{locale}"', text)
    settings.write_text(text, "utf-8")
    return ws


def _libreoffice_texts(documents: dict[str, Path], tmp: Path) -> dict[str, str]:
    """Each .docx converted to PDF by LibreOffice headless (one start for all: a start is 2-4
    CPU s), read back with pdftotext; by the names given."""
    books = tmp / "docx"
    books.mkdir()
    for name, document in documents.items():  # the editions share their file's name
        shutil.copy(document, books / f"{name}.docx")
    out = tmp / "lo"
    files = [str(books / f"{name}.docx") for name in documents]
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(out), *files],
        capture_output=True, timeout=300,
    )  # fmt: skip
    texts = {}
    for name in documents:
        converted = out / f"{name}.pdf"
        assert converted.is_file(), done.stderr.decode()
        texts[name] = pdf_text(converted)
    return texts


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The sample's report in English and in Arabic with its Word edition, both editions read
    back by one LibreOffice: {language: (result, docx, LibreOffice's text)}."""
    tmp = tmp_path_factory.mktemp("word")
    results = {"en": _build(tmp / "en" / "ws"), "ar": _build(tmp / "ar" / "ws", "ar")}
    words = {language: r.pdf.with_suffix(".docx") for language, r in results.items()}
    texts = _libreoffice_texts(words, tmp)
    return {language: (results[language], words[language], texts[language]) for language in words}


@pytest.fixture(scope="module")
def english(editions):
    return editions["en"]


@pytest.fixture(scope="module")
def arabic(editions):
    return editions["ar"]


def _same_figures(result, text: str) -> set[str]:
    """The PDF's figures are the Word edition's, but for the charts' labels (a picture there):
    the PDF's figures, checked."""
    figures = set(FIGURE.findall(pdf_text(result.pdf)))
    in_word = set(FIGURE.findall(text))
    assert in_word <= figures, in_word - figures
    labels = set(FIGURE.findall(" ".join(re.findall(r'<span class="l[^>]*>([^<]*)</span>',
                                                    result.html.read_text("utf-8")))))  # fmt: skip
    assert figures - in_word <= labels, figures - in_word - labels
    return figures


def test_opens_in_libreoffice_with_the_pdfs_figures(english):
    result, _, text = english
    assert {"19,435", "265,000", "28,800", "16,110"} <= _same_figures(result, text)
    assert {"19,435", "265,000", "28,800", "16,110"} <= set(FIGURE.findall(text))
    for words in ("Highlights", "Key figures", "Situation overview", "Situation Report No. 10"):
        assert words in text


def test_arabic_reads_right_to_left_with_the_pdfs_figures(arabic):
    result, word, text = arabic
    printed = pdf_text(result.pdf)
    assert len(_same_figures(result, text)) > 10
    assert "أبرز النقاط" in printed and "أبرز النقاط" in text  # the Highlights heading
    document = docx.Document(str(word))
    for name in ("Normal", "Heading 1", "Heading 2", "Key Figure", "Table Text", "Caption"):
        # said in each style: LibreOffice does not inherit it from Normal
        assert document.styles[name].element.pPr.find(qn("w:bidi")) is not None, name
    assert document.tables
    for table in document.tables:
        assert table._tbl.tblPr.find(qn("w:bidiVisual")) is not None
    assert document.sections[0]._sectPr.find(qn("w:bidi")) is not None


def test_headings_tables_pictures_header_and_footer(english):
    _result, word, _ = english
    document = docx.Document(str(word))
    headings = {p.text: p.style.name for p in document.paragraphs if p.style.name.startswith("H")}
    assert headings["Highlights"] == "Heading 2"
    assert headings["North-east (Panjshir, Andarab, Salang)"] == "Heading 1"
    assert any(p.style.name == "Key Figure" and p.text == "19,435" for p in document.paragraphs)
    assert document.tables and all(t.style.name == "Sitrep Table" for t in document.tables)
    data = [t for t in document.tables if "@" not in t.rows[0].cells[1].text]  # not contacts
    assert len(data) == len(document.tables) - 1
    for table in data:  # each table's header row repeats on every page
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table.rows[-1]._tr.trPr is None or (
            table.rows[-1]._tr.trPr.find(qn("w:tblHeader")) is None
        )
    alts = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert len(alts) == 5  # the situation map, the two charts, the access map, the response
    assert any(a.startswith("Bar chart of new displacement per day") for a in alts)
    assert any(a.startswith("Map of IDPs present") for a in alts)
    assert all(alts)
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Situation Report No. 10" in header and "24 August 2021" in header
    fields = document.sections[0].footer._element.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")).strip() for f in fields] == ["PAGE", "NUMPAGES"]
    core = document.core_properties
    assert core.created.date().isoformat() == "2021-08-24" == core.modified.date().isoformat()
    assert core.author == "Illustrative IM Office, Kabul (sample workspace)"


def test_same_report_same_bytes(english, built_sample, tmp_path):
    _result, word, _ = english
    # The same report built apart: the session's sample build, its Word edition asked for after
    # it was issued; the second build makes it from the issued HTML edition, as a build makes
    # it, without laying the report out again (2.5 CPU s less)
    ws = copy_workspace(tmp_path / "ws")
    shutil.copytree(built_sample[0] / "output", ws / "output")
    again = build_report(BuildOptions(workspace=_with_word(ws)))
    assert again.pdf.with_suffix(".docx").read_bytes() == word.read_bytes()


def test_not_made_unless_asked(built_sample):
    _, result = built_sample
    assert not result.pdf.with_suffix(".docx").exists()


def test_an_unknown_edition_is_refused(workspace):
    settings = workspace / "sitrep.toml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace("[report]\n", '[report]\neditions = ["pdf", "odt"]\n'))
    # in this process (the refusal is the subject): a `sitrep` found on PATH could be another
    # install's, as it once was on a machine with another venv activated
    done = sitrep("-w", str(workspace), "validate")
    assert done.exit_code == 1
    assert "report.editions" in done.output
    assert "'docx'" in done.output
