"""The sample built in French, Spanish and Arabic: no English word of the catalogue left, Arabic
right to left and in logical order, digits as the locale or `[report] digits` says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import catalogue, copy_workspace, once_per_run, pdf_text, quicken

pytestmark = pytest.mark.slow  # builds reports in each language: not in make test-fast

# the catalogue's sections a report shows (the workbook's, the email's and the preview's words
# are checked where they are used)
REPORT_SECTIONS = ("report", "notice", "highlights", "kf", "change", "headline", "overview",
                   "displacement", "blockades", "access", "response", "contacts", "sources",
                   "tables", "disclaimers", "chart", "map", "status", "constraint", "commodity",
                   "bstatus")  # fmt: skip


def english_phrases(language: str) -> set[str]:
    """Every run of two or more English words between placeholders in the report's messages,
    unless the language's catalogue writes the same words itself (a name, 'DTM')."""
    own = " ".join(catalogue(language).values())
    phrases = set()
    for key, value in catalogue("en").items():
        if key.split(".")[0] not in REPORT_SECTIONS:
            continue
        for fragment in re.split(r"\{[a-z_0-9]+\}", value):
            words = re.findall(r"[A-Za-z][A-Za-z'-]+", fragment)
            phrase = " ".join(fragment.split()).strip(" .,:;()–-")
            if len(words) >= 2 and phrase not in own:
                phrases.add(phrase)
    return phrases


# session scope, though only this module uses it, and once for the run (`once_per_run`): made
# once even when `--dist worksteal` runs this module's tests apart, in several processes (a
# module fixture is made again each time its module's tests resume after another module's)
@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> dict[str, tuple[str, str]]:
    """language -> (the PDF's text, the HTML edition), each a draft of the sample."""
    return once_per_run(tmp_path_factory, "language-drafts", _drafts)


def _drafts(folder: Path) -> dict[str, tuple[str, str]]:
    from sitrep.report import BuildOptions, build_report

    made = {}
    settings = {"ar": 'page_size = "Letter"', "ar_SD": 'page_size = "A4"\ndigits = "arab"'}
    for language in ("fr", "es", "ar", "ar_SD"):
        ws = copy_workspace(folder / language / "ws")
        if language == "ar_SD":
            # quickened: its test reads digits, a P-code and a year, not the tables left out
            # (the other three stay whole: no English of any of the report's sections)
            quicken(ws)
        toml = (ws / "sitrep.toml").read_text().replace('locale = "en"', f'locale = "{language}"')
        toml = toml.replace('page_size = "A4"', settings.get(language, 'page_size = "A4"'))
        (ws / "sitrep.toml").write_text(toml)
        result = build_report(BuildOptions(workspace=ws, draft=True))
        assert result.render_warnings == []
        made[language] = (pdf_text(result.pdf), result.html.read_text("utf-8"))
        if language == "ar":
            from pypdf import PdfReader

            pages = PdfReader(result.pdf).pages
            made["ar pypdf"] = (" ".join(" ".join(p.extract_text().split()) for p in pages), "")
            made["ar size"] = (str([round(float(x)) for x in pages[0].mediabox[2:]]), "")
    return made


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_no_english_of_the_catalogue_in_another_language(reports, language) -> None:
    text, _ = reports[language]
    phrases = english_phrases(language)
    assert len(phrases) > 50  # the test reads the catalogue: it would notice an empty one
    leaked = sorted(p for p in phrases if p in text)
    assert leaked == []


@pytest.mark.parametrize(
    ("language", "heading", "figure"),
    [("fr", "Points saillants", "19 435"), ("es", "Aspectos destacados", "19.435")],
)
def test_french_and_spanish_words_and_numbers(reports, language, heading, figure) -> None:
    text, html = reports[language]
    assert heading in text
    assert figure in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert f'<html lang="{language}" dir="ltr">' in html


def test_arabic_is_right_to_left_in_logical_order(reports) -> None:
    text, html = reports["ar"]
    words = catalogue("ar")
    assert '<html lang="ar" dir="rtl">' in html
    # Text extracts in reading order: each heading reads as the catalogue writes it (pypdf).
    # pdftotext (poppler) also gives the words in reading order, but the two letters of a
    # ligature reversed ("على" -> "عىل", "السلام" -> "السالم"), so its words are compared
    # letter for letter whatever their order inside the word.
    plain = re.sub("[\u202a-\u202e]", "", text)  # pdftotext's bidi embedding marks

    def letters(line: str) -> str:
        return " ".join("".join(sorted(word)) for word in line.split())

    for key in ("highlights.heading", "kf.heading", "overview.heading"):
        assert words[key] in reports["ar pypdf"][0], key
        assert letters(words[key]) in letters(plain), key
    assert re.search(r"\bAF\d{4}\b", text)  # P-codes stay Latin inside Arabic text
    assert "19,435" in text  # plain `ar`: CLDR's Latin digits
    # Letter size kept with Latin digits (each combination is its own named page)
    assert reports["ar size"][0] == "[612, 792]"
    # the page count in Latin digits (poppler reads some footers right to left, and a page whose
    # lines are mostly figures or Latin, such as the situation map's, in visual order)
    assert re.search(r"الصفحة\W*\d+\W*من\W*\d|\d+\W*من\W*\d+\W*الصفحة", plain)


def test_arabic_indic_digits_by_setting(reports) -> None:
    text, _ = reports["ar_SD"]
    assert "١٩٬٤٣٥" in text  # 19,435 with Arabic-Indic digits and separator
    assert "19,435" not in text and "19435" not in text
    assert re.search(r"\bAF\d{4}\b", text)  # a P-code is a code, not a number
    assert "٢٠٢١" in text  # the year of the dates too
