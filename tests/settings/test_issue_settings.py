"""Settings checked for range and shape: each bad value is refused with its key, all at once,
as a message (exit 1, no traceback), before anything is written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.errors import ConfigError
from sitrep.settings.config import load_config
from tests.conftest import quicken
from tests.in_process import completed, sitrep


def _set(workspace: Path, **values: str) -> None:
    """Set [report] keys to TOML values (replacing the line when the key is there)."""
    toml = workspace / "sitrep.toml"
    text = toml.read_text("utf-8")
    for key, value in values.items():
        line = f"{key} = {value}"
        pattern = re.compile(rf"^{key} = .*$", re.MULTILINE)
        if pattern.search(text):
            text = pattern.sub(line.replace("\\", r"\\"), text, count=1)
        else:
            text = text.replace("[report]\n", f"[report]\n{line}\n", 1)
    toml.write_text(text, "utf-8")


BAD = {
    "slug": ['"../../x"', '"a/b"', '".hidden"', '"x\\u0000y"', '"back\\\\slash"'],
    "first_number": ["-5", "0", "1.5", '"7"'],
    "first_report": ["1900-01-01", '"soon"'],
    "period_start": ["2500-01-01"],
    "stale_days": ["-1"],
    "cadence": ["100000000000", "0", "-7", '"monthly"', "true"],
    "household_size": ["0", "-3"],
    "locale": ['"xx_INVALID"', '"fr-FR"', '""'],
}


@pytest.mark.parametrize(("key", "value"), [(k, v) for k, values in BAD.items() for v in values])
def test_a_bad_setting_is_refused_with_its_key(workspace: Path, key: str, value: str):
    _set(workspace, **{key: value})
    with pytest.raises(ConfigError) as error:
        load_config(workspace)
    assert f"report.{key}:" in str(error.value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("slug", '"haiti-cholera_2024"'),
        ("cadence", "366"),
        ("cadence", '"weekly"'),
        ("locale", '"fr"'),
        ("locale", '"es_CO"'),
        ("locale", '"zh_CN"'),
        ("stale_days", "0"),
        ("first_number", "250"),
    ],
)
def test_a_good_setting_is_accepted(workspace: Path, key: str, value: str):
    _set(workspace, **{key: value})
    load_config(workspace)


def test_every_problem_is_reported_at_once(workspace: Path):
    _set(workspace, slug='"../../x"', first_number="-5", stale_days="-1", locale='"xx_INVALID"',
         cadence="100000000000")  # fmt: skip
    with pytest.raises(ConfigError) as error:
        load_config(workspace)
    for key in ("slug", "first_number", "stale_days", "locale", "cadence"):
        assert f"report.{key}:" in str(error.value)
    assert "5 problem(s)" in str(error.value)


def _build(workspace: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitrep", "-w", str(workspace), "build", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "setting",
    [{"locale": '"xx_INVALID"'}, {"cadence": "100000000000"}, {"slug": '"../../x"'}],
    ids=["locale", "cadence", "slug"],
)
@pytest.mark.slow
def test_the_command_line_says_which_setting_and_writes_nothing(workspace: Path, setting):
    _set(workspace, **setting)
    run = _build(workspace)
    assert run.returncode == 1, run.stderr
    (key,) = setting
    assert f"report.{key}:" in run.stderr
    assert "Internal error" not in run.stderr and "Traceback" not in run.stderr
    assert not (workspace / "output").exists()
    assert not (workspace.parent / "x").exists()


def _build_in_process(workspace: Path) -> subprocess.CompletedProcess:
    """`sitrep build` through the command line's own group, in this process (exit code, stdout
    and stderr as the script gives them): 1.1 CPU s of imports and the PDF helper's start
    cheaper than `_build`, for a test of the message rather than of the process."""
    return completed(sitrep("-w", str(workspace), "build"), "build")


@pytest.mark.slow
def test_a_first_report_after_the_report_date_is_a_clear_error(workspace: Path):
    quicken(workspace)  # the same dates: the report date is the data's latest
    _set(workspace, first_report="2099-01-01")
    run = _build_in_process(workspace)
    assert run.returncode == 1, run.stderr
    assert "report.first_report is 2099-01-01, after the report date 2021-08-24" in run.stderr
    assert "No. -" not in run.stderr and "Traceback" not in run.stderr
    assert not list((workspace).rglob("*.pdf"))
