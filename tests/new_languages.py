"""A new workspace in any language, filled as an IMO would fill `sitrep init`'s workbook.

Shared by the tests of Portuguese and Ukrainian reports, of validation in the workspace's
language and of a language added by following the README (Swahili): the country's own
P-codes, status and commodity words in the language, and a narrative under its headings.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from sitrep.cli import main
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.tableschema import SCHEMAS

DAY = dt.date(2026, 11, 19)
D = dt.date
# The words an office types in each language: food, ongoing, closed, open, no constraint
WORDS = {
    "pt": ("alimentos", "em curso", "fechada", "aberta", "nenhuma"),
    "uk": ("продовольство", "триває", "закрито", "відкритий", "немає"),
    "sw": ("food", "ongoing", "closed", "open", "none"),  # no Swahili words in sitrep
}
NARRATIVES = {
    "pt": "# Destaques\n- Mais de 2 000 pessoas deslocadas.\n- A estrada N380 está fechada.\n\n"
    "# Panorama da situação\nA situação continua volátil.\n\n"
    "# Resposta humanitária\n### Segurança alimentar\nDistribuições em curso.\n",
    "uk": "# Основні моменти\n- Понад 2 000 осіб переміщено.\n- Маршрут N380 закрито.\n\n"
    "# Огляд ситуації\nСитуація залишається напруженою.\n\n"
    "# Гуманітарне реагування\n### Продовольча безпека\nРозподіл триває.\n",
    "sw": "# Mambo muhimu\n- Watu 2 000 wamekimbia makazi yao.\n- Barabara ya N380 imefungwa.\n\n"
    "# Muhtasari wa hali\nHali bado ni tete.\n\n"
    "# Mwitikio\n### Usalama wa chakula\nUgawaji unaendelea.\n",
}


def init(directory: Path, country: str, language: str) -> tuple[int, str]:
    """`sitrep init` as typed: (exit code, what it said on both streams)."""
    args = ["init", str(directory), "--country", country, "--language", language]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def districts(iso3: str) -> list[str]:
    """Three admin-2 P-codes of one province of the country."""
    areas = country_gazetteer(iso3).level(2)
    first = [a.pcode for a in areas if a.parent == areas[len(areas) // 2].parent]
    return first[:3]


def fill(workspace: Path, iso3: str, language: str, crisis: str) -> None:
    """A few rows in every table a report needs, typed under the workbook's headers, and the
    day's narrative; the series starts on 15 November 2026."""
    p = districts(iso3)
    food, ongoing, closed, opened, none = WORDS[language]
    rows = {
        "displacement": [
            {"date": D(2026, 11, 18), "district": p[0], "families": 100, "people": 520,
             "source": "OIM DTM"},
            {"date": DAY, "district": p[1], "people": 1400, "source": "OIM DTM"},
            {"date": DAY, "district": p[0], "people": 300, "source": "OIM DTM"},
        ],
        "blockades": [
            {"id": "B1", "commodity": food, "area": p[2], "start_date": D(2026, 11, 10),
             "people_affected": 65000, "status": ongoing, "verified": DAY, "source": "OCHA"},
        ],
        "routes": [
            {"route_id": "R1", "route": "N380", "status": closed, "constraint": none,
             "since": D(2026, 11, 17), "verified": DAY, "source": "OCHA"},
            {"route_id": "R2", "route": "N1", "status": opened, "constraint": none,
             "since": D(2026, 11, 15), "verified": DAY, "source": "OCHA"},
        ],
        "prices": [
            {"date": D(2026, 11, 12), "market": "M1", "area": p[0], "commodity": food,
             "item": "M-1", "unit": "kg", "price": "30", "currency": "MZN", "source": "PAM"},
            {"date": DAY, "market": "M1", "area": p[0], "commodity": food, "item": "M-1",
             "unit": "kg", "price": "36", "currency": "MZN", "source": "PAM"},
        ],
    }  # fmt: skip
    path = workspace / "inputs" / "data.xlsx"
    book = load_workbook(path)
    for name, records in rows.items():
        columns = [c.name for c in SCHEMAS[name].columns]
        for row, record in enumerate(records, start=3):  # under the hashtag row
            for column, key in enumerate(columns, start=1):
                book[name].cell(row, column, record.get(key))
    book.save(path)
    toml = workspace / "sitrep.toml"
    text = re.sub(
        r"^(period_start|first_report) = \S+", r"\1 = 2026-11-15", toml.read_text(), flags=re.M
    )
    text = re.sub(r"^crisis = .*$", f'crisis = "{crisis}"', text, flags=re.M)
    toml.write_text(text, encoding="utf-8")
    narrative = workspace / "inputs" / "narrative" / f"{DAY.isoformat()}.md"
    narrative.write_text(NARRATIVES[language], encoding="utf-8")
