"""The Word edition's document: its named styles, page, header and footer, and the same bytes
each time.

Everything a reader may want to restyle is a named style (`Key Figure`, `Source`, `Notice`,
`Table Heading`, `Table Number`, `Sitrep Table`, with Word's own `Heading 1`-`4`, `Caption`,
`List Bullet`): change one in Word and every paragraph of it follows. Right to left (Arabic) is
set where Word looks for it: `w:bidi` on the paragraph styles and on the list levels (a list's
bullet or number and its indent on the right), `w:bidiVisual` on tables, the section's own
`w:bidi`, each in its place in the schema's order of its parent's children (Word reads an
element out of order as damage, or not at all). python-docx stamps the time in the core
properties and the zip; both are set to the report's date here, so the same report gives the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

PAGES = {"a4": (Cm(21), Cm(29.7)), "letter": (Cm(21.59), Cm(27.94))}
MARGIN = Cm(2)
FONT, FONT_ARABIC = "Noto Sans", "Noto Sans Arabic"  # the PDF's fonts; Word falls back without
MUTED = RGBColor(0x5F, 0x63, 0x68)
ACCENT = RGBColor(0x0B, 0x5E, 0xA8)
# (name, based on, size in points, bold, colour, alignment)
PARAGRAPH_STYLES = (
    ("Key Figure", "Normal", 16, True, ACCENT, None),
    ("Source", "Normal", 8, False, MUTED, None),
    ("Notice", "Normal", 9, False, None, None),
    ("Figure", "Normal", None, False, None, WD_ALIGN_PARAGRAPH.CENTER),
    ("Table Heading", "Normal", 9, True, None, None),
    ("Table Text", "Normal", 9, False, None, None),
    ("Table Number", "Table Text", None, False, None, WD_ALIGN_PARAGRAPH.RIGHT),
)
TABLE_STYLE = "Sitrep Table"
# the children that come after w:bidi in a w:pPr, w:sectPr; after w:bidiVisual in a w:tblPr
AFTER_BIDI = {
    "w:pPr": ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
              "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:sectPr": ("w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"),
    "w:tblPr": ("w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"),
}  # fmt: skip
# the children that come after w:pPr in a list level (w:lvl)
AFTER_LEVEL_PPR = ("w:rPr",)


def set_up(document: Document, language: str, rtl: bool, page: str) -> None:
    """The page, the fonts and language, and the named styles, in `document`."""
    section = document.sections[0]
    section.page_width, section.page_height = PAGES.get(page, PAGES["a4"])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    if rtl:
        _right_to_left(section._sectPr, "w:sectPr", "w:bidi")
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:cs"), FONT_ARABIC if rtl else FONT)
    fonts.set(qn("w:eastAsia"), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:bidi"), language if rtl else "ar-SA")
    normal.element.get_or_add_rPr().append(lang)
    for name, base, size, bold, colour, align in PARAGRAPH_STYLES:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style, style.quick_style = styles[base], True
        style.font.bold = bold or None
        if size:
            style.font.size = Pt(size)
        if colour:
            style.font.color.rgb = colour
        if align is not None:
            style.paragraph_format.alignment = align
        style.paragraph_format.space_after = Pt(2 if name.startswith("Table") else 6)
    table = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    if rtl:  # every paragraph style, said in each (LibreOffice does not inherit it from Normal)
        for style in styles:
            if style.type == WD_STYLE_TYPE.PARAGRAPH:
                _right_to_left(style.element.get_or_add_pPr(), "w:pPr", "w:bidi")
        _right_to_left_lists(document)


def _right_to_left(parent, tag: str, name: str) -> None:
    """`name` (w:bidi, w:bidiVisual) in `parent` (a `tag` element), before the children the
    schema puts after it."""
    if parent.find(qn(name)) is None:
        parent.insert_element_before(OxmlElement(name), *AFTER_BIDI[tag])


def _right_to_left_lists(document: Document) -> None:
    """Each list level of the template's lists right to left: its paragraph `w:bidi`, so the
    bullet or number stands on the right and the level's indent (`w:ind` w:left, the start
    side of a right-to-left paragraph) is taken from the right margin, as in the Arabic PDF."""
    numbering = document.part.numbering_part.element
    for level in numbering.iter(qn("w:lvl")):
        properties = level.find(qn("w:pPr"))
        if properties is None:
            properties = OxmlElement("w:pPr")
            level.insert_element_before(properties, *AFTER_LEVEL_PPR)
        _right_to_left(properties, "w:pPr", "w:bidi")


def header_and_footer(document: Document, lines: list[str], page: str, of: str) -> None:
    """The running header (the title line, the office) and the footer "Page N of M"."""
    section = document.sections[0]
    paragraphs = section.header.paragraphs
    paragraphs[0].text = lines[0] if lines else ""
    for line in lines[1:]:
        section.header.add_paragraph(line)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = None
    footer.add_run(page)
    _field(footer, "PAGE")
    footer.add_run(of)
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"  # shown until the reader's program counts the pages
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def header_row(row) -> None:
    """Mark a table row as a header row, repeated at the top of each page the table runs on."""
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:tblHeader"))


def right_to_left_table(table) -> None:
    _right_to_left(table._tbl.tblPr, "w:tblPr", "w:bidiVisual")


def properties(document: Document, title: str, office: str, day: dt.date, language: str) -> None:
    """The core properties, every date the report's (python-docx would write the time now)."""
    core = document.core_properties
    at = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    core.title, core.author, core.last_modified_by = title, office, office
    core.created = core.modified = core.last_printed = at
    core.language, core.revision, core.comments = language, 1, ""
    core.subject = core.keywords = core.category = ""


def fixed_bytes(document: Document, day: dt.date) -> bytes:
    """The .docx, its zip entries dated the report's day, in a fixed order: the same bytes
    for the same report."""
    made = io.BytesIO()
    document.save(made)
    out = io.BytesIO()
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
