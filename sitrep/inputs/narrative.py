"""The day's words: highlights, situation overview and response, from Markdown, made safe.

One file per report date, `inputs/narrative/YYYY-MM-DD.md`, with level-1 or level-2 headings
naming sections ("Highlights", "Situation overview", "Response", ...) in English, French,
Spanish or Arabic ("Points saillants", "Panorama de la situación", "الاستجابة"; see
`sitrep.inputs.words`, which a workspace extends in `inputs/words.toml`). The narrative may come
from partners, so it is untrusted: raw HTML is shown as text, images and links to anything but
http(s)/mailto are shown as the Markdown that was written (never fetched or followed), and the
rendered HTML passes an allow-list (nh3) before it reaches a template. See SECURITY.md.

Before Markdown sees it, the file is bounded (`[limits] max_narrative_kb`, checked on its size
and again while it is read) and its text made plain: lines end at LF, CRLF or CR only (what
`str.splitlines` also ends them at, Word's Shift+Enter, form feed, NEL, U+2028/U+2029, becomes
a space, so a highlight is never cut and a heading never hides inside a paragraph), and the
characters XML forbids are removed (`sitrep.safety.xmlchars`); each is a warning with its line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

from sitrep.errors import ValidationFailed
from sitrep.inputs.confine import escape_message
from sitrep.inputs.limits import exceeded
from sitrep.inputs.textcodec import decode_text, line_ends, plain_lines
from sitrep.inputs.words import Words, builtin_words, workspace_words
from sitrep.problems import Message, Problem, ProblemCode, Severity
from sitrep.safety.links import LINK_SCHEMES, is_allowed_link
from sitrep.settings.limits import Limits

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "b",
    "i",
    "a",
    "br",
    "h3",
    "h4",
    "h5",
    "blockquote",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
# Never in the output, not even their text (the allow-list above already drops the tags).
DROPPED_WITH_CONTENT = {"script", "style"}
# Markdown processors that make a link or an image: each is guarded by _LiteralUnlessSafe.
GUARDED_PATTERNS = (
    "reference",
    "link",
    "image_link",
    "image_reference",
    "short_reference",
    "short_image_ref",
    "autolink",
    "automail",
)
HEADING_RE = re.compile(r"^#{1,2}\s+(.+?)\s*#*\s*$")
# Python-Markdown parses nested lists and quotes recursively: 100 levels exhaust Python's stack.
# Nothing a report says needs more than a few; the cap is checked before Markdown parses.
MAX_NESTING = 12
NESTING_RE = re.compile(r"^(?:[ \t>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
MARKER_RE = re.compile(r"[>]|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")
BULLET_RE = re.compile(r"^\s*[-*+]\s+(.+)$")
MAX_LINE_WARNINGS = 20  # per kind; then one warning gives the count of the other lines
CHARACTER_MESSAGES = {  # the `[problems]` entry of each
    ProblemCode.LINE_SEPARATOR: "line-separator.line",
    ProblemCode.CONTROL_CHARACTER: "control-character.line",
}


@dataclass
class Narrative:
    highlights: list[str] = field(default_factory=list)  # safe HTML, one per bullet
    highlights_text: list[str] = field(default_factory=list)  # the same, plain text
    sections: dict[str, str] = field(default_factory=dict)  # key -> safe HTML
    file: str | None = None


class _LiteralUnlessSafe(InlineProcessor):
    """Wraps a link or image processor: a refused result is shown as its Markdown source.

    An image (any source) or a link to anything but http(s)/mailto would be an action (a fetch,
    a script, a local file), so the reader sees what was written instead, e.g. `![x](http://...)`.
    """

    def __init__(self, inner: InlineProcessor) -> None:
        super().__init__(inner.pattern, inner.md)
        self.inner = inner
        # the wrapped processor's, per instance (the stubs call it a class variable)
        self.ANCESTOR_EXCLUDES = inner.ANCESTOR_EXCLUDES  # type: ignore[misc]

    # InlineProcessor's signature, which its stubs too mark as overriding Pattern's
    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[Element | str | None, int | None, int | None]:
        element, start, end = self.inner.handleMatch(m, data)
        if element is None or start is None or end is None or isinstance(element, str):
            return element, start, end
        if element.tag == "a" and is_allowed_link(element.get("href", "")):
            return element, start, end
        # unescape: code spans and the like inside the source are placeholders at this point.
        return self.unescape(data[start:end]), start, end


def _markdown() -> markdown.Markdown:
    """Python-Markdown with raw HTML shown as text and every link or image guarded."""
    md = markdown.Markdown(extensions=["sane_lists", "tables"])
    # Raw HTML is text: without these two, `<b>` and `<div>` reach the output as characters and
    # the serializer escapes them once (entities like &amp; still work, code spans stay right).
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    for name in GUARDED_PATTERNS:
        if name in md.inlinePatterns:
            index = md.inlinePatterns.get_index_for_name(name)
            # the registry has no public way to read a priority (nor are its entries typed)
            priority = md.inlinePatterns._priority[index].priority  # type: ignore[attr-defined]
            inner = md.inlinePatterns[name]
            assert isinstance(inner, InlineProcessor)  # each of GUARDED_PATTERNS is one
            md.inlinePatterns.register(_LiteralUnlessSafe(inner), name, priority)
    return md


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: the second line of defence for hrefs (relative URLs are files)."""
    if tag == "a" and attribute == "href":
        return value if is_allowed_link(value) else None
    return value


