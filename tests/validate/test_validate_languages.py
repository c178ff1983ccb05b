"""Validation problems in the workspace's language: `validate` (text and `--format json`), a
build that stops, the preview's panel; each problem's code the same in every language, and
English word for word as it was."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from sitrep.cli import main
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.tableschema import SCHEMAS
from sitrep.workspace.init import create_workspace

D = dt.date
# people 12.5, a number cell ("12,5" as text is read by the locale: see MISREAD)
ROWS = {
    "displacement": [
        {"date": D(2026, 11, 18), "district": "Atlantis", "people": 120, "source": "DTM"},
        {"date": D(2026, 11, 18), "district": "MZ0101", "people": 12.5, "source": "DTM"},
        {"date": D(2026, 11, 18), "district": "MZ0101", "people": 100},
    ],
    "routes": [
        {"route_id": "R1", "route": "N380", "status": "clossed", "since": D(2026, 11, 17),
         "source": "OCHA"},
    ],
    "blockades": [
        {"id": "B1", "commodity": "food", "area": "MZ0103", "start_date": D(2026, 11, 10),
         "end_date": D(2026, 11, 5), "status": "lifted", "source": "OCHA"},
    ],
}  # fmt: skip
# (table, code) -> each language's message, or its start where it goes on with names
EXPECTED = {
    "en": {
        ("displacement", "invalid-value", 3): "unknown place or P-code",
        ("displacement", "invalid-value", 4): "a number of people must be a whole number",
        ("displacement", "required-value", 5): "a value is required here",
        ("routes", "invalid-value", 3): "unknown word; did you mean 'closed'? expected one of: "
        "open, open with restrictions, restricted, closed, unknown",
        ("blockades", "end-before-start", 3): "the end date is before the start date 2026-11-10",
    },
    "fr": {
        ("displacement", "invalid-value", 3): "lieu ou P-code inconnu",
        ("displacement", "invalid-value", 4): "un nombre de personnes doit être un nombre entier",
        ("displacement", "required-value", 5): "une valeur est obligatoire ici",
        ("routes", "invalid-value", 3): "mot inconnu ; vouliez-vous dire 'closed' ?",
        ("blockades", "end-before-start", 3): "la date de fin est antérieure à la date de début "
        "2026-11-10",
    },
    "ar": {
        ("displacement", "invalid-value", 3): "مكان أو رمز مكان غير معروف",
        ("displacement", "invalid-value", 4): "يجب أن يكون عدد الأشخاص عددًا صحيحًا",
        ("displacement", "required-value", 5): "القيمة مطلوبة هنا",
        ("routes", "invalid-value", 3): "كلمة غير معروفة؛ هل تقصد 'closed'؟",
        ("blockades", "end-before-start", 3): "تاريخ الانتهاء قبل تاريخ البدء 2026-11-10",
    },
    "pt": {
        ("displacement", "invalid-value", 3): "local ou código P desconhecido",
        ("displacement", "invalid-value", 4): "um número de pessoas tem de ser um número inteiro",
        ("displacement", "required-value", 5): "aqui é obrigatório um valor",
        ("routes", "invalid-value", 3): "palavra desconhecida; queria dizer 'closed'?",
        ("blockades", "end-before-start", 3): "a data de fim é anterior à data de início "
        "2026-11-10",
    },
}
SAID = {  # how the text output locates a problem and ends, in each language
    "en": ("row 4", "5 errors, 0 warnings"),
    "fr": ("ligne 4", "5 erreurs, 0 avertissement"),  # CLDR: 0 takes French's singular
    "ar": ("الصف 4", "5 أخطاء، 0 تحذير"),  # 5: few; 0: zero
    "pt": ("linha 4", "5 erros, 0 avisos"),
}


def _workspace(tmp_path: Path, language: str) -> Path:
    ws = tmp_path / language
    create_workspace(ws, "MOZ", D(2026, 11, 19), language=language)
    path = ws / "inputs" / "data.xlsx"
    book = load_workbook(path)
    for name, records in ROWS.items():
        columns = [c.name for c in SCHEMAS[name].columns]
        for row, record in enumerate(records, start=3):  # under the hashtag row
            for column, key in enumerate(columns, start=1):
                book[name].cell(row, column, record.get(key))
    book.save(path)
    narrative = ws / "inputs" / "narrative" / "2026-11-18.md"
    narrative.write_text("# Highlights\n- One.\n- Two.\n\n# Situation overview\nText.\n")
    return ws


# session scope, though only this module uses it: made once per worker even when `--dist
# worksteal` runs this module's tests apart (a module fixture is made again each time its
# module's tests resume after another module's)
@pytest.fixture(scope="session")
def made(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """language -> its workspace (`_workspace`), made once for the module (half a CPU second
    each): the tests that only read it share it (validate, and a build that stops and writes
    nothing); a test that changes it changes a copy."""
    workspaces: dict[str, Path] = {}

    def get(language: str) -> Path:
        if language not in workspaces:
            workspaces[language] = _workspace(tmp_path_factory.mktemp("made"), language)
        return workspaces[language]

    return get


def _problems(ws: Path) -> dict[tuple[str, str, int], str]:
    result = CliRunner().invoke(main, ["-w", str(ws), "validate", "--format", "json"])
    assert result.exit_code == 1, result.output
    return {
        (p["table"], p["code"], p["row"]): p["message"]
        for p in json.loads(result.stdout)["problems"]
    }


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "fr", "ar", "pt"])
def test_validation_problems_are_written_in_the_workspace_language(
    made: Callable[[str], Path], language: str
) -> None:
    ws = made(language)
    problems = _problems(ws)
    assert set(problems) == set(EXPECTED[language])  # the same codes, rows, in every language
    for where, message in EXPECTED[language].items():
        assert problems[where].startswith(message), (where, problems[where])
    text = CliRunner().invoke(main, ["-w", str(ws), "validate"]).stdout
    row, counts = SAID[language]
    assert f", {row}, " in text and text.strip().endswith(counts), text
    # a build that stops on them says them in the language too, and writes nothing
    built = CliRunner().invoke(main, ["-w", str(ws), "build"])
    assert built.exit_code == 1
    assert EXPECTED[language][("displacement", "required-value", 5)] in built.stderr
    assert not (ws / "output").exists() or not any((ws / "output").rglob("*.pdf"))


def test_english_messages_are_word_for_word_as_before(made: Callable[[str], Path]) -> None:
    """The whole English messages, not only their start: the catalogue's English is the text
    the code wrote before messages became catalogue entries."""
    problems = _problems(made("en"))
    exact = {k: v for k, v in EXPECTED["en"].items() if k != ("displacement", "invalid-value", 3)}
    assert {k: problems[k] for k in exact} == exact


def test_the_preview_panel_says_problems_in_the_workspace_language(
    made: Callable[[str], Path],
) -> None:
    from sitrep.pipeline import check_inputs
    from sitrep.preview.live import problem_json
    from sitrep.render.catalogue import problem_wording

    ws = made("fr")
    checked = check_inputs(ws, None, None, narrative=False)
    wording = problem_wording(checked.config)
    shown = [problem_json(p, wording) for p in checked.problems]
    required = next(p for p in shown if p["code"] == "required-value")
    assert required["message"] == "une valeur est obligatoire ici"
    assert required["location"].endswith(", feuille displacement, ligne 5, colonne « Source »")


def test_the_cod_files_and_the_workbooks_checks_are_said_in_the_language_too() -> None:
    """The problems of the COD file's tree, of a name in a script no place has and of a
    workbook's string table are catalogue entries: said in Portuguese and Ukrainian, their
    English word for word what it was."""
    from sitrep.geo.areas import Area
    from sitrep.geo.gazetteer import country_gazetteer
    from sitrep.geo.tree import tree_faults
    from sitrep.inputs.limits import exceeded
    from sitrep.problems import Message, Wording
    from sitrep.render.catalogue import load_messages
    from sitrep.settings.config import DEFAULT_TEMPLATES

    def said(language: str, message: str) -> str:
        return Wording(load_messages([DEFAULT_TEMPLATES], language), language).written(message)

    [fault] = tree_faults({"MZ0101": Area("MZ0101", "Lichinga", 2, "MZ0101")})
    assert fault.message == (
        "MZ0101 (Lichinga, admin 2) is its own parent: "
        "expected the P-code of the admin 1 area it lies in"
    )
    assert said("pt", fault.message) == (
        "MZ0101 (Lichinga, admin 2) é o seu próprio pai; "
        "esperava-se o código P da área de admin 1 onde se encontra"
    )
    assert said("uk", fault.message).startswith("MZ0101 (Lichinga, адмінрівень 2) є батьківською")
    unknown = country_gazetteer("MOZ").unknown("Харків").message
    assert str(unknown).startswith("unknown place: no place of")
    assert said("pt", unknown).startswith("local desconhecido: nenhum local de")
    strings = Message("limit-exceeded.shared-strings-size", member="xl/sharedStrings.xml", size="9")
    limit = exceeded(strings, "max_text_mb", 8, "MB")
    assert said("uk", limit).startswith("спільні рядки робочої книги (xl/sharedStrings.xml)")


# people written as text the workspace's locale reads two ways, cannot read, or is no number
# (sitrep.inputs.numbers), in rows 6, 7 and 8, with the start of what each language says of them
FSI, PDI = "\u2068", "\u2069"
MISREAD = {
    "pt": {
        "4,000": "'4,000' pode ser 4000 (com a vírgula «,» a separar os milhares) ou 4 (com a "
        "vírgula «,» como separador decimal): escreva 4",
        "1,750.5": "'1,750.5' não se consegue ler como número: na configuração regional deste "
        "espaço de trabalho (pt_MZ), a vírgula «,» é o separador decimal",
        "12 pessoas": "espera-se um número inteiro de pessoas, como 1",
    },
    "ar": {
        "4.000": f"قد تكون القيمة {FSI}'4.000'{PDI} هي {FSI}4000{PDI} (إذا كانت النقطة «.» تفصل "
        "الآلاف)",
        "1.750,5": f"تعذّرت قراءة القيمة {FSI}'1.750,5'{PDI} رقمًا: في الإعدادات المحلية",
        "١٢ شخصا": "يُنتظر عدد صحيح من الأشخاص، مثل",
    },
}
SAID_NOWHERE = {"pt": "indique a área de onde as pessoas vieram", "ar": "اذكر المنطقة التي"}
WORD = re.compile(r"[A-Za-z]{3,}")


def _problem_words(language: str) -> set[str]:
    """The Latin-script words of a catalogue's problem messages, lowercased."""
    path = DEFAULT_TEMPLATES / "i18n" / f"{language}.toml"
    texts: list[str] = []

    def walk(entry: object) -> None:
        if isinstance(entry, dict):
            for value in entry.values():
                walk(value)
        else:
            texts.append(re.sub(r"\{\w+\}", "", str(entry)))

    walk(tomllib.loads(path.read_text(encoding="utf-8"))["problems"])
    return {w.lower() for text in texts for w in WORD.findall(text)}


