"""`sitrep init`: a workspace that opens cleanly, fills by script, validates and builds."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sitrep.cli import main
from sitrep.report import BuildOptions, build_report
from sitrep.settings.config import DEFAULT_TEMPLATES, load_config
from sitrep.tableschema import SCHEMAS
from tests.conftest import pdf_text

D = dt.date
ROWS = {
    "displacement": [
        {"date": D(2021, 8, 23), "district": "Andarab", "families": 10, "people": 70,
         "source": "KI"},
        {"date": "24/08/2021", "district": "AF0907", "families": None, "people": "1,400",
         "source": "KI"},
    ],
    "blockades": [
        {"id": "B1", "commodity": "Food", "area": "Andarab", "start_date": D(2021, 8, 21),
         "people_affected": 65000, "status": "ongoing", "source": "News"},
    ],
    "routes": [
        {"route_id": "R1", "route": "Salang highway", "status": "Closed",
         "constraint": "closure by armed group", "since": D(2021, 8, 23), "source": "News"},
    ],
    "prices": [
        {"date": D(2021, 8, 24), "market": "Banu bazaar", "area": "AF0907", "commodity": "food",
         "item": "wheat flour", "unit": "kg", "price": "45.50", "currency": "AFN", "source": "WFP"},
    ],
    "places": [
        {"name": "Banu bazaar", "pcode": "AF0907", "lat": 35.6, "lon": 69.3,
         "aliases": "Banu market"},
    ],
}  # fmt: skip


def _init(folder: Path) -> Path:
    result = CliRunner().invoke(main, ["init", str(folder), "--country", "AFG"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def new_workspace(tmp_path: Path) -> Path:
    """A new workspace, for a test that fills or changes it."""
    return _init(tmp_path / "ws")


@pytest.fixture(scope="module")
def blank_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new workspace made once for the tests that only read it (validate and a second init
    write nothing): an init is half a CPU second."""
    return _init(tmp_path_factory.mktemp("blank") / "ws")


def fill(workbook_path: Path, tables: tuple[str, ...] = tuple(ROWS)) -> None:
    """Type the rows into the blank workbook, as an IMO would (by header, under the tags)."""
    workbook = load_workbook(workbook_path)
    for name in tables:
        rows = ROWS[name]
        sheet = workbook[name]
        headers = [c.name for c in SCHEMAS[name].columns]
        for record in rows:
            sheet.append([record.get(h) for h in headers])
    workbook.save(workbook_path)


def start_series(workspace: Path, day: str = "2021-08-20") -> None:
    """The series starts on `day`, not on the day init ran (the rows here are older)."""
    toml = workspace / "sitrep.toml"
    text = re.sub(
        r"^(period_start|first_report) = \S+", rf"\1 = {day}", toml.read_text(), flags=re.M
    )
    toml.write_text(text)


