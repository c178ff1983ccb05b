"""The sample country's gazetteer for tests: the global list plus the sample's aliases.

`tests/fixtures/gazetteer-afg.csv` holds the names and aliases the sample's data uses (Banu for
Andarab, Panjshir for Panjsher); the sample workspace's own places table carries the same.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from sitrep.geo.gazetteer import Gazetteer, country_gazetteer

ALIASES = Path(__file__).parent / "fixtures" / "gazetteer-afg.csv"


@cache
def _afg() -> Gazetteer:
    with ALIASES.open(encoding="utf-8") as stream:
        rows = [
            (r["pcode"], r["name"], [a for a in r["aliases"].split(";") if a])
            for r in csv.DictReader(stream)
        ]
    return country_gazetteer("AFG").extended(rows)


def afg_gazetteer() -> Gazetteer:
    """A fresh copy of the sample country's gazetteer."""
    return _afg().copy()
