"""`sitrep places QUERY`: look a place up while editing the sheet, as validation would.

The workspace's gazetteer is built exactly as for a build (the country's global list, the
`[geography] pcodes` COD file, the workspace's places table), so what this prints is what a
cell with the same text resolves to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.geo.areas import Gazetteer, Match
from sitrep.inputs.cod import base_gazetteer
from sitrep.inputs.load import load_table
from sitrep.problems import Problem
from sitrep.settings.config import load_config
from sitrep.validate.tables import validate_table, workspace_gazetteer


@dataclass
class PlacesAnswer:
    gazetteer: Gazetteer
    matches: list[Match]
    message: str | None = None  # why nothing matched (the message a cell would get)
    problems: list[Problem] = field(default_factory=list)  # the places table's own problems


def workspace_places(workspace: Path) -> tuple[Gazetteer, list[Problem]]:
    """The gazetteer a build of the workspace uses, and the places table's problems."""
    config = load_config(workspace)
    gazetteer = base_gazetteer(config)
    source = config.inputs.get("places")
    if source is None:
        return gazetteer, []
    raw, problems = load_table("places", source, config.workspace, config.limits)
    if raw is None:
        return gazetteer, problems
    table, more = validate_table(raw, gazetteer)
    return workspace_gazetteer({"places": table}, gazetteer), problems + more


def find_places(workspace: Path, query: str, level: int | None = None) -> PlacesAnswer:
    """The areas matching `query` (a name or a P-code in any form), or all of a `level`."""
    gazetteer, problems = workspace_places(workspace)
    matches = gazetteer.search(query, level)
    message = None
    if not matches and query.strip():
        message = gazetteer.lookup(query)[1]
    return PlacesAnswer(gazetteer, matches, message, problems)


def format_answer(answer: PlacesAnswer) -> list[str]:
    """One line per match: P-code, level, the printed name, its parent, where the name is from."""
    g = answer.gazetteer
    lines = []
    for match in answer.matches:
        area = match.area
        parent = f"{g.name(area.parent)} ({area.parent})" if area.parent else "-"
        shown = g.name(area.pcode)
        origin = f"{match.matched!r}, {match.origin}" if match.matched != shown else match.origin
        lines.append(
            f"{area.pcode:<12} admin {area.level}  {shown:<30} in {parent:<30} from {origin}"
        )
    return lines


def say_answer(answer: PlacesAnswer, level: int | None, echo: Callable[..., None]) -> bool:
    """`sitrep places`: the matches on stdout, how many (or why none) on stderr; found any?"""
    for line in format_answer(answer):
        echo(line)
    where = answer.gazetteer.list_name or "the places table"
    if not answer.matches:
        echo(answer.message or f"no areas of admin level {level} in {where}", err=True)
        return False
    echo(f"{len(answer.matches)} found in {where}", err=True)
    return True
