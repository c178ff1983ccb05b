"""The commands of `sitrep`: each parses its options and calls one function of the library.

What a command needs is imported inside it: `sitrep --help` imports click and nothing heavy, and
an unchanged build, `validate`'s settings check and `send --status` import neither pandas nor
WeasyPrint (tests/cli/test_fast_paths.py).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from sitrep.cli.group import main
from sitrep.cli.options import (
    Context,
    date_option,
    echo_problems,
    format_option,
    input_option,
    say,
    settings_first,
    strict_option,
    workspace_option,
)
from sitrep.cli.progress import progress_bar
from sitrep.errors import EXIT_PROBLEMS


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
@format_option
@click.pass_obj
def build(
    ctx: Context, day, inputs, strict, revise, reason, draft, force, number, each, workers, fmt
):
    """Build the report: load, validate, figures, HTML, PDF in output/DATE/."""
    from sitrep.issue.summary import batch_json, built_json, say_batch, say_built
    from sitrep.render.catalogue import workspace_wording

    settings_first(ctx)
    # light: an unchanged report is returned without the stages, which it imports to build
    from sitrep.report import BuildOptions, build_report

    options = BuildOptions(ctx.workspace, day, inputs, strict, revise, draft, force, number)
    options.today, options.reason = dt.date.today(), " ".join(reason.split())  # 1 clock read
    wording = workspace_wording(ctx.workspace)  # the problems in the workspace's language
    if each:  # one report per admin-1 area (sitrep.issue.batch)
        from sitrep.issue.batch import build_each_area

        with progress_bar("Building") as progress:
            batch = build_each_area(options, workers, progress)
        if fmt == "json":
            click.echo(batch_json(batch, wording))
        else:
            say_batch(batch, say, wording)
    elif fmt == "json":
        click.echo(built_json(build_report(options), draft, wording))
    else:
        say_built(build_report(options), draft, say, wording)


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
    from sitrep.render.catalogue import in_language

    checked = check_inputs(ctx.workspace, day, inputs, today=dt.date.today(), narrative=True)
    problems, wording = in_language(checked.config, checked.problems)
    if fmt == "json":
        click.echo(problems_json(problems, wording))
    else:
        echo_problems(problems, sys.stdout, wording)
    counts = count_by_severity(problems)
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
@format_option
@click.pass_obj
def send(ctx: Context, day, inputs, lists, skip_checks, status, resend_unknown, fmt) -> None:
    """Email the report to the partners (an outbox of .eml files unless SITREP_SMTP_URL is set)."""
    settings_first(ctx)
    from sitrep.delivery.distribute import SendOptions, send_status
    from sitrep.delivery.summary import say_sent, say_status, sent_json, status_json
    from sitrep.render.catalogue import workspace_wording
    from sitrep.report import send as send_report

    wording = workspace_wording(ctx.workspace)  # what it says, in the workspace's language

    if status:
        report, rows = send_status(ctx.workspace, day)
        if fmt == "json":
            click.echo(status_json(report, rows))
        else:
            say_status(report, rows, say, wording)
        return
    with progress_bar("Sending") as progress:  # on a terminal only, as build's
        options = SendOptions(ctx.workspace, day, list(lists), inputs, skip_checks, progress)
        options.resend_unknown = resend_unknown
        options.today = dt.date.today()
        outcome = send_report(options)
    if fmt == "json":
        click.echo(sent_json(outcome))
    else:
        say_sent(outcome, say, wording)
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
@format_option
@click.pass_obj
def publish(ctx: Context, folder: Path | None, fmt: str) -> None:
    """Copy every issued report into FOLDER (or [publish] folder), with index.html and feed.xml."""
    from sitrep.issue.publish import publish as publish_reports
    from sitrep.issue.summary import published_json, say_published
    from sitrep.render.catalogue import workspace_wording

    published = publish_reports(ctx.workspace, folder)
    if fmt == "json":
        click.echo(published_json(published))
    else:
        say_published(published, say, workspace_wording(ctx.workspace))


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
    from sitrep.workspace.init import create_workspace, init_lines

    # The first report is today's: the clock is read here, at the command line, only.
    created = create_workspace(directory, country, dt.date.today(), crisis, language)
    for text, err, colour in init_lines(directory, created):  # paths, warnings, next step
        say(text, err, colour)


@main.command()
@workspace_option
@click.argument("action", type=click.Choice(["new", "check", "po", "import"]))
@click.argument("language")
@click.pass_obj
def catalogue(ctx: Context, action: str, language: str) -> None:
    """sitrep's words in LANGUAGE: new, check, po, import (README, "Adding a language")."""
    from sitrep.workspace.catalogue import run_catalogue

    sys.exit(run_catalogue(ctx.workspace, action, language, say))
