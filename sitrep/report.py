"""The top layer: the stages composed, in the order they run.

`build_report` is what `sitrep build` calls, and `_run` the build step by step: load -> validate
-> figures (`sitrep.pipeline.prepare`) -> HTML (`sitrep.render`) -> PDF (`sitrep.pdf`) -> record
(`sitrep.issue`). `send` is `sitrep send`: build (or find the issued report), then deliver
(`sitrep.delivery`), which never builds. `sitrep validate` calls `sitrep.pipeline.check_inputs`
(steps 1-2). The library's entry points are here: `BuildOptions`, `build_report`, `BuildResult`.

An unchanged report is returned before any stage is imported: this module imports the light
ones only (the record, the fingerprints), and the PDF helper and the stages that import pandas
and Jinja (`prepare`, `render`) when a report is made (tests/cli/test_fast_paths.py).
"""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.files import remove_stale_temporaries, sha256_bytes, sha256_file
from sitrep.issue.clearance import needs_clearance, record_draft
from sitrep.issue.content import ReportContent, report_content
from sitrep.issue.corrections import corrections
from sitrep.issue.entries import Issued, latest_issue
from sitrep.issue.fingerprint import files_fingerprint
from sitrep.issue.issuing import add_word_editions, hold_issue_lock, issue, write_draft
from sitrep.issue.numbering import adopted_note, content_unchanged, learnt, number_and_revision
from sitrep.issue.record import load_record, record_issue
from sitrep.issue.results import BuildResult as BuildResult  # the library's API: re-exported
from sitrep.settings.config import Config, load_config, template_dirs
from sitrep.settings.languages import language_of
from sitrep.settings.naming import report_name
from sitrep.settings.run import BuildOptions as BuildOptions  # the library's API: re-exported

if TYPE_CHECKING:
    from sitrep.delivery.distribute import SendOptions, SendOutcome
    from sitrep.pdf.pool import PdfProcess
    from sitrep.pipeline import Prepared
    from sitrep.render.document import Rendered


def _reuse(
    config: Config,
    options: BuildOptions,
    files_fp: str,
    content: ReportContent | None = None,
    notes: list[str] | None = None,
) -> BuildResult | None:
    """The issued report, if nothing it says has changed (and --force is not set).

    `content` None: the quick check on the files' bytes only (no lock, no pandas). Else its
    content now is compared with the content recorded at issue (rows added after its date,
    the partners, settings that never print leave it as it was), and the record learns these
    files' bytes, so the next check is the quick one again (under the issue lock: `_reserve`).
    A Word edition `[report] editions` asks for and the report lacks is added to it.
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
    if not issued:
        return None
    if content is None and files_fp not in (issued.files_sha256, issued.fingerprint):
        return None
    if content is not None and not content_unchanged(issued, content):
        return None
    pdf = config.output_dir / issued.pdf
    if not pdf.is_file() or sha256_file(pdf) != issued.pdf_sha256:
        return None

    editions = {language_of(config.locale): (pdf, config.output_dir / issued.html)}
    for language, (other_pdf, other_html, digest) in issued.editions.items():
        path = config.output_dir / other_pdf
        if not path.is_file() or sha256_file(path) != digest:
            return None  # an edition was removed or changed: made again (a revision if so)
        editions[language] = (path, config.output_dir / other_html)
    if content is not None and files_fp != issued.files_sha256:
        if not issued.content and notes is not None:
            notes.append(adopted_note(issued))
        issued = learnt(issued, files_fp, content)
        record_issue(config.output_dir, issued)
    if "docx" in config.editions:  # made from the issued HTML edition: the PDF stays as issued
        dirs = template_dirs(config.templates_dir)
        issued = add_word_editions(config.output_dir, issued, language_of(config.locale), dirs)
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
        word={code: config.output_dir / docx for code, (docx, _) in issued.word.items()},
    )


def build_report(options: BuildOptions, pdf_process: PdfProcess | None = None) -> BuildResult:
    """Build the report for one date, or return the issued one if nothing changed.

    From choosing the number to recording the issue, the build holds the workspace's issue lock
    (`sitrep.issue.record`): a second build waits there, then finds what the first one issued. It is
    taken once the inputs are valid, so a build that stops on its inputs writes nothing at all.
    `pdf_process`: a PDF helper already started (`sitrep.pdf.pool.PdfProcess`), else one is
    when a report is to be made; it is closed here either way.
    """
    with ExitStack() as helper:
        if pdf_process is not None:
            helper.enter_context(pdf_process)
        config = load_config(options.workspace)
        dirs = template_dirs(config.templates_dir)
        files_fp = files_fingerprint(config, options.inputs, dirs)
        if reused := _reuse(config, options, files_fp):
            return reused  # no helper started, no stage imported (tests/cli/test_fast_paths.py)
        # WeasyPrint's import starts now, in a second process, while this one imports the
        # stages (pandas, Jinja: 0.6 s) and does steps 1-4: the helper is ready before the HTML.
        # What the report says is compared with what was issued under the issue lock (`_reserve`).
        if pdf_process is None:
            # Imported here, not at the top: an unchanged report needs no PDF stage (multiprocessing
            # and the PDF modules are 15% of that path's imports).
            from sitrep.pdf.pool import PdfProcess

            pdf_process = helper.enter_context(PdfProcess())
        try:
            return _build(config, options, dirs, files_fp, pdf_process)
        except _IssuedMeanwhile as issued:
            return issued.result


class _IssuedMeanwhile(Exception):
    """Another build issued this report while this one waited for the lock: return it."""

    def __init__(self, result: BuildResult) -> None:
        self.result = result


@dataclass
class LaidOut:
    """One language's report, ready to be written: its PDF and HTML edition."""

    config: Config  # the settings in its language
    pdf: bytes
    edition: bytes
    warnings: list[str]
    word: bytes | None = None  # the Word edition, when [report] editions asks for it


