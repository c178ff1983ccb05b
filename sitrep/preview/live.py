"""The preview's reports: rendered on demand, rendered again after every save, the last good
render kept while the inputs are broken.

One `LiveReports` serves every page of a `sitrep preview`. A report is identified by its date,
or by None for "the latest date in the data" (the page an IMO keeps open while adding today's
rows). Each render runs the build's own steps 1-4 (`render.document.render_report`) and turns
the HTML into the HTML edition (`edition.html_edition`), so the page shows what `build` writes.
Nothing is written and no number is reserved: the number shown is the one the record gives.

Threads: HTTP handlers read snapshots; one render thread re-renders after a change; pandas,
the drawings and the PDF build run one at a time under `pipeline`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.errors import RenderError, ReportExistsError, SitrepError, ValidationFailed
from sitrep.figures.compute import data_date_range, data_dates
from sitrep.issue.content import report_content
from sitrep.issue.fingerprint import files_fingerprint
from sitrep.issue.numbering import cadence_step, content_unchanged, series_number
from sitrep.issue.record import latest_issue, load_record
from sitrep.pipeline import BuildOptions
from sitrep.problems import Wording
from sitrep.render.catalogue import problem_wording
from sitrep.render.document import Numbering, render_report
from sitrep.render.edition import html_edition
from sitrep.render.html import load_messages
from sitrep.render.markup import DATA, END, RAW, START, tokens
from sitrep.settings.config import DEFAULT_TEMPLATES, load_config, template_dirs

if TYPE_CHECKING:
    from sitrep.issue.record import Issued
    from sitrep.issue.results import BuildResult
    from sitrep.settings.config import Config, InputSource
    from sitrep.validate.table import Table

LOG = logging.getLogger("sitrep.preview")
Key = dt.date | None  # a report date, or None: the latest date in the data
Builder = Callable[[BuildOptions], "BuildResult"]  # sitrep.report.build_report
RECENT = 2  # reports kept up to date after their last page closed (going back and forth)


@dataclass(frozen=True)
class Content:
    """A good render, split the way the preview page uses it."""

    version: int
    day: dt.date
    title: str  # plain text
    lang: str
    body_class: str
    styles: list[tuple[str, str]]  # (media, css), in document order
    body: str  # the report's <body> content: sanitized markup made by the templates
    number: int
    revision: int
    issued: bool  # the record holds a report for this date
    changed: bool  # ...made from other files than these (building it needs a revision)


def preview_words(dirs: list[Path], locale: str) -> dict[str, str]:
    """The `[preview]` entries of the catalogue for `locale` (the workspace's over sitrep's);
    sitrep's own if the workspace's catalogue cannot be read (the render says why)."""
    try:
        messages = load_messages(dirs or [DEFAULT_TEMPLATES], locale)
    except RenderError:
        messages = load_messages([DEFAULT_TEMPLATES], locale)
    return {k: v for k, v in messages.items() if k.startswith("preview.")}


@functools.cache
def english_preview_words() -> dict[str, str]:
    """sitrep's own English toolbar words: before a workspace's settings are read."""
    return preview_words([], "en")


@dataclass(frozen=True)
class Snapshot:
    """What a page shows: the last good render, and what stops the report now (if anything)."""

    version: int
    key: Key
    content: Content | None
    problems: list[dict[str, Any]]  # every problem of the last render; errors stop the report
    dates: list[dt.date] = field(default_factory=list)  # the dates in the data, newest first
    rendered_at: str = ""  # the local time of the render, for the status line
    seconds: float = 0.0
    locale: str = "en"  # the workspace's language: the toolbar's words and plural rules
    words: dict[str, str] = field(default_factory=lambda: english_preview_words())

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p["severity"] == "error")

    def as_json(self) -> dict[str, Any]:
        c = self.content
        return {
            "version": self.version,
            "date": self.key.isoformat() if self.key else "latest",
            "errors": self.errors,
            "problems": self.problems,
            "dates": [d.isoformat() for d in self.dates],
            "renderedAt": self.rendered_at,
            "seconds": round(self.seconds, 3),
            "locale": self.locale,
            "content": None
            if c is None
            else {
                "version": c.version,
                "day": c.day.isoformat(),
                "title": c.title,
                "lang": c.lang,
                "bodyClass": c.body_class,
                "styles": [{"media": m, "css": css} for m, css in c.styles],
                "body": c.body,
                "number": c.number,
                "revision": c.revision,
                "issued": c.issued,
                "changed": c.changed,
            },
        }


def problem_json(problem: Any, wording: Wording | None = None) -> dict[str, Any]:
    """A validation Problem, or a SitrepError, as the problem panel lists it, in `wording`."""
    if isinstance(problem, BaseException):
        return {
            "severity": "error",
            "table": None,
            "file": None,
            "sheet": None,
            "row": None,
            "column": None,
            "value": None,
            "message": str(problem),
            "location": "",
        }
    message = (wording or Wording()).written(problem.message)
    return {**problem.as_dict(), "message": message, "location": problem.location(wording)}


def split_document(document: str) -> tuple[str, str, list[tuple[str, str]], str, str]:
    """(title, lang, styles, body class, body) of the edition, for the preview page.

    Read with the edition's own parser (`sitrep.render.markup`): before the <body>, the <html>
    element's lang, the first <title>'s text and each <style> (media, CSS); then the <body>'s
    class and everything up to its last end tag, as written.
    """
    lang, title, in_title, styles = None, None, False, []
    body, ends, previous = None, {}, None
    for token in tokens(document):
        kind, name = token.kind, token.name
        if body is not None:
            if kind == END and name in ("body", "html"):
                ends[name] = token.start  # the last </body>; without one, the </html>
        elif kind == START and name == "body":
            body = token
        elif kind == START and name == "html" and lang is None:
            lang = token.attr("lang")
        elif kind == START and name == "title" and title is None:
            title, in_title = [], True
        elif kind == END and name == "title":
            in_title = False
        elif kind == DATA and in_title:
            title.append(token.text)
        elif kind == START and name == "style":
            styles.append((token.attr("media") or "all", ""))
        elif (
            kind == RAW
            and previous is not None
            and (previous.kind, previous.name) == (START, "style")
        ):
            styles[-1] = (styles[-1][0], token.text)  # what the <style> just opened holds
        previous = token
    if body is None:
        raise SitrepError("the report template gives no <body>: check templates/report.html")
    return (
        "".join(title or []).strip(),
        lang if lang is not None else "en",
        styles,
        body.attr("class") or "",
        document[body.end : ends.get("body", ends.get("html", len(document)))],
    )


def preview_numbering(config: Config, record: list[Issued] | None = None) -> Numbering:
    """The number a report would carry, from the record, reserving nothing."""
    record = load_record(config.output_dir) if record is None else record

    def numbering(day: dt.date) -> tuple[int, int]:
        if issued := latest_issue(record, day):
            return issued.number, issued.revision
        try:
            return series_number(config, record, day), 0
        except ReportExistsError:  # no number of its own: Build PDF says why; this is a guess
            return max(1, config.first_number + cadence_step(config, day)), 0

    return numbering


def report_dates(tables: dict[str, Table]) -> list[dt.date]:
    """The dates the data speaks of, newest first: the dates a report can be made for."""
    first, last = data_date_range(tables)
    if first is None or last is None:
        return []
    return sorted((d for d in data_dates(tables) if first <= d <= last), reverse=True)


class LiveReports:
    """Every report a preview shows, each kept rendered from the files as they are now."""

    def __init__(
        self, workspace: Path, build: Builder, inputs: dict[str, InputSource] | None = None
    ) -> None:
        self.workspace = workspace
        self.build = build  # `sitrep build` itself, given by the command line (the top layer)
        self.inputs = dict(inputs or {})
        self.pipeline = threading.Lock()  # one render or build at a time
        self._changed = threading.Condition()  # guards the fields below; notified per render
        self._snapshots: dict[Key, Snapshot] = {}
        self._viewers: Counter[Key] = Counter()  # open event streams per report
        self._recent: OrderedDict[Key, None] = OrderedDict()
        self._version = 0
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sitrep-render", daemon=True)
        # the toolbar's language: the workspace's, once its settings are read (else English)
        self._words: tuple[str, dict[str, str]] = ("en", english_preview_words())

    # --- what the HTTP handlers call ----------------------------------------------------------

    def start(self, key: Key = None) -> None:
        """Start the render thread, the first render (of `key`) at once."""
        self._touch(key)
        self._dirty.set()
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._dirty.set()
        with self._changed:
            self._changed.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    def changed(self) -> None:
        """A watched file changed: render again every report a page shows."""
        self._dirty.set()

    def snapshot(self, key: Key) -> Snapshot:
        """The report as it is now: rendered here if no page has asked for it yet."""
        self._touch(key)
        with self._changed:
            snap = self._snapshots.get(key)
        if snap is None:
            snap = self._render(key)
        return snap

    def wait(self, key: Key, after: int, timeout: float) -> Snapshot | None:
        """The report's snapshot once its version is above `after`; None after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self._stop.is_set():
                snap = self._snapshots.get(key)
                if snap is not None and snap.version > after:
                    return snap
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)
        return None

    def watching(self, key: Key, delta: int) -> None:
        """A page opened (+1) or closed (-1) its event stream for `key`."""
        with self._changed:
            self._viewers[key] += delta
            if self._viewers[key] <= 0:
                del self._viewers[key]
        self._touch(key)

    def build_pdf(self, day: dt.date, revise: bool = False) -> BuildResult:
        """`sitrep build --date DAY [--revise]`, exactly: numbered, recorded, never overwriting."""
        with self.pipeline:
            result = self.build(BuildOptions(self.workspace, day, self.inputs, revise=revise))
        self._dirty.set()  # the record changed: "issued" and the number may change on the page
        return result

    # --- rendering ------------------------------------------------------------------------------

    def _touch(self, key: Key) -> None:
        with self._changed:
            self._recent[key] = None
            self._recent.move_to_end(key)
            while len(self._recent) > RECENT:
                oldest = next(iter(self._recent))
                if oldest in self._viewers:
                    break
                del self._recent[oldest]
                self._snapshots.pop(oldest, None)

    def _run(self) -> None:
        while True:
            self._dirty.wait()
            if self._stop.is_set():
                return
            self._dirty.clear()
            with self._changed:
                keys = list(dict.fromkeys([*self._viewers, *self._recent]))
            for key in keys:
                if self._stop.is_set():
                    return
                self._render(key)

    def _render(self, key: Key) -> Snapshot:
        start = time.perf_counter()
        with self.pipeline:
            with self._changed:
                self._version += 1
                version = self._version
                previous = self._snapshots.get(key)
            content, problems, dates = self._render_content(key, version)
        seconds = time.perf_counter() - start
        if content is None:  # keep the last good render beneath the problems
            content = previous.content if previous else None
            dates = dates or (previous.dates if previous else [])
        locale, words = self._words
        rendered_at = time.strftime("%H:%M:%S")
        snap = Snapshot(version, key, content, problems, dates, rendered_at, seconds, locale, words)
        with self._changed:  # a page's own render may end after a later one: keep the newest
            current = self._snapshots.get(key)
            if current is None or current.version < version:
                self._snapshots[key] = current = snap
            self._changed.notify_all()
        what = key.isoformat() if key else "the latest date"
        LOG.info(
            "rendered %s in %.2f s: %s",
            what,
            seconds,
            f"{snap.errors} errors" if snap.errors else "ok",
        )
        return current  # the newest: this render's, unless a later one ended first

    def _render_content(
        self, key: Key, version: int
    ) -> tuple[Content | None, list[dict[str, Any]], list[dt.date]]:
        wording = None
        try:
            config = load_config(self.workspace)
            wording = problem_wording(config)
            dirs = template_dirs(config.templates_dir)
            self._words = (config.locale, preview_words(dirs, config.locale))
            options = BuildOptions(self.workspace, key, self.inputs)
            record = load_record(config.output_dir)
            rendered = render_report(config, options, dirs, preview_numbering(config, record))
            title, lang, styles, body_class, body = split_document(
                html_edition(rendered.html, dirs)
            )
            issued = latest_issue(record, rendered.day)  # changed? the bytes, then what it says
            files_fp = files_fingerprint(config, self.inputs, dirs) if issued else ""
            changed = issued is not None and not (
                files_fp in (issued.files_sha256, issued.fingerprint)
                or content_unchanged(issued, report_content(rendered.prepared, dirs))
            )
        except ValidationFailed as exc:
            return None, [problem_json(p, wording) for p in exc.problems], []
        except SitrepError as exc:
            return None, [problem_json(exc)], []
        except Exception as exc:  # a bug: shown in the page, the preview keeps running
            LOG.exception("internal error while rendering")
            return None, [problem_json(SitrepError(f"internal error: {exc!r}"))], []
        content = Content(
            version,
            rendered.day,
            title,
            lang,
            body_class,
            styles,
            body,
            rendered.number,
            rendered.revision,
            issued is not None,
            changed,
        )
        problems = [problem_json(p, wording) for p in rendered.problems]
        return content, problems, report_dates(rendered.tables)