def _markdown_to_safe_html(text: str) -> str:
    rendered = _markdown().convert(text)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_safe_links,
        url_schemes=set(LINK_SCHEMES),
        url_relative="deny",
        link_rel="noopener noreferrer",
    )


class _Text(HTMLParser):
    """The text of sanitised HTML, character references decoded, tags left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(safe_html: str) -> str:
    text = _Text()
    text.feed(safe_html)
    text.close()
    return "".join(text.parts).strip()


def split_sections(
    text: str, words: Words | None = None
) -> tuple[dict[str, str], list[tuple[int, str]]]:
    """{section key: its Markdown}, and (line, heading) of the headings naming no section."""
    words = words or builtin_words()
    sections: dict[str, list[str]] = {}
    unknown: list[tuple[int, str]] = []
    current: str | None = None
    for number, line in enumerate(line_ends(text).split("\n"), start=1):
        match = HEADING_RE.match(line)
        if match:
            current = words.section(match.group(1))
            if current is None:
                unknown.append((number, match.group(1)))
                current = "overview"  # unknown headings stay visible, inside the overview
                sections.setdefault(current, []).append(f"### {match.group(1)}")
            continue
        if current is None:
            current = "overview"
        sections.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items() if "\n".join(v).strip()}, unknown


def load_narrative(
    directory: Path,
    day: dt.date,
    workspace: Path,
    *,
    locale: str = "en",
    words: Words | None = None,
    limits: Limits | None = None,
) -> tuple[Narrative, list[Problem]]:
    """The narrative for `day`, and warnings when it is missing or has unknown sections.

    Headings are read in any language; an unknown one is named with the known headings of the
    report's `locale`. `words`: the workspace's (default: read from `workspace`). `limits`: the
    workspace's `[limits]` (its `max_narrative_kb`; default: sitrep's).
    """
    path = directory / f"{day.isoformat()}.md"
    shown = str(path.relative_to(workspace)) if path.is_relative_to(workspace) else str(path)
    if not path.is_file():
        return Narrative(), [
            Problem(
                "warning",
                table="narrative",
                file=shown,
                message=Message("no-narrative.file", day=day, file=shown),
                code=ProblemCode.NO_NARRATIVE,
            )
        ]
    if escape := escape_message(path, workspace, shown):
        raise ValidationFailed(
            [_problem(ProblemCode.OUTSIDE_WORKSPACE, "error", shown, None, escape)]
        )
    text, _, encoding_warning = decode_text(_read_bounded(path, shown, limits or Limits()))
    text = line_ends(text)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        message = Message("nul-character.narrative", line=str(line))
        raise ValidationFailed([_problem(ProblemCode.NUL_CHARACTER, "error", shown, None, message)])
    text, character_warnings = _character_warnings(text, shown)
    if deep := _too_deep(text):
        line, depth = deep
        message = Message(
            "too-deep.nesting", line=str(line), depth=str(depth), limit=str(MAX_NESTING)
        )
        raise ValidationFailed([_problem(ProblemCode.TOO_DEEP, "error", shown, None, message)])
    try:
        narrative, problems = _parse(
            text, shown, words or workspace_words(workspace, locale), locale
        )
    except RecursionError:  # a construct nested some other way: still a message, not a crash
        message = Message("too-deep.markdown")
        raise ValidationFailed(
            [_problem(ProblemCode.TOO_DEEP, "error", shown, None, message)]
        ) from None
    problems[:0] = character_warnings
    if encoding_warning:
        problems.insert(0, _problem(ProblemCode.ENCODING, "warning", shown, None, encoding_warning))
    return narrative, problems


def _read_bounded(path: Path, shown: str, limits: Limits) -> bytes:
    """The file's bytes, refused by its size before it is read, and again while it is read
    (a file that grows, or one whose size the system does not know, as in /proc)."""
    limit = limits.max_narrative_kb * 1024

    def refuse(what: Message) -> ValidationFailed:
        limit = exceeded(what, "max_narrative_kb", limits.max_narrative_kb, "KB")
        message = Message("limit-exceeded.narrative", limit=limit)
        return ValidationFailed(
            [_problem(ProblemCode.LIMIT_EXCEEDED, "error", shown, None, message)]
        )

    size = path.stat().st_size
    if size > limit:
        raise refuse(Message("limit-exceeded.narrative-size", size=f"{size / 1024:,.0f}"))
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise refuse(Message("limit-exceeded.narrative-read", size=limits.max_narrative_kb))
    return data


def _character_warnings(text: str, shown: str) -> tuple[str, list[Problem]]:
    """`text` made plain (`sitrep.inputs.textcodec.plain_lines`), and a warning for each line
    that held a character it changed (MAX_LINE_WARNINGS of each kind, then their count)."""
    text, found = plain_lines(text)
    problems = []
    for code, where in found.items():
        for number, characters in where[:MAX_LINE_WARNINGS]:
            message = Message(CHARACTER_MESSAGES[code], characters=characters)
            problems.append(_problem(code, "warning", shown, None, message, line=number))
        if len(where) > MAX_LINE_WARNINGS:
            such = Message(CHARACTER_MESSAGES[code], characters=Message("control-character.such"))
            count = len(where) - MAX_LINE_WARNINGS
            message = Message("more.lines", count=count, message=such)
            problems.append(_problem(code, "warning", shown, None, message))
    return text, problems


def _problem(
    code: ProblemCode,
    severity: Severity,
    shown: str,
    column: str | None,
    message: Message,
    *,
    line: int | None = None,
) -> Problem:
    return Problem(
        severity,
        table="narrative",
        file=shown,
        row=line,
        column=column,
        message=message,
        code=code,
    )


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line number, depth) of the first line nested deeper than MAX_NESTING, else None."""
    for number, line in enumerate(line_ends(text).split("\n"), start=1):
        nesting = NESTING_RE.match(line)
        assert nesting is not None  # the pattern matches the empty string too
        lead = nesting.group(0)
        if len(lead) <= MAX_NESTING:
            continue
        markers = MARKER_RE.findall(lead)  # a quote or list marker opens a level
        indent = len(lead.expandtabs(4)) - 2 * len(markers)  # a marker and its space
        depth = len(markers) + max(0, indent) // 4
        if depth > MAX_NESTING:
            return number, depth
    return None


