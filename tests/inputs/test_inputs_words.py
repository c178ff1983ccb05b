"""Inputs in the office's language: French, Spanish and Arabic words, dates and headings.

The sample workbook is rewritten with openpyxl (and its routes as a CSV file) with every
vocabulary word, yes/no and missing value in French, Spanish or Arabic and dates with month
names; the typed tables must equal the English sample's, through `sitrep validate` and a build.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from babel.dates import format_date
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrep.cli import main
from sitrep.inputs import parse
from sitrep.validate.cells import vocabulary_parser
from tests.conftest import copy_workspace, pdf_text, quicken

# The words an office would type, written here by hand (not read from sitrep's catalogues).
FOREIGN = {
    "route_status": {
        "open": ["ouvert", "abierto", "مفتوح"],
        "open with restrictions": ["Ouvert avec restrictions", "abierto con restricciones",
                                   "مفتوح مع قيود"],
        "restricted": ["restreint", "restringido", "مقيد"],
        "closed": ["FERMÉ", "cerrado", "مغلق"],
        "unknown": ["inconnu", "desconocido", "غير معروف"],
    },
    "constraint": {
        "none": ["aucune", "ninguna", "لا يوجد"],
        "checkpoint": ["point de controle", "puesto de control", "نقطة تفتيش"],
        "closure by armed group": ["fermeture par un groupe armé", "cierre por grupo armado",
                                   "إغلاق من جماعة مسلحة"],
        "insecurity/hostilities": ["insécurité", "inseguridad", "انعدام الأمن"],
        "mines/IEDs": ["mines", "minas", "ألغام"],
        "damage/landslide/snow": ["neige", "nieve", "ثلوج"],
        "administrative": ["administratif", "permiso", "تصاريح"],
    },
    "blockade_status": {
        "ongoing": ["en cours", "en curso", "مستمر"],
        "partially lifted": ["partiellement levé", "parcialmente levantado", "رفع جزئيا"],
        "lifted": ["levé", "levantado", "رُفِعَ"],
    },
    "commodity": {
        "food": ["vivres", "alimentos", "غذاء"],
        "fuel": ["carburant", "combustible", "وقـود"],
        "medicine": ["médicaments", "medicamentos", "أدوية"],
        "cash": ["espèces", "efectivo", "نقد"],
        "all goods": ["marchandises", "todos los bienes", "جميع السلع"],
    },
    "format": {"attach": ["pièce jointe", "adjunto", "مرفق"], "link": ["lien", "enlace", "رابط"]},
    "bool": {True: ["oui", "sí", "نعم"], False: ["non", "no", "لا"]},
}  # fmt: skip
MISSING = ["n/d", "s.o.", "sin dato", "غير متوفر", "N.D.", "s/d", "nc", "لا يوجد"]
FR_MONTHS = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
ES_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
)
AR_MONTHS = (
    "كانون الثاني,شباط,آذار,نيسان,أيار,حزيران,تموز,آب,أيلول,تشرين الأول,تشرين الثاني,كانون الأول"
)
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# sheet -> {header: vocabulary}
VOCAB_COLUMNS = {
    "blockades": {"Commodity": "commodity", "Status": "blockade_status"},
    "routes": {"Status": "route_status", "Constraint": "constraint"},
    "prices": {"Commodity": "commodity"},
    "partners": {"Format": "format", "Active": "bool"},
}
DATE_COLUMNS = {"blockades": ("Start date", "End date"), "routes": ("Since", "Verified")}
MISSING_COLUMNS = {"displacement": ("Families", "People"), "blockades": ("End date",)}


def spelled(day: dt.date, i: int) -> str:
    """A date as an office would type it: French, Spanish or (Levantine, Indic digits) Arabic."""
    if i % 3 == 0:
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {FR_MONTHS.split()[day.month - 1]} {day.year}"
    if i % 3 == 1:
        return f"{day.day} de {ES_MONTHS.split()[day.month - 1]} de {day.year}"
    return f"{day.day} {AR_MONTHS.split(',')[day.month - 1]} {day.year}".translate(INDIC)


def translate(value: object, kind: str, i: int) -> object:
    if value is None:
        return value
    key = value if kind == "bool" else str(value).lower()
    if kind == "bool":
        key = str(value).lower() in ("yes", "true", "1")
    return FOREIGN[kind][key][i % 3]


def translated_workspace(ws: Path) -> Path:
    """The sample with foreign words in the workbook, and the routes as a CSV file."""
    book = openpyxl.load_workbook(ws / "inputs" / "sample-data.xlsx")
    for sheet in ("displacement", "blockades", "routes", "prices", "partners"):
        rows = book[sheet]
        headers = [c.value for c in rows[1]]
        for r, row in enumerate(rows.iter_rows(min_row=3), start=0):
            for cell, header in zip(row, headers, strict=False):
                if header in VOCAB_COLUMNS.get(sheet, {}):
                    cell.value = translate(cell.value, VOCAB_COLUMNS[sheet][header], r)
                elif header in DATE_COLUMNS.get(sheet, ()) and isinstance(cell.value, dt.datetime):
                    cell.value = spelled(cell.value.date(), r)
                elif (
                    header in MISSING_COLUMNS.get(sheet, ())
                    and cell.value is None
                    and any(c.value is not None for c in row)
                ):
                    cell.value = MISSING[r % len(MISSING)]
    routes = book["routes"]
    with open(ws / "inputs" / "routes.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for row in routes.iter_rows(values_only=True):
            if any(v is not None for v in row):
                writer.writerow(["" if v is None else v for v in row])
    del book["routes"]
    book.save(ws / "inputs" / "sample-data.xlsx")
    toml = (ws / "sitrep.toml").read_text(encoding="utf-8")
    toml = toml.replace('"inputs/sample-data.xlsx#routes"', '"inputs/routes.csv"')
    (ws / "sitrep.toml").write_text(toml.replace('locale = "en"', 'locale = "fr"'))
    return ws


def french_narrative(ws: Path, day: str = "2021-08-24") -> Path:
    path = ws / "inputs" / "narrative" / f"{day}.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("# Highlights", "# Points saillants")
    text = text.replace("# Situation overview", "# Aperçu de la situation")
    path.write_text(text.replace("# Response", "# Réponse"), encoding="utf-8")
    return path


def validate_json(ws: Path) -> dict:
    result = CliRunner().invoke(main, ["-w", str(ws), "validate", "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.slow
def test_foreign_words_and_dates_read_as_the_english_sample(tmp_path: Path) -> None:
    """Every vocabulary column, yes/no, missing values and month-name dates in French, Spanish
    and Arabic validate, and give the same typed tables as the English sample; the build's
    French narrative has its highlights."""
    from sitrep.pipeline import check_inputs
    from sitrep.report import BuildOptions, build_report

    english = copy_workspace(tmp_path / "en")
    ws = translated_workspace(copy_workspace(tmp_path / "fr"))
    french_narrative(ws)
    statuses = pd.read_csv(ws / "inputs" / "routes.csv", skiprows=[1])["Status"]
    assert set(statuses) & {"cerrado", "FERMÉ", "مغلق"} and not set(statuses) & {"open", "closed"}
    report = validate_json(ws)
    assert report["errors"] == 0, report["problems"]
    assert not [p for p in report["problems"] if p["table"] == "narrative"], report["problems"]

    ours, theirs = check_inputs(ws).tables, check_inputs(english).tables
    for name in ("displacement", "blockades", "routes", "prices", "partners"):
        got, want = ours[name].frame, theirs[name].frame
        assert len(want) > 0
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))

    # the build's narrative is what is checked: without the tables and the map it prints
    # nothing of (`quicken`), a quarter quicker; every table was compared just above
    result = build_report(BuildOptions(workspace=quicken(ws), draft=True))
    text = pdf_text(result.pdf)
    first = "The Taliban are not allowing food and fuel into the Andarab valley"
    assert text.index("Points saillants") < text.index(first) < text.index("Chiffres clés")
    assert "Aperçu de la situation" in text


def test_an_unknown_heading_names_the_known_ones_in_the_report_language(workspace: Path) -> None:
    toml = (workspace / "sitrep.toml").read_text().replace('locale = "en"', 'locale = "fr"')
    (workspace / "sitrep.toml").write_text(toml)
    path = french_narrative(workspace)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "# Points saillans")  # a typo
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_json(workspace)
    [problem] = [p for p in report["problems"] if p["table"] == "narrative"]
    assert problem["severity"] == "warning"
    assert problem["file"] == "inputs/narrative/2021-08-24.md"
    assert problem["row"] == 4 and problem["value"] == "Points saillans"
    for heading in ("Points saillants", "Faits saillants", "Aperçu de la situation", "Réponse"):
        assert heading in problem["message"]
    assert "Highlights" not in problem["message"]
    out = CliRunner().invoke(main, ["-w", str(workspace), "validate"]).output
    assert "inputs/narrative/2021-08-24.md, ligne 4" in out  # in the workspace's language
    assert "titre de section inconnu" in problem["message"]


def test_validate_checks_the_narrative_in_english_too(workspace: Path) -> None:
    path = workspace / "inputs" / "narrative" / "2021-08-24.md"
    path.write_text("# Highlights\n- Only one.\n\n# Situaton overview\nText.\n", encoding="utf-8")
    problems = [p for p in validate_json(workspace)["problems"] if p["table"] == "narrative"]
    messages = " ".join(p["message"] for p in problems)
    assert "1 highlights" in messages
    assert any(p["value"] == "Situaton overview" and p["row"] == 4 for p in problems)
    assert "Highlights, Key messages, Situation overview" in messages


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Faits saillants", "highlights"),
        ("Situation generale", "overview"),
        ("Réponse humanitaire", "response"),
        ("Financement", "funding"),
        ("Aspectos destacados", "highlights"),
        ("Puntos destacados", "highlights"),
        ("Panorama de la situación", "overview"),
        ("Coordinación", "coordination"),
        ("Financiación", "funding"),
        ("أبرز النقاط", "highlights"),
        ("أبرز المستجدات", "highlights"),
        ("نظرة عامة على الوضع", "overview"),
        ("الاستجابة", "response"),
        ("التنسيق", "coordination"),
        ("التمويل", "funding"),
    ],
)
def test_headings_in_every_language(heading: str, key: str) -> None:
    from sitrep.inputs.narrative import split_sections

    sections, unknown = split_sections(f"# {heading}\n- one\n- two\n")
    assert unknown == [] and list(sections) == [key]


def test_every_foreign_word_reads_and_missing_words_are_missing() -> None:
    for vocab, words in FOREIGN.items():
        for canonical, spellings in words.items():
            for spelling in spellings:
                if vocab == "bool":
                    assert parse.parse_bool(spelling) == (canonical, None), spelling
                else:
                    assert vocabulary_parser(vocab)(spelling) == (canonical, None), spelling
    for word in MISSING:
        assert parse.parse_people(word) == (None, None), word
        assert parse.parse_date(word)[:2] == (None, None), word
    for word in ("inconnu", "non disponible", "nd", "n.d.", "s/o", "no disponible", "غير معروف"):
        assert parse.is_missing(word), word
    assert parse.parse_bool("peut-être")[1] is not None
    assert vocabulary_parser("route_status")("fermer")[1] is not None  # a verb is not a status


def test_a_workspace_adds_its_own_words(workspace: Path) -> None:
    from sitrep.pipeline import check_inputs

    book = openpyxl.load_workbook(workspace / "inputs" / "sample-data.xlsx")
    book["blockades"]["B3"] = "mazout"
    book["displacement"]["H3"] = "pas de chiffre"
    book.save(workspace / "inputs" / "sample-data.xlsx")
    errors = [p for p in check_inputs(workspace).problems if p.severity == "error"]
    assert {(p.table, p.row) for p in errors} == {("blockades", 3), ("displacement", 3)}
    (workspace / "inputs" / "words.toml").write_text(
        'missing = ["pas de chiffre"]\n[commodity]\nfuel = ["mazout"]\n', encoding="utf-8"
    )
    checked = check_inputs(workspace)
    assert [p for p in checked.problems if p.severity == "error"] == []
    blockades = checked.tables["blockades"].frame
    assert blockades.loc[blockades["_row"] == 3, "commodity"].tolist() == ["fuel"]
    (workspace / "inputs" / "words.toml").write_text('[commodity]\npetrol = ["x"]\n')
    result = CliRunner().invoke(main, ["-w", str(workspace), "validate"])
    assert result.exit_code == 1 and "'petrol' is not one of" in result.output
    for bad, message in [
        ('[commodity]\nfuel = "mazout"\n', "[commodity] fuel: expected a list of words"),
        ('mising = ["x"]\n', "unknown key 'mising'"),
        ("route_status = 3\n", "route_status must be a [route_status] section of word lists"),
        ('headings = ["a"]\n', "headings must be a [headings] section of word lists"),
    ]:
        (workspace / "inputs" / "words.toml").write_text(bad)
        result = CliRunner().invoke(main, ["-w", str(workspace), "validate"])
        assert result.exit_code == 1 and message in result.output, result.output


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        # "3 of 5 key routes closed" would read "0 of 5"
        ('[route_status]\nopen = ["closed"]\n',
         "[route_status] open = 'closed': 'closed' already means 'closed' in sitrep's English "
         "words, not 'open'"),
        # a partner marked inactive ("no") would be sent the report
        ('yes = ["no"]\n', "yes = 'no': 'no' already means no in sitrep's English words, not yes"),
        ('[commodity]\nfuel = ["Vivres"]\n',
         "'Vivres' already means 'food' in sitrep's French words (sitrep/data/words/fr.toml)"),
        ('missing = ["sí"]\n', "'sí' already means yes in sitrep's Spanish words"),
        ('[headings]\nhighlights = ["Réponse"]\n',
         "'Réponse' already means the 'response' heading in sitrep's French words"),
        ('yes = ["peut-être"]\nno = ["Peut-etre"]\n',
         "no = 'Peut-etre': 'Peut-etre' already means yes earlier in this file, not no"),
        ('[route_status]\nopen = ["shut"]\nclosed = ["shut"]\n',
         "[route_status] closed = 'shut': 'shut' already means 'open' earlier in this file"),
    ],
)  # fmt: skip
def test_a_workspace_word_never_takes_over_a_meaning(workspace: Path, words: str, shown: str):
    (workspace / "inputs" / "words.toml").write_text(words, encoding="utf-8")
    result = CliRunner().invoke(main, ["-w", str(workspace), "validate"])
    assert result.exit_code == 1, result.output
    assert "Error: inputs/words.toml: 1 word(s) would change what a word means" in result.output
    assert shown in result.output, result.output
    assert "Traceback" not in result.output


def test_a_workspace_may_repeat_a_word_with_its_own_meaning(workspace: Path):
    from sitrep.pipeline import check_inputs

    (workspace / "inputs" / "words.toml").write_text(
        'yes = ["oui", "ja"]\n[route_status]\nclosed = ["Fermé", "shut"]\n', encoding="utf-8"
    )
    assert not [p for p in check_inputs(workspace).problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 juin 2025", dt.date(2025, 6, 3)),
        ("1er juin 2025", dt.date(2025, 6, 1)),
        ("3 juil. 2025", dt.date(2025, 7, 3)),
        ("3 sept 2025", dt.date(2025, 9, 3)),
        ("Mardi 3 juin 2025", dt.date(2025, 6, 3)),
        ("juin 3, 2025", dt.date(2025, 6, 3)),
        ("3 de junio de 2025", dt.date(2025, 6, 3)),
        ("1º de junio de 2025", dt.date(2025, 6, 1)),
        ("3 يونيو 2025", dt.date(2025, 6, 3)),
        ("3 حزيران 2025", dt.date(2025, 6, 3)),
        ("٣ يونيو ٢٠٢٥", dt.date(2025, 6, 3)),
        ("٠٣/٠٦/٢٠٢٥", dt.date(2025, 6, 3)),
        ("3 تشرين الأول 2025", dt.date(2025, 10, 3)),
        ("24 Aug 2021", dt.date(2021, 8, 24)),
        ("Aug 24 2021", dt.date(2021, 8, 24)),
        ("24-Aug-2021", dt.date(2021, 8, 24)),
        ("Tuesday 24 August 2021", dt.date(2021, 8, 24)),
    ],
)
def test_month_names(text: str, expected: dt.date) -> None:
    assert parse.parse_date(text)[:2] == (expected, None)


@pytest.mark.parametrize("text", ["31 juin 2025", "3 juin 25", "3 brumaire 2025", "juin 2025"])
def test_not_dates(text: str) -> None:
    assert parse.parse_date(text)[1] is not None


LOCALES = ["en", "fr", "es", "ar", "ar_SY", "ar_DZ"]
PATTERNS = ["d MMMM y", "d MMM y", "long", "EEEE d MMMM y", "MMM d, y", "d 'de' MMMM 'de' y"]


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    locale=st.sampled_from(LOCALES),
    pattern=st.sampled_from(PATTERNS),
)
def test_a_date_babel_writes_reads_back(day: dt.date, locale: str, pattern: str) -> None:
    """A date formatted by Babel (CLDR) in each language, full or abbreviated, parses back."""
    text = format_date(day, pattern, locale=locale)
    assert parse.parse_date(text)[:2] == (day, None), text
    indic = text.translate(INDIC)  # the same in Arabic-Indic digits
    assert parse.parse_date(indic)[:2] == (day, None), indic
