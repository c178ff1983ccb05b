"""One worker of `build --each area`: area reports from tables validated once.

`sitrep.issue.batch` runs the batch; each of its worker processes (spawn-safe) receives `Shared`
(what `sitrep.pipeline.prepare` made, once) as a pickle file, keeps one `Worker` for it, imports
WeasyPrint and compiles the templates once, then builds the area reports it is given (`Job`
in, `Outcome` out). Workers write nothing: the main process alone writes files and the record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.figures.compute import compute_figures
from sitrep.files import sha256_bytes, sha256_file
from sitrep.inputs.cod import base_gazetteer
from sitrep.issue.entries import Issued
from sitrep.issue.subset import AreaSplit, place_pcodes
from sitrep.pdf.build import build_pdf
from sitrep.pipeline import BuildOptions, Prepared
from sitrep.render.context import report_context
from sitrep.render.html import load_messages, make_environment, make_translator, render_html
from sitrep.settings.config import Config, level_words, slugify
from sitrep.settings.naming import report_name
from sitrep.validate.tables import workspace_gazetteer

if TYPE_CHECKING:
    from sitrep.inputs.narrative import Narrative
    from sitrep.validate.table import Table


@dataclass
class Shared:
    """What every area report needs; sent once to each worker process."""

    prepared: Prepared  # the tables and the narrative, in the report's own language
    options: BuildOptions
    number: int
    dirs: list[Path]
    assets_sha256: str  # every template file: the HTML alone does not name the fonts' bytes

    @property
    def config(self) -> Config:
        return self.prepared.config

    @property
    def tables(self) -> dict[str, Table]:
        return self.prepared.tables

    @property
    def narrative(self) -> Narrative:
        return self.prepared.narratives[self.config.locale]

    @property
    def day(self) -> dt.date:  # the report date
        return self.prepared.day

    @property
    def data_latest(self) -> dt.date:  # the newest date in the data
        return self.prepared.data_latest


@dataclass
class Job:
    area: str  # P-code
    issued: Issued | None  # the newest revision issued for the date


@dataclass
class Outcome:
    area: str  # P-code
    name: str
    status: str  # "built", "reused" or "conflict"
    revision: int
    html: str = ""
    pdf: bytes = b""
    content_sha256: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds_html: float = 0.0
    seconds_pdf: float = 0.0


class Worker:
    """Builds area reports from tables validated once; one per process."""

    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.gazetteer = workspace_gazetteer(shared.tables, base_gazetteer(shared.config))
        self.split = AreaSplit(
            shared.tables, place_pcodes(shared.tables, self.gazetteer), self.gazetteer
        )
        # Compiled once: render_html would compile every template again for each area.
        self.env = make_environment(shared.dirs, shared.config.locale, shared.config.digits)
        self.t = make_translator(
            load_messages(shared.dirs, shared.config.locale),
            shared.config.locale,
            shared.config.digits,
            isolating=True,
        )

    def html(self, pcode: str, revision: int) -> tuple[str, dict]:
        s = self.shared
        name = self.gazetteer.name(pcode)
        # "Floods – Ouest (Département)": the level in the workspace's own word
        level = level_words(s.config.levels, self.t)[0]
        crisis = self.t("report.area_title", crisis=s.config.crisis, area=name, level=level)
        config = dataclasses.replace(s.config, crisis=crisis)
        tables = self.split(pcode)
        figures = compute_figures(tables, config, self.gazetteer, s.day)
        context = report_context(
            config, figures, s.narrative, tables, s.number, revision, s.options, t=self.t
        )
        area = slugify(name)
        context["pdf_file"] = (
            report_name(s.config, s.day, s.number, revision, s.options.draft, area) + ".pdf"
        )
        return render_html(context, s.dirs, config.locale, self.env), context

    def content_key(self, html: str) -> str:
        return sha256_bytes(html.encode() + self.shared.assets_sha256.encode())

    def build(self, job: Job) -> Outcome:
        s, issued = self.shared, job.issued
        start = time.perf_counter()
        name = self.gazetteer.name(job.area)
        revision = issued.revision if issued and not s.options.draft else 0
        html, context = self.html(job.area, revision)
        key = self.content_key(html)
        if issued and not s.options.draft and key != issued.content_sha256:
            if not s.options.revise:
                return Outcome(job.area, name, "conflict", revision)
            revision += 1
            html, context = self.html(job.area, revision)
            key = self.content_key(html)
        elif issued and not s.options.draft and not s.options.force and intact(s.config, issued):
            return Outcome(job.area, name, "reused", revision, html, b"", key)
        seconds_html = time.perf_counter() - start
        attachments = context.get("attachments", ())
        result = build_pdf(html, s.dirs, s.config.pdf_variant, attachments, s.day)
        seconds_pdf = time.perf_counter() - start - seconds_html
        return Outcome(
            job.area,
            name,
            "built",
            revision,
            html,
            result.data,
            key,
            result.warnings,
            seconds_html,
            seconds_pdf,
        )


_WORKER: Worker | None = None  # this process's worker, for the shared state in _WORKER_STATE
_WORKER_STATE: Path | None = None


def warm_up() -> None:
    """Pool initializer: the heavy imports, while the main process validates the inputs (the
    stages, pandas, Jinja and Babel come with this module; WeasyPrint is imported only here)."""
    import uharfbuzz  # noqa: F401  (the drawings' text widths)
    import weasyprint  # noqa: F401


def ready() -> None:
    """A task that does nothing: submitting it starts a worker process."""


def build_in_worker(state: Path, job: Job) -> Outcome:
    """One job in a pool process; the shared state is read from `state` once per process."""
    global _WORKER, _WORKER_STATE
    if _WORKER is None or state != _WORKER_STATE:
        _WORKER = Worker(pickle.loads(state.read_bytes()))
        _WORKER_STATE = state
    return _WORKER.build(job)


def intact(config: Config, issued: Issued) -> bool:
    pdf = config.output_dir / issued.pdf
    return pdf.is_file() and sha256_file(pdf) == issued.pdf_sha256
