"""The whole pipeline, in the order it runs: load -> validate -> figures -> HTML -> PDF -> write.

`build_report` is what `sitrep build` calls; `check_inputs` is what `sitrep validate` calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep import __version__
from sitrep.config import Config, InputSource, load_config, template_dirs
from sitrep.errors import NoDataError, ReportExistsError, ValidationFailed
from sitrep.fsutil import atomic_write, sha256_bytes, sha256_file
from sitrep.problems import Problem, count_errors, count_warnings
from sitrep.record import Issued, latest_issue, load_record, number_for, record_issue

if TYPE_CHECKING:  # the stages import pandas, Jinja and WeasyPrint: only a real build pays
    from sitrep.figures import Figures
    from sitrep.narrative import Narrative
    from sitrep.pdf import PdfProcess
    from sitrep.validate import Table
    from sitrep.words import Words


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
    from sitrep.figures import latest_data_date
    from sitrep.gazetteer import base_gazetteer
    from sitrep.load import load_tables
    from sitrep.validate import freshness_warnings, validate_tables
    from sitrep.words import workspace_words

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
    """The narrative's problems for `day`, as `sitrep validate` lists them."""
    from sitrep.narrative import load_narrative

    try:
        _, problems = load_narrative(
            config.narrative_dir, day, config.workspace, locale=config.locale, words=words
        )
    except ValidationFailed as failed:  # a narrative that cannot be read at all
        return list(failed.problems)
    return problems


def fingerprint(config: Config, inputs: dict[str, InputSource], dirs: list[Path]) -> str:
    """A hash of everything a report is made from: the rebuild cache's key."""
    digest = hashlib.sha256(f"sitrep {__version__}\n".encode())
    root = config.workspace
    files = [config.workspace / "sitrep.toml"]
    files += sorted({s.path for s in {**config.inputs, **inputs}.values()})
    if config.geography_pcodes is not None:  # the COD file names and places the rows
        files.append(config.geography_pcodes.path)
    if (words_file := config.workspace / "inputs" / "words.toml").is_file():
        files.append(words_file)  # the workspace's own input words (sitrep.words)
    if config.narrative_dir.is_dir():
        files += sorted(config.narrative_dir.rglob("*.md"))
    for folder in dirs:
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    for path in files:
        # Relative names: the same workspace in another folder has the same fingerprint.
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"{name}\n".encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    for name, source in sorted(inputs.items()):
        digest.update(f"{name}={source.path}#{source.sheet}\n".encode())
    return digest.hexdigest()


def report_name(config: Config, day: dt.date, number: int, revision: int, draft: bool) -> str:
    name = f"{config.slug}_sitrep_{day.isoformat()}_no{number:02d}"
    if revision:
        name += f"_rev{revision}"
    return name + ("_DRAFT" if draft else "")


def _reuse(config: Config, options: BuildOptions, fp: str) -> BuildResult | None:
    """The issued report, if nothing it was made from has changed (and --force is not set)."""
    if options.force or options.draft or options.revise:
        return None
    record = load_record(config.output_dir)
    if options.date:
        issued = latest_issue(record, options.date)
    else:
        issued = max(record, key=lambda e: (e.date, e.revision), default=None)
        if issued and issued.date != issued.data_latest:
            issued = None
    if not issued or issued.fingerprint != fp:
        return None
    pdf = config.output_dir / issued.pdf
    if not pdf.is_file() or sha256_file(pdf) != issued.pdf_sha256:
        return None
    return BuildResult(
        pdf,
        config.output_dir / issued.html,
        issued.day,
        issued.number,
        issued.revision,
        options.date is None,
        True,
        [],
    )


