"""The whole pipeline, in the order it runs: load -> validate -> figures -> HTML -> PDF -> write.

`build_report` is what `sitrep build` calls; `check_inputs` is what `sitrep validate` calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import NoDataError, ValidationFailed
from sitrep.files import atomic_write, remove_stale_temporaries, sha256_bytes, sha256_file
from sitrep.issue.fingerprint import files_fingerprint, unchanged
from sitrep.issue.fingerprint import fingerprint as fingerprint  # re-exported: batch, preview
from sitrep.issue.numbering import issue, number_and_revision
from sitrep.issue.numbering import planned_number as planned_number  # re-exported: batch, preview
from sitrep.issue.record import Issued, issue_lock, latest_issue, load_record, recover
from sitrep.settings.config import Config, InputSource, load_config, template_dirs
from sitrep.validate.problems import Problem, count_errors, count_warnings

if TYPE_CHECKING:  # the stages import pandas, Jinja and WeasyPrint: only a real build pays
    from sitrep.inputs.words import Words
    from sitrep.pdf.build import PdfProcess
    from sitrep.validate.table import Table


@dataclass
class BuildOptions:
    workspace: Path
    date: dt.date | None = None
    inputs: dict[str, InputSource] = field(default_factory=dict)  # --input TABLE=PATH
    strict: bool = False  # warnings stop the build too
    revise: bool = False  # issue a revision when the inputs changed since issue
    draft: bool = False  # a draft: not numbered for good, never recorded
    force: bool = False  # rebuild even when nothing changed
    number: int | None = None  # the number, for a date before already issued reports
    today: dt.date | None = None  # the day sitrep runs (from the command line): later is a typo


@dataclass
class BuildResult:
    pdf: Path
    html: Path
    date: dt.date
    number: int
    revision: int
    date_was_chosen: bool  # no --date: the latest date in the data
    reused: bool  # nothing changed: the issued report was returned as it is
    problems: list[Problem]
    render_warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # an interrupted build finished or redone
    # every language's (PDF, HTML edition) by language code ("fr"), the first language's
    # included, also for a report in one language (sitrep.settings.languages)
    editions: dict[str, tuple[Path, Path]] = field(default_factory=dict)

    def edition(self, language: str) -> tuple[Path, Path] | None:
        """The (PDF, HTML) in `language` ('fr'), or None when the report is not made in it."""
        if not self.editions:
            return None
        return self.editions.get(language.replace("-", "_").split("_")[0].lower())


@dataclass
class Checked:
    """What validation produced: typed tables and every problem."""

    config: Config
    tables: dict[str, Table]
    problems: list[Problem]
    date: dt.date | None


def check_inputs(
    workspace: Path,
    day: dt.date | None = None,
    inputs: dict[str, InputSource] | None = None,
    today: dt.date | None = None,
    *,
    narrative: bool = False,
) -> Checked:
    """Load and validate every table; the problems, and the report date they imply.

    `today`: the day sitrep runs, passed in from the command line (dates after it are errors).
    `narrative`: check the day's narrative too (`sitrep validate`; a build reads it later).
    """
    from sitrep.figures.compute import latest_data_date
    from sitrep.geo.gazetteer import base_gazetteer
    from sitrep.inputs.load import load_tables
    from sitrep.inputs.words import workspace_words
    from sitrep.validate.tables import freshness_warnings, validate_tables

    config = load_config(workspace)
    words = workspace_words(config.workspace, config.locale)
    raw, problems = load_tables(config, inputs)
    tables, more = validate_tables(
        raw, base_gazetteer(config), config.household_size, today=today, words=words
    )
    problems += more
    day = day or latest_data_date(tables)
    if day and not count_errors(problems):
        problems += freshness_warnings(tables, day, config.stale_days)
    if narrative and day:
        problems += _narrative_problems(config, day, words)
    return Checked(config, tables, problems, day)


def _narrative_problems(config: Config, day: dt.date, words: Words) -> list[Problem]:
    """The narrative's problems for `day` in every language, as `sitrep validate` lists them."""
    from sitrep.inputs.narrative import load_narrative
    from sitrep.settings.languages import edition_config, editions, missing_narrative, narrative_dir

    problems: list[Problem] = []
    for locale in editions(config):
        edition = edition_config(config, locale)
        if locale != config.locale and (missing := missing_narrative(edition, day)):
            problems.append(missing)
            continue
        try:
            problems += load_narrative(
                narrative_dir(edition, day), day, config.workspace, locale=locale, words=words
            )[1]
        except ValidationFailed as failed:  # a narrative that cannot be read at all
            problems += failed.problems
    return problems


