"""An IOM DTM export, as downloaded, turned into the `idps` table (IDPs present: a stock).

A DTM file (HXL-tagged CSV from the DTM API or HDX) is recognised by its admin-level column
(`adminLevel`, `#adm+level`); HDX HAPI's IDPs table (a CSV without an HXL row: `location_code,
admin1_code, admin2_code, admin_level, operation, population, reporting_round,
reference_period_end, ...`) by `admin_level`, `population` and `reference_period_end`, and is
read by the same rules (its date is the end of the reference period). The rules:
- country: only rows of the report's country are used: `report.country` in sitrep.toml is
  matched, as its ISO3 code, with the country code column (admin0Pcode, location_code: AFG),
  or with the country name column. Rows of other countries are ignored, with a note saying so.
- one level: rows at admin levels 0, 1 and 2 are mixed in one file and each level repeats the
  same people. For each reporting date and operation the finest level present is used
  (districts, else provinces); rows at the other levels of that date are not used (a note
  gives the count), so nothing is counted twice. National rows (level 0) are never used: the
  report needs areas.
- reasons: one row per displacement reason; the figures of an area, date and round are summed,
  and the reasons (compared ignoring case) are listed. "Not available" counts as missing; an
  area whose figures are all missing is left out, with a note.
- dates: each figure keeps the export's own reporting date (`reportingDate`).
- operations (Haiti's "Haiti Earthquake" and "Countrywide monitoring") stay apart: the
  `operation` column carries each row's.
- source: the `#meta+source` column if present, else "IOM DTM" and the operation's name.
A summed row is located at the first file row of its group.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sitrep.geo.countries import UnknownCountry
from sitrep.geo.countries import country as country_of
from sitrep.inputs import parse
from sitrep.inputs.hxl import Layout, match_headers, normalise_header, row_cells, tag_matches

# field -> (hashtag, header); the hashtag pattern is matched exactly first (see `find`).
FIELDS = {
    "level": ("#adm+level", "adminlevel"),
    "country_code": ("#country+code", "admin0pcode"),
    "country_name": ("#country+name", "admin0name"),
    "adm1": ("#adm1+code", "admin1pcode"),
    "adm2": ("#adm2+code", "admin2pcode"),
    "idps": ("#affected+idps", "numpresentidpind"),
    "date": ("#date+reported", "reportingdate"),
    "round": ("#round+code", "roundnumber"),
    "reason": ("#cause+type", "displacementreason"),
    "operation": ("#operation+name", "operation"),
    "source": ("#meta+source", "source"),
}
REQUIRED = ("level", "adm1", "idps", "date")
# HDX HAPI's IDPs table (a CSV without an HXL row): the same data, other headers.
HAPI_FIELDS = {
    "level": ("#adm+level", "admin level"),
    "country_code": ("#country+code", "location code"),
    "country_name": ("#country+name", "location name"),
    "adm1": ("#adm1+code", "admin1 code"),
    "adm2": ("#adm2+code", "admin2 code"),
    "idps": ("#affected+idps", "population"),
    "date": ("#date+end", "reference period end"),
    "round": ("#round+code", "reporting round"),
    "reason": ("#cause+type", "displacement reason"),
    "operation": ("#operation+name", "operation"),
    "source": ("#meta+source", "source"),
}
SOURCES = {"dtm": "IOM DTM", "hapi": "IOM DTM via HDX HAPI"}


@dataclass
class DtmResult:
    frame: pd.DataFrame  # the idps table's columns, one row per area, date and round
    rows: np.ndarray  # the file row each summed row is located at
    headers: dict[str, str]  # idps column -> the DTM header it came from
    notes: list[str]  # what was left out, and why
    errors: list[tuple[int, str, str, str]]  # (row, header, value, message)


def kind_of(layout: Layout, grid: pd.DataFrame) -> str | None:
    """'dtm' for a DTM export (an adminLevel column), 'hapi' for HDX HAPI's IDPs table
    (admin_level, population and reference_period_end), else None."""
    if find(layout, grid, "level") is not None:
        return "dtm"
    if all(find(layout, grid, f, HAPI_FIELDS) is not None for f in ("level", "idps", "date")):
        return "hapi"
    return None


def is_dtm(layout: Layout, grid: pd.DataFrame) -> bool:
    return kind_of(layout, grid) is not None


def find(layout: Layout, grid: pd.DataFrame, field: str, fields: dict = FIELDS) -> int | None:
    """The grid column of a DTM field: by hashtag (fewest extra attributes), else by header."""
    tag, header = fields[field]
    tagged = [(len(t.split("+")), i) for i, t in layout.tags.items() if tag_matches(t, tag)]
    if tagged:
        return min(tagged)[1]
    if layout.header_row is None:
        return None
    found = match_headers(row_cells(grid, layout.header_row), {header: field}, {})
    return found.get(field)


def header_of(layout: Layout, grid: pd.DataFrame, index: int) -> str:
    if layout.header_row is not None:
        text = str(row_cells(grid, layout.header_row)[index]).strip()
        if text:
            return text
    return layout.tags.get(index, f"column {index + 1}")


def select_country(
    body: pd.DataFrame, code: pd.Series, name: pd.Series | None, country: str
) -> tuple[np.ndarray, list[str]]:
    """Rows of `country` (a name or an ISO3 code), and a note on the other countries' rows."""
    codes = _each(code, lambda v: parse.as_text(v).upper())
    wanted = {country.strip().upper()}
    if name is not None:
        names = _each(name, lambda v: normalise_header(parse.as_text(v)))
        wanted |= set(codes[names == normalise_header(country)])
    keep = codes.isin(wanted).to_numpy()
    country = _label(country)
    others = sorted(set(codes[~keep]) - {""})
    notes = []
    if others:
        notes.append(
            f"note: {int((~keep).sum()):,} rows of other countries ({', '.join(others[:8])}"
            f"{', ...' if len(others) > 8 else ''}) ignored: the report covers {country} "
            "(report.country in sitrep.toml)"
        )
    return keep, notes


