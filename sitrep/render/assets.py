"""The templates' own files, named by URL: what the PDF's fetcher and the HTML edition may read.

Templates refer to their assets (stylesheets, fonts, the logo) under `ASSET_BASE`, a virtual
folder; `asset_path` finds such a URL's file in the template folders, never outside them. The PDF
stage's fetcher (`sitrep.pdf.fetcher`) and the HTML edition (`sitrep.render.edition`) share it,
so the two read exactly the same files.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

ASSET_BASE = "file:///sitrep-assets/"  # a virtual folder: nothing real lives there
MAX_ASSET_BYTES = 20 * 1024 * 1024  # a font or a map tile is far below this


def asset_path(url: str, roots: list[Path]) -> Path | None:
    """The file an `ASSET_BASE` URL names inside one of `roots`, or None.

    The resolved path (symbolic links followed) must stay inside the root it was found in, so
    `../`, `%2e%2e/`, absolute paths and links out of the folder all give None.
    """
    if not url.startswith(ASSET_BASE):
        return None
    relative = unquote(url[len(ASSET_BASE) :].split("?")[0].split("#")[0])
    if not relative or "\0" in relative or relative.startswith(("/", "\\")):
        return None
    for root in roots:
        try:
            path = (root / relative).resolve()
        except (OSError, ValueError, RuntimeError):  # loops, bad names
            return None
        if path.is_relative_to(root) and path.is_file():
            return path
    return None
