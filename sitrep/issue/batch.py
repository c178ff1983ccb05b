"""Area reports: the same report restricted to one admin-1 area's rows, built in parallel.

`sitrep build --each area` writes one report per admin-1 area that has rows dated on or before
the report date:

    output/2025-06-30/ouest/hti-floods_sitrep_2025-06-30_no10_ouest.pdf

Numbering: an area report carries the number of the workspace's report for the same date
(No. 10 for 30 June in every area), with the area in its title and file name. An IMO cites
"Situation Report No. 10" and the area; a separate series per area would drift apart as areas
enter and leave the data. Area reports are recorded beside the workspace's reports in
`output/issued.sqlite` (`area` their P-code), so they never move the main series, and each is
issued as the workspace's report is, by `sitrep.issue.issuing.issue`: the same refusal to replace
an issued PDF, the same pending -> written -> issued steps, the same recovery when a batch is
killed half-way. Different content makes a revision, with --revise.

An area's rows are chosen by `sitrep.issue.subset`; each worker is `sitrep.issue.worker`.

Clearance (`[report] clearance`): an area report is the date's content cut by area, so it is
cleared with that content: `sitrep clear --date D` clears the workspace's report and its area
reports at once. Until the date's content is cleared (or issued unchanged), `--each area` writes
drafts (`output/<date>/draft/<area>/`), numbered for nobody, and records the draft `clear` clears.

Work is shared, not repeated: the main process loads and validates the inputs once (`prepare`,
without the report-wide figures); each worker process (spawn-safe) receives the validated tables
once, imports WeasyPrint and compiles the templates once, then computes figures, HTML and PDF for
many areas. The main process alone writes files and the record.

Cache, two levels. (1) Nothing changed (inputs, templates, settings, sitrep's version: the same
`fingerprint` as the main report's) since the date's last complete batch (`AreaBatch`), and each
of its reports is intact: all are returned without loading the inputs. (2) Otherwise each area's
HTML is rendered and compared, with the templates' assets, to what was issued: an unchanged area
is not laid out again, so fixing one area's numbers re-lays-out that area only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitrep.files import remove_stale_temporaries, sha256_bytes
from sitrep.inputs.cod import base_gazetteer
from sitrep.issue.clearance import draft_of, needs_clearance, record_draft
from sitrep.issue.content import report_content
from sitrep.issue.entries import AreaBatch, Issued, latest_by_area
from sitrep.issue.fingerprint import files_fingerprint, fingerprint, unchanged
from sitrep.issue.issuing import hold_issue_lock, issue, write_draft
from sitrep.issue.numbering import issued_from_other_inputs, series_number
from sitrep.issue.record import (
    load_area_batches,
    load_area_record,
    load_record,
    record_area_batch,
)
from sitrep.issue.subset import areas_in
from sitrep.issue.worker import (
    Job,
    Outcome,
    Shared,
    Worker,
    build_in_worker,
    intact,
    warm_up,
)
from sitrep.pdf.pool import start_pool
from sitrep.pipeline import BuildOptions, Prepared, prepare
from sitrep.problems import Problem
from sitrep.render.catalogue import problem_wording
from sitrep.render.edition import html_edition
from sitrep.settings.config import Config, load_config, slugify, template_dirs
from sitrep.settings.languages import edition_config, editions
from sitrep.settings.naming import report_name
from sitrep.validate.tables import workspace_gazetteer

Progress = Callable[[int, int, str], None]  # (reports done, reports in all, the last one's name)

# --- results -------------------------------------------------------------------------------------


@dataclass
class AreaReport:
    area: str  # P-code
    name: str
    pdf: Path
    html: Path
    revision: int
    reused: bool  # unchanged: the issued PDF is returned as it is
    render_warnings: list[str] = field(default_factory=list)
    seconds_html: float = 0.0  # filter + figures + HTML, in the worker
    seconds_pdf: float = 0.0  # WeasyPrint, in the worker (0 when reused)


@dataclass
class BatchResult:
    date: dt.date
    number: int
    reports: list[AreaReport]
    problems: list[Problem]
    reused: bool  # every report was unchanged and nothing was loaded
    notes: list[str] = field(default_factory=list)  # an interrupted build finished or redone
    draft: bool = False  # drafts: --draft, or [report] clearance and the content not cleared


# --- the batch -----------------------------------------------------------------------------------


def _assets_sha256(dirs: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder)}\n".encode() + path.read_bytes())
    return digest.hexdigest()


def _reuse_all(
    config: Config, options: BuildOptions, files_fp: str, fp: str | None
) -> BatchResult | None:
    """Every area report of the date, if nothing they were made from has changed since the
    date's last complete batch. `fp` None: the quick check on the files' bytes only."""
    if options.force or options.draft or options.revise:
        return None
    batches = load_area_batches(config.output_dir)
    if options.date:
        batch = next((b for b in batches if b.date == options.date.isoformat()), None)
    else:
        batch = batches[-1] if batches else None
        if batch is not None and batch.date != batch.data_latest:
            return None
    if batch is None or not batch.areas or not unchanged(batch, files_fp, fp):
        return None
    latest = latest_by_area(load_area_record(config.output_dir), batch.date)
    entries = []
    for area in batch.areas:
        entry = latest.get(area)
        if entry is None or not intact(config, entry):
            return None
        entries.append(entry)

    out, names = config.output_dir, base_gazetteer(config)
    reports = [
        AreaReport(e.area, names.name(e.area), out / e.pdf, out / e.html, e.revision, True)
        for e in entries
    ]
    return BatchResult(dt.date.fromisoformat(batch.date), entries[0].number, reports, [], True)


def shared_state(
    options: BuildOptions,
    config: Config,
    dirs: list[Path],
    lock: Callable[[], None],
    notes: list[str] | None = None,
) -> tuple[Shared, list[Problem]]:
    """Load and validate once (`prepare`, without report-wide figures: each area has its
    own); the state every worker shares, and the problems to show.

    `lock` takes the issue lock, once the inputs are valid and before the number is read (not
    for drafts). `notes`: where a draft awaiting clearance says so.
    """
    prepared = prepare(
        config,
        options.date,
        options.inputs,
        options.today,
        strict=options.strict,
        locales=[config.locale],  # an area report is in the report's own language
        figures=False,
    )
    if config.clearance:
        options = _clearance(options, prepared, dirs, notes if notes is not None else [])
    if not options.draft:
        lock()
    number = series_number(config, load_record(config.output_dir), prepared.day, options.number)
    shared = Shared(prepared, options, number, dirs, _assets_sha256(dirs))
    return shared, problem_wording(config).problems(prepared.all_problems)  # in its language


def _clearance(
    options: BuildOptions, prepared: Prepared, dirs: list[Path], notes: list[str]
) -> BuildOptions:
    """`options` as they are once the date's content is cleared (or issued unchanged), else a
    draft's, the draft recorded for `sitrep clear` (`sitrep.issue.clearance`).

    The content is the workspace's report's, in every language: what `sitrep clear` clears.
    """
    config = prepared.config
    every = {locale: edition_config(config, locale) for locale in editions(config)}
    content = report_content(replace(prepared, editions=every), dirs)
    options, awaiting = needs_clearance(config.output_dir, options, prepared.day, content)
    if awaiting:
        notes.append(awaiting)
        drafted = draft_of(config.output_dir, prepared.day)
        if drafted is None or drafted[0] != content.fingerprint:  # not a build's, with figures
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            record_draft(config.output_dir, prepared.day, content, now)
    return options


def _outcomes(
    shared: Shared, jobs: list[Job], pool: ProcessPoolExecutor | None
) -> Iterator[Outcome]:
    """Each job's outcome, in order: in this process, or in the pool's."""
    if pool is None:
        worker = Worker(shared)
        yield from (worker.build(job) for job in jobs)
        return
    # The tables go to each worker once, through a file, not pickled again with every job.
    fd, name = tempfile.mkstemp(prefix="sitrep-batch-", suffix=".pickle")
    state = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(shared, handle, protocol=pickle.HIGHEST_PROTOCOL)
        futures: list[Future] = [pool.submit(build_in_worker, state, job) for job in jobs]
        for future in futures:
            yield future.result()
    finally:
        state.unlink(missing_ok=True)


def _issue_report(
    shared: Shared, outcome: Outcome, fps: tuple[str, str]
) -> tuple[AreaReport, list[str]]:
    """Issue one built report and its HTML edition (or write the draft); notes to show."""
    config, options, day = shared.config, shared.options, shared.day
    edition = html_edition(outcome.html, shared.dirs)
    slug = slugify(outcome.name)
    name = report_name(config, day, shared.number, outcome.revision, options.draft, slug)
    out = config.output_dir
    folder = out / day.isoformat() / ("draft" if options.draft else "") / slug
    pdf, html = folder / f"{name}.pdf", folder / f"{name}.html"
    files = [(html, edition.encode("utf-8")), (pdf, outcome.pdf)]  # the PDF last
    report = AreaReport(
        outcome.area,
        outcome.name,
        pdf,
        html,
        outcome.revision,
        False,
        outcome.warnings,
        outcome.seconds_html,
        outcome.seconds_pdf,
    )
    if options.draft:
        write_draft(files)
        return report, []
    entry = Issued(
        day.isoformat(),
        shared.number,
        outcome.revision,
        str(pdf.relative_to(out)),
        str(html.relative_to(out)),
        sha256_bytes(outcome.pdf),
        fps[1],
        shared.data_latest.isoformat(),
        fps[0],
        area=outcome.area,
        content_sha256=outcome.content_sha256,
    )
    return report, issue(out, entry, files, each=True)


def build_each_area(
    options: BuildOptions, workers: int | None = None, progress: Progress | None = None
) -> BatchResult:
    """One report per admin-1 area in the data, `workers` processes at a time (default: CPUs).

    `progress(done, total, name)` is called as each area's report is written or reused.
    """
    config = load_config(options.workspace)
    dirs = template_dirs(config.templates_dir)
    files_fp = files_fingerprint(config, options.inputs, dirs)
    if reused := _reuse_all(config, options, files_fp, None):
        return reused

    workers = workers or os.cpu_count() or 1
    fp = fingerprint(config, options.inputs, dirs)
    if reused := _reuse_all(config, options, files_fp, fp):
        return reused
    # the workers start now: they import WeasyPrint while this process validates
    pool = start_pool(workers, warm_up) if workers > 1 else None
    with ExitStack() as held:
        notes: list[str] = []  # an interrupted build finished or redone

        def lock() -> None:  # the main series' number is read, area reports issued
            notes.extend(hold_issue_lock(config.output_dir, held))

        try:
            shared, problems = shared_state(options, config, dirs, lock, notes)
            return _build_all(shared, problems, (files_fp, fp), pool, progress, notes)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)


def _build_all(
    shared: Shared,
    problems: list[Problem],
    fps: tuple[str, str],
    pool: ProcessPoolExecutor | None,
    progress: Progress | None,
    notes: list[str],
) -> BatchResult:
    """Every area's report: built and issued one by one, or reused when unchanged; then the
    batch recorded as complete."""
    config, day = shared.config, shared.day
    out = config.output_dir
    remove_stale_temporaries(out / day.isoformat(), recursive=True)
    latest = latest_by_area(load_area_record(out), day.isoformat())

    gazetteer = workspace_gazetteer(shared.tables, base_gazetteer(config))
    jobs = [Job(a, latest.get(a)) for a in areas_in(shared.tables, day, gazetteer)]
    reports: list[AreaReport] = []
    conflicts: list[str] = []
    for done, outcome in enumerate(_outcomes(shared, jobs, pool), 1):
        if progress:
            progress(done, len(jobs), outcome.name)
        if outcome.status == "conflict":
            conflicts.append(outcome.name)
        elif outcome.status == "reused":
            entry = latest[outcome.area]
            reports.append(
                AreaReport(
                    outcome.area,
                    outcome.name,
                    out / entry.pdf,
                    out / entry.html,
                    entry.revision,
                    True,
                    seconds_html=outcome.seconds_html,
                )
            )
        else:
            report, issued_notes = _issue_report(shared, outcome, fps)
            reports.append(report)
            notes += issued_notes
    if conflicts:
        raise issued_from_other_inputs(shared.number, day, areas=conflicts)
    if not shared.options.draft:
        areas = tuple(r.area for r in reports)
        data_latest = shared.data_latest.isoformat()
        batch = AreaBatch(
            date=day.isoformat(),
            fingerprint=fps[1],
            files_sha256=fps[0],
            data_latest=data_latest,
            areas=areas,
        )
        record_area_batch(out, batch)
    return BatchResult(day, shared.number, reports, problems, False, notes, shared.options.draft)
