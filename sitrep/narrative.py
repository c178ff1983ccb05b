"""The day's words: highlights, situation overview and response, from Markdown, made safe.

One file per report date, `inputs/narrative/YYYY-MM-DD.md`, with level-1 or level-2 headings
naming sections ("Highlights", "Situation overview", "Response", ...). The narrative may come
from partners, so it is untrusted: raw HTML is shown as text, images are not loaded, and the
rendered HTML passes an allow-list (nh3) before it reaches a template.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import nh3

from sitrep.problems import Problem

SECTION_KEYS = {
    "highlights": "highlights",
    "key messages": "highlights",
    "situation overview": "overview",
    "overview": "overview",
    "response": "response",
    "humanitarian response": "response",
    "coordination": "coordination",
    "funding": "funding",
}
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
URL_SCHEMES = {"http", "https", "mailto"}
HEADING_RE = re.compile(r"^#{1,2}\s+(.+?)\s*#*\s*$")


@dataclass
class Narrative:
    highlights: list[str] = field(default_factory=list)  # safe HTML, one per bullet
    highlights_text: list[str] = field(default_factory=list)  # the same, plain text
    sections: dict[str, str] = field(default_factory=dict)  # key -> safe HTML
    file: str | None = None


def _markdown_to_safe_html(text: str) -> str:
    # Raw HTML from a partner is shown, not interpreted: escape it before Markdown sees it.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = re.sub(r"^(\s*)&gt;", r"\1>", escaped, flags=re.MULTILINE)  # keep blockquotes
    md = markdown.Markdown(extensions=["sane_lists", "tables"])
    # Images would make the renderer fetch a URL: leave ![alt](url) as text instead.
    for pattern in ("image_link", "image_reference", "short_image_ref"):
        if pattern in md.inlinePatterns:
            md.inlinePatterns.deregister(pattern)
    rendered = md.convert(escaped)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _plain(safe_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", safe_html)).strip()


def split_sections(text: str) -> tuple[dict[str, str], list[str]]:
    """{section key: its Markdown}, and the headings that name no known section."""
    sections: dict[str, list[str]] = {}
    unknown: list[str] = []
    current: str | None = None
    for line in text.splitlines():
        match = HEADING_RE.match(line)
        if match:
            title = " ".join(match.group(1).lower().split())
            current = SECTION_KEYS.get(title)
            if current is None:
                unknown.append(match.group(1))
                current = "overview"  # unknown headings stay visible, inside the overview
                sections.setdefault(current, []).append(f"### {match.group(1)}")
            continue
        if current is None:
            current = "overview"
        sections.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items() if "\n".join(v).strip()}, unknown


def load_narrative(
    directory: Path, day: dt.date, workspace: Path
) -> tuple[Narrative, list[Problem]]:
    """The narrative for `day`, and warnings when it is missing or has unknown sections."""
    path = directory / f"{day.isoformat()}.md"
    shown = str(path.relative_to(workspace)) if path.is_relative_to(workspace) else str(path)
    if not path.is_file():
        return Narrative(), [
            Problem(
                "warning",
                "narrative",
                shown,
                None,
                None,
                None,
                None,
                f"no narrative for {day}: write the highlights and overview in {shown}",
            )
        ]
    text = path.read_text(encoding="utf-8-sig")
    markdown_sections, unknown = split_sections(text)
    problems = [
        Problem(
            "warning",
            "narrative",
            shown,
            None,
            None,
            None,
            heading,
            f"unknown section heading; known: {', '.join(sorted(set(SECTION_KEYS)))}",
        )
        for heading in unknown
    ]
    narrative = Narrative(file=shown)
    bullets = re.findall(r"^\s*[-*+]\s+(.+)$", markdown_sections.pop("highlights", ""), re.M)
    for bullet in bullets:
        safe = _markdown_to_safe_html(bullet)
        safe = re.sub(r"^<p>(.*)</p>$", r"\1", safe, flags=re.S)
        narrative.highlights.append(safe)
        narrative.highlights_text.append(_plain(safe))
    if not 2 <= len(bullets) <= 5:
        problems.append(
            Problem(
                "warning",
                "narrative",
                shown,
                None,
                None,
                "Highlights",
                None,
                f"{len(bullets)} highlights; a report has 2 to 5",
            )
        )
    narrative.sections = {k: _markdown_to_safe_html(v) for k, v in markdown_sections.items()}
    return narrative, problems
