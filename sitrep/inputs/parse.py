"""Forgiving cell parsers: "1,200" -> 1200, "30/06/2025" -> 2025-06-30, "Pétion-Ville" -> HT0114.

Each parser takes one raw cell and returns (value, error message or None). Missing-value
words ("n/a", "-", "unknown", "not available", ...) become None, which the report shows as
"--". Nothing is guessed silently:
- numbers are read as the workspace's locale writes them (`people_parser(locale)`,
  `number_parser(locale)`; `sitrep.inputs.numbers`): "1.750" is 1750 in `pt` and 1.75 in `en`,
  "1 200" and "1'200" are 1200 everywhere; where the locale is not set, a text that two ways
  could read ("1.750" as a price) is an error naming both readings;
- dates are read day first: 05/08/2021 is 5 August 2021. A column whose every slashed date could
  be read either way is flagged by the validator; two-digit years are errors. Also accepted:
  2025-06-30 (with or without a time), 30 Jun 2025, Jun 30 2025, 30-Jun-2025, workbook dates
  and datetimes, and Excel serial numbers (44432, in a workbook or, as 5 digits, in a CSV file).

`parse_column` applies a parser to each distinct value of a column once, which is what makes a
million rows fast: a column has few distinct dates, places and words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from sitrep.inputs import numbers
from sitrep.inputs import words as input_words
from sitrep.problems import Message
from sitrep.safety.addresses import EMAIL_RE, address_character, unsafe_character

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system, including its leap-year bug
SERIAL_RANGE = (1, 2958466)  # Excel serials from 1900-01-01 to 9999-12-31
ISO_RE = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
DAY_FIRST_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
# No count of people exceeds the world's population; no price or other figure needs more than
# 15 digits (floats stay exact), and a sum of any number of them stays finite.
MAX_PEOPLE = 10**10
MAX_NUMBER = 10**15

Parsed = tuple[object, str | None]
Parser = Callable[[object], Parsed]
# A message without parameters, made once: a column of a million bad cells says it a million times
said = functools.cache(Message)


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    # MISSING_WORDS and the other languages' (n/d, s/o, غير متوفر): see sitrep.inputs.words.
    return isinstance(value, str) and input_words.fold(value) in input_words.builtin_words().missing


def is_blank(value: object) -> bool:
    """An empty cell (not a missing-value word: "n/a" is an answer)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip()


