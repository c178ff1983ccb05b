"""One validation problem, located the way a spreadsheet user would look for it, and its code.

Each problem has a `code` from `ProblemCode`, the one registry of the rules that find problems
(`"stale"`, `"no-narrative"`, `"required-column"`, ...): code that acts on a problem tests its
code, never its message, so the message's wording can change freely. The README lists every
code with its line here (tests/test_problems.py keeps them in step).

A problem's `message` is a `Message`: the English text (it is a `str`), made from an entry of
the catalogues' `[problems]` section (`templates/i18n/<lang>.toml`, keyed by the code, with a
sub-key where a code has several messages: `invalid-value.people`) and its parameters, so that
the commands write it again in the workspace's language (`Wording`) when they show it. A new
message is one catalogue entry: `Message("invalid-value.people")`, `Message("stale.table",
day=newest, age="4", limit="3")`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import KW_ONLY, asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Literal, NamedTuple

from sitrep.safety.placeholders import format_message

Severity = Literal["error", "warning", "note"]  # a note informs; it never fails a build


class ProblemCode(StrEnum):
    """The rule that found a problem: a stable name, unlike a message's words.

    A StrEnum: `sitrep validate --format json` prints the name itself, and a code compares equal
    to it (`problem.code == "stale"`). Each member holds the line the README lists it with.
    """

    doc: str

    def __new__(cls, value: str, doc: str) -> ProblemCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.doc = doc
        return member

    # reading a table's file
    OUTSIDE_WORKSPACE = "outside-workspace", "a table or narrative file lies outside the workspace"
    FILE_NOT_FOUND = "file-not-found", "a table's file does not exist"
    UNREADABLE = (
        "unreadable",
        "a table's file or sheet cannot be read (damaged, another format, no such sheet, too big)",
    )
    READ_WARNING = "read-warning", "a CSV file was read with a guess (its text encoding): check it"
    REQUIRED_COLUMN = "required-column", "a required column is missing"
    LIMIT_EXCEEDED = (
        "limit-exceeded",
        "a cell longer than `[limits] max_cell_chars`, or a narrative over `max_narrative_kb`",
    )
    DTM_UNUSABLE = "dtm-unusable", "an IOM DTM export that cannot be the idps table"
    DTM_NOTE = "dtm-note", "how a DTM export was read (a note)"
    # the office's COD file ([geography] pcodes), checked as a tree
    COD_LEVEL_CONFLICT = (
        "cod-level-conflict",
        "a P-code of the COD file met at two admin levels (a code in the wrong column?)",
    )
    COD_CYCLE = "cod-cycle", "a COD area that is its own parent, or whose parents lead back to it"
    COD_PARENT_LEVEL = "cod-parent-level", "a COD area whose parent is not one admin level up"
    COD_PARENT_MISSING = "cod-parent-missing", "a COD area whose parent is no listed area"
    COD_NO_PARENT = "cod-no-parent", "a COD area below admin 1 with no parent"
    # each cell
    INVALID_VALUE = (
        "invalid-value",
        "a cell that is not what its column holds: a number, a date, a place, a listed word",
    )
    NUL_CHARACTER = "nul-character", "a cell, or the narrative, holds a NUL character"
    CONTROL_CHARACTER = (
        "control-character",
        "a cell, or a narrative line, holds a character XML forbids: left out of the report",
    )
    REQUIRED_VALUE = "required-value", "an empty cell where a value is required"
    AMBIGUOUS_DATE = (
        "ambiguous-date",
        "a column whose every date could be day first or month first (read day first)",
    )
    DUPLICATE = "duplicate", "a value used twice in a column of unique values"
    FOREIGN_PCODE = "foreign-pcode", "a place whose P-code is another country's"
    SITE_PCODE = (
        "site-pcode",
        "a place whose P-code is written like an area's but is none: kept as a site (a note)",
    )
    # rules within and across rows
    PEOPLE_OR_FAMILIES = "people-or-families", "a displacement row with neither people nor families"
    ORIGIN_OR_DESTINATION = (
        "origin-or-destination",
        "a displacement row with neither an area of origin nor a hosting area",
    )
    PCODE_OR_COORDINATES = "pcode-or-coordinates", "a place with neither a P-code nor coordinates"
    DUPLICATE_STATUS = "duplicate-status", "a route given two statuses from the same date"
    END_BEFORE_START = "end-before-start", "a blockade that ends before it starts"
    LIFTED_WITHOUT_END = "lifted-without-end", "a lifted blockade without the date it was lifted"
    ONGOING_WITH_END = "ongoing-with-end", "an ongoing blockade with an end date"
    FAMILIES_WITHOUT_PEOPLE = (
        "families-without-people",
        "families without people, and no `household_size` to count them",
    )
    HOUSEHOLD_SIZE = "household-size", "people far from families x `household_size`"
    JUMP = "jump", "a figure ten times its previous one (a typo?)"
    UNDECLARED_INDICATOR = (
        "undeclared-indicator",
        "an indicators row whose indicator sitrep.toml does not declare as `[indicators.KEY]`",
    )
    AREA_LEVEL = "area-level", "an indicator's area at another admin level than its `level`"
    INDICATOR_UNIT = "indicator-unit", "one indicator given in two units"
    TWO_SOURCES = (
        "two-sources",
        "one indicator, area and date given by two sources (never added together)",
    )
    BREAKDOWN_TOTAL = "breakdown-total", "women, men, girls and boys add up to more than the value"
    HAPI_NOTE = "hapi-note", "how an HDX HAPI download was read: rows of other countries, errors"
    # dates
    FUTURE_DATE = "future-date", "a date after the day sitrep runs"
    FAR_DATE = "far-date", "a date more than a year from every other date of its column"
    NO_DATA = "no-data", "no dated rows, or none by the report date, or a date after today"
    STALE = (
        "stale",
        "a blockade, a route's status or a table's newest row unconfirmed for over `stale_days`",
    )
    # the settings
    UNTRANSLATED = (
        "untranslated",
        "a `[report]` key given by language leaves out one of the report's languages",
    )
    # the narrative
    NO_NARRATIVE = (
        "no-narrative",
        "no narrative for the report's date (an error in a language after the first)",
    )
    UNKNOWN_HEADING = (
        "unknown-heading",
        "a narrative heading sitrep does not know (shown inside the overview)",
    )
    HIGHLIGHTS_COUNT = "highlights-count", "fewer than 2 or more than 5 highlights"
    TOO_DEEP = "too-deep", "a narrative nested too deeply (lists, quotes)"
    ENCODING = "encoding", "a narrative whose text encoding was guessed: check it"
    LINE_SEPARATOR = (
        "line-separator",
        "a narrative line holds a separator that is not a new line (U+2028, a vertical tab): "
        "read as a space",
    )
    # the workspace's language
    INCOMPLETE_CATALOGUE = (
        "incomplete-catalogue",
        "the report's language has no complete catalogue: the missing entries are in English",
    )


@dataclass(frozen=True)
class Problem:
    """A problem in one cell, row, column or table: `Problem("warning", table=..., file=...,
    message=..., code=ProblemCode.STALE)`, every field but the severity by its name.

    `row` is the row number the spreadsheet program shows (1-based, header rows counted),
    or None when the problem concerns a whole column or table.
    """

    severity: Severity
    _: KW_ONLY
    table: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    message: str
    code: ProblemCode  # the rule that found it; stable, unlike `message`

    def location(self, wording: Wording | None = None) -> str:
        """'inputs/data.xlsx, sheet displacement, row 7, column "people"'."""
        say = wording or Wording()
        parts = [self.file]
        if self.sheet:
            parts.append(say.text("where.sheet", {"sheet": self.sheet}))
        if self.row is not None:  # a narrative's row is its line
            where = "where.line" if self.table == "narrative" else "where.row"
            parts.append(say.text(where, {"row": str(self.row)}))
        if self.column:
            parts.append(say.text("where.column", {"column": self.column}))
        return ", ".join(parts)

    def line(self, wording: Wording | None = None) -> str:
        """'error: inputs/data.xlsx, sheet displacement, row 7: 'abc': expected a number'."""
        say = wording or Wording()
        value = f": {self.value!r}" if self.value not in (None, "") else ""
        severity = say.text(f"severity.{self.severity}", {})
        return f"{severity}: {self.location(wording)}{value}: {say.written(self.message)}"

    def __str__(self) -> str:
        return self.line()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Counts(NamedTuple):
    """How many problems of each severity."""

    errors: int
    warnings: int
    notes: int

    def written(self, wording: Wording | None = None) -> str:
        """'1 error, 2 warnings (1 note)', each count with its noun's plural form."""
        say = wording or Wording()
        errors = say.text("counts.errors", {"count": self.errors})
        warnings = say.text("counts.warnings", {"count": self.warnings})
        text = say.text("counts.line", {"errors": errors, "warnings": warnings})
        return text + (say.text("counts.notes", {"count": self.notes}) if self.notes else "")


