"""How fast send_report delivers to a local SMTP server, and how much memory it needs.

    .venv/bin/python bench/bench_send.py [n] [--server process|thread] [--synchronous NORMAL]

By default the server is aiosmtpd in a separate process that reads DATA in blocks and only
counts messages (tests.smtp_server.SinkServerProcess), so the timing is the sender's, not the
server's parsing competing for the GIL; peak RSS is the sender process alone. `--server thread`
runs the test server in this process, as the benchmark used to (messages counted, not parsed or
kept). Every message goes through the ledger (a read and two committed writes each,
synchronous=FULL unless --synchronous says otherwise) and one reused SMTP connection. The
fsyncs vary with what else uses the disk: run it more than once.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from sitrep import durable
from sitrep.delivery.send import send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url
from sitrep.settings.email import EmailSettings
from tests.smtp_server import (
    SinkServerProcess,
    SmtpTestServer,
    minimal_pdf,
    sample_partners,
    sample_report,
)

_SERVERS = {
    "process": "aiosmtpd in a separate process, DATA read in blocks and counted, not parsed",
    "thread": "aiosmtpd in a thread of this process, counted, not parsed",
}


@contextlib.contextmanager
def _server(kind: str):
    """(url, function returning how many messages the server accepted)."""
    if kind == "process":
        with SinkServerProcess() as sink:
            yield sink.url(), lambda: sink.accepted
    else:
        with SmtpTestServer() as server:
            server.handler.keep_messages = False
            yield server.url(), lambda: server.handler.accepted


def bench_send(
    n: int = 1000, pdf_kb: int = 100, server: str = "process", synchronous: str | None = None
) -> dict:
    """Send one report to n recipients; return seconds, messages/second and peak RSS (MB).

    `synchronous` overrides the ledger's PRAGMA synchronous (FULL), to see what its fsyncs cost.
    """
    if synchronous is not None:
        durable.SYNCHRONOUS = synchronous
    with tempfile.TemporaryDirectory() as tmp, _server(server) as (url, accepted):
        folder = Path(tmp)
        report = sample_report(folder)
        # Pad the PDF to a typical attachment size (a PDF comment line is ignored by readers).
        padded = minimal_pdf() + b"%" + b"x" * (pdf_kb * 1024) + b"\n"
        report.pdf_path.write_bytes(padded)
        report = dataclasses.replace(report, pdf_sha256=hashlib.sha256(padded).hexdigest())
        settings = EmailSettings(from_addr="OCHA Afghanistan <ocha-afg@example.org>")
        start = time.perf_counter()
        with SmtpTransport(parse_smtp_url(url, None)) as transport:
            summary = send_report(
                report,
                sample_partners(n),
                settings=settings,
                transport=transport,
                ledger_path=folder / "ledger.sqlite",
                now=datetime(2021, 8, 24, tzinfo=UTC),
            )
            connections = transport.connections
        seconds = time.perf_counter() - start
        assert summary.ok and accepted() == n, summary.lines()
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return {
        "messages": n,
        "pdf_kb": pdf_kb,
        "seconds": round(seconds, 2),
        "messages_per_second": round(n / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1),
        "connections": connections,
        "ledger_synchronous": durable.SYNCHRONOUS,
        "server": _SERVERS[server],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000)
    parser.add_argument("--server", choices=sorted(_SERVERS), default="process")
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL", "OFF"], default=None)
    args = parser.parse_args()
    print(bench_send(args.n, server=args.server, synchronous=args.synchronous))
