"""An IOM DTM export, as downloaded, turned into the `idps` table (IDPs present: a stock).

Every layout DTM figures have come in reads as it is:
- HDX's current export (`global-iom-dtm-from-api-admin-0-to-2.csv`): HXL-tagged, byte-order
  mark, admin levels 0, 1 and 2 mixed in one file (`adminLevel`, `#adm+level`), a row per
  displacement reason (`displacementReason`);
- the files the 2024 HDX pipeline published, one per admin level
  (`global-iom-dtm-from-api-admin0/1/2.csv`): HXL-tagged, no `adminLevel` nor
  `displacementReason` column, the level implied by the file (`admin2Pcode` given: level 2,
  else `admin1Pcode`: level 1, else the country);
- the DTM API's own export (`idpAdmin1`/`idpAdmin2` of API v2 and v3, as the `dtmapi` package
  or a download saves it, as CSV or as the API's JSON): the API's field names as headers, no
  HXL row, the level implied in the same way;
- HDX HAPI's IDPs table (a CSV without an HXL row: `location_code, admin1_code, admin2_code,
  admin_level, operation, population, reporting_round, reference_period_end, ...`), recognised
  by `admin_level`, `population` and `reference_period_end`, its date the end of the period.
Several files of one table (a file per admin level) are read together (`sitrep.inputs.dtm_rows`:
the finest level once, reasons summed). A file that looks like a DTM export (DTM's field names
or tags) but lacks a column the table needs is refused with a message naming the column.
The rules:
- country: only rows of the report's country are used: `report.country` in sitrep.toml is
  matched, as its ISO3 code, with the country code column (admin0Pcode, location_code: AFG),
  or with the country name column. Rows of other countries are ignored, with a note saying so.
- dates: each figure keeps the export's own reporting date (`reportingDate`).
- operations (Haiti's "Haiti Earthquake" and "Countrywide monitoring") stay apart: the
  `operation` column carries each row's.
- numbers are read the English way, as DTM and HDX write them, whatever the workspace's locale.
- source: the `#meta+source` column if present, else "IOM DTM" and the operation's name.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sitrep.geo.countries import UnknownCountry
from sitrep.geo.countries import country as country_of
from sitrep.inputs import parse
from sitrep.inputs.dtm_rows import DtmResult, DtmRows, combine
from sitrep.inputs.hxl import Layout, match_headers, normalise_header, row_cells, tag_matches
from sitrep.problems import Message

__all__ = ["DtmResult", "collapse", "extract", "is_dtm", "kind_of"]

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
REQUIRED = ("idps", "date")  # and an area: adm1 or adm2 (the level is read, else implied)
# DTM's own field names, as headers: two of them in a header row make a file a DTM export
DTM_NAMES = frozenset(
    {"numpresentidpind", "admin0pcode", "admin0name", "admin1pcode", "admin2pcode",
     "reportingdate", "roundnumber", "yearreportingdate", "monthreportingdate", "adminlevel",
     "displacementreason", "idporiginadmin1pcode", "operationstatus", "assessmenttype"}
)  # fmt: skip
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
# the columns a file must have, as each layout writes them (for messages)
DTM_HEADERS = {"idps": "numPresentIdpInd", "date": "reportingDate", "adm1": "admin1Pcode"}
HAPI_NAMES = {"idps": "population", "date": "reference_period_end", "adm1": "admin1_code"}


def kind_of(layout: Layout, grid: pd.DataFrame) -> str | None:
    """'dtm' for a DTM export (an adminLevel column, or DTM's field names or tags), 'hapi' for
    HDX HAPI's IDPs table (admin_level, population and reference_period_end), else None."""
    if find(layout, grid, "level") is not None:
        return "dtm"
    if all(find(layout, grid, f, HAPI_FIELDS) is not None for f in ("level", "idps", "date")):
        return "hapi"
    return "dtm" if looks_like_dtm(layout, grid) else None


def looks_like_dtm(layout: Layout, grid: pd.DataFrame) -> bool:
    """DTM's field names in the header row (two at least: numPresentIdpInd, admin0Pcode...),
    or its country code and IDPs tags together (HDX's files of one admin level)."""
    if layout.header_row is not None:
        names = {normalise_header(c).replace(" ", "") for c in row_cells(grid, layout.header_row)}
        if len(names & DTM_NAMES) >= 2:
            return True
    tags = layout.tags.values()
    return any(tag_matches(t, "#country+code") for t in tags) and any(
        tag_matches(t, "#affected+idps") for t in tags
    )


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
) -> tuple[np.ndarray, list[Message]]:
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
        codes_shown = ", ".join(others[:8]) + (", ..." if len(others) > 8 else "")
        count = int((~keep).sum())
        notes.append(Message("dtm-note.countries", count=count, codes=codes_shown, country=country))
    return keep, notes


