"""Per-province reports: the same report restricted to one province's rows, built in parallel.

`sitrep build --each province` writes one report per province that has displacement or blockade
rows dated on or before the report date:

    output/2025-06-30/ouest/hti-floods_sitrep_2025-06-30_no10_ouest.pdf

Numbering: a province report carries the number of the workspace's report for the same date
(No. 10 for 30 June in every province), with the province in its title and file name. An IMO
cites "Situation Report No. 10" and the province; a separate series per province would drift
apart as provinces enter and leave the data. Province reports are recorded in
`output/issued-provinces.json`, apart from `issued.json`, so they never move the main series.
As for the main report, an issued province report is never overwritten: different content makes
a revision, with --revise.

A province's rows are chosen by `sitrep.issue.subset`; each worker is `sitrep.issue.worker`.

Work is shared, not repeated: the main process loads and validates the inputs once (`prepare`,
without the report-wide figures); each worker process (spawn-safe) receives the validated tables
once, imports WeasyPrint and compiles the templates once, then computes figures, HTML and PDF for
many provinces. The main process alone writes files and the record.

Cache, two levels. (1) Nothing changed (inputs, templates, settings, sitrep's version: the same
`fingerprint` as the main report's) and every province report of the date is intact: all are
returned without loading the inputs. (2) Otherwise each province's HTML is rendered and compared,
with the templates' assets, to what was issued: an unchanged province is not laid out again, so
fixing one province's numbers re-lays-out that province only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.errors import AlreadyIssued
from sitrep.files import atomic_write, remove_stale_temporaries, sha256_bytes, sha256_file
from sitrep.inputs.cod import base_gazetteer
from sitrep.issue.fingerprint import files_fingerprint, fingerprint
from sitrep.issue.numbering import series_number
from sitrep.issue.record import (
    ProvinceIssued,
    issue_lock,
    issued_files,
    latest_by_province,
    load_province_record,
    load_record,
    province_key,
    recover,
    save_province_record,
)
from sitrep.issue.subset import provinces_in
from sitrep.issue.worker import (
    Job,
    Outcome,
    Shared,
    Worker,
    build_in_worker,
    intact,
    ready,
    warm_up,
)
from sitrep.pipeline import BuildOptions, prepare
from sitrep.problems import Problem
from sitrep.render.edition import html_edition
from sitrep.settings.config import Config, load_config, slugify, template_dirs
from sitrep.settings.naming import report_name
from sitrep.validate.tables import workspace_gazetteer

Progress = Callable[[int, int, str], None]  # (reports done, reports in all, the last one's name)

# --- results -------------------------------------------------------------------------------------


@dataclass
class ProvinceReport:
    province: str  # P-code
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
    reports: list[ProvinceReport]
    problems: list[Problem]
    reused: bool  # every report was unchanged and nothing was loaded


# --- the batch -----------------------------------------------------------------------------------


def _assets_sha256(dirs: list[Path]) -> str:
    digest = hashlib.sha256()
    for folder in dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder)}\n".encode() + path.read_bytes())
    return digest.hexdigest()


def _unchanged(entry: ProvinceIssued, files_fp: str, fp: str | None) -> bool:
    """As `fingerprint.unchanged`, for a province report (its key holds the P-code)."""
    if files_fp == entry.files_sha256 or entry.fingerprint == province_key(
        files_fp, entry.province
    ):
        return True
    return fp is not None and entry.fingerprint == province_key(fp, entry.province)


def _reuse_all(
    config: Config, options: BuildOptions, files_fp: str, fp: str | None
) -> BatchResult | None:
    """Every province report of the date, if nothing they were made from has changed.

    `fp` None: the quick check on the files' bytes only.
    """
    if options.force or options.draft or options.revise:
        return None
    record = load_province_record(config.output_dir)
    if options.date:
        day = options.date.isoformat()
    else:
        newest = max(record, key=lambda e: e.date, default=None)
        if newest is None or newest.date != newest.data_latest:
            return None
        day = newest.date
    latest = latest_by_province(record, day)
    if not latest or any(
        not _unchanged(e, files_fp, fp) or not intact(config, e) for e in latest.values()
    ):
        return None

    out, names = config.output_dir, base_gazetteer(config)
    reports = [
        ProvinceReport(p, names.name(p), out / e.pdf, out / e.html, e.revision, True)
        for p, e in sorted(latest.items())
    ]
    entry = next(iter(latest.values()))
    return BatchResult(entry.day, entry.number, reports, [], True)


def _number(config: Config, options: BuildOptions, day: dt.date) -> int:
    """The main series' number for `day`: the same as the workspace's report of that date."""
    return series_number(config, load_record(config.output_dir), day, options.number)


def shared_state(
    options: BuildOptions, config: Config, dirs: list[Path], lock: Callable[[], None]
) -> tuple[Shared, list[Problem]]:
    """Load and validate once (`prepare`, without report-wide figures: each province has its
    own); the state every worker shares, and the problems to show.

    `lock` takes the issue lock, once the inputs are valid and before the number is read.
    """
    prepared = prepare(
        config,
        options.date,
        options.inputs,
        options.today,
        strict=options.strict,
        locales=[config.locale],  # a province report is in the report's own language
        figures=False,
    )
    lock()
    number = _number(config, options, prepared.day)
    shared = Shared(prepared, options, number, dirs, _assets_sha256(dirs))
    return shared, prepared.all_problems


def _start_pool(workers: int) -> ProcessPoolExecutor:
    """`workers` processes, started now: they import WeasyPrint while this one validates."""
    # spawn: the same on every platform, and safe with the threads pandas and Pango start
    pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), warm_up)
    for _ in range(workers):
        pool.submit(ready)  # a pool starts a process per submitted task, up to `workers`
    return pool


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


def _write_report(
    shared: Shared, outcome: Outcome, issued: set[str]
) -> tuple[ProvinceReport, ProvinceIssued | None]:
    """Write one built report and its HTML edition atomically; its record entry (None: a draft)."""
    config, options, day = shared.config, shared.options, shared.day
    edition = html_edition(outcome.html, shared.dirs)
    slug = slugify(outcome.name)
    name = report_name(config, day, shared.number, outcome.revision, options.draft, slug)
    folder = config.output_dir / day.isoformat() / ("draft" if options.draft else "") / slug
    pdf, html = folder / f"{name}.pdf", folder / f"{name}.html"
    if (
        not options.draft
        and pdf.is_file()
        and sha256_file(pdf) != sha256_bytes(outcome.pdf)
        and str(pdf.relative_to(config.output_dir)) in issued
    ):  # a PDF the record does not name was never issued (an interrupted batch): replaced
        raise AlreadyIssued(
            f"{pdf} differs from what these inputs give now (sitrep or a font changed?). "
            f"To issue it again, run: sitrep build --each province --date {day} --revise"
        )
    atomic_write(pdf, outcome.pdf)
    atomic_write(html, edition.encode("utf-8"))
    report = ProvinceReport(
        outcome.province,
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
        return report, None
    out = config.output_dir
    entry = ProvinceIssued(
        day.isoformat(),
        shared.number,
        outcome.revision,
        str(pdf.relative_to(out)),
        str(html.relative_to(out)),
        sha256_bytes(outcome.pdf),
        "",  # the input fingerprint, filled in by the caller
        shared.data_latest.isoformat(),
        province=outcome.province,
        content_sha256=outcome.content_sha256,
    )
    return report, entry


def build_each_province(
    options: BuildOptions, workers: int | None = None, progress: Progress | None = None
) -> BatchResult:
    """One report per province in the data, `workers` processes at a time (default: CPUs).

    `progress(done, total, name)` is called as each province's report is written or reused.
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
    pool = _start_pool(workers) if workers > 1 else None
    with ExitStack() as held:

        def lock() -> None:  # the main series' number is read, the province record changed
            if not options.draft:
                held.enter_context(issue_lock(config.output_dir))
                recover(config.output_dir)

        try:
            shared, problems = shared_state(options, config, dirs, lock)
            return _build_all(shared, problems, (files_fp, fp), pool, progress)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)


