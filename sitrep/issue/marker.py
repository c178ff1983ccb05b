"""How `sitrep publish` knows the archive page and the feed it wrote from anyone else's.

`index.html` and `feed.xml` are rewritten each time a report is issued, unlike the reports,
which are only ever added. So publish writes them only over files that carry sitrep's marker:
`<meta name="generator" content="sitrep">` in the page, the Atom `<generator>sitrep</generator>`
in the feed (which every feed sitrep wrote already had). The marker is read with a parser (the
standard library's HTML parser, expat for the feed), never looked for as a substring: a page
that mentions it in a comment or its text is still someone else's, and so is a link or a
folder of that name.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from sitrep.render.markup import DOCTYPE, START, tokens

GENERATOR = "sitrep"
GENERATOR_META = f'<meta name="generator" content="{GENERATOR}">'
ATOM_GENERATOR = "{http://www.w3.org/2005/Atom}generator"
MAX_MARKER_BYTES = 16 * 1024 * 1024  # read to find the marker (sitrep's is near the top)
CHUNK = 64 * 1024


class _Generator(HTMLParser):
    """Finds `<meta name="generator" content="sitrep ...">` in an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "meta" and values.get("name", "").lower() == "generator":
            self.found |= values.get("content", "").split()[:1] == [GENERATOR]


def has_marker(html: str) -> bool:
    """Whether the HTML page `html` carries sitrep's generator meta element."""
    parser = _Generator()
    parser.feed(html)
    parser.close()
    return parser.found


def _feed_has_marker(path: Path) -> bool:
    """The file is XML whose first Atom <generator> is sitrep's (read until it is met)."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("end",))
    with path.open("rb") as handle:
        for _ in range(MAX_MARKER_BYTES // CHUNK):
            if not (chunk := handle.read(CHUNK)):
                return False
            try:
                parser.feed(chunk)
                for event in parser.read_events():
                    element = event[-1]  # "end" events only: always an element
                    if isinstance(element, ET.Element) and element.tag == ATOM_GENERATOR:
                        return (element.text or "").split()[:1] == [GENERATOR]
            except ET.ParseError:  # not XML: not sitrep's
                return False
    return False


def written_by_sitrep(path: Path) -> bool:
    """Whether publish may write `path` (`index.html` or `feed.xml`): there is nothing there,
    or a regular file with sitrep's marker. A link, a folder or a file without it is not."""
    if not path.exists() and not path.is_symlink():
        return True
    if path.is_symlink() or not path.is_file():
        return False
    if path.suffix == ".xml":
        return _feed_has_marker(path)
    with path.open("rb") as handle:
        return has_marker(handle.read(MAX_MARKER_BYTES).decode("utf-8", errors="replace"))


def with_marker(page: str) -> str:
    """An archive page with sitrep's generator meta element: a theme's `archive.html` that lacks
    it gets it just inside its <head>, else after its doctype, else at the start (found by the
    parser, never a pattern), so the next publish recognises the page as sitrep's own."""
    if has_marker(page):
        return page
    end = 0
    for token in tokens(page):
        if token.kind == START and token.name == "head":
            end = token.end
            break
        if token.kind == DOCTYPE:
            end = token.end
        elif token.kind == START and token.name == "body":
            break
    return f"{page[:end]}{GENERATOR_META}{page[end:]}"
