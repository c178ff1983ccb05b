"""An office's own COD-AB tabular file (`[geography] pcodes = "PATH"` or `"PATH#SHEET"`).

Read as HDX publishes it: an xlsx or csv with columns `ADM0_EN, ADM0_PCODE, ADM1_EN, ADM1_FR,
ADM1_PCODE, ADM2_EN, ADM2_PCODE, ... ADM3_*`, alternative names (`ADM2ALT1EN`), `validOn`; a
sheet per level (each row carries its parents' columns) or one sheet of the deepest level. A
workbook without `#SHEET` is read sheet by sheet. A list with the Global P-Code List's HXL tags
(`#adm+code`, `#adm+name`, `#geo+admin_level`, `#adm+code+parent`) works too. Its areas (levels
1 to 4) take precedence over the global list's; its names in several languages (`ADM1_FR`) are
the names printed in a report in that language. Reading uses sitrep's own readers and limits.
"""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from sitrep.errors import ConfigError, InputError
from sitrep.geo.areas import COD_FILE, Area, Gazetteer, with_areas
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.inputs.hxl import TAG_RE, is_tag_row, parse_tag
from sitrep.inputs.readers import WORKBOOK_SUFFIXES, read_grid
from sitrep.settings.config import Config, InputSource
from sitrep.settings.languages import language_of
from sitrep.settings.limits import Limits

_COLUMN = re.compile(r"^adm([0-4])_?(pcode|[a-z]{2}|alt\d?[a-z]{2}|ref[a-z]{2})$", re.IGNORECASE)


def _header(grid: pd.DataFrame) -> int | None:
    """The index of the header row (the first naming an ADMn_PCODE column) among the first 10."""
    for i in range(min(10, len(grid))):
        cells = [str(c).strip().lower() for c in grid.iloc[i].tolist()]
        if any(re.fullmatch(r"adm[1-4]_?pcode", c) for c in cells):
            return i
    return None


def _cod_areas(grid: pd.DataFrame, valid: str) -> dict[str, Area]:
    """Areas of a sheet in HDX's ADMn_* layout."""
    header = _header(grid)
    if header is None:
        return {}
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
    out: dict[str, Area] = {}
    for row in body.itertuples(index=False):
        cells = ["" if v is None else str(v).strip() for v in row]
        date = cells[date_column][:10] if date_column is not None else valid
        for level in sorted(k for k in columns if k >= 1):
            found = columns[level]
            code = cells[found["pcode"]] if "pcode" in found else ""
            if not code or code in out:
                continue
            langs = {k: cells[i] for k, i in found.items() if len(k) == 2 and cells[i]}
            aliases = {k: cells[i] for k, i in found.items() if k.startswith("alt") and cells[i]}
            parent = columns.get(level - 1, {}).get("pcode") if level > 1 else None
            name = langs.get("en") or next(iter(langs.values()), code)
            names_by_lang = dict(langs)
            for key, text in aliases.items():  # alternative names are found, never printed
                names_by_lang[f"alt:{key}"] = text
            out[code] = Area(
                code,
                name,
                level,
                cells[parent] if parent is not None else None,
                COD_FILE,
                names_by_lang,
                date,
            )
    return out


def _hxl_areas(grid: pd.DataFrame) -> dict[str, Area]:
    """Areas of a list tagged like the Global P-Code List (#adm+code, #geo+admin_level, ...)."""
    tag_row = next(
        (i for i in range(min(10, len(grid))) if is_tag_row(grid.iloc[i].tolist())), None
    )
    if tag_row is None:
        return {}
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

    code, parent = find("#adm", "code", without=("parent",)), find("#adm", "code", "parent")
    name, level, date = find("#adm", "name"), find("#geo", "admin_level"), find("#date", "start")
    if code is None or level is None:
        return {}
    out: dict[str, Area] = {}
    for row in grid.iloc[tag_row + 1 :].itertuples(index=False):
        cells = ["" if v is None else str(v).strip() for v in row]
        digits = re.sub(r"\.0$", "", cells[level])
        if not cells[code] or not digits.isdigit():
            continue
        lvl = int(digits)
        out[cells[code]] = Area(
            cells[code],
            cells[name] if name is not None else cells[code],
            lvl,
            cells[parent] if parent is not None and lvl > 1 else None,
            COD_FILE,
            {},
            cells[date][:10] if date is not None else "",
        )
    return out


def _sheets(source: InputSource, limits: Limits) -> list[pd.DataFrame]:
    if source.sheet is not None or source.path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return [read_grid(source, limits)]

    names = CalamineWorkbook.from_path(str(source.path)).sheet_names
    return [read_grid(InputSource(source.path, n), limits) for n in names[: limits.max_sheets]]


@cache
def _read(path: Path, sheet: str | None, stamp: tuple[int, int], limits: Limits) -> tuple:
    areas: dict[str, Area] = {}
    for grid in _sheets(InputSource(path, sheet), limits):
        found = _cod_areas(grid, "") or _hxl_areas(grid)
        for code, area in found.items():
            areas.setdefault(code, area)
    return tuple(areas.values())


def read_cod(source: InputSource, limits: Limits) -> list[Area]:
    """The areas of a COD-AB tabular file; InputError when it cannot be read or has none."""
    stat = source.path.stat() if source.path.is_file() else None
    if stat is None:
        raise InputError("file not found")
    areas = list(_read(source.path, source.sheet, (stat.st_mtime_ns, stat.st_size), limits))
    if not areas:
        raise InputError(
            "no admin areas found: expected COD-AB columns (ADM1_PCODE, ADM1_EN, ...) or the "
            "Global P-Code List's HXL tags (#adm+code, #geo+admin_level)"
        )
    return areas


def with_cod(
    gazetteer: Gazetteer, source: InputSource, limits: Limits, workspace: Path
) -> Gazetteer:
    """The gazetteer with the COD file's areas on top; ConfigError naming the setting."""
    try:
        areas = read_cod(source, limits)
    except (InputError, OSError, ValueError) as exc:
        raise ConfigError(f"geography.pcodes: {source.path}: {exc}") from None
    own = gazetteer.prefixes()
    kept = [a for a in areas if not own or gazetteer.looks_like_pcode(a.pcode)]
    # Codes written with the other prefix (HTI0111) are kept in the list's canonical form.
    fixed = [
        dataclasses.replace(
            a,
            pcode=gazetteer.canonical(a.pcode) or a.pcode,
            parent=(gazetteer.canonical(a.parent) or a.parent) if a.parent else None,
        )
        for a in kept
    ]
    dates = sorted({a.valid_from for a in fixed if a.valid_from})
    try:
        shown = source.path.relative_to(workspace)
    except ValueError:
        shown = source.path
    name = f"{shown}" + (f"#{source.sheet}" if source.sheet else "")
    date = dates[-1] if dates else ""
    title = name + (f" (valid from {date})" if date else "")
    listed = f"the COD file {title} and {gazetteer.list_name}"
    return with_areas(gazetteer, fixed, listed, (name, date))


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
