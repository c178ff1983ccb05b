"""Forgiving cell parsers: "1,200" -> 1200, "24/08/2021" -> 2021-08-24, "Banu" -> AF0907.

Each parser takes one raw cell and returns (value, error message or None). Missing-value
words ("n/a", "-", "unknown", ...) become None. Nothing is guessed silently: a value that could
mean two things is an error or, for day-first dates, flagged by the validator.
"""

from __future__ import annotations

import datetime as dt
import math
import re

MISSING_WORDS = {"", "n/a", "na", "n.a.", "-", "--", "—", "unknown", "not available", "null", "nan"}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's 1900 date system, including its leap-year bug
THOUSANDS_RE = re.compile(r"^\d{1,3}([,\s\u00a0\u202f'’]\d{3})+$")
ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
DAY_FIRST_RE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
TEXT_FORMATS = ("%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%B-%Y", "%b %d %Y", "%B %d %Y")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
TRUE_WORDS = {"yes", "y", "true", "1", "x", "active"}
FALSE_WORDS = {"no", "n", "false", "0", "inactive"}

Parsed = tuple[object, str | None]


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in MISSING_WORDS


def as_text(value: object) -> str:
    """A cell as the user typed it: 1200.0 from a workbook is '1200'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return str(value).strip()


def parse_text(value: object) -> Parsed:
    return (None, None) if is_missing(value) else (" ".join(as_text(value).split()), None)


def parse_people(value: object) -> Parsed:
    """A count of people or families: a whole number, 0 or more."""
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return None, "expected a number of people"
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if THOUSANDS_RE.match(text):
            text = re.sub(r"\D", "", text)
        try:
            number = float(text)
        except ValueError:
            return None, "expected a whole number of people, like 1200 or 1,200"
    if number < 0:
        return None, "a number of people cannot be negative"
    if not number.is_integer():
        return None, "a number of people must be a whole number"
    return int(number), None


def parse_number(value: object) -> Parsed:
    if is_missing(value):
        return None, None
    try:
        return float(str(value).replace(",", "")) if isinstance(value, str) else float(value), None
    except (TypeError, ValueError):
        return None, "expected a number"


def parse_date(value: object) -> tuple[dt.date | None, str | None, bool]:
    """(date, error, ambiguous). Day-first rule: 05/08/2021 is 5 August 2021."""
    if is_missing(value):
        return None, None, False
    if isinstance(value, dt.datetime):
        return value.date(), None, False
    if isinstance(value, dt.date):
        return value, None, False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serial number
            return EXCEL_EPOCH + dt.timedelta(days=int(value)), None, False
        return None, "expected a date", False
    text = " ".join(str(value).split()).replace(",", "")
    try:
        if match := ISO_RE.match(text):
            return dt.date(*map(int, match.groups())), None, False
        if match := DAY_FIRST_RE.match(text):
            day, month, year = map(int, match.groups())
            return dt.date(year, month, day), None, day <= 12 and month <= 12 and day != month
    except ValueError:
        return None, "not a real date (day-first: DD/MM/YYYY)", False
    for fmt in TEXT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date(), None, False
        except ValueError:
            continue
    if text.isdigit() and 20000 < int(text) < 80000:
        return EXCEL_EPOCH + dt.timedelta(days=int(text)), None, False
    return None, "expected a date like 2021-08-24, 24/08/2021 or 24 Aug 2021", False


def parse_email(value: object) -> Parsed:
    if is_missing(value):
        return None, None
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    if not EMAIL_RE.match(text):
        return None, "expected an email address like name@example.org"
    return text, None


def parse_lists(value: object) -> Parsed:
    if is_missing(value):
        return None, None
    names = tuple(n.strip() for n in re.split(r"[;,]", str(value)) if n.strip())
    return (names or None), None


def parse_bool(value: object) -> Parsed:
    if is_missing(value):
        return None, None
    if isinstance(value, bool):
        return value, None
    word = as_text(value).lower()
    if word in TRUE_WORDS:
        return True, None
    if word in FALSE_WORDS:
        return False, None
    return None, "expected yes or no"
