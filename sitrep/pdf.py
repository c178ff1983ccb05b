"""Stage 5, PDF: WeasyPrint lays out the HTML; it may read only the templates' own assets.

Every URL in the document goes through `AssetFetcher`: `asset:` paths are looked up in the
template folders (workspace first, then sitrep's defaults) and in the folder of files sitrep
generated for this report; every other URL (file:, http:, data:, ...) is refused and logged.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from sitrep.errors import RenderError

ASSET_BASE = "file:///sitrep-assets/"  # a virtual folder: nothing real lives there
LOG = logging.getLogger("sitrep.pdf")


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


def make_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves files from `roots` only."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    resolved = [r.resolve() for r in roots if r.is_dir()]

    class AssetFetcher(URLFetcher):
        def fetch(self, url: str, headers=None):
            if url.startswith(ASSET_BASE):
                relative = unquote(url[len(ASSET_BASE) :].split("?")[0].split("#")[0])
                for root in resolved:
                    path = (root / relative).resolve()
                    if path.is_relative_to(root) and path.is_file():
                        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                        return URLFetcherResponse(
                            url, path.read_bytes(), {"Content-Type": mime}, 200
                        )
            LOG.warning("refused to fetch %s: only the templates' own assets are read", url[:200])
            raise ValueError(f"sitrep does not fetch {url[:200]}")

    return AssetFetcher(allowed_protocols={"file"}, allow_redirects=False)


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
