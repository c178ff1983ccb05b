"""Every section and key of sitrep.toml, declared once: its type, default, allowed values, doc.

`sitrep.settings.check` walks these declarations; `sitrep.settings.config` builds `Config`,
`Limits` and `FigureSettings` from the values it returns (and `sitrep.delivery` its
`EmailSettings`, from the `[email]` section it declares with the same types). The README's
settings tables list exactly these keys (tests/test_settings_schema.py holds them together).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path
from typing import Any

from sitrep.settings.check import Key, Section
from sitrep.settings.email import EMAIL
from sitrep.settings.figures import ROUNDINGS, FigureSettings
from sitrep.settings.limits import Limits
from sitrep.settings.maps import GEOGRAPHY_MAP_KEYS, MAP_KEYS, map_shading_known
from sitrep.tableschema import SCHEMAS

CADENCES = {"daily": 1, "weekly": 7}
MAX_CADENCE = 366  # days: a yearly report at most
EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2199, 12, 31)  # a date outside is a typo
DEFAULT_PDF_VARIANT = "pdf/a-3a"  # archival and tagged (accessible): structure tree, /Lang
PDF_VARIANTS = ("pdf/a-3a", "pdf/a-3b", "pdf/a-3u", "none")  # "none": a plain PDF
DIGITS = ("default", "latn", "arab")
# [report] digits: the locale's own, Latin or Arabic-Indic
TABLES = tuple(SCHEMAS)
REQUIRED_TABLES = ("displacement", "blockades", "routes")
SLUG_FORBIDDEN = re.compile(r'[/\\\x00-\x1f\x7f<>:"|?*]')  # a path, a control, Windows' reserved
PATH = "a path, relative to sitrep.toml or absolute"
SOURCE = "a file path, or 'workbook.xlsx#sheet'"


def language_of(locale: str) -> str:
    """'fr_HT' -> 'fr'; 'ar-SD' -> 'ar'."""
    return locale.replace("-", "_").split("_")[0].lower()


def slug_problem(slug: Any) -> str | None:
    """Why `slug` cannot begin a file name in output/DATE/, or None."""
    if not isinstance(slug, str):
        return "is not text"
    if not slug.strip() or len(slug) > 100:
        return "must be 1 to 100 characters"
    if SLUG_FORBIDDEN.search(slug) or ".." in slug or slug.startswith((".", "-", " ")):
        return (
            "is not a plain file name: use letters, digits and '-' (no '/', '\\', '..', "
            "control characters or leading dot), e.g. 'country-crisis'"
        )
    return None


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


def _slug(slug: str) -> str | None:
    # "": made from the country and the crisis (sitrep.settings.config.slugify)
    return f"{slug!r} {problem}" if slug and (problem := slug_problem(slug)) else None


def _locale(locale: str) -> str | None:
    return f"{locale!r} {problem}" if (problem := locale_problem(locale)) else None


def _plausible(day: dt.date) -> str | None:
    return (
        None
        if EARLIEST <= day <= LATEST
        else f"{day} is not a plausible date (a typo in the year?)"
    )


def _cadence(value: str | int) -> str | None:
    return None if isinstance(value, int) or value in CADENCES else f"{value!r} is not {CADENCE}"


def _languages(value: list) -> list[str]:
    if not value or not all(isinstance(v, str) for v in value):
        return [f"{value!r} is not a list of languages, e.g. ['fr', 'en']"]
    problems = []
    for entry in value:
        if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*", entry):
            problems.append(f"{entry!r} is not a language code such as 'fr'")
        elif problem := locale_problem(entry.replace("-", "_")):
            problems.append(f"{entry!r} {problem}")
    seen = [language_of(v) for v in value]
    for code in sorted({c for c in seen if seen.count(c) > 1}):
        problems.append(f"{code!r} is listed twice (one report per language)")
    return problems


def _first_language_is_the_locale(values: dict[str, Any], table: dict[str, Any]) -> list[str]:
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


def _words(value: list) -> str | None:
    if all(isinstance(w, str) and w.strip() for w in value):
        return None
    return f'{value!r} is not a list of words, e.g. ["Province", "District"]'


def _not_blank(value: str) -> str | None:
    return None if value.strip() else f"{value!r} is not {PATH}"


def _web_address(value: str) -> str | None:
    return None if re.match(r"https?://[^/\s]+", value) else f"{value!r} is not {WEB}"


CADENCE = f"'daily', 'weekly' or a number of days from 1 to {MAX_CADENCE}"
WEB = "an https:// or http:// URL"


def text(name: str, doc: str, **more: Any) -> Key:
    return Key(name, (str,), more.pop("expected", "text"), doc, **more)


def whole(name: str, default: int | None, low: int, high: int | None, doc: str, **more: Any) -> Key:
    top = f"from {low:,} to {high:,}" if high is not None else f"of {low} or more"
    expected = more.pop("expected", f"a whole number {top}")
    return Key(name, (int,), expected, doc, default, low=low, high=high, **more)


def flag(name: str, default: bool, doc: str) -> Key:
    return Key(name, (bool,), "true or false", doc, default)


def one_of(name: str, choices: tuple[str, ...], doc: str, **more: Any) -> Key:
    shown = [repr(c) for c in choices]
    listed = " or ".join(shown) if len(shown) == 2 else "one of: " + ", ".join(shown)
    return Key(name, (str,), more.pop("expected", listed), doc, choices[0], choices=choices, **more)


def day(name: str, default: dt.date | None, doc: str) -> Key:
    return Key(name, (dt.date,), "a date (YYYY-MM-DD)", doc, default, check=_plausible)


REPORT = Section(
    "report",
    "what the report is about, when it is issued and how it looks",
    (
        text(
            "country",
            "an ISO3 code or the country's name; the report prints its name in the report's "
            'language ("Haïti"): see "Places and P-codes"',
            default="",
        ),
        text("crisis", "the crisis's name, in the report's title", default=""),
        text(
            "slug",
            "the start of file names: a plain name, no `/`, `\\`, `..`, control character or "
            "leading dot (default: made from the country and the crisis)",
            default="",
            check=_slug,
        ),
        text("issuing_office", "the office that issues the report", default=""),
        whole(
            "household_size",
            None,
            1,
            30,
            "people per family, used where only families are given, and footnoted; no "
            "default: unset, a row giving only families is an error",
        ),
        day(
            "period_start",
            dt.date(1970, 1, 1),
            'figures "in the period" count from this date (a date from 1950 to 2199)',
        ),
        day(
            "first_report",
            None,
            "the date of the report numbered `first_number` (default: `period_start`)",
        ),
        Key(
            "cadence",
            (str, int),
            CADENCE,
            '`"daily"`, `"weekly"` or a number of days, 1 to 366',
            "daily",
            low=1,
            high=MAX_CADENCE,
            check=_cadence,
            convert=lambda v: CADENCES.get(v, v),
            field="cadence_days",
        ),
        whole(
            "first_number",
            1,
            1,
            1_000_000,
            "the number of the report dated `first_report` (1 or more)",
            expected="a positive whole number",
        ),
        text(
            "locale",
            'the report\'s language, dates and numbers, one Babel knows: `"en"`, `"fr"`, '
            '`"es_CO"`, `"ar_SD"` (default: the first of `languages`, else `"en"`)',
            check=_locale,
        ),
        Key(
            "languages",
            (list,),
            "a list of languages, e.g. ['fr', 'en']",
            'several reports in one run, e.g. `["fr", "en"]`, the first in the `locale`\'s '
            'language: see "Templates and languages"',
            None,
            check=_languages,
            convert=lambda v: tuple(e.replace("-", "_") for e in v),
        ),
        one_of(
            "digits",
            DIGITS,
            '`"default"`: the locale\'s own, `"latn"` for 0-9, `"arab"` for Arabic-Indic ٠-٩',
            expected="one of: default, latn, arab ('latn' for 0-9, 'arab' for Arabic-Indic digits)",
        ),
        one_of("page_size", ("A4", "Letter"), '`"A4"` or `"Letter"`'),
        flag("illustrative", False, "true: the report says its data is illustrative"),
        whole(
            "stale_days",
            3,
            0,
            3650,
            "warn when a table's newest row is older than this many days (0 or more)",
            expected="a number of days, 0 or more",
        ),
        one_of(
            "pdf_variant",
            PDF_VARIANTS,
            '`"pdf/a-3a"`: an archival, tagged PDF/A; `"pdf/a-3b"`: the same untagged; '
            '`"pdf/a-3u"`; `"none"`: a plain PDF',
            convert=lambda v: None if v == "none" else v,
        ),
        flag(
            "attach_data", True, "attach the input rows the report used, as CSV files, to the PDF"
        ),
        text(
            "boundaries",
            "a GeoJSON file drawn in light grey under the schematic access map (kept as it "
            "was; the situation map's boundaries are `[geography] boundaries`)",
            expected=PATH,
        ),
        *MAP_KEYS,
    ),
    rules=(_first_language_is_the_locale, map_shading_known),
)

INPUTS = Section(
    "inputs",
    "where each table is read from: a CSV file, or a sheet of a workbook (`path#sheet`, also "
    ".xlsm and .ods); `sitrep build --input TABLE=PATH` reads one from another file for a run",
    (
        *(
            text(
                table,
                f"the {table} table" + ("" if table in REQUIRED_TABLES else " (optional)"),
                expected=SOURCE,
                required=table in REQUIRED_TABLES,
            )
            for table in TABLES
        ),
        text(
            "narrative",
            "the folder of the narratives, one `YYYY-MM-DD.md` per report date",
            expected=PATH,
            default="inputs/narrative",
        ),
    ),
)

GEOGRAPHY = Section(
    "geography",
    'the country\'s places: see "Places and P-codes"',
    (
        text(
            "pcodes",
            'the office\'s own COD-AB tabular file (`"PATH"` or `"PATH#SHEET"`), over OCHA\'s '
            "global list",
            expected=f"{PATH} ('PATH' or 'PATH#SHEET')",
            check=_not_blank,
        ),
        Key(
            "levels",
            (list,),
            'a list of words, e.g. ["Province", "District"]',
            'the country\'s words for admin levels 1 and 2, e.g. `["Département", "Commune"]`, '
            "in every heading, table header and `--each` title (default: the catalogue's "
            '"Admin 1" and "Admin 2")',
            [],
            check=_words,
            convert=lambda v: tuple(w.strip() for w in v),
        ),
        *GEOGRAPHY_MAP_KEYS,
    ),
)

_LIMIT_DOCS = {
    "max_file_mb": "any input file, on disk, in MB",
    "max_rows": "rows of one sheet or CSV file, header rows included",
    "max_cell_chars": "the characters of one cell (Excel's own limit)",
    "max_sheets": "sheets in one workbook",
    "max_zip_ratio": "uncompressed / compressed size of one workbook member (zip bombs)",
    "max_unzipped_mb": "all members of one workbook, uncompressed, in MB",
    "max_cells": "rows x columns of one sheet or CSV file, counted from A1 to its farthest cell",
    "max_text_mb": "the text of one sheet's cells in MB, a shared string counted once per cell "
    "that uses it",
    "max_narrative_kb": "a narrative file, on disk, in KB (a day's is a few KB)",
    "max_boundaries_mb": "the boundary file (`[geography] boundaries`) as read, a zip's members "
    "unpacked, in MB",
}
LIMITS = Section(
    "limits",
    "caps on what sitrep reads; raise one only for a file you trust",
    tuple(whole(name, getattr(Limits, name), 1, None, doc) for name, doc in _LIMIT_DOCS.items()),
)

FIGURES = Section(
    "figures",
    "how stocks are taken and headlines written",
    (
        flag(
            "carry_forward",
            FigureSettings.carry_forward,
            "true: an area absent from an operation's latest round keeps its latest earlier "
            "figure, dated in the table and footnoted; false: it is absent",
        ),
        one_of(
            "headline_rounding",
            ROUNDINGS,
            '`"exact"`, or `"compact"` for "some 1.29 million" in the key figures and headings '
            "(Babel's compact format for the locale)",
        ),
        whole(
            "top_areas",
            FigureSettings.top_areas,
            0,
            None,
            "the admin-2 rows a national table shows besides the areas named elsewhere; the "
            'others are summed in an "and N other areas" line',
        ),
        flag(
            "full_tables",
            FigureSettings.full_tables,
            "true: the full tables, every admin-2 area, are added as an annex",
        ),
    ),
)

PUBLISH = Section(
    "publish",
    "where `sitrep publish` copies the issued reports",
    (
        text(
            "folder",
            "the folder `sitrep publish` copies the issued reports into",
            expected=PATH,
        ),
        text(
            "base_url",
            "that folder's address on the web, for the feed's links",
            expected=WEB,
            check=_web_address,
        ),
    ),
)

SECTIONS = (REPORT, INPUTS, GEOGRAPHY, LIMITS, FIGURES, PUBLISH, EMAIL)
