"""Stage 1, load: read each table from a CSV file or a workbook sheet into raw cells.

Nothing is interpreted here except the layout: the header row (which may sit below a title or
notes row), an optional HXL hashtag row (see `sitrep.inputs.hxl`), blank rows (dropped), and the row
numbers a spreadsheet program shows. An IOM DTM export given as the `idps` table is reduced to
one row per area and date (see `sitrep.inputs.dtm`). Values stay as the reader gave them; `validate`
turns them into typed data. Reading is capped by `[limits]` (see `sitrep.inputs.limits`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sitrep.errors import InputError
from sitrep.inputs import dtm, dtm_rows, hapi, hxl
from sitrep.inputs.confine import escape_message
from sitrep.inputs.limits import exceeded
from sitrep.inputs.localnames import LOCALISED, language_columns
from sitrep.inputs.parse import blank_rows
from sitrep.inputs.readers import read_grid
from sitrep.problems import Message, Problem, ProblemCode, Severity
from sitrep.settings.config import Config, InputSource
from sitrep.settings.limits import Limits
from sitrep.tableschema import FILE, SCHEMAS

__all__ = ["Limits", "RawTable", "load_table", "load_tables"]


@dataclass
class RawTable:
    """One table's cells, columns renamed to the schema's names, with spreadsheet row numbers."""

    name: str
    file: str  # as shown to the user: relative to the workspace when inside it
    sheet: str | None
    frame: pd.DataFrame  # canonical column names, raw values
    rows: np.ndarray  # the spreadsheet row number of each frame row (int64)
    headers: dict[str, str] = field(default_factory=dict)  # canonical name -> header as written


def display_path(path: Path, workspace: Path) -> str:
    """The path as the user knows it: relative to the workspace when it lies inside (as named,
    links not followed, so a link is shown by its own name)."""
    for named, root in ((Path(os.path.abspath(path)), Path(os.path.abspath(workspace))),
                        (path.resolve(), workspace.resolve())):  # fmt: skip
        try:
            return str(named.relative_to(root))
        except ValueError:
            continue
    return str(path)


class _Located:
    """Makes problems located in one table's file and sheet."""

    def __init__(self, name: str, file: str, sheet: str | None) -> None:
        self.name, self.file, self.sheet = name, file, sheet

    def __call__(
        self,
        code: ProblemCode,
        message: str,  # a Message, or English text
        column: str | None = None,
        row: int | None = None,
        severity: Severity = "error",
        value: str | None = None,
    ) -> Problem:
        return Problem(
            severity,
            table=self.name,
            file=self.file,
            sheet=self.sheet,
            row=row,
            column=column,
            value=value,
            message=message,
            code=code,
        )


def load_table(
    name: str, source: InputSource, workspace: Path, limits: Limits | None = None, country: str = ""
) -> tuple[RawTable | None, list[Problem]]:
    """Read one table; on a problem that stops reading it, return None and the problems.

    A table of several files (`source.more`: IOM DTM exports, one per admin level) is read
    file by file and put together (`sitrep.inputs.dtm_rows`)."""
    limits = limits or Limits()
    if source.more:
        return _load_parts(name, source.parts, workspace, limits, country)
    grid, problem, notes = _grid(name, source, workspace, limits)
    if grid is None:
        return None, notes
    table, problems = _load_grid(name, grid, SCHEMAS[name], problem, limits, country, source.sheet)
    return table, notes + problems


def _grid(
    name: str, source: InputSource, workspace: Path, limits: Limits
) -> tuple[pd.DataFrame | None, _Located, list[Problem]]:
    """One file's cells, the maker of its problems, and what reading it found (a problem that
    stopped it, when the grid is None)."""
    problem = _Located(name, display_path(source.path, workspace), source.sheet)
    if escape := escape_message(source.path, workspace, problem.file):
        return None, problem, [problem(ProblemCode.OUTSIDE_WORKSPACE, escape)]
    if not source.path.is_file():
        message = Message("file-not-found.table", table=name)
        return None, problem, [problem(ProblemCode.FILE_NOT_FOUND, message)]
    try:
        grid = read_grid(source, limits)
    except (InputError, OSError, ValueError, UnicodeError) as exc:  # a reader's failure, located
        reason = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else str(exc)
        message = Message("unreadable.table", table=name, reason=reason)
        return None, problem, [problem(ProblemCode.UNREADABLE, message)]
    notes = (
        [problem(ProblemCode.READ_WARNING, grid.attrs["warning"], severity="warning")]
        if "warning" in grid.attrs
        else []
    )
    return grid, problem, notes


