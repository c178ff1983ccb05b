"""`[report]` keys given by language: the crisis, the issuing office and the illustrative notice
as one text or a table keyed by language; each edition takes its own, and a table that leaves
out one of the report's languages is a warning naming the key and the language."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.errors import ConfigError
from sitrep.pipeline import check_inputs
from sitrep.problems import ProblemCode
from sitrep.settings.config import load_config
from sitrep.settings.languages import edition_config, untranslated
from sitrep.settings.texts import Texts

INPUTS = '\n[inputs]\ndisplacement = "d.csv"\nblockades = "b.csv"\nroutes = "r.csv"\n'
BILINGUAL = """[report]
country = "SDN"
languages = ["ar", "en"]
crisis = { en = "El Fasher", ar = "الفاشر" }
issuing_office = { ar = "مكتب أوتشا في السودان", en = "OCHA Sudan" }
illustrative = { en = "Invented figures.", ar = "أرقام مختلقة." }
"""


def _load(tmp_path: Path, text: str):
    (tmp_path / "sitrep.toml").write_text(text + INPUTS, encoding="utf-8")
    return load_config(tmp_path)


def test_each_edition_takes_its_own_languages_text(tmp_path: Path) -> None:
    config = _load(tmp_path, BILINGUAL)
    assert (config.locale, config.crisis, config.issuing_office) == (
        "ar",
        "الفاشر",
        "مكتب أوتشا في السودان",
    )
    assert config.illustrative and config.notice == "أرقام مختلقة."
    english = edition_config(config, "en")
    assert (english.crisis, english.issuing_office, english.notice) == (
        "El Fasher",
        "OCHA Sudan",
        "Invented figures.",
    )
    assert english.country == "Sudan" and config.country == "السودان"
    assert config.slug == "sdn-el-fasher"  # from the text with letters of a file name
    assert untranslated(config) == []


def test_a_plain_text_means_every_language(tmp_path: Path) -> None:
    config = _load(tmp_path, '[report]\nlanguages = ["fr", "en"]\ncrisis = "Inondations"\n')
    assert edition_config(config, "en").crisis == "Inondations" == config.crisis
    assert config.by_language["crisis"] == Texts("Inondations")
    assert not config.illustrative and config.notice == ""


def test_a_regional_locale_takes_its_own_text_then_its_languages() -> None:
    texts = Texts.of({"pt": "Cheias", "pt-MZ": "Cheias em Moçambique", "en": "Floods"})
    assert texts.in_language("pt_MZ") == "Cheias em Moçambique"
    assert texts.in_language("pt_BR") == "Cheias"
    assert texts.in_language("fr") == "Cheias"  # none in French: the first given
    assert texts.missing(["pt_MZ", "en", "fr"]) == ["fr"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('crisis = { en = "Floods", "12" = "x" }',
         "report.crisis: '12' is not a language code such as 'en' or 'ar'"),
        ('crisis = { en = "Floods", xx = "x" }',
         "report.crisis: 'xx' is not a language code such as 'en' or 'ar'"),
        ('crisis = { en = "Floods\\nand storms" }',
         "report.crisis: en: 'Floods\\nand storms' holds U+000A"),
        ("crisis = { en = 3 }", "report.crisis: en: 3 is not text"),
        ("crisis = {}", "report.crisis: {} is not text, or a table of texts by language"),
        ("issuing_office = 3", "report.issuing_office: 3 is not text, or a table of texts"),
        ('illustrative = "no"', "report.illustrative: 'no' is not true or false"),
        ("illustrative = 1", "report.illustrative: 1 is not true, false, or the notice's text"),
    ],
)  # fmt: skip
def test_a_bad_table_by_language_is_said_with_its_key(tmp_path: Path, line: str, problem: str):
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, f"[report]\n{line}\n")
    assert problem in str(error.value)


def test_a_table_without_one_of_the_reports_languages_is_a_warning(tmp_path: Path) -> None:
    text = BILINGUAL.replace(
        'crisis = { en = "El Fasher", ar = "الفاشر" }', 'crisis = { ar = "الفاشر" }'
    )
    config = _load(tmp_path, text)
    (warning,) = untranslated(config)
    assert (warning.severity, warning.code, warning.column) == (
        "warning",
        ProblemCode.UNTRANSLATED,
        "report.crisis",
    )
    assert "'en'" in warning.message and "الفاشر" in warning.message
    assert edition_config(config, "en").crisis == "الفاشر"  # said, not hidden
    # `sitrep validate` says so, with the tables' problems
    problems = check_inputs(tmp_path).problems
    assert [p.column for p in problems if p.code == ProblemCode.UNTRANSLATED] == ["report.crisis"]