def _build(
    config: Config,
    options: BuildOptions,
    dirs: list[Path],
    files_fp: str,
    pdf_process: PdfProcess,
) -> BuildResult:
    with ExitStack() as held:  # the issue lock, from the number on
        return _run(config, options, dirs, files_fp, pdf_process, held)


def _run(
    config: Config,
    options: BuildOptions,
    dirs: list[Path],
    files_fp: str,
    pdf_process: PdfProcess,
    held: ExitStack,
) -> BuildResult:
    """The build, step by step; from the number on it holds the issue lock (in `held`)."""
    # The stages (pandas, Jinja: 0.6 s of imports) only now that a report is made: an
    # unchanged one was returned without them (tests/cli/test_fast_paths.py)
    from sitrep.pipeline import prepare
    from sitrep.render.document import render  # (Jinja, the drawings: the same)

    notes: list[str] = []  # an interrupted build finished or redone
    # 1-3. load and validate every table; the figures and narrative in each language
    prepared = prepare(config, options.date, options.inputs, options.today, strict=options.strict)
    content = report_content(prepared, dirs)  # what it says: compared with what was issued
    if config.clearance:  # not cleared: a draft (sitrep.issue.clearance)
        options, awaiting = needs_clearance(config.output_dir, options, prepared.day, content)
        notes += [awaiting] if awaiting else []
    # the number, for good: the issue lock is taken here (never for a draft)
    number, revision = _reserve(config, options, content, held, notes, prepared, files_fp)
    # what it corrects: its figures as last issued, its baselines' as their reports printed
    fixed = corrections(load_record(config.output_dir), prepared, content, revision, options.reason)
    # 4. HTML, in each language
    rendered = render(prepared, options, dirs, number, revision, fixed)
    # 5. PDF and HTML edition, in each language
    laid_out = _lay_out(rendered, dirs, pdf_process)
    # 6. write atomically, recorded as pending first and as issued once the PDFs are in place
    result = _write(options, (files_fp, content), rendered, laid_out, notes)
    if config.clearance and options.draft:  # what `sitrep clear` clears: this draft's content
        record_draft(config.output_dir, prepared.day, content, _now())
        result.draft = True
    return result


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _reserve(
    config: Config,
    options: BuildOptions,
    content: ReportContent,
    held: ExitStack,
    notes: list[str],
    prepared: Prepared,
    files_fp: str,
) -> tuple[int, int]:
    """The report's (number, revision), under the issue lock; _IssuedMeanwhile when another
    build issued it while this one waited for the lock."""
    day = prepared.day
    if not options.draft:  # a draft is never numbered for good: no lock
        notes.extend(hold_issue_lock(config.output_dir, held))
        asked = replace(options, date=day)
        if reused := _reuse(config, asked, files_fp, content, notes):
            reused.date_was_chosen, reused.notes = options.date is None, notes
            reused.prepared = prepared  # from the same inputs: what `send` needs
            raise _IssuedMeanwhile(reused)
    return number_and_revision(config, options, day, content, files_fp)


def _lay_out(rendered: Rendered, dirs: list[Path], pdf_process: PdfProcess) -> list[LaidOut]:
    """Every language's PDF and HTML edition, the first language's first.

    WeasyPrint is heavy: imported only to build, by the helper process if there is one. While
    the helper lays out the first language, this process lays out the others.
    """
    # the edition's font subsetting (uharfbuzz) only for a report laid out, as the stages in _run
    from sitrep.pdf.build import build_pdf  # as the PDF helper: not on the unchanged path
    from sitrep.render.edition import html_edition  # uharfbuzz, for a report laid out only

    editions = list(rendered.prepared.editions.values())
    config, day = editions[0], rendered.day
    pdf_made = pdf_process.submit(
        rendered.html, dirs, config.pdf_variant, rendered.attachments, day
    )
    others = []
    for c, (_, html, attachments) in zip(editions[1:], rendered.translations, strict=True):
        made = build_pdf(html, dirs, config.pdf_variant, attachments, day)
        page = html_edition(html, dirs).encode("utf-8")
        others.append(LaidOut(c, made.data, page, made.warnings, _word(c, html, dirs, day)))
    edition = html_edition(rendered.html, dirs).encode("utf-8")  # while the PDF is laid out
    word = _word(config, rendered.html, dirs, day)
    made = pdf_made()
    return [LaidOut(config, made.data, edition, made.warnings, word), *others]


