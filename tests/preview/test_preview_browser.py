"""`sitrep preview` in a real browser (Debian's Chromium, driven by Playwright): the page
follows the workbook as it is saved, lists problems with their locations, and builds the PDF.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sitrep.preview import PreviewOptions, start_preview
from sitrep.report import build_report
from sitrep.settings.config import DEFAULT_TEMPLATES
from tests.conftest import copy_workspace, quicken
from tests.preview_helpers import row_where, set_cell

pytestmark = pytest.mark.slow  # drives Chromium: not in make test-fast

WAIT_MS = 15_000  # generous for a loaded CI machine; the speed itself is measured in bench/


@pytest.fixture
def live(tmp_path: Path, browser):
    """(preview, page) on a fresh copy of the sample: these tests change the workspace.
    Quickened (`quicken`): they follow the displacement, the narrative, the templates and the
    record, none of the tables or the map it leaves out, and each save renders the report again."""
    ws = quicken(copy_workspace(tmp_path / "ws"))
    with start_preview(PreviewOptions(ws, port=0), build_report) as preview:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(preview.url)
        page.wait_for_function("() => document.body.dataset.version >= 1")
        # the event stream is open: a save from now on reaches the page
        page.wait_for_function("() => document.getElementById('sitrep-connection').hidden")
        page.requests = requests
        yield preview, page
        page.close()


def tile(page, caption: str) -> str:
    """The value of the key-figure tile whose caption starts with `caption`."""
    return page.evaluate(
        """caption => [...document.querySelectorAll('.tile')]
             .find(t => t.querySelector('.caption').textContent.trim().startsWith(caption))
             .querySelector('.value').textContent.trim()""",
        caption,
    )


def test_a_saved_cell_shows_then_a_broken_one_then_the_fix(live):
    preview, page = live
    ws = preview.options.workspace
    assert tile(page, "people newly displaced") == "19,435"
    page.evaluate("() => { window.sitrepNotReloaded = true; }")

    # 1. a new figure in the workbook: the page shows it, without reloading
    row, old = set_cell(ws, "displacement", "People", 2050)  # was 1,050
    page.wait_for_function(
        """() => [...document.querySelectorAll('.tile .value')]
             .some(v => v.textContent.trim() === '20,435')""",
        timeout=WAIT_MS,
    )
    assert page.evaluate("() => window.sitrepNotReloaded") is True
    assert page.locator(".tile .value.sitrep-changed").count() >= 1  # the eye is led to it
    assert page.locator("#sitrep-problems").is_hidden()

    # 2. a broken cell: the panel lists it with its location; the last good render stays
    set_cell(ws, "displacement", "People", "lots", row)
    panel = page.locator("#sitrep-problems")
    panel.wait_for(state="visible", timeout=WAIT_MS)
    text = panel.inner_text()
    assert "sample-data.xlsx" in text and "sheet displacement" in text
    assert f"row {row}" in text and "lots" in text
    assert re.search(r"column \"?people\"?", text, re.I)
    assert tile(page, "people newly displaced") == "20,435"  # the last good render, beneath
    assert page.locator("#sitrep-build").is_disabled()
    page.set_viewport_size({"width": 390, "height": 844})  # on a phone, panel and all
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate("() => window.sitrepNotReloaded") is True

    # 3. fixed: the panel goes, the figure follows
    set_cell(ws, "displacement", "People", old, row)
    panel.wait_for(state="hidden", timeout=WAIT_MS)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.tile .value')]
             .some(v => v.textContent.trim() === '19,435')""",
        timeout=WAIT_MS,
    )
    assert page.evaluate("() => window.sitrepNotReloaded") is True
    # the page asked nothing of anyone but the preview itself
    origin = preview.server.url
    assert all(u.startswith((origin, "data:")) for u in page.requests), page.requests


def test_the_narrative_and_templates_are_followed_too(live):
    preview, page = live
    ws = preview.options.workspace
    narrative = ws / "inputs" / "narrative" / "2021-08-24.md"
    text = narrative.read_text(encoding="utf-8")
    first = re.search(r"^- (.+)$", text, re.M).group(1)
    narrative.write_text(
        text.replace(first, "Checkpoint at Dosi <b>reopened</b> this morning."), encoding="utf-8"
    )
    highlights = page.locator(".highlights")
    highlights.get_by_text("Checkpoint at Dosi").wait_for(timeout=WAIT_MS)
    assert "<b>reopened</b>" in highlights.inner_text()  # partners' markup stays text
    assert highlights.locator("b").count() == 0

    style = ws / "templates" / "screen.css"  # the workspace's override of sitrep's own
    default = (DEFAULT_TEMPLATES / "screen.css").read_text()
    style.write_text(default + "\n.highlights { outline: 7px solid rgb(1, 2, 3); }\n")
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.highlights')).outlineColor"
        " === 'rgb(1, 2, 3)'",
        timeout=WAIT_MS,
    )


