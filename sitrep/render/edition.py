"""The HTML edition: the report's HTML made self-contained, to publish, attach or read on a phone.

The print HTML names its assets relatively (fonts in `<style>`, the logo's `<img>`) for WeasyPrint
to read through `sitrep.pdf.fetcher`. Here every asset a template names is embedded as a `data:`
URI, found with the PDF's own guard (`asset_path`: the template folders only, no `..`, no links
out); every other URL (http:, https:, file:, data:, absolute, unknown) is made inert. Fonts are
subset to the document's characters with HarfBuzz, their shaping features kept (Dari place names
must still join). A Content-Security-Policy then stops the browser loading anything at all from
elsewhere, whatever a workspace's template says. The screen layout is templates/screen.css,
already in the report's `<style media="screen">`. Same HTML and assets, same bytes.

The HTML is read by a parser (`sitrep.render.markup`) and the CSS by another
(`sitrep.render.stylesheet`), never searched with patterns, and the edition is written so that a
browser reads what the parser read: a tag whose source another parser could read otherwise is
written again from its attributes, text never holds a `<`, a comment a browser could end
elsewhere is left out, a `<style>` gets its own end tag, and after an `<svg>` or `<math>` (where
a `<style>` holds markup, not text) its CSS holds no `<` or `&` a browser could read as a tag or
a character reference.
"""

from __future__ import annotations

import base64
import html as html_lib
import mimetypes
from pathlib import Path

import uharfbuzz as hb

from sitrep.errors import RenderError
from sitrep.render import markup, stylesheet
from sitrep.render.assets import ASSET_BASE, MAX_ASSET_BYTES, asset_path
from sitrep.render.markup import END, START, WHITESPACE, Token
from sitrep.safety.xmlchars import xml_safe

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
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
EMPTIED = {"srcset", "imagesrcset", "srcdoc"}  # URL lists, and a whole document to load
LINK_TAGS = {"image", "use", "feimage"}  # SVG elements whose href loads a resource
# Names and words one of which a tag's source holds if it can load anything: a value can spell
# the rest with a character reference (`&`) and CSS with an escape (`\\`).
HINTS = ("src", "href", "poster", "data", "background", "url(", "image", "@import", "&", "\\")
FOREIGN = {"svg", "math"}  # a <style> inside is markup to a browser, not text
MAX_IMPORT_DEPTH = 4  # @import inside @import: enough for a theme, not a loop
CSS_FEATURES = ("tnum", "pnum", "lnum")  # font-variant-numeric; the print sheet uses tabular-nums
VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">'
NO_HEAD = (
    "the report's HTML has no <head>: the HTML edition cannot be made. "
    "Check templates/report.html (a workspace's copy included) for its <head> element."
)


def html_edition(html: str, dirs: list[Path]) -> str:
    """The report's HTML with its assets embedded, nothing remote, and a CSP that says so.

    `dirs` are the template folders (`sitrep.settings.config.template_dirs`), workspace first.
    """
    assets = _Assets([d.resolve() for d in dirs if d.is_dir()], _characters(html))
    # a last guard: a theme's stylesheet, inlined here, may hold what XML forbids
    return xml_safe(_Edition(html, assets).write())


def _characters(html: str) -> set[int]:
    """Code points the fonts must keep: the document's, both cases (CSS may change case), ASCII."""
    chars = set(html_lib.unescape(html))
    cased = {d for c in chars for d in c.upper() + c.lower()}
    return {ord(c) for c in chars | cased} | set(range(0x20, 0x7F)) | {0xA0}


def _inert_markup(css: str) -> str:
    """CSS for a <style> that a browser may read as markup (inside <svg>): each `<` that could
    open a tag or comment and each `&` that could start a character reference, as CSS escapes,
    which mean the same character in a string and are plain text in a comment."""
    for char, escape, opens in (("<", "\\3c ", "/!?"), ("&", "\\26 ", "#")):
        first, *rest = css.split(char)
        css = first + "".join(
            (
                escape
                if part and part[0].isascii() and (part[0].isalnum() or part[0] in opens)
                else char
            )
            + part
            for part in rest
        )
    return css


