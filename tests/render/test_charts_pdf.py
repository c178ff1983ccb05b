"""The drawings in the PDF, at A4 and Letter: no two lines of text overlap on any page.

pdftotext's -bbox-layout gives every line of text with its box, labels of the charts and the
map included (they are text, not paths). A line's box is the font's ascent to descent, a
little taller than the line it sits on, so two lines count as overlapping when they share
more than a point across and more than 40 % of the lower one's height.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from sitrep.report import BuildOptions, build_report
from tests.conftest import copy_workspace

pytestmark = pytest.mark.slow  # lays charts out in a PDF: not in make test-fast

NS = "{http://www.w3.org/1999/xhtml}"


def _lines(pdf: Path) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    """Per page: (text, box) of every line of text."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    root = ElementTree.fromstring(out)
    pages = []
    for page in root.iter(f"{NS}page"):
        lines = []
        for line in page.iter(f"{NS}line"):
            words = " ".join(w.text or "" for w in line.iter(f"{NS}word"))
            box = tuple(float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            lines.append((words, box))
        pages.append(lines)
    return pages


def _overlaps(lines) -> list[str]:
    found = []
    for i, (a, p) in enumerate(lines):
        for b, q in lines[i + 1 :]:
            w = min(p[2], q[2]) - max(p[0], q[0])
            h = min(p[3], q[3]) - max(p[1], q[1])
            if w > 1 and h > 0.4 * min(p[3] - p[1], q[3] - q[1]):
                found.append(f"{a!r} / {b!r}")
    return found


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = copy_workspace(tmp_path_factory.mktemp("letter") / "ws")
    settings = ws / "sitrep.toml"
    settings.write_text(
        re.sub(r'(?m)^page_size = "\w+"', 'page_size = "Letter"', settings.read_text())
    )
    return build_report(BuildOptions(workspace=ws)).pdf


def test_no_text_overlaps_in_the_a4_or_letter_pdf(built_sample, letter: Path) -> None:
    for pdf in (built_sample[1].pdf, letter):
        pages = _lines(pdf)
        labels = sum(1 for lines in pages for text, _ in lines if text == "Route status")
        assert labels == 1  # the map's key is text the PDF gives back
        for number, lines in enumerate(pages, 1):
            problems = _overlaps(lines)
            assert not problems, f"{pdf.name}, page {number}: " + "; ".join(problems[:6])
