"""An office's own COD-AB tabular file (`[geography] pcodes = "PATH"` or `"PATH#SHEET"`).

Read as HDX publishes it: an xlsx or csv with columns `ADM0_EN, ADM0_PCODE, ADM1_EN, ADM1_FR,
ADM1_PCODE, ADM2_EN, ADM2_PCODE, ... ADM3_*`, alternative names (`ADM2ALT1EN`), `validOn`; a
sheet per level (each row carries its parents' columns) or one sheet of the deepest level. A
workbook without `#SHEET` is read sheet by sheet. A list with the Global P-Code List's HXL tags
(`#adm+code`, `#adm+name`, `#geo+admin_level`, `#adm+code+parent`) works too. Its areas (levels
1 to 4) take precedence over the global list's; its names in several languages (`ADM1_FR`) are
the names printed in a report in that language.

The file is read by sitrep's own readers under the same `[limits]` as any table, checked before
anything is parsed: a workbook's sheets are listed from its own XML once its size and zip are
checked (`sitrep.inputs.readers.sheet_names`), and each sheet is measured before it is read.
Its areas must form a tree with the global list's (`sitrep.geo.tree`): every fault is an error
naming the file, sheet, row and P-code, so a walk up to an admin-1 area always ends.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from sitrep.errors import ConfigError, InputError, ValidationFailed
from sitrep.geo import tree
from sitrep.geo.areas import COD_FILE, Area, Gazetteer, with_areas
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.geo.tree import tree_faults
from sitrep.inputs.hxl import TAG_RE, is_tag_row, parse_tag
from sitrep.inputs.readers import WORKBOOK_SUFFIXES, read_grid, sheet_names
from sitrep.problems import Message, Problem, ProblemCode
from sitrep.settings.config import Config, InputSource
from sitrep.settings.languages import language_of
from sitrep.settings.limits import Limits

_COLUMN = re.compile(r"^adm([0-4])_?(pcode|[a-z]{2}|alt\d?[a-z]{2}|ref[a-z]{2})$", re.IGNORECASE)


class Where(NamedTuple):
    """Where an area was read: its sheet, the row the spreadsheet shows, the columns of its
    parent's P-code and of its own."""

    sheet: str | None
    row: int
    column: str
    code_column: str


class _Collected:
    """The areas read, the first row of each P-code winning; a P-code met again at another
    level (an admin-2 code in the ADM1_PCODE column) is noted, once per code and level."""

    def __init__(self) -> None:
        self.areas: dict[str, tuple[Area, Where]] = {}
        self.conflicts: dict[tuple[str, int], Where] = {}

    def seen(self, code: str, level: int, where: Where) -> bool:
        found = self.areas.get(code)
        if found is not None and found[0].level != level:
            self.conflicts.setdefault((code, level), where)
        return found is not None

    def add(self, area: Area, where: Where) -> None:
        if not self.seen(area.pcode, area.level, where):
            self.areas[area.pcode] = (area, where)


def _header(grid: pd.DataFrame) -> int | None:
    """The index of the header row (the first naming an ADMn_PCODE column) among the first 10."""
    for i in range(min(10, len(grid))):
        cells = [str(c).strip().lower() for c in grid.iloc[i].tolist()]
        if any(re.fullmatch(r"adm[1-4]_?pcode", c) for c in cells):
            return i
    return None


def _cod_areas(grid: pd.DataFrame, sheet: str | None, collected: _Collected) -> bool:
    """The areas of a sheet in HDX's ADMn_* layout, into `collected`; False if not that layout."""
    header = _header(grid)
    if header is None:
        return False
    names = [str(c).strip() for c in grid.iloc[header].tolist()]
    body = grid.iloc[header + 1 :]
    if len(body) and is_tag_row(body.iloc[0].tolist()):
        body = body.iloc[1:]
    columns: dict[int, dict[str, int]] = {}  # level -> {"pcode" | lang | "alt": column}
    date_column = next((i for i, n in enumerate(names) if n.lower() == "validon"), None)
    for index, name in enumerate(names):
        match = _COLUMN.match(name)
        if match:
            level, kind = int(match.group(1)), match.group(2).lower()
            columns.setdefault(level, {}).setdefault(kind, index)
    levels = sorted(k for k in columns if k >= 1 and "pcode" in columns[k])
    for index, *row in body.itertuples():
        cells = ["" if v is None else str(v).strip() for v in row]
        date = cells[date_column][:10] if date_column is not None else ""
        for level in levels:
            found = columns[level]
            code = cells[found["pcode"]]
            parent = columns.get(level - 1, {}).get("pcode") if level > 1 else None
            parent_column = names[parent] if parent is not None else f"ADM{level - 1}_PCODE"
            where = Where(sheet, int(index) + 1, parent_column, names[found["pcode"]])
            if not code or collected.seen(code, level, where):
                continue
            langs = {k: cells[i] for k, i in found.items() if len(k) == 2 and cells[i]}
            aliases = {k: cells[i] for k, i in found.items() if k.startswith("alt") and cells[i]}
            name = langs.get("en") or next(iter(langs.values()), code)
            names_by_lang = dict(langs)
            for key, text in aliases.items():  # alternative names are found, never printed
                names_by_lang[f"alt:{key}"] = text
            area = Area(
                code,
                name,
                level,
                cells[parent] if parent is not None else None,
                COD_FILE,
                names_by_lang,
                date,
            )
            collected.add(area, where)
    return True


