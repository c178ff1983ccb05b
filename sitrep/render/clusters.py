"""The narrative's response, cut at its clusters, with each cluster's computed figures beside its
Needs / Response / Gaps.

The narrative's `# Response` has a `###` heading per cluster; its safe HTML (made by
`sitrep.inputs.narrative`) is cut at each top-level `<h3>` with Python's HTML parser, never a
pattern, so each part stays the markup it was. A heading names a cluster of the response table
when the two names are the same, ignoring case, accents, punctuation and spacing, in the
workspace's language ("Sécurité alimentaire" = "securite alimentaire"). The sectors of HDX
HAPI's needs table match the same way, by name or code. Clusters of the table that no heading
names follow the narrative's, with their figures alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup

from sitrep.figures.response import cluster_key


@dataclass(frozen=True)
class ClusterSection:
    heading: Markup  # the narrative's <h3>, or "" for a cluster only the table names
    name: str  # the cluster's name as the heading (or the table) writes it
    body: Markup  # the narrative's Needs / Response / Gaps under the heading
    figures: Any  # its `ClusterFigures`, or None
    needs: Any  # its sector's `SectorNeeds` from HAPI's needs table, or None


@dataclass(frozen=True)
class ResponseSections:
    intro: Markup  # the narrative before its first cluster
    clusters: tuple[ClusterSection, ...]


class _Headings(HTMLParser):
    """Where each top-level <h3> starts and ends, as offsets in the text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0]
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.depth = 0
        self.spans: list[list] = []  # [start, end, text]
        self.inside = False

    def position(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "h3" and self.depth == 0:
            self.spans.append([self.position(), None, ""])
            self.inside = True
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(self.depth - 1, 0)
        if tag == "h3" and self.inside and self.depth == 0:
            self.inside = False
            self.spans[-1][1] = self.text.index(">", self.position()) + 1

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.spans[-1][2] += data


VOID = {"br", "hr", "img", "wbr", "input", "meta", "link", "col", "area", "source"}


def split_response(html: str) -> tuple[str, list[tuple[str, str, str]]]:
    """(the text before the first heading, [(heading markup, heading text, body)])."""
    parser = _Headings(html)
    parser.feed(html)
    parser.close()
    spans = [s for s in parser.spans if s[1] is not None]
    if not spans:
        return html, []
    parts = []
    for i, (start, end, text) in enumerate(spans):
        following = spans[i + 1][0] if i + 1 < len(spans) else len(html)
        parts.append((html[start:end], " ".join(text.split()), html[end:following]))
    return html[: spans[0][0]], parts


def response_sections(html: str, response: Any, needs: Any) -> ResponseSections:
    """The narrative's response (safe HTML) with each cluster's figures, then the clusters
    the narrative does not name."""
    intro, parts = split_response(str(html or ""))
    clusters = {c.key: c for c in response.clusters} if response else {}
    sectors: dict[str, Any] = {}
    for s in needs.sectors if needs else ():
        sectors.setdefault(cluster_key(s.name), s)
        sectors.setdefault(cluster_key(s.code), s)
    sections, named = [], set()
    for heading, text, body in parts:
        key = cluster_key(text)
        named.add(key)
        sections.append(
            ClusterSection(Markup(heading), text, Markup(body), clusters.get(key), sectors.get(key))
        )
    for key, figures in clusters.items():
        if key not in named:
            sections.append(
                ClusterSection(Markup(""), figures.cluster, Markup(""), figures, sectors.get(key))
            )
    return ResponseSections(Markup(intro), tuple(sections))
