"""The `sitrep` command line: parse options, call one library function, map errors to exit codes.

Heavy libraries (pandas, WeasyPrint) are imported inside the commands, so `--help` stays fast;
build, validate and send read sitrep.toml first, so a bad setting is said before those imports."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from sitrep.errors import EXIT_PROBLEMS, SitrepError, ValidationFailed, exit_code
from sitrep.issue import clearing


@dataclass
class Context:
    workspace: Path = Path(".")
    debug: bool = False


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


def say(text: str, err: bool = False, fg: str | None = None) -> None:
    """The `echo` the library's summaries print with: plain text, coloured only when asked."""
    click.echo(click.style(text, fg=fg) if fg else text, err=err)


def settings_first(ctx: Context) -> None:
    """sitrep.toml read before pandas' import: a bad setting is said in 0.25 s, not 1 s."""
    from sitrep.settings.config import load_config

    load_config(ctx.workspace)  # raised as the library would; its second reading takes 1.5 ms


def echo_problems(problems: list, stream=None) -> None:
    """Problems grouped by table, then 'N errors, M warnings' (stderr unless `stream`)."""
    from sitrep.problems import problem_lines

    for line in problem_lines(problems):
        click.echo(line, file=stream or sys.stderr)


def fail(ctx: Context, exc: Exception) -> NoReturn:
    """The message for an exception that ended a command, and its exit code (`exit_code`):
    a SitrepError's message (the user's to fix), else a bug's short notice (its traceback with
    --debug), all of it redacted: no form of the SMTP password is ever shown."""
    from sitrep.safety.secrets import environment_secrets, format_exception_redacted, redact

    secrets = environment_secrets()
    if ctx.debug:
        click.echo(format_exception_redacted(exc, secrets), err=True)
    elif isinstance(exc, ValidationFailed):
        echo_problems(exc.problems)
        click.secho(
            "Nothing was written. Fix the errors above and run the command again.",
            fg="red",
            err=True,
        )
    elif isinstance(exc, SitrepError):
        click.secho(redact(f"Error: {exc}", secrets), fg="red", err=True)
    else:
        click.secho(
            redact(f"Internal error: {type(exc).__name__}: {exc}", secrets) + "\nThis is a bug "
            "in sitrep: run again with --debug for the details, and report it with them.",
            fg="red",
            err=True,
        )
    sys.exit(exit_code(exc))


class Commands(click.Group):
    """The `sitrep` group: the one place where a command's exception becomes an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own (a usage error): its message and exit code
        except Exception as exc:  # every other failure, sitrep's bugs included: said and mapped
            fail(ctx.obj if isinstance(ctx.obj, Context) else Context(), exc)


@click.group(
    cls=Commands,
    commands=clearing.COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
@click.option("--reason", default="", help="With --revise: what it corrects (on its 1st page).")
@click.option("--draft", is_flag=True, help="Write a draft under output/DATE/draft/ (not issued).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option(
    "--number",
    type=click.IntRange(min=1),
    help="The report number, when the date falls before reports already issued.",
)
@click.option(
    "--each",
    type=click.Choice(["area", "admin1", "province"]),
    help="area: one report per admin-1 area with rows in the data, in output/DATE/AREA/ "
    "(admin1 and province are the same).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="With --each: processes building reports at once (default: the CPUs).",
)
@click.pass_obj
def build(ctx: Context, day, inputs, strict, revise, reason, draft, force, number, each, workers):
    """Build the report: load, validate, figures, HTML, PDF in output/DATE/."""
    from sitrep.issue.summary import say_batch, say_built
    from sitrep.pdf.build import PdfProcess

    # The PDF helper process starts before the library's imports (0.4 s), so that WeasyPrint's
    # import in it overlaps them too; --each has its own pool of workers.
    with PdfProcess(helper=False if each else None) as pdf_process:
        settings_first(ctx)
        from sitrep.report import BuildOptions, build_report

        options = BuildOptions(ctx.workspace, day, inputs, strict, revise, draft, force, number)
        options.today, options.reason = dt.date.today(), " ".join(reason.split())  # 1 clock read
        if each:  # one report per admin-1 area (sitrep.issue.batch)
            from sitrep.issue.batch import build_each_area

            say_batch(build_each_area(options, workers, progress_line()), say)
        else:
            say_built(build_report(options, pdf_process), draft, say)


def progress_line():
    """A one-line counter on a terminal (None in a pipe or a log: nothing extra is printed)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None  # a log stays plain

    def show(done: int, total: int, name: str) -> None:
        click.echo(f"\r\x1b[2K[{done}/{total}] {name}", nl=done == total, err=True)

    return show


