"""The admin areas as a tree: below admin 1, every area has a parent, listed, one level up.

An office's COD file is a download edited by hand or by a script: a parent typed in the wrong
column, an area given as its own parent, two communes pointing at each other. Every figure by
province walks from an area up to its admin-1 area, so the tree is checked when the geography
is loaded (`sitrep.inputs.cod` turns each fault into an error naming the file, sheet and row);
the walk itself (`Gazetteer.ancestor`) also only ever steps to a lower level, so it ends even
on a tree that was never checked.

A cycle is reported as a cycle (its areas in order), not as the wrong levels it also implies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sitrep.geo.areas import Area

CYCLE = "cycle"
PARENT_LEVEL = "parent-level"
PARENT_MISSING = "parent-missing"
NO_PARENT = "no-parent"


@dataclass(frozen=True)
class Fault:
    """One area whose parent breaks the tree; `kind` is one of the names above."""

    pcode: str
    kind: str
    message: str


def _expected(area: Area) -> str:
    return f"expected the P-code of the admin {area.level - 1} area it lies in"


def _named(area: Area) -> str:
    return f"{area.pcode} ({area.name}, admin {area.level})"


def cycles(areas: Mapping[str, Area]) -> list[list[str]]:
    """Each cycle of parents once, in the order the parents lead: [A] when A is its own
    parent, [A, B] when A's parent is B and B's is A. Linear: each area is walked once."""
    reached: dict[str, int] = {}  # P-code -> the walk that reached it first
    found: list[list[str]] = []
    for walk, start in enumerate(areas):
        path: list[str] = []
        code: str | None = start
        while code is not None and code not in reached and code in areas:
            reached[code] = walk
            path.append(code)
            code = areas[code].parent
        if code is not None and reached.get(code) == walk:  # this walk came back onto itself
            found.append(path[path.index(code) :])
    return found


def tree_faults(areas: Mapping[str, Area]) -> list[Fault]:
    """Every area whose parent breaks the tree, in the areas' order (cycles first); each
    message names the area, since the faulty cell is its parent's."""
    faults: list[Fault] = []
    in_cycle: set[str] = set()
    for cycle in cycles(areas):
        in_cycle.update(cycle)
        for i, code in enumerate(cycle):
            area = areas[code]
            if len(cycle) == 1:
                message = f"{_named(area)} is its own parent: {_expected(area)}"
            else:
                loop = " -> ".join([*cycle[i:], *cycle[:i], code])
                message = f"the parents of {_named(area)} lead back to it ({loop}): "
                message += _expected(area)
            faults.append(Fault(code, CYCLE, message))
    for code, area in areas.items():
        if code in in_cycle or area.level <= 1:
            continue
        if not area.parent:
            message = f"{_named(area)} has no parent: {_expected(area)}"
            faults.append(Fault(code, NO_PARENT, message))
        elif (parent := areas.get(area.parent)) is None:
            message = f"the parent of {_named(area)} is not a known area: {_expected(area)}"
            faults.append(Fault(code, PARENT_MISSING, message))
        elif parent.level != area.level - 1:
            message = f"the parent of {_named(area)} is {_named(parent)}: {_expected(area)}"
            faults.append(Fault(code, PARENT_LEVEL, message))
    return faults
