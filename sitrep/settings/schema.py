"""Every section of sitrep.toml, its keys declared once, as the fields of its settings dataclass.

A field says a key's name, the type the code reads, its default, allowed values or checker and
its doc (`sitrep.settings.check`). `[report]`, `[inputs]`, `[geography]` and `[publish]` are
declared here; `[limits]` (`sitrep.settings.limits`), `[figures]` (`sitrep.settings.figures`)
`[email]` (`sitrep.settings.email`) and `[indicators.KEY]` (`sitrep.settings.indicators`)
beside the code that reads them. `SECTIONS` lists them
all, in the order of the README's settings tables (tests/settings/test_settings_schema.py holds
the tables to these declarations); `load_config` reads them into `Config`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitrep.settings import maps
from sitrep.settings.check import Key, Section, day, flag, one_of, setting, text, whole
from sitrep.settings.email import EMAIL
from sitrep.settings.figures import FIGURES
from sitrep.settings.indicators import INDICATORS
from sitrep.settings.limits import LIMITS
from sitrep.settings.locales import check_languages, check_locale, first_language_is_the_locale
from sitrep.settings.texts import EXPECTED, Texts, by_language, texts_problems
from sitrep.tableschema import SCHEMAS

CADENCES = {"daily": 1, "weekly": 7}
MAX_CADENCE = 366  # days: a yearly report at most
DEFAULT_PDF_VARIANT = "pdf/a-3a+ua-1"  # archival (PDF/A-3a) and accessible (PDF/UA-1) at once
# sitrep.pdf.variants says what each is to WeasyPrint; "none": a plain PDF
PDF_VARIANTS = ("pdf/a-3a+ua-1", "pdf/ua-1", "pdf/a-3a", "pdf/a-3b", "pdf/a-3u", "none")
DIGITS = ("default", "latn", "arab")  # [report] digits: the locale's own, Latin or Arabic-Indic
TABLES = tuple(SCHEMAS)
REQUIRED_TABLES = ("displacement", "blockades", "routes")
SLUG_FORBIDDEN = re.compile(r'[/\\\x00-\x1f\x7f<>:"|?*]')  # a path, a control, Windows' reserved
PATH = "a path, relative to sitrep.toml or absolute"
SOURCE = "a file path, or 'workbook.xlsx#sheet'"
CADENCE = f"'daily', 'weekly' or a number of days from 1 to {MAX_CADENCE}"
WEB = "an https:// or http:// URL"


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


def _slug(slug: str) -> str | None:
    # "": made from the country and the crisis (sitrep.settings.config.slugify)
    return f"{slug!r} {problem}" if slug and (problem := slug_problem(slug)) else None


def _cadence(value: str | int) -> str | None:
    return None if isinstance(value, int) or value in CADENCES else f"{value!r} is not {CADENCE}"


def _words(value: list) -> str | None:
    if all(isinstance(w, str) and w.strip() for w in value):
        return None
    return f'{value!r} is not a list of words, e.g. ["Province", "District"]'


EDITIONS = ("pdf", "html", "docx")  # the files a build can write; the PDF is the report of record


def _editions(value: list) -> str | None:
    if not all(isinstance(e, str) for e in value) or set(value) - set(EDITIONS):
        return f"{value!r} is not a list of editions: each one of {', '.join(map(repr, EDITIONS))}"
    if len(set(value)) < len(value):
        return f"{value!r} names an edition twice"
    if "pdf" not in value or "html" not in value:
        return (
            f'{value!r} leaves out "pdf" or "html": both are always made (the record, '
            'publish and send rest on them); add "docx" for a Word edition'
        )
    return None


def _one_line(value: str) -> str | None:
    # The crisis goes into the email's subject (a header: one line), the office into the report.
    if bad := [c for c in value if unicodedata.category(c) in ("Cc", "Zl", "Zp")]:
        code = f"U+{ord(bad[0]):04X}"
        return f"{value!r} holds {code} (a line break or control character): write it on one line"
    return None


# A yes or a no written as text is a mistake for true or false, not the notice's words.
ANSWERS = {
    "yes",
    "no",
    "true",
    "false",
    "y",
    "n",
    "oui",
    "non",
    "sí",
    "si",
    "نعم",
    "لا",
    "так",
    "ні",
}


def _notice(value: bool | str | dict) -> list[str]:
    if isinstance(value, bool):
        return []
    texts = [value] if isinstance(value, str) else list(value.values())
    if any(isinstance(t, str) and t.strip().lower() in ANSWERS for t in texts):
        return [f"{value!r} is not true or false: write illustrative = true, or the notice's text"]
    return texts_problems(value)


def _not_blank(value: str) -> str | None:
    return None if value.strip() else f"{value!r} is not {PATH}"


def _web_address(value: str) -> str | None:
    return None if re.match(r"https?://[^/\s]+", value) else f"{value!r} is not {WEB}"


@dataclass(frozen=True, kw_only=True)
class ReportSettings:
    """`[report]` as written, checked: `load_config` derives `Config`'s fields from it (the
    country's name in the report's language, the locale from the languages, the slug)."""

    country: str = text(
        "an ISO3 code or the country's name; the report prints its name in the report's "
        'language ("Haïti"): see "Places and P-codes"',
        default="",
    )
    crisis: Texts = by_language(
        "the crisis's name, in the report's title; one text, or a table by language "
        '(`{ en = "El Fasher", ar = "الفاشر" }`)',
        check=_one_line,
    )
    slug: str = text(
        "the start of file names: a plain name, no `/`, `\\`, `..`, control character or "
        "leading dot (default: made from the country and the crisis)",
        default="",
        check=_slug,
    )
    issuing_office: Texts = by_language(
        "the office that issues the report; one text, or a table by language", check=_one_line
    )
    household_size: int | None = whole(
        None,
        1,
        30,
        "people per family, used where only families are given, and footnoted; no "
        "default: unset, a row giving only families is an error",
    )
    period_start: dt.date = day(
        dt.date(1970, 1, 1),
        'figures "in the period" count from this date (a date from 1950 to 2199)',
    )
    first_report: dt.date | None = day(
        None, "the date of the report numbered `first_number` (default: `period_start`)"
    )
    cadence_days: int = setting(
        Key(
            name="cadence",
            kinds=(str, int),
            expected=CADENCE,
            doc='`"daily"`, `"weekly"` or a number of days, 1 to 366',
            default="daily",
            low=1,
            high=MAX_CADENCE,
            check=_cadence,
            convert=lambda v: CADENCES.get(v, v),
        )
    )
    first_number: int = whole(
        1,
        1,
        1_000_000,
        "the number of the report dated `first_report` (1 or more)",
        expected="a positive whole number",
    )
    locale: str | None = text(
        'the report\'s language, dates and numbers, one Babel knows: `"en"`, `"fr"`, '
        '`"es_CO"`, `"ar_SD"` (default: the first of `languages`, else `"en"`)',
        check=check_locale,
    )
    languages: tuple[str, ...] | None = setting(
        Key(
            kinds=(list,),
            expected="a list of languages, e.g. ['fr', 'en']",
            doc='several reports in one run, e.g. `["fr", "en"]`, the first in the `locale`\'s '
            'language: see "Templates and languages"',
            check=check_languages,
            convert=lambda v: tuple(e.replace("-", "_") for e in v),
        )
    )
    digits: str = one_of(
        DIGITS,
        '`"default"`: the locale\'s own, `"latn"` for 0-9, `"arab"` for Arabic-Indic ٠-٩',
        expected="one of: default, latn, arab ('latn' for 0-9, 'arab' for Arabic-Indic digits)",
    )
    page_size: str = one_of(("A4", "Letter"), '`"A4"` or `"Letter"`')
    illustrative: Texts | None = setting(
        Key(
            kinds=(bool, str, dict),
            expected=f"true, false, or the notice's {EXPECTED}",
            doc="true: the report says its data is illustrative; a text (or a table by "
            "language) says it in the office's words",
            default=False,
            check=_notice,
            convert=lambda v: (Texts() if v else None) if isinstance(v, bool) else Texts.of(v),
        )
    )
    stale_days: int = whole(
        3,
        0,
        3650,
        "warn when a table's newest row is older than this many days (0 or more)",
        expected="a number of days, 0 or more",
    )
    pdf_variant: str | None = one_of(
        PDF_VARIANTS,
        '`"pdf/a-3a+ua-1"`: archival (PDF/A-3a) and accessible (PDF/UA-1); '
        '`"pdf/ua-1"`: accessible only; `"pdf/a-3a"`: archival and tagged, without the '
        'PDF/UA claim; `"pdf/a-3b"`, `"pdf/a-3u"`: archival, untagged; `"none"`: a plain PDF',
        convert=lambda v: None if v == "none" else v,
    )
    attach_data: bool = flag(
        True, "attach the input rows the report used, as CSV files, to the PDF"
    )
    clearance: bool = flag(
        False, "true: a report is issued and sent only once `sitrep clear` records who cleared it"
    )
    boundaries: str | None = text(
        "a GeoJSON file drawn in light grey under the schematic access map (kept as it was; "
        "the situation map's boundaries are `[geography] boundaries`)",
        expected=PATH,
    )
    editions: tuple[str, ...] = setting(
        Key(
            kinds=(list,),
            expected='a list of editions, e.g. ["pdf", "html", "docx"]',
            doc='the files `build` writes: `"pdf"` and `"html"` always, `"docx"` adds a Word '
            'edition: see "The Word edition"',
            default=["pdf", "html"],
            check=_editions,
            convert=tuple,
        )
    )
    map_shading: str = maps.map_shading()
    map_level: int | None = maps.map_level()


# `[inputs]`: a key per table of `sitrep.tableschema` (declared there once, so made from it),
# then the narrative's folder. Each table's value is its source as written ("path#sheet").
def _sources(value: str | list) -> str | None:
    if isinstance(value, str) or (value and all(isinstance(v, str) and v for v in value)):
        return None
    return f"{value!r} is not {SOURCE}, or a list of them"


def _table_key(table: str) -> Any:
    doc = f"the {table} table" + ("" if table in REQUIRED_TABLES else " (optional)")
    if table == "idps":  # IOM DTM exports come one file per admin level: read them together
        return setting(
            Key(
                kinds=(str, list),
                expected=f"{SOURCE}, or a list of them",
                doc=doc + "; a list of files reads IOM DTM exports together (one per admin level)",
                check=_sources,
                convert=lambda v: v if isinstance(v, str) else tuple(v),
            )
        )
    return text(doc, expected=SOURCE, required=table in REQUIRED_TABLES)


InputSettings = dataclasses.make_dataclass(
    "InputSettings",
    [
        *(
            (
                table,
                str
                if table in REQUIRED_TABLES
                else (str | tuple[str, ...] | None if table == "idps" else str | None),
                _table_key(table),
            )
            for table in TABLES
        ),
        (
            "narrative",
            str,
            text(
                "the folder of the narratives, one `YYYY-MM-DD.md` per report date",
                expected=PATH,
                default="inputs/narrative",
            ),
        ),
    ],
    frozen=True,
    kw_only=True,
    namespace={"__module__": __name__, "__doc__": "`[inputs]`: each table's source as written."},
)


@dataclass(frozen=True, kw_only=True)
class GeographySettings:
    """`[geography]`: the office's own COD file and its words for the admin levels."""

    pcodes: str | None = text(
        'the office\'s own COD-AB tabular file (`"PATH"` or `"PATH#SHEET"`), over OCHA\'s '
        "global list",
        expected=f"{PATH} ('PATH' or 'PATH#SHEET')",
        check=_not_blank,
    )
    levels: tuple[str, ...] = setting(
        Key(
            kinds=(list,),
            expected='a list of words, e.g. ["Province", "District"]',
            doc='the country\'s words for admin levels 1 and 2, e.g. `["Département", '
            '"Commune"]`, in every heading, table header and `--each` title (default: the '
            'catalogue\'s "Admin 1" and "Admin 2")',
            default=[],
            check=_words,
            convert=lambda v: tuple(w.strip() for w in v),
        )
    )
    boundaries: str | None = maps.boundaries()
    boundaries_source: str = maps.boundaries_source()