def _load_parts(
    name: str, parts: tuple[InputSource, ...], workspace: Path, limits: Limits, country: str
) -> tuple[RawTable | None, list[Problem]]:
    """A table of several files: IOM DTM exports read together, each row keeping its file."""
    problems: list[Problem] = []
    found: list[dtm_rows.DtmRows] = []
    located: list[_Located] = []
    for part in parts:
        grid, problem, notes = _grid(name, part, workspace, limits)
        problems += notes
        if grid is None:
            continue
        layout = hxl.locate(grid, SCHEMAS[name])
        if name != "idps" or not dtm.is_dtm(layout, grid):
            message = Message("dtm-unusable.parts", count=len(parts), table=name)
            problems.append(problem(ProblemCode.DTM_UNUSABLE, message))
            continue
        rows = np.arange(layout.first_data_row + 1, len(grid) + 1, dtype=np.int64)
        extracted = dtm.extract(grid, layout, country, rows, alone=False)
        if isinstance(extracted, Message):
            message = Message("dtm-unusable.unusable", reason=extracted)
            problems.append(problem(ProblemCode.DTM_UNUSABLE, message))
            continue
        found.append(extracted)
        located.append(problem)
    if any(p.severity == "error" for p in problems) or not found:
        return None, problems
    if not any({"adm1", "adm2"} & set(part.headers) for part in found):
        message = Message("dtm-unusable.no-areas")
        return None, [*problems, located[0](ProblemCode.DTM_UNUSABLE, message)]
    result = dtm_rows.combine(found)
    together = _Located(name, "; ".join(p.file for p in located), None)
    problems += [together(ProblemCode.DTM_NOTE, note, severity="note") for note in result.notes]
    problems += [
        located[i](ProblemCode.INVALID_VALUE, message, header, row, value=value)
        for i, (row, header, value, message) in zip(result.error_files, result.errors, strict=True)
    ]
    files = result.files if result.files is not None else np.zeros(len(result.rows), dtype=int)
    frame = result.frame.assign(**{FILE: [located[int(i)].file for i in files]})
    return RawTable(name, together.file, None, frame, result.rows, result.headers), problems


def _load_grid(
    name: str,
    grid: pd.DataFrame,
    schema,
    problem: _Located,
    limits: Limits,
    country: str,
    sheet: str | None,
) -> tuple[RawTable | None, list[Problem]]:
    layout = hxl.locate(grid, schema)
    if name == "idps" and dtm.is_dtm(layout, grid):
        return _load_dtm(grid, layout, country, problem, limits)
    if name == "response" and hapi.is_presence(layout, grid):  # HDX HAPI's 3W, as downloaded
        rows = np.arange(layout.first_data_row + 1, len(grid) + 1, dtype=np.int64)
        frame, used, headers, notes = hapi.presence(grid, layout, country, rows)
        problems = [problem(ProblemCode.HAPI_NOTE, n, severity="note") for n in notes]
        return RawTable(name, problem.file, sheet, frame, used, headers), problems

    header_excel_row = (layout.header_row if layout.header_row is not None else -1) + 1
    tag_row = layout.first_data_row if layout.tags else None
    missing = [
        problem(
            ProblemCode.REQUIRED_COLUMN,
            _required(column),
            column=column.name,
            row=header_excel_row or tag_row,
        )
        for column in schema.columns
        if column.required and column.name not in layout.columns
    ]
    if schema.any_of and not any(name in layout.columns for name in schema.any_of):
        wanted = [schema.column(name) for name in schema.any_of]
        missing.append(
            problem(
                ProblemCode.REQUIRED_COLUMN,
                Message(
                    "required-column.one-of",
                    columns=tuple(
                        Message("required-column.either", column=repr(c.name), hashtag=c.hxl)
                        for c in wanted
                    ),
                ),
                column=wanted[0].name,
                row=header_excel_row or tag_row,
            )
        )
    if missing:
        return None, missing

    columns, headers = dict(layout.columns), dict(layout.headers)
    if name in LOCALISED:  # a column per language: name_ar, title_fr, ... (see localnames)
        extra = language_columns(layout, grid, name)
        columns |= extra
        header_cells = (
            hxl.row_cells(grid, layout.header_row) if layout.header_row is not None else []
        )
        for column, index in extra.items():
            text = str(header_cells[index]).strip() if header_cells else ""
            headers[column] = text or layout.tags.get(index, column)
    body = grid.iloc[layout.first_data_row :, list(columns.values())]
    body.columns = list(columns)
    rows = np.arange(layout.first_data_row + 1, len(grid) + 1, dtype=np.int64)
    if too_long := _too_long_cell(body, rows, headers, limits, problem):
        return None, [too_long]
    keep = ~np.logical_and.reduce([blank_rows(body[c]) for c in body.columns]) if len(body) else []
    body = body[keep].reset_index(drop=True)
    return RawTable(name, problem.file, sheet, body, rows[keep], headers), []


