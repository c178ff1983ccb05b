"""What several commands share: the options and their parsing, the context, the `say` the
library's summaries print with, and the early reading of sitrep.toml."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path

import click


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

    inputs: dict[str, InputSource] = {}
    for value in values:
        table, sep, path = value.partition("=")
        if not sep or not path:
            raise click.BadParameter(f"{value!r}: expected TABLE=PATH or TABLE=PATH#SHEET")
        if table not in TABLES:
            raise click.BadParameter(f"{table!r} is not a table; tables: {', '.join(TABLES)}")
        inputs[table] = InputSource.parse(path, Path.cwd()).after(inputs.get(table))
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
    help="Read a table from another file (repeatable; idps twice: DTM files read together).",
)
strict_option = click.option("--strict", is_flag=True, help="Fail on warnings too.")
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='json: one JSON object on stdout, for scripts (README, "Scripts: --format json").',
)


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


def echo_problems(problems: list, stream=None, wording=None, workspace=None) -> None:
    """Problems grouped by table, then 'N errors, M warnings' (stderr unless `stream`), in the
    workspace's language (`wording`, else the catalogue of the workspace at `workspace`)."""
    from sitrep.problems import problem_lines
    from sitrep.render.catalogue import workspace_wording

    for line in problem_lines(problems, wording or workspace_wording(workspace)):
        click.echo(line, file=stream or sys.stderr)
