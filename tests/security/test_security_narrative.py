"""The narrative is partner text: every hostile snippet comes out as the text that was written.

Fast unit tests on `sitrep.inputs.narrative` (no WeasyPrint): the HTML it hands to the templates
holds
only allow-listed tags and attributes, links only to http(s)/mailto, and the reader sees each
attempt literally. The end-to-end build is in test_security_e2e.py.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest

from sitrep.inputs.narrative import ALLOWED_TAGS, _markdown_to_safe_html, _plain, load_narrative
from sitrep.safety.links import is_allowed_link
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
SUBSTITUTES = {
    "@CANARY_URL@": "http://127.0.0.1:9/canary",
    "@CANARY_HOST@": "127.0.0.1:9",
    "@CANARY_FILE@": "/nonexistent/canary-secret.txt",
}
ALLOWED_ATTRIBUTES = {"href", "title", "rel", "align"}


def corpus(name: str) -> list[dict[str, str]]:
    """The hostile cases of `name`.json, placeholders filled in."""
    text = (HOSTILE / f"{name}.json").read_text(encoding="utf-8")
    for placeholder, value in SUBSTITUTES.items():
        text = text.replace(placeholder, value)
    return json.loads(text)


NARRATIVE = corpus("narrative")


class _Elements(HTMLParser):
    """Every start tag and its attributes, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def folded(text: str) -> str:
    return " ".join(text.split())


def test_the_corpus_is_large_enough():
    assert len(NARRATIVE) >= 25
    assert len({case["name"] for case in NARRATIVE}) == len(NARRATIVE)


@pytest.mark.parametrize("case", NARRATIVE, ids=[c["name"] for c in NARRATIVE])
def test_hostile_markdown_is_only_allowed_markup(case):
    html = _markdown_to_safe_html(case["markdown"])
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, html
        assert set(attrs) <= ALLOWED_ATTRIBUTES, html
        if "href" in attrs:
            assert is_allowed_link(attrs["href"] or ""), html


@pytest.mark.parametrize("case", NARRATIVE, ids=[c["name"] for c in NARRATIVE])
def test_hostile_markdown_is_shown_as_written(case):
    shown = case.get("shown", case["markdown"])
    assert folded(shown) in folded(_plain(_markdown_to_safe_html(case["markdown"])))


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        # & is escaped once: "&amp;" written by a partner is an ampersand, not the text "&amp;".
        ("AT&T &amp; co", "<p>AT&amp;T &amp; co</p>"),
        ("`a < b && c`", "<p><code>a &lt; b &amp;&amp; c</code></p>"),
        ("    <b>indented</b>", "<code>&lt;b&gt;indented&lt;/b&gt;\n</code>"),
        ("> quoted <b>x</b>", "<blockquote>\n<p>quoted &lt;b&gt;x&lt;/b&gt;</p>\n</blockquote>"),
    ],
)
def test_escaping_happens_exactly_once(markdown, html):
    assert _markdown_to_safe_html(markdown) == html


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[OCHA](https://www.unocha.org/)", "https://www.unocha.org/"),
        ("<https://reliefweb.int/>", "https://reliefweb.int/"),
        ("[mail](mailto:imo@example.org)", "mailto:imo@example.org"),
        ("[r][1]\n\n[1]: http://example.org/r", "http://example.org/r"),
    ],
)
def test_ordinary_links_still_work(markdown, href):
    links = [attrs for tag, attrs in elements(_markdown_to_safe_html(markdown)) if tag == "a"]
    assert links == [{"href": href, "rel": "noopener noreferrer"}]


def test_a_link_inside_refused_syntax_is_not_half_rendered():
    html = _markdown_to_safe_html("![a [b](http://example.org/) c](http://169.254.169.254/)")
    assert "<img" not in html
    assert "169.254.169.254" in html


def test_ordinary_narrative_keeps_its_formatting():
    table = "| a | b |\n|---|---|\n| 1 | 2 |"
    html = _markdown_to_safe_html(f"**Needs:** food.\n\n- one\n- two\n\n{table}")
    assert "<strong>Needs:</strong>" in html
    assert "<li>one</li>" in html
    assert "<td>1</td>" in html


def test_load_narrative_sanitises_highlights_and_sections(tmp_path):
    folder = tmp_path / "narrative"
    folder.mkdir()
    (folder / "2021-08-24.md").write_text(
        "# Highlights\n"
        "- <img src=x onerror=alert(1)> first\n"
        "- ![x](http://169.254.169.254/) second\n\n"
        "# Situation overview\n"
        "<script>alert(1)</script>\n\n"
        "# <b>Unknown</b> heading\n"
        "[x](file:///etc/passwd)\n",
        encoding="utf-8",
    )
    narrative, _ = load_narrative(folder, dt.date(2021, 8, 24), tmp_path)
    assert narrative.highlights_text == [
        "<img src=x onerror=alert(1)> first",
        "![x](http://169.254.169.254/) second",
    ]
    overview = narrative.sections["overview"]
    assert "&lt;script&gt;" in overview and "<script" not in overview
    assert "&lt;b&gt;Unknown&lt;/b&gt;" in overview
    assert "[x](file:///etc/passwd)" in overview
    assert "href" not in overview
