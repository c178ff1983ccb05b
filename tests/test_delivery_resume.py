"""A send killed half-way, then re-run: only the rest are sent, and the ledger says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sitrep.delivery.send import ledger_report
from tests.smtp_server import SmtpTestServer, sample_partners, sample_report

ROOT = Path(__file__).resolve().parents[1]

# The sender, as the CLI would run it, in its own process so the test can kill it.
CHILD = """
import sys
from datetime import UTC, datetime
from pathlib import Path

from sitrep.delivery.model import EmailSettings
from sitrep.delivery.send import send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url
from tests.smtp_server import sample_partners, sample_report

url, folder, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
settings = EmailSettings(from_addr="ocha-afg@example.org", backoff_seconds=0.001)
with SmtpTransport(parse_smtp_url(url, None)) as transport:
    summary = send_report(
        sample_report(folder),
        sample_partners(count),
        settings=settings,
        transport=transport,
        ledger_path=folder / "ledger.sqlite",
        now=datetime(2021, 8, 24, tzinfo=UTC),
    )
print(summary.count("sent"), summary.count("already_sent"))
"""


def _child(url: str, folder: Path, count: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(folder), str(count)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_run_resumes_with_only_the_rest(tmp_path):
    count, killed_after = 6, 3
    with SmtpTestServer() as server:
        handler = server.handler
        handler.hold_at_data = killed_after + 1  # the 4th message hangs until the kill
        first = _child(server.url(), tmp_path, count)
        try:
            assert handler.held.wait(timeout=20), first.stderr.read() if first.stderr else ""
        finally:
            first.kill()
            first.communicate(timeout=10)
        assert [r.rcpt_tos[0] for r in handler.received] == [
            p.email for p in sample_partners(killed_after)
        ]
        report = sample_report(tmp_path)
        states = {r.recipient: r.state for r in ledger_report(tmp_path / "ledger.sqlite", report)}
        assert states == {
            "p001@partners.example.org": "sent",
            "p002@partners.example.org": "sent",
            "p003@partners.example.org": "sent",
            "p004@partners.example.org": "pending",  # in flight when killed: outcome unknown
        }

        handler.hold_at_data = None
        second = _child(server.url(), tmp_path, count)
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert out.split() == ["3", "3"]  # 3 sent now, 3 already sent before the kill

    everyone = [p.email for p in sample_partners(count)]
    assert sorted(handler.recipients()) == everyone  # each exactly once
    rows = {r.recipient: r for r in ledger_report(tmp_path / "ledger.sqlite", report)}
    assert {r.state for r in rows.values()} == {"sent"} and sorted(rows) == everyone
    assert rows["p004@partners.example.org"].attempts == 2
    assert rows["p005@partners.example.org"].attempts == 1
