"""CSS read by tinycss2, which tokenizes as the CSS Syntax specification says and browsers do.

`rewrite` finds everything in a stylesheet that makes a browser load something, however it is
written: `url()` in any case or with escapes (`u\\72l(`), quoted or not, left open at the end of
the sheet; `src()`; the strings of `image-set()`, `-webkit-image-set()` and `image()` (and a
`var()` there, which could hold one); `@import`, with a string or a url, after a comment or
spelled with escapes. A `url()` or `@import` inside a string or a comment is text, and stays so.
What the caller gives back replaces it; anything else becomes `url(about:invalid)`, or for an
`@import` nothing. The email's accent colour and the archive's colours are read from the same
tokens (`custom_property`, `rule`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

import tinycss2
from tinycss2 import ast

Resolve = Callable[[str], "str | None"]  # a URL -> the URL to use instead; None: made inert
Import = Callable[[str, str], str]  # (URL, media) of an @import -> the CSS to put in its place

INERT_URL = "about:invalid"
URL_FUNCTIONS = {"url", "src"}  # their one argument is a URL
STRING_URL_FUNCTIONS = {"image-set", "-webkit-image-set", "image"}  # their strings are URLs
SUBSTITUTIONS = {"var", "env", "attr"}  # could put a string where a URL is read
BLOCKS = (ast.ParenthesesBlock, ast.SquareBracketsBlock, ast.CurlyBracketsBlock)
LOADING = ("url(", "src(", "image(", "image-set(", "@import")  # each spelled out, unless escaped


def may_load(css: str) -> bool:
    """False when `css` can name nothing to load: none of LOADING written out, and no backslash
    (the only way to spell one otherwise). Saves parsing the sheets and attributes that don't."""
    if "\\" in css:
        return True
    lowered = css.lower()
    return any(word in lowered for word in LOADING)


@dataclass(frozen=True)
class _Sheet:
    """A stylesheet's tokens, and which of its top-level ones load something."""

    text: str  # as tinycss2 reads it (NUL, CR and FF replaced), which its positions count in
    nodes: tuple[ast.Node, ...]
    starts: tuple[int, ...]  # where each top-level node starts in `text`; then len(text)
    loading: frozenset[int]  # top-level nodes that load something, or hold one that does


