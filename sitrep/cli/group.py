"""The `sitrep` group and the script's entry point: the one place where an exception that ended
a command becomes its message and exit code (the table: README, "Every morning").

0 done, and a closed pipe (`sitrep places X | head -1`: the reader has what it wanted); 1 what
the user can fix; 2 a bug in sitrep; 64 a usage error (click's: no such option or command, a
bad value, a missing argument); 130 Ctrl+C; 143 SIGTERM.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from sitrep.cli.options import Context, echo_problems
from sitrep.errors import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    SitrepError,
    ValidationFailed,
    exit_code,
)


def fail(ctx: Context, exc: Exception) -> NoReturn:
    """The message for an exception that ended a command, and its exit code (`exit_code`):
    a SitrepError's message (the user's to fix), else a bug's short notice (its traceback with
    --debug), all of it redacted: no form of the SMTP password is ever shown."""
    from sitrep.safety.secrets import environment_secrets, format_exception_redacted, redact

    secrets = environment_secrets()
    if ctx.debug:
        click.echo(format_exception_redacted(exc, secrets), err=True)
    elif isinstance(exc, ValidationFailed):
        from sitrep.render.catalogue import workspace_wording

        wording = workspace_wording(ctx.workspace)  # the workspace's language
        echo_problems(exc.problems, wording=wording)
        click.secho(wording.cli("nothing_written"), fg="red", err=True)
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


def closed_pipe(*streams: TextIO) -> None:
    """The reader of a pipe has gone (`| head -1`): what is left to write goes to /dev/null, so
    neither the rest of the command nor the interpreter's last flush fails on it (Python's
    recipe: https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in streams or (sys.stdout,):
        # not a file (a test's runner): nothing to do
        with contextlib.suppress(AttributeError, OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)


class Commands(click.Group):
    """The `sitrep` group: the one place where a command's exception becomes an exit code."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:  # the group's own options (`sitrep --bogus`), and `sitrep` alone (its help)
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            exc.exit_code = EXIT_USAGE  # type: ignore[misc]  # click's class-wide 2, ours for this one
            raise

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:  # no such command or option, a bad value, no argument
            # not click's 2, which the README keeps for sitrep's bugs (a ClassVar in click's types)
            exc.exit_code = EXIT_USAGE  # type: ignore[misc]
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own: its message and exit code
        except BrokenPipeError:
            closed_pipe()
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("Aborted!", err=True)
            sys.exit(EXIT_INTERRUPTED)
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
        except BrokenPipeError:  # sitrep build | head -1: the reader has what it wanted
            closed_pipe(stream)
        except (OSError, ValueError):  # a full disk under `> file`: the output is not all there
            code = code or 1
    os._exit(code or 0)