def _word(config: Config, html: str, dirs: list[Path], day: dt.date) -> bytes | None:
    """The Word edition of one language's report, if `[report] editions` asks for it."""
    if "docx" not in config.editions:
        return None
    # python-docx (and lxml) only for the offices that ask for Word: every build imports this
    from sitrep.render.word import word_edition

    return word_edition(html, dirs, day)


def _write(
    options: BuildOptions,
    fps: tuple[str, ReportContent],
    rendered: Rendered,
    laid_out: list[LaidOut],
    notes: list[str],
) -> BuildResult:
    """Write every language's files atomically; record the issue (never a draft's)."""
    day, number, revision = rendered.day, rendered.number, rendered.revision
    config = laid_out[0].config
    folder = config.output_dir / day.isoformat() / ("draft" if options.draft else "")
    files = {}  # language -> (PDF, HTML edition)
    for made in laid_out:
        name = report_name(made.config, day, number, revision, options.draft)
        files[language_of(made.config.locale)] = (folder / f"{name}.pdf", folder / f"{name}.html")
    (pdf, html), *other_files = files.values()
    # every language's HTML edition and PDF, the first language's PDF last: once it is in
    # place, all of them are
    written: list[tuple[Path, bytes]] = []
    for (other_pdf, other_html), made in zip(other_files, laid_out[1:], strict=True):
        written += [*_word_file(other_pdf, made), (other_html, made.edition), (other_pdf, made.pdf)]
    written += [*_word_file(pdf, laid_out[0]), (html, laid_out[0].edition), (pdf, laid_out[0].pdf)]
    word_files = {  # language -> (.docx, its bytes), beside its PDF
        code: (pdf_path.with_suffix(".docx"), made.word)
        for code, (pdf_path, _), made in zip(files, files.values(), laid_out, strict=True)
        if made.word is not None
    }
    remove_stale_temporaries(config.output_dir / day.isoformat(), recursive=True)
    if options.draft:
        write_draft(written)
    else:

        def relative(path: Path) -> str:
            return str(path.relative_to(config.output_dir))

        issued = Issued(
            day.isoformat(),
            number,
            revision,
            relative(pdf),
            relative(html),
            sha256_bytes(laid_out[0].pdf),
            fps[1].fingerprint,
            rendered.data_latest.isoformat(),
            fps[0],
            {
                language: [relative(p), relative(h), sha256_bytes(made.pdf)]
                for language, (p, h), made in zip(
                    list(files)[1:], other_files, laid_out[1:], strict=True
                )
            },
            content=fps[1].to_json(),
            word={
                code: [relative(path), sha256_bytes(data)]
                for code, (path, data) in word_files.items()
            },
        )
        notes += issue(config.output_dir, issued, written)
    return BuildResult(
        pdf,
        html,
        day,
        number,
        revision,
        options.date is None,
        False,
        rendered.problems,
        [w for made in laid_out for w in made.warnings],
        notes,
        files,
        rendered.prepared,
        word={code: path for code, (path, _) in word_files.items()},
    )


def _word_file(pdf: Path, made: LaidOut) -> list[tuple[Path, bytes]]:
    """The Word edition beside its PDF (same name, .docx), when one was made."""
    return [(pdf.with_suffix(".docx"), made.word)] if made.word is not None else []


def send(options: SendOptions) -> SendOutcome:
    """`sitrep send`: build the report of the date (or find it issued), then deliver it.

    The [email] settings are checked first, so a bad one stops the run before anything is
    built. The emails are written from what the build made the report from; a report returned
    as issued (nothing was loaded) is prepared here, in the languages it has files in.
    """
    # delivery (smtplib, sqlite3, the email package) is imported by `sitrep send` alone: every
    # `sitrep build` imports this module
    from sitrep.delivery.distribute import deliver, edition_files, email_settings
    from sitrep.pipeline import prepare  # (pandas: as in `_run`)

    config = load_config(options.workspace)
    settings = email_settings(config)
    asked = BuildOptions(options.workspace, options.date, options.inputs, cleared_only=True)
    asked.today = options.today  # a report date after it is refused, as by build
    result = build_report(asked)  # with [report] clearance, only cleared content is sent
    prepared = result.prepared or prepare(
        config, result.date, options.inputs, locales=list(edition_files(config, result))
    )
    return deliver(options, config, settings, result, prepared)