def _hxl_areas(grid: pd.DataFrame, sheet: str | None, collected: _Collected) -> None:
    """The areas of a list tagged like the Global P-Code List (#adm+code, #geo+admin_level,
    ...), into `collected`."""
    tag_row = next(
        (i for i in range(min(10, len(grid))) if is_tag_row(grid.iloc[i].tolist())), None
    )
    if tag_row is None:
        return
    tags = {
        i: parse_tag(str(t))
        for i, t in enumerate(grid.iloc[tag_row].tolist())
        if TAG_RE.match(str(t))
    }

    def find(name: str, *attributes: str, without: tuple[str, ...] = ()) -> int | None:
        for i, (tag, attrs) in tags.items():
            if tag == name and set(attributes) <= attrs and not set(without) & attrs:
                return i
        return None

    def header(column: int | None, tag: str) -> str:  # as the user reads it: above the tag
        above = str(grid.iat[tag_row - 1, column]).strip() if column is not None and tag_row else ""
        return above or tag

    code, parent = find("#adm", "code", without=("parent",)), find("#adm", "code", "parent")
    name, level, date = find("#adm", "name"), find("#geo", "admin_level"), find("#date", "start")
    if code is None or level is None:
        return
    columns = (header(parent, "#adm+code+parent"), header(code, "#adm+code"))
    for index, *row in grid.iloc[tag_row + 1 :].itertuples():
        cells = ["" if v is None else str(v).strip() for v in row]
        digits = re.sub(r"\.0$", "", cells[level])
        if not cells[code] or not digits.isdigit():
            continue
        lvl = int(digits)
        area = Area(
            cells[code],
            cells[name] if name is not None else cells[code],
            lvl,
            cells[parent] if parent is not None and lvl > 1 else None,
            COD_FILE,
            {},
            cells[date][:10] if date is not None else "",
        )
        collected.add(area, Where(sheet, int(index) + 1, *columns))


def _sheets(source: InputSource, limits: Limits) -> Iterator[tuple[str | None, pd.DataFrame]]:
    """(sheet, grid) of the sheet asked for (or the CSV file), else of every sheet of the
    workbook, listed within the limits; one grid at a time, each read under the limits."""
    if source.sheet is not None or source.path.suffix.lower() not in WORKBOOK_SUFFIXES:
        yield source.sheet, read_grid(source, limits)
        return
    for name in sheet_names(source.path, limits):
        yield name, read_grid(InputSource(source.path, name), limits)


@cache
def _read(path: Path, sheet: str | None, stamp: tuple[int, int], limits: Limits) -> _Collected:
    collected = _Collected()
    for name, grid in _sheets(InputSource(path, sheet), limits):
        if not _cod_areas(grid, name, collected):
            _hxl_areas(grid, name, collected)
    return collected


def read_cod(source: InputSource, limits: Limits) -> list[tuple[Area, Where]]:
    """The areas of a COD-AB tabular file, each with where it was read; InputError when it
    cannot be read (a limit exceeded included) or has none."""
    return list(_collected(source, limits).areas.values())


def _collected(source: InputSource, limits: Limits) -> _Collected:
    stat = source.path.stat() if source.path.is_file() else None
    if stat is None:
        raise InputError("file not found")
    collected = _read(source.path, source.sheet, (stat.st_mtime_ns, stat.st_size), limits)
    if not collected.areas:
        raise InputError(
            "no admin areas found: expected COD-AB columns (ADM1_PCODE, ADM1_EN, ...) or the "
            "Global P-Code List's HXL tags (#adm+code, #geo+admin_level)"
        )
    return collected


