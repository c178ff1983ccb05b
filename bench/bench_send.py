"""How fast send_report delivers to a local SMTP server, and how much memory it needs.

    .venv/bin/python bench/bench_send.py [n]

The server (aiosmtpd) runs in the same process, in a thread, and discards messages after
counting them, so peak RSS is mostly the sender's. Every message goes through the ledger
(two committed writes each, synchronous=FULL) and one reused SMTP connection.
"""

from __future__ import annotations

import dataclasses
import hashlib
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from sitrep.delivery.model import EmailSettings
from sitrep.delivery.send import send_report
from sitrep.delivery.transport import SmtpTransport, parse_smtp_url
from tests.smtp_server import (
    SmtpTestServer,
    minimal_pdf,
    sample_partners,
    sample_report,
)


def bench_send(n: int = 1000, pdf_kb: int = 100) -> dict:
    """Send one report to n recipients; return seconds, messages/second and peak RSS (MB)."""
    with tempfile.TemporaryDirectory() as tmp, SmtpTestServer() as server:
        folder = Path(tmp)
        report = sample_report(folder)
        # Pad the PDF to a typical attachment size (a PDF comment line is ignored by readers).
        padded = minimal_pdf() + b"%" + b"x" * (pdf_kb * 1024) + b"\n"
        report.pdf_path.write_bytes(padded)
        report = dataclasses.replace(report, pdf_sha256=hashlib.sha256(padded).hexdigest())
        server.handler.keep_messages = False
        settings = EmailSettings(from_addr="OCHA Afghanistan <ocha-afg@example.org>")
        start = time.perf_counter()
        with SmtpTransport(parse_smtp_url(server.url(), None)) as transport:
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
        assert summary.ok and server.handler.accepted == n, summary.lines()
    # ru_maxrss is in kilobytes on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return {
        "messages": n,
        "pdf_kb": pdf_kb,
        "seconds": round(seconds, 2),
        "messages_per_second": round(n / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, 1),
        "connections": connections,
    }


if __name__ == "__main__":
    print(bench_send(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
