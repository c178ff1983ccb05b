"""An issued report as `sitrep publish`'s archive page and feed show it: its title, language,
highlights and key figures, read from its HTML edition (`read_edition`, by the classes the
default templates give them) with the standard library's HTML parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Figure:
    value: str  # as the report prints it ("12,400")
    caption: str


@dataclass(frozen=True)
class Entry:
    """One issued report, as the archive and the feed show it."""

    date: str  # ISO
    number: int
    revision: int
    title: str  # the edition's <title>
    language: str  # the edition's lang
    pdf: str  # relative to the published folder, with "/"
    html: str
    highlights: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    pdf_size: int = 0  # the PDF's bytes: the feed's enclosure length
    written: str = ""  # when the PDF was written (UTC, ISO, to the second): a revision's own
    word: str = ""  # the Word edition (.docx), when the report has one


VOID = {"br", "img", "hr", "wbr", "input", "meta", "link", "source", "col", "area"}
SECTIONS = {"highlights", "key-figures"}  # the classes of the sections the summary is read from


class _Enough(Exception):
    """Both sections have been read: what follows (the charts, most of an edition) is not."""


class _Summary(HTMLParser):
    """The title, language, highlights (`.highlights li`) and key figures (`.tile .value/.caption`)
    of an edition, read with the standard library's parser up to the end of the two sections.

    That parser: these few kilobytes need no HTML5 tree, and a full parser costs ten times more
    per edition, which a publish of a hundred reports pays each run. An element left open is
    closed by the end tag of one that holds it, as a browser does.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.lang: str | None = None
        self.title: list[str] | None = None  # the first <title>'s text, once it starts
        self.in_title = False
        self.highlights: list[str] = []
        self.figures: list[list[str]] = []
        self.capture: list[str] | None = None
        self.capture_depth = 0
        self.done: set[str] = set()  # the sections read to their end

    def _within(self, name: str) -> bool:
        return any(name in classes for _, classes in self.stack)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "html" and self.lang is None:
            self.lang = values.get("lang") or ""
        if tag == "title" and self.title is None:
            self.title, self.in_title = [], True
        classes = set((values.get("class") or "").split())
        if tag in VOID:
            return
        self.stack.append((tag, classes))
        if "tile" in classes and self._within("key-figures"):
            self.figures.append(["", ""])
        highlight = tag == "li" and self._within("highlights")
        figure = bool(classes & {"value", "caption"}) and self._within("tile") and self.figures
        if self.capture is None and (highlight or figure):
            self.capture, self.capture_depth = [], len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in VOID or tag not in (name for name, _ in self.stack):
            return  # a stray end tag
        while self.stack:
            if self.capture is not None and len(self.stack) == self.capture_depth:
                self._captured()
            name, classes = self.stack.pop()
            self.done |= classes & SECTIONS
            if name == tag:
                break
        if self.done == SECTIONS:
            raise _Enough

    def _captured(self) -> None:
        text = " ".join("".join(self.capture or []).split())
        _, classes = self.stack[-1]
        if "value" in classes:
            self.figures[-1][0] = text
        elif "caption" in classes:
            self.figures[-1][1] = text
        else:
            self.highlights.append(text)
        self.capture = None

    def handle_data(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)
        if self.in_title and self.title is not None:
            self.title.append(data)


def read_edition(html: str) -> tuple[str, str, tuple[str, ...], tuple[Figure, ...]]:
    """(title, language, highlights, key figures) of an issued HTML edition.

    Read by the classes the default templates give them (`highlights`, `key-figures`, `tile`,
    `value`, `caption`); a workspace's template without them gives an entry with no summary.
    """
    summary = _Summary()
    try:
        summary.feed(html)
        summary.close()
    except _Enough:
        pass
    title = " ".join("".join(summary.title or []).split())
    figures = tuple(Figure(v, c) for v, c in summary.figures if v)  # c: "" for words alone
    return title, summary.lang or "", tuple(summary.highlights), figures
