"""A workspace made as a new user would (`sitrep init`, Sudan in Arabic) declares three indicators
(a stock, a flow, one with a sex and age breakdown), types a 4W response table, reads HDX HAPI's
needs and funding downloads as they come, and builds: the PDF, read back, shows each figure
with its change, source and provenance; the HTML edition links each key figure to its rows,
which add up to it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from sitrep.tableschema import SCHEMAS
from tests.conftest import pdf_text
from tests.general_workspace import HAPI
from tests.report.in_process import sitrep_here

pytestmark = pytest.mark.slow  # each test reads a report laid out

D = dt.date
DAY, FIRST = D(2025, 3, 29), D(2025, 3, 22)
ROWS = {
    "indicators": [
        # a stock by locality and by state (the state row of Khartoum repeats its localities)
        {"indicator": "returnees", "date": D(2025, 3, 20), "area": "SD01003", "value": 4000,
         "source": "IOM DTM"},
        {"indicator": "returnees", "date": D(2025, 3, 20), "area": "SD01", "value": 9000,
         "source": "IOM DTM"},
        {"indicator": "returnees", "date": D(2025, 3, 27), "area": "SD01003", "value": 6500,
         "source": "IOM DTM"},
        {"indicator": "returnees", "date": D(2025, 3, 27), "area": "Al Fasher", "value": 1200,
         "source": "IOM DTM"},
        # a flow: new cases, summed over the period
        {"indicator": "cholera_cases", "date": D(2025, 3, 21), "area": "SD09046", "value": 40,
         "source": "وزارة الصحة"},
        {"indicator": "cholera_cases", "date": D(2025, 3, 25), "area": "SD09046", "value": 35,
         "source": "وزارة الصحة"},
        {"indicator": "cholera_cases", "date": D(2025, 3, 28), "area": "SD09047", "value": 12,
         "source": "وزارة الصحة"},
        # a stock with a sex and age breakdown
        {"indicator": "people_in_sites", "date": D(2025, 3, 18), "area": "SD02114",
         "value": 10000, "women": 3100, "men": 1900, "girls": 2600, "boys": 2400,
         "source": "CCCM"},
        {"indicator": "people_in_sites", "date": D(2025, 3, 26), "area": "SD02114",
         "value": 12500, "women": 3900, "men": 2300, "girls": 3300, "boys": 3000,
         "source": "CCCM"},
    ],
    "response": [
        {"cluster": "الأمن الغذائي", "organisation": "WFP", "area": "SD01003", "activity": "سلال",
         "targeted": 20000, "reached": 6000, "date": D(2025, 3, 20), "source": "4W"},
        {"cluster": "الأمن الغذائي", "organisation": "WFP", "area": "SD01003", "activity": "سلال",
         "targeted": 20000, "reached": 9000, "date": D(2025, 3, 27), "source": "4W"},
        {"cluster": "الأمن الغذائي", "organisation": "SRCS", "area": "SD02114",
         "activity": "سلال", "targeted": 5000, "reached": 1000, "date": D(2025, 3, 27),
         "source": "4W"},
        {"cluster": "الصحة", "organisation": "MSF", "area": "SD02114", "activity": None,
         "targeted": 8000, "reached": 5200, "date": DAY, "source": "4W"},
    ],
}  # fmt: skip
NARRATIVE = """\
# أبرز النقاط
- عاد آلاف الأشخاص إلى بحري.
- ارتفعت حالات الكوليرا في النيل الأبيض.

# نظرة عامة على الوضع
تتواصل الاشتباكات في شمال دارفور.

# الاستجابة
### الأمن الغذائي
**الاحتياجات:** الغذاء للعائدين.

### الصحة
**الاستجابة:** عيادات متنقلة في الفاشر.
"""
INDICATORS = """
[indicators.returnees]
label = { ar = "العائدون", en = "returnees" }
kind = "stock"
key_figure = true

[indicators.cholera_cases]
label = { ar = "حالات الكوليرا الجديدة", en = "new cholera cases" }
kind = "flow"
key_figure = true

