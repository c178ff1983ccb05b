"""Stage 5, PDF: WeasyPrint lays out the HTML; it may read only the templates' own assets.

Every URL in the document goes through the fetcher of `sitrep.pdf.fetcher`. The PDF is archival by
default (PDF/A-3a and PDF/UA-1, `sitrep.pdf.variants`: fonts embedded, sRGB output intent,
tagged for screen readers, XMP metadata claiming both) and
carries the input rows it was made from as attached CSV files. Nothing depends on the clock:
the identifier comes from the HTML and every date from the report date, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import RenderError
from sitrep.pdf.fetcher import LOG, make_fetcher
from sitrep.pdf.variants import write_options
from sitrep.render.assets import ASSET_BASE

if TYPE_CHECKING:
    from sitrep.render.attachments import DataFile


SITREP_DIR = Path(__file__).resolve().parent.parent  # the sitrep package


@dataclass
class PdfResult:
    data: bytes
    warnings: list[str]  # WeasyPrint's warnings (missing asset, bad CSS) and refused URLs


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _attachments(files: Sequence[DataFile], created: dt.date | None) -> list:
    """WeasyPrint attachments dated at the report date (its default, now, would vary)."""
    import weasyprint  # 1.3 s to import: only where a PDF is made (see sitrep.pdf.pool)

    stamp = dt.datetime.combine(created or dt.date(2000, 1, 1), dt.time())
    return [
        weasyprint.Attachment(
            string=f.data,
            name=f.name,
            description=f.description,
            created=stamp,
            modified=stamp,
            relationship="Data",  # PDF/A-3: the data the report's figures are computed from
        )
        for f in files
    ]


def html_to_pdf(
    html: str,
    roots: list[Path],
    identifier: bytes,
    variant: str | None = None,
    attachments: Sequence[DataFile] = (),
    created: dt.date | None = None,
) -> PdfResult:
    """The PDF bytes for `html`. The same inputs give the same bytes (fixed PDF identifier).

    `variant` is a `[report] pdf_variant` ("pdf/a-3a+ua-1", "pdf/a-3b"...) or None for a plain PDF;
    `attachments` are embedded files, dated `created` (the report date).
    """
    import weasyprint  # 1.3 s to import: only where a PDF is made (see sitrep.pdf.pool)

    fetcher, files = make_fetcher(roots), _attachments(attachments, created)
    collect = _Collect()
    loggers = [logging.getLogger("weasyprint"), LOG]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        document = weasyprint.HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher)
        with write_options(variant) as options:  # the variant: sitrep.pdf.variants
            data = document.write_pdf(pdf_identifier=identifier, attachments=files, **options)
    except Exception as exc:  # WeasyPrint has no single error type: where it arose decides
        if _raised_in_sitrep(exc):  # sitrep's code called back (the fetcher): sitrep's bug
            raise
        raise RenderError(f"WeasyPrint could not lay out the report: {exc}") from exc
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    return PdfResult(data, collect.messages)


def _raised_in_sitrep(exc: BaseException) -> bool:
    """Whether sitrep's own code ran between WeasyPrint's call and the exception.

    The traceback starts in `html_to_pdf`; what follows is WeasyPrint's (and its libraries'),
    failing on the templates' HTML or CSS (the user's to fix), unless a frame is sitrep's."""
    tb = exc.__traceback__.tb_next if exc.__traceback__ else None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).is_relative_to(SITREP_DIR):
            return True
        tb = tb.tb_next
    return False


def report_identifier(html: str) -> bytes:
    """The PDF identifier of a report: from its HTML, so the same report has the same bytes."""
    return hashlib.sha256(html.encode()).hexdigest()[:32].encode()


def report_pdf(
    html: str,
    roots: list[Path],
    variant: str | None,
    attachments: Sequence[DataFile] = (),
    created: dt.date | None = None,
) -> PdfResult:
    """A report's PDF, exactly as `sitrep build` makes it (and the batch, and bench/floor.py).

    The one place that says how a report's HTML becomes its PDF: the identifier from the HTML,
    the workspace's PDF variant, the data files attached and dated at the report date.
    """
    return html_to_pdf(html, roots, report_identifier(html), variant, attachments, created)


def build_pdf(
    html: str,
    roots: list[Path],
    variant: str | None,
    attachments: Sequence[DataFile] = (),
    created: dt.date | None = None,
) -> PdfResult:
    """`report_pdf` as sitrep runs it, with the garbage collector off during the layout and
    what lived before it (WeasyPrint's modules, the tables, templates and fonts, a batch's
    shared state) frozen out of its later passes. Its passes would walk that heap again and
    again: a batch worker's layouts take 4.1 s instead of 5.5 s for 11 reports. Peak memory is
    unchanged (the national report: 105 MB either way): a layout's cycles are few and are
    collected after it. The same bytes."""
    gc.freeze()
    gc.disable()
    try:
        return report_pdf(html, roots, variant, attachments, created)
    finally:
        gc.enable()
        gc.unfreeze()
