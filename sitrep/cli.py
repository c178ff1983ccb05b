"""The `sitrep` command line: parse options, call one library function, map errors to exit codes.

Heavy libraries (pandas, WeasyPrint) are imported inside the commands, so `--help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from sitrep.errors import SitrepError, ValidationFailed

EXIT_PROBLEMS = 1  # the inputs or the request are wrong: the message says how to fix them
EXIT_INTERNAL = 2  # a bug in sitrep


class Context:
    def __init__(self, workspace: Path = Path("."), debug: bool = False) -> None:
        self.workspace = workspace
        self.debug = debug


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-06-30") from None


def parse_inputs(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict:
    from sitrep.settings.config import TABLES, InputSource

    inputs = {}
    for value in values:
        table, sep, path = value.partition("=")
        if not sep or not path:
            raise click.BadParameter(f"{value!r}: expected TABLE=PATH or TABLE=PATH#SHEET")
        if table not in TABLES:
            raise click.BadParameter(f"{table!r} is not a table; tables: {', '.join(TABLES)}")
        inputs[table] = InputSource.parse(path, Path.cwd())
    return inputs


date_option = click.option(
    "--date",
    "day",
    callback=parse_date,
    metavar="YYYY-MM-DD",
    help="Report date (default: the latest date in the data).",
)
input_option = click.option(
    "--input",
    "inputs",
    multiple=True,
    callback=parse_inputs,
    metavar="TABLE=PATH[#SHEET]",
    help="Read a table from another file (repeatable).",
)
strict_option = click.option("--strict", is_flag=True, help="Fail on warnings too.")


def _set_workspace(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Context).workspace = value


# `sitrep build -w DIR` as well as `sitrep -w DIR build`: scripts put it either side.
workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    callback=_set_workspace,
    expose_value=False,
    is_eager=True,
    help="The workspace folder (default: the current folder).",
)


def print_problems(problems: list, stream=None) -> None:
    """Problems grouped by table, then 'N errors, M warnings'."""
    stream = stream or sys.stderr
    tables: dict[str, list] = {}
    for problem in problems:
        tables.setdefault(problem.table, []).append(problem)
    for table, items in tables.items():
        click.echo(f"{table}:", file=stream)
        for problem in items:
            click.echo(f"  {problem}", file=stream)
    counts = {s: sum(p.severity == s for p in problems) for s in ("error", "warning", "note")}
    notes = f" ({counts['note']} notes)" if counts["note"] else ""
    click.echo(f"{counts['error']} errors, {counts['warning']} warnings{notes}", file=stream)


def secrets_in_environment() -> set[str]:
    """Every form of the SMTP password (SITREP_SMTP_PASSWORD, or inside SITREP_SMTP_URL)."""
    from urllib.parse import urlsplit

    from sitrep.safety.secrets import secret_forms

    forms = secret_forms(os.environ.get("SITREP_SMTP_PASSWORD"))
    try:
        url = urlsplit(os.environ.get("SITREP_SMTP_URL", ""))
        forms |= secret_forms(url.password, url.username)
    except ValueError:
        pass  # a malformed URL is reported by the sender; its text is redacted below anyway
    return forms


def fail(ctx: Context, exc: BaseException) -> NoReturn:
    """Turn an exception into a message and an exit code (a traceback only with --debug).

    Whatever is printed passes through redaction: no form of the SMTP password is ever shown.
    """
    from sitrep.safety.secrets import format_exception_redacted, redact

    secrets = secrets_in_environment()
    if ctx.debug:
        click.echo(format_exception_redacted(exc, secrets), err=True)
        sys.exit(exc.exit_code if isinstance(exc, SitrepError) else EXIT_INTERNAL)
    if isinstance(exc, ValidationFailed):
        print_problems(exc.problems)
        click.secho(
            "Nothing was written. Fix the errors above and run the command again.",
            fg="red",
            err=True,
        )
        sys.exit(exc.exit_code)
    if isinstance(exc, SitrepError):
        click.secho(redact(f"Error: {exc}", secrets), fg="red", err=True)
        sys.exit(exc.exit_code)
    click.secho(
        redact(f"Internal error: {type(exc).__name__}: {exc}", secrets) + "\nRun again with "
        "--debug for the "
        "details, and report it with them.",
        fg="red",
        err=True,
    )
    sys.exit(EXIT_INTERNAL)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    help="The workspace folder (default: the current folder).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(None, "-V", "--version", package_name="sitrep")
@click.pass_context
def main(ctx: click.Context, workspace: Path, debug: bool) -> None:
    """Turn the workspace's spreadsheets into a dated, numbered PDF situation report."""
    import signal

    # SIGTERM (kill, systemd, a scheduler's timeout) ends like Ctrl+C: temporary files removed.
    signal.signal(signal.SIGTERM, _terminated)
    ctx.obj = Context(workspace, debug)
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any non-empty value
        ctx.color = False


