"""Problem codes as one registry: every rule's code is a `ProblemCode`, the README lists each one,
and a problem is located by keyword (`Problem("warning", table=..., ...)`)."""

from __future__ import annotations

import ast
import json
import re

import pytest

from sitrep.problems import Problem, ProblemCode, problems_json
from tests.conftest import ROOT


def _readme_codes() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `sitrep validate", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^- `[a-z-]+`: .*$", section, flags=re.MULTILINE)


def test_the_readme_lists_every_code_with_its_line():
    assert _readme_codes() == [f"- `{code}`: {code.doc}" for code in ProblemCode]


def _code_arguments() -> list[tuple[str, str]]:
    """(module, code as written) of every `code=` argument and every first argument of a
    problem-making helper in sitrep/, read from the source."""
    found = []
    for path in sorted((ROOT / "sitrep").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "code":
                found.append((path.name, ast.unparse(node.value)))
    return found


def test_every_producer_names_its_code_from_the_registry():
    written = _code_arguments()
    assert written, "no problem is made anywhere?"
    loose = [(m, c) for m, c in written if c.startswith(("'", '"'))]
    assert loose == []  # a string is a typo waiting to happen: ProblemCode.STALE, not "stale"
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "sitrep").rglob("*.py"))
    unused = [c.name for c in ProblemCode if f"ProblemCode.{c.name}" not in source]
    assert unused == []  # every code in the README is one sitrep can give


def test_a_code_is_its_name_in_json_and_in_comparisons():
    problem = Problem(
        "warning", table="routes", file="r.csv", row=3, message="old", code=ProblemCode.STALE
    )
    assert problem.code == "stale" and ProblemCode("stale") is ProblemCode.STALE
    (shown,) = json.loads(problems_json([problem]))["problems"]
    assert shown == {
        "severity": "warning",
        "table": "routes",
        "file": "r.csv",
        "sheet": None,
        "row": 3,
        "column": None,
        "value": None,
        "message": "old",
        "code": "stale",
    }


def test_a_problem_is_located_by_keyword_not_by_position():
    with pytest.raises(TypeError):
        Problem("error", "routes", "r.csv", None, None, None, None, "m", code=ProblemCode.STALE)  # type: ignore[misc]
