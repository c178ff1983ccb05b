"""The HTML edition beside the PDF: self-contained, nothing remote, fonts subset, fit for a phone.

Unit tests of `sitrep.render.edition.html_edition` on small documents and the real template assets;
then the sample's edition as `build` writes it, a hostile workspace template, and the edition in
a real browser (Chromium) at a phone's width and a desktop's.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitrep.errors import RenderError
from sitrep.render.edition import CSP, html_edition
from sitrep.report import BuildOptions, build_report
from sitrep.settings.config import DEFAULT_TEMPLATES

FONTS = DEFAULT_TEMPLATES / "fonts"
DARI = "کابل چاریکار جبل السراج"  # place names of the sample, as the places table shows them
FONT_FACES = (
    '@font-face { font-family: "Noto Sans"; src: url(fonts/NotoSans-Regular.ttf); }\n'
    '@font-face { font-family: "Noto Sans Arabic"; src: url("fonts/NotoSansArabic-Regular.ttf"); }'
)


def document(head: str = "", body: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>T</title>\n'
        f"<style>\n{FONT_FACES}\n{head}\n</style>\n</head>\n<body>\n"
        f'<img class="logo" src="logo.svg" alt="">\n<p>Kabul 19,435</p><p dir="rtl">{DARI}</p>\n'
        f"{body}\n</body>\n</html>\n"
    )


def loaded_urls(edition: str) -> list[str]:
    """Every URL the page names for loading: src, srcset, poster, url(), <link href>."""
    urls = re.findall(r"""\b(?:src|srcset|poster|data|background)\s*=\s*["']([^"']*)""", edition)
    urls += re.findall(r"""url\(\s*["']?([^)"']*)""", edition, re.I)
    urls += re.findall(r"""<link\b[^>]*\bhref\s*=\s*["']?([^"'\s>]*)""", edition, re.I)
    return urls


def start_tags(edition: str) -> list[str]:
    """The elements of a document as an HTML parser sees them (<style> content is not markup)."""
    tags: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            tags.append(tag)

    Parser().feed(edition)
    return tags


def embedded(edition: str, mime: str) -> list[bytes]:
    return [
        base64.b64decode(m)
        for m in re.findall(rf"data:{re.escape(mime)};base64,([A-Za-z0-9+/=]+)", edition)
    ]


def assert_self_contained(edition: str) -> None:
    for url in loaded_urls(edition):
        assert url == "" or url.startswith(("data:", "#")) or url == "about:invalid", url
    assert not re.search(r"(?:src=|url\()\W*(?:https?:)?//", edition, re.I)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in edition


# --- html_edition on small documents ------------------------------------------------------


def test_assets_are_embedded_and_fonts_subset_with_arabic_joining_kept() -> None:
    import uharfbuzz as hb

    edition = html_edition(document(), [DEFAULT_TEMPLATES])
    assert_self_contained(edition)
    assert 'src="data:image/svg+xml;base64,' in edition
    assert embedded(edition, "image/svg+xml") == [(DEFAULT_TEMPLATES / "logo.svg").read_bytes()]
    latin, arabic = embedded(edition, "font/ttf")
    assert len(latin) < (FONTS / "NotoSans-Regular.ttf").stat().st_size / 10
    assert len(arabic) < (FONTS / "NotoSansArabic-Regular.ttf").stat().st_size / 5

    def shaped(font: bytes, text: str) -> list[int]:
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(hb.Font(hb.Face(hb.Blob(font))), buf)
        return [info.codepoint for info in buf.glyph_infos]

    for word in DARI.split():
        glyphs = shaped(arabic, word)
        assert 0 not in glyphs, word  # every letter kept
        # joined: each letter takes its initial, medial or final form, not the isolated one
        isolated = [shaped(arabic, letter)[0] for letter in reversed(word)]
        assert glyphs != isolated, word
    assert 0 not in shaped(latin, "Kabul 19,435 KABUL")  # upper case too: CSS may ask for it


def test_the_edition_is_deterministic() -> None:
    html = document()
    assert html_edition(html, [DEFAULT_TEMPLATES]) == html_edition(html, [DEFAULT_TEMPLATES])


def test_the_policy_comes_first_and_the_text_is_untouched() -> None:
    text = '<p>&lt;img src=&quot;https://example.org/x.png&quot;&gt; url(http://x) &amp; "q"</p>'
    edition = html_edition(document(body=text), [DEFAULT_TEMPLATES])
    assert edition.startswith(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv='
    )
    assert text in edition  # text is text: never rewritten, even when it looks like a URL


def test_workspace_templates_come_first(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" id="mine"/>')
    edition = html_edition(document(), [tmp_path, DEFAULT_TEMPLATES])
    assert embedded(edition, "image/svg+xml") == [(tmp_path / "logo.svg").read_bytes()]
    assert len(embedded(edition, "font/ttf")) == 2  # the defaults' fonts still found


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/x.png",
        "http://example.org/x.png",
        "//example.org/x.png",
        "file:///etc/passwd",
        "/etc/passwd",
        "../../../../etc/passwd",
        "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "fonts/../../secret.txt",
        "outside.svg",  # a symbolic link out of the templates folder
        "data:image/svg+xml;base64,PHN2Zy8+",  # refused by the PDF's fetcher too
        "javascript:alert(1)",
        "missing.png",
    ],
)
def test_anything_but_a_template_asset_is_inert(tmp_path: Path, url: str) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates, ignore=shutil.ignore_patterns("i18n"))
    (tmp_path / "secret.txt").write_text("canary-secret")
    (templates / "outside.svg").symlink_to(tmp_path / "secret.txt")
    html = document(
        head=f'h1 {{ background: url("{url}") }} h2 {{ background: url({url}) }}',
        body=f'<img src="{url}"><img src=\'{url}\'><svg><image href="{url}"/></svg>'
        f'<video poster="{url}"></video><img srcset="{url} 2x" src="logo.svg">'
        f'<p style="background: url(&quot;{url}&quot;)">x</p>',
    )
    edition = html_edition(html, [templates])
    assert url not in edition
    assert "canary-secret" not in edition
    assert edition.count("url(about:invalid)") == 3
    assert edition.count('src=""') == 2
    assert_self_contained(edition)


