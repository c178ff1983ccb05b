"""The Sudan workspace of the tests: made as a new user would, in Arabic and English.

`sitrep init --country SDN --language ar` (the CLI, in this process: click's runner),
`languages = ["ar", "en"]`, the crisis and the issuing office given by language, the office's
own COD file with English and Arabic names (`ADM1_EN`, `ADM1_AR`, `ADM1_PCODE`, `ADM2_...`),
rows typed into the workbook with openpyxl (areas by English name, by P-code and by Arabic name),
a places table with an Arabic name column (`name_ar`, `#loc+name+i_ar`), a contact with an
Arabic title and a phone number, and a narrative in each language. Used by
tests/report/test_sudan_languages.py and tests/report/test_situation_build.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from openpyxl import load_workbook

from sitrep.tableschema import SCHEMAS
from tests.report.in_process import sitrep_here

DAY = dt.date(2026, 11, 19)
START = dt.date(2026, 11, 16)
D = dt.date
PHONE = "+249 912 345 678"
EMAIL = "layla.hamid@example.org"
# The office's COD: (ADM1 P-code, English, Arabic), then its ADM2 rows (P-code, English, Arabic)
COD = {
    ("SD02", "North Darfur", "شمال دارفور"): [
        ("SD02114", "Al Fasher", "الفاشر"),
        ("SD02124", "Kebkabiya", "كبكابية"),
        ("SD02170", "Tawila", "طويلة"),
        ("SD02128", "Kutum", "كتم"),
    ],
    ("SD03", "South Darfur", "جنوب دارفور"): [
        ("SD03164", "Nyala Shimal", "نيالا شمال"),
    ],
}
ENGLISH_AREAS = ("Al Fasher", "Kebkabiya", "Tawila", "North Darfur")
ARABIC_AREAS = ("الفاشر", "كبكابية", "طويلة", "شمال دارفور")
ROWS = {
    "displacement": [
        {"id": "D1", "date": D(2026, 11, 17), "district": "Al Fasher", "people": 200000,
         "cause": "conflict", "source": "IOM DTM"},
        {"id": "D2", "date": D(2026, 11, 18), "district": "SD02170", "people": 45000,
         "cause": "conflict", "source": "IOM DTM"},
        {"id": "D3", "date": D(2026, 11, 19), "district": "كبكابية", "people": 15000,
         "cause": "conflict", "source": "IOM DTM"},
    ],
    "blockades": [
        {"id": "B1", "commodity": "fuel", "area": "SD02114", "place": "Al Fasher",
         "imposed_by": "RSF", "start_date": D(2026, 11, 16), "people_affected": 30000,
         "status": "ongoing", "source": "OCHA"},
        {"id": "B2", "commodity": "food", "area": "SD02170", "place": "Tawila",
         "imposed_by": "RSF", "start_date": D(2026, 11, 17), "people_affected": 12000,
         "status": "ongoing", "source": "OCHA"},
    ],
    "routes": [
        {"route_id": "R1", "route": "Al Fasher - Tawila road", "from": "Al Fasher",
         "to": "Tawila", "status": "closed", "constraint": "insecurity/hostilities",
         "since": D(2026, 11, 17), "source": "OCHA", "route_ar": "طريق الفاشر - طويلة"},
        {"route_id": "R2", "route": "Al Fasher - Kebkabiya road", "from": "Al Fasher",
         "to": "Kebkabiya", "status": "open", "since": D(2026, 11, 16), "source": "OCHA",
         "route_ar": "طريق الفاشر - كبكابية"},
    ],
    "places": [
        {"name": "Al Fasher", "pcode": "SD02114", "lat": 13.63, "lon": 25.35,
         "name_ar": "الفاشر"},
        {"name": "Tawila", "pcode": "SD02170", "lat": 13.5, "lon": 24.85, "name_ar": "طويلة"},
        {"name": "Kebkabiya", "pcode": "SD02124", "lat": 13.65, "lon": 24.08,
         "name_ar": "كبكابية"},
        {"name": "Zamzam", "pcode": "SD02114", "lat": 13.5, "lon": 25.28, "type": "camp",
         "name_ar": "زمزم"},
    ],
    "contacts": [
        {"name": "Layla Hamid", "title": "Head of Office", "organisation": "OCHA Sudan",
         "email": EMAIL, "phone": PHONE, "title_ar": "رئيسة المكتب",
         "organisation_ar": "أوتشا السودان"},
    ],
    "partners": [
        {"name": "Amal Osman", "email": "amal@example.org", "organisation": "WFP",
         "lists": "all", "language": "العربية"},
        {"name": "John Smith", "email": "john@example.org", "organisation": "UNHCR",
         "lists": "all", "language": "English"},
    ],
}  # fmt: skip
# Columns a table has beyond sitrep's schema: (header, hashtag)
EXTRA = {
    "places": [("name_ar", "#loc+name+i_ar")],
    "routes": [("route_ar", "#loc+name+route+i_ar")],
    "contacts": [("title_ar", "#contact+title+i_ar"), ("organisation_ar", "#org+name+i_ar")],
}
NARRATIVE = {
    "ar": """\
