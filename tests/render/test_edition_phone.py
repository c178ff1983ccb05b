"""The HTML edition on a 390 px phone, in real Chromium: every table cell within reach, the
row names in view while a table scrolls, and links where a reader expects them."""

from __future__ import annotations

import pytest
from test_edition import no_horizontal_scroll, open_edition

pytestmark = pytest.mark.slow  # drives Chromium: not in make test-fast

# For each data table: does it scroll, and once scrolled to its end is its last cell inside the
# table's box with the first column still at the table's edge?
TABLES = """() => [...document.querySelectorAll('table.data')].map(table => {
  const wide = table.scrollWidth > table.clientWidth + 1;
  table.scrollLeft = table.scrollWidth;
  const box = table.getBoundingClientRect();
  const row = table.querySelector('tbody tr') || table.querySelector('tr');
  const cells = row.children;
  const last = cells[cells.length - 1].getBoundingClientRect();
  const first = cells[0].getBoundingClientRect();
  const result = {
    wide, scrolls: getComputedStyle(table).overflowX === 'auto',
    lastInside: last.right <= box.right + 1 && last.left >= box.left - 1,
    firstPinned: Math.abs(first.left - box.left) < 2,
    inViewport: box.right <= window.innerWidth + 1,
  };
  table.scrollLeft = 0;
  return result;
})"""


def test_every_table_cell_is_within_reach_on_a_phone(built_sample, browser) -> None:
    page, _ = open_edition(browser, built_sample[1].html, 390, 844, phone=True)
    try:
        assert no_horizontal_scroll(page)
        tables = page.evaluate(TABLES)
        assert len(tables) >= 4
        assert any(t["wide"] for t in tables)  # the sample has tables wider than a phone
        for table in tables:
            assert table["inViewport"], table
            if table["wide"]:
                assert table["scrolls"] and table["lastInside"] and table["firstPinned"], table
    finally:
        page.close()


def test_contacts_sources_and_the_pdf_are_links(built_sample, browser) -> None:
    _, result = built_sample
    page, _ = open_edition(browser, result.html, 390, 844, phone=True)
    try:
        mails = page.eval_on_selector_all(
            ".contacts a[href^='mailto:']", "links => links.map(a => a.href)"
        )
        assert mails and all("@" in m for m in mails)
        assert page.locator(".contacts a[href^='tel:']").count() >= 1
        pdf = page.locator(".pdf-link a")
        assert pdf.is_visible() and pdf.get_attribute("href") == result.pdf.name
        text = page.locator("body").inner_text()
        assert "#displacement" not in text and "inputs/" not in text  # no internal paths
        assert "attached to this PDF" not in text and result.pdf.name in text
    finally:
        page.close()
