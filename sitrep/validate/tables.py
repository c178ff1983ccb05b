"""Stage 2, validate: turn raw cells into typed tables, and report every problem at once.

Each problem names the file, sheet, the row number the spreadsheet shows, the column header as
written, the value, and what was expected. Errors stop a build; warnings are shown. Columns are
parsed once per distinct value (see `sitrep.inputs.parse.parse_column`) and the row rules are
pandas
operations, so a million rows validate in seconds. When one rule fails on very many rows, the
first MAX_PER_RULE are listed and one more problem gives the count of the rest.

The typed frame keeps the shape the later stages rely on: object columns holding Python values
(int, float, str, datetime.date, tuple, bool) with None for missing, plus `_row`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from sitrep.geo.gazetteer import Area, Gazetteer
from sitrep.geo.unknown import Reason
from sitrep.inputs import parse
from sitrep.inputs.load import RawTable
from sitrep.inputs.localnames import LOCALISED, PREFIX
from sitrep.inputs.words import Words
from sitrep.problems import Message, Problem, ProblemCode
from sitrep.safety.xmlchars import FORBIDDEN, describe, forbidden_characters
from sitrep.settings.indicators import IndicatorSettings
from sitrep.tableschema import FILE, ROW, SCHEMAS, Column
from sitrep.validate import rules
from sitrep.validate.cells import cell_parser
from sitrep.validate.dating import date_problems
from sitrep.validate.dating import freshness_warnings as stale
from sitrep.validate.declared import declared_problems
from sitrep.validate.reporter import MAX_PER_RULE, Reporter
from sitrep.validate.table import Table

# A places row's P-code that is none of the areas: a site of the country, or another country's
SITE_OR_FOREIGN = (Reason.UNKNOWN_PCODE, Reason.FOREIGN_PCODE)

__all__ = [
    "ROW",
    "Table",
    "freshness_warnings",
    "household_warnings",
    "validate_table",
    "validate_tables",
]


def _validate_column(
    raw: RawTable,
    column: Column,
    gazetteer: Gazetteer,
    report: Reporter,
    words: Words | None,
    locale: str | None,
) -> parse.ParsedColumn:
    cells = raw.frame[column.name]
    parsed = parse.parse_column(cells, cell_parser(column, gazetteer, words, locale))
    cell_values = cells.to_numpy(dtype=object)
    bad = parsed.error_rows()
    nul = _nul_rows(parsed)  # reported instead of any other error of the cell
    if len(nul):
        message: str = Message("nul-character.cell")  # the value is shown escaped, by repr
        report.rows(ProblemCode.NUL_CHARACTER, nul, column.name, cell_values, message)
        parsed.values[nul] = None
    report.bad[column.name] = np.union1d(bad, nul).astype(np.int64)
    _flag_control_characters(parsed, column.name, cell_values, report)
    by_message: dict[str, list[int]] = {}
    for position in np.setdiff1d(bad, nul):
        by_message.setdefault(parsed.error(position) or "", []).append(position)
    for message, positions in by_message.items():
        report.rows(
            ProblemCode.INVALID_VALUE, np.array(positions), column.name, cell_values, message
        )
    if column.not_blank:
        missing = parsed.mapped(lambda v: v is None, bool)
        missing[report.bad[column.name]] = False
        report.rows(
            ProblemCode.REQUIRED_VALUE,
            np.flatnonzero(missing),
            column.name,
            cell_values,
            Message("required-value.required"),
        )
    if column.kind == "date":
        _flag_ambiguous_dates(parsed, raw, column.name, report)
    if column.unique:
        _flag_duplicates(parsed.values, raw, column.name, report)
    return parsed


def _flag_control_characters(
    parsed: parse.ParsedColumn, column: str, cell_values: np.ndarray, report: Reporter
) -> None:
    """Warn of each cell holding characters XML forbids but NUL (an error of its own): no one
    sees them, and the report leaves them out (`sitrep.safety.xmlchars`)."""
    for code, cell in enumerate(parsed.uniques):
        if not isinstance(cell, str) or "\x00" in cell or not FORBIDDEN.search(cell):
            continue
        characters = describe(forbidden_characters(cell))
        message = Message("control-character.cell", characters=characters)
        positions = np.flatnonzero(parsed.codes == code)
        report.rows(
            ProblemCode.CONTROL_CHARACTER, positions, column, cell_values, message, "warning"
        )


def _nul_rows(parsed: parse.ParsedColumn) -> np.ndarray:
    """Positions of the rows whose cell holds a NUL character anywhere."""
    nul = np.array([isinstance(u, str) and "\x00" in u for u in parsed.uniques], dtype=bool)
    return np.flatnonzero(nul[parsed.codes]) if nul.any() else np.array([], dtype=np.int64)


def _flag_ambiguous_dates(
    parsed: parse.ParsedColumn, raw: RawTable, column: str, report: Reporter
) -> None:
    """Day-first is the rule; warn once per column when no cell proves it (all are ambiguous)."""
    slashed = [
        i
        for i, cell in enumerate(parsed.uniques)
        if isinstance(cell, str)
        and parse.DAY_FIRST_RE.match(cell.strip())
        and parsed.results[i][0] is not None
    ]
    if slashed and all(parse.parse_date(parsed.uniques[i])[2] for i in slashed):
        position = int(np.flatnonzero(np.isin(parsed.codes, slashed))[0])
        report(
            ProblemCode.AMBIGUOUS_DATE,
            int(raw.rows[position]),
            column,
            parsed.uniques[parsed.codes[position]],
            Message("ambiguous-date.ambiguous"),
            "warning",
        )


def _flag_duplicates(values: np.ndarray, raw: RawTable, column: str, report: Reporter) -> None:
    keys = pd.Series(values, dtype=object).map(lambda v: v.lower() if isinstance(v, str) else v)
    present = keys.notna().to_numpy()
    duplicated = keys.duplicated(keep="first").to_numpy() & present
    if not duplicated.any():
        return
    first_row = dict(zip(keys[present & ~duplicated], raw.rows[present & ~duplicated], strict=True))
    for position in np.flatnonzero(duplicated)[: MAX_PER_RULE + 1]:
        first = first_row[keys.iat[position]]
        report(
            ProblemCode.DUPLICATE,
            int(raw.rows[position]),
            column,
            values[position],
            Message("duplicate.duplicate", row=str(first)),
        )


def validate_table(
    raw: RawTable, gazetteer: Gazetteer, words: Words | None = None, locale: str | None = None
) -> tuple[Table, list[Problem]]:
    """Parse every column of one table; problems for every bad cell and row rule.

    `words`: the workspace's input words (`sitrep.inputs.words.workspace_words`), else the built-in.
    `locale`: how the workspace writes numbers (`Config.number_locale`; None: not set).
    """
    schema = SCHEMAS[raw.name]
    report = Reporter(raw)
    columns: dict[str, pd.Series] = {ROW: pd.Series(np.asarray(raw.rows, dtype=np.int64))}
    for column in schema.columns:
        if column.name in raw.frame:
            values = _validate_column(raw, column, gazetteer, report, words, locale).values
        else:
            values = np.full(len(raw.frame), None, dtype=object)
        columns[column.name] = pd.Series(values, dtype=object)
    if raw.name in LOCALISED:
        _local_names(raw, columns, report)
    if FILE in raw.frame:  # a table of several files: each row's own (IOM DTM exports)
        columns[FILE] = pd.Series(raw.frame[FILE].to_numpy(dtype=object), dtype=object)
    typed = pd.DataFrame(columns)
    rules.check_rows(raw.name, typed, report)
    return Table(raw.name, raw.file, raw.sheet, typed, dict(raw.headers)), report.finish()


def _local_names(raw: RawTable, columns: dict[str, pd.Series], report: Reporter) -> None:
    """Text in several languages (`<column>_<lang>` columns, `sitrep.inputs.localnames`), as
    text; a place's names also as `local_names` {lang: name}, and `name_local` (the old single
    column) is its first local name when not given itself."""
    bases = tuple(f"{base}_" for base in LOCALISED[raw.name])
    languages = [c for c in raw.frame.columns if c.startswith(bases) and c not in columns]
    texts = {}
    for c in languages:
        parsed = parse.parse_column(raw.frame[c], parse.parse_text)
        _flag_control_characters(parsed, c, raw.frame[c].to_numpy(dtype=object), report)
        texts[c] = parsed.values
    for c in languages:
        columns[c] = pd.Series(texts[c], dtype=object)
    if raw.name != "places":
        return
    named = [c for c in languages if c.startswith(PREFIX)]
    local = [
        {c.removeprefix(PREFIX): texts[c][i] for c in named if texts[c][i]}
        for i in range(len(raw.frame))
    ]
    columns["local_names"] = pd.Series(local, dtype=object)
    first = [next(iter(d.values()), None) for d in local]
    old = columns["name_local"]
    columns["name_local"] = pd.Series(
        [o if o is not None else f for o, f in zip(old, first, strict=True)], dtype=object
    )


def household_warnings(table: Table, household_size: int | None) -> list[Problem]:
    """Warn where families x household size is far from the people given (without a household
    size, a row of families alone is an error)."""
    return rules.household_warnings(table, household_size)


def freshness_warnings(
    tables: dict[str, Table], report_date: dt.date, stale_days: int
) -> list[Problem]:
    """Warn about what nobody has confirmed for more than `stale_days` (`validate.dating`)."""
    return stale(tables, report_date, stale_days)


def workspace_gazetteer(tables: dict[str, Table], base: Gazetteer) -> Gazetteer:
    """`base` extended with the admin areas of the workspace's validated `places` table.

    Validation reads names through it, and the figures print names from it: a district the
    workspace adds is named, not shown as a bare P-code.
    """
    if "places" not in tables:
        return base
    frame = tables["places"].frame
    names = frame["local_names"] if "local_names" in frame else [{}] * len(frame)
    places = [
        (pcode, name, [a.strip() for a in (aliases or "").split(";") if a.strip()], kind, local)
        for pcode, name, aliases, kind, local in zip(
            frame["pcode"], frame["name"], frame["aliases"], frame["type"], names, strict=True
        )
        if name
    ]
    return base.extended(places)


def _places_gazetteer(
    raw: RawTable, gazetteer: Gazetteer, locale: str | None = None
) -> tuple[Table, list[Problem], Gazetteer]:
    """The places table validated, and the gazetteer extended with its admin areas.

    A place whose P-code is written like an area's but is not one of the lists' areas is kept
    as a site, with a note (nearest codes), or a warning when it is another country's."""
    table, problems = validate_table(raw, gazetteer, locale=locale)
    frame = table.frame
    for code, row in zip(frame["pcode"], frame[ROW], strict=True):
        if not code or gazetteer.canonical(code) is not None:
            continue
        found = gazetteer.find(code)
        if isinstance(found, Area) or found.reason not in SITE_OR_FOREIGN:
            continue
        foreign = found.reason is Reason.FOREIGN_PCODE
        problems.append(
            Problem(
                "warning" if foreign else "note",
                table=raw.name,
                file=raw.file,
                sheet=raw.sheet,
                row=int(row),
                column=table.header("pcode"),
                value=code,
                message=found.message
                if foreign
                else Message("site-pcode.site", reason=found.message),
                code=ProblemCode.FOREIGN_PCODE if foreign else ProblemCode.SITE_PCODE,
            )
        )
    return table, problems, workspace_gazetteer({"places": table}, gazetteer)


