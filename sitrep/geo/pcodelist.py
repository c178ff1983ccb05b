"""OCHA's Global P-Code List (admin 1 and 2 of 156 countries), shipped in `sitrep/data`.

The files are kept byte for byte as HDX publishes them (a byte-order mark, an HXL row, CRLF).
`global_pcodes_index.json` (made by tools/build_pcode_index.py) says where each country's rows
sit, so a build reads only its country's few kilobytes; if the index does not match the list
(a list replaced without rebuilding it), the whole list is read instead.

Source, to credit wherever sitrep shows names or codes from it: OCHA Common Operational Datasets
(COD-AB), via HDX.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

LIST_FILE = "global_pcodes_adm_1_2.csv"
LENGTHS_FILE = "global_pcode_lengths.csv"
INDEX_FILE = "global_pcodes_index.json"
CREDIT = "OCHA Common Operational Datasets (COD-AB), via HDX"
# the same, its words said by the report's catalogue (`sources.credit`: "{datasets}, via ...")
DATASETS, PLATFORM = "OCHA Common Operational Datasets (COD-AB)", "HDX"
LIST_TITLE = "OCHA Global P-Code List"


@dataclass(frozen=True)
class ListRow:
    pcode: str
    name: str
    level: int
    parent: str  # the parent's P-code; the country's ISO3 code at admin 1
    valid_from: str  # the list's #date+start


@dataclass(frozen=True)
class Lengths:
    """How a country writes its P-codes: prefix letters (2 or 3) and digits per admin level."""

    iso3: str
    prefix: int
    digits: tuple[int, ...]  # digits added at admin 1, 2, ... (0 or missing: not given)


def _data(name: str):
    return resources.files("sitrep.data").joinpath(name)


def _rows(text: str) -> dict[str, list[ListRow]]:
    """ISO3 -> its rows, from the list's text (the header and the HXL row are skipped)."""
    out: dict[str, list[ListRow]] = {}
    for fields in csv.reader(io.StringIO(text)):
        if len(fields) < 6 or not fields[1].strip().isdigit():
            continue
        iso3, level, pcode, name, parent, date = (f.strip() for f in fields[:6])
        out.setdefault(iso3.upper(), []).append(ListRow(pcode, name, int(level), parent, date))
    return out


@cache
def _index() -> dict:
    return json.loads(_data(INDEX_FILE).read_text("utf-8"))


def country_rows(iso3: str) -> list[ListRow]:
    """The list's rows of one country (empty when the list has none)."""
    entry = _index()["countries"].get(iso3.upper())
    if entry is None:
        return []
    with _data(LIST_FILE).open("rb") as stream:
        size = stream.seek(0, io.SEEK_END)
        if size != _index()["bytes"]:  # the index is stale: read the whole list
            return all_rows().get(iso3.upper(), [])
        stream.seek(entry[0])
        return _rows(stream.read(entry[1]).decode("utf-8")).get(iso3.upper(), [])


@cache
def all_rows() -> dict[str, list[ListRow]]:
    """Every country's rows (read only to say where a place of another country lies)."""
    return _rows(_data(LIST_FILE).read_bytes().decode("utf-8-sig"))


def list_date(iso3: str) -> str:
    """The list's date for a country (its latest #date+start), '' when it has none."""
    entry = _index()["countries"].get(iso3.upper())
    return entry[3] if entry else ""


@cache
def lengths() -> dict[str, Lengths]:
    """ISO3 -> how its P-codes are written, from the list's lengths file."""
    out: dict[str, Lengths] = {}
    text = _data(LENGTHS_FILE).read_bytes().decode("utf-8-sig")
    for fields in csv.reader(io.StringIO(text)):
        if len(fields) < 3 or not fields[1].strip().isdigit():
            continue
        digits = tuple(int(f) for f in fields[2:] if f.strip().isdigit())
        out[fields[0].strip().upper()] = Lengths(fields[0].strip().upper(), int(fields[1]), digits)
    return out
