"""The only way WeasyPrint may read anything: the templates' own assets, nothing else.

`asset:` URLs (a virtual folder, `ASSET_BASE`) are looked up in the template folders (workspace
first, then sitrep's defaults) and in folders of files sitrep generated for this report. Every
other URL (file:, http:, https:, data:, ftp:, ...) is refused and logged, and redirects are off.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote

ASSET_BASE = "file:///sitrep-assets/"  # a virtual folder: nothing real lives there
LOG = logging.getLogger("sitrep.fetcher")


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
