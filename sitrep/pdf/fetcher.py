"""The only way WeasyPrint may read anything: the templates' own assets, nothing else.

URLs under `ASSET_BASE` (a virtual folder; relative URLs resolve into it) are looked up in the
template folders (workspace first, then sitrep's defaults) and in folders of files sitrep
generated for this report. Every other URL (file:, http:, https:, data:, ftp:, ...) is refused
and logged, and redirects are off.
An asset larger than `max_bytes` is refused too: a theme's image cannot exhaust memory.

WeasyPrint (>= 70) sends every fetch through `URLFetcher.fetch`, including stylesheets,
`@import`, `@font-face`, images, SVG `<use>`/`<image>` references and `rel=attachment`; this
class overrides it, so nothing reaches urllib. See SECURITY.md.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path

from sitrep.render.assets import MAX_ASSET_BYTES, asset_path

LOG = logging.getLogger("sitrep.pdf.fetcher")


class FetchRefused(ValueError):
    """A URL sitrep does not fetch. WeasyPrint logs it and renders without the resource."""


def shown_url(url: str, limit: int = 200) -> str:
    """A URL as it may appear in a log: repr'd (no control characters) and shortened."""
    return repr(url[:limit] + ("..." if len(url) > limit else ""))


def make_fetcher(roots: list[Path], max_bytes: int = MAX_ASSET_BYTES):
    """A WeasyPrint URL fetcher that serves files from `roots` only.

    `roots` are the template folders and any folder of files sitrep generated for this report
    (charts, a map); the caller lists them, nothing else is readable. `fetcher.refused` lists
    every URL refused, in order, for tests and the build's warnings.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # WeasyPrint loads with the PDF

    resolved = [r.resolve() for r in roots if r.is_dir()]

    class AssetFetcher(URLFetcher):
        refused: list[str]

        def fetch(self, url: str, headers=None):
            path = asset_path(url, resolved)
            if path is not None:
                size = path.stat().st_size
                if size <= max_bytes:
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime}, 200)
                reason = f"it is {size} bytes, more than the {max_bytes} allowed for an asset"
            else:
                reason = "only the templates' own assets are read"
            self.refused.append(url)
            LOG.warning("refused to fetch %s: %s", shown_url(url), reason)
            raise FetchRefused(f"sitrep does not fetch {shown_url(url)}")

        # WeasyPrint calls fetch(); these are urllib's entry points, closed in case anything
        # ever reaches them (a redirect handler, a future WeasyPrint code path).
        def open(self, url, data=None, timeout=None):
            return self.fetch(getattr(url, "full_url", url))

    fetcher = AssetFetcher(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
    fetcher.refused = []
    return fetcher