def report_name(
    config: Config, day: dt.date, number: int, revision: int, draft: bool, area: str = ""
) -> str:
    """`slug_sitrep_DATE_noNN[_revR][_area][_DRAFT]`, without the extension; `area` a slug."""
    name = f"{config.slug}_sitrep_{day.isoformat()}_no{number:02d}"
    if revision:
        name += f"_rev{revision}"
    if area:
        name += f"_{area}"
    from sitrep.settings.languages import file_suffix

    return name + ("_DRAFT" if draft else "") + file_suffix(config)


def _reuse(
    config: Config, options: BuildOptions, files_fp: str, fp: str | None
) -> BuildResult | None:
    """The issued report, if nothing it was made from has changed (and --force is not set).

    `fp` None: the quick check on the files' bytes only (no lock, no pandas).
    """
    if options.force or options.draft or options.revise:
        return None
    record = load_record(config.output_dir)
    if options.date:
        issued = latest_issue(record, options.date)
    else:
        issued = max(record, key=lambda e: (e.date, e.revision), default=None)
        if issued and issued.date != issued.data_latest:
            issued = None
    if not issued or not unchanged(issued, files_fp, fp):
        return None
    pdf = config.output_dir / issued.pdf
    if not pdf.is_file() or sha256_file(pdf) != issued.pdf_sha256:
        return None
    from sitrep.settings.languages import language_of

    editions = {language_of(config.locale): (pdf, config.output_dir / issued.html)}
    for language, (other_pdf, other_html, digest) in issued.editions.items():
        path = config.output_dir / other_pdf
        if not path.is_file() or sha256_file(path) != digest:
            return None  # an edition was removed or changed: made again (a revision if so)
        editions[language] = (path, config.output_dir / other_html)
    return BuildResult(
        pdf,
        config.output_dir / issued.html,
        issued.day,
        issued.number,
        issued.revision,
        options.date is None,
        True,
        [],
        editions=editions,
    )


def build_report(options: BuildOptions) -> BuildResult:
    """Build the report for one date, or return the issued one if nothing changed.

    From choosing the number to recording the issue, the build holds the workspace's issue lock
    (`sitrep.issue.record`): a second build waits there, then finds what the first one issued. It is
    taken once the inputs are valid, so a build that stops on its inputs writes nothing at all.
    """
    # WeasyPrint's import starts first, in a second process, while this one does steps 1-4: it
    # is on the build's critical path. An unchanged report ends the helper at once.
    from sitrep.pdf.build import PdfProcess

    with PdfProcess() as pdf_process:
        config = load_config(options.workspace)
        dirs = template_dirs(config.templates_dir)
        files_fp = files_fingerprint(config, options.inputs, dirs)
        if reused := _reuse(config, options, files_fp, None):
            return reused
        fp = fingerprint(config, options.inputs, dirs)
        if reused := _reuse(config, options, files_fp, fp):
            return reused
        try:
            return _build(config, options, dirs, (files_fp, fp), pdf_process)
        except _IssuedMeanwhile as issued:
            return issued.result