def count_by_severity(problems: Iterable[Problem]) -> Counts:
    """The one count of problems by severity (the CLI, ValidationFailed, the build's checks)."""
    severities = [p.severity for p in problems]
    return Counts(severities.count("error"), severities.count("warning"), severities.count("note"))


def count_errors(problems: Iterable[Problem]) -> int:
    return count_by_severity(problems).errors


def count_warnings(problems: Iterable[Problem]) -> int:
    return count_by_severity(problems).warnings


def problem_lines(problems: list[Problem], wording: Wording | None = None) -> list[str]:
    """Problems grouped by table, then 'N errors, M warnings': as the commands print them, in
    `wording`'s language (default: English)."""
    tables: dict[str, list[Problem]] = {}
    for problem in problems:
        tables.setdefault(problem.table, []).append(problem)
    lines = []
    for table, items in tables.items():
        lines.append(f"{table}:")
        lines += [f"  {problem.line(wording)}" for problem in items]
    return [*lines, count_by_severity(problems).written(wording)]


def problems_fields(problems: list[Problem], wording: Wording | None = None) -> dict[str, object]:
    """The counts, then every problem with its code, its `message` in `wording`'s language
    (default: English): `validate --format json`, and the problems of `build`'s."""
    counts = count_by_severity(problems)
    say = wording or Wording()
    return {
        "errors": counts.errors,
        "warnings": counts.warnings,
        "notes": counts.notes,
        "problems": [{**p.as_dict(), "message": say.written(p.message)} for p in problems],
    }


