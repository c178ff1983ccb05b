"""The sample country for tests: its gazetteer (the global list plus the sample's aliases) and a
minimal configuration of an Afghan workspace for the figure computations.

`tests/fixtures/gazetteer-afg.csv` holds the names and aliases the sample's data uses (Banu for
Andarab, Panjshir for Panjsher); the sample workspace's own places table carries the same.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from pathlib import Path

from sitrep.geo.gazetteer import Gazetteer, country_gazetteer
from sitrep.settings.config import Config

ALIASES = Path(__file__).parent / "fixtures" / "gazetteer-afg.csv"

D = dt.date
CONFIG = Config(  # daily reports from 15 August 2021, no workspace on disk
    workspace=Path("/nonexistent"), country="Afghanistan", crisis="Test", slug="test",
    issuing_office="Office", household_size=7, period_start=D(2021, 8, 15),
    first_report=D(2021, 8, 15), cadence_days=1, first_number=1, locale="en", page_size="A4",
    illustrative=False, stale_days=3, inputs={}, narrative_dir=Path("/nonexistent"),
)  # fmt: skip


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
