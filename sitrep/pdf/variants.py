"""Which PDF a workspace asks for (`[report] pdf_variant`), as WeasyPrint's write options.

WeasyPrint writes one standard per file: PDF/A-3a (archival, tagged, attachments allowed) or
PDF/UA-1 (accessible). sitrep's default is both at once, "pdf/a-3a+ua-1": WeasyPrint's PDF/A-3a,
whose tagged structure is made PDF/UA's (`sitrep.pdf.structure`), and whose XMP metadata then
also claims PDF/UA-1 (`pdfuaid:part`, with the extension schema PDF/A asks for any property
outside its own). PDF/A-3 is the part that keeps the data files: PDF/A-1 forbids embedded files
and PDF/A-2 only allows PDF/A files, which WeasyPrint then strips, while PDF/A-3 keeps any file
with its relationship (`/AFRelationship /Data`). PDF/A-4f would too, but on PDF 2.0, whose
accessibility standard is PDF/UA-2; PDF/UA-1 is what the checkers here read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sitrep.pdf.structure import make_accessible, recording

# sitrep's variant -> (WeasyPrint's, whether sitrep adds the PDF/UA-1 claim)
WEASYPRINT = {
    "pdf/a-3a+ua-1": ("pdf/a-3a", True),
    "pdf/ua-1": ("pdf/ua-1", False),  # WeasyPrint claims PDF/UA-1 itself
    "pdf/a-3a": ("pdf/a-3a", False),
    "pdf/a-3b": ("pdf/a-3b", False),
    "pdf/a-3u": ("pdf/a-3u", False),
}

# PDF/UA-1's identification, and its description as a PDF/A extension schema (ISO 19005-3,
# 6.6.2.3: a PDF/A file describes every XMP property that is not one of the standard's own).
PDFUA_XMP = b"""<rdf:Description xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
rdf:about="" pdfuaid:part="1" />
<rdf:Description xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" rdf:about="">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def claim_pdfua(pdf: Any) -> None:
    """Add PDF/UA-1's identification to the XMP metadata WeasyPrint wrote (a pydyf.PDF)."""
    stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    xmp = b"".join(stream.stream)
    head, end, tail = xmp.rpartition(b"</rdf:RDF>")
    if not end:
        raise ValueError("WeasyPrint's XMP metadata has no rdf:RDF element")
    stream.stream = [head + PDFUA_XMP + end + tail]


@contextmanager
def write_options(variant: str | None) -> Iterator[dict[str, Any]]:
    """WeasyPrint's `write_pdf` options for sitrep's `variant` (None: a plain PDF), valid
    inside this block: a tagged variant's structure tree is mended as it is written."""
    if variant is None:
        yield {"pdf_variant": None}
        return
    weasyprint_variant, claim = WEASYPRINT[variant]

    with recording() as boxes:

        def finish(document: Any, pdf: Any) -> None:
            make_accessible(pdf, boxes)
            if claim:
                claim_pdfua(pdf)

        yield {"pdf_variant": weasyprint_variant, "finisher": finish}