@pytest.mark.parametrize("language", ["pt", "ar"])
def test_a_number_misread_is_said_in_the_workspace_language(
    made: Callable[[str], Path], tmp_path: Path, language: str
) -> None:
    """A number two ways could read, one the locale cannot read, and one that is no number: each
    said in the language (pt, ar), with no English word; their codes and cells unchanged."""
    ws = shutil.copytree(made(language), tmp_path / language)  # rows added: a copy
    path = ws / "inputs" / "data.xlsx"
    book = load_workbook(path)
    columns = [c.name for c in SCHEMAS["displacement"].columns]
    for row, written in enumerate(MISREAD[language], start=6):
        record = {"date": D(2026, 11, 18), "district": "MZ0101", "people": written, "source": "DTM"}
        for column, key in enumerate(columns, start=1):
            book["displacement"].cell(row, column, record.get(key))
    nowhere = {"date": D(2026, 11, 18), "people": 10, "source": "DTM"}  # neither area: row 9
    for column, key in enumerate(columns, start=1):
        book["displacement"].cell(9, column, nowhere.get(key))
    book.save(path)
    problems = _problems(ws)
    text = CliRunner().invoke(main, ["-w", str(ws), "validate"]).stdout
    said = problems[("displacement", "origin-or-destination", 9)]
    assert said.startswith(SAID_NOWHERE[language]) and "area" not in said, said
    english = _problem_words("en") - _problem_words(language)  # only the English says them
    for row, (written, said) in enumerate(MISREAD[language].items(), start=6):
        message = problems[("displacement", "invalid-value", row)]
        assert message.startswith(said), message
        assert f": {written!r}: {message}" in text
        assert sorted({w.lower() for w in WORD.findall(message)} & english) == [], message
        if language == "ar":  # the value alone is Latin: nothing else
            assert WORD.findall(message.replace(repr(written), "")) == [], message