[indicators.people_in_sites]
label = { ar = "الأشخاص في مواقع النزوح", en = "people in displacement sites" }
kind = "stock"
key_figure = true
"""


def make_sudan_arabic(root: Path, language: str = "ar") -> Path:
    # in this process, as the build below: the workspace it makes is the subject
    made = sitrep_here("init", "ws", "--country", "SDN", "--language", language, cwd=root)
    assert made.exit_code == 0, made.stderr
    ws = root / "ws"
    toml = ws / "sitrep.toml"
    text = toml.read_text("utf-8")
    for key, day in (("period_start", FIRST), ("first_report", FIRST)):
        text = re.sub(rf"^{key} = \S+", f"{key} = {day}", text, flags=re.M)
    text = text.replace('cadence = "daily"', 'cadence = "weekly"')
    for name, file in (("needs", "humanitarian-needs-global-v2.csv"),
                       ("funding", "funding-global.csv")):  # fmt: skip
        shutil.copy(HAPI / file, ws / "inputs" / f"{name}.csv")
        text = text.replace(f'# {name} = "inputs/{name}.csv"', f'{name} = "inputs/{name}.csv"')
    toml.write_text(text + INDICATORS, "utf-8")
    book = load_workbook(ws / "inputs" / "data.xlsx")
    for name, rows in ROWS.items():
        columns = [c.name for c in SCHEMAS[name].columns]
        for r, record in enumerate(rows, start=3):
            for c, column in enumerate(columns, start=1):
                book[name].cell(r, c, record.get(column))
    book.save(ws / "inputs" / "data.xlsx")
    (ws / "inputs" / "narrative" / f"{DAY}.md").write_text(NARRATIVE, "utf-8")
    return ws


# `sitrep init` writes Sudan's own locale, `ar-SD`, whose numbers are in Arabic-Indic digits:
# read back in Latin ones, to compare with the figures computed here
LATIN = str.maketrans("٠١٢٣٤٥٦٧٨٩٬٫٪", "0123456789,.%")


def read_back(pdf: Path) -> str:
    """The PDF's text in reading order: pdftotext without its bidi marks (numbers, Latin
    words), then pypdf's (Arabic words whole: pdftotext reverses a ligature's letters)."""
    plain = re.sub("[\u202a-\u202e\u2066-\u2069]", "", pdf_text(pdf))
    pages = PdfReader(pdf).pages
    text = plain + " " + " ".join(" ".join(p.extract_text().split()) for p in pages)
    return text.translate(LATIN)


# session scope, though only this module uses it: made once per worker even when `--dist
# worksteal` runs this module's tests apart (a module fixture is made again each time its
# module's tests resume after another module's)
@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = make_sudan_arabic(tmp_path_factory.mktemp("sudan-ar"))
    # in this process: the report's figures are the subject, not the process
    result = sitrep_here("-w", str(ws), "build", "--date", str(DAY), cwd=ws.parent)
    assert result.exit_code == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def has_change(text: str, number: str) -> bool:
    """`+3,700` in logical order, or `3,700+` as an extractor lays a right-to-left line out."""
    return f"+{number}" in text or f"{number}+" in text


def test_each_indicator_shows_its_figure_change_source_and_provenance(built: Path):
    text = read_back(built)
    # returnees: Bahri's and Al Fasher's latest (6,500 + 1,200), against Bahri's 4,000 a week
    # earlier (Khartoum's state row of the same day repeats Bahri): +3,700 since 22 March
    assert "7,700" in text and "العائدون" in text and has_change(text, "3,700")
    # cholera: 35 + 12 in the period (from 22 March; the 21st is before it), none before
    assert "حالات الكوليرا الجديدة" in text and has_change(text, "47")
    # people in sites: 12,500, women and children (3,900 + 3,300 + 3,000) / 12,500 = 82%
    assert "12,500" in text and "الأشخاص في مواقع النزوح" in text and has_change(text, "2,500")
    assert "النساء والأطفال" in text and ("82%" in text or "%82" in text)
    for source in ("IOM DTM", "وزارة الصحة", "CCCM"):
        assert source in text
    # each "as of" line: the newest row counted
    assert text.count("حتى") >= 4
    # the sources annex names each table, and the attached CSV files hold the rows used
    for name in ("indicators.csv", "response.csv", "needs.csv", "funding.csv"):
        assert name in text
    assert "المؤشرات" in text and "3W/4W/5W" in text


def test_the_response_needs_and_funding_read_from_the_downloads(built: Path):
    text = read_back(built)
    # food security: WFP's latest 9,000 of 20,000 and SRCS's 1,000 of 5,000
    assert "10,000" in text and "25,000" in text and ("40%" in text or "%40" in text)
    assert "5,200" in text and "8,000" in text  # health, beside its narrative
    assert "شخص بحاجة إلى المساعدة" in text  # people in need, the key figure
    assert "Sudan Humanitarian Needs and Response Plan 2025" in text
    assert "26%" in text or "%26" in text  # 1,073,585,430 of 4,157,620,000


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and (attrs.get("href") or "").startswith("#kf-rows"):
            self.links.append(attrs["href"][1:])


def test_the_edition_links_each_key_figure_to_its_rows(built: Path):
    edition = built.with_suffix(".html").read_text("utf-8")
    anchors = _Anchors()
    anchors.feed(edition)
    assert len(anchors.links) >= 5 and set(anchors.links) <= anchors.ids
    block = edition[edition.index('id="kf-rows-') :]
    assert "IOM DTM" in block and "SD01003" not in block  # rows by name, in their areas