def test_init_creates_a_complete_workspace(blank_workspace: Path) -> None:
    new_workspace = blank_workspace
    assert (new_workspace / "inputs/narrative/EXAMPLE.md").is_file()
    # The workspace's templates folder is for its overrides only: sitrep's defaults apply.
    assert [p.name for p in (new_workspace / "templates").iterdir()] == ["README.txt"]
    assert str(DEFAULT_TEMPLATES) in (new_workspace / "templates/README.txt").read_text()
    config = load_config(new_workspace)
    sheets = [name for name, schema in SCHEMAS.items() if schema.sheet]
    assert set(config.inputs) == set(sheets)  # HAPI's downloads: named, commented out
    workbook = load_workbook(new_workspace / "inputs/data.xlsx")
    assert workbook.sheetnames == [*sheets, "About", "pcodes"]
    sheet = workbook["blockades"]
    assert sheet.freeze_panes == "A3"
    assert [c.value for c in sheet[2]][:3] == ["#event+code", "#item+name", "#adm2+code"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert "food" in lists["B3"] and "ongoing" in lists["I3"]
    assert sheet["F3"].number_format == "yyyy-mm-dd"
    about = [row[1] for row in workbook["About"].iter_rows(values_only=True)]
    assert sum(1 for s in SCHEMAS.values() if s.sheet for _ in s.columns) <= len(about)
    result = CliRunner().invoke(main, ["init", str(new_workspace), "--country", "AFG"])
    assert result.exit_code == 1 and "already a sitrep workspace" in result.output


def test_blank_workspace_validates_clean_but_for_its_empty_workbook(blank_workspace: Path) -> None:
    """Its settings, workbook and templates are sound; what `build` would refuse, the workbook
    with no dated rows yet, is the one error (as `build` says it)."""
    new_workspace = blank_workspace
    result = CliRunner().invoke(main, ["-w", str(new_workspace), "validate"])
    assert result.exit_code == 1, result.output
    assert "the inputs have no dated rows" in result.output
    assert result.output.strip().endswith("1 error, 0 warnings")


@pytest.mark.slow
def test_filled_workbook_validates_and_builds(new_workspace: Path) -> None:
    fill(new_workspace / "inputs/data.xlsx")
    result = CliRunner().invoke(main, ["-w", str(new_workspace), "validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"errors": 0' in result.output
    start_series(new_workspace)
    built = build_report(BuildOptions(new_workspace))
    assert built.date == D(2021, 8, 24) and built.number == 5
    assert built.pdf.is_file() and built.pdf.read_bytes().startswith(b"%PDF")
    # No [geography] levels: the catalogue's neutral words, not the sample's
    text = pdf_text(built.pdf)
    assert "Admin 1 / Admin 2" in text and "Province" not in text
    assert "illustrative" not in text.lower()  # the sample's notice stays in the sample
    assert "None" not in text and "per family" not in text  # no household size, none printed


def test_the_level_words_are_checked(new_workspace: Path) -> None:
    from sitrep.errors import ConfigError

    toml = new_workspace / "sitrep.toml"
    text = toml.read_text()
    toml.write_text(text.replace("# levels = [", "levels = ["))
    assert load_config(new_workspace).levels == ("Département", "Commune")
    toml.write_text(text.replace("# pcodes", "colour = 1\n# pcodes"))
    with pytest.raises(ConfigError, match=r"geography\.colour: unknown key"):
        load_config(new_workspace)
    toml.write_text(text.replace('# levels = ["Département", "Commune"]', 'levels = "Province"'))
    with pytest.raises(ConfigError, match=r"geography\.levels: 'Province' is not a list"):
        load_config(new_workspace)


@pytest.mark.slow
def test_workspace_with_an_empty_prices_sheet_builds(new_workspace: Path) -> None:
    fill(new_workspace / "inputs/data.xlsx", ("displacement", "blockades", "routes"))
    start_series(new_workspace)
    assert build_report(BuildOptions(new_workspace)).pdf.is_file()


SIX = {"en": "HTI", "fr": "HTI", "es": "COL", "ar": "SDN", "pt": "MOZ", "uk": "UKR"}


@pytest.fixture(scope="module")
def opened_in_libreoffice(tmp_path_factory: pytest.TempPathFactory, blank_workspace: Path):
    """The blank workbook and the six languages' workbooks opened by LibreOffice (one start for
    the seven: a start is a CPU second or more), each first sheet saved as UTF-8 CSV; the Arabic
    one saved again as xlsx. (folder, LibreOffice's stderr of each run)."""
    from sitrep.workspace.init import create_workspace

    tmp = tmp_path_factory.mktemp("libreoffice")
    books = tmp / "books"
    books.mkdir()
    shutil.copy(blank_workspace / "inputs/data.xlsx", books / "blank.xlsx")
    for language, country in SIX.items():
        create_workspace(tmp / language, country, D(2026, 11, 19), language=language)
        shutil.copy(tmp / language / "inputs/data.xlsx", books / f"{language}.xlsx")
    files = [str(books / f"{name}.xlsx") for name in ("blank", *SIX)]
    # 76: UTF-8; the 7th, false: text cells unquoted (LibreOffice quotes them all by default
    # with options given, which the plain "csv" the blank workbook's test used did not)
    utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false"
    profile = (tmp / "profile").as_uri()  # its own: no other LibreOffice's settings or lock
    errors = []
    for target, outdir in ((utf8_csv, "csv"), ("xlsx", "xlsx")):
        out = subprocess.run(
            ["libreoffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
             target, "--outdir", str(tmp / outdir),
             *(files if outdir == "csv" else [str(books / "ar.xlsx")])],
            capture_output=True, timeout=300, check=True,
        )  # fmt: skip
        errors.append(out.stderr)
    return tmp, errors


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
@pytest.mark.slow
def test_blank_workbook_opens_in_libreoffice(opened_in_libreoffice) -> None:
    tmp_path, errors = opened_in_libreoffice
    assert all(b"Error" not in stderr for stderr in errors)
    first_sheet = (tmp_path / "csv/blank.csv").read_text(encoding="utf-8").splitlines()
    assert first_sheet[0].startswith("Id,Date,Admin 2")  # the level word (none set: neutral)
    assert first_sheet[1].startswith("#event+id,#date+occurred,#adm2+code")


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_the_workbook_in_each_language_opens_in_libreoffice(opened_in_libreoffice) -> None:
    """The six languages' workbooks, opened by LibreOffice (one run for all): each first
    sheet's headers read back in its language, the hashtags the same; the Arabic one, saved
    again by LibreOffice, still reads from right to left."""
    import csv

    from sitrep.render.html import load_messages

    tmp_path, errors = opened_in_libreoffice
    assert all(b"Error" not in stderr for stderr in errors)
    columns = SCHEMAS["displacement"].columns
    for language in SIX:
        messages = load_messages([DEFAULT_TEMPLATES], language)
        with (tmp_path / "csv" / f"{language}.csv").open(encoding="utf-8") as handle:
            headers, tags = list(csv.reader(handle))[:2]
        expected = [
            messages["geography.admin2"]
            if c.name == "district"
            else messages.get(f"workbook.header.{c.name}", c.name)
            for c in columns
        ]
        assert headers == expected, language
        assert tags == [c.hxl or "" for c in columns]
    again = load_workbook(tmp_path / "xlsx" / "ar.xlsx")
    assert all(sheet.sheet_view.rightToLeft for sheet in again)
    assert again["displacement"]["B1"].value == "التاريخ"


def _cells(path: Path) -> str:
    """Every cell of every sheet of a workbook, as one text."""
    workbook = load_workbook(path)
    return "\n".join(
        str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v
    )


def test_a_workspace_for_haiti_in_french_has_haiti_places_and_french_words(tmp_path: Path):
    from sitrep.workspace.init import create_workspace

    day = D(2025, 6, 30)
    create_workspace(tmp_path / "fr", "Haïti", day, language="fr")
    create_workspace(tmp_path / "en", "HTI", day)
    french, english = (load_workbook(tmp_path / n / "inputs/data.xlsx") for n in ("fr", "en"))
    text = _cells(tmp_path / "fr" / "inputs/data.xlsx")
    for sample_word in ("Afghan", "Kabul", "Andarab", "Banu", "AF0", "2021"):
        assert sample_word not in text
    assert "HT0111" in text and "Port-au-Prince" in text and "2025-06-30" in text
    pcodes = [r[0] for r in french["pcodes"].iter_rows(min_row=3, values_only=True)]
    assert len(pcodes) == 150 and {"HT01", "HT0114"} <= set(pcodes)  # the global list's 10 + 140
    assert [c.value for c in french["blockades"][1]][:3] == ["Id", "Produit", "Zone"]
    assert [c.value for c in english["blockades"][1]][:3] == ["Id", "Commodity", "Area"]
    for name in (n for n, s in SCHEMAS.items() if s.sheet):  # the same tags in every language
        assert [c.value for c in french[name][2]] == [c.value for c in english[name][2]]
    assert "Comment sitrep lit ce classeur" in text and "À propos" in french.sheetnames
    rules = french["displacement"].data_validations.dataValidation
    assert any(r.formula1 == "pcodes!$A$3:$A$152" and not r.showErrorMessage for r in rules)
    config = load_config(tmp_path / "fr")
    # French as written in Haiti (CLDR's fr_HT): its numbers and dates
    assert (config.country_code, config.locale, config.country) == ("HTI", "fr_HT", "Haïti")
    assert (config.period_start, config.first_report) == (day, day)
    assert config.household_size is None  # written commented out, to fill in
    assert "# household_size = " in (tmp_path / "fr" / "sitrep.toml").read_text()


def test_a_families_only_row_is_an_error_until_household_size_is_set(tmp_path: Path):
    from sitrep.workspace.init import create_workspace

    create_workspace(tmp_path / "ws", "HTI", D(2025, 6, 30))
    book = tmp_path / "ws/inputs/data.xlsx"
    workbook = load_workbook(book)
    headers = [c.name for c in SCHEMAS["displacement"].columns]
    row = {"date": D(2025, 6, 30), "district": "HT0111", "families": 40, "source": "DTM"}
    for column, header in enumerate(headers, start=1):
        workbook["displacement"].cell(3, column, row.get(header))  # under the hashtag row
    workbook.save(book)
    result = CliRunner().invoke(main, ["-w", str(tmp_path / "ws"), "validate"])
    assert result.exit_code == 1
    assert "row 3" in result.output and "household_size" in result.output
    toml = tmp_path / "ws/sitrep.toml"
    toml.write_text(toml.read_text().replace("# household_size = 5", "household_size = 5"))
    result = CliRunner().invoke(main, ["-w", str(tmp_path / "ws"), "validate"])
    assert result.exit_code == 0, result.output


def test_init_needs_a_country_it_knows(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "a")])
    assert result.exit_code == 64 and "--country" in result.output  # a missing option: usage
    result = CliRunner().invoke(main, ["init", str(tmp_path / "b"), "--country", "Atlantis"])
    assert result.exit_code == 1 and "not a country" in result.output
    assert not (tmp_path / "b").exists()  # nothing written


def test_init_takes_today_from_the_command_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws"), "--country", "TCD"])
    assert result.exit_code == 0, result.output
    assert load_config(tmp_path / "ws").first_report == dt.date.today()


def test_every_column_with_a_hashtag_has_a_french_header() -> None:
    from sitrep.render.html import load_messages

    french = load_messages([DEFAULT_TEMPLATES], "fr")
    missing = [
        f"{name}.{c.name}"
        for name, schema in SCHEMAS.items()
        for c in schema.columns
        if schema.sheet  # HDX HAPI's downloads are no sheets: their columns keep HAPI's names
        and c.hxl
        and c.name != "district"
        and f"workbook.header.{c.name}" not in french
    ]
    assert not missing  # the district's header is the workspace's level-2 word


@pytest.mark.parametrize(
    ("country", "language", "about", "title", "heading"),
    [
        ("COL", "es", "Acerca de", "Cómo lee sitrep este libro", "Aspectos destacados"),
        ("SDN", "ar", "حول", "كيف يقرأ sitrep هذا المصنّف", "أبرز النقاط"),
        ("MOZ", "pt", "Sobre", "Como o sitrep lê este livro", "Destaques"),
        ("UKR", "uk", "Про книгу", "Як sitrep читає цю книгу", "Основні моменти"),
    ],
)
def test_init_in_spanish_and_arabic_writes_the_workbook_in_the_language(
    tmp_path: Path, country: str, language: str, about: str, title: str, heading: str
) -> None:
    """Headers, the About sheet, the dropdowns and the example narrative in the language; the
    hashtag row as in English; a row typed with the dropdowns' words validates; an Arabic
    workbook's sheets read from right to left."""
    from openpyxl.utils import get_column_letter

    from sitrep.inputs.words import builtin_words, word_key
    from sitrep.render.html import load_messages
    from sitrep.tableschema import VOCABULARIES

    args = ["init", str(tmp_path / language), "--country", country, "--language", language]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert (
        CliRunner().invoke(main, ["init", str(tmp_path / "en"), "--country", country]).exit_code
        == 0
    )
    book, english = (load_workbook(tmp_path / n / "inputs/data.xlsx") for n in (language, "en"))
    messages = load_messages([DEFAULT_TEMPLATES], language)
    assert about in book.sheetnames and book[about]["A1"].value == title
    assert {s.sheet_view.rightToLeft for s in book} == {language == "ar"}
    assert not any(s.sheet_view.rightToLeft for s in english)
    for name, schema in SCHEMAS.items():
        if not schema.sheet:  # HDX HAPI's downloads
            continue
        assert [c.value for c in book[name][2]] == [c.value for c in english[name][2]]
        for cell, column in zip(book[name][1], schema.columns, strict=False):
            if column.hxl and column.name != "district":
                assert cell.value == messages[f"workbook.header.{column.name}"]
    assert book["displacement"]["C1"].value == messages["geography.admin2"]
    about_rows = list(book[about].iter_rows(values_only=True))
    assert about_rows[7] == tuple(
        messages[f"workbook.about.{k}"]
        for k in ("sheet", "column", "required", "hashtag", "what", "example")
    )
    assert [c.value for c in book["pcodes"][1]] == [
        messages[f"workbook.pcodes.{k}"] for k in ("pcode", "name", "level", "parent")
    ]
    # the dropdowns offer the language's words, each read back as its English word
    offered = {}
    for name, schema in SCHEMAS.items():
        if not schema.sheet:
            continue
        rules = {str(r.sqref).split(":")[0]: r for r in book[name].data_validations.dataValidation}
        for index, column in enumerate(schema.columns, start=1):
            if column.kind == "vocab" and column.vocab:
                rule = rules[f"{get_column_letter(index)}3"]
                offered[column.vocab] = rule.formula1.strip('"').split(",")
    assert set(offered) == set(VOCABULARIES)
    for vocab, words in offered.items():
        reads = builtin_words().vocabulary(vocab)
        assert [reads[word_key(w)] for w in words] == list(VOCABULARIES[vocab])
        assert not set(words) & set(VOCABULARIES[vocab]), words  # none left in English
    status = offered["route_status"]
    assert status[3] == messages["status.closed"]
    example = (tmp_path / language / "inputs/narrative/EXAMPLE.md").read_text(encoding="utf-8")
    assert example.startswith(f"# {heading}\n")
    sections = [
        builtin_words().section(line[2:]) for line in example.splitlines() if line.startswith("# ")
    ]
    assert sections == ["highlights", "overview", "response"]
    # a route typed with the dropdown's words validates
    path = tmp_path / language / "inputs/data.xlsx"
    book["routes"].append(
        ["R1", "Ruta 1", None, None, None, status[3], None, D(2025, 6, 1), None, "OCHA"]
    )
    book.save(path)
    result = CliRunner().invoke(
        main, ["-w", str(tmp_path / language), "validate", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert '"errors": 0' in result.output


def test_no_table_declares_a_column_twice() -> None:
    """A column declared twice is written twice in `init`'s workbook and read from either."""
    from sitrep.tableschema import SCHEMAS

    for name, schema in SCHEMAS.items():
        names = [c.name for c in schema.columns]
        assert len(names) == len(set(names)), name
        tags = [c.hxl for c in schema.columns if c.hxl]
        assert len(tags) == len(set(tags)), name


def test_the_distribution_list_in_arabic_reads_back(tmp_path: Path) -> None:
    """The partners sheet's headers are in the language too, and a row typed under them (a list
    name and yes in Arabic) reads as a partner; the sample's English sheet still reads."""
    import openpyxl

    from sitrep.pipeline import check_inputs
    from sitrep.workspace.init import create_workspace

    create_workspace(tmp_path / "ws", "SDN", D(2025, 6, 30), language="ar")
    path = tmp_path / "ws" / "inputs" / "data.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book["partners"]
    headers = [c.value for c in sheet[1]]
    assert headers[3:] == ["القوائم", "الصيغة", "اللغة", "نشط"]
    for column, value in enumerate(["Amal", "amal@example.org", "منظمة", "الشركاء", None, "ar"]):
        sheet.cell(row=3, column=1 + column, value=value)
    sheet.cell(row=3, column=7, value="نعم")
    book.save(path)
    checked = check_inputs(tmp_path / "ws")
    assert [p for p in checked.problems if p.table == "partners"] == []
    (partner,) = checked.tables["partners"].frame.to_dict("records")
    assert partner["lists"] == ("الشركاء",) and partner["language"] == "ar" and partner["active"]


def test_init_says_where_to_get_the_boundaries(blank_workspace: Path) -> None:
    new_workspace = blank_workspace
    readme = (new_workspace / "inputs" / "README.txt").read_text()
    country = tomllib.loads((new_workspace / "sitrep.toml").read_text())["report"]["country"]
    dataset = f"cod-ab-{country.lower()}"
    assert f"https://data.humdata.org/dataset/{dataset}" in readme
    assert f"(HDX dataset {dataset}" in (new_workspace / "sitrep.toml").read_text()


def test_init_writes_the_indicators_and_response_sheets_in_the_language(tmp_path: Path):
    """Arabic headers above the hashtag row, the clusters offered in Arabic, the areas' P-codes
    offered, and a stock and a flow indicator declared in sitrep.toml, commented out."""
    result = CliRunner().invoke(
        main, ["init", str(tmp_path / "ws"), "--country", "SDN", "--language", "ar"]
    )
    assert result.exit_code == 0, result.output
    workbook = load_workbook(tmp_path / "ws/inputs/data.xlsx")
    indicators, response = workbook["indicators"], workbook["response"]
    assert [c.value for c in indicators[1]][:4] == ["المؤشر", "التاريخ", "المنطقة", "القيمة"]
    assert [c.value for c in indicators[2]] == [c.hxl for c in SCHEMAS["indicators"].columns]
    assert [c.value for c in indicators[2]][4:9] == [
        "#indicator+unit", "#indicator+num+f+adults", "#indicator+num+m+adults",
        "#indicator+num+f+children", "#indicator+num+m+children",
    ]  # fmt: skip
    assert [c.value for c in response[1]][:2] == ["المجموعة", "المنظمة"]
    assert [c.value for c in response[2]] == [c.hxl for c in SCHEMAS["response"].columns]
    offered = {str(v.sqref).split(":")[0]: v for v in response.data_validations.dataValidation}
    assert "الأمن الغذائي" in offered["A3"].formula1  # the clusters, not imposed
    assert not offered["A3"].showErrorMessage
    assert offered["C3"].formula1.startswith("pcodes!")  # the country's areas
    assert "needs" not in workbook.sheetnames and "funding" not in workbook.sheetnames
    toml = (tmp_path / "ws/sitrep.toml").read_text("utf-8")
    assert '# [indicators.returnees]\n# label = { ar = "العائدون" }\n# kind = "stock"' in toml
    assert '# kind = "flow"' in toml
    assert '# needs = "inputs/needs.csv"' in toml and '# funding = "inputs/funding.csv"' in toml
    config = load_config(tmp_path / "ws")
    assert config.indicators == {} and "indicators" in config.inputs
    # uncommented, the examples are declarations sitrep reads
    text = toml.replace("# [indicators.", "[indicators.").replace("# label", "label")
    text = text.replace("# kind", "kind").replace("# key_figure", "key_figure")
    (tmp_path / "ws/sitrep.toml").write_text(text.replace("# level", "level"), "utf-8")
    declared = load_config(tmp_path / "ws").indicators
    assert {k: (v.kind, v.label) for k, v in declared.items()} == {
        "returnees": ("stock", {"ar": "العائدون"}),
        "cholera_cases": ("flow", {"ar": "حالات الكوليرا الجديدة"}),
    }
