"""What must stay fast imports nothing heavy: `sitrep --help`, an unchanged `build` (the issued
PDF returned at once), `validate` stopped by a bad sitrep.toml and `send --status` import
neither pandas (0.55 s) nor WeasyPrint (1.3 s), and start no process (the PDF helper).

Each command runs in a fresh Python process, the way the `sitrep` script runs it, and the
process says afterwards which modules it imported. How fast these are is measured in bench/
(bench/README.md), never here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs sitrep in fresh processes: not in make test-fast

HEAVY = ("pandas", "weasyprint")
# The command line as the `sitrep` script runs it, then what the process imported, as JSON on
# the last line of stdout.
SCRIPT = """
import json, multiprocessing.process, sys
started = []
start = multiprocessing.process.BaseProcess.start
multiprocessing.process.BaseProcess.start = lambda self: started.append(self) or start(self)
sys.addaudithook(lambda event, _: event == "subprocess.Popen" and started.append(event))
from sitrep.cli import main
try:
    main(sys.argv[1:], prog_name="sitrep")
    code = 0
except SystemExit as done:
    code = done.code
print()
print(json.dumps({"code": code, "modules": sorted(sys.modules), "started": len(started)}))
"""


def imported(*args: str) -> tuple[int, set[str], str]:
    """(exit code, every module imported, stderr) of `sitrep ARGS` in a fresh process; it fails
    if the command started a process."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["started"] == 0, f"sitrep {' '.join(args)} started a process"
    return result["code"], set(result["modules"]), done.stderr


def heavy(modules: set[str]) -> list[str]:
    return [m for m in HEAVY if m in modules]


def test_help_imports_click_and_nothing_heavy():
    code, modules, _ = imported("--help")
    assert code == 0
    assert heavy(modules) == [] and "jinja2" not in modules


def test_an_unchanged_build_returns_the_issued_report_without_pandas_or_weasyprint(
    built_sample,
):
    workspace, _ = built_sample
    code, modules, err = imported("-w", str(workspace), "build")  # writes nothing: unchanged
    assert code == 0 and "unchanged since issued" in err, err
    assert heavy(modules) == [], "an unchanged build imported " + ", ".join(heavy(modules))
    # nor the stages that would: what an issued report is compared with needs none of them
    assert not {"sitrep.pipeline", "sitrep.render.document", "sitrep.inputs.readers"} & modules
    # nor the PDF stage: its helper process is started only for a report to be made
    assert not {"sitrep.pdf.build", "sitrep.pdf.pool", "concurrent.futures.process"} & modules


def test_send_status_reads_the_ledger_without_pandas_or_weasyprint(built_sample):
    workspace, _ = built_sample
    code, modules, _ = imported("-w", str(workspace), "send", "--status")
    assert code == 0
    assert heavy(modules) == [], "send --status imported " + ", ".join(heavy(modules))


def test_validate_stopped_by_a_bad_setting_imports_nothing_heavy(tmp_path: Path):
    (tmp_path / "sitrep.toml").write_text(
        re.sub(
            r"(?m)^household_size = .*$",
            'household_size = "seven"',
            (ROOT / "sitrep.toml").read_text("utf-8"),
        ),
        "utf-8",
    )
    code, modules, err = imported("-w", str(tmp_path), "validate")
    assert code == 1 and "report.household_size" in err, err
    assert heavy(modules) == []
