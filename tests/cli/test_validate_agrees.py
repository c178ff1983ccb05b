"""`sitrep validate` and `sitrep build` agree on what is an error: one check of the report date
(`sitrep.pipeline.date_problems`), listed by validate as a `no-data` problem in the workspace's
language and refused by build with the same words; a partner's bad address a warning of both
(an error of `send` alone, for that partner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from tests.new_languages import init


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.slow  # build starts its PDF helper
def test_a_fresh_workspace_with_no_dated_rows_fails_validate_as_build_refuses_it(tmp_path: Path):
    workspace = tmp_path / "ws"
    assert init(workspace, "HTI", "fr")[0] == 0
    code, out, _ = run("-w", str(workspace), "validate", "--format", "json")
    assert code == 1
    (problem,) = [p for p in json.loads(out)["problems"] if p["severity"] == "error"]
    assert problem["code"] == "no-data" and problem["table"] == "dates"
    said = "les données n'ont aucune ligne datée : il n'y a rien à rapporter"
    assert problem["message"].startswith(said)
    code, _, err = run("-w", str(workspace), "build")
    assert code == 1 and said in err  # in French, as validate said it
    assert "Rien n'a été écrit" in err and not (workspace / "output").exists()


@pytest.mark.slow  # build starts its PDF helper
def test_a_date_before_the_data_is_the_same_error_for_validate_and_build(workspace: Path):
    validated = run("-w", str(workspace), "validate", "--date", "2020-01-01")
    built = run("-w", str(workspace), "build", "--date", "2020-01-01")
    said = "no data on or before 2020-01-01: the inputs start on 2021-08-15"
    assert validated[0] == built[0] == 1
    assert said in validated[1] and said in built[2]
    assert not (workspace / "output").exists()


@pytest.mark.slow  # build starts its PDF helper
def test_a_date_after_today_is_the_same_error_for_validate_and_build(workspace: Path):
    validated = run("-w", str(workspace), "validate", "--date", "2999-01-01")
    built = run("-w", str(workspace), "build", "--date", "2999-01-01")
    assert validated[0] == built[0] == 1
    assert "the report date 2999-01-01 is after today" in validated[1]
    assert "the report date 2999-01-01 is after today" in built[2]


def test_a_bad_partner_address_is_a_warning_of_validate_as_of_build(workspace: Path):
    partners = workspace / "partners.csv"
    partners.write_text(
        "name,email,organisation,lists\nAnn,ann@example.org,NGO,WASH\nBob,not-an-address,NGO,WASH\n",
        "utf-8",
    )
    given = ("--input", f"partners={partners}")
    code, out, _ = run("-w", str(workspace), "validate", *given, "--format", "json")
    assert code == 0, out
    (problem,) = [p for p in json.loads(out)["problems"] if p["table"] == "partners"]
    assert problem["severity"] == "warning" and problem["row"] == 3
    assert "will not send to this partner" in problem["message"]
    code, _, _ = run("-w", str(workspace), "validate", *given, "--strict")
    assert code == 1  # --strict: warnings fail too
