"""Locales and the languages they name, read by Babel's parser, never split by hand.

`language_of` is the one way sitrep goes from a locale to its language ("fr_HT" -> "fr"):
file suffixes, narrative folders, catalogues, dates, a partner's language, a COD file's names.
It takes POSIX identifiers ("fr_HT", "en_US.UTF-8", "sr_Latn_RS") and BCP 47 tags ("ar-SD",
"zh-Hant-TW", "es-419") alike. The checks of `report.locale` and `report.languages` are here
too, beside it.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from babel.core import parse_locale


def language_of(locale: str) -> str:
    """The language of a locale, lower case: 'fr_HT' -> 'fr', 'ar-SD' -> 'ar', 'FR' -> 'fr';
    "" when `locale` is not a locale identifier at all ('Français (FR)', '')."""
    text = locale.strip()
    for separator in ("_", "-"):  # POSIX first: 'en_US.UTF-8' has a '-' in its encoding
        try:
            return parse_locale(text, sep=separator)[0]
        except ValueError:
            continue
    return ""


def territory_of(locale: str) -> str:
    """The territory a locale names: 'pt_MZ' -> 'MZ', 'ar-SD' -> 'SD'; '' for none."""
    for separator in ("_", "-"):
        try:
            return parse_locale(locale.strip(), sep=separator)[1] or ""
        except ValueError:
            continue
    return ""


def regional(locale: str, territory: str) -> str:
    """`locale` in `territory` when it names no territory of its own and CLDR has the pair, so
    that numbers and dates follow the country: ('pt', 'MZ') -> 'pt_MZ' (27 580, where 'pt'
    is Brazil's 27.580), ('fr', 'HT') -> 'fr_HT'; else `locale` as it is ('en', 'HT')."""
    if not territory or territory_of(locale) or not language_of(locale):
        return locale
    candidate = f"{language_of(locale)}_{territory.upper()}"
    return candidate if locale_problem(candidate) is None else locale


def language_tag(locale: str) -> str:
    """The locale as a BCP 47 language tag, for `lang`, `xml:lang` and Content-Language:
    'ar_SD' -> 'ar-SD', 'sr_Latn_RS' -> 'sr-Latn-RS', 'en_US.UTF-8' -> 'en-US'; 'en' when
    `locale` is not a locale identifier."""
    text = locale.strip()
    for separator in ("_", "-"):
        try:
            language, territory, script, variant = parse_locale(text, sep=separator)[:4]
        except ValueError:
            continue
        return "-".join(p for p in (language, script, territory, variant) if p)
    return "en"


def locale_problem(locale: str) -> str | None:
    """Why Babel cannot format dates and numbers for `locale`, or None."""
    spec = importlib.util.find_spec("babel")  # not imported (30 ms): a known file is enough
    folders = (spec.submodule_search_locations or []) if spec else []
    plain = re.fullmatch(r"[A-Za-z0-9_]{1,40}", locale)
    if plain and any((Path(f) / "locale-data" / f"{locale}.dat").is_file() for f in folders):
        return None
    from babel import Locale, UnknownLocaleError  # only for an alias such as zh_CN, or a typo

    try:
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        return f"is not a locale Babel knows ({exc}); use e.g. 'en', 'fr', 'es_CO' or 'ar_SY'"
    return None


def check_locale(locale: str) -> str | None:
    """`report.locale`: one Babel knows."""
    return f"{locale!r} {problem}" if (problem := locale_problem(locale)) else None


def check_languages(value: list) -> list[str]:
    """`report.languages`: language codes Babel knows, each language once."""
    if not value or not all(isinstance(v, str) for v in value):
        return [f"{value!r} is not a list of languages, e.g. ['fr', 'en']"]
    problems = []
    for entry in value:
        if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*", entry):
            problems.append(f"{entry!r} is not a language code such as 'fr'")
        elif problem := locale_problem(entry.replace("-", "_")):
            problems.append(f"{entry!r} {problem}")
    seen = [language_of(v) for v in value]
    for code in sorted({c for c in seen if c and seen.count(c) > 1}):
        problems.append(f"{code!r} is listed twice (one report per language)")
    return problems


def first_language_is_the_locale(values: dict[str, Any], table: dict[str, Any]) -> list[str]:
    """A [report] rule: the first of `languages` is the `locale`'s language."""
    languages, locale = table.get("languages"), table.get("locale")
    if not (isinstance(languages, list) and languages and isinstance(languages[0], str)):
        return []  # said by the key's own check
    if isinstance(locale, str) and language_of(locale) != language_of(languages[0]):
        return [
            f"report.languages: the first language ({languages[0]!r}) is the report's own; it "
            f"differs from report.locale {locale!r}. Put {language_of(locale)!r} first, or "
            f"drop report.locale"
        ]
    return []
