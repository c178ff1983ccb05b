"""Stage 5, PDF: WeasyPrint lays out the HTML; it may read only the templates' own assets.

Every URL in the document goes through the fetcher of `sitrep.fetcher`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sitrep.errors import RenderError
from sitrep.fetcher import ASSET_BASE, LOG, make_fetcher


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


def html_to_pdf(html: str, roots: list[Path], identifier: bytes) -> PdfResult:
    """The PDF bytes for `html`. The same inputs give the same bytes (fixed PDF identifier)."""
    import weasyprint

    collect = _Collect()
    loggers = [logging.getLogger("weasyprint"), LOG]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        document = weasyprint.HTML(
            string=html, base_url=ASSET_BASE, url_fetcher=make_fetcher(roots)
        )
        data = document.write_pdf(pdf_identifier=identifier)
    except Exception as exc:  # WeasyPrint has no single error type
        raise RenderError(f"WeasyPrint could not lay out the report: {exc}") from exc
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    return PdfResult(data, collect.messages)
