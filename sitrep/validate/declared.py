"""Rules on the tables of the general figures: indicators against their declarations in
sitrep.toml, and HDX HAPI's downloads against the workspace's country.

Errors
- indicators: a row's indicator is not declared as `[indicators.KEY]` (the message lists the
  declared keys); its area is at another admin level than the declaration's `level`; one
  indicator is given in two units; one indicator, area and date is given by two sources (two
  sources are never added together: keep one, or date them apart).
Warnings
- indicators: women, men, girls and boys add up to more than the row's value.
- needs, funding: no row of the workspace's country.
Notes
- needs, funding: rows of other countries, and rows HAPI marks with an error, left out.

A declared indicator's cells are rewritten to the declaration's key (`Returnees` -> `returnees`),
so the figures find them by it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sitrep.geo.gazetteer import Gazetteer
from sitrep.problems import Message, Problem, ProblemCode, Severity
from sitrep.settings.indicators import IndicatorSettings
from sitrep.tableschema import ROW
from sitrep.validate.table import Table, stripped_text

MAX_PER_RULE = 50
BREAKDOWN = ("women", "men", "girls", "boys")


def _problem(
    severity: Severity,
    code: ProblemCode,
    table: Table,
    row: int | None,
    column: str | None,
    value: object,
    message: Message,
) -> Problem:
    return Problem(
        severity,
        table=table.name,
        file=table.file,
        sheet=table.sheet,
        row=row,
        column=table.header(column) if column else None,
        value=None if value is None else str(value),
        message=message,
        code=code,
    )


def _level(pcode: str, gazetteer: Gazetteer) -> int | None:
    if gazetteer.country is not None and pcode == gazetteer.country.iso3:
        return 0
    area = gazetteer.areas.get(pcode)
    return area.level if area is not None else None


def indicator_problems(
    table: Table, declared: Mapping[str, IndicatorSettings | None], gazetteer: Gazetteer
) -> list[Problem]:
    """The indicators table's rows against the declarations (see the module's rules)."""
    frame = table.frame
    if frame.empty:
        return []
    problems: list[Problem] = []
    keys = {k.strip().casefold(): k for k in declared}
    written = stripped_text(frame["indicator"])
    canonical = written.map(lambda w: keys.get(w.casefold()))
    listed = ", ".join(declared) if declared else Message("undeclared-indicator.none")
    for i in np.flatnonzero((canonical.isna() & (written != "")).to_numpy())[:MAX_PER_RULE]:
        message = Message(
            "undeclared-indicator.undeclared", indicator=repr(written.iat[i]), declared=listed
        )
        problems.append(
            _problem("error", ProblemCode.UNDECLARED_INDICATOR, table,
                     int(frame[ROW].iat[i]), "indicator", written.iat[i], message)
        )  # fmt: skip
    frame["indicator"] = canonical.where(canonical.notna(), frame["indicator"]).to_numpy()
    for key, rows in frame[canonical.notna().to_numpy()].groupby("indicator", sort=False):
        settings = declared.get(str(key))
        if settings is not None and settings.level is not None:
            problems += _wrong_level(table, rows, str(key), settings.level, gazetteer)
        problems += _units(table, rows, str(key))
        problems += _two_sources(table, rows, str(key))
    problems += _breakdowns(table, frame)
    return problems


def _wrong_level(
    table: Table, rows: pd.DataFrame, key: str, level: int, gazetteer: Gazetteer
) -> list[Problem]:
    out: list[Problem] = []
    for area, row in zip(rows["area"], rows[ROW], strict=True):
        found = _level(area, gazetteer) if isinstance(area, str) else None
        if found is None or found == level or len(out) >= MAX_PER_RULE:
            continue
        where = (
            Message("area-level.is-area", level=found)
            if found
            else Message("area-level.is-country")
        )
        wanted = (
            Message("area-level.by-level", level=level)
            if level
            else Message("area-level.by-country")
        )
        message = Message(
            "area-level.level",
            name=gazetteer.name(area) if found else area,
            pcode=area,
            found=where,
            key=key,
            wanted=wanted,
        )
        out.append(
            _problem("error", ProblemCode.AREA_LEVEL, table, int(row), "area", area, message)
        )
    return out


def _units(table: Table, rows: pd.DataFrame, key: str) -> list[Problem]:
    units = stripped_text(rows["unit"])
    given = units[units != ""]
    if given.str.casefold().nunique() < 2:
        return []
    first = given.iat[0]
    out: list[Problem] = []
    for unit, row in zip(given, rows.loc[given.index, ROW], strict=True):
        if unit.casefold() != first.casefold() and len(out) < MAX_PER_RULE:
            message = Message("indicator-unit.unit", key=key, first=repr(first), unit=repr(unit))
            out.append(
                _problem(
                    "error", ProblemCode.INDICATOR_UNIT, table, int(row), "unit", unit, message
                )
            )
    return out


def _two_sources(table: Table, rows: pd.DataFrame, key: str) -> list[Problem]:
    shown = stripped_text(rows["source"])
    data = pd.DataFrame(
        {"area": rows["area"].to_numpy(), "date": rows["date"].to_numpy(),
         "source": shown.str.casefold().to_numpy(), "shown": shown.to_numpy(),
         "row": rows[ROW].to_numpy()}
    )  # fmt: skip
    data = data[data["area"].notna() & data["date"].notna()]
    if data.empty:
        return []
    groups = data.groupby(["area", "date"], sort=False)
    first = {c: groups[c].transform("first") for c in ("source", "shown", "row")}
    out = []
    for i in np.flatnonzero((data["source"] != first["source"]).to_numpy())[:MAX_PER_RULE]:
        area, date, row = data["area"].iat[i], data["date"].iat[i], data["row"].iat[i]
        message = Message(
            "two-sources.sources",
            key=key,
            area=str(area),
            day=str(date),
            first=repr(first["shown"].iat[i]),
            row=str(first["row"].iat[i]),  # a row number, as the location writes it: no separator
            other=repr(data["shown"].iat[i]),
        )
        out.append(
            _problem("error", ProblemCode.TWO_SOURCES, table, int(row), "source",
                     data["shown"].iat[i], message)
        )  # fmt: skip
    return out


def _breakdowns(table: Table, frame: pd.DataFrame) -> list[Problem]:
    parts = np.column_stack([pd.to_numeric(frame[c]).to_numpy(dtype=float) for c in BREAKDOWN])
    total = np.nansum(parts, axis=1)
    value = pd.to_numeric(frame["value"]).to_numpy(dtype=float)
    over = np.flatnonzero(~np.isnan(value) & (total > value) & ~np.isnan(parts).all(axis=1))
    out = []
    for i in over[:MAX_PER_RULE]:
        message = Message("breakdown-total.over", total=int(total[i]))
        row, value_cell = int(frame[ROW].iat[i]), frame["value"].iat[i]
        out.append(
            _problem(
                "warning", ProblemCode.BREAKDOWN_TOTAL, table, row, "value", value_cell, message
            )
        )
    return out


def hapi_problems(table: Table, country: str) -> list[Problem]:
    """HDX HAPI's needs or funding table against the workspace's country (ISO3)."""
    frame = table.frame
    if frame.empty or not country:
        return []
    codes = stripped_text(frame["location_code"]).str.upper()
    ours = codes == country.upper()
    problems = []
    if not ours.any():
        found = ", ".join(sorted(set(codes) - {""})[:8]) or Message("hapi-note.none")
        message = Message("hapi-note.no-country", country=country, found=found)
        return [
            _problem("warning", ProblemCode.HAPI_NOTE, table, None, "location_code", None, message)
        ]
    if others := int((~ours).sum()):
        message = Message("hapi-note.others", count=others, country=country)
        problems.append(
            _problem("note", ProblemCode.HAPI_NOTE, table, None, "location_code", None, message)
        )
    if "error" in frame:
        marked = int(((stripped_text(frame["error"]) != "") & ours).sum())
        if marked:
            message = Message("hapi-note.errors", count=marked)
            problems.append(
                _problem("note", ProblemCode.HAPI_NOTE, table, None, "error", None, message)
            )
    return problems


def declared_problems(
    tables: dict[str, Table],
    indicators: Mapping[str, IndicatorSettings | None] | None,
    gazetteer: Gazetteer,
) -> list[Problem]:
    """Every rule of this module, over the tables there are (`indicators` None: the indicators
    table is not checked against declarations)."""
    problems: list[Problem] = []
    if "indicators" in tables and indicators is not None:
        problems += indicator_problems(tables["indicators"], indicators, gazetteer)
    country = gazetteer.country.iso3 if gazetteer.country is not None else ""
    for name in ("needs", "funding"):
        if name in tables:
            problems += hapi_problems(tables[name], country)
    return problems
