"""A second workspace end to end, in another country and language: Haiti, in French.

Made from scratch as a new user would: `sitrep init --country HTI --language fr` (the CLI, in
a subprocess), the workspace's own words for the admin levels, rows typed into the workbook with
openpyxl (real P-codes of the global list, names as the office writes them), a narrative, then
`sitrep build` and `sitrep build --each admin1`. The PDFs are read back with pdftotext: French,
"Haïti", the departments named by the workspace's words, the figures those rows give (computed
again here with pandas), and nothing of the Afghan sample nor of the English catalogue.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from sitrep.render.html import _flatten, load_messages
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.validate.schema import SCHEMAS
from tests.conftest import pdf_text

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
SAMPLE_WORDS = re.compile(r"Afghan|Kabul|Panjshir|Panjsher|Andarab|Salang|AF0|2021", re.I)


def sitrep(*args: str, cwd: Path) -> subprocess.CompletedProcess:
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


@pytest.fixture(scope="module")
def haiti(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("haiti")
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


@pytest.fixture(scope="module")
def built(haiti: Path) -> tuple[Path, str]:
    result = sitrep("-w", str(haiti), "build", "--date", DAY.isoformat(), cwd=haiti.parent)
    assert result.returncode == 0, result.stderr
    pdf = Path(result.stdout.strip().splitlines()[-1])
    return pdf, pdf_text(pdf)


def english_only_words() -> list[str]:
    """Catalogue texts that differ between English and French, long enough to be telling."""
    english = load_messages([DEFAULT_TEMPLATES], "en")
    # the French file alone: load_messages would fill its gaps with the English words
    french = _flatten(tomllib.loads((DEFAULT_TEMPLATES / "i18n" / "fr.toml").read_text("utf-8")))
    words = []
    for key, text in english.items():
        if key.startswith(("workbook.", "init.")) or french.get(key) == text:
            continue
        plain = re.sub(r"\{[^}]*\}", "\x00", text)
        words += [p.strip() for p in plain.split("\x00") if len(p.strip()) >= 8]
    return words


def test_the_report_is_french_and_names_haiti_and_its_departments(built) -> None:
    pdf, text = built
    assert pdf.name == "hti-violences-armees_sitrep_2025-06-30_no04.pdf"
    assert "Haïti : Violences armées" in text and "Rapport de situation n° 4" in text
    assert "Annexe : tableaux complets" in text  # the annex, its table in the level words too
    assert text.count("Département / Commune") >= 2
    assert "Ouest" in text and "Pétion-Ville" in text  # the workspace's spellings
    assert "30 juin 2025" in text


def test_the_figures_are_those_of_the_rows(built) -> None:
    _, text = built
    frame = pd.DataFrame(ROWS["displacement"])
    people = frame["people"].fillna(frame["families"] * 5)  # household_size = 5
    in_period = frame[frame["date"] >= START]
    assert f"{int(people[in_period.index].sum()):,}".replace(",", " ") in text
    ouest = frame["district"].isin(["HT0114", "Pétion-Ville", "HT0131"])
    assert f"{int(people[ouest].sum()):,}".replace(",", " ") in text


def test_nothing_of_the_sample_nor_of_the_english_catalogue(built) -> None:
    _, text = built
    assert not SAMPLE_WORDS.findall(text)
    leaked = [w for w in english_only_words() if w in text]
    assert not leaked, leaked


def test_each_department_gets_its_report_in_the_workspaces_words(haiti: Path) -> None:
    result = sitrep("-w", str(haiti), "build", "--each", "admin1", "--date", str(DAY), "--draft",
                    "--workers", "1", cwd=haiti.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    pdfs = sorted(Path(line) for line in result.stdout.split())
    texts = {p.parent.name: pdf_text(p) for p in pdfs}  # output/DATE/draft/AREA/
    assert sorted(texts) == ["artibonite", "ouest"]  # the routes to Saint-Marc reach Artibonite
    assert "Violences armées – Ouest (Département)" in texts["ouest"]
    assert "Violences armées – Artibonite (Département)" in texts["artibonite"]
    for text in texts.values():
        assert not SAMPLE_WORDS.findall(text) and "province" not in text.lower()
    # The watermark is the catalogue's word too: the title's "PROJET" and the mark's.
    first_page = PdfReader(pdfs[0]).pages[0].extract_text()
    assert first_page.count("PROJET") == 2 and "DRAFT" not in first_page