# أبرز النقاط
- نزح أكثر من 200,000 شخص من الفاشر خلال ثلاثة أيام.
- الطريق بين الفاشر وطويلة مغلق منذ 17 نوفمبر.

# نظرة عامة على الوضع
تتواصل الاشتباكات في ولاية شمال دارفور.

# الاستجابة
### المأوى
**الاحتياجات:** مأوى للأسر النازحة.
""",
    "en": """\
# Highlights
- More than 200,000 people fled Al Fasher in three days.
- The road between Al Fasher and Tawila has been closed since 17 November.

# Situation overview
Fighting continues in North Darfur state.

# Response
### Shelter
**Needs:** shelter for displaced families.
""",
}
SETTINGS = """\
crisis = { ar = "الفاشر", en = "El Fasher" }
issuing_office = { ar = "مكتب تنسيق الشؤون الإنسانية في السودان", en = "OCHA Sudan" }
languages = ["ar", "en"]
"""


def write_cod(path: Path) -> None:
    """The office's COD-AB admin-2 table as HDX publishes it (CSV, one row per admin 2)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["ADM2_EN", "ADM2_AR", "ADM2_PCODE", "ADM1_EN", "ADM1_AR", "ADM1_PCODE",
                         "ADM0_EN", "ADM0_AR", "ADM0_PCODE", "validOn"])  # fmt: skip
        for (code1, en1, ar1), areas in COD.items():
            for code2, en2, ar2 in areas:
                writer.writerow([en2, ar2, code2, en1, ar1, code1, "Sudan", "السودان", "SD",
                                 "2024-05-01"])  # fmt: skip


def type_rows(book: Path) -> None:
    """Under the header and hashtag rows, by the schema's column order, then the extra columns."""
    workbook = load_workbook(book)
    for name, rows in ROWS.items():
        sheet = workbook[name]
        columns = [c.name for c in SCHEMAS[name].columns]
        for c, (header, tag) in enumerate(EXTRA.get(name, []), start=len(columns) + 1):
            sheet.cell(1, c, header)
            sheet.cell(2, c, tag)
        columns += [header for header, _ in EXTRA.get(name, [])]
        for r, record in enumerate(rows, start=3):
            for c, column in enumerate(columns, start=1):
                sheet.cell(r, c, record.get(column))
    workbook.save(book)


def make_sudan(root: Path, settings: str = SETTINGS) -> Path:
    """The Sudan workspace, made in `root / "ws"`: its settings, COD, rows and narratives."""
    # in-process: the tests read the workspace it makes, not its process (a second of imports)
    made = sitrep_here("init", "ws", "--country", "SDN", "--language", "ar", cwd=root)
    assert made.exit_code == 0, made.output
    ws = root / "ws"
    toml = ws / "sitrep.toml"
    text = toml.read_text("utf-8")
    text = re.sub(r"(?m)^(crisis|issuing_office) = .*\n", "", text)
    text = text.replace("[report]\n", "[report]\n" + settings)
    text = text.replace('# pcodes = "inputs/cod-ab.xlsx"', 'pcodes = "inputs/sdn_cod.csv"')
    for key in ("period_start", "first_report"):
        text = re.sub(rf"^{key} = \S+", f"{key} = {START.isoformat()}", text, flags=re.M)
    # init's [email] section (its keys commented), given a sender
    text = text.replace(
        "\n[email]\n", '\n[email]\nfrom = "OCHA Sudan <ocha.sudan@example.org>"\n', 1
    )
    toml.write_text(text, "utf-8")
    write_cod(ws / "inputs" / "sdn_cod.csv")
    type_rows(ws / "inputs" / "data.xlsx")
    narrative = ws / "inputs" / "narrative"
    (narrative / f"{DAY}.md").write_text(NARRATIVE["ar"], "utf-8")
    (narrative / "en").mkdir()
    (narrative / "en" / f"{DAY}.md").write_text(NARRATIVE["en"], "utf-8")
    return ws
