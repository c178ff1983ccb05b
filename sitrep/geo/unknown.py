"""Why a text names none of a country's areas: a typed reason beside the message that says it.

`Gazetteer.find` answers an `Area` or an `Unknown`. Code that acts on the answer (the places
table keeps a well-formed unknown P-code as a site, and warns of another country's) tests the
`reason`, never the message's words, which may change. `other_country` says which country a
foreign P-code or place name belongs to, from every country of OCHA's Global P-Code List.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from sitrep.geo import pcodelist
from sitrep.geo.countries import Country, iso3_of
from sitrep.geo.countries import country as country_of
from sitrep.geo.names import normalise_name, split_code
from sitrep.problems import Message


class Reason(StrEnum):
    """Why a text is none of the country's areas."""

    AMBIGUOUS = "ambiguous"  # a name several areas share: the P-code says which
    UNKNOWN_PCODE = "unknown-pcode"  # written like the country's P-codes, but none of them
    FOREIGN_PCODE = "foreign-pcode"  # another country's P-code
    FOREIGN_PLACE = "foreign-place"  # another country's place name
    UNKNOWN = "unknown"  # neither a known P-code nor a known name, of any country


@dataclass(frozen=True)
class Unknown:
    """No area: why (`reason`, for code to test) and what to tell the user (`message`)."""

    reason: Reason
    message: Message


@cache
def _world() -> tuple[dict[tuple[str, str], pcodelist.ListRow], dict[str, list]]:
    """Every country's areas by (ISO3, digits) and by normalised name (built on first need:
    only to say which country a foreign place belongs to)."""
    codes: dict[tuple[str, str], pcodelist.ListRow] = {}
    names: dict[str, list] = {}
    for iso3, rows in pcodelist.all_rows().items():
        for row in rows:
            if parts := split_code(row.pcode):
                codes.setdefault((iso3, parts[1]), row)
            names.setdefault(normalise_name(row.name), []).append((iso3, row))
    return codes, names


def other_country(text: str, own: Country | None) -> Unknown | None:
    """'HT0111 is a P-code of Haiti (Port-au-Prince)' / 'Fouli is a place in Chad' for a
    text that is not of the workspace's country; None when no other country has it."""
    codes, names = _world()
    parts = split_code(text)
    if parts and parts[0] and (own is None or parts[0] not in {own.iso2, own.iso3}):
        iso3 = iso3_of().get(parts[0]) if len(parts[0]) == 2 else parts[0]
        if iso3 and (row := codes.get((iso3, parts[1]))):
            message = Message(
                "foreign-pcode.pcode",
                text=text.strip(),
                country=country_of(iso3).name,
                name=row.name,
                here=_here(own),
            )
            return Unknown(Reason.FOREIGN_PCODE, message)
    for iso3, row in names.get(normalise_name(text), []) if normalise_name(text) else []:
        if own is None or iso3 != own.iso3:
            message = Message(
                "foreign-pcode.place",
                text=text.strip(),
                country=country_of(iso3).name,
                pcode=row.pcode,
                here=_here(own),
            )
            return Unknown(Reason.FOREIGN_PLACE, message)
    return None


def _here(own: Country | None) -> Message:
    if own is None:
        return Message("foreign-pcode.nowhere")
    return Message("foreign-pcode.here", country=own.name)