class _Edition:
    """The edition written token by token; see the module's docstring for the rules."""

    def __init__(self, html: str, assets: _Assets) -> None:
        self.html, self.assets = html, assets
        self.out: list[str] = []
        self.policy_at: int | None = None  # where in `out` the CSP goes
        self.head_end: int | None = None  # where the first </head> is in `out`
        self.viewport = self.screen = self.foreign = False
        self.before_head = True  # nothing yet that would end the head before the policy

    def write(self) -> str:
        skip, style, after_head = "", False, False
        for token in markup.tokens(self.html):
            kind, name = token.kind, token.name
            if skip:  # inside a <script>: never run in the edition (the CSP forbids it too)
                skip = "" if kind == END and name == skip else skip
                continue
            if self.policy_at is None:
                self._before_head(token)
            if after_head and not (kind == markup.DATA and not token.text.strip(WHITESPACE)):
                after_head = False
                if kind == START and name == "meta" and token.has("charset"):
                    self.out.append(self.tag(token))
                    self.policy_at = len(self.out)  # the policy after the charset, as before
                    continue
            if kind == START:
                if (
                    name == "script"
                    or name == "link"
                    or (name == "meta" and token.has("http-equiv"))
                ):  # a script, stylesheet, prefetch or refresh would run or load from elsewhere
                    skip = name if name == "script" and not token.closed else ""
                    continue
                self.foreign = self.foreign or name in FOREIGN
                self.out.append(self.tag(token))
                if name == "head" and self.policy_at is None:
                    self.policy_at, after_head = len(self.out), True
                elif name == "style":
                    style = not token.closed
                    self.screen = self.screen or self._screen(token)
                    if token.closed:  # `<style/>` is an empty element here, as to the parser
                        self.out.append("</style>")
                self.viewport = self.viewport or (
                    name == "meta" and (token.attr("name") or "").strip().lower() == "viewport"
                )
            elif kind == END:
                if name == "style":
                    style = False
                if name == "head" and self.head_end is None:
                    self.head_end = len(self.out)
                self.out.append(self._end_tag(token))
            elif kind == markup.RAW:
                self.out.append(self._style(token.text) if style else "")
            elif kind == markup.DATA:
                self.out.append(self._source(token).replace("<", "&lt;"))
            elif kind == markup.COMMENT or kind == markup.DOCTYPE:
                self.out.append(self._kept(token))
        if style:
            self.out.append("</style>")  # unclosed in the source: the CSS ends here
        if self.policy_at is None:
            raise RenderError(NO_HEAD)
        self._for_screens()
        self.out.insert(self.policy_at, "\n" + CSP_META)
        return "".join(self.out)

    def _before_head(self, token: Token) -> None:
        """The policy goes straight after <head>, which must be the first element after <html>:
        anything before it would make a browser start the body there, the policy with it."""
        kind = token.kind
        if kind == START and token.name == "head":
            if not self.before_head:
                raise RenderError(
                    "the report's HTML has an element or text before its <head>: the HTML "
                    "edition's Content-Security-Policy must come first. Check "
                    "templates/report.html (a workspace's copy included)."
                )
        elif (
            (kind == START and token.name != "html")
            or kind == END
            or (kind == markup.DATA and token.text.strip(WHITESPACE + "\ufeff"))
        ):
            self.before_head = False

    def _source(self, token: Token) -> str:
        return self.html[token.start : token.end]

    def tag(self, token: Token) -> str:
        quiet = not any(map(token.text.lower().__contains__, HINTS))  # most tags: a chart's
        attrs = None if quiet else self.assets.attributes(token.name, token.attrs)
        if attrs is None and markup.written_as_read(token):
            return token.text
        if attrs is None:  # rewritten as read, less any name the parsers read apart
            attrs = tuple((name, value) for name, value in token.attrs if _plain_name(name))
        return markup.start_tag(token.name, attrs, token.closed)

    def _end_tag(self, token: Token) -> str:
        tag, source = f"</{token.name}>", self._source(token)
        return source if source.lower() == tag else tag

    def _kept(self, token: Token) -> str:
        """A comment or doctype as written when a browser ends it where the parser did; else
        nothing (`<!-- --!>`, `<!-->`: a browser would read on as markup)."""
        text, source = token.text, self._source(token)
        if token.kind == markup.DOCTYPE:
            return source if source == f"<!{text}>" and "<" not in text else ""
        safe = "--" not in text and "<" not in text and not text.startswith((">", "->"))
        return source if safe and source == f"<!--{text}-->" and not text.endswith("-") else ""

    def _style(self, css: str) -> str:
        css = self.assets.css(css, "", 0)
        # The element ends at the parser's </style>, nowhere earlier; inside <svg>, no markup.
        return _inert_markup(css) if self.foreign else css.replace("</", "<\\/")

    @staticmethod
    def _screen(token: Token) -> bool:
        return (token.attr("media") or "").strip().lower().startswith("screen")

    def _for_screens(self) -> None:
        """A workspace's own report.html from before the edition has no viewport and no screen
        stylesheet: add them (the templates' screen.css), so its edition reads on a phone too."""
        if self.head_end is None:
            return
        added = [] if self.viewport else [VIEWPORT_META + "\n"]
        path = None if self.screen else self.assets.path("screen.css", "")
        if path is not None and path.stat().st_size <= MAX_ASSET_BYTES:
            css = self.assets.css(path.read_text("utf-8", errors="replace"), "", 0)
            css = css.replace("</", "<\\/")
            added.append(f'<style media="screen">\n{css}</style>\n')
        self.out[self.head_end : self.head_end] = added


NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_:.")


def _plain_name(name: str) -> bool:
    """An attribute name every HTML parser reads alike: letters, digits, `-_:.` only."""
    return bool(name) and all(c in NAME_CHARACTERS for c in name.lower())


def _has_scheme(url: str) -> bool:
    """`url` starts with a scheme (`https:`, `data:`, `c:`), as RFC 3986 spells one."""
    scheme, colon, _ = url.partition(":")
    return (
        bool(colon and scheme)
        and scheme.isascii()
        and scheme[0].isalpha()
        and all(c.isalnum() or c in "+.-" for c in scheme)
    )


class _Assets:
    """Template assets for URLs, each read and encoded once; attributes and CSS rewritten."""

    def __init__(self, roots: list[Path], chars: set[int]) -> None:
        self.roots, self.chars = roots, chars
        self.cache: dict[Path, str | None] = {}

    def attributes(self, tag: str, attrs: tuple) -> tuple | None:
        """The tag's attributes with each URL embedded or emptied; None when none changes."""
        changed = None
        if not all(_plain_name(name) for name, _ in attrs):
            # A name the parsers read apart (`/="url(x)"` is a name to one, a value to
            # another) is dropped: no template needs one, and what is not written cannot load.
            changed = [(name, value) for name, value in attrs if _plain_name(name)]
            attrs = tuple(changed)
        for i, (name, value) in enumerate(attrs):
            if value is None:
                continue
            if name in URL_ATTRIBUTES or (name.endswith("href") and tag in LINK_TAGS):
                new = value if value.startswith("#") else self.uri(value, "") or ""
            elif name in EMPTIED:
                new = ""
            elif name == "style" or stylesheet.may_load(value):  # CSS, or a url() in a value
                new = self.css(value, "", MAX_IMPORT_DEPTH)
            else:
                continue
            if new != value:
                changed = list(attrs) if changed is None else changed
                changed[i] = (name, new)
        return tuple(changed) if changed is not None else None

    def css(self, text: str, base: str, depth: int, whole: bool = False) -> str:
        """CSS with its `@import`s inlined and each `url()` embedded or made inert."""
        return stylesheet.rewrite(
            text,
            lambda url: self.uri(url, base),
            lambda url, media: self.imported(url, media, base, depth),
            whole,
        )

    def imported(self, url: str, media: str, base: str, depth: int) -> str:
        """A template stylesheet's rules in place of its @import; nothing for any other."""
        path = self.path(url, base) if depth < MAX_IMPORT_DEPTH else None
        if path is None or path.stat().st_size > MAX_ASSET_BYTES:
            return ""
        sheet = path.read_text("utf-8", errors="replace")
        inner = self.css(sheet, base + url[: url.rfind("/") + 1], depth + 1, whole=True)
        return f"@media {media} {{\n{inner}\n}}" if media else inner

    def path(self, url: str, base: str) -> Path | None:
        """The template file a relative URL names, by the PDF's rule; None for anything else."""
        url = url.strip()
        if not url or _has_scheme(url) or url.startswith(("/", "\\")):
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