def test_the_indicators_hapi_columns_and_scripts_are_said_in_the_language(
    tmp_path: Path,
) -> None:
    """The indicators' and HDX HAPI's rules, a sheet with neither of two columns, a name in a
    script no place has and the list of places a problem names: said in Portuguese and Arabic
    with no English word, their English what it was."""
    import pandas as pd

    from sitrep.geo.gazetteer import country_gazetteer
    from sitrep.inputs.load import load_table
    from sitrep.problems import Wording
    from sitrep.render.catalogue import load_messages
    from sitrep.settings.config import InputSource
    from sitrep.settings.indicators import IndicatorSettings
    from sitrep.tableschema import ROW
    from sitrep.validate.declared import hapi_problems, indicator_problems
    from sitrep.validate.table import Table

    gazetteer = country_gazetteer("MOZ")
    rows = [  # undeclared; a province where districts are declared; two units; two sources
        ("cholera", "MZ0101", "cases", "WHO", 5, None),
        ("returnees", "MZ01", "people", "IOM", 10, None),
        ("returnees", "MZ0101", "families", "IOM", 10, None),
        ("returnees", "MZ0101", "people", "UNHCR", 10, 30),
    ]
    frame = pd.DataFrame(
        [{"indicator": i, "area": a, "date": D(2026, 11, 18), "unit": u, "source": s,
          "value": v, "women": w, "men": None, "girls": None, "boys": None, ROW: n}
         for n, (i, a, u, s, v, w) in enumerate(rows, start=2)]
    ).astype(object)  # fmt: skip
    frame[ROW] = frame[ROW].astype("int64")
    declared = {"returnees": IndicatorSettings(label="Returnees", kind="stock", level=2)}
    found = indicator_problems(Table("indicators", "data.xlsx", None, frame), declared, gazetteer)
    hapi = pd.DataFrame({"location_code": ["MOZ", "MOZ", "ZAF"], "error": ["", "bad", ""]})
    found += hapi_problems(Table("needs", "needs.csv", None, hapi), "MOZ")
    (tmp_path / "moves.csv").write_text("date,people,source\n2026-11-18,10,DTM\n", "utf-8")
    _, missing = load_table("displacement", InputSource(tmp_path / "moves.csv"), tmp_path)
    found += missing
    messages = [p.message for p in found] + [gazetteer.unknown("Харків").message]
    assert sorted(p.code for p in found) == [
        "area-level", "breakdown-total", "hapi-note", "hapi-note", "indicator-unit",
        "required-column", "two-sources", "undeclared-indicator",
    ]  # fmt: skip
    joined = "\n".join(messages)
    assert "indicator 'cholera' is not declared in sitrep.toml (declared: returnees); " in joined
    assert "women, men, girls and boys add up to 30, more than the value: check both" in joined
    assert "required column missing: expected one of a header 'district' or the hashtag" in joined
    assert "has a name in Cyrillic script" in messages[-1]
    assert "OCHA Global P-Code List (MOZ, valid from" in messages[-1]
    english = _problem_words("en")
    data = {w.lower() for row in rows for cell in row for w in WORD.findall(str(cell))}
    data |= {"moz", "zaf", "district", "destination_pcode", "code", "dest"}  # codes, headers, tags
    data |= {w.lower() for w in WORD.findall("OCHA Global P-Code List")}  # a dataset's title
    for language, script in (("pt", "escrito em cirílico"), ("ar", "بالكتابة السيريلية")):
        wording = Wording(load_messages([DEFAULT_TEMPLATES], language), language)
        others = english - _problem_words(language)
        for message in messages:
            said = wording.written(message)
            words = {w.lower() for w in WORD.findall(said)} - data
            assert sorted(words & others) == [], said
        assert script in wording.written(messages[-1])