def _context(
    config: Config,
    figures: Figures,
    narrative: Narrative,
    tables: dict[str, Table],
    number: int,
    revision: int,
    options: BuildOptions,
) -> dict:
    """What the templates see: figures, narrative, inline SVG charts and map, data files.

    `attachments` (the input rows used, as CSV files) is for the PDF stage, not the templates.
    """
    from markupsafe import Markup

    from sitrep.accessmap import access_map, load_places
    from sitrep.attachments import NEVER_ATTACHED, table_file
    from sitrep.charts import displacement_chart, price_chart
    from sitrep.figures import source_uses
    from sitrep.render import load_messages, make_translator

    dirs = template_dirs(config.templates_dir)
    t = make_translator(load_messages(dirs, config.locale), config.locale)
    charts = {
        "displacement": displacement_chart(figures, t, config.locale, dirs)
        if figures.provinces
        else None,
        "prices": price_chart(figures.prices, t, config.locale, dirs),
    }
    places = load_places(tables["places"].frame) if "places" in tables else {}
    vias = {}
    if "routes" in tables:
        used_routes = {r.route_id: r.since for r in figures.routes}
        for r in tables["routes"].frame.to_dict("records"):
            if used_routes.get(r["route_id"]) == r["since"]:
                vias[r["route_id"]] = r["via"]
    the_map = access_map(figures.routes, vias, places, t, dirs, config.boundaries)
    if the_map.places:
        frame = tables["places"].frame
        rows = {p.row for p in the_map.places}
        figures.sources += source_uses(tables["places"], frame[frame["_row"].isin(rows)], None)
    contacts = tables["contacts"].frame.to_dict("records") if "contacts" in tables else []
    if contacts:
        figures.sources += source_uses(tables["contacts"], tables["contacts"].frame, None)
    attachments = []
    if config.attach_data:
        for name in sorted({s.table for s in figures.sources} - NEVER_ATTACHED):
            rows = figures.rows_used(name)
            attachments.append(table_file(name, tables[name].frame, rows, t(f"tables.{name}")))
    return {
        "config": config,
        "title": t("report.title", country=config.country, crisis=config.crisis),
        "number": number,
        "revision": revision,
        "draft": options.draft,
        "fig": figures,
        "narrative": narrative,
        "contacts": contacts,
        # matplotlib escapes the cell text it draws; the SVG is markup sitrep made, not input
        "charts": {k: Markup(v) if v else None for k, v in charts.items()},
        "access_map": replace(the_map, svg=Markup(the_map.svg) if the_map.svg else None),
        "attachments": attachments,
        "places_credit": _places_credit(config),
        "generator": f"sitrep {__version__}",
    }


def _places_credit(config: Config) -> str | None:
    """The credit the P-code lists ask for, with the lists and their dates; None without."""
    if not config.country_code:
        return None
    from sitrep.gazetteer import CREDIT, base_gazetteer

    lists = "; ".join(
        f"{title} ({date})" if date else title for title, date in base_gazetteer(config).lists
    )
    return f"{CREDIT}: {lists}"


def build_report(options: BuildOptions) -> BuildResult:
    """Build the report for one date, or return the issued one if nothing changed."""
    config = load_config(options.workspace)
    dirs = template_dirs(config.templates_dir)
    fp = fingerprint(config, options.inputs, dirs)
    if reused := _reuse(config, options, fp):
        return reused
    # WeasyPrint's import starts now, in a second process, while this one does steps 1-4.
    from sitrep.pdf import PdfProcess

    with PdfProcess() as pdf_process:
        return _build(config, options, dirs, fp, pdf_process)


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
    from sitrep.figures import compute_figures
    from sitrep.gazetteer import base_gazetteer
    from sitrep.narrative import load_narrative
    from sitrep.validate import workspace_gazetteer

    gazetteer = workspace_gazetteer(checked.tables, base_gazetteer(config))
    figures = compute_figures(checked.tables, config, gazetteer, day)
    narrative, narrative_problems = load_narrative(
        config.narrative_dir, day, config.workspace, locale=config.locale
    )
    problems = checked.problems + narrative_problems
    if options.strict and narrative_problems:
        raise ValidationFailed(problems)
    number, revision = numbering(day)

    # 4. HTML
    from sitrep.render import render_html

    context = _context(config, figures, narrative, checked.tables, number, revision, options)
    html = render_html(context, dirs, config.locale)
    return Rendered(
        html, day, data_latest, number, revision, problems, context["attachments"], checked.tables
    )


