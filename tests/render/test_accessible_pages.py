"""WCAG 2.2 AA: the HTML edition, the publish archive page and the HTML email, checked by axe-core
in Chromium at a phone's width (390 px) and a desktop's (1280 px), in English and in Arabic
(right to left), with no text under 12 px; and the key figures' cards level with each other.

Only the sample and one Arabic workspace are checked, to keep `make test` within its budget; the
preview page is checked in tests/preview/test_preview_axe.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from sitrep.delivery.message import build_message
from sitrep.delivery.model import Partner
from sitrep.issue.publish import publish
from sitrep.settings.email import EmailSettings
from tests.accessibility import WIDTHS, axe_script, check, open_page
from tests.smtp_server import sample_report

pytestmark = pytest.mark.slow  # builds reports and checks them in Chromium: not in make test-fast

NOW = dt.datetime(2021, 8, 24, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def axe() -> str:
    return axe_script()


@pytest.fixture(scope="module", params=["en", "ar"])
def built(request, built_sample, arabic_built):
    return built_sample if request.param == "en" else arabic_built


@pytest.mark.parametrize("width", WIDTHS)
def test_the_edition_has_no_violation(built, browser, axe, width: int) -> None:
    page = open_page(browser, built[1].html.as_uri(), width)
    try:
        check(page, axe, f"{built[1].html.name} at {width} px")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_archive_page_has_no_violation(built, browser, axe, width: int, tmp_path) -> None:
    publish(built[0], tmp_path / "site")
    page = open_page(browser, (tmp_path / "site" / "index.html").as_uri(), width)
    try:
        check(page, axe, f"the archive of {built[1].pdf.name} at {width} px")
    finally:
        page.context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_html_email_has_no_violation(browser, axe, tmp_path: Path, language: str) -> None:
    report = dataclasses.replace(sample_report(tmp_path), language=language)
    partner = Partner("A", "a@example.org", "NGO", ("WASH",), "attach", language, True)
    message = build_message(report, partner, EmailSettings(from_addr="o@example.org"), NOW)
    path = tmp_path / "email.html"
    path.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
    for width in WIDTHS:
        page = open_page(browser, path.as_uri(), width)
        try:
            check(page, axe, f"the {language} email at {width} px")
        finally:
            page.context.close()


# The key figures' cards: the top of each card, and of each card's value, in Chromium.
CARDS = """() => [...document.querySelectorAll('.key-figures .tile')].map(t => ({
  top: t.getBoundingClientRect().top,
  value: t.querySelector('.value').getBoundingClientRect().top,
}))"""


@pytest.fixture(scope="module")
def desktop(built_sample, browser):
    """The sample's edition open at 1280 px, once for the cards' two media: they only read it
    (each sets its medium first)."""
    page = open_page(browser, built_sample[1].html.as_uri(), 1280)
    yield page
    page.context.close()


@pytest.mark.parametrize("media", ["screen", "print"])
def test_the_key_figure_cards_are_level(desktop, media: str) -> None:
    """On a desktop's screen and as printed (style.css alone, as the PDF), the cards of each
    row have their tops and their values' tops level, within 1 px."""
    desktop.emulate_media(media=media)
    cards = desktop.evaluate(CARDS)
    # four flows, the IDPs present, an indicator, the people in need and the funding
    assert len(cards) == 8
    rows: dict[int, list[dict]] = {}
    for card in cards:
        rows.setdefault(round(card["top"] / 20), []).append(card)
    assert 2 <= len(rows) <= 3 and all(len(row) <= 5 for row in rows.values())
    for row in rows.values():
        for card in row:
            assert abs(card["top"] - row[0]["top"]) <= 1, cards
            assert abs(card["value"] - row[0]["value"]) <= 1, cards


def test_each_charts_figures_are_a_table_under_it(built_sample, browser) -> None:
    """A chart's figures are reachable as a table: a disclosure under the chart, closed until
    asked for, named, with a header cell per row."""
    page = open_page(browser, built_sample[1].html.as_uri(), 390)
    try:
        data = page.locator(".displacement figure details.chart-data")
        assert data.locator("table").is_hidden()
        data.locator("summary").click()
        rows = data.locator("tbody tr")
        assert rows.count() == 10  # one a day, 15 to 24 August
        assert rows.last.inner_text().split() == ["24", "Aug", "4,550"]
        assert data.locator("table").get_attribute("aria-label") == "The figures of this chart"
        prices = page.locator(".prices figure details.chart-data")
        prices.locator("summary").click()
        assert prices.locator("tbody tr").count() == 22  # every price of the period
        assert prices.locator("tbody th[scope=row]").count() == 4  # one per market and item
    finally:
        page.context.close()
