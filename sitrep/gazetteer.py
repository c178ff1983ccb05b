"""Place names and P-codes: "Banu" -> AF0907, "Panjshir" -> AF08, with suggestions for near misses.

The built-in gazetteer covers Afghanistan's provinces and the districts of the sample area
(admin boundaries valid from 2019-10-22). A workspace's `places` table adds to it: a place whose
P-code is an admin P-code (AF09, AF0907) adds its name and aliases to that area (a new area when
the P-code is unknown); places with other codes (sites, checkpoints) are not areas.

P-codes are matched without regard to case or spaces, and a P-code written with the ISO3
country prefix that DTM and HDX use (AFG0907) is the same as the COD P-code (AF0907).
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PCODE_RE = re.compile(r"^[A-Z]{2}\d{2}(\d{2})?$")
ISO3_PCODE_RE = re.compile(r"^([A-Z]{3})(\d{2}|\d{4})$")
ISO3 = {"AF": "AFG"}  # COD P-code prefix -> ISO3 country code, for the built-in gazetteer


@dataclass(frozen=True)
class Area:
    pcode: str
    name: str

    @property
    def level(self) -> int:
        """1 for a province (AF08), 2 for a district (AF0807)."""
        return 1 if len(self.pcode) == 4 else 2

    @property
    def province_pcode(self) -> str:
        return self.pcode[:4]


def normalise_name(text: str) -> str:
    """Case, accents of spacing and punctuation do not matter: 'Pul-e Hisar' == 'pul e hisar'."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class Gazetteer:
    """Looks up areas by P-code or by any of their names."""

    def __init__(self, rows: list[tuple[str, str, list[str]]]) -> None:
        self.areas: dict[str, Area] = {}
        self.by_name: dict[str, str] = {}
        for pcode, name, aliases in rows:
            self.add(pcode, name, aliases)

    def add(self, pcode: str, name: str, aliases: list[str] = ()) -> None:  # type: ignore[assignment]
        self.areas[pcode] = Area(pcode, name)
        for alias in (name, *aliases):
            self.by_name.setdefault(normalise_name(alias), pcode)

    def resolve(self, text: str) -> Area | None:
        """The area for a P-code (AF0907, af0907, AFG0907) or a name, or None."""
        code = "".join(text.split()).upper()
        if code in self.areas:
            return self.areas[code]
        if (match := ISO3_PCODE_RE.match(code)) and match.group(1) in ISO3.values():
            prefix = next(p for p, iso3 in ISO3.items() if iso3 == match.group(1))
            if (prefix + match.group(2)) in self.areas:
                return self.areas[prefix + match.group(2)]
        pcode = self.by_name.get(normalise_name(text))
        return self.areas[pcode] if pcode else None

    def suggest(self, text: str) -> str | None:
        """The closest known name, for 'did you mean ...?' (None when nothing is close)."""
        matches = difflib.get_close_matches(normalise_name(text), self.by_name, n=1, cutoff=0.75)
        if not matches:
            return None
        return self.areas[self.by_name[matches[0]]].name

    def extended(self, places: list[tuple[str, str, list[str]]]) -> Gazetteer:
        """A copy with the workspace's places (pcode, name, aliases) that are admin areas."""
        new = self.copy()
        for pcode, name, aliases in places:
            code = "".join(pcode.split()).upper()
            if not PCODE_RE.match(code):
                continue
            if code not in new.areas:
                new.areas[code] = Area(code, name)
            for alias in (name, *aliases):
                # The workspace's own names win over the built-in ones.
                new.by_name[normalise_name(alias)] = code
        return new

    def name(self, pcode: str) -> str:
        area = self.areas.get(pcode)
        return area.name if area else pcode

    def level(self, pcode: str) -> int:
        """The admin level of an area (0 for a country, 1, 2, ...)."""
        if len(pcode) == 2:
            return 0
        area = self.areas.get(pcode)
        return area.level if area else (1 if len(pcode) == 4 else 2)

    def parent(self, pcode: str) -> str | None:
        """The P-code of the area an area lies in (the country's for an admin-1 area)."""
        level = self.level(pcode)
        return None if level == 0 else pcode[:2] if level == 1 else pcode[:4]

    def copy(self) -> Gazetteer:
        new = Gazetteer([])
        new.areas = dict(self.areas)
        new.by_name = dict(self.by_name)
        return new


@cache
def builtin_gazetteer() -> Gazetteer:
    """The gazetteer shipped with sitrep (read once per process)."""
    text = resources.files("sitrep.data").joinpath("gazetteer-afg.csv").read_text("utf-8")
    rows = [
        (row["pcode"], row["name"], [a for a in row["aliases"].split(";") if a])
        for row in csv.DictReader(text.splitlines())
    ]
    return Gazetteer(rows)
