"""`build`, `send` and `publish` print their summary as one JSON object with `--format json`,
with stable keys (the README lists them): nothing else on stdout, so a script reads it whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from tests.conftest import copy_workspace, quicken

pytestmark = pytest.mark.slow  # builds lay PDFs out

PROBLEMS = {"errors", "warnings", "notes", "problems"}
BUILD = (
    {"date", "date_was_chosen", "number", "revision", "status", "files"}
    | PROBLEMS
    | {
        "renderer_warnings",
        "build_notes",
    }
)


def run_json(*args: str) -> dict:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # the whole of stdout is the object


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # quickened: the summaries' keys and counts, not the tables it leaves out (two layouts of
    # the sample a quarter quicker)
    return quicken(copy_workspace(tmp_path_factory.mktemp("json") / "ws"))


def test_build_issued_then_unchanged_as_json(workspace: Path):
    built = run_json("-w", str(workspace), "build", "--format", "json")
    assert set(built) == BUILD
    assert (built["date"], built["number"], built["revision"]) == ("2021-08-24", 10, 0)
    assert built["status"] == "issued" and built["date_was_chosen"] is True
    (files,) = built["files"]
    assert set(files) == {"language", "pdf", "html", "docx"} and files["language"] == "en"
    assert Path(files["pdf"]).is_file() and Path(files["html"]).is_file()
    assert built["errors"] == 0 and built["warnings"] == len(built["problems"]) - built["notes"]
    assert all("code" in p and "message" in p for p in built["problems"])
    again = run_json("-w", str(workspace), "build", "--format", "json")
    assert again["status"] == "unchanged" and again["files"] == built["files"]
    draft = run_json("-w", str(workspace), "build", "--draft", "--force", "--format", "json")
    assert draft["status"] == "draft" and "/draft/" in draft["files"][0]["pdf"]


def test_send_and_its_status_as_json(workspace: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("SITREP_SMTP_URL", raising=False)  # the outbox
    sent = run_json("-w", str(workspace), "send", "--format", "json")
    assert set(sent) == {
        "date", "number", "revision", "pdf", "transport", "ok", "counts", "unknown", "stopped",
        "missing_languages", "recipients",
    }  # fmt: skip
    assert sent["transport"] == "outbox" and sent["ok"] is True and sent["unknown"] == []
    assert set(sent["counts"]) == {
        "sent", "already_sent", "written", "unknown", "failed_permanent", "failed_temporary",
        "not_sent",
    }  # fmt: skip
    assert sent["counts"]["written"] == len(sent["recipients"]) > 0
    assert {r["state"] for r in sent["recipients"]} == {"written"}
    assert all(Path(r["file"]).is_file() for r in sent["recipients"])
    status = run_json("-w", str(workspace), "send", "--status", "--format", "json")
    assert set(status) == {"date", "number", "revision", "pdf", "counts", "unknown", "recipients"}
    assert status["number"] == sent["number"]


def test_publish_as_json(workspace: Path, tmp_path: Path):
    run_json("-w", str(workspace), "build", "--format", "json")
    site = tmp_path / "site"
    published = run_json("-w", str(workspace), "publish", str(site), "--format", "json")
    assert set(published) == {"folder", "reports", "copied", "unchanged", "pages"}
    assert published["reports"] == 1 and published["unchanged"] == 0
    assert {Path(p).suffix for p in published["copied"]} == {".pdf", ".html"}
    assert {Path(p).name for p in published["pages"]} == {"index.html", "feed.xml"}
    again = run_json("-w", str(workspace), "publish", str(site), "--format", "json")
    assert again["copied"] == [] and again["unchanged"] == 2