def _terminated(signum: int, _frame: object) -> NoReturn:
    raise SystemExit(128 + signum)


@main.command()
@workspace_option
@date_option
@input_option
@strict_option
@click.option("--revise", is_flag=True, help="Issue a revision of a report already issued.")
@click.option("--draft", is_flag=True, help="Write a draft under output/DATE/draft/ (not issued).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option(
    "--number",
    type=click.IntRange(min=1),
    help="The report number, when the date falls before reports already issued.",
)
@click.option(
    "--each",
    type=click.Choice(["admin1", "province"]),
    help="One report per admin-1 area with rows in the data (province is the same), in "
    "output/DATE/AREA/.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="With --each: processes building reports at once (default: the CPUs).",
)
@click.pass_obj
def build(ctx: Context, day, inputs, strict, revise, draft, force, number, each, workers) -> None:
    """Build the report: load, validate, figures, HTML, PDF in output/DATE/."""
    from sitrep.report import BuildOptions, build_report

    options = BuildOptions(ctx.workspace, day, inputs, strict, revise, draft, force, number)
    options.today = dt.date.today()  # the only reading of the clock: dates after it are typos
    if each:
        build_each(ctx, options, workers)
        return
    try:
        result = build_report(options)
    except Exception as exc:
        fail(ctx, exc)
    if result.problems:
        print_problems(result.problems)
    for warning in result.render_warnings:
        click.secho(f"warning: renderer: {warning}", fg="yellow", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    how = "the latest date in the data" if result.date_was_chosen else "as asked"
    kind = "unchanged since issued" if result.reused else ("draft" if draft else "built")
    rev = f", revision {result.revision}" if result.revision else ""
    click.echo(f"Report No. {result.number}{rev} for {result.date} ({how}), {kind}:", err=True)
    click.echo(result.pdf)  # the first language's; the others follow, one per line
    for other_pdf, _ in list(result.editions.values())[1:]:
        click.echo(other_pdf)


def progress_line():
    """A one-line counter on a terminal (None in a pipe or a log: nothing extra is printed)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None

    def show(done: int, total: int, name: str) -> None:
        end = "\n" if done == total else ""
        click.echo(f"\r\x1b[2K[{done}/{total}] {name}", nl=False, err=True)
        click.echo(end, nl=False, err=True)

    return show


def build_each(ctx: Context, options, workers: int | None) -> None:
    """`build --each province`: one report per province (sitrep.issue.batch)."""
    from sitrep.issue.batch import build_each_province

    try:
        batch = build_each_province(options, workers, progress_line())
    except Exception as exc:
        fail(ctx, exc)
    if batch.problems:
        print_problems(batch.problems)
    for report in batch.reports:
        for warning in report.render_warnings:
            click.secho(f"warning: renderer: {report.name}: {warning}", fg="yellow", err=True)
        click.echo(report.pdf)
    reused = sum(r.reused for r in batch.reports)
    click.echo(
        f"Report No. {batch.number} for {batch.date}: {len(batch.reports)} province reports, "
        f"{len(batch.reports) - reused} built, {reused} unchanged since issued.",
        err=True,
    )


@main.command()
@workspace_option
@date_option
@input_option
@strict_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def validate(ctx: Context, day, inputs, strict, fmt) -> None:
    """Check the inputs; print every problem. Exit 1 on errors (or warnings with --strict)."""
    from sitrep.report import check_inputs

    try:
        checked = check_inputs(ctx.workspace, day, inputs, today=dt.date.today(), narrative=True)
    except Exception as exc:
        fail(ctx, exc)
    problems = checked.problems
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    if fmt == "json":
        summary = {
            "errors": errors,
            "warnings": warnings,
            "notes": len(problems) - errors - warnings,
            "problems": [p.as_dict() for p in problems],
        }
        click.echo(json.dumps(summary, indent=2, default=str))
    else:
        print_problems(problems, sys.stdout)
    sys.exit(EXIT_PROBLEMS if errors or (strict and warnings) else 0)


@main.command()
@workspace_option
@date_option
@input_option
@click.option(
    "--list",
    "lists",
    multiple=True,
    metavar="NAME",
    help="Send to this distribution list only (repeatable; default: every list).",
)
@click.option(
    "--skip-checks",
    is_flag=True,
    help="Send even if the pre-send check finds problems (stale data, placeholders).",
)
@click.option("--status", is_flag=True, help="Show the send ledger for the report; send nothing.")
@click.option(
    "--resend-unknown",
    is_flag=True,
    help="Send again to recipients whose delivery is unknown (they may have it already).",
)
@click.pass_obj
def send(ctx: Context, day, inputs, lists, skip_checks, status, resend_unknown) -> None:
    """Email the report to the partners (an outbox of .eml files unless SITREP_SMTP_URL is set)."""
    from sitrep.delivery.distribute import SendOptions, send_status
    from sitrep.delivery.distribute import send as send_report

    try:
        if status:
            report, rows = send_status(ctx.workspace, day)
            click.echo(
                f"Situation Report No. {report.number} ({report.report_date}), "
                f"revision {report.revision}: {len(rows)} recipient(s) in the ledger"
            )
            for row in rows:
                error = f"  ({row.last_error})" if row.last_error else ""
                language = f"  in {row.language}" if row.language else ""
                click.echo(
                    f"  {row.state:<17} {row.recipient}  attempts {row.attempts}{language}{error}"
                )
            unknown = [r.recipient for r in rows if r.state in ("unknown", "sending")]
            if unknown:
                click.echo(
                    f"{len(unknown)} recipient(s) may or may not have it: {', '.join(unknown)}. "
                    "'sitrep send --resend-unknown' sends to them again."
                )
            return
        progress = sys.stderr.isatty() and not os.environ.get("CI")
        outcome = send_report(
            SendOptions(
                ctx.workspace, day, list(lists), inputs, skip_checks, progress, resend_unknown
            )
        )
    except Exception as exc:
        fail(ctx, exc)
    summary = outcome.summary
    click.echo(
        f"Situation Report No. {outcome.report.number} ({outcome.report.report_date}) "
        f"via {outcome.transport}:"
    )
    for line in summary.lines():
        click.echo(f"  {line}")
    for path in summary.files:
        click.echo(f"  {path}")
    if outcome.missing_languages:
        click.echo(
            f"  No report in {', '.join(outcome.missing_languages)}: partners asking for it got "
            f"the {outcome.report.language} report."
        )
    if summary.unknown:
        click.echo(
            f"  Not confirmed: {len(summary.unknown)} recipient(s) may have been sent the report "
            f"but the server did not confirm it: {', '.join(summary.unknown)}. They are not sent "
            "to again; check with them, then 'sitrep send --resend-unknown' if needed."
        )
    sys.exit(0 if summary.ok else EXIT_PROBLEMS)


@main.command()
@workspace_option
@date_option
@input_option
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. Beyond this machine only on a network you trust.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@click.pass_obj
def preview(ctx: Context, day, inputs, port, host, open_browser) -> None:
    """Serve the report as a web page that updates itself whenever a file is saved."""
    import logging

    from sitrep.preview import PreviewOptions, run_preview

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("sitrep.preview")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if ctx.debug else logging.INFO)

    def ready(running) -> None:
        click.echo(f"Previewing {ctx.workspace.resolve()} at {running.url}", err=True)
        click.echo(
            "It updates when a table, the narrative, a template or sitrep.toml is saved.", err=True
        )
        click.echo("Press Ctrl+C to stop.", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(running.url)

    try:
        run_preview(PreviewOptions(ctx.workspace, day, inputs, host, port), ready)
    except Exception as exc:
        fail(ctx, exc)


@main.command()
@workspace_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def publish(ctx: Context, folder: Path | None) -> None:
    """Copy every issued report into FOLDER (or [publish] folder), with index.html and feed.xml."""
    from sitrep.issue.publish import publish as publish_reports

    try:
        result = publish_reports(ctx.workspace, folder)
    except Exception as exc:
        fail(ctx, exc)
    for path in result.copied + result.pages:
        click.echo(path)
    click.echo(
        f"Published {len(result.entries)} issued report(s) in {result.folder}: "
        f"{len(result.copied)} file(s) copied, {result.unchanged} already there, "
        f"{len(result.pages)} of index.html and feed.xml rewritten.",
        err=True,
    )


@main.command()
@workspace_option
@click.argument("query", default="")
@click.option("--level", type=click.IntRange(1, 4), help="List the areas of one admin level.")
@click.pass_obj
def places(ctx: Context, query: str, level: int | None) -> None:
    """Look a place up: P-code, level, parent and where its name comes from."""
    from sitrep.geo.lookup import find_places, format_answer

    if not query and level is None:
        raise click.UsageError("give a place name or P-code, or --level N")
    try:
        answer = find_places(ctx.workspace, query, level)
    except Exception as exc:
        fail(ctx, exc)
    for line in format_answer(answer):
        click.echo(line)
    g = answer.gazetteer
    where = g.list_name or "the places table"
    if not answer.matches:
        click.echo(answer.message or f"no areas of admin level {level} in {where}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"{len(answer.matches)} found in {where}", err=True)


@main.command()
@workspace_option
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--country",
    required=True,
    help="report.country: an ISO3 code (HTI) or the country's name (Haiti, Haïti).",
)
@click.option("--crisis", help="report.crisis (default: a placeholder to replace).")
@click.option(
    "--language",
    default="en",
    show_default=True,
    help="report.locale: the report's and the workbook's language (en, fr, ...).",
)
@click.pass_obj
def init(ctx: Context, directory: Path, country: str, crisis: str | None, language: str) -> None:
    """Create a new workspace in DIRECTORY: settings, a blank workbook, templates, narrative."""
    from sitrep.workspace.init import create_workspace

    try:
        # The first report is today's: the clock is read here, at the command line, only.
        created = create_workspace(directory, country, dt.date.today(), crisis, language)
    except Exception as exc:
        fail(ctx, exc)
    for path in created:
        click.echo(path)
    click.echo(f"Ready. Fill in {created[1]}, then run: sitrep -w {directory} build", err=True)


def run() -> NoReturn:
    """The `sitrep` script and `python -m sitrep`: the command line, then the process ends.

    Once a command has returned, its files are written and closed and its helper processes
    joined; what is left is the interpreter freeing pandas', Jinja's and WeasyPrint's modules,
    0.15 s of a 1.5 s build. So the process ends at once, after flushing its output, unless a
    child process is still running (then the normal exit, which waits for it).
    """
    import logging
    import multiprocessing

    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if multiprocessing.active_children():
        sys.exit(code)
    logging.shutdown()
    if code is not None and not isinstance(code, int):
        click.echo(code, err=True)  # sys.exit("message") prints it and exits 1
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (sitrep build | head)
            code = code or 1
    os._exit(code or 0)