def test_nothing_else_loads_or_runs(tmp_path: Path) -> None:
    body = (
        '<link rel="stylesheet" href="https://example.org/x.css">'
        '<link rel="dns-prefetch" href="//example.org">'
        '<script src="https://example.org/x.js"></script><script>fetch("https://x")</script>'
        '<meta http-equiv="refresh" content="0; url=https://example.org/">'
        '<iframe src="https://example.org/"></iframe><object data="https://example.org/x"></object>'
    )
    edition = html_edition(document(body=body), [DEFAULT_TEMPLATES])
    assert "example.org" not in edition
    assert not {"script", "link"} & set(start_tags(edition))
    assert edition.count("http-equiv") == 1  # the policy, nothing else
    assert_self_contained(edition)


def test_imports_of_template_stylesheets_are_inlined(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "extra.css").write_text('@import "more.css" screen;\nh1 { background: url(bg.svg) }')
    (theme / "more.css").write_text("h2 { color: red }\n</style><script>x()</script>")
    (theme / "bg.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    head = '@import url("theme/extra.css");\n@import url(https://example.org/x.css) print;'
    edition = html_edition(document(head=head), [tmp_path, DEFAULT_TEMPLATES])
    assert "@import" not in edition and "example.org" not in edition
    assert "@media screen {\nh2 { color: red }" in edition  # relative to the imported sheet
    assert embedded(edition, "image/svg+xml")[0] == (theme / "bg.svg").read_bytes()
    assert "script" not in start_tags(edition)  # an imported sheet cannot end the <style>
    assert_self_contained(edition)


def test_a_report_html_without_the_screen_sheet_gets_it() -> None:
    """Workspaces made by `sitrep init` before the edition have their own report.html without
    the screen stylesheet: their edition still reads on a phone."""
    screen = (DEFAULT_TEMPLATES / "screen.css").read_text("utf-8")
    rule = ".running { display: none; }"
    assert rule in screen
    edition = html_edition(document(), [DEFAULT_TEMPLATES])
    assert re.search(r'<style media="screen">[^<]*' + re.escape(rule), edition)
    assert edition.index('<style media="screen">') < edition.index("</head>")
    assert edition.count('<meta name="viewport"') == 1  # a phone lays it out at its own width
    assert_self_contained(edition)
    # a document that has one keeps it, and gets no second
    own = document().replace("</head>", '<style media="screen">p { color: red; }</style></head>')
    edition = html_edition(own, [DEFAULT_TEMPLATES])
    assert edition.count('media="screen"') == 1 and rule not in edition


def test_a_document_without_head_is_refused() -> None:
    with pytest.raises(RenderError, match="no <head>"):
        html_edition("<html><body><p>x</p></body></html>", [DEFAULT_TEMPLATES])


# --- the edition `build` writes -------------------------------------------------------------


@pytest.mark.slow
def test_the_sample_edition_is_self_contained_and_its_fonts_subset(built_sample) -> None:
    edition = built_sample[1].html.read_text("utf-8")
    assert_self_contained(edition)
    assert '<style media="screen">' in edition
    fonts = embedded(edition, "font/ttf")
    assert len(fonts) == len(list(FONTS.glob("*.ttf"))) == 5
    smallest_ttf = min(p.stat().st_size for p in FONTS.glob("*.ttf"))
    assert all(len(font) < smallest_ttf / 5 for font in fonts), [len(f) for f in fonts]
    assert len(edition.encode()) < 500_000


@pytest.mark.slow
def test_a_hostile_workspace_template_gives_an_edition_without_it(quick: Path) -> None:
    workspace = quick  # the header is in every report: no table or map needed
    header = workspace / "templates" / "partials" / "header.html"  # overrides sitrep's
    header.parent.mkdir(exist_ok=True)
    header.write_text(
        '<img src="https://example.org/x.png"><img src="../../etc/passwd">\n'
        "<style>@font-face { font-family: Evil; src: url(http://example.org/f.ttf); }\n"
        "h1 { background: url('../../etc/passwd'); }</style>\n"
        + (DEFAULT_TEMPLATES / "partials" / "header.html").read_text("utf-8"),
        encoding="utf-8",
    )
    result = build_report(BuildOptions(workspace=workspace))
    edition = result.html.read_text("utf-8")
    for text in ("//example.org", "etc/passwd"):
        assert text not in edition
    assert_self_contained(edition)
    assert "data:font/ttf;base64," in edition  # the templates' own assets still there


# --- in a browser ---------------------------------------------------------------------------


def open_edition(browser, path: Path, width: int, height: int, phone: bool = False):
    """The edition in a fresh page (a phone: a touch screen that honours <meta viewport>, as
    real phones do); every request it made, in order."""
    page = browser.new_page(
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=3 if phone else 1,
    )
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, requests


def fonts_used(page, selector: str) -> list[tuple[str, bool]]:
    """(family, custom?) of the fonts Chromium drew an element's text with."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [(f["familyName"], f["isCustomFont"]) for f in fonts]


def screenshot(page, name: str) -> None:
    """A full-page picture to look at, only when asked (SITREP_SCREENSHOTS=folder): it asserts
    nothing, and a phone's at 3x took 3 s of each run."""
    folder = os.environ.get("SITREP_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.slow
def test_the_edition_reads_on_a_phone_and_loads_nothing(built_sample, browser) -> None:
    path = built_sample[1].html
    page, requests = open_edition(browser, path, 390, 844, phone=True)
    try:
        # without <meta name="viewport"> a phone lays the page out 980 px wide, then shrinks it
        assert page.evaluate("window.innerWidth") == 390
        assert no_horizontal_scroll(page)
        assert page.locator("h1.report-title").is_visible()
        assert "North-east" in page.locator("h1.report-title").inner_text()
        first = page.locator(".tile .value").first
        assert first.is_visible() and first.inner_text() == "19,435"
        assert page.locator(".running").is_hidden()
        assert all(u == path.as_uri() or u.startswith("data:") for u in requests), requests

        assert page.evaluate("document.fonts.check('12px \"Noto Sans\"')")
        assert ("Noto Sans", True) in fonts_used(page, "h1.report-title")
        cell = "table.places td.local[dir=auto]"
        assert page.locator(cell).first.inner_text() == "کابل"
        assert fonts_used(page, cell) == [("Noto Sans Arabic", True)]
        loaded = page.evaluate(
            "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
        )
        assert "Noto Sans Arabic" in loaded
        screenshot(page, "edition-phone.png")
    finally:
        page.close()


@pytest.mark.slow
def test_the_edition_reads_on_a_desktop(built_sample, browser) -> None:
    page, _ = open_edition(browser, built_sample[1].html, 1280, 900)
    try:
        assert no_horizontal_scroll(page)
        column = page.evaluate("document.querySelector('h2').getBoundingClientRect().width")
        assert 600 < column <= 50 * 16  # a readable column (50rem), not the whole screen
        screenshot(page, "edition-desktop.png")
    finally:
        page.close()
