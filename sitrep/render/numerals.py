"""Digits in the report's locale: Latin (0-9), Arabic-Indic (٠-٩) or Persian (۰-۹).

CLDR gives each locale a default numbering system (Arabic in Sudan and Egypt, Latin in the
Maghreb and in plain `ar`), and `[report] digits` chooses one: "default", "latn" or "arab".
Babel formats the number with the system's separators but always writes Latin digits, so
the digits are replaced here. Only numbers sitrep formats change: a P-code stays as written.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from sitrep.settings.languages import language_of

DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def numbering_system(locale: str, digits: str = "default") -> str:
    """'latn', 'arab' or 'arabext': the setting's, else the locale's own when sitrep has it."""
    if digits in DIGITS:
        return digits
    try:
        own = Locale.parse(locale.replace("-", "_")).default_numbering_system
    except (UnknownLocaleError, ValueError):
        return "latn"
    return own if own in DIGITS else "latn"


def localise(text: str, system: str) -> str:
    """'12٬345' -> '١٢٬٣٤٥' for 'arab'; Latin digits stay for 'latn'."""
    if system == "latn" or system not in DIGITS:
        return text
    return text.translate(str.maketrans(DIGITS["latn"], DIGITS[system]))


# A report formats the same numbers and dates many times (a chart's ticks, each area report's
# tables), and Babel parses the locale again on each call: the results are kept (typed, so
# that 1 and 1.0 stay apart).
@lru_cache(maxsize=8192, typed=True)
def decimal(value: float, locale: str, system: str = "latn") -> str:
    text = format_decimal(value, locale=locale, numbering_system=system)
    return localise(text, system)


def percent(value: float, locale: str, system: str = "latn") -> str:
    text = format_percent(value, locale=locale, numbering_system=system)
    if system != "latn":
        text = text.replace("%", "\u066a")  # ٪, the Arabic percent sign Babel leaves Latin
    return localise(text, system)


def compact(value: float, locale: str, system: str, fraction_digits: int) -> str:
    text = format_compact_decimal(
        value,
        format_type="long",
        locale=locale,
        fraction_digits=fraction_digits,
        numbering_system=system,
    )
    return localise(text, system)


# sitrep's day-first patterns (OCHA's English style, "24 August 2021") as CLDR skeletons, so that
# another language writes the date its own way: "24 de agosto de 2021", "24. August 2021".
SKELETONS = {"d MMMM y": "yMMMMd", "d MMMM": "MMMMd", "d MMM": "MMMd", "d MMM y": "yMMMd"}


@lru_cache(maxsize=8192)
def date(value: dt.date, pattern: str, locale: str, system: str = "latn") -> str:
    """The date in the locale's words; French writes the first of the month "1er juin"."""
    language = language_of(locale)
    if language != "en" and pattern in SKELETONS:
        text = format_skeleton(SKELETONS[pattern], value, locale=locale)
    else:
        text = format_date(value, pattern, locale=locale)
    if value.day == 1 and language == "fr" and text.startswith("1 "):
        text = "1er" + text[1:]  # CLDR has no ordinal day in its patterns
    return localise(text, system)