def problems_json(problems: list[Problem], wording: Wording | None = None) -> str:
    return json.dumps(problems_fields(problems, wording), indent=2, default=str)


# -- messages, in any language ---------------------------------------------------------------
ENGLISH_CATALOGUE = Path(__file__).parent / "templates" / "i18n" / "en.toml"


def _flatten(data: Mapping[str, object], prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@functools.cache
def english() -> dict[str, str]:
    """sitrep's English `[problems]` and `[cli]` entries, flattened (problems.x.y, cli.x)."""
    data = tomllib.loads(ENGLISH_CATALOGUE.read_text(encoding="utf-8"))
    return _flatten({k: data.get(k, {}) for k in ("problems", "cli")}, "")


class Message(str):
    """A problem's message: the English text, which it is, and the catalogue entry and
    parameters it was made from, to be written in another language (`Wording.written`).

    `Message("invalid-value.people")` is the entry `[problems.invalid-value] people`; a
    parameter may be a number (written with the language's digits and separators), a date
    (written YYYY-MM-DD), another Message (written in the same language), a tuple of these
    (written one after the other, separated by commas), a str with a `written_in(locale)`
    method (a script's name: written by it) or text (as is).
    """

    key: str
    params: dict[str, object]

    def __new__(cls, key: str, /, **params: object) -> Message:
        if not params and (shared := _SHARED.get(key)) is not None:
            return shared  # a parser's message, made once however many cells it is said of
        text = english().get(f"problems.{key}", "{")
        if params or "{" in text:
            text = Wording().text(key, params)
        message = str.__new__(cls, text)
        message.key, message.params = key, params
        if not params:
            _SHARED[key] = message
        return message

    def __reduce__(self) -> tuple[object, ...]:  # pickled (workers) and copied (asdict) as is
        return (_message, (str(self), self.key, self.params))


_SHARED: dict[str, Message] = {}  # the messages without parameters, by key


def _message(text: str, key: str, params: dict[str, object]) -> Message:
    message = str.__new__(Message, text)
    message.key, message.params = key, params
    return message


@functools.cache
def _plural_rule(locale: str):
    # Babel here, not at the top: every command imports this module (`sitrep --help` too)
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale.replace("-", "_")).plural_form
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en").plural_form


@dataclass(frozen=True)
class Wording:
    """The catalogue problems are written with: its flattened entries (`load_messages`' dict,
    of which the `problems.*` ones are read) and its locale; by default sitrep's English.

    An entry the catalogue lacks, or one whose placeholders do not fit (a workspace's typo),
    is written in English: a problem is always said.
    """

    messages: Mapping[str, str] = field(default_factory=english)
    locale: str = "en"

    def written(self, message: str) -> str:
        """A problem's message in this language (a plain str is shown as it is)."""
        return self.text(message.key, message.params) if isinstance(message, Message) else message

    def text(self, key: str, params: Mapping[str, object]) -> str:  # `count`: plural form
        return self._said(f"problems.{key}", params)

    def cli(self, key: str, /, **params: object) -> str:  # a line the commands print: [cli]
        return self._said(f"cli.{key}", params)

    def _said(self, name: str, params: Mapping[str, object]) -> str:
        values = {key: self._value(value) for key, value in params.items()}
        for catalogue in (lambda: self.messages, english):  # English parsed when it is needed
            template = self._entry(catalogue(), name, params.get("count"))
            if template is None:
                continue
            try:
                return format_message(template, values)
            except (KeyError, IndexError, ValueError):
                continue  # a placeholder that does not fit: said in English instead
        raise KeyError(f"no message {name} in sitrep's English catalogue")

    def _entry(self, messages: Mapping[str, str], name: str, count: object) -> str | None:
        if name in messages:
            return messages[name] or None  # an empty entry is not translated yet
        if f"{name}.other" not in messages:
            return None
        number = count if isinstance(count, int | float) else 0
        form = _plural_rule(self.locale)(abs(number))
        return messages.get(f"{name}.{form}") or messages[f"{name}.other"] or None

    def _value(self, value: object) -> object:
        if isinstance(value, Message):
            return self.written(value)
        if callable(written_in := getattr(value, "written_in", None)):
            return written_in(self.locale)  # a name with its own words (geo.spellings.Script)
        if isinstance(value, tuple):  # a list of things, each written in the language
            return ", ".join(str(self._value(item)) for item in value)
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            from babel.numbers import format_decimal  # as in _plural_rule: when one is written

            return format_decimal(value, locale=self.locale.replace("-", "_"))
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def problems(self, problems: Iterable[Problem]) -> list[Problem]:
        """The problems with their messages in this language (their codes unchanged)."""
        return [replace(p, message=self.written(p.message)) for p in problems]
