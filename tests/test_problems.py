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


# -- messages, in any language ---------------------------------------------------------------


def _message_keys() -> list[tuple[str, str]]:
    """(module, key) of every `Message("...")` (or `said("...")`, a parser's Message made once)
    in sitrep/ whose key is written out."""
    found = []
    for path in sorted((ROOT / "sitrep").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) in ("Message", "said")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((path.name, node.args[0].value))
    return found


def test_every_message_is_an_entry_of_the_english_catalogue():
    from sitrep.problems import english

    keys = _message_keys()
    assert len(keys) > 60  # the producers say their problems as catalogue entries
    assert [(m, k) for m, k in keys if f"problems.{k}" not in english()] == []
    # the ones made from a variable: the stale rows', the narrative's characters, the units
    for key in ("stale.blockade", "stale.route", "line-separator.line", "control-character.line"):
        assert f"problems.{key}" in english()
    for unit in ("characters", "rows", "cells", "KB", "MB", "ratio"):
        assert f"problems.limit-exceeded.{unit}" in english()


def test_a_message_is_its_english_text_and_remembers_what_it_was_made_of():
    import copy
    import pickle

    from sitrep.problems import Message

    message = Message("duplicate.duplicate", row="7")
    assert message == "duplicate; already used in row 7" and isinstance(message, str)
    assert (message.key, message.params) == ("duplicate.duplicate", {"row": "7"})
    for again in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message)):
        assert again == message and again.params == {"row": "7"}  # to workers, by asdict
    assert Message("required-value.required") is Message("required-value.required")
    nested = Message("more.rows", count=1234, message=message)
    assert nested == "1,234 more rows like the above: duplicate; already used in row 7"


def test_a_wording_writes_a_message_in_its_language_and_falls_back_to_english():
    from sitrep.problems import Message, Wording
    from sitrep.render.catalogue import load_messages
    from sitrep.settings.config import DEFAULT_TEMPLATES

    french = Wording(load_messages([DEFAULT_TEMPLATES], "fr"), "fr")
    nested = Message("more.rows", count=1234, message=Message("duplicate.duplicate", row="7"))
    said = french.written(nested)
    assert (
        said == "autres lignes comme ci-dessus : 1\u202f234 ; doublon ; déjà utilisé à la ligne 7"
    )
    areas = (Message("invalid-value.area", pcode="HT01", name="Ouest", level="1"),)
    ambiguous = Message("invalid-value.ambiguous", areas=areas * 2)
    assert french.written(ambiguous) == (
        "nom de lieu ambigu : c'est HT01 (Ouest, admin 1), HT01 (Ouest, admin 1) ; "
        "écrivez le P-code"
    )
    assert french.written("a plain text") == "a plain text"  # an older producer's string
    # a workspace's entry with a placeholder that does not fit, or none at all: English
    broken = Wording({"problems.duplicate.duplicate": "doublon à la ligne {ligne}"}, "fr")
    assert broken.written(Message("duplicate.duplicate", row="7")) == str(
        Message("duplicate.duplicate", row="7")
    )
    problem = Problem(
        "error", table="t", file="f.csv", row=3, column="people", message=nested,
        code=ProblemCode.INVALID_VALUE,
    )  # fmt: skip
    assert problem.line(french).startswith("erreur: f.csv, ligne 3, colonne « people »: ")
    (shown,) = json.loads(problems_json([problem], french))["problems"]
    assert shown["message"] == said and shown["code"] == "invalid-value"
    assert str(problem) == f'error: f.csv, row 3, column "people": {nested}'