def as_text(value: object) -> str:
    """A cell as the user typed it: 1200.0 from a workbook is '1200'."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return str(value).strip()


def parse_text(value: object) -> Parsed:
    return (None, None) if is_missing(value) else (" ".join(as_text(value).split()), None)


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int beyond float range: no plausible figure
        return math.inf


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()  # negative ones are refused with their message


def _people(number: float) -> Parsed:
    if math.isinf(number) or math.isnan(number):
        return None, said("invalid-value.people")
    if number < 0:
        return None, said("invalid-value.negative")
    if not number.is_integer():
        return None, said("invalid-value.whole")
    if number > MAX_PEOPLE:
        return None, Message("invalid-value.too-many-people", limit=MAX_PEOPLE)
    return int(number), None


def people_parser(locale: str | None = None) -> Parser:
    """A count of people or families, a whole number 0 or more, as `locale` writes numbers
    (None: the locale is not set; see `sitrep.inputs.numbers`)."""
    style = numbers.number_style(locale)

    def parse_people(value: object) -> Parsed:
        if is_missing(value):
            return None, None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None, said("invalid-value.people")
        if isinstance(value, int | float):
            return _people(_as_float(value))
        found = numbers.read(value, style, _whole, numbers.PEOPLE)
        if found.value is None:
            return None, found.error
        return _people(float(found.value))

    return parse_people


def number_parser(locale: str | None = None) -> Parser:
    """A number such as a price, as `locale` writes numbers (None: the locale is not set, and
    "1.750" is an error naming its two readings; see `sitrep.inputs.numbers`)."""
    style = numbers.number_style(locale)

    def parse_number(value: object) -> Parsed:
        if is_missing(value):
            return None, None
        if isinstance(value, bool):
            return None, said("invalid-value.number")
        if isinstance(value, int | float):
            number = _as_float(value)
        else:
            found = numbers.read(str(value), style, lambda _: True, numbers.NUMBER)
            if found.value is None:
                return None, found.error
            number = float(found.value)
        if not math.isfinite(number):
            return None, said("invalid-value.number")
        if abs(number) > MAX_NUMBER:
            return None, Message("invalid-value.too-large", limit=MAX_NUMBER)
        return number, None

    return parse_number


parse_people = people_parser()  # the locale not set: whole numbers, read unambiguously
parse_number = number_parser()


def _serial_date(number: float) -> tuple[dt.date | None, str | None, bool]:
    if not SERIAL_RANGE[0] <= number < SERIAL_RANGE[1]:
        return None, said("invalid-value.date"), False
    return EXCEL_EPOCH + dt.timedelta(days=int(number)), None, False


def parse_date(value: object, locale: str = "") -> tuple[dt.date | None, str | None, bool]:
    """(date, error, ambiguous). Day-first rule: 05/08/2021 is 5 August 2021 (ambiguous).
    Month names of the four languages, and of the workspace's `locale`, are read."""
    if is_missing(value):
        return None, None, False
    if isinstance(value, dt.datetime):
        return value.date(), None, False
    if isinstance(value, dt.date):
        return value, None, False
    if isinstance(value, bool):
        return None, said("invalid-value.date"), False
    if isinstance(value, int | float):
        if math.isfinite(value):
            return _serial_date(value)
        return None, said("invalid-value.date"), False
    if not isinstance(value, str):
        return None, said("invalid-value.date"), False
    text = " ".join(input_words.latin_digits(value).replace(",", " ").split())
    try:
        if match := ISO_RE.match(text):
            return dt.date(*map(int, match.groups())), None, False
        if match := DAY_FIRST_RE.match(text):
            day, month, year = map(int, match.groups())
            if year < 100:
                return None, said("invalid-value.two-digit-year"), False
            return dt.date(year, month, day), None, day <= 12 and month <= 12 and day != month
    except ValueError:
        return None, said("invalid-value.day-first"), False
    try:  # month names in English, French, Spanish or Arabic: 3 juin 2025, 3 de junio de 2025
        if named := input_words.text_date(text, locale):
            return named, None, False
    except ValueError:
        return None, said("invalid-value.not-a-date"), False
    if text.isdigit() and len(text) == 5:
        return _serial_date(int(text))
    return None, said("invalid-value.date-like"), False


def _retype(problem: str | None) -> str | None:
    return Message("invalid-value.character", character=problem) if problem else None


def parse_display_name(value: object) -> Parsed:
    """A name that goes into a mail header (the partners' names): text, minus characters that
    would break the header or disguise it (control, zero-width, bidi override characters)."""
    if not is_missing(value) and (problem := _retype(unsafe_character(as_text(value)))):
        return None, problem
    return parse_text(value)


def parse_email(value: object) -> Parsed:
    """An address: no control, format, invisible or space character anywhere in it (an LRM or a
    soft hyphen makes it look like another, and it is written as an RFC 2047 word that never
    arrives)."""
    if is_missing(value):
        return None, None
    text = str(value).strip()
    if problem := _retype(address_character(text)):
        return None, problem
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not EMAIL_RE.match(text):
        return None, said("invalid-value.email")
    return text, None


def parse_lists(value: object) -> Parsed:
    if is_missing(value):
        return None, None
    names = tuple(n.strip() for n in re.split(r"[;,]", str(value)) if n.strip())
    return (names or None), None


def parse_bool(value: object, words: input_words.Words | None = None) -> Parsed:
    """Yes or no in any of the languages (oui/non, sí/no, sim/não, так/ні, نعم/لا, true/false,
    1/0, x)."""
    if isinstance(value, bool):
        return value, None
    words = words or input_words.builtin_words()
    word = input_words.fold(as_text(value)) if not is_blank(value) else ""
    if word in words.yes:  # before the missing words: "no" and "nd" are not alike
        return True, None
    if word in words.no:
        return False, None
    if is_missing(value) or word in words.missing:
        return None, None
    return None, said("invalid-value.yes-no")


