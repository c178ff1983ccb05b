"""The Haiti workspace of the tests: made from scratch as a new user would, in French.

`sitrep init --country HTI --language fr` (the CLI, in a subprocess), the workspace's own words
for the admin levels, rows typed into the workbook with openpyxl (real P-codes of the global list,
names as the office writes them) and a narrative. Used by the Haiti end-to-end test and the
golden-output test (through the session fixtures `haiti`, `haiti_built` and `haiti_departments`
of tests/conftest.py), so the workspace is made and built once.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from sitrep.tableschema import SCHEMAS

DAY = dt.date(2025, 6, 30)
START = dt.date(2025, 6, 27)
D = dt.date
ROWS = {
    "displacement": [
        {"id": "D1", "date": D(2025, 6, 27), "district": "HT0114", "families": 120,
         "people": 540, "cause": "violence armée", "source": "OIM DTM"},
        {"id": "D2", "date": D(2025, 6, 29), "district": "Pétion-Ville", "families": 40,
         "people": None, "cause": "violence armée", "source": "OIM DTM"},
        {"id": "D3", "date": D(2025, 6, 30), "district": "HT0131", "families": None,
         "people": 1250, "cause": "violence armée", "source": "Protection civile"},
        {"id": "D4", "date": D(2025, 6, 30), "district": "HT0511", "families": 60,
         "people": 300, "cause": "inondations", "source": "Protection civile"},
    ],
    "blockades": [
        {"id": "B1", "commodity": "fuel", "area": "HT0111", "place": "Port-au-Prince",
         "imposed_by": "Groupes armés", "start_date": D(2025, 6, 28), "end_date": None,
         "people_affected": 15000, "status": "ongoing", "source": "OCHA"},
    ],
    "routes": [
        {"route_id": "RN1", "route": "Route nationale 1", "from": "Port-au-Prince",
         "to": "Saint-Marc", "via": None, "status": "closed",
         "constraint": "insecurity/hostilities", "since": D(2025, 6, 28), "source": "OCHA"},
        {"route_id": "RN2", "route": "Route nationale 2", "from": "Port-au-Prince",
         "to": "Léogâne", "via": None, "status": "open with restrictions",
         "constraint": "checkpoint", "since": D(2025, 6, 27), "source": "OCHA"},
    ],
    "places": [
        {"name": "Ouest", "pcode": "HT01", "lat": 18.6, "lon": -72.3},
        {"name": "Pétion-Ville", "pcode": "HT0114", "lat": 18.51, "lon": -72.29,
         "aliases": "Petionville"},
        {"name": "Port-au-Prince", "pcode": "HT0111", "lat": 18.54, "lon": -72.34},
        {"name": "Saint-Marc", "pcode": "HT0521", "lat": 19.11, "lon": -72.69},
        {"name": "Léogâne", "pcode": "HT0121", "lat": 18.51, "lon": -72.63},
    ],
    "contacts": [
        {"name": "Marie Joseph", "title": "Cheffe du bureau", "organisation": "OCHA Haïti",
         "email": "marie.joseph@example.org"},
    ],
}  # fmt: skip
NARRATIVE = """\
# Highlights
- Plus de 2 000 personnes ont fui les violences à Pétion-Ville et Croix-des-Bouquets.
- La route nationale 1 est fermée depuis le 28 juin.

# Situation overview
Les affrontements entre groupes armés se poursuivent dans le département de l'Ouest.

# Response
### Abris
**Besoins :** des abris pour les familles déplacées.
"""


def sitrep(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python -m sitrep ARGS...` in `cwd`, with its own cache folder there."""
    env = {**os.environ, "SITREP_CACHE_DIR": str(cwd / ".cache")}
    return subprocess.run(
        [sys.executable, "-m", "sitrep", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


def type_rows(book: Path) -> None:
    """Under the header and hashtag rows, by the schema's column order, as a user types."""
    workbook = load_workbook(book)
    for name, rows in ROWS.items():
        columns = [c.name for c in SCHEMAS[name].columns]
        for r, record in enumerate(rows, start=3):
            for c, column in enumerate(columns, start=1):
                workbook[name].cell(r, c, record.get(column))
    workbook.save(book)


def make_haiti(root: Path) -> Path:
    """The Haiti workspace, made in `root / "ws"`: its settings, rows and narrative of DAY."""
    made = sitrep("init", "ws", "--country", "HTI", "--language", "fr", cwd=root)
    assert made.returncode == 0, made.stderr
    ws = root / "ws"
    toml = ws / "sitrep.toml"
    text = toml.read_text("utf-8")
    text = text.replace(
        '# levels = ["Département", "Commune"]', 'levels = ["Département", "Commune"]'
    )
    text = text.replace("# household_size = 5", "household_size = 5")
    text = text.replace('crisis = "Nom de la crise"', 'crisis = "Violences armées"')
    for key in ("period_start", "first_report"):
        text = re.sub(rf"^{key} = \S+", f"{key} = {START.isoformat()}", text, flags=re.M)
    text += "\n[figures]\nfull_tables = true             # the annex, with the level words too\n"
    toml.write_text(text, "utf-8")
    type_rows(ws / "inputs" / "data.xlsx")
    (ws / "inputs" / "narrative" / f"{DAY}.md").write_text(NARRATIVE, "utf-8")
    return ws


def build(ws: Path) -> Path:
    """`sitrep build --date DAY`: the issued PDF."""
    result = sitrep("-w", str(ws), "build", "--date", DAY.isoformat(), cwd=ws.parent)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def build_departments(ws: Path) -> list[Path]:
    """`sitrep build --each area --draft` for DAY: the departments' draft PDFs, sorted."""
    result = sitrep("-w", str(ws), "build", "--each", "area", "--date", str(DAY), "--draft",
                    "--workers", "1", cwd=ws.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return sorted(Path(line) for line in result.stdout.split())
