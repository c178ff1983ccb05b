"""The HTML edition: the report's HTML made self-contained, to publish, attach or read on a phone.

The print HTML names its assets relatively (fonts in `<style>`, the logo's `<img>`) for WeasyPrint
to read through `sitrep.pdf.fetcher`. Here every asset a template names is embedded as a `data:`
URI,
found with the PDF's own guard (`asset_path`: the template folders only, no `..`, no links out);
every other URL (http:, https:, file:, data:, absolute, unknown) is made inert. Fonts are subset
to the document's characters with HarfBuzz, their shaping features kept (Dari place names must
still join). A Content-Security-Policy then stops the browser loading anything at all from
elsewhere, whatever a workspace's template says. The screen layout is templates/screen.css,
already in the report's `<style media="screen">`. Same HTML and assets, same bytes.
"""

from __future__ import annotations

import base64
import html as html_lib
import mimetypes
import re
from pathlib import Path

import uharfbuzz as hb

from sitrep.errors import RenderError
from sitrep.render.assets import ASSET_BASE, MAX_ASSET_BYTES, asset_path
from sitrep.safety.xmlchars import xml_safe

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
INERT_URL = "about:invalid"
MIME = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".css": "text/css",
}  # fixed here: mimetypes reads the system's tables, which differ between machines
SUBSET = {".ttf", ".otf"}  # HarfBuzz reads these directly; WOFF stays whole
URL_ATTRIBUTES = {"src", "poster", "data", "background"}  # each names a resource to load
LINK_TAGS = {"image", "use", "feimage"}  # SVG elements whose href loads a resource
MAX_IMPORT_DEPTH = 4  # @import inside @import: enough for a theme, not a loop
CSS_FEATURES = ("tnum", "pnum", "lnum")  # font-variant-numeric; the print sheet uses tabular-nums

# One token at a time: comments, raw-text elements (content that is not markup), start tags.
TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(style|script)\b((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>(.*?)</\1\s*>"
    r"|<([a-z][\w:-]*)((?:\"[^\"]*\"|'[^']*'|[^'\">])*)>",
    re.S | re.I,
)
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
# An @import rule or a url(), in one pass: what one rewrites is never read again.
CSS_REFERENCE = re.compile(
    r"""(?P<rule>@import\s+(?:url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))\s*\)|"([^"]*)"|'([^']*)')"""
    r"""(?P<media>[^;]*);)"""
    r"""|url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))\s*\)""",
    re.I,
)
HEAD = re.compile(r"<head\b(?:\"[^\"]*\"|'[^']*'|[^'\">])*>(\s*<meta\s+charset\s*=[^>]*>)?", re.I)
URL_HINT = re.compile(r"url\(|src|href|poster|data|background", re.I)
SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)
VIEWPORT = re.compile(r"""<meta\b[^>]*\bname\s*=\s*["']?viewport""", re.I)
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">'
SCREEN_STYLE = re.compile(r"""<style\b[^>]*\bmedia\s*=\s*["']?screen""", re.I)


def html_edition(html: str, dirs: list[Path]) -> str:
    """The report's HTML with its assets embedded, nothing remote, and a CSP that says so.

    `dirs` are the template folders (`sitrep.settings.config.template_dirs`), workspace first.
    """
    assets = _Assets([d.resolve() for d in dirs if d.is_dir()], _characters(html))
    edition = TOKEN.sub(assets.token, html)
    head = HEAD.search(edition)
    if head is None:
        raise RenderError(
            "the report's HTML has no <head>: the HTML edition cannot be made. "
            "Check templates/report.html (a workspace's copy included) for its <head> element."
        )
    edition = edition[: head.end()] + "\n" + CSP_META + edition[head.end() :]
    # a last guard: a theme's stylesheet, inlined here, may hold what XML forbids
    return xml_safe(_for_screens(edition, assets))


def _for_screens(edition: str, assets: _Assets) -> str:
    """A workspace's own report.html from before the edition has no viewport and no screen
    stylesheet: add them (the templates' screen.css), so its edition reads on a phone too."""
    if "</head>" not in edition:
        return edition
    if not VIEWPORT.search(edition):
        head, _, rest = edition.partition("</head>")
        edition = f"{head}{VIEWPORT_META}\n</head>{rest}"
    if SCREEN_STYLE.search(edition):
        return edition
    path = assets.path("screen.css", "")
    if path is None or path.stat().st_size > MAX_ASSET_BYTES:
        return edition
    css = assets.css(path.read_text("utf-8", errors="replace"), "", 0).replace("</", "<\\/")
    head, _, rest = edition.partition("</head>")
    return f'{head}<style media="screen">\n{css}</style>\n</head>{rest}'


