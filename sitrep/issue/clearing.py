"""The `sitrep clear` and `sitrep status` commands (issue 31's clearance), which `sitrep.cli`
adds to its group: options parsed here, the work done by `sitrep.issue.clearance`.

`clear` reads the inputs (as a build does) to check that what it clears is what the draft
showed and what a build would issue; `status` reads the record only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click


def _workspace(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:  # `sitrep clear -w DIR` as well as `sitrep -w DIR clear`
        ctx.obj.workspace = value


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    callback=_workspace,
    expose_value=False,
    help="The workspace folder (default: the current folder).",
)


@click.command()
@workspace_option
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The date of the report cleared.")  # fmt: skip
@click.option("--by", required=True, help='Who clears it: "NAME" (and title).')
@click.pass_obj
def clear(ctx: Any, day: dt.datetime, by: str) -> None:
    """Record who cleared the report's draft ([report] clearance): it can be issued then."""
    from sitrep.issue.clearance import clear_workspace  # when it runs: --help stays fast

    at = dt.datetime.now(dt.UTC)  # the clock, read at the command line
    click.echo(clear_workspace(ctx.workspace, day.date(), by, at), err=True)


@click.command()
@workspace_option
@click.pass_obj
def status(ctx: Any) -> None:
    """The reports issued and drafted, and who cleared which content, when."""
    from sitrep.issue.clearance import status_lines  # when it runs: --help stays fast

    for line in status_lines(ctx.workspace):
        click.echo(line)


COMMANDS = [clear, status]  # added to the `sitrep` group by sitrep.cli
