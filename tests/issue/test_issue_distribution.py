"""The distribution is not the report: a partner added, or `[email]` settings changed, leave the
issued report as it is (same bytes, no refusal), and `send` then reaches the new partner only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

from sitrep.issue.fingerprint import fingerprint
from sitrep.settings.config import load_config, template_dirs
from tests import in_process
from tests.smtp_server import SmtpTestServer

NEW = "wash.cluster@example.org"


@pytest.fixture
def issued(workspace: Path, built_sample) -> Path:
    """The sample workspace with its report issued (as the session built it)."""
    shutil.copytree(built_sample[0] / "output", workspace / "output")
    return workspace


def sitrep(workspace: Path, *args: str, **env: str) -> Result:
    """The command in this process, with only the given SITREP_* variables set (and the cache's
    folder): what is issued and sent is tested, not the process (a second of imports each)."""
    return in_process.sitrep("-w", str(workspace), *args, env=env, clean=True)


def _add_partner(workspace: Path) -> None:
    path = workspace / "inputs" / "sample-data.xlsx"
    book = load_workbook(path)
    book["partners"].append(["WASH Cluster", NEW, "WASH", "cluster-leads", "attach", "en", "yes"])
    book.save(path)


def _add_email_settings(workspace: Path) -> None:
    toml = workspace / "sitrep.toml"
    text = toml.read_text("utf-8")
    assert "[email]\n" in text
    toml.write_text(
        text.replace(
            "[email]\n",
            '[email]\nreport_url = "https://reports.example.org/latest.pdf"\n'
            'unsubscribe = "mailto:imo@example.org?subject=unsubscribe"\n',
        ),
        "utf-8",
    )


def _fp(workspace: Path) -> str:
    config = load_config(workspace)
    return fingerprint(config, {}, template_dirs(config.templates_dir))


def test_partners_and_email_settings_are_not_in_the_fingerprint(workspace: Path):
    before = _fp(workspace)
    _add_partner(workspace)
    _add_email_settings(workspace)
    assert _fp(workspace) == before
    # ...while a cell of the report's own tables, in the same workbook, is.
    book = load_workbook(workspace / "inputs" / "sample-data.xlsx")
    book["contacts"].append(["Someone", "someone@example.org"])
    book.save(workspace / "inputs" / "sample-data.xlsx")
    assert _fp(workspace) != before


def _entries(workspace: Path) -> list[dict]:
    view = json.loads((workspace / "output" / "issued.json").read_text("utf-8"))
    return [{k: v for k, v in e.items() if k != "files_sha256"} for e in view["reports"]]


@pytest.mark.slow
def test_a_new_partner_and_a_report_url_leave_the_issued_report_unchanged(issued: Path):
    pdf = next((issued / "output" / "2021-08-24").glob("*.pdf"))
    before, record = pdf.read_bytes(), _entries(issued)
    _add_partner(issued)
    _add_email_settings(issued)
    run = sitrep(issued, "build")
    assert run.exit_code == 0, run.stderr
    assert "unchanged since issued" in run.stderr and Path(run.stdout.strip()) == pdf
    assert pdf.read_bytes() == before
    assert _entries(issued) == record  # the same reports (the record learnt the files' bytes)
    assert sitrep(issued, "build", "--date", "2021-08-24").exit_code == 0


@pytest.mark.slow  # a real SMTP server
def test_send_after_adding_a_partner_reaches_only_the_new_partner(issued: Path):
    with SmtpTestServer() as server:
        first = sitrep(issued, "send", SITREP_SMTP_URL=server.url())
        assert first.exit_code == 0, first.stderr
        sent = len(server.handler.received)
        assert sent  # the first send reached the sample's partners
        _add_partner(issued)
        _add_email_settings(issued)
        again = sitrep(issued, "send", SITREP_SMTP_URL=server.url())
        assert again.exit_code == 0, again.stderr
        assert server.handler.recipients()[sent:] == [NEW]
