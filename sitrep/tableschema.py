"""What each input table holds: its columns, their types, header aliases and HXL hashtags.

A column is found by its HXL hashtag when the sheet has a hashtag row, otherwise by its header
(case, spaces and punctuation ignored) or one of its aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# "area": a P-code or name at any admin level, or the country itself
Kind = Literal["text", "people", "number", "date", "pcode", "area", "vocab", "email",
               "display_name", "lists", "bool"]  # fmt: skip

# Controlled vocabularies: canonical word -> accepted spellings (compared case/space-insensitively).
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "route_status": {
        "open": ("open",),
        "open with restrictions": (
            "open with restrictions",
            "open (restrictions)",
            "partially open",
        ),
        "restricted": ("restricted", "restricted access"),
        "closed": ("closed", "blocked"),
        "unknown": ("unknown", "not known"),
    },
    "constraint": {
        "none": ("none", "no constraint"),
        "checkpoint": ("checkpoint", "checkpoints"),
        "closure by armed group": ("closure by armed group", "armed group", "closure"),
        "insecurity/hostilities": (
            "insecurity/hostilities",
            "insecurity",
            "hostilities",
            "fighting",
        ),
        "mines/IEDs": ("mines/ieds", "mines", "ieds", "uxo"),
        "damage/landslide/snow": ("damage/landslide/snow", "damage", "landslide", "snow"),
        "administrative": ("administrative", "permission", "permits"),
    },
    "blockade_status": {
        "ongoing": ("ongoing", "active", "in effect"),
        "partially lifted": ("partially lifted", "partial"),
        "lifted": ("lifted", "ended"),
    },
    "commodity": {
        "food": ("food", "food items", "wheat flour"),
        "fuel": ("fuel", "diesel", "petrol"),
        "medicine": ("medicine", "medicines", "medical supplies"),
        "cash": ("cash",),
        "all goods": ("all goods", "all", "goods"),
    },
    "format": {"attach": ("attach", "attachment", "pdf"), "link": ("link", "url")},
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False  # the column must be in the sheet
    not_blank: bool = False  # each row must have a value
    aliases: tuple[str, ...] = ()
    hxl: str | None = None  # the hashtag that identifies it, e.g. "#affected+ind"
    vocab: str | None = None  # for kind == "vocab"
    unique: bool = False
    dated: bool = True  # a date of the data (report dates, dates after today); False: a period


@dataclass(frozen=True)
class TableSchema:
    name: str
    title: str  # what the report and messages call it
    columns: tuple[Column, ...]
    date_column: str | None = None  # the column that says how recent the table is
    stale_check: bool = True  # False for stocks assessed in rounds (IDPs present)
    sheet: bool = True  # a sheet of the workbook `sitrep init` writes; False: a download (HAPI)
    any_of: tuple[str, ...] = ()  # of these columns, the sheet has one at least, a row fills one

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# HDX HAPI's columns of place and of period, and what says where a row came from.
HAPI_PLACE = (
    Column("location_code", "text", True, True, hxl="#country+code"),
    Column("admin1_code", "text", hxl="#adm1+code"),
    Column("admin2_code", "text", hxl="#adm2+code"),
    Column("admin_level", "text", hxl="#adm+level"),
)
HAPI_PERIOD = (
    Column("reference_period_start", "date", True, True, hxl="#date+start", dated=False),
    Column("reference_period_end", "date", hxl="#date+end", dated=False),
    Column("dataset_hdx_id", "text"),
    Column("resource_hdx_id", "text"),
    Column("error", "text"),  # HAPI v2 marks a row it could not read: not counted
    Column("source", "text", aliases=("sources",), hxl="#meta+source"),
)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (
        TableSchema(
            "displacement",
            "New displacement (flow)",
            (
                Column("id", "text", unique=True, hxl="#event+id"),
                Column(
                    "date",
                    "date",
                    True,
                    True,
                    ("date displaced", "displacement date"),
                    "#date+occurred",
                ),
                # where people came from (origin) and/or where they are (the hosting area):
                # a row gives one at least (`any_of`); `+origin` and `+dest` tags tell them apart
                Column(
                    "district",
                    "pcode",
                    aliases=(
                        "district pcode",
                        "district p-code",
                        "pcode",
                        "admin2",
                        "origin district",
                        "origin pcode",
                        "area of origin",
                    ),
                    hxl="#adm2+code",
                ),
                Column("origin", "text", aliases=("origin place", "from"), hxl="#loc+name+origin"),
                Column(
                    "destination", "text", aliases=("destination place", "to"), hxl="#loc+name+dest"
                ),
                Column(
                    "destination_pcode",
                    "pcode",
                    aliases=(
                        "destination p-code",
                        "destination pcode",
                        "destination district",
                        "hosting area",
                        "host area",
                    ),
                    hxl="#adm2+code+dest",
                ),
                Column(
                    "families", "people", aliases=("households", "hh"), hxl="#affected+displaced+hh"
                ),
                Column(
                    "people",
                    "people",
                    aliases=("individuals", "persons", "ind"),
                    hxl="#affected+displaced+ind",
                ),
                # sex and age, where known: the share of women and children
                Column("women", "people", aliases=("adult women",), hxl="#affected+f+adults"),
                Column("men", "people", aliases=("adult men",), hxl="#affected+m+adults"),
                Column("children", "people", aliases=("minors",), hxl="#affected+children"),
                Column("girls", "people", hxl="#affected+f+children"),
                Column("boys", "people", hxl="#affected+m+children"),
                Column("cause", "text", aliases=("reason",), hxl="#cause+type"),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="date",
            any_of=("district", "destination_pcode"),
        ),
        TableSchema(
            "blockades",
            "Blockades",
            (
                Column("id", "text", True, True, unique=True, hxl="#event+code"),
                Column(
                    "commodity",
                    "vocab",
                    True,
                    True,
                    ("item", "goods"),
                    "#item+name",
                    vocab="commodity",
                ),
                Column(
                    "area", "pcode", True, True, ("area pcode", "pcode", "district"), "#adm2+code"
                ),
                Column("place", "text", aliases=("location",), hxl="#loc+name"),
                Column("imposed_by", "text", aliases=("imposed by", "actor"), hxl="#group+name"),
                Column("start_date", "date", True, True, ("start", "since"), "#date+start"),
                Column("end_date", "date", aliases=("end", "lifted on"), hxl="#date+end"),
                Column(
                    "people_affected", "people", aliases=("affected", "people"), hxl="#affected+ind"
                ),
                Column("status", "vocab", True, True, hxl="#status+code", vocab="blockade_status"),
                Column(
                    "verified",
                    "date",
                    aliases=("last verified", "reported", "confirmed"),
                    hxl="#date+reported",
                ),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="start_date",
        ),
        TableSchema(
            "routes",
            "Access routes",
            (
                Column("route_id", "text", True, True, ("id", "route code"), "#loc+code+route"),
                Column("route", "text", True, True, ("route name", "name"), "#loc+name+route"),
                Column("from", "text", aliases=("origin",), hxl="#loc+name+origin"),
                Column("to", "text", aliases=("destination",), hxl="#loc+name+dest"),
                Column("via", "text", aliases=("through",), hxl="#loc+name+via"),
                Column("status", "vocab", True, True, hxl="#status+code", vocab="route_status"),
                Column(
                    "constraint",
                    "vocab",
                    aliases=("constraint type",),
                    hxl="#operations+type",
                    vocab="constraint",
                ),
                Column("since", "date", True, True, ("status since",), "#date+start"),
                Column("verified", "date", aliases=("last verified",), hxl="#date+reported"),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="since",
        ),
        TableSchema(
            "idps",
            "IDPs present (stock)",
            (
                Column("date", "date", True, True, ("reporting date", "as of"), "#date+reported"),
                Column(
                    "area", "pcode", True, True, ("pcode", "district", "province"), "#adm2+code"
                ),
                # a blank or "n/a" figure of an assessed area is missing: "--", never 0
                Column(
                    "idps", "people", True, False, ("idps present", "individuals"), "#affected+idps"
                ),
                Column("round", "text", aliases=("round number",), hxl="#round+code"),
                Column("reason", "text", aliases=("displacement reason",), hxl="#cause+type"),
                Column("operation", "text", hxl="#operation+name"),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="date",
            stale_check=False,
        ),
        TableSchema(
            "prices",
            "Market prices",
            (
                Column("date", "date", True, True, hxl="#date+reported"),
                Column("market", "text", True, True, ("location",), "#loc+name"),
                Column("area", "pcode", aliases=("pcode",), hxl="#adm2+code"),
                Column(
                    "commodity", "vocab", True, True, ("item",), "#item+name", vocab="commodity"
                ),
                Column("item", "text", aliases=("product",), hxl="#item+name+detail"),
                Column("unit", "text", True, True, hxl="#item+unit"),
                Column("price", "number", True, True, hxl="#value"),
                Column("currency", "text", True, True, hxl="#currency+code"),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="date",
        ),
        TableSchema(
            "indicators",
            "Indicators",
            (
                Column("indicator", "text", True, True, ("key",), "#indicator+code"),
                Column("date", "date", True, True, ("as of", "reporting date"), "#date"),
                Column("area", "area", True, True, ("pcode", "p-code", "location"), "#loc+code"),
                Column("value", "number", True, True, ("figure", "number"), "#indicator+num"),
                Column("unit", "text", aliases=("units",), hxl="#indicator+unit"),
                Column("women", "people", hxl="#indicator+num+f+adults"),
                Column("men", "people", hxl="#indicator+num+m+adults"),
                Column("girls", "people", hxl="#indicator+num+f+children"),
                Column("boys", "people", hxl="#indicator+num+m+children"),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="date",
            stale_check=False,
        ),
        TableSchema(
            "response",
            "Response (3W/4W/5W)",
            (
                Column("cluster", "text", True, True, ("sector", "cluster/sector"), "#sector"),
                Column("organisation", "text", True, True, ("organization", "partner"), "#org"),
                Column("area", "area", True, True, ("pcode", "p-code", "location"), "#loc+code"),
                Column("activity", "text", aliases=("activities",), hxl="#activity"),
                Column("targeted", "people", aliases=("people targeted",), hxl="#targeted"),
                Column("reached", "people", aliases=("people reached",), hxl="#reached"),
                Column("date", "date", True, True, ("as of", "reporting date"), "#date"),
                Column("source", "text", True, True, ("sources",), "#meta+source"),
            ),
            date_column="date",
            stale_check=False,
        ),
        # HDX HAPI's downloads, read as they come (columns named as HAPI names them)
        TableSchema(
            "needs",
            "Humanitarian needs (HDX HAPI)",
            (
                *HAPI_PLACE,
                Column("sector_code", "text", True, True),
                Column("sector_name", "text"),
                Column("category", "text"),  # HAPI v2: "" or "total" for no breakdown
                *(Column(c, "text") for c in ("gender", "age_range", "disabled_marker")),
                Column("population_group", "text"),  # HAPI v1: "all" for no breakdown
                Column("population_status", "text", True, True),  # INN, TGT, REA, AFF, all
                Column("population", "people", True, True),
                *HAPI_PERIOD,
            ),
            sheet=False,
        ),
        TableSchema(
            "funding",
            "Funding (HDX HAPI, from FTS)",
            (
                Column("location_code", "text", True, True, hxl="#country+code"),
                Column("appeal_code", "text", True, True),
                Column("appeal_name", "text"),
                Column("appeal_type", "text"),
                Column("requirements_usd", "number", True, True),
                Column("funding_usd", "number", True, True),
                Column("funding_pct", "number"),
                Column("date", "date", aliases=("as of",), hxl="#date+reported", dated=False),
                *HAPI_PERIOD,
            ),
            sheet=False,
        ),
        TableSchema(
            "places",
            "Places",
            (
                Column("name", "text", True, True, hxl="#loc+name"),
                Column("pcode", "text", aliases=("p-code",), hxl="#loc+code"),
                # Coordinates only put a place on the access map; a row needs them or a P-code.
                Column("lat", "number", aliases=("latitude",), hxl="#geo+lat"),
                Column("lon", "number", aliases=("longitude",), hxl="#geo+lon"),
                Column("type", "text", aliases=("kind",), hxl="#loc+type"),
                # Local-script names: one column per language (name_ar, #loc+name+i_fa, ...),
                # see sitrep.inputs.localnames; name_local is the first of them.
                Column("name_local", "text", aliases=("local name",), hxl="#loc+name+local"),
                Column("aliases", "text", hxl="#loc+name+alt"),
            ),
        ),
        TableSchema(
            "contacts",
            "Contacts",
            (
                Column("name", "text", True, True, hxl="#contact+name"),
                Column("title", "text", aliases=("position",), hxl="#contact+title"),
                Column("organisation", "text", aliases=("organization", "org"), hxl="#org+name"),
                Column("email", "email", True, True, hxl="#contact+email"),
                Column("phone", "text", hxl="#contact+phone"),
            ),
        ),
        TableSchema(
            "partners",
            "Distribution list",
            (
                Column("name", "display_name", True, True, hxl="#contact+name"),
                Column("email", "email", True, True, unique=True, hxl="#contact+email"),
                Column(
                    "organisation", "text", True, aliases=("organization", "org"), hxl="#org+name"
                ),
                Column(
                    "lists", "lists", True, True, ("list", "distribution lists"), "#contact+list"
                ),
                Column("format", "vocab", vocab="format", hxl="#meta+format"),
                Column("language", "text", hxl="#meta+lang"),
                Column("active", "bool", hxl="#status+active"),
            ),
        ),
    )
}


def canonical_words(vocab: str) -> dict[str, str]:
    """Every accepted spelling (lower case, single spaces) -> its canonical word."""
    return {
        " ".join(spelling.lower().split()): word
        for word, spellings in VOCABULARIES[vocab].items()
        for spelling in (word, *spellings)
    }


ROW = "_row"  # the spreadsheet row number, kept on every typed row for provenance
# the file of each row of a table read from several files (IOM DTM exports, one per admin level)
FILE = "_file"  # (a table of one file names it once, as `Table.file`)
# Each table's date columns, in schema order: what date rules and "dates in the data" look at.
DATE_COLUMNS: dict[str, tuple[str, ...]] = {
    name: dates
    for name, schema in SCHEMAS.items()
    if (dates := tuple(c.name for c in schema.columns if c.kind == "date" and c.dated))
}