def with_cod(
    gazetteer: Gazetteer, source: InputSource, limits: Limits, workspace: Path
) -> Gazetteer:
    """The gazetteer with the COD file's areas on top: ConfigError naming the setting when the
    file cannot be read, ValidationFailed (an error per row) when its areas are not a tree."""
    try:
        shown = source.path.relative_to(workspace)
    except ValueError:
        shown = source.path
    name = f"{shown}" + (f"#{source.sheet}" if source.sheet else "")
    try:
        read = _collected(source, limits)
    except (InputError, OSError, ValueError) as exc:
        raise ConfigError(f"geography.pcodes: {name}: {exc}") from None
    own = gazetteer.prefixes()
    # Codes written with the other prefix (HTI0111) are kept in the list's canonical form:
    # the first row of each wins again, and a code met at two levels is noted again.
    canonical = _Collected()
    for area, where in read.areas.values():
        if not own or gazetteer.looks_like_pcode(area.pcode):
            parent = (gazetteer.canonical(area.parent) or area.parent) if area.parent else None
            code = gazetteer.canonical(area.pcode) or area.pcode
            canonical.add(dataclasses.replace(area, pcode=code, parent=parent), where)
    fixed = [area for area, _ in canonical.areas.values()]
    dates = sorted({a.valid_from for a in fixed if a.valid_from})
    date = dates[-1] if dates else ""
    title = Message("places-list.cod", title=name, date=date) if date else name
    listed = Message("places-list.cod-and", cod=title, list=gazetteer.list_name)
    merged = with_areas(gazetteer, fixed, listed, (name, date))
    problems = _conflict_problems(read, str(shown)) + _conflict_problems(canonical, str(shown))
    problems += _tree_problems(merged, {c: w for c, (_, w) in canonical.areas.items()}, str(shown))
    if problems:
        raise ValidationFailed(problems)
    return merged


# each fault of the tree (`sitrep.geo.tree`), as the problem code validate prints
TREE_CODES = {
    tree.CYCLE: ProblemCode.COD_CYCLE,
    tree.PARENT_LEVEL: ProblemCode.COD_PARENT_LEVEL,
    tree.PARENT_MISSING: ProblemCode.COD_PARENT_MISSING,
    tree.NO_PARENT: ProblemCode.COD_NO_PARENT,
}


def _at(where: Where) -> Message:
    row = Message("where.row", row=where.row)
    return Message("cod-level-conflict.at", sheet=where.sheet, row=row) if where.sheet else row


def _conflict_problems(collected: _Collected, file: str) -> list[Problem]:
    """An error for each P-code met at a second level, at that row: one of its cells is in the
    wrong column (an admin-2 code in ADM1_PCODE makes it an admin-1 area)."""
    problems = []
    for (code, level), where in collected.conflicts.items():
        first, at = collected.areas[code]
        if (at.sheet, at.row) == (where.sheet, where.row):
            message = Message(
                "cod-level-conflict.same-row",
                code=code,
                column=at.code_column,
                other=where.code_column,
                level=str(min(level, first.level)),
            )
        else:
            message = Message(
                "cod-level-conflict.elsewhere",
                code=code,
                level=str(level),
                first=str(first.level),
                at=_at(at),
                column=at.code_column,
            )
        problems.append(
            Problem(
                "error",
                table="geography",
                file=file,
                sheet=where.sheet,
                row=where.row,
                column=where.code_column,
                value=code,
                message=message,
                code=ProblemCode.COD_LEVEL_CONFLICT,
            )
        )
    return problems


def _tree_problems(merged: Gazetteer, where: dict[str, Where], file: str) -> list[Problem]:
    """An error for each area that breaks the tree, at the COD row that put it there: the
    area's own row and its parent's cell, or for an area of the global list, the row of its
    parent (an area the COD file redefined)."""
    problems = []
    for fault in tree_faults(merged.areas):
        area = merged.areas[fault.pcode]
        row: int | None
        column: str | None
        if (at := where.get(fault.pcode)) is not None:
            sheet, row, column, message = at.sheet, at.row, at.column, fault.message
        else:  # the global list alone is a tree: the parent is the COD file's
            at = where.get(area.parent or "", Where(None, 0, "", ""))
            message = Message(
                "cod-tree.global",
                fault=fault.message,
                pcode=fault.pcode,
                source=merged.lists[-1][0],
            )
            sheet, row, column = at.sheet, at.row or None, at.code_column or None
        problems.append(
            Problem(
                "error",
                table="geography",
                file=file,
                sheet=sheet,
                row=row,
                column=column,
                value=area.parent,
                message=message,
                code=TREE_CODES[fault.kind],
            )
        )
    return problems


def base_gazetteer(config: Config) -> Gazetteer:
    """The workspace's country's areas in the report's language, before its places table:
    the global list, and the `[geography] pcodes` COD file on top when set."""
    language = language_of(config.locale)
    if not config.country_code:
        return Gazetteer(None, (), "", language)
    gazetteer = country_gazetteer(config.country_code, language)
    if config.geography_pcodes is not None:
        gazetteer = with_cod(gazetteer, config.geography_pcodes, config.limits, config.workspace)
    return gazetteer
