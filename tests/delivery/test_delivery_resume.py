"""A send killed (SIGKILL) at many points, then run again: nobody gets the report twice, and
the ledger says which recipients may have it.

The points: while the server holds the reply to the final dot; while it holds RCPT (nothing
sent yet); just after the ledger says 'sending' (before the message goes out); just after the
server's 250, before the ledger says 'sent'.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitrep.delivery.send import ledger_report, send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url
from sitrep.settings.email import EmailSettings
from tests.conftest import ROOT
from tests.smtp_server import SmtpTestServer, sample_partners, sample_report

pytestmark = pytest.mark.slow  # kills `sitrep send` processes: not in make test-fast

COUNT, VICTIM = 6, "p004@partners.example.org"

# The sender, as the CLI would run it, in its own process so the test can kill it. KILL_AT
# "state:address" kills the process with SIGKILL just before (or, for 'sending', just after)
# the ledger records that state for that address.
CHILD = """
import os, signal, sys
from pathlib import Path

from sitrep.delivery import ledger
from tests.delivery.test_delivery_resume import send_once

url, folder, count, resend = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
kill_at = os.environ.get("KILL_AT", "")
real_record = ledger.record

def record(conn, ids, state, attempts, error=None, **more):
    if f"{state}:{ids[2]}" == kill_at and state == "sent":
        os.kill(os.getpid(), signal.SIGKILL)  # the server said 250; the ledger never hears
    real_record(conn, ids, state, attempts, error, **more)
    if f"{state}:{ids[2]}" == kill_at and state == "sending":
        os.kill(os.getpid(), signal.SIGKILL)  # recorded, and not one byte sent

ledger.record = record
print(*send_once(url, folder, count, resend))
"""


def _child(url: str, folder: Path, resend: bool = False, kill_at: str = "") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KILL_AT": kill_at}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(folder), str(COUNT), "1" if resend else "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _states(folder: Path) -> dict[str, str]:
    return {
        r.recipient: r.state for r in ledger_report(folder / "ledger.sqlite", sample_report(folder))
    }


def send_once(url: str, folder: Path, count: int, resend: bool) -> list[str]:
    """One run of the sender, as the CLI runs it: what it sent, what it found already sent and
    the recipients it does not know about (CHILD prints them)."""
    settings = EmailSettings(from_addr="ocha@example.org", backoff_seconds=0.001)
    with SmtpTransport(parse_smtp_url(url, None)) as transport:
        summary = send_report(
            sample_report(folder),
            sample_partners(count),
            settings=settings,
            transport=transport,
            ledger_path=folder / "ledger.sqlite",
            now=datetime(2021, 8, 24, tzinfo=UTC),
            resend_unknown=resend,
        )
    sent, already = summary.count("sent"), summary.count("already_sent")
    return [str(sent), str(already), ",".join(summary.unknown)]


def _run(url: str, folder: Path, resend: bool = False) -> list[str]:
    """A run after the killed one, as CHILD runs it but in this process: what it sends and
    records is tested, not its process (only a run to be killed needs one of its own)."""
    return send_once(url, folder, COUNT, resend)


# (how the first run dies, the server's fault for the victim, whether the server has a copy)
POINTS = {
    "server holds the reply to the dot": ("", "hold", 1),
    "server holds RCPT": ("", "hold_before_data", 0),
    "after 'sending' is recorded": (f"sending:{VICTIM}", None, 0),
    "after 250, before 'sent' is recorded": (f"sent:{VICTIM}", None, 1),
}


@pytest.mark.parametrize("point", POINTS)
def test_killed_run_then_rerun_sends_nobody_twice(tmp_path, point):
    kill_at, fault, copies = POINTS[point]
    everyone = [p.email for p in sample_partners(COUNT)]
    with SmtpTestServer() as server:
        handler = server.handler
        if fault:
            handler.fault(VICTIM, fault)
        first = _child(server.url(), tmp_path, kill_at=kill_at)
        try:
            if fault:
                assert handler.holding.wait(timeout=30), first.stderr.read() if first.stderr else ""
                first.kill()
            first.communicate(timeout=30)
        finally:
            first.kill()
        assert first.returncode == -9
        assert handler.copies() == {
            **{p: 1 for p in everyone[:3]},
            **({VICTIM: 1} if copies else {}),
        }
        before = _states(tmp_path)
        assert {p: before[p] for p in everyone[:3]} == {p: "sent" for p in everyone[:3]}
        # Where the message may have gone out, the ledger has a trace; where nothing did, it may
        # have none (then the victim is simply sent to next time).
        assert before.get(VICTIM) in (("sending",) if copies else ("sending", None))

        sent, already, unknown = _run(server.url(), tmp_path)
        if before.get(VICTIM) == "sending":  # may have been delivered: never silently resent
            assert (sent, already, unknown.strip()) == ("2", "3", VICTIM)
            assert _states(tmp_path)[VICTIM] == "unknown"
            assert handler.copies() == {p: 1 for p in everyone if copies or p != VICTIM}
            _run(server.url(), tmp_path)  # and not the run after either
            assert handler.copies()[VICTIM] == copies
            # Asked for: the user resends to the unknown ones.
            sent, already, unknown = _run(server.url(), tmp_path, resend=True)
            assert (sent, already, unknown.strip()) == ("1", "5", "")
            assert handler.copies()[VICTIM] == copies + 1
        else:
            assert (sent, already, unknown.strip()) == ("3", "3", "")
            assert handler.copies() == {p: 1 for p in everyone}
    assert set(_states(tmp_path).values()) == {"sent"}
