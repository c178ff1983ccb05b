"""The HTML edition read by a browser's parser: whatever markup a theme writes, a reader that
follows the HTML specification (tinyhtml5, WeasyPrint's parser; with scripting on, as Chromium,
and off) finds nothing in the edition that loads from elsewhere.

`sitrep.render.edition` reads HTML with the standard library's `html.parser`, which is not a
browser; the edition is written so that a browser reads what that parser read. Hypothesis
writes markup from the pieces where the two disagree (comments ended by `--!>`, `<style>`
inside `<svg>`, elements whose content is text, quotes, references, CSS escapes) and checks it
against a specification parser, which `tests/render/test_edition_hostile.py` checks in Chromium.
"""

from __future__ import annotations

import tinycss2
from hypothesis import example, given, settings
from hypothesis import strategies as st
from tinyhtml5.parser import HTMLParser

from sitrep.render.edition import CSP, html_edition
from sitrep.settings.config import DEFAULT_TEMPLATES

TAGS = ["img", "style", "script", "svg", "math", "noscript", "textarea", "title", "xmp", "p"]
TAGS += ["iframe", "image", "use", "link", "meta", "object", "video", "foreignObject", "mtext"]
ATTRIBUTES = ["src", "href", "xlink:href", "title", "style", "srcdoc", "poster", "data", "fill"]
ATTRIBUTES += ["srcset", "http-equiv", "content", "alt", "", "/"]
PIECES = [
    *("<", ">", "</", "/", "<!--", "-->", "--!>", "-", "!", '"', "'", "=", " ", "\n", "`"),
    *("<![CDATA[", "]]>", "<?", "&", "&quot;", "&lt;", "&#60;", "&#117;", "&#x3c;", "#"),
    *("https://example.org/x", "url(", "URL(", "u\\72l(", "rl(", ")", "(", "\\", "{", "}"),
    *(";", ":", "@import ", "@\\69mport ", "image-set(", "var(--u)", "/*", "*/"),
    *("p{background:", "--u:", "</style>", "</noscript>", "<img src=https://example.org/x>"),
]
text = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
attribute = st.builds(
    lambda name, value, quote: f" {name}={quote}{value}{quote}" if name else value,
    st.sampled_from(ATTRIBUTES),
    text,
    st.sampled_from(['"', "'", "", "`"]),
)
start_tag = st.builds(
    lambda name, attributes, end: f"<{name}{''.join(attributes)}{end}>",
    st.sampled_from(TAGS),
    st.lists(attribute, max_size=3),
    st.sampled_from(["", "/", " /"]),
)
markup = st.lists(
    st.one_of(
        start_tag,
        st.sampled_from(TAGS).map(lambda name: f"</{name}>"),
        text.map(lambda inside: f"<!--{inside}-->"),
        text,
    ),
    max_size=10,
).map("".join)
LOADING_ATTRIBUTES = {"src", "poster", "data", "background", "srcset", "srcdoc", "imagesrcset"}
HREF_LOADS = {"image", "use", "feimage"}  # SVG elements whose href loads a resource
INERT = ("#", "data:", "about:invalid")


def local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def css_loads(css: str) -> list[str]:
    """Every URL a browser would load from this CSS (tinycss2 reads it as CSS says)."""
    found: list[str] = []

    def walk(nodes, strings_are_urls: bool = False) -> None:
        for i, node in enumerate(nodes):
            kind = node.type
            if kind == "url" or (kind == "string" and strings_are_urls):
                found.append(node.value)
            elif kind == "at-keyword" and node.lower_value == "import":
                found.append("@import " + tinycss2.serialize(nodes[i + 1 : i + 4]))
            elif kind == "error" and node.kind == "bad-url":
                continue
            elif kind == "function":
                name = node.lower_name
                if name in ("url", "src"):
                    found.extend(a.value for a in node.arguments if a.type == "string")
                elif name in ("var", "env", "attr") and strings_are_urls:
                    found.append(tinycss2.serialize([node]))
                walk(node.arguments, name in ("image-set", "-webkit-image-set", "image"))
            elif hasattr(node, "content") and isinstance(node.content, list):
                walk(node.content)

    walk(tinycss2.parse_component_value_list(css))
    return found


def browser_loads(document: str, scripting: bool) -> list[str]:
    """What a browser (its parser, per the HTML specification) would load from `document`."""
    found: list[str] = []
    tree = HTMLParser().parse(document, scripting=scripting)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = local(element.tag)
        for key, value in element.attrib.items():
            name = local(key)
            if name == "srcdoc":
                found.extend(browser_loads(value, scripting) if value else [])
            elif name in LOADING_ATTRIBUTES or (name == "href" and tag in HREF_LOADS):
                found.append(value)
            elif name == "style" or "(" in value:
                found.extend(css_loads(value))
        if tag == "style":
            found.extend(css_loads("".join(element.itertext())))
        elif tag in ("script", "link") or (
            tag == "meta" and element.get("http-equiv") and element.get("content") != CSP
        ):
            found.append(f"<{tag}> {element.attrib}")
    return found


@settings(max_examples=300, deadline=None)
@given(markup)
@example('<!-- --!><img src="https://example.org/x"> -->')
@example('<img /="" /="url(<">')  # a name to Python's parser, a name and value to others
@example("<svg><style>p { background: &#117;rl(https://example.org/x) }</style></svg>")
@example("<noscript><p title=\"</noscript><img src='https://example.org/x'>\"></p></noscript>")
def test_a_browser_finds_nothing_to_load_whatever_the_theme_writes(body: str) -> None:
    document = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>T</title>\n'
        '<meta name="viewport" content="width=device-width">\n<style media="screen"></style>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"  # its own (empty) screen sheet: small
    )
    edition = html_edition(document, [DEFAULT_TEMPLATES])
    for scripting in (True, False):
        loads = [
            u for u in browser_loads(edition, scripting) if u.strip() and not u.startswith(INERT)
        ]
        assert loads == [], (body, scripting)
