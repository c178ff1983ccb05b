"""Stage 5, PDF: WeasyPrint lays out the HTML; it may read only the templates' own assets.

Every URL in the document goes through the fetcher of `sitrep.fetcher`. The PDF is archival by
default (PDF/A-3b: fonts embedded, sRGB output intent, XMP metadata with its pdfaid part) and
carries the input rows it was made from as attached CSV files. Nothing depends on the clock:
the identifier comes from the HTML and every date from the report date, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import RenderError
from sitrep.fetcher import ASSET_BASE, LOG, make_fetcher

if TYPE_CHECKING:
    from sitrep.attachments import DataFile


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
    import weasyprint

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

    `variant` is a WeasyPrint PDF variant ("pdf/a-3b", "pdf/a-3u") or None for a plain PDF;
    `attachments` are embedded files, dated `created` (the report date).
    """
    import weasyprint

    collect = _Collect()
    loggers = [logging.getLogger("weasyprint"), LOG]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        document = weasyprint.HTML(
            string=html, base_url=ASSET_BASE, url_fetcher=make_fetcher(roots)
        )
        data = document.write_pdf(
            pdf_identifier=identifier,
            pdf_variant=variant,
            attachments=_attachments(attachments, created),
        )
    except Exception as exc:  # WeasyPrint has no single error type
        raise RenderError(f"WeasyPrint could not lay out the report: {exc}") from exc
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    return PdfResult(data, collect.messages)
