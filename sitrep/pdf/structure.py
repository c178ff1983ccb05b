"""The PDF's structure tree, made what a screen reader needs (PDF/UA-1, ISO 14289-1).

WeasyPrint tags the PDF from its layout, page by page. Read back, that tree has gaps this module
closes, on WeasyPrint's own objects just before the file is written (its `finisher` hook):

- the running header, footer and page numbers (CSS margin boxes) are marked content left out of
  the tree: they become `/Artifact /Pagination`, as page furniture is;
- an element that breaks across pages is one element per page: a section, a table, a list are
  joined back into one, and a table's header row repeated on the next page is an artifact;
- a drawing (`role="img"` with an `aria-label`: a chart, the map) is one `Figure` whose
  alternative text is that label, its text labels inside it, rather than an SVG figure beside
  loose labels; `aria-hidden` elements and fixed-position decoration (a draft's watermark) are
  artifacts;
- header cells get their `/Scope` (the HTML `scope`, else a column header in `<thead>` and a row
  header first in its row), and elements left with nothing in them are removed.

To know which HTML element made which structure element, the layout box of each one is recorded
while WeasyPrint builds the tree (`recording`): a thin wrapper around WeasyPrint's tree builder,
active only in the thread writing a PDF. Every change checks what it finds (the tags WeasyPrint
wrote, the boxes' elements) and leaves alone what it does not recognise.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf

_RECORD = threading.local()  # .boxes: {structure element's object number: layout box}
PAGINATION = pydyf.Dictionary({"Type": "/Pagination"})
UNSPLIT = {"/Figure", "/Link", "/Span", "/TR", "/TH", "/TD", "/Lbl"}  # never joined
SCOPES = {"row": "/Row", "col": "/Column", "rowgroup": "/Row", "colgroup": "/Column"}


def _install() -> None:
    """Wrap WeasyPrint's tree builder once, so that it records each element's box."""
    from weasyprint.pdf import tags  # WeasyPrint: imported only where a PDF is made

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "sitrep_records", False):
        return  # another WeasyPrint (nothing recorded: only what needs no box is mended)

    def recording_build(box, *args):  # the builder calls itself through the module: recorded
        boxes = getattr(_RECORD, "boxes", None)
        for element in build(box, *args):
            if boxes is not None:
                boxes.setdefault(element.number, box)
            yield element

    # a mark on the function itself (a second install finds it there)
    recording_build.sitrep_records = True  # type: ignore[attr-defined]
    tags._build_box_tree = recording_build


@contextmanager
def recording() -> Iterator[dict[int, Any]]:
    """The layout box of each structure element WeasyPrint makes in this thread meanwhile."""
    _install()
    boxes: dict[int, Any] = {}
    _RECORD.boxes = boxes
    try:
        yield boxes
    finally:
        del _RECORD.boxes


def make_accessible(pdf: pydyf.PDF, boxes: dict[int, Any]) -> None:
    """Close the structure tree's gaps (see the module's docstring), in place."""
    if "StructTreeRoot" not in pdf.catalog:
        return  # an untagged variant: nothing to mend
    tree = _Tree(pdf, boxes)
    tree.mend_elements()  # one pass: drawings, hidden content, header cells
    tree.join_pages()
    tree.prune_empty(tree.document)
    tree.orphans_as_artifacts()


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


class _Tree:
    """WeasyPrint's structure tree as pydyf objects, with the layout box of each element."""

    def __init__(self, pdf: pydyf.PDF, boxes: dict[int, Any]) -> None:
        self.pdf, self.boxes = pdf, boxes
        self.root = self.get(pdf.catalog["StructTreeRoot"])
        self.document = self.get(self.root["K"][0])
        self.pages = list(pdf.page_references)
        nums = self.get(self.root["ParentTree"])["Nums"]
        # per page: MCID -> the element it belongs to (WeasyPrint's ParentTree arrays)
        self.parents = [nums[2 * i + 1] for i in range(len(self.pages))]
        self._marks: dict[int, dict[int, int]] = {}  # page -> MCID -> index in its stream

    # -- reading ---------------------------------------------------------------------------

    def get(self, reference: bytes) -> Any:
        return self.pdf.objects[_number(reference)]

    def box(self, element: pydyf.Dictionary) -> Any:
        return self.boxes.get(element.number)

    def html(self, element: pydyf.Dictionary) -> Any:
        """The HTML element (ElementTree) the structure element was made for, or None."""
        box = self.box(element)
        return None if box is None else box.element

    def children(self, element: pydyf.Dictionary) -> list[pydyf.Dictionary]:
        return [
            self.get(k)
            for k in element["K"]
            if isinstance(k, bytes) and self.get(k).get("Type") == "/StructElem"
        ]

    def elements(self) -> Iterator[pydyf.Dictionary]:
        """Every element of the tree, parents before children, in reading order."""
        stack = [self.document]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed(self.children(element)))

    def marks(self, element: pydyf.Dictionary) -> Iterator[tuple[int, int]]:
        """(page index, MCID) of the marked content in `element` and its descendants."""
        for kid in element["K"]:
            if isinstance(kid, int):
                yield self.pages.index(element["Pg"]), kid
            elif isinstance(kid, pydyf.Dictionary) and kid.get("Type") == "/MCR":
                yield self.pages.index(kid["Pg"]), kid["MCID"]
            elif isinstance(kid, bytes) and self.get(kid).get("Type") == "/StructElem":
                yield from self.marks(self.get(kid))

    # -- changing ---------------------------------------------------------------------------

    def detach(self, element: pydyf.Dictionary) -> None:
        parent = self.get(element["P"])
        parent["K"] = pydyf.Array(k for k in parent["K"] if k != element.reference)

    def artifact(self, page: int, mcid: int, kind: pydyf.Dictionary | None = None) -> None:
        """Marked content `mcid` of `page` becomes an artifact, out of the tree."""
        if page not in self._marks:
            stream = self.get(self.get(self.pages[page])["Contents"]).stream
            self._marks[page] = {
                item["MCID"]: i
                for i, item in enumerate(stream)
                if isinstance(item, pydyf.Dictionary) and "MCID" in item
            }
        stream = self.get(self.get(self.pages[page])["Contents"]).stream
        index = self._marks[page].pop(mcid, None)
        if index is None or stream[index - 1] not in ("/Span", "/Figure"):
            return  # not the mark WeasyPrint writes: left as it is
        stream[index - 1] = "/Artifact"
        stream[index] = kind if kind is not None else pydyf.Dictionary()
        if mcid < len(self.parents[page]):
            self.parents[page][mcid] = "null"

    def drop(self, element: pydyf.Dictionary, kind: pydyf.Dictionary | None = None) -> None:
        """`element` and what it holds out of the tree, its content made artifacts."""
        for page, mcid in list(self.marks(element)):
            self.artifact(page, mcid, kind)
        self.detach(element)
        element["K"] = pydyf.Array()  # nothing of it left to visit

    # -- the changes -------------------------------------------------------------------------

    def mend_elements(self) -> None:
        """Each element, parents first (a parent's change decides what its children are)."""
        for element in self.elements():
            box = self.box(element)
            if box is None:
                continue  # the document, or an element made apart from the layout
            html = box.element
            if box.style["position"] == "fixed":  # repeated on every page: decoration
                self.drop(element, PAGINATION)
            elif html is not None and html.get("aria-hidden") == "true":
                self.drop(element)
            elif html is not None and html.get("role") == "img" and html.get("aria-label"):
                self.figure(element, html.get("aria-label"))
            elif element["S"] == "/TH":
                self.scope(element)

    def figure(self, element: pydyf.Dictionary, label: str) -> None:
        """A chart or the map: one Figure, its alternative text the drawing's `aria-label`."""
        if element["S"] not in ("/Div", "/Span", "/NonStruct"):
            return
        marks = list(self.marks(element))
        element["S"] = "/Figure"
        element["Alt"] = pydyf.String(label)
        box = self.box(element)
        x, y = box.content_box_x(), box.content_box_y()
        element["A"] = pydyf.Dictionary(
            {"O": "/Layout", "BBox": pydyf.Array((x, y, x + box.width, y + box.height))}
        )
        # its labels' text is the drawing's: read through the alternative text
        here = self.pages.index(element["Pg"])
        element["K"] = pydyf.Array(
            mcid
            if page == here
            else pydyf.Dictionary({"Type": "/MCR", "Pg": self.pages[page], "MCID": mcid})
            for page, mcid in marks
        )
        for page, mcid in marks:
            self.parents[page][mcid] = element.reference

    def join_pages(self) -> None:
        """An element that continues on the next page is joined to its first part."""
        groups: list[list[pydyf.Dictionary]] = [[] for _ in self.pages]
        for kid in self.children(self.document):
            groups[self.pages.index(kid["Pg"])].append(kid)
        merged: dict[int, pydyf.Dictionary] = {}
        for before, after in itertools.pairwise(groups):
            if before and after:
                last = before[-1]
                while last.number in merged:
                    last = merged[last.number]
                self._join(last, after[0], merged)

    def _join(self, first: pydyf.Dictionary, then: pydyf.Dictionary, merged: dict) -> None:
        a, b = self.box(first), self.box(then)
        if (
            a is None
            or b is None
            or a.element is None
            or a.element is not b.element
            or a.element_tag != b.element_tag
            or first["S"] != then["S"]
            or first["S"] in UNSPLIT
        ):
            return
        if first["S"] == "/Table":  # the header row group repeated on the next page
            for group in self.children(then):
                box = self.box(group)
                if group["S"] == "/THead" and box is not None and box.is_header:
                    self._headers_of(first, group, then)
                    self.drop(group, PAGINATION)
        before, after = self.children(first), self.children(then)
        here = self.pages.index(then["Pg"])
        for kid in then["K"]:
            if isinstance(kid, int):  # content of `then` itself: now of `first`
                self.parents[here][kid] = first.reference
                kid = pydyf.Dictionary({"Type": "/MCR", "Pg": then["Pg"], "MCID": kid})
            elif isinstance(kid, bytes) and self.get(kid).get("Type") == "/StructElem":
                self.get(kid)["P"] = first.reference
            first["K"].append(kid)
        self.detach(then)
        merged[then.number] = first
        if before and after:
            self._join(before[-1], after[0], merged)

    def _headers_of(self, table: pydyf.Dictionary, repeat: pydyf.Dictionary, then) -> None:
        """The cells of `then` (a table's next part) name the header cells of `table`'s own
        header, not those of `repeat`, its copy about to go (WeasyPrint's IDs: table-row-col)."""
        ids = {}
        for cell in self._cells(repeat):
            if "ID" in cell:
                key = cell["ID"].string
                ids[key] = f"{table.number}-{key.split('-', 1)[1]}"
        for cell in self._cells(then):
            headers = cell.get("A", {}).get("Headers") if isinstance(cell.get("A"), dict) else None
            if headers:
                cell["A"]["Headers"] = pydyf.Array(
                    pydyf.String(ids.get(h.string, h.string)) for h in headers
                )

    def _cells(self, element: pydyf.Dictionary) -> Iterator[pydyf.Dictionary]:
        for kid in self.children(element):
            if kid["S"] in ("/TH", "/TD"):
                yield kid
            else:
                yield from self._cells(kid)

    def scope(self, element: pydyf.Dictionary) -> None:
        """A TH says what it heads: `/Column` or `/Row` (the HTML `scope`, else a column's
        header in `<thead>` or after a row's first cell, a row's header first in its row)."""
        html = self.html(element)
        scope = SCOPES.get((html.get("scope") or "").lower()) if html is not None else None
        if scope is None:
            row = self.get(element["P"])
            group = self.get(row["P"]) if "P" in row else None
            in_head = group is not None and group["S"] == "/THead"
            first = self.children(row)[:1] == [element]
            scope = "/Column" if in_head or not first else "/Row"
        attributes = element.get("A")
        if not isinstance(attributes, pydyf.Dictionary):
            attributes = element["A"] = pydyf.Dictionary({"O": "/Table"})
        attributes["Scope"] = scope

    def prune_empty(self, element: pydyf.Dictionary) -> bool:
        """Elements with nothing to read (no content, no children, no alternative text) go,
        children first; a table cell stays, whatever it holds: it keeps the table's columns
        in place. Whether `element` went."""
        for child in self.children(element):
            self.prune_empty(child)
        if element is self.document or element["S"] in ("/TD", "/TH"):
            return False
        if element["K"] or "Alt" in element or "ActualText" in element:
            return False
        self.detach(element)
        return True

    def orphans_as_artifacts(self) -> None:
        """Marked content no element of the tree holds (the running header and footer, which
        WeasyPrint leaves out of the tree) becomes an artifact."""
        reachable = {element.number for element in self.elements()}
        for page, parents in enumerate(self.parents):
            for mcid, parent in enumerate(parents):
                if parent != "null" and _number(parent) not in reachable:
                    self.artifact(page, mcid, PAGINATION)