def _bullets(markdown_text: str) -> list[str]:
    """The highlights: each bullet with the lines that continue it (a bullet wrapped over two
    lines is one highlight, as Markdown reads it), up to the next bullet or a blank line."""
    bullets: list[list[str]] = []
    current: list[str] | None = None
    for line in markdown_text.split("\n"):
        if match := BULLET_RE.match(line):
            current = [match.group(1).strip()]
            bullets.append(current)
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line.strip())
    return [" ".join(parts) for parts in bullets]


def _parse(text: str, shown: str, words: Words, locale: str) -> tuple[Narrative, list[Problem]]:
    """The narrative's sections as safe HTML, and warnings about its structure."""
    markdown_sections, unknown = split_sections(text, words)
    known = ", ".join(words.known_headings(locale))
    problems = [
        Problem(
            "warning",
            table="narrative",
            file=shown,
            row=line,
            value=heading,
            message=Message("unknown-heading.unknown", known=known),
            code=ProblemCode.UNKNOWN_HEADING,
        )
        for line, heading in unknown
    ]
    narrative = Narrative(file=shown)
    bullets = _bullets(markdown_sections.pop("highlights", ""))
    for bullet in bullets:
        safe = _markdown_to_safe_html(bullet)
        if safe.startswith("<p>") and safe.endswith("</p>") and safe.count("<p>") == 1:
            safe = safe[3:-4]  # one paragraph: its content, for the template's own <li>
        narrative.highlights.append(safe)
        narrative.highlights_text.append(_plain(safe))
    if not 2 <= len(bullets) <= 5:
        problems.append(
            Problem(
                "warning",
                table="narrative",
                file=shown,
                column="Highlights",
                message=Message("highlights-count.count", count=len(bullets)),
                code=ProblemCode.HIGHLIGHTS_COUNT,
            )
        )
    narrative.sections = {k: _markdown_to_safe_html(v) for k, v in markdown_sections.items()}
    return narrative, problems
