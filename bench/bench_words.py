"""What input words in four languages cost: an 11,000-row DTM-like table typed in French,
Spanish and Arabic, and the worst case of 11,000 distinct month-name dates.

    .venv/bin/python bench/bench_words.py [rows]

The IDPs CSV (date with month names in fr/es/ar, some in Arabic-Indic digits, "n/d" reasons,
numbers "1 200") is generated in a temporary folder (not timed); timed: load_table +
validate_table as `sitrep validate` runs them, then `parse_column` alone over distinct dates
in each language (Babel's "d MMMM y"), against ISO dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

import pandas as pd
from babel.dates import format_date

from sitrep.geo.gazetteer import country_gazetteer
from sitrep.inputs import parse
from sitrep.inputs.load import Limits, load_table
from sitrep.settings.config import InputSource
from sitrep.validate.tables import validate_table

INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
LOCALES = ("fr", "es", "ar", "ar_SY")


def write_idps(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    areas = [r.pcode for r in list(country_gazetteer("AFG").areas.values())[:400]]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "area", "idps", "round", "reason", "source"])
        for i in range(n):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=7 * (i % 40))
            text = format_date(day, "d MMMM y", locale=LOCALES[i % 4])
            text = text.translate(INDIC) if i % 8 == 3 else text
            idps = f"{rng.randint(0, 90_000):,}".replace(",", " ")
            reason = ("n/d", "conflit", "غير متوفر", "sin dato")[i % 4]
            writer.writerow([text, areas[i % len(areas)], idps, i % 40, reason, "DTM"])


def bench_words(rows: int = 11_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "idps.csv"
        write_idps(path, rows)
        parse.parse_date("3 juin 2025")  # the word tables and CLDR months, loaded once
        start = time.perf_counter()
        raw, problems = load_table("idps", InputSource(path), Path(tmp), Limits())
        assert raw is not None, problems
        table, problems = validate_table(raw, country_gazetteer("AFG"))
        table_s = time.perf_counter() - start
        errors = sum(p.severity == "error" for p in problems)
    result: dict = {"rows": len(table.frame), "errors": errors, "table_s": round(table_s, 3)}
    days = [dt.date(1990, 1, 1) + dt.timedelta(days=i) for i in range(rows)]
    for locale in ("iso", *LOCALES):
        cells = pd.Series(
            [d.isoformat() if locale == "iso" else format_date(d, "d MMMM y", locale=locale)
             for d in days]
        )  # fmt: skip
        start = time.perf_counter()
        parse.parse_column(cells, lambda v: parse.parse_date(v)[:2])
        result[f"distinct_dates_{locale}_s"] = round(time.perf_counter() - start, 3)
    return result


if __name__ == "__main__":
    print(bench_words(*[int(a) for a in sys.argv[1:2]]))