def _build(
    config: Config, options: BuildOptions, dirs: list[Path], fp: str, pdf_process: PdfProcess
) -> BuildResult:
    # 1-4. the report as HTML, its number reserved for good
    rendered = render_report(
        config, options, dirs, lambda day: _number_and_revision(config, options, day, fp)
    )
    day, number, revision = rendered.day, rendered.number, rendered.revision

    # 5. PDF (WeasyPrint is heavy: imported only to build, by the helper process if there is one)
    html = rendered.html
    result = pdf_process.report_pdf(html, dirs, config.pdf_variant, rendered.attachments, day)

    # 6. write atomically, then record what was issued
    pdf, html_path = _write(config, options, dirs, day, number, revision, result.data, html)
    if not options.draft:
        out = config.output_dir
        issued = Issued(
            day.isoformat(),
            number,
            revision,
            str(pdf.relative_to(out)),
            str(html_path.relative_to(out)),
            sha256_bytes(result.data),
            fp,
            rendered.data_latest.isoformat(),
        )
        record_issue(out, issued)
    return BuildResult(
        pdf,
        html_path,
        day,
        number,
        revision,
        options.date is None,
        False,
        rendered.problems,
        result.warnings,
    )


def _report_date(tables: dict[str, Table], asked: dt.date | None) -> tuple[dt.date, dt.date]:
    """(the report date, the newest date in the data); NoDataError when there is nothing."""
    from sitrep.figures import data_date_range

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


def planned_number(config: Config, day: dt.date) -> int:
    """The number the series gives `day` when nothing is issued: No. 1 on the first report."""
    return config.first_number + (day - config.first_report).days // config.cadence_days


def _number_and_revision(
    config: Config, options: BuildOptions, day: dt.date, fp: str
) -> tuple[int, int]:
    """A date keeps its number; an issued report changes only as a revision, on request."""
    record = load_record(config.output_dir)
    issued = latest_issue(record, day)
    number = options.number or number_for(record, day, planned_number(config, day))
    if number is None:
        raise ReportExistsError(
            f"reports after {day} are already issued, so {day} has no number of its own. "
            f"Give one with --number N."
        )
    if not issued or options.draft:
        return number, 0
    if issued.fingerprint != fp and not options.revise:
        raise ReportExistsError(
            f"Situation Report No. {issued.number} for {day} was already issued from "
            f"different inputs ({config.output_dir / issued.pdf}). Nothing was written.\n"
            f"To issue a corrected version, run: sitrep build --date {day} --revise"
        )
    return number, issued.revision + 1 if options.revise else issued.revision


def _write(
    config: Config,
    options: BuildOptions,
    dirs: list[Path],
    day: dt.date,
    number: int,
    revision: int,
    data: bytes,
    html: str,
) -> tuple[Path, Path]:
    """Write the PDF and its HTML edition; refuse to replace an issued PDF with different bytes."""
    from sitrep.edition import html_edition

    edition = html_edition(html, dirs)  # before writing anything: a broken template stops here
    name = report_name(config, day, number, revision, options.draft)
    folder = config.output_dir / day.isoformat() / ("draft" if options.draft else "")
    pdf, html_path = folder / f"{name}.pdf", folder / f"{name}.html"
    if not options.draft and pdf.is_file() and sha256_file(pdf) != sha256_bytes(data):
        raise ReportExistsError(
            f"{pdf} differs from what these inputs give now (sitrep or a font changed?). "
            f"Nothing was written. To issue it again, run: sitrep build --date {day} --revise"
        )
    atomic_write(pdf, data)
    atomic_write(html_path, edition.encode("utf-8"))
    return pdf, html_path