def collapse(
    grid: pd.DataFrame, layout: Layout, country: str, file_rows: np.ndarray
) -> DtmResult | str:
    """The idps table from a DTM grid's data rows; a message when the file cannot be used."""
    kind = kind_of(layout, grid) or "dtm"
    fields = HAPI_FIELDS if kind == "hapi" else FIELDS
    index = {field: find(layout, grid, field, fields) for field in fields}
    missing = [fields[f][1] for f in REQUIRED if index[f] is None]
    if missing:
        return f"DTM export without the column(s) {', '.join(missing)}"
    body = grid.iloc[layout.first_data_row :].reset_index(drop=True)
    headers = {f: header_of(layout, grid, i) for f, i in index.items() if i is not None}
    notes: list[str] = []
    keep = np.ones(len(body), dtype=bool)
    if index["country_code"] is not None:
        name = body[index["country_name"]] if index["country_name"] is not None else None
        keep, notes = select_country(body, body[index["country_code"]], name, country)
        if not keep.any():
            return f"no rows for {_label(country)} (report.country in sitrep.toml); " + notes[0][6:]
    errors: list[tuple[int, str, str, str]] = []

    def column(field: str, parser: parse.Parser) -> np.ndarray:
        parsed = parse.parse_column(body[index[field]], parser)
        for position in parsed.error_rows():
            if keep[position]:
                value = parse.as_text(body.iat[position, index[field]])
                errors.append(
                    (int(file_rows[position]), headers[field], value, parsed.error(position) or "")
                )
        return parsed.values

    levels = column("level", _parse_level)
    dates = column("date", lambda v: parse.parse_date(v)[:2])
    people = column("idps", parse.people_parser("en"))  # DTM and HDX write numbers in English
    frame = pd.DataFrame(
        {
            "row": file_rows,
            "level": levels,
            "date": dates,
            "adm1": _each(body[index["adm1"]], parse.as_text),
            "adm2": _each(body[index["adm2"]], parse.as_text) if index["adm2"] is not None else "",
            "idps": people,
            "round": _text(body, index["round"]),
            "reason": _each(_text(body, index["reason"]), lambda r: " ".join(r.lower().split())),
            "source": _source(body, index, SOURCES[kind]),
            "operation": _text(body, index["operation"]),
        }
    )[keep]
    frame = frame[frame["level"].notna() & frame["date"].notna()]
    frame, level_notes = _one_level_per_date(frame)
    summed, empty = _sum_reasons(frame)
    notes += level_notes
    if empty:
        notes.append(f"note: {empty:,} area figures are all 'Not available' and are left out")
    result = pd.DataFrame(
        {
            "date": summed["date"],
            "area": summed["area"],
            "idps": summed["idps"],
            "round": summed["round"],
            "reason": summed["reason"],
            "source": summed["source"],
            "operation": summed["operation"].replace("", None),
        }
    ).astype(object)
    names = {"date": "date", "area": "adm2", "idps": "idps", "round": "round", "reason": "reason"}
    names["operation"] = "operation"
    shown = {k: headers[v] for k, v in names.items() if v in headers}
    shown.setdefault("area", headers["adm1"])
    return DtmResult(result.reset_index(drop=True), summed["row"].to_numpy(), shown, notes, errors)