@dataclass(frozen=True, kw_only=True)
class PublishSettings:
    """`[publish]`: where `sitrep publish` copies the issued reports (`sitrep.issue.publish`).
    `load_config` makes `folder` absolute, from the workspace."""

    folder: Path | None = text(
        "the folder `sitrep publish` copies the issued reports into",
        expected=PATH,
        convert=lambda v: Path(v).expanduser() if v.strip() else None,  # "": unset
    )
    base_url: str | None = text(
        "that folder's address on the web, for the feed's links", expected=WEB, check=_web_address
    )


REPORT = Section(
    name="report",
    doc="what the report is about, when it is issued and how it looks",
    settings=ReportSettings,
    rules=(first_language_is_the_locale, maps.map_shading_known),
)
INPUTS = Section(
    name="inputs",
    doc="where each table is read from: a CSV file, or a sheet of a workbook (`path#sheet`, "
    "also .xlsm and .ods); `sitrep build --input TABLE=PATH` reads one from another file for "
    "a run",
    settings=InputSettings,
)
GEOGRAPHY = Section(
    name="geography",
    doc='the country\'s places: see "Places and P-codes"',
    settings=GeographySettings,
)
PUBLISH = Section(
    name="publish", doc="where `sitrep publish` copies the issued reports", settings=PublishSettings
)

SECTIONS = (REPORT, INPUTS, GEOGRAPHY, LIMITS, FIGURES, INDICATORS, PUBLISH, EMAIL)
