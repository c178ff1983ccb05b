"""A second workspace end to end, in another country and language: Haiti, in French.

Made from scratch as a new user would: `sitrep init --country HTI --language fr` (the CLI, in
a subprocess), the workspace's own words for the admin levels, rows typed into the workbook with
openpyxl (real P-codes of the global list, names as the office writes them), a narrative, then
`sitrep build` and `sitrep build --each admin1`. The PDFs are read back with pdftotext: French,
"Haïti", the departments named by the workspace's words, the figures those rows give (computed
again here with pandas), and nothing of the Afghan sample nor of the English catalogue. The
workspace is made and built once per session (tests/haiti_workspace.py, conftest's fixtures): the
golden-output test reads the same PDFs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from sitrep.render.html import load_messages
from sitrep.settings.config import DEFAULT_TEMPLATES
from tests.conftest import catalogue, pdf_text
from tests.haiti_workspace import ROWS, START

pytestmark = pytest.mark.slow  # builds the Haiti workspace: not in make test-fast

SAMPLE_WORDS = re.compile(r"Afghan|Kabul|Panjshir|Panjsher|Andarab|Salang|AF0|2021", re.I)


@pytest.fixture(scope="module")
def built(haiti_built: Path) -> tuple[Path, str]:
    """The Haiti report and its text."""
    return haiti_built, pdf_text(haiti_built)


def english_only_words() -> list[str]:
    """Catalogue texts that differ between English and French, long enough to be telling."""
    english = load_messages([DEFAULT_TEMPLATES], "en")
    # the French file alone: load_messages would fill its gaps with the English words
    french = catalogue("fr")
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
    # a key figure from two sources names the second in the singular, as French does
    assert "OIM DTM et 1 autre" in text and "et 1 autres" not in text


def test_each_department_gets_its_report_in_the_workspaces_words(haiti_departments) -> None:
    pdfs = haiti_departments
    texts = {p.parent.name: pdf_text(p) for p in pdfs}  # output/DATE/draft/AREA/
    assert sorted(texts) == ["artibonite", "ouest"]  # the routes to Saint-Marc reach Artibonite
    assert "Violences armées – Ouest (Département)" in texts["ouest"]
    assert "Violences armées – Artibonite (Département)" in texts["artibonite"]
    for text in texts.values():
        assert not SAMPLE_WORDS.findall(text) and "province" not in text.lower()
    # Artibonite has no displacement rows: its key figures say so, not "au -- · --"
    assert "aucune ligne dans les données" in texts["artibonite"]
    assert "au --" not in texts["artibonite"]
    # The watermark is the catalogue's word too: the title's "PROJET" and the mark's.
    first_page = PdfReader(pdfs[0]).pages[0].extract_text()
    assert first_page.count("PROJET") == 2 and "DRAFT" not in first_page