def _label(country: str) -> str:
    """'Chad (TCD)' for an ISO3 code, the text itself otherwise."""
    try:
        return f"{country_of(country).name} ({country.upper()})"
    except UnknownCountry:
        return country


def _parse_level(value: object) -> parse.Parsed:
    match = re.search(r"\d", parse.as_text(value))
    if parse.is_missing(value) or not match or int(match.group()) > 2:
        return None, "expected an admin level: 0, 1 or 2"
    return int(match.group()), None


def _each(series: pd.Series, function) -> pd.Series:
    """`series.map(function)`, calling the function once per distinct value (a national export
    repeats the same few codes, names and reasons thousands of times)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    values = np.array([function(v) for v in uniques] + [None], dtype=object)
    return pd.Series(values[codes], index=series.index, dtype=object)


def _text(body: pd.DataFrame, index: int | None) -> pd.Series:
    if index is None:
        return pd.Series([""] * len(body), dtype=object)
    return _each(body[index], lambda v: parse.parse_text(v)[0] or "")


def _source(body: pd.DataFrame, index: dict[str, int | None], label: str) -> pd.Series:
    if index["source"] is not None:
        return _text(body, index["source"]).replace("", label)
    operation = _text(body, index["operation"])
    return _each(operation, lambda op: f"{label}, {op}" if op else label)


def _one_level_per_date(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep, for each reporting date, the rows at the finest admin level (1 or 2) present."""
    areas = frame[frame["level"] > 0]
    finest = areas.groupby(["date", "operation"])["level"].transform("max")
    chosen = areas[areas["level"] == finest].copy()
    chosen["area"] = np.where(chosen["level"] == 2, chosen["adm2"], chosen["adm1"])
    dropped = len(frame) - len(chosen)
    notes = []
    if dropped:
        notes.append(
            f"note: {dropped:,} rows at other admin levels (national totals, or provinces where "
            "districts are given) not used, so no one is counted twice"
        )
    return chosen, notes


def _sum_reasons(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """One row per date, area, round and operation: figures summed, reasons listed.
    (rows, groups left out)."""
    if frame.empty:
        columns = ["row", "date", "area", "round", "operation", "idps", "reason", "source"]
        empty = pd.DataFrame(columns=columns)
        return empty, 0
    frame = frame.assign(idps=pd.to_numeric(frame["idps"], errors="coerce"))
    # A reason whose figure is 'Not available' is not among the reasons of the sum.
    frame = frame.assign(reason=frame["reason"].where(frame["idps"].notna(), ""))
    keys = ["date", "area", "round", "operation"]
    groups = frame.groupby(keys, sort=True, dropna=False)
    summed = pd.DataFrame(
        {
            "row": groups["row"].min(),
            "idps": groups["idps"].sum(min_count=1),
            "source": groups["source"].first(),
        }
    )
    # The reasons of a group, distinct and sorted (a loop: pandas' per-group join is 10x slower).
    named = frame[frame["reason"] != ""].drop_duplicates([*keys, "reason"]).sort_values("reason")
    joined: dict[tuple, list[str]] = {}
    for key, reason in zip(
        zip(*(named[k] for k in keys), strict=True), named["reason"], strict=True
    ):
        joined.setdefault(key, []).append(reason)
    summed["reason"] = ["; ".join(joined.get(key, ())) for key in summed.index]
    summed = summed.reset_index()
    available = summed["idps"].notna()
    summed = summed[available].sort_values("row")
    summed["idps"] = summed["idps"].astype("int64").astype(object)
    summed["date"] = summed["date"].map(_as_date)
    return summed, int((~available).sum())


def _as_date(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime | pd.Timestamp) else value  # type: ignore[return-value]
