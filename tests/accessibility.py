"""WCAG 2.2 AA in a real browser: axe-core run in Chromium, and what axe does not measure.

axe-core is the npm package the Makefile installs into `.venv/axe` (`make test`); it is injected
into the page with Playwright, in a context that bypasses the page's Content-Security-Policy
(the HTML edition forbids every script: a reader's browser runs none). The rules are WCAG 2.0,
2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, one main, regions).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = (390, 1280)
MIN_TEXT_PX = 12.0

RUN = """tags => axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  }).then(r => r.violations.map(v => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ': '
      + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  })))"""

# Every visible text node smaller than the minimum: its text and size.
SMALL_TEXT = """min => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || !element.checkVisibility({visibilityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getBoundingClientRect().width === 0) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < min) small.push(`${node.textContent.trim().slice(0, 40)} (${size.toFixed(1)} px)`);
  }
  return small;
}"""


def axe_script() -> str:
    """axe-core's source; a failure that says how to install it when it is missing."""
    if not AXE.is_file():
        npm = shutil.which("npm")
        why = "npm is not installed" if npm is None else f"npm is at {npm}"
        pytest.fail(
            f"axe-core is missing ({AXE.relative_to(ROOT)}): run `make test`, which installs "
            f"it with npm ({why}); the accessibility tests cannot pass without it"
        )
    return AXE.read_text("utf-8")


def open_page(browser, url: str, width: int):
    """A page at `width` (a phone below 500 px: touch and its own viewport) in a context that
    lets axe in despite the page's Content-Security-Policy."""
    phone = width < 500
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=phone, has_touch=phone,
        bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    page.goto(url)
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def violations(page, script: str) -> list[str]:
    """axe's violations on the page as it is now, one line per node."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=script)
    found = page.evaluate(RUN, TAGS)
    return [f"{v['id']} ({v['impact']}): {node}" for v in found for node in v["nodes"]]


def small_text(page) -> list[str]:
    return page.evaluate(SMALL_TEXT, MIN_TEXT_PX)


def check(page, script: str, where: str) -> None:
    """No axe violation and no text under 12 px on `page`, every disclosure (<details>: a
    chart's figures) opened first, so that what it holds is checked too."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems = violations(page, script) + [f"text under 12 px: {t}" for t in small_text(page)]
    assert not problems, f"{where}: {len(problems)} problems:\n" + "\n".join(problems[:40])
