"""A Sudan workspace for the general figures: declared indicators (a stock, a flow, one with a
sex and age breakdown), a 4W response table, and HDX HAPI's needs, funding and operational
presence downloads as they come (tests/fixtures/hapi/).

The indicators and response rows are generated with a seeded random generator, with the
quirks of real sheets: a state's row beside its localities' (the same people again), the
country's own row, areas reported on different days, rows dated after the report date, a
breakdown on some rows only, an organisation's figures rising report after report.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from tests.conftest import FIXTURES

HAPI = FIXTURES / "hapi"
DAY = dt.date(2025, 3, 29)  # the report date (weekly from 1 March)
PREVIOUS = DAY - dt.timedelta(days=7)
START = dt.date(2025, 3, 1)
STATES = {  # admin 1 -> some of its localities (admin 2), P-codes of OCHA's global list
    "SD01": ["SD01001", "SD01003", "SD01006"],
    "SD02": ["SD02113", "SD02114"],
    "SD03": ["SD03141", "SD03144"],
    "SD09": ["SD09046", "SD09047"],
}
TOML = f"""
[report]
country = "SDN"
crisis = "Conflict"
period_start = {START}
first_report = {START}
cadence = "weekly"

[inputs]
displacement = "displacement.csv"
blockades = "blockades.csv"
routes = "routes.csv"
indicators = "indicators.csv"
response = "response.csv"
needs = "{HAPI / "humanitarian-needs-global-v2.csv"}"
funding = "{HAPI / "funding-global.csv"}"

[indicators.returnees]
label = {{ en = "returnees", ar = "العائدون" }}
kind = "stock"
key_figure = true

[indicators.cholera_cases]
label = "new cholera cases"
kind = "flow"
key_figure = true

[indicators.people_in_sites]
label = "people in displacement sites"
kind = "stock"
key_figure = true
"""
HEADERS = {
    "displacement": "date,district,people,source",
    "blockades": "id,commodity,area,start_date,status,source",
    "routes": "route_id,route,status,since,source",
}
INDICATOR_COLUMNS = [
    "indicator", "date", "area", "value", "women", "men", "girls", "boys", "source"
]  # fmt: skip
RESPONSE_COLUMNS = [
    "cluster", "organisation", "area", "activity", "targeted", "reached", "date", "source"
]  # fmt: skip


def _days(rng: random.Random, n: int) -> list[dt.date]:
    """`n` dates from a week before the period to a week after the report date."""
    first = START - dt.timedelta(days=7)
    span = (DAY - first).days + 7
    return [first + dt.timedelta(days=rng.randrange(span)) for _ in range(n)]


def indicator_rows(seed: int = 30) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    areas = [a for localities in STATES.values() for a in localities]
    for day in _days(rng, 60):  # returnees: localities, and states repeating them
        area = rng.choice(areas + list(STATES))
        rows.append({"indicator": "returnees", "date": day, "area": area,
                     "value": rng.randrange(200, 9000), "source": "IOM DTM"})  # fmt: skip
    # the country's own row, the key written in another case
    rows.append({"indicator": "Returnees", "date": START, "area": "SDN", "value": 250000,
                 "source": "IOM DTM"})  # fmt: skip
    for day in _days(rng, 80):  # cholera: new cases per locality and day, rows can repeat
        rows.append({"indicator": "cholera_cases", "date": day, "area": rng.choice(areas),
                     "value": rng.randrange(0, 60), "source": "Ministry of Health"})  # fmt: skip
    for day in _days(rng, 40):  # people in sites, with a breakdown on most rows
        value = rng.randrange(500, 20000)
        row = {"indicator": "people_in_sites", "date": day, "area": rng.choice(areas),
               "value": value, "source": "CCCM cluster"}  # fmt: skip
        if rng.random() < 0.8:
            women, girls, boys = (round(value * s) for s in (0.3, 0.25, 0.22))
            row |= {"women": women, "girls": girls, "boys": boys,
                    "men": value - women - girls - boys}  # fmt: skip
        rows.append(row)
    # one area, date and source each: a second row of an area and date adds to it (same source)
    seen: dict[tuple, str] = {}
    out = []
    for row in rows:
        key = (row["indicator"].lower(), row["area"], row["date"])
        if seen.setdefault(key, row["source"]) == row["source"]:
            out.append(row)
    return out


def response_rows(seed: int = 31) -> list[dict]:
    rng = random.Random(seed)
    clusters = {"Food security": ["Food baskets", "Cash for food"], "Health": ["Mobile clinics"],
                "WASH": ["Water trucking", None], "Protection": [None]}  # fmt: skip
    organisations = ["WFP", "UNICEF", "SRCS", "NRC", "Sudanese Red Crescent", "MSF"]
    rows = []
    areas = [a for localities in STATES.values() for a in localities]
    for _ in range(60):
        cluster = rng.choice(list(clusters))
        org, area = rng.choice(organisations), rng.choice(areas)
        activity = rng.choice(clusters[cluster])
        targeted = rng.randrange(1000, 20000)
        for day in sorted(_days(rng, rng.randrange(1, 4))):  # cumulative, report after report
            reached = None if rng.random() < 0.1 else rng.randrange(0, targeted)
            rows.append({"cluster": cluster, "organisation": org, "area": area,
                         "activity": activity, "targeted": targeted, "reached": reached,
                         "date": day, "source": f"{cluster} cluster 4W"})  # fmt: skip
    # an organisation's state row beside its locality row, same cluster and activity
    rows.append({"cluster": "Health", "organisation": "MSF", "area": "SD03", "activity":
                 "Mobile clinics", "targeted": 5000, "reached": 4000, "date": DAY,
                 "source": "Health cluster 4W"})  # fmt: skip
    rows.append({"cluster": "Health", "organisation": "MSF", "area": "SD03141", "activity":
                 "Mobile clinics", "targeted": 3000, "reached": 2500, "date": DAY,
                 "source": "Health cluster 4W"})  # fmt: skip
    return rows


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def make_sudan(root: Path) -> Path:
    """The workspace in `root`, its settings and tables written."""
    (root / "sitrep.toml").write_text(TOML, encoding="utf-8")
    for name, header in HEADERS.items():
        (root / f"{name}.csv").write_text(header + "\n", encoding="utf-8")
    write_csv(root / "indicators.csv", INDICATOR_COLUMNS, indicator_rows())
    write_csv(root / "response.csv", RESPONSE_COLUMNS, response_rows())
    return root
