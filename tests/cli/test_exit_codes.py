"""Exit codes and problem codes: 1 and a message for what the user can fix, 2 and a short
"this is a bug" for sitrep's own failures (the traceback only with --debug), and problems
that carry the code of the rule that found them, which is what `send` acts on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sitrep.issue.publish
from sitrep.cli import main
from sitrep.errors import EXIT_USAGE, RenderError
from sitrep.pdf.build import html_to_pdf, report_identifier
from sitrep.pdf.pool import PdfProcess
from sitrep.pipeline import check_inputs
from tests import in_process

HTML = "<html><body><p>A report.</p></body></html>"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def a_bug(*_args: object, **_kwargs: object) -> None:
    raise ZeroDivisionError("a bug planted by the test")


def test_a_bug_in_a_command_exits_2_with_a_short_message_and_no_traceback(workspace, monkeypatch):
    monkeypatch.setattr(sitrep.issue.publish, "publish", a_bug)
    code, out, err = run("-w", str(workspace), "publish", str(workspace / "site"))
    assert code == 2 and out == ""
    assert "Internal error: ZeroDivisionError: a bug planted by the test" in err
    assert "bug in sitrep" in err and "--debug" in err
    assert "Traceback" not in err


def test_with_debug_a_bug_shows_its_traceback_and_still_exits_2(workspace, monkeypatch):
    monkeypatch.setattr(sitrep.issue.publish, "publish", a_bug)
    code, _, err = run("--debug", "-w", str(workspace), "publish", str(workspace / "site"))
    assert code == 2
    assert "Traceback" in err and "in a_bug" in err and "ZeroDivisionError" in err


def test_a_user_error_exits_1_with_its_message_and_no_traceback(tmp_path: Path):
    code, _, err = run("-w", str(tmp_path), "publish")
    assert code == 1
    assert err.startswith("Error: ") and "is not a sitrep workspace" in err
    assert "Traceback" not in err and "Internal error" not in err


def test_a_usage_error_keeps_clicks_message_and_exits_64(workspace: Path):
    code, _, err = run("-w", str(workspace), "places")
    assert code == 64 and "give a place name or P-code, or --level N" in err
    assert "Internal error" not in err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--bogus"], "No such option"),  # the group's option
        (["build", "--bogus"], "No such option"),
        (["biuld"], "No such command"),
        (["build", "--date", "tomorrow"], "is not a date"),  # a bad value
        (["build", "--each", "country"], "Invalid value"),  # not one of the choices
        (["send", "--list"], "requires an argument"),
        (["init"], "Missing argument"),
        (["init", "folder"], "Missing option '--country'"),
        (["catalogue", "new"], "Missing argument"),
        ([], "Usage:"),  # `sitrep` alone: its help, and a usage error for a script
    ],
)
def test_every_usage_error_exits_64_not_2_which_is_for_sitreps_bugs(
    workspace: Path, args: list[str], said: str
):
    code, _, err = run("-w", str(workspace), *args) if args else run()
    assert code == EXIT_USAGE == 64, err
    assert said in err and "Internal error" not in err


def stale_workspace(workspace: Path) -> Path:
    """The sample with report.stale_days = 0: what was confirmed before the report date is
    stale (an ongoing blockade, two route statuses)."""
    settings = workspace / "sitrep.toml"
    text = settings.read_text()
    assert "\nstale_days = 3 " in text
    settings.write_text(text.replace("\nstale_days = 3 ", "\nstale_days = 0 "))
    return workspace


def test_validation_problems_carry_the_code_of_their_rule(workspace: Path):
    checked = check_inputs(stale_workspace(workspace), dt.date(2021, 8, 24), narrative=True)
    assert checked.problems and {p.code for p in checked.problems} == {"stale"}
    (workspace / "inputs/narrative/2021-08-24.md").unlink()
    checked = check_inputs(workspace, dt.date(2021, 8, 24), narrative=True)
    assert "no-narrative" in {p.code for p in checked.problems}


def test_validate_json_gives_each_problem_its_code(workspace: Path):
    code, out, _ = run("-w", str(stale_workspace(workspace)), "validate", "--format", "json")
    summary = json.loads(out)
    assert code == 0 and summary["warnings"] == 3 and summary["errors"] == 0
    assert [p["code"] for p in summary["problems"]] == ["stale"] * 3
    code, out, _ = run("-w", str(workspace), "validate")
    assert code == 0 and "stale: this route status" in out and "0 errors, 3 warnings" in out


@pytest.mark.slow
def test_send_refuses_a_stale_report_unless_checks_are_skipped(quick: Path):
    workspace = quick  # the stale blockade and routes, not the tables it leaves out
    # in this process (click's runner, no SITREP_ variable): the refusal and its exit code are
    # the subject, not the process
    refused = in_process.sitrep("-w", str(stale_workspace(workspace)), "send", clean=True)
    assert refused.exit_code == 1, refused.stderr
    assert "not fit to send" in refused.stderr and "stale: this route status" in refused.stderr
    assert not (workspace / "output/2021-08-24/outbox").exists()


@pytest.mark.slow
def test_a_bug_in_sitreps_part_of_the_pdf_stage_is_not_a_user_error():
    with pytest.raises(AttributeError):  # a DataFile expected: sitrep's own mistake
        html_to_pdf(HTML, [], b"0" * 32, attachments=[None])  # type: ignore[list-item]


@pytest.mark.slow
def test_a_bug_in_the_pdf_helper_process_is_raised_as_that_bug():
    with PdfProcess(helper=True) as process, pytest.raises(AttributeError) as raised:
        process.report_pdf(HTML, [], None, attachments=[None])  # type: ignore[list-item]
    assert not isinstance(raised.value, RenderError)
    assert "Traceback" in str(raised.value.__cause__)  # the helper's own traceback, chained


@pytest.mark.slow
def test_a_pdf_made_in_the_helper_process_is_the_same_pdf():
    with PdfProcess(helper=True) as process:
        helped = process.report_pdf(HTML, [], None)
    assert helped.data == html_to_pdf(HTML, [], report_identifier(HTML)).data