@functools.lru_cache(maxsize=64)
def _sheet(css: str) -> _Sheet:
    """Parsed once per sheet: a report's stylesheet is the same in every report of a batch and
    in every render of a preview."""
    nodes = tuple(tinycss2.parse_component_value_list(css))
    text = css.replace("\0", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n")
    lines = [0, *accumulate(len(line) + 1 for line in text.split("\n"))]
    starts = [lines[n.source_line - 1] + n.source_column - 1 for n in nodes] + [len(text)]
    for i in range(len(nodes) - 1, 0, -1):  # an error about a token is placed where it starts:
        if nodes[i].type == "error" and starts[i] == starts[i - 1]:  # the source is the token's
            starts[i] = starts[i + 1]
    loading = frozenset(i for i, node in enumerate(nodes) if _loads(node))
    return _Sheet(text, nodes, tuple(starts), loading)


def _loads(node: ast.Node) -> bool:
    if isinstance(node, ast.FunctionBlock):
        name = node.lower_name
        return (
            name in URL_FUNCTIONS
            or name in STRING_URL_FUNCTIONS
            or any(map(_loads, node.arguments))
        )
    if isinstance(node, BLOCKS):
        return any(map(_loads, node.content))
    return (
        isinstance(node, ast.URLToken)
        or (isinstance(node, ast.ParseError) and node.kind == "bad-url")
        or _is_import(node)
    )


def _is_import(node: ast.Node) -> bool:
    return isinstance(node, ast.AtKeywordToken) and node.lower_value == "import"


def rewrite(css: str, resolve: Resolve, imported: Import | None = None, whole: bool = False) -> str:
    """`css` with each URL it loads given by `resolve` (or made inert) and each top-level
    `@import` replaced by `imported(url, media)` (or removed; any other `@import` is removed).

    What loads nothing is kept as written (the whole sheet, when nothing changes); with `whole`
    the sheet is written out from its tokens, every block and comment closed, so that it can be
    put inside another sheet.
    """
    if not whole and not may_load(css):
        return css
    sheet, rewriter = _sheet(css), _Rewriter(resolve, imported)
    if whole:
        return tinycss2.serialize(rewriter.nodes(sheet.nodes, top=True))
    nodes, starts, pieces, i = sheet.nodes, sheet.starts, [], 0
    while i < len(nodes):
        end = i + 1
        if i in sheet.loading:
            end = _statement_end(nodes, i)
            pieces.append(tinycss2.serialize(rewriter.nodes(nodes[i:end], top=True)))
        else:
            while end < len(nodes) and end not in sheet.loading:
                end += 1
            pieces.append(sheet.text[starts[i] : starts[end]])
        i = end
    return "".join(pieces) if rewriter.changed else css


def _statement_end(nodes: Sequence[ast.Node], i: int) -> int:
    """Past the node at `i`; for an @import, past its `;` or block (or at the end)."""
    if not _is_import(nodes[i]):
        return i + 1
    end = i + 1
    while end < len(nodes) and not _ends_rule(nodes[end]):
        end += 1
    return min(end + 1, len(nodes))


def _ends_rule(node: ast.Node) -> bool:
    return isinstance(node, ast.CurlyBracketsBlock) or (
        isinstance(node, ast.LiteralToken) and node.value == ";"
    )


def _url(node: ast.Node, value: str) -> ast.URLToken:
    # `value` is a data: URI (base64: no quote, space or parenthesis) or INERT_URL
    return ast.URLToken(node.source_line, node.source_column, value, f"url({value})")


def _significant(nodes: Sequence[ast.Node]) -> list[ast.Node]:
    return [n for n in nodes if n.type not in ("whitespace", "comment")]


def _url_of(node: ast.Node) -> str | None:
    """The URL a url token, `url("...")`/`src("...")` or (for @import) a string names."""
    if isinstance(node, ast.URLToken | ast.StringToken):
        return node.value
    if isinstance(node, ast.FunctionBlock) and node.lower_name in URL_FUNCTIONS:
        arguments = _significant(node.arguments)
        if len(arguments) == 1 and isinstance(arguments[0], ast.StringToken):
            return arguments[0].value
    return None


class _Rewriter:
    def __init__(self, resolve: Resolve, imported: Import | None) -> None:
        self.resolve, self.imported = resolve, imported
        self.changed = False

    def url(self, node: ast.Node, url: str | None) -> ast.Node:
        if url is not None and url.strip().startswith("#"):
            return node  # an SVG reference inside this document: loads nothing
        self.changed = True
        return _url(node, (self.resolve(url.strip()) if url is not None else None) or INERT_URL)

    def nodes(self, nodes: Sequence[ast.Node], top: bool = False, urls: bool = False) -> list:
        """`nodes` rewritten; `urls`: inside a function whose strings are URLs."""
        out: list[ast.Node] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            i += 1
            if _is_import(node):
                end = _statement_end(nodes, i - 1)
                prelude, i = list(nodes[i:end]), end
                # a block ends it: not an @import then
                block = bool(prelude) and isinstance(prelude[-1], ast.CurlyBracketsBlock)
                if prelude and _ends_rule(prelude[-1]):
                    prelude.pop()
                self.changed = True  # removed, unless the sheet it names is put in its place
                if top and not block:
                    out.append(self.import_rule(node, prelude))
                continue
            if isinstance(node, ast.URLToken) or (
                isinstance(node, ast.FunctionBlock) and node.lower_name in URL_FUNCTIONS
            ):
                out.append(self.url(node, _url_of(node)))
            elif urls and isinstance(node, ast.StringToken):
                out.append(self.url(node, node.value))
            elif (isinstance(node, ast.ParseError) and node.kind == "bad-url") or (
                isinstance(node, ast.FunctionBlock) and urls and node.lower_name in SUBSTITUTIONS
            ):  # a URL that is not one, or what could put a string where a URL is read
                out.append(self.url(node, None))
            elif isinstance(node, ast.FunctionBlock):
                arguments = self.nodes(node.arguments, urls=node.lower_name in STRING_URL_FUNCTIONS)
                if arguments != node.arguments:
                    node = ast.FunctionBlock(
                        node.source_line, node.source_column, node.name, arguments
                    )
                out.append(node)
            elif isinstance(node, BLOCKS):
                content = self.nodes(node.content)
                if content != node.content:
                    node = type(node)(node.source_line, node.source_column, content)
                out.append(node)
            else:
                out.append(node)
        return out

    def import_rule(self, at: ast.Node, prelude: Sequence[ast.Node]) -> ast.Node:
        """The CSS an @import brings, in place of the rule (its media rewritten too)."""
        parts = _significant(prelude)
        url = _url_of(parts[0]) if parts else None
        css = ""
        if url is not None and self.imported is not None:
            rest = prelude[prelude.index(parts[0]) + 1 :]
            media = tinycss2.serialize(self.nodes(rest)).strip()
            css = self.imported(url.strip(), media)
        return ast.LiteralToken(at.source_line, at.source_column, css)


def custom_property(css: str, name: str) -> str | None:
    """The value of the first declaration of custom property `name` (`--accent`) in a top-level
    rule of the sheet, as written but without comments; None when there is none."""
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
            if item.type == "declaration" and item.name == name:
                return tinycss2.serialize(item.value).strip()
    return None


def rule(css: str, selector: str) -> str | None:
    """The first top-level rule for exactly `selector` (`:root`), as written; None if none."""
    for node in tinycss2.parse_stylesheet(css):
        prelude = tinycss2.serialize(node.prelude) if node.type == "qualified-rule" else ""
        if prelude.strip().lower() == selector:
            return tinycss2.serialize([node])
    return None