def extract(
    grid: pd.DataFrame, layout: Layout, country: str, file_rows: np.ndarray, alone: bool = True
) -> DtmRows | Message:
    """One DTM file's rows of the workspace's country; a message when the file cannot be used.
    `alone` False: one of several files, which may be the national one (no area column)."""
    kind = kind_of(layout, grid) or "dtm"
    fields = HAPI_FIELDS if kind == "hapi" else FIELDS
    index = {field: find(layout, grid, field, fields) for field in fields}
    missing = [f for f in REQUIRED if index[f] is None]
    if index["adm1"] is None and index["adm2"] is None and alone:
        missing.append("adm1")
    if missing:
        names = HAPI_NAMES if kind == "hapi" else DTM_HEADERS
        named = ", ".join(f"{names[f]} ({fields[f][0]})" for f in missing)
        what = tuple(Message(f"dtm-unusable.{f}") for f in missing)
        key = "dtm-unusable.national" if "adm1" in missing else "dtm-unusable.no-column"
        return Message(key, columns=named, what=what)
    body = grid.iloc[layout.first_data_row :].reset_index(drop=True)
    headers = {f: header_of(layout, grid, i) for f, i in index.items() if i is not None}
    found = DtmRows(pd.DataFrame(), headers)
    keep = np.ones(len(body), dtype=bool)
    if index["country_code"] is not None:
        name = body[index["country_name"]] if index["country_name"] is not None else None
        keep, found.notes = select_country(body, body[index["country_code"]], name, country)
        if not keep.any():
            note = found.notes[0] if found.notes else Message("dtm-unusable.no-codes")
            return Message("dtm-unusable.no-rows", country=_label(country), note=note)

    def column(field: str, parser: parse.Parser) -> np.ndarray:
        parsed = parse.parse_column(body[index[field]], parser)
        for position in parsed.error_rows():
            if keep[position]:
                value = parse.as_text(body.iat[position, index[field]])
                found.errors.append(
                    (
                        int(file_rows[position]),
                        headers[field],
                        value,
                        parsed.error(position) or Message("invalid-value.number"),
                    )
                )
        return parsed.values

    adm1 = _codes(body, index["adm1"])
    adm2 = _codes(body, index["adm2"])
    if index["level"] is not None:
        levels = column("level", _parse_level)
    else:  # a file of one level, or the API's: the finest area a row gives is its level
        levels = np.where(adm2 != "", 2, np.where(adm1 != "", 1, 0)).astype(object)
    found.frame = pd.DataFrame(
        {
            "row": file_rows,
            "level": levels,
            "date": column("date", lambda v: parse.parse_date(v)[:2]),
            "adm1": adm1,
            "adm2": adm2,
            "idps": column("idps", parse.people_parser("en")),  # DTM and HDX write English
            "round": _text(body, index["round"]),
            "reason": _each(_text(body, index["reason"]), lambda r: " ".join(r.lower().split())),
            "source": _source(body, index, SOURCES[kind]),
            "operation": _text(body, index["operation"]),
        }
    )[keep]
    return found


def collapse(
    grid: pd.DataFrame, layout: Layout, country: str, file_rows: np.ndarray
) -> DtmResult | Message:
    """The idps table from one DTM grid's data rows; a message when the file cannot be used."""
    rows = extract(grid, layout, country, file_rows)
    return rows if isinstance(rows, Message) else combine([rows])


def _codes(body: pd.DataFrame, index: int | None) -> pd.Series:
    """A P-code column as text ("" for none: blank, "Not available")."""
    if index is None:
        return pd.Series([""] * len(body), dtype=object)
    return _each(body[index], lambda v: "" if parse.is_missing(v) else parse.as_text(v))


def _label(country: str) -> str:
    """'Chad (TCD)' for an ISO3 code, the text itself otherwise."""
    try:
        return f"{country_of(country).name} ({country.upper()})"
    except UnknownCountry:
        return country


def _parse_level(value: object) -> parse.Parsed:
    match = re.search(r"\d", parse.as_text(value))
    if parse.is_missing(value) or not match or int(match.group()) > 2:
        return None, Message("invalid-value.level")
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