def test_choose_a_date_then_build_its_pdf(live):
    preview, page = live
    page.select_option("#sitrep-date", "2021-08-20")
    page.wait_for_url(re.compile(r"/report/2021-08-20$"))
    assert "Situation Report No. 6" in page.locator("#sitrep-report").inner_text()
    assert "not issued yet" in page.locator("#sitrep-status").inner_text()

    page.click("#sitrep-build")
    link = page.locator("#sitrep-pdf-link")
    link.wait_for(timeout=60_000)
    response = page.request.get(link.evaluate("a => a.href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    built = preview.options.workspace / "output" / "2021-08-20"
    name = link.inner_text()
    assert [p.name for p in built.glob("*.pdf")] == [name]
    assert (built / name).with_suffix(".html").is_file()  # the HTML edition
    edition = page.request.get(page.locator("#sitrep-edition-link").evaluate("a => a.href"))
    assert edition.headers["content-type"].startswith("text/html")
    assert "Situation Report No. 6" in edition.text()
    # the record now holds it: the page says so after its next render
    page.locator("#sitrep-status").get_by_text("(issued)").wait_for(timeout=WAIT_MS)

    # a correction to that date's data: the page says so, and a build asks for a revision
    row = row_where(preview.options.workspace, "displacement", "Date", dt.datetime(2021, 8, 20))
    set_cell(preview.options.workspace, "displacement", "People", 9999, row)
    page.locator("#sitrep-status").get_by_text("(changed since issued)").wait_for(timeout=WAIT_MS)
    page.click("#sitrep-build")
    revise = page.locator("#sitrep-revise")
    revise.wait_for(timeout=60_000)
    assert "already issued" in page.locator("#sitrep-build-result").inner_text()
    assert [p.name for p in built.glob("*.pdf")] == [name]  # nothing overwritten
    revise.click()
    page.locator("#sitrep-pdf-link").get_by_text("_rev1.pdf").wait_for(timeout=60_000)
    assert len(list(built.glob("*_rev1.pdf"))) == 1


def test_a_page_left_open_follows_a_restarted_preview(tmp_path: Path, browser):
    """Stop `sitrep preview`, start it again: the open page says so, then reloads itself."""
    from urllib.parse import urlsplit

    ws = quicken(copy_workspace(tmp_path / "ws"))  # the page's reconnection: no table needed
    first = start_preview(PreviewOptions(ws, port=0), build_report)
    port = urlsplit(first.server.url).port
    page = browser.new_page()
    try:
        page.goto(first.url)
        page.wait_for_function("() => document.getElementById('sitrep-connection').hidden")
        old = page.evaluate("() => document.body.dataset.instance")
        page.evaluate("() => { window.sitrepNotReloaded = true; }")
        first.close()
        page.locator("#sitrep-connection").wait_for(state="visible", timeout=WAIT_MS)
        with start_preview(PreviewOptions(ws, port=port), build_report) as second:
            page.wait_for_function(
                "old => document.body.dataset.instance !== old", arg=old, timeout=30_000
            )
            assert page.evaluate("() => window.sitrepNotReloaded") is None
            assert page.evaluate("() => document.body.dataset.instance") == second.server.instance
            assert "Situation Report No. 10" in page.locator("#sitrep-report").inner_text()
    finally:
        page.close()


def test_an_arabic_workspace_gets_the_script_words_in_arabic(tmp_path: Path, browser):
    """The script's texts come from the catalogue too: the status after a render, the problem
    count (Intl.PluralRules agreeing with Babel) and the severities; the page is right to left."""
    from babel import Locale

    from sitrep.render.html import load_messages

    ws = quicken(copy_workspace(tmp_path / "ws"))  # the script's words: no table needed
    toml = (ws / "sitrep.toml").read_text().replace('locale = "en"', 'locale = "ar"')
    (ws / "sitrep.toml").write_text(toml)
    arabic = load_messages([DEFAULT_TEMPLATES], "ar")
    with start_preview(PreviewOptions(ws, port=0), build_report) as preview:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(preview.url)
            page.wait_for_function("() => document.getElementById('sitrep-connection').hidden")
            assert page.evaluate("() => document.documentElement.dir") == "rtl"
            page.evaluate("() => { window.sitrepNotReloaded = true; }")
            set_cell(ws, "displacement", "People", "lots")
            panel = page.locator("#sitrep-problems")
            panel.wait_for(state="visible", timeout=WAIT_MS)
            # the status line as the script wrote it ("in N s" is only ever the script's)
            status = page.locator("#sitrep-status").inner_text()
            assert status.startswith("رقم 10 ليوم 2021-08-24") and " ث" in status
            n = page.locator("#sitrep-problem-list li.sitrep-error").count()
            form = Locale.parse("ar").plural_form(n)
            expected = arabic[f"preview.errors.{form}"].format(count=n)
            assert page.locator("#sitrep-problem-count").inner_text() == expected
            severities = page.locator("#sitrep-problem-list .sitrep-severity").all_inner_texts()
            assert severities and set(severities) <= {"خطأ", "تحذير", "ملاحظة"}
            assert page.evaluate("() => window.sitrepNotReloaded") is True
            # the script's own plural choice, for the counts whose Arabic forms differ
            for count in (0, 1, 2, 3, 11, 100):
                got = page.evaluate("n => new Intl.PluralRules('ar').select(n)", count)
                assert got == Locale.parse("ar").plural_form(count), count
        finally:
            page.close()