def _build_all(
    shared: Shared,
    problems: list[Problem],
    fps: tuple[str, str],
    pool: ProcessPoolExecutor | None,
    progress: Progress | None = None,
) -> BatchResult:
    """Every province's report: built, or reused when unchanged; written and recorded."""
    config = shared.config
    remove_stale_temporaries(config.output_dir / shared.day.isoformat(), recursive=True)
    record = load_province_record(config.output_dir)
    latest = latest_by_province(record, shared.day.isoformat())

    gazetteer = workspace_gazetteer(shared.tables, base_gazetteer(config))
    jobs = [Job(p, latest.get(p)) for p in provinces_in(shared.tables, shared.day, gazetteer)]
    reports: list[ProvinceReport] = []
    entries: dict[tuple[str, int], ProvinceIssued] = {}
    conflicts: list[str] = []
    for done, outcome in enumerate(_outcomes(shared, jobs, pool), 1):
        if progress:
            progress(done, len(jobs), outcome.name)
        if outcome.status == "conflict":
            conflicts.append(outcome.name)
            continue
        if outcome.status == "reused":
            entry = latest[outcome.province]
            out = config.output_dir
            report = ProvinceReport(
                outcome.province,
                outcome.name,
                out / entry.pdf,
                out / entry.html,
                entry.revision,
                True,
                seconds_html=outcome.seconds_html,
            )
        else:
            report, entry = _write_report(shared, outcome, issued_files(record))
        reports.append(report)
        if entry is not None:
            key = province_key(fps[1], outcome.province)
            entry = dataclasses.replace(entry, fingerprint=key, files_sha256=fps[0])
            entries[(entry.province, entry.revision)] = entry
    if entries:
        day = shared.day.isoformat()
        kept = [e for e in record if e.date != day or (e.province, e.revision) not in entries]
        save_province_record(config.output_dir, kept + list(entries.values()))
    if conflicts:
        raise AlreadyIssued(
            f"the province reports for {shared.day} of {', '.join(conflicts)} were already "
            f"issued from different inputs; nothing was written for them.\n"
            f"To issue corrected versions, run: sitrep build --each province "
            f"--date {shared.day} --revise"
        )
    return BatchResult(shared.day, shared.number, reports, problems, False)
