"""The Word edition: the report as a .docx (python-docx), for staff who paste its sections into
larger reports.

It is made from what the templates made of the report's context, the print HTML, read with the
HTML parser (`sitrep.render.markup`), so it says exactly what the PDF says, a workspace's own
templates included: each heading becomes a Word heading (`Heading 1`-`4`), each table a Word
table whose header rows repeat on every page, each chart and the map a PNG (`sitrep.render.
raster`) with the drawing's description as its alt text, and the running header a real page
header and footer with page numbers. What only a screen shows (the link to the PDF, a chart's
figures again, the phone's drawing) is left out, as the PDF leaves it out. Styles, page and the
same bytes each time: `sitrep.render.wordstyles`.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK
from docx.shared import Pt

from sitrep.render import wordstyles
from sitrep.render.drawing import is_rtl
from sitrep.render.markup import DATA, END, START, WHITESPACE, Token, tokens
from sitrep.render.raster import drawing_png

SKIPPED = {"head", "style", "script", "template", "svg", "img", "details", "button"}
HIDDEN = {"screen-only", "narrow", "running", "visually-hidden"}  # never printed as text
HEADINGS = {f"h{n}": f"Heading {min(n, 4)}" for n in range(1, 7)}
BLOCKS = {"p", "li", "figcaption", "aside", "blockquote", "div", "section", "header", "main",
          "footer", "figure", "ul", "ol", "dl", "dt", "dd", "tr", "table", *HEADINGS}  # fmt: skip
SOURCES = {"provenance", "figure-source", "footnote", "standard-line", "sources", "source"}
VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "area", "source"}


@dataclass
class _Cell:
    header: bool
    number: bool
    runs: list[tuple[str, bool, bool]] = field(default_factory=list)


@dataclass
class _Table:
    rows: list[tuple[bool, list[_Cell]]] = field(default_factory=list)  # (in <thead>, cells)
    head: bool = False


def word_edition(html: str, dirs: list[Path], day: dt.date) -> bytes:
    """The report's print HTML as a .docx: the same bytes for the same HTML and day.

    `dirs` are the template folders (the drawings' fonts are there).
    """
    return _Writer(html, dirs, day).write()


class _Writer:
    def __init__(self, html: str, dirs: list[Path], day: dt.date) -> None:
        self.html, self.dirs, self.day = html, [d.resolve() for d in dirs if d.is_dir()], day
        self.document = docx.Document()
        self.runs: list[tuple[str, bool, bool]] = []  # the paragraph being read
        self.blocks: list[Token] = []  # the open block elements, innermost last
        self.bold = self.italic = 0
        self.table: _Table | None = None
        self.cell: _Cell | None = None
        self.running: dict[str, str] = {}
        self.title = ""
        self.ids: dict[str, str] = {}

    def write(self) -> bytes:
        found = tokens(self.html)
        root = next((t for t in found if t.kind == START and t.name == "html"), None)
        body = next((t for t in found if t.kind == START and t.name == "body"), None)
        language = (root.attr("lang") if root else None) or "en"
        rtl = (root.attr("dir") if root else None) == "rtl"
        self.rtl = rtl
        page = "letter" if "page-letter" in _classes(body) else "a4"
        wordstyles.set_up(self.document, language, rtl, page)
        self.document._body.clear_content()
        self._walk(found)
        office = self.running.get("ro", "")
        lines = [t for t in (self.running.get("rt", ""), office) if t]
        page_word = self.running.get("pa", "Page ")
        of = self.running.get("pb", " of ")
        wordstyles.header_and_footer(self.document, lines, page_word, of)
        wordstyles.properties(self.document, self.title, office, self.day, language)
        return wordstyles.fixed_bytes(self.document, self.day)

    # -- reading --------------------------------------------------------------------------
    def _walk(self, found: list[Token]) -> None:
        skip: list[str] = []  # the element being left out, and its nesting
        in_title = False
        for i, t in enumerate(found):
            if skip:
                if t.kind == START and t.name == skip[0] and not t.closed:
                    skip.append(t.name)
                elif t.kind == END and t.name == skip[0]:
                    skip.pop()
                continue
            if t.kind == START and t.name == "title":
                in_title = True
            elif t.kind == END and t.name == "title":
                in_title = False
            elif t.kind == DATA and in_title:
                self.title += t.text
            elif t.kind == START and "running" in _classes(t):
                skip = self._running(found, i)
            elif t.kind == START and {"drawing", "wide"} <= _classes(t):
                self._drawing(found, i, t)
                skip = [t.name]
            elif t.kind == START and (t.name in SKIPPED or _classes(t) & HIDDEN):
                if not t.closed and t.name not in VOID:
                    skip = [t.name]
            elif t.kind == START:
                self._start(t)
            elif t.kind == END:
                self._end(t)
            elif t.kind == DATA:
                self._text(t.text)

    def _running(self, found: list[Token], at: int) -> list[str]:
        """The running header's texts (title line, office, "Page", "of"), by their class."""
        key = None
        for t in found[at + 1 :]:
            if t.kind == START and t.name == "span":
                key = next(iter(_classes(t)), None)
            elif t.kind == DATA and key:
                self.running[key] = self.running.get(key, "") + _squeeze(t.text, True)
            elif t.kind == END and t.name == "span":
                key = None
            elif t.kind == END and t.name == found[at].name:
                break
        for key, value in self.running.items():
            self.running[key] = value if key in ("pa", "pb") else value.strip()
        return [found[at].name]

    def _start(self, t: Token) -> None:
        if t.name in ("strong", "b"):
            self.bold += 1
        elif t.name in ("em", "i"):
            self.italic += 1
        elif t.name == "br":
            self.runs.append(("\n", False, False))
        elif t.name == "table":
            self._flush()
            self.table = _Table()
        elif t.name == "thead" and self.table:
            self.table.head = True
        elif t.name == "tr" and self.table:
            self.table.rows.append((self.table.head, []))
        elif t.name in ("td", "th") and self.table and self.table.rows:
            self.cell = _Cell(t.name == "th", "num" in _classes(t))
            self.table.rows[-1][1].append(self.cell)
        elif t.name in BLOCKS:
            self._flush()
            if not t.closed:
                self.blocks.append(t)

    def _end(self, t: Token) -> None:
        if t.name in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif t.name in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif t.name in ("td", "th"):
            self.cell = None
        elif t.name == "thead" and self.table:
            self.table.head = False
        elif t.name == "table" and self.table:
            self._write_table(self.table)
            self.table = None
        elif t.name in BLOCKS:
            self._flush()
            for at in range(len(self.blocks) - 1, -1, -1):
                if self.blocks[at].name == t.name:
                    del self.blocks[at:]
                    break

    def _text(self, text: str) -> None:
        target = self.cell.runs if self.cell else self.runs
        if self.table and not self.cell:
            return  # whitespace between a table's rows and cells
        target.append((_squeeze(text, True), self.bold > 0, self.italic > 0))

    # -- writing --------------------------------------------------------------------------
    def _style(self) -> str:
        """The paragraph style of the text being read, from the blocks around it."""
        for block in reversed(self.blocks):
            classes = _classes(block)
            if block.name in HEADINGS:
                return HEADINGS[block.name]
            if "value" in classes:
                return "Key Figure"
            if classes & SOURCES:
                return "Source"
            if "notice" in classes:
                return "Notice"
            if block.name == "figcaption":
                return "Caption"
            if block.name == "li":
                outer = [b.name for b in self.blocks if b.name in ("ul", "ol")]
                return "List Number" if outer and outer[-1] == "ol" else "List Bullet"
        return "Normal"

    def _flush(self) -> None:
        runs = _trimmed(self.runs)
        self.runs = []
        if not runs:
            return
        paragraph = self._paragraph(self._style())
        self._add_runs(paragraph, runs)

    def _id(self, style: str) -> str:
        """A style's id (python-docx looks it up through every style each time it is named)."""
        if style not in self.ids:
            self.ids[style] = self.document.styles[style].style_id
        return self.ids[style]

    def _paragraph(self, style: str):
        paragraph = self.document.add_paragraph()
        paragraph._p.style = self._id(style)
        return paragraph

    def _add_runs(self, paragraph, runs: list[tuple[str, bool, bool]]) -> None:
        for text, bold, italic in runs:
            for n, part in enumerate(text.split("\n")):
                if n:
                    paragraph.add_run().add_break(WD_BREAK.LINE)
                if not part:
                    continue
                run = paragraph.add_run(part)
                if bold or italic:
                    run._r.style = self._id("Strong" if bold else "Emphasis")
                if self.rtl or is_rtl(part):
                    run.font.rtl = True

    def _write_table(self, read: _Table) -> None:
        rows = [(head, cells) for head, cells in read.rows if cells]
        if not rows:
            return
        if not any(head for head, _ in rows) and all(c.header for c in rows[0][1]):
            rows[0] = (True, rows[0][1])  # a first row of column headings, without <thead>
        width = max(len(cells) for _, cells in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles[wordstyles.TABLE_STYLE]
        if self.rtl:
            wordstyles.right_to_left_table(table)
        for (head, cells), row in zip(rows, table.rows, strict=True):
            if head:
                wordstyles.header_row(row)
            for cell, target in zip(cells, row.cells, strict=False):
                paragraph = target.paragraphs[0]
                paragraph._p.style = self._id(
                    "Table Heading"
                    if cell.header
                    else "Table Number"
                    if cell.number and not self.rtl
                    else "Table Text"
                )
                self._add_runs(paragraph, _trimmed(cell.runs))
        self._paragraph("Source")  # apart from what follows, a table just after included

    def _drawing(self, found: list[Token], at: int, start: Token) -> None:
        """A chart or the map as a PNG, its description the picture's alt text."""
        depth, end = 0, len(self.html)
        for t in found[at:]:
            if t.name == start.name and t.kind == START and not t.closed:
                depth += 1
            elif t.name == start.name and t.kind == END:
                depth -= 1
                if depth == 0:
                    end = t.end
                    break
        self._flush()
        png, width, _ = drawing_png(self.html[start.start : end], self.dirs)
        section = self.document.sections[0]
        page, left, right = section.page_width, section.left_margin, section.right_margin
        assert page is not None and left is not None and right is not None  # the template's
        room = page - left - right
        paragraph = self._paragraph("Figure")
        picture = paragraph.add_run().add_picture(io.BytesIO(png), width=min(Pt(width), room))
        description = start.attr("aria-label") or ""
        properties = picture._inline.docPr
        properties.set("descr", description)
        properties.set("title", description[:255])


def _classes(t: Token | None) -> set[str]:
    return set((t.attr("class") or "").split()) if t else set()


def _squeeze(text: str, keep_ends: bool) -> str:
    """HTML's white space as a browser shows it: each run of it one space."""
    words = text.split()
    if not words:
        return " " if text and keep_ends else ""
    out = " ".join(words)
    if keep_ends and text[0] in WHITESPACE:
        out = " " + out
    if keep_ends and text[-1] in WHITESPACE:
        out += " "
    return out


def _trimmed(runs: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """A paragraph's runs without white space at either end, nor doubled between runs."""
    out: list[tuple[str, bool, bool]] = []
    for text, bold, italic in runs:
        if (out and out[-1][0].endswith((" ", "\n"))) or not out:
            text = text.lstrip(" ")
        if text:
            out.append((text, bold, italic))
    while out and not out[-1][0].rstrip(" "):
        out.pop()
    if out:
        out[-1] = (out[-1][0].rstrip(" "), *out[-1][1:])
    return out
