"""A memory bomb saved into a previewed workspace: the panel shows the limit, the server stays up.

The preview runs as the real command, under a 4 GiB address-space limit: without the measure
before reading (`sitrep.inputs.extent`), the far cell aborts the whole process inside calamine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests import bombs

pytestmark = pytest.mark.slow  # runs `sitrep preview`: not in make test-fast


def state(url: str) -> dict:
    with urllib.request.urlopen(url + "api/report?date=latest", timeout=60) as response:
        return json.loads(response.read())


def wait_for(url: str, condition, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        now = state(url)
        if condition(now) or time.monotonic() > deadline:
            return now
        time.sleep(0.2)


def test_a_bomb_saved_into_the_workspace_shows_in_the_panel(quick: Path, tmp_path: Path):
    workspace = quick  # the displacement sheet is the bomb's: no other table needed
    book = workspace / "inputs" / "sample-data.xlsx"
    original = tmp_path / "sample-data.xlsx"
    shutil.copy2(book, original)
    cmd = [sys.executable, "-m", "sitrep", "-w", str(workspace), "preview", "--port", "0"]
    process = subprocess.Popen(
        ["prlimit", f"--as={4 * 1024**3}", *cmd], stderr=subprocess.PIPE, text=True
    )
    try:
        url = re.search(r"http://127\.0\.0\.1:\d+/", process.stderr.readline()).group(0)
        assert state(url)["errors"] == 0
        bomb = bombs.far_cell_xlsx(tmp_path / "bomb.xlsx", sheet="displacement")
        os.replace(bomb, book)  # saved the way spreadsheet programs save
        broken = wait_for(url, lambda s: s["errors"] > 0)
        messages = [p["message"] for p in broken["problems"] if p["severity"] == "error"]
        assert any("limits.max_cells" in m for m in messages), messages
        assert any(p["file"] == "inputs/sample-data.xlsx" for p in broken["problems"])
        assert broken["content"] is not None  # the last good report stays beneath the panel
        shutil.copy2(original, tmp_path / "restore.xlsx")
        os.replace(tmp_path / "restore.xlsx", book)
        fixed = wait_for(url, lambda s: s["errors"] == 0)
        assert fixed["errors"] == 0 and process.poll() is None
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err
