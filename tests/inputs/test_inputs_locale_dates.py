"""Numbers and dates of the full locale: a workspace's language as its country writes it, and
the month names of any language CLDR has read in the workspace's dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitrep.geo.gazetteer import country_gazetteer
from sitrep.inputs.words import workspace_words
from sitrep.render.numerals import date, decimal
from sitrep.settings.locales import regional
from sitrep.tableschema import SCHEMAS
from sitrep.validate.cells import cell_parser

DAY = dt.date(2026, 11, 19)
DATE_COLUMN = next(c for c in SCHEMAS["displacement"].columns if c.name == "date")


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("pt_MZ", "19 de novembro de 2026"),
        ("pt", "19 nov. 2026"),
        ("uk", "19 листопада 2026"),
        ("de", "19. November 2026"),
        ("sw", "19 Novemba 2026"),
    ],
)
def test_the_workspaces_month_names_are_read(tmp_path: Path, locale: str, typed: str) -> None:
    parse = cell_parser(DATE_COLUMN, country_gazetteer("MOZ"), workspace_words(tmp_path, locale))
    assert parse(typed) == (DAY, None)
    # the four languages' names are read in every workspace, as before
    assert parse("19 novembre 2026") == (DAY, None)


def test_without_the_workspaces_language_its_month_names_are_not_guessed(tmp_path: Path) -> None:
    parse = cell_parser(DATE_COLUMN, country_gazetteer("MOZ"), workspace_words(tmp_path, "en"))
    assert parse("19 de novembro de 2026")[0] is None


@pytest.mark.parametrize(
    ("language", "iso2", "locale"),
    [("pt", "MZ", "pt_MZ"), ("fr", "HT", "fr_HT"), ("ar", "SD", "ar_SD"), ("es", "CO", "es_CO"),
     ("en", "HT", "en"), ("pt_BR", "MZ", "pt_BR"), ("uk", "UA", "uk_UA")],
)  # fmt: skip
def test_a_language_is_written_as_its_country_writes_it(language, iso2, locale) -> None:
    assert regional(language, iso2) == locale


def test_mozambique_writes_27_580() -> None:
    assert decimal(27580, regional("pt", "MZ")) == "27\u00a0580"
    assert decimal(27580, "pt") == "27.580"  # Brazil's
    assert date(DAY, "d MMMM y", "pt_MZ") == "19 de novembro de 2026"
