"""The `sitrep clear` and `sitrep status` commands (issue 31's clearance): options parsed here,
the work done by `sitrep.issue.clearance`.

`clear` reads the inputs (as a build does) to check that what it clears is what the draft
showed and what a build would issue; `status` reads the record only.
"""

from __future__ import annotations

import datetime as dt

import click

from sitrep.cli.group import main
from sitrep.cli.options import Context, workspace_option


@main.command()
@workspace_option
@click.option("--date", "day", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="The date of the report cleared.")  # fmt: skip
@click.option("--by", required=True, help='Who clears it: "NAME" (and title).')
@click.pass_obj
def clear(ctx: Context, day: dt.datetime, by: str) -> None:
    """Record who cleared the report's draft ([report] clearance): it can be issued then."""
    from sitrep.issue.clearance import clear_workspace  # when it runs: --help stays fast

    at = dt.datetime.now(dt.UTC)  # the clock, read at the command line
    click.echo(clear_workspace(ctx.workspace, day.date(), by, at), err=True)


@main.command()
@workspace_option
@click.pass_obj
def status(ctx: Context) -> None:
    """The reports issued and drafted, and who cleared which content, when."""
    from sitrep.issue.clearance import status_lines  # when it runs: --help stays fast

    for line in status_lines(ctx.workspace):
        click.echo(line)