@main.command()
@workspace_option
@date_option
@input_option
@strict_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
def validate(ctx: Context, day, inputs, strict, fmt) -> None:
    """Check the inputs; print every problem. Exit 1 on errors (or warnings with --strict)."""
    settings_first(ctx)  # not sitrep.report below: no templates nor PDF stage (0.07 s)
    from sitrep.pipeline import check_inputs
    from sitrep.problems import count_by_severity, problems_json

    checked = check_inputs(ctx.workspace, day, inputs, today=dt.date.today(), narrative=True)
    if fmt == "json":
        click.echo(problems_json(checked.problems))
    else:
        echo_problems(checked.problems, sys.stdout)
    counts = count_by_severity(checked.problems)
    sys.exit(EXIT_PROBLEMS if counts.errors or (strict and counts.warnings) else 0)


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
    settings_first(ctx)
    from sitrep.delivery.distribute import SendOptions, send_status
    from sitrep.delivery.summary import say_sent, say_status
    from sitrep.report import send as send_report

    if status:
        say_status(*send_status(ctx.workspace, day), say)
        return
    progress = progress_line() is not None  # on a terminal only, as build's
    options = SendOptions(ctx.workspace, day, list(lists), inputs, skip_checks, progress)
    options.resend_unknown = resend_unknown
    outcome = send_report(options)
    say_sent(outcome, say)
    sys.exit(0 if outcome.summary.ok else EXIT_PROBLEMS)


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
    from sitrep.preview import PreviewOptions, log_to_console, ready_lines, run_preview
    from sitrep.report import build_report

    log_to_console(ctx.debug)

    def ready(running) -> None:
        for line in ready_lines(running):
            click.echo(line, err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(running.url)

    run_preview(PreviewOptions(ctx.workspace, day, inputs, host, port), build_report, ready)


@main.command()
@workspace_option
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def publish(ctx: Context, folder: Path | None) -> None:
    """Copy every issued report into FOLDER (or [publish] folder), with index.html and feed.xml."""
    from sitrep.issue.publish import publish as publish_reports
    from sitrep.issue.summary import say_published

    say_published(publish_reports(ctx.workspace, folder), say)


@main.command()
@workspace_option
@click.argument("query", default="")
@click.option("--level", type=click.IntRange(1, 4), help="List the areas of one admin level.")
@click.pass_obj
def places(ctx: Context, query: str, level: int | None) -> None:
    """Look a place up: P-code, level, parent and where its name comes from."""
    from sitrep.validate.lookup import find_places, say_answer

    if not query and level is None:
        raise click.UsageError("give a place name or P-code, or --level N")
    if not say_answer(find_places(ctx.workspace, query, level), level, say):
        sys.exit(EXIT_PROBLEMS)


@main.command()
@workspace_option
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--country", required=True, help="report.country: an ISO3 code (HTI) or its name.")
@click.option("--crisis", help="report.crisis (default: a placeholder to replace).")
@click.option("--language", default="en", show_default=True, help="report.locale (en, fr, ...).")
@click.pass_obj
def init(ctx: Context, directory: Path, country: str, crisis: str | None, language: str) -> None:
    """Create a new workspace in DIRECTORY: settings, a blank workbook, templates, narrative."""
    from sitrep.workspace.init import create_workspace

    # The first report is today's: the clock is read here, at the command line, only.
    created = create_workspace(directory, country, dt.date.today(), crisis, language)
    for path in created:
        click.echo(path)
    click.echo(f"Ready. Fill in {created[1]}, then run: sitrep -w {directory} build", err=True)


def run() -> NoReturn:
    """The `sitrep` script and `python -m sitrep`: the command line, then the process ends at
    once (its files are closed by then; the interpreter's teardown is 0.15 s of a build), after
    flushing its output, unless a child process is still running (then the normal exit)."""
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