def validate_tables(
    raw_tables: dict[str, RawTable],
    gazetteer: Gazetteer,
    household_size: int | None,
    *,
    today: dt.date | None = None,
    words: Words | None = None,
    indicators: Mapping[str, IndicatorSettings | None] | None = None,
    locale: str | None = None,
) -> tuple[dict[str, Table], list[Problem]]:
    """Validate every table; the problems of all tables together.

    The workspace's `places` table is validated first and extends the gazetteer for the others.
    `indicators`: sitrep.toml's `[indicators.KEY]`, which the indicators table's rows must name
    (None: not checked against any declaration).
    `today`: the day sitrep runs, from the command line; a date after it is an error
    (`sitrep.validate.dating.date_problems`; None: not checked). `locale`: how the workspace
    writes numbers (`Config.number_locale`: "pt", "en"...; None: not set, and a number two ways
    could read is an error).
    """
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    if "places" in raw_tables:
        tables["places"], problems, gazetteer = _places_gazetteer(
            raw_tables["places"], gazetteer, locale
        )
    for name, raw in raw_tables.items():
        if name == "places":
            continue
        # HAPI's downloads (needs, funding) are read as-is: they write numbers the English way
        as_written = locale if SCHEMAS[name].sheet else "en"
        table, table_problems = validate_table(raw, gazetteer, words, as_written)
        tables[name] = table
        problems += table_problems
        if name == "displacement":
            problems += household_warnings(table, household_size)
        problems += rules.jump_warnings(table, household_size)

    problems += date_problems(tables, today)
    problems += declared_problems(tables, indicators, gazetteer)
    return tables, problems
