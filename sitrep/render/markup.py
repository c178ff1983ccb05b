"""HTML read by a parser (the standard library's), each token with its place in the source.

The HTML edition, the preview, the pre-send check and `sitrep publish` read the report's HTML
through `tokens`: start tags with their attributes (names in lower case, values with character
references decoded), end tags, text, the content of `<style>` and `<script>`, comments and the
doctype, each with the span of the source it was read from, so a rewriter copies what it leaves
alone byte for byte and replaces only what it must.

`html.parser` is quick (a few milliseconds for a report, where a full HTML5 parse takes ten times
more: bench/README) but is not a browser: on some input (`<!-- --!>`, `</style x>`, a `<style>`
inside `<svg>`, an unquoted value with a quote in it) it reads a token where a browser reads
another. So whoever writes HTML for a browser from these tokens writes each token in a form both
read alike (see `sitrep.render.edition`): tags from their parsed attributes unless the source
already says exactly that (`start_tag`), text with no `<`, no comment a browser could end
elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import accumulate

START, END, DATA, RAW, COMMENT, DOCTYPE, OTHER = (
    "start",  # <name attr="value">
    "end",  # </name>
    "data",  # text; `text` has its character references decoded
    "raw",  # what a <style> or <script> holds, as written
    "comment",  # <!--text-->
    "doctype",  # <!DOCTYPE html>
    "other",  # a processing instruction or marked section: nothing a report needs
)
WHITESPACE = " \t\n\r\f"  # HTML's own, not Python's (which counts U+00A0 and more)


@dataclass(slots=True)
class Token:
    kind: str  # one of the kinds above
    start: int  # [start, end) in the source
    end: int
    name: str = ""  # a tag's name, in lower case
    attrs: tuple[tuple[str, str | None], ...] = ()  # (name in lower case, value or None)
    text: str = ""  # data: the text; raw, comment, doctype: as written; start: the tag's source
    closed: bool = False  # a start tag written `<name/>`

    def attr(self, name: str) -> str | None:
        """The first value of attribute `name` (None when absent or written without a value)."""
        return next((value for key, value in self.attrs if key == name), None)

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.attrs)


class _Reader(HTMLParser):
    """Collects each token with the offset where it starts (`getpos` is the token's line and
    column while a handler runs), which is where the one before it ends."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0, *accumulate(len(line) + 1 for line in html.split("\n"))]
        self.found: list[Token] = []
        self.raw_element: str | None = None  # a <style> or <script> the parser reads as text

    def _add(self, kind: str, name: str = "", text: str = "") -> None:
        line, column = self.getpos()
        at = self.line_starts[line - 1] + column
        self._upto(at)
        self.found.append(Token(kind, at, 0, name, text=text))

    def _upto(self, at: int) -> None:
        """End the last token at `at`: a start tag ends where its source does, and what follows
        it up to `at` (never reported: `</>`, the rest of an unclosed <style>) is text, or the
        content of the element it opened."""
        if not self.found:
            return
        last = self.found[-1]
        if last.kind != START:
            last.end = at
        elif last.end < at:
            gap = self.html[last.end : at]
            kind = RAW if self.raw_element else DATA
            self.found.append(Token(kind, last.end, at, text=gap))

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        line, column = self.getpos()
        at, source = self.line_starts[line - 1] + column, self.get_starttag_text() or ""
        self._upto(at)
        self.found.append(Token(START, at, at + len(source), tag, tuple(attrs), source, closed))
        if not closed and tag in self.CDATA_CONTENT_ELEMENTS:
            self.raw_element = tag  # as the parser does: its content is text up to </tag>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, True)

    def handle_endtag(self, tag: str) -> None:
        self._add(END, tag)
        if tag == self.raw_element:
            self.raw_element = None

    def handle_data(self, data: str) -> None:
        self._add(RAW if self.raw_element else DATA, text=data)

    def handle_comment(self, data: str) -> None:
        self._add(COMMENT, text=data)

    def handle_decl(self, decl: str) -> None:
        self._add(DOCTYPE, text=decl)

    def handle_pi(self, data: str) -> None:
        self._add(OTHER)

    def unknown_decl(self, data: str) -> None:
        self._add(OTHER)


def tokens(html: str) -> list[Token]:
    """Every token of `html` in order; together their spans cover the whole source.

    What the parser passes over without a token (`</>`, or the rest of an unclosed `<style>`,
    which it never reports) becomes part of the token before it or, after a start tag, a token
    of its own: text, or the raw content of the element the tag opened.
    """
    reader = _Reader(html)
    reader.feed(html)
    reader.close()
    reader._upto(len(html))
    return reader.found


def escape_attribute(value: str) -> str:
    """An attribute value for between double quotes, escaped as Jinja escapes (`&#34;`, `&#39;`),
    with no `<` or `>` a browser could read as markup inside an element whose content is text
    to it (`<title>`, `<noscript>`, `<textarea>`)."""
    if "&" in value or "<" in value or ">" in value or '"' in value or "'" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace('"', "&#34;").replace("'", "&#39;")
    return value


def start_tag(name: str, attrs: tuple[tuple[str, str | None], ...], closed: bool = False) -> str:
    """`<name attr="value">` as written from parsed attributes: what the parser read, in the one
    form every HTML parser reads alike."""
    text = "<" + name
    for key, value in attrs:
        text += " " + key if value is None else f' {key}="{escape_attribute(value)}"'
    return text + ("/>" if closed else ">")


# References that mean the same character in an attribute value, each as `escape_attribute`
# writes it; and an apostrophe, which means itself inside double quotes.
SAME_REFERENCES = (("&quot;", "&#34;"), ("&#x22;", "&#34;"), ("&#x27;", "&#39;"), ("'", "&#39;"))


def written_as_read(token: Token) -> bool:
    """The start tag's source says exactly what the parser read from it, so it can be kept: it
    is the tag as `start_tag` writes it, up to the case of names and references (which every
    parser folds alike), the spelling of a quote's reference, and `<name/>` or `<name />`."""
    canonical = start_tag(token.name, token.attrs)
    source = token.text
    if source == canonical:
        return True
    source = source.lower()
    if "&" in source or "'" in source:
        for reference, written in SAME_REFERENCES:
            source = source.replace(reference, written)
    body = canonical[:-1].lower()
    return source in (body + ">", body + "/>", body + " />")


def text_of(html: str) -> list[str]:
    """The text of a document, piece by piece: no tag, comment, script or stylesheet."""
    return [token.text for token in tokens(html) if token.kind == DATA]
