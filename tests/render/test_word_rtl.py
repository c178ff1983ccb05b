"""The Arabic Word edition's lists, tables and section read back from the document's XML: right
to left where Word looks for it (`w:bidi` on every paragraph style and on each list level, the
level's indent on the start side; `w:bidiVisual` on tables), each element in the schema's order
of its parent's children, as Word reads them; an English document without any of it."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.oxml.ns import qn

from sitrep.render.word import word_edition
from sitrep.render.wordstyles import AFTER_BIDI

HTML = """<html lang="{lang}" dir="{dir}"><head><title>تقرير</title></head><body>
<h2>أبرز النقاط</h2><ul><li>نزح أكثر من 200,000 شخص.</li><li>الطريق مغلق.</li></ul>
<p>فقرة.</p><ol><li>الأول</li><li>الثاني</li></ol>
<table><tr><th>المنطقة</th><th>الأشخاص</th></tr><tr><td>الفاشر</td><td>١٥٬٠٠٠</td></tr></table>
</body></html>"""


def _document(lang: str, direction: str):
    made = word_edition(HTML.format(lang=lang, dir=direction), [], dt.date(2026, 11, 19))
    return docx.Document(io.BytesIO(made))


def _in_order(parent, name: str, tag: str) -> bool:
    """`name` is a child of `parent`, before every child the schema puts after it."""
    children = [child.tag for child in parent]
    if qn(name) not in children:
        return False
    at = children.index(qn(name))
    return not any(qn(later) in children[:at] for later in AFTER_BIDI[tag])


def _levels(document, style: str) -> list:
    """The list levels a list style's paragraphs are numbered by."""
    num_id = document.styles[style].element.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    (num,) = [n for n in numbering.iter(qn("w:num")) if n.get(qn("w:numId")) == str(num_id)]
    abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    (found,) = [
        a for a in numbering.iter(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract
    ]
    return found.findall(qn("w:lvl"))


def test_arabic_lists_read_right_to_left_in_word() -> None:
    document = _document("ar", "rtl")
    body = document.element.body
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("List Bullet") == 2 and styles.count("List Number") == 2
    for style in document.styles:
        if style.type == 1:  # every paragraph style, its w:bidi where Word reads it
            assert _in_order(style.element.pPr, "w:bidi", "w:pPr"), style.name
    for name in ("List Bullet", "List Number"):
        for level in _levels(document, name):  # the bullet or number on the right
            properties = level.find(qn("w:pPr"))
            assert _in_order(properties, "w:bidi", "w:pPr"), name
            indent = properties.find(qn("w:ind"))  # from the start (right) margin, logical
            assert indent.get(qn("w:left")) and indent.get(qn("w:right")) is None
            children = [child.tag for child in level]  # the level's w:pPr before its w:rPr
            assert qn("w:rPr") not in children[: children.index(qn("w:pPr"))]
    (table,) = document.tables
    assert _in_order(table._tbl.tblPr, "w:bidiVisual", "w:tblPr")
    assert _in_order(body.find(qn("w:sectPr")), "w:bidi", "w:sectPr")


def test_english_lists_have_no_right_to_left() -> None:
    document = _document("en", "ltr")
    xml = document.element.xml + document.part.numbering_part.element.xml
    xml += document.styles.element.xml
    assert "<w:bidi/>" not in xml and "<w:bidiVisual/>" not in xml