class _IssuedMeanwhile(Exception):
    """Another build issued this report while this one waited for the lock: return it."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result


@dataclass
class Rendered:
    """A report as HTML, before its PDF: what `build` lays out and `preview` shows."""

    html: str
    day: dt.date
    data_latest: dt.date  # the newest date in the data
    number: int
    revision: int
    problems: list[Problem]  # warnings and notes (errors stop before anything is rendered)
    attachments: list  # the input rows used, as CSV files for the PDF
    tables: dict[str, Table]
    # the report in each language of `[report] languages` after the first: (locale, HTML,
    # attachments), from the same figures and under the same number
    translations: list[tuple[str, str, list]] = field(default_factory=list)


Numbering = Callable[[dt.date], tuple[int, int]]  # report date -> (number, revision)


def render_report(
    config: Config, options: BuildOptions, dirs: list[Path], numbering: Numbering
) -> Rendered:
    """Steps 1-4: load and validate every table, compute the figures, render the HTML.

    Raises ValidationFailed on errors (or on warnings with --strict) and NoDataError when the
    date has no data. `numbering` gives the report's number: `build` reserves it for good,
    `preview` only looks it up.
    """
    # 1-2. load and validate every table; stop on errors (or warnings with --strict)
    checked = check_inputs(options.workspace, options.date, options.inputs, options.today)
    if count_errors(checked.problems) or (options.strict and count_warnings(checked.problems)):
        raise ValidationFailed(checked.problems)
    day, data_latest = _report_date(checked.tables, options.date)

    # 3. figures, and the narrative written for the day
    from sitrep.figures.compute import compute_figures
    from sitrep.geo.gazetteer import base_gazetteer
    from sitrep.inputs.narrative import load_narrative
    from sitrep.settings.languages import edition_config, editions, missing_narrative, narrative_dir
    from sitrep.validate.tables import workspace_gazetteer

    gazetteer = workspace_gazetteer(checked.tables, base_gazetteer(config))
    figures = compute_figures(checked.tables, config, gazetteer, day)
    narrative, narrative_problems = load_narrative(
        narrative_dir(config, day), day, config.workspace, locale=config.locale
    )
    problems = checked.problems + narrative_problems
    if options.strict and narrative_problems:
        raise ValidationFailed(problems)
    others = [edition_config(config, locale) for locale in editions(config)[1:]]
    if missing := [p for c in others if (p := missing_narrative(c, day))]:
        raise ValidationFailed(problems + missing)
    number, revision = numbering(day)

    # 4. HTML, in each language
    from sitrep.render.context import report_context
    from sitrep.render.html import render_html

    context = report_context(config, figures, narrative, checked.tables, number, revision, options)
    html = render_html(context, dirs, config.locale)
    rendered = Rendered(
        html, day, data_latest, number, revision, problems, context["attachments"], checked.tables
    )
    for other in others:
        # the same tables and figures; the place names, words and narrative of the language
        words_gazetteer = workspace_gazetteer(checked.tables, base_gazetteer(other))
        other_figures = compute_figures(checked.tables, other, words_gazetteer, day)
        other_narrative, other_problems = load_narrative(
            narrative_dir(other, day), day, other.workspace, locale=other.locale
        )
        rendered.problems += other_problems
        context = report_context(
            other, other_figures, other_narrative, checked.tables, number, revision, options
        )
        rendered.translations.append(
            (other.locale, render_html(context, dirs, other.locale), context["attachments"])
        )
    return rendered


def _build(
    config: Config,
    options: BuildOptions,
    dirs: list[Path],
    fps: tuple[str, str],
    pdf_process: PdfProcess,
) -> BuildResult:
    with ExitStack() as held:  # the issue lock, from the number on
        return _build_locked(config, options, dirs, fps, pdf_process, held)


def _build_locked(
    config: Config,
    options: BuildOptions,
    dirs: list[Path],
    fps: tuple[str, str],
    pdf_process: PdfProcess,
    held: ExitStack,
) -> BuildResult:
    from sitrep.render.edition import html_edition

    notes: list[str] = []

    def numbering(day: dt.date) -> tuple[int, int]:
        if not options.draft:  # a draft is never numbered for good: no lock
            held.enter_context(issue_lock(config.output_dir))
            notes.extend(recover(config.output_dir))
            asked = replace(options, date=day)
            if reused := _reuse(config, asked, *fps):
                reused.date_was_chosen, reused.notes = options.date is None, notes
                raise _IssuedMeanwhile(reused)
        return number_and_revision(config, options, day, fps)

    # 1-4. the report as HTML, its number reserved for good
    rendered = render_report(config, options, dirs, numbering)
    day, number, revision = rendered.day, rendered.number, rendered.revision

    # 5. PDF (WeasyPrint is heavy: imported only to build, by the helper process if there is one)
    html = rendered.html
    pdf_made = pdf_process.submit(html, dirs, config.pdf_variant, rendered.attachments, day)
    # while the helper lays out the first language, this process lays out the others
    from sitrep.pdf.build import build_pdf
    from sitrep.settings.languages import edition_config, language_of

    others = []
    for locale, other_html, attachments in rendered.translations:
        made = build_pdf(other_html, dirs, config.pdf_variant, attachments, day)
        others.append((edition_config(config, locale), made, html_edition(other_html, dirs)))
    edition = html_edition(html, dirs).encode("utf-8")  # while the PDF is laid out
    result = pdf_made()

    # 6. write atomically, recorded as pending first and as issued once the PDF is in place
    def paths(c: Config) -> tuple[Path, Path]:
        name = report_name(c, day, number, revision, options.draft)
        folder = config.output_dir / day.isoformat() / ("draft" if options.draft else "")
        return folder / f"{name}.pdf", folder / f"{name}.html"

    pdf, html_path = paths(config)
    translations = [(*paths(c), made.data, page.encode("utf-8")) for c, made, page in others]
    remove_stale_temporaries(config.output_dir / day.isoformat(), recursive=True)
    if options.draft:
        for other_pdf, other_html_path, data, page in translations:
            atomic_write(other_html_path, page)
            atomic_write(other_pdf, data)
        atomic_write(html_path, edition)
        atomic_write(pdf, result.data)
    else:

        def relative(path: Path) -> str:
            return str(path.relative_to(config.output_dir))

        issued = Issued(
            day.isoformat(),
            number,
            revision,
            relative(pdf),
            relative(html_path),
            sha256_bytes(result.data),
            fps[1],
            rendered.data_latest.isoformat(),
            fps[0],
            {
                language_of(c.locale): [relative(p), relative(h), sha256_bytes(data)]
                for (c, _, _), (p, h, data, _) in zip(others, translations, strict=True)
            },
        )
        notes += issue(config, issued, result.data, edition, translations)
    editions = {language_of(config.locale): (pdf, html_path)}
    for (c, _, _), (p, h, _, _) in zip(others, translations, strict=True):
        editions[language_of(c.locale)] = (p, h)
    return BuildResult(
        pdf,
        html_path,
        day,
        number,
        revision,
        options.date is None,
        False,
        rendered.problems,
        result.warnings + [w for _, made, _ in others for w in made.warnings],
        notes,
        editions,
    )


def _report_date(tables: dict[str, Table], asked: dt.date | None) -> tuple[dt.date, dt.date]:
    """(the report date, the newest date in the data); NoDataError when there is nothing."""
    from sitrep.figures.compute import data_date_range

    first, last = data_date_range(tables)
    if first is None or last is None:
        raise NoDataError("the inputs have no dated rows: there is nothing to report")
    day = asked or last
    if not first <= day <= last:
        raise NoDataError(
            f"no data for {day}: the inputs cover {first} to {last}. "
            f"Choose a date in that range with --date, or add rows dated {day}."
        )
    return day, last