def _required(column) -> Message:
    """'required column missing: expected a header 'date' or the hashtag #date (also ...)'."""
    aliases = ", ".join(repr(a) for a in column.aliases)
    also = Message("required-column.also", aliases=aliases) if aliases else ""
    if column.hxl:
        return Message(
            "required-column.hashtag", column=repr(column.name), hashtag=column.hxl, also=also
        )
    return Message("required-column.header", column=repr(column.name), also=also)


def _too_long_cell(
    body: pd.DataFrame, rows: np.ndarray, headers: dict[str, str], limits: Limits, problem
) -> Problem | None:
    """An error for the first cell longer than limits.max_cell_chars, else None."""
    for column in body.columns:
        cells = body[column]
        lengths = (
            cells.str.len()
            if cells.dtype != object
            else cells.map(lambda v: len(v) if isinstance(v, str) else 0)
        )
        over = np.flatnonzero(lengths.fillna(0).to_numpy() > limits.max_cell_chars)
        if len(over):
            what = Message("limit-exceeded.cell", count=int(lengths.iloc[over[0]]))
            message = exceeded(what, "max_cell_chars", limits.max_cell_chars, "characters")
            return problem(
                ProblemCode.LIMIT_EXCEEDED, message, headers.get(column, column), int(rows[over[0]])
            )
    return None


def _load_dtm(
    grid: pd.DataFrame, layout: hxl.Layout, country: str, problem: _Located, limits: Limits
) -> tuple[RawTable | None, list[Problem]]:
    rows = np.arange(layout.first_data_row + 1, len(grid) + 1, dtype=np.int64)
    result = dtm.collapse(grid, layout, country, rows)
    if isinstance(result, str):
        message = Message("dtm-unusable.unusable", reason=result)
        return None, [problem(ProblemCode.DTM_UNUSABLE, message)]
    problems = [problem(ProblemCode.DTM_NOTE, note, severity="note") for note in result.notes]
    problems += [
        problem(ProblemCode.INVALID_VALUE, message, header, row, value=value)
        for row, header, value, message in result.errors
    ]
    table = RawTable(
        problem.name, problem.file, problem.sheet, result.frame, result.rows, result.headers
    )
    return table, problems


def load_tables(
    config: Config, overrides: dict[str, InputSource] | None = None
) -> tuple[dict[str, RawTable], list[Problem]]:
    """Every configured table (with --input overrides), and the problems that stopped any."""
    sources = {**config.inputs, **(overrides or {})}
    limits = config.limits
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    for name, source in sources.items():
        if name not in SCHEMAS:
            continue
        country = config.country_code or config.country  # DTM rows match by ISO3 code
        table, table_problems = load_table(name, source, config.workspace, limits, country)
        problems += table_problems
        if table is not None:
            tables[name] = table
    return tables, problems
