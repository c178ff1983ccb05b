"""The `sitrep` group and the script's entry point: the one place where an exception that ended
a command becomes its message and exit code."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from sitrep.cli.options import Context, echo_problems
from sitrep.errors import SitrepError, ValidationFailed, exit_code


def fail(ctx: Context, exc: Exception) -> NoReturn:
    """The message for an exception that ended a command, and its exit code (`exit_code`):
    a SitrepError's message (the user's to fix), else a bug's short notice (its traceback with
    --debug), all of it redacted: no form of the SMTP password is ever shown."""
    from sitrep.safety.secrets import environment_secrets, format_exception_redacted, redact

    secrets = environment_secrets()
    if ctx.debug:
        click.echo(format_exception_redacted(exc, secrets), err=True)
    elif isinstance(exc, ValidationFailed):
        echo_problems(exc.problems, workspace=ctx.workspace)
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


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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


def run() -> NoReturn:
    """The `sitrep` script and `python -m sitrep`: the command line, then the process ends at
    once (its files are closed by then; the interpreter's teardown is 0.15 s of a build), after
    flushing its output, unless a child process is still running (then the normal exit)."""
    import logging
    import multiprocessing

    try:
        main()
        code: str | int | None = 0
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
