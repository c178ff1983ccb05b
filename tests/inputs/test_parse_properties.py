"""Property-based tests of the cell parsers: what is written the way people write it reads back."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from sitrep.inputs import parse
from sitrep.tableschema import VOCABULARIES
from sitrep.validate.cells import vocabulary_parser

dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))
counts = st.integers(min_value=0, max_value=10**9)


@given(counts, st.sampled_from([",", " ", "\u00a0", "'"]), st.text(" ", max_size=2))
def test_people_with_thousands_separators(n: int, separator: str, pad: str) -> None:
    text = f"{n:,}".replace(",", separator)
    # A comma reads two ways where the locale is not set: "25,000" is 25,000 or 25 (a whole
    # number with a decimal comma), an error by design (sitrep.inputs.numbers); English says which.
    people = parse.people_parser("en") if separator == "," else parse.parse_people
    assert people(pad + text + pad) == (n, None)
    assert people(float(n)) == (n, None)


@given(st.integers(min_value=-(10**9), max_value=-1))
def test_negative_people_are_errors(n: int) -> None:
    value, error = parse.parse_people(str(n))
    assert value is None and "negative" in (error or "")


@given(dates)
def test_dates_in_every_accepted_form(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day:%d/%m/%Y}",
        f"{day.day} {day:%b %Y}",
        f"{day:%d %B %Y}",
        f"{day:%d-%b-%Y}",
        f"{day.isoformat()}T00:00:00",
        dt.datetime.combine(day, dt.time(13, 5)),
        float((day - parse.EXCEL_EPOCH).days),
    ]
    for form in forms:
        parsed, error, _ = parse.parse_date(form)
        assert (parsed, error) == (day, None), form


@given(dates)
def test_day_first_is_ambiguous_only_when_it_could_be_either(day: dt.date) -> None:
    _, _, ambiguous = parse.parse_date(f"{day:%d/%m/%Y}")
    assert ambiguous == (day.day <= 12 and day.month <= 12 and day.day != day.month)


@given(st.sampled_from([w for vocab in VOCABULARIES for w in VOCABULARIES[vocab]]),
       st.sampled_from([str.upper, str.title, str.lower]), st.text(" \t", max_size=2))  # fmt: skip
def test_words_in_any_case_and_spacing(word: str, case, pad: str) -> None:
    vocab = next(v for v in VOCABULARIES if word in VOCABULARIES[v])
    parser = vocabulary_parser(vocab)
    assert parser(pad + case(word).replace(" ", "  ") + pad) == (word, None)


@given(st.text(max_size=20))
def test_parsers_never_raise(text: str) -> None:
    for parser in (parse.parse_people, parse.parse_number, parse.parse_text, parse.parse_email):
        value, error = parser(text)
        assert value is None or error is None
    parse.parse_date(text)


@given(st.lists(st.one_of(st.booleans(), st.integers(0, 3), st.sampled_from(["1", "", "x"])),
                max_size=30))  # fmt: skip
def test_parse_column_equals_parsing_each_cell(cells: list) -> None:
    column = parse.parse_column(pd.Series(cells, dtype=object), parse.parse_people)
    assert list(column.values) == [parse.parse_people(c)[0] for c in cells]
    bad = {i for i, c in enumerate(cells) if parse.parse_people(c)[1]}
    assert set(column.error_rows().tolist()) == bad