def _characters(html: str) -> set[int]:
    """Code points the fonts must keep: the document's, both cases (CSS may change case), ASCII."""
    chars = set(html_lib.unescape(html))
    cased = {d for c in chars for d in c.upper() + c.lower()}
    return {ord(c) for c in chars | cased} | set(range(0x20, 0x7F)) | {0xA0}


class _Assets:
    """Rewrites tokens of the HTML, each template asset read and encoded once."""

    def __init__(self, roots: list[Path], chars: set[int]) -> None:
        self.roots, self.chars = roots, chars
        self.cache: dict[Path, str | None] = {}

    def token(self, match: re.Match[str]) -> str:
        raw_tag, raw_attrs, content, tag, attrs = match.groups()
        if raw_tag and raw_tag.lower() == "script":
            return ""  # never run in the edition (the CSP forbids it too)
        if raw_tag:
            css = self.css(content, "", 0).replace("</", "<\\/")  # never ends the element early
            return f"<{raw_tag}{self.attributes(raw_tag, raw_attrs)}>{css}</{raw_tag}>"
        if not tag:
            return match.group(0)  # a comment
        name = tag.lower()
        if name == "link" or (name == "meta" and re.search(r"http-equiv", attrs, re.I)):
            return ""  # a stylesheet, prefetch or refresh would load from elsewhere
        return f"<{tag}{self.attributes(name, attrs)}>"

    def attributes(self, tag: str, text: str) -> str:
        if not URL_HINT.search(text):
            return text  # most tags: nothing that loads anything

        def one(match: re.Match[str]) -> str:
            name = match.group(1).lower()
            quoted = next((v for v in match.groups()[1:] if v is not None), None)
            if quoted is None:
                return match.group(0)
            value = html_lib.unescape(quoted)
            if name in URL_ATTRIBUTES or (name.endswith("href") and tag in LINK_TAGS):
                new = value if value.startswith("#") else self.uri(value, "") or ""
            elif name == "srcset":
                new = ""
            elif "url(" in value.lower():
                new = self.css(value, "", MAX_IMPORT_DEPTH)
            else:
                return match.group(0)
            if new == value:
                return match.group(0)
            return f'{match.group(1)}="{html_lib.escape(new, quote=True)}"'

        return ATTRIBUTE.sub(one, text)

    def css(self, text: str, base: str, depth: int) -> str:
        """CSS with its `@import`s inlined and each `url()` embedded or made inert."""

        def one(match: re.Match[str]) -> str:
            url = next((v for v in match.groups()[1:] if v is not None), "").strip()
            if match.group("rule"):
                return self.imported(url, match.group("media").strip(), base, depth)
            if url.startswith("#"):
                return match.group(0)  # an SVG reference inside this document
            return f"url({self.uri(url, base) or INERT_URL})"

        return CSS_REFERENCE.sub(one, text)

    def imported(self, url: str, media: str, base: str, depth: int) -> str:
        """A template stylesheet's rules in place of its @import; nothing for any other."""
        path = self.path(url, base) if depth < MAX_IMPORT_DEPTH else None
        if path is None or path.stat().st_size > MAX_ASSET_BYTES:
            return ""
        sheet = path.read_text("utf-8", errors="replace")
        inner = self.css(sheet, base + url[: url.rfind("/") + 1], depth + 1)  # its own folder
        return f"@media {media} {{\n{inner}\n}}" if media else inner

    def path(self, url: str, base: str) -> Path | None:
        """The template file a relative URL names, by the PDF's rule; None for anything else."""
        url = url.strip()
        if not url or SCHEME.match(url) or url.startswith(("/", "\\")):
            return None
        return asset_path(ASSET_BASE + base + url, self.roots)

    def uri(self, url: str, base: str) -> str | None:
        """A `data:` URI holding the asset a URL names, or None when it is not one."""
        path = self.path(url, base)
        if path is None:
            return None
        if path not in self.cache:
            self.cache[path] = self.encode(path)
        return self.cache[path]

    def encode(self, path: Path) -> str | None:
        if path.stat().st_size > MAX_ASSET_BYTES:
            return None
        data = path.read_bytes()
        suffix = path.suffix.lower()
        if suffix in SUBSET:
            data = _subset(data, self.chars)
        mime = MIME.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _subset(font: bytes, chars: set[int]) -> bytes:
    """The font cut to `chars`, every layout feature kept; the whole font if HarfBuzz fails."""
    plan = hb.SubsetInput()
    plan.unicode_set.update(sorted(chars))
    # HarfBuzz keeps the shaping features (Arabic joining, ligatures, kerning, marks) by default;
    # keeping every feature would add alternates nothing asks for (+50 % a font).
    for tag in CSS_FEATURES:
        plan.layout_feature_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    try:
        subset = hb.subset(hb.Face(hb.Blob(font)), plan)
    except Exception:  # not a font HarfBuzz can read: the browser gets it as it is
        return font
    data = subset.blob.data if subset is not None else b""
    return data or font
