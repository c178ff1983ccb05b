"""Place names and P-codes: "Banu" -> AF0907, "Panjshir" -> AF08, with suggestions for near misses.

The built-in gazetteer covers Afghanistan's provinces and the districts of the sample area
(admin boundaries valid from 2019-10-22). A workspace's `places` table adds to it.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PCODE_RE = re.compile(r"^[A-Z]{2}\d{2}(\d{2})?$")


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
        """The area for a P-code or a name, or None."""
        key = text.strip()
        if key.upper() in self.areas:
            return self.areas[key.upper()]
        pcode = self.by_name.get(normalise_name(key))
        return self.areas[pcode] if pcode else None

    def suggest(self, text: str) -> str | None:
        """The closest known name, for 'did you mean ...?' (None when nothing is close)."""
        matches = difflib.get_close_matches(normalise_name(text), self.by_name, n=1, cutoff=0.75)
        if not matches:
            return None
        return self.areas[self.by_name[matches[0]]].name

    def name(self, pcode: str) -> str:
        area = self.areas.get(pcode)
        return area.name if area else pcode

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
