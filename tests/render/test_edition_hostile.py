"""A hostile theme against the HTML edition, read by parsers: what a pattern misreads.

Each case is markup or CSS a theme's template could hold that makes a browser load something,
written so that a search for `url(`, `@import\\s+` or a tag misses it (escapes, a comment, a
string inside `image-set()`, `--!>`, markup inside an `<svg>`'s `<style>` or an attribute of an
element whose content is text to a browser). The edition is opened in Chromium with its
Content-Security-Policy taken out, so that what is tested is the rewriting itself, not the
backstop: it must request nothing but itself and `data:` URIs. Then what a parser keeps: CSS
strings and comments, and the places that read the edition or the stylesheet (the preview, the
pre-send check, publish, the email's colour).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_edition import document

from sitrep.errors import RenderError
from sitrep.render.edition import CSP_META, html_edition
from sitrep.settings.config import DEFAULT_TEMPLATES

# id: markup for the body of a report (a theme's partial); CSS in a <style> of its own, with
# selectors the document has, so that a browser would load what it names
CASES = {
    "url() spelled with an escape": (
        "<style>p { background: u\\72l(https://example.org/1.png) }</style>"
    ),
    "url() left open at the end of a sheet": (
        "<style>p { background: url(https://example.org/2.png</style>"
    ),
    "@import after a comment": '<style>@import/**/"https://example.org/3.css";</style>',
    "@import spelled with an escape": '<style>@\\69mport "https://example.org/4.css";</style>',
    "a string in image-set()": (
        '<style>p { background-image: image-set("https://example.org/5.png" 1x) }</style>'
    ),
    "a string in image-set() through var()": (
        '<style>:root { --u: "https://example.org/6.png" }\n'
        "p { background-image: image-set(var(--u) 1x) }</style>"
    ),
    "a url() in a style attribute, escaped": (
        '<p style="background: u\\72l(https://example.org/7.png)">x</p>'
    ),
    "a comment a browser ends at --!>": '<!-- --!><img src="https://example.org/8.png"> -->',
    "a character reference in an SVG <style>": (
        "<svg><style>p { background: &#117;rl(https://example.org/9.png) }</style></svg>"
    ),
    "a tag in an SVG <style>": '<svg><style><img src="https://example.org/10.png"></style></svg>',
    "an attribute ending a <noscript>": (
        "<noscript><p title=\"</noscript><img src='https://example.org/11.png'>\"></p></noscript>"
    ),
    "an attribute ending a <textarea>": (
        "<textarea><p title=\"</textarea><img src='https://example.org/12.png'>\"></p></textarea>"
    ),
    "a document in srcdoc": "<iframe srcdoc=\"<img src='https://example.org/13.png'>\"></iframe>",
    "a value in backquotes": "<img src=`../../../../etc/hosts`>",
}


def without_policy(edition: str) -> str:
    assert edition.count(CSP_META) == 1
    return edition.replace(CSP_META, "")


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for the module, a fresh page in it per case: a context took half of
    each case's time. Nothing carries over from one case to the next: every request but the
    page's own (a new file each time) is refused, so nothing is cached."""
    made = browser.new_context()
    yield made
    made.close()


def requests_of(context, path: Path) -> list[str]:
    """Every URL Chromium asks for while it opens `path` (all but the page itself refused)."""
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url == path.as_uri() else route.abort(),
    )
    try:
        page.goto(path.as_uri(), wait_until="load")
        # styles applied, fonts and images asked for: two frames after the fonts are ready
        page.evaluate(
            "document.fonts.ready.then(() => new Promise(r => requestAnimationFrame("
            "() => requestAnimationFrame(r))))"
        )
    finally:
        page.close()
    return [u for u in requests if u != path.as_uri() and not u.startswith(("data:", "about:"))]


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_theme_makes_a_browser_load_nothing(case, context, tmp_path: Path) -> None:
    edition = html_edition(document(body=CASES[case]), [DEFAULT_TEMPLATES])
    path = tmp_path / "edition.html"
    path.write_text(without_policy(edition), encoding="utf-8")
    assert requests_of(context, path) == []


def test_a_url_or_import_in_a_css_string_or_comment_stays_text() -> None:
    """CSS reads `url(` inside a string or a comment as text: so does the edition."""
    css = (
        "p::before { content: \"url(logo.svg) @import 'theme.css';\" }\n"
        '/* @import "more.css"; url(https://example.org/c.png) */'
    )
    edition = html_edition(document(head=css), [DEFAULT_TEMPLATES])
    assert css in edition


def test_a_template_with_markup_before_its_head_is_refused() -> None:
    """A browser starts the body at the first element before <head>, and honours no policy
    there: such a template has no edition rather than one without its policy."""
    html = document().replace("<head>", '<img src="logo.svg">\n<head>')
    with pytest.raises(RenderError, match="before its <head>"):
        html_edition(html, [DEFAULT_TEMPLATES])
    # a comment, a doctype and the <html> tag before it are fine
    assert CSP_META in html_edition("<!-- theme -->\n" + document(), [DEFAULT_TEMPLATES])
