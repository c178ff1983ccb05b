"""Places: countries, admin areas and P-codes, from OCHA's lists and the workspace's own.

The public API (the rest of sitrep and other engineers use these names; see `sitrep.geo`):

- `resolve_country(text, locale="en") -> Country`: an ISO3 code or a country name in English or
  in the report's language ("HTI", "Haïti", "Tchad"); `Country(iso3, iso2, name)`,
  `Country.name_in(locale)` gives the name in a language (CLDR via Babel).
- `country_gazetteer(iso3) -> Gazetteer`: the country's admin-1 and admin-2 areas from the
  shipped Global P-Code List. `Gazetteer.areas` (P-code -> `Area(pcode, name, level, parent,
  source, names)`), `.level(n)` lists a level, `.resolve(text)` / `.lookup(text)` find an area
  by any written form of its P-code or by name (`.find(text)`: the area, or why there is none,
  typed), `.name(pcode)` is the name the report prints, `.admin1(pcode)` /
  `.ancestor(pcode, level)` walk up the parents, `.search(query)` is `sitrep places`.
- `sitrep.inputs.cod.base_gazetteer(config)` adds the workspace's `[geography] pcodes` COD
  file on top, in the report's language.
"""

from __future__ import annotations

from functools import cache

from sitrep.geo import pcodelist
from sitrep.geo.areas import COD_FILE, GLOBAL_LIST, PLACES_TABLE, Area, Gazetteer, Match
from sitrep.geo.countries import Country, UnknownCountry, country, resolve_country
from sitrep.geo.names import normalise_name
from sitrep.problems import Message

__all__ = [
    "COD_FILE",
    "CREDIT",
    "GLOBAL_LIST",
    "PLACES_TABLE",
    "Area",
    "Country",
    "Gazetteer",
    "Match",
    "UnknownCountry",
    "country_gazetteer",
    "normalise_name",
    "resolve_country",
]

CREDIT = pcodelist.CREDIT


@cache
def _global(iso3: str) -> Gazetteer:
    found = country(iso3)
    rows = pcodelist.country_rows(found.iso3)
    areas = [
        Area(
            r.pcode,
            r.name,
            r.level,
            r.parent if r.level > 1 else None,
            GLOBAL_LIST,
            {},
            r.valid_from,
        )
        for r in sorted(rows, key=lambda r: r.level)
    ]
    date = pcodelist.list_date(found.iso3)
    title = (
        Message("places-list.global", title=pcodelist.LIST_TITLE, country=found.iso3, date=date)
        if date
        else Message("places-list.global-undated", title=pcodelist.LIST_TITLE, country=found.iso3)
    )  # a Message: problems name the list in the workspace's language
    gazetteer = Gazetteer(found, areas, title)
    gazetteer.lists = [(f"{pcodelist.LIST_TITLE}, {found.iso3}", date)]
    return gazetteer


def country_gazetteer(iso3: str, language: str = "en") -> Gazetteer:
    """The country's admin 1 and 2 areas from OCHA's Global P-Code List (a fresh copy), named
    in `language` ('fr') where a COD file adds names in it."""
    return _global(iso3.strip().upper()).localised(language)