def word_key(text: str) -> str:
    """'Open-with  Fermé ' -> 'open with ferme' (see sitrep.inputs.words.fold)."""
    return input_words.word_key(text)


def suggest(text: str, choices: list[str] | dict[str, str], cutoff: float = 0.75) -> str | None:
    """The closest choice for 'did you mean ...?', or None when nothing is close."""
    matches = difflib.get_close_matches(text, list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def word_parser(words: dict[str, str], allowed: list[str]) -> Parser:
    """A parser for a controlled vocabulary: `words` maps word_key(spelling) -> canonical word.

    A vocabulary word wins over a missing-value word ("unknown" is a route status).
    """

    def parse_word(value: object) -> Parsed:
        if is_blank(value):
            return None, None
        key = word_key(as_text(value))
        if key in words:
            return words[key], None
        if is_missing(value):
            return None, None
        expected = ", ".join(allowed)
        if hint := suggest(key, words):
            return None, Message("invalid-value.word-hint", hint=repr(words[hint]), words=expected)
        return None, Message("invalid-value.word", words=expected)

    return parse_word


@dataclass
class ParsedColumn:
    """A parser applied to a column: the value of each row, and the rows it rejected."""

    values: np.ndarray  # object array: the parsed value of each row (None when missing)
    codes: np.ndarray  # each row's index into `uniques`
    uniques: list[object]  # the distinct raw cells
    results: list[Parsed]  # the parser's answer for each distinct cell

    def error_rows(self) -> np.ndarray:
        """Positions of the rows whose cell the parser rejected."""
        bad = np.array([error is not None for _, error in self.results], dtype=bool)
        return np.flatnonzero(bad[self.codes]) if bad.any() else np.array([], dtype=np.int64)

    def error(self, position: int) -> str | None:
        return self.results[self.codes[position]][1]

    def mapped(self, function: Callable[[object], object], dtype: type = object) -> np.ndarray:
        """`function` of each row's parsed value, computed once per distinct value."""
        table: np.ndarray = np.array([function(value) for value, _ in self.results], dtype=dtype)
        return table[self.codes]


def factorize(series: pd.Series) -> tuple[np.ndarray, list[object]]:
    """(codes, distinct cells). TRUE and 1 are kept apart, though Python finds them equal."""
    values = series.to_numpy(dtype=object)
    is_bool = None
    if series.dtype == object and len(values):
        is_bool = np.fromiter((type(v) is bool for v in values), dtype=bool, count=len(values))
    if is_bool is None or not is_bool.any():
        codes, uniques = pd.factorize(values)
        distinct: list[object] = list(uniques)
    else:
        codes = np.empty(len(values), dtype=np.intp)
        other_codes, other_uniques = pd.factorize(values[~is_bool])
        codes[~is_bool] = other_codes
        distinct = list(other_uniques)
        bool_codes, bool_uniques = pd.factorize(values[is_bool].astype(str))
        codes[is_bool] = bool_codes + len(distinct)
        distinct += [text == "True" for text in bool_uniques]
    if (codes < 0).any():  # None and NaN
        codes[codes < 0] = len(distinct)
        distinct.append(None)
    return codes, distinct


def parse_column(series: pd.Series, parser: Parser) -> ParsedColumn:
    """Apply `parser` to every cell of `series`, once per distinct cell."""
    codes, uniques = factorize(series)
    results = [parser(cell) for cell in uniques]
    values = np.empty(len(results), dtype=object)
    values[:] = [value for value, _ in results]
    return ParsedColumn(values[codes], codes, uniques, results)


def blank_rows(series: pd.Series) -> np.ndarray:
    """A boolean array: which cells are empty."""
    codes, uniques = factorize(series)
    blank = np.array([is_blank(cell) for cell in uniques], dtype=bool)
    return blank[codes] if len(uniques) else np.zeros(len(series), dtype=bool)
