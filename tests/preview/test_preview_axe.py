"""WCAG 2.2 AA for `sitrep preview`'s page: axe-core in Chromium at 390 and 1280 px, in English
and in Arabic, with the report in it and with the problem panel open; no text under 12 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitrep.preview import PreviewOptions, start_preview
from sitrep.report import build_report
from tests.accessibility import WIDTHS, axe_script, check, open_page
from tests.conftest import copy_workspace
from tests.preview_helpers import set_cell

WAIT_MS = 15_000  # generous for a loaded CI machine


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()


def _workspace(root: Path, locale: str) -> Path:
    ws = copy_workspace(root / "ws")
    settings = ws / "sitrep.toml"
    settings.write_text(
        re.sub(r'(?m)^locale = "\w+"', f'locale = "{locale}"', settings.read_text())
    )
    return ws


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_preview_page_has_no_violation(browser, axe, tmp_path: Path, locale: str) -> None:
    ws = _workspace(tmp_path, locale)
    with start_preview(PreviewOptions(ws, port=0), build_report) as preview:
        for width in WIDTHS:
            page = open_page(browser, preview.url, width)
            try:
                page.wait_for_function("() => document.body.dataset.version >= 1")
                check(page, axe, f"the {locale} preview at {width} px")
            finally:
                page.context.close()
        # a broken cell: the problem panel over the last good report
        set_cell(ws, "displacement", "People", "lots")
        page = open_page(browser, preview.url, 390)
        try:
            page.locator("#sitrep-problems").wait_for(state="visible", timeout=WAIT_MS)
            check(page, axe, f"the {locale} preview's problem panel at 390 px")
        finally:
            page.context.close()
