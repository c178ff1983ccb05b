"""The only URLs a report may link to: absolute http(s) with a host, and mailto. See SECURITY.md."""

from __future__ import annotations

from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def is_allowed_link(url: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: address; nothing else.

    Relative and scheme-relative URLs are refused: in a PDF they resolve against the renderer's
    base URL, which is a file: URL, so `/etc/passwd` would become a link to a local file.
    """
    text = url.strip()
    if not text or any(ord(c) < 0x20 or c.isspace() for c in text):
        return False  # control characters and spaces hide schemes ("java\tscript:")
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        return False
    if scheme == "mailto":
        return "@" in parts.path
    return bool(parts.hostname)
