"""Send one report to its recipients exactly once, resumably, and say what happened to each.

Run order: check the PDF is the one the report was built with, take the ledger lock, then for
each recipient: skip if the ledger says sent, else build the message, mark pending, send (retrying
temporary failures with capped exponential backoff), mark sent or failed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import re
import sqlite3
import ssl
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import click

from sitrep.delivery import ledger
from sitrep.delivery.ledger import LedgerRow
from sitrep.delivery.message import MessageFactory
from sitrep.delivery.model import EmailSettings, Partner, ReportEmail, address_part
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.transport import (
    BytesTransport,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    parse_smtp_url,
)
from sitrep.errors import DeliveryError

Outcome = Literal["sent", "already_sent", "written", "failed_permanent", "failed_temporary"]
_REACHED = ("sent", "already_sent", "written")


@dataclass(frozen=True)
class RecipientResult:
    """What happened to one recipient in this run."""

    email: str
    name: str
    outcome: Outcome
    attempts: int = 0  # attempts made in this run
    error: str | None = None
    path: Path | None = None  # the .eml written, for the outbox


@dataclass(frozen=True)
class SendSummary:
    """Per-recipient results of one send_report run."""

    report_key: str
    revision: int
    results: list[RecipientResult]

    @property
    def ok(self) -> bool:
        """False when anyone was not reached (refused, or retries ran out)."""
        return all(r.outcome in _REACHED for r in self.results)

    @property
    def files(self) -> list[Path]:
        return [r.path for r in self.results if r.path is not None]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def lines(self) -> list[str]:
        """Human-readable: one total line, then one line per recipient not reached."""
        totals = ", ".join(
            f"{self.count(o)} {o.replace('_', ' ')}"
            for o in ("sent", "already_sent", "written", "failed_permanent", "failed_temporary")
            if self.count(o)
        )
        out = [f"{self.report_key} revision {self.revision}: {totals or 'no recipients'}"]
        out += [
            f"  {r.email}: {r.outcome.replace('_', ' ')}: {r.error}"
            for r in self.results
            if r.outcome not in _REACHED
        ]
        return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def report_key(report: ReportEmail) -> str:
    """'haiti-ouest-floods-2025-06-30-no9': one report, all its revisions."""
    return (
        f"{_slug(report.country)}-{_slug(report.crisis)}-"
        f"{report.report_date.isoformat()}-no{report.number}"
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_transport(
    settings: EmailSettings,
    password: str | None,
    outbox_dir: Path,
    *,
    ssl_context: ssl.SSLContext | None = None,  # tests pass one trusting their certificate
) -> Transport:
    """SMTP when settings.smtp is set, else an outbox folder. Use it in a `with` block."""
    if settings.smtp is None:
        return OutboxTransport(outbox_dir)
    target = parse_smtp_url(
        settings.smtp, password, ssl_context=ssl_context, timeout=settings.timeout_seconds
    )
    return SmtpTransport(target)


@contextlib.contextmanager
def _exclusive(ledger_path: Path) -> Iterator[None]:
    """Two concurrent runs on one ledger could both send; the second one stops instead."""
    lock_path = ledger_path.with_name(ledger_path.name + ".lock")
    with lock_path.open("a+b") as handle:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DeliveryError(
                f"another 'sitrep send' is using {ledger_path}; wait for it to finish"
            ) from None
        yield  # the OS releases the lock when the file closes, or when the process dies


def backoff_delay(attempt: int, settings: EmailSettings) -> float:
    """Wait after failed attempt N (1-based): backoff, 2x, 4x ... capped."""
    return min(settings.backoff_seconds * 2 ** (attempt - 1), settings.max_backoff_seconds)


def send_report(
    report: ReportEmail,
    recipients: list[Partner],
    *,
    settings: EmailSettings,
    transport: Transport,
    ledger_path: Path,
    now: datetime,
    progress: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> SendSummary:
    """Send the report to each recipient not yet served; the caller owns (and closes) transport.

    Raises DeliveryError when the run cannot go on (authentication, TLS, no connection after
    retries, PDF changed since the report was built, another run in progress).
    """
    if not report.pdf_path.is_file():
        raise DeliveryError(f"the report PDF {report.pdf_path} does not exist; build it first")
    if file_sha256(report.pdf_path) != report.pdf_sha256:
        raise DeliveryError(
            f"{report.pdf_path} has changed since the report was built; rebuild it before sending"
        )
    messages = MessageFactory(report, settings, now)
    fast = transport if isinstance(transport, BytesTransport) else None
    job = _Job(report, settings, transport, None, report_key(report), now, sleep, messages, fast)
    if not transport.records_delivery:
        # An outbox file reaches nobody: keeping it out of the ledger means a later SMTP run
        # still sends to everyone. Rewriting the same files is harmless.
        return SendSummary(job.key, report.revision, _run(job, recipients, progress))
    ledger_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(ledger_path), contextlib.closing(ledger.open_ledger(ledger_path)) as conn:
        others = ledger.sent_other_pdf(conn, job.key, report.revision, report.pdf_sha256)
        if others:
            raise DeliveryError(
                f"Situation Report No. {report.number} revision {report.revision} was already "
                f"sent to {others} recipient(s) with a different PDF. Issue it as revision "
                f"{report.revision + 1} so partners can tell the versions apart"
            )
        results = _run(dataclasses.replace(job, conn=conn), recipients, progress)
    return SendSummary(job.key, report.revision, results)


@dataclass(frozen=True)
class _Job:
    """Everything one run shares; conn is None for the outbox."""

    report: ReportEmail
    settings: EmailSettings
    transport: Transport
    conn: sqlite3.Connection | None
    key: str
    now: datetime
    sleep: Callable[[float], None]
    messages: MessageFactory  # builds each message; shared parts are encoded once per run
    bytes_transport: BytesTransport | None  # `transport`, when it also takes serialised messages


def _run(job: _Job, recipients: list[Partner], progress: bool) -> list[RecipientResult]:
    bar = (
        click.progressbar(recipients, label="Sending", file=sys.stderr)
        if progress
        else contextlib.nullcontext(recipients)
    )
    with bar as items:
        return [_deliver(job, partner) for partner in items]


def _sender(job: _Job, sender: str, partner: Partner) -> Callable[[], Path | None]:
    """Build the partner's message once; the result sends it (again, on a retry)."""
    fast = job.bytes_transport
    if fast is not None and fast.can_send_bytes(sender, partner.email):
        data = job.messages.as_bytes(partner, fast.linesep)
        return lambda: fast.send_bytes(data, sender, partner.email)
    message = job.messages.build(partner)
    return lambda: job.transport.send(message, sender, partner.email)


def _deliver(job: _Job, partner: Partner) -> RecipientResult:
    report, settings, conn = job.report, job.settings, job.conn
    ids = (job.key, report.revision, partner.email, report.pdf_sha256)
    if conn is not None and ledger.already_sent(conn, *ids):
        return RecipientResult(partner.email, partner.name, "already_sent")
    sender = address_part(settings.from_addr)
    send = _sender(job, sender, partner)
    for attempt in range(1, settings.max_attempts + 1):
        if conn is not None:
            ledger.record_pending(conn, *ids)
        try:
            path = send()
        except PermanentFailure as exc:
            if conn is not None:
                ledger.mark_failed(conn, *ids, permanent=True, error=str(exc))
            return RecipientResult(
                partner.email, partner.name, "failed_permanent", attempt, str(exc)
            )
        except TemporaryFailure as exc:
            if attempt < settings.max_attempts:
                job.sleep(backoff_delay(attempt, settings))
                continue
            if conn is not None:
                ledger.mark_failed(conn, *ids, permanent=False, error=str(exc))
            if exc.connecting:
                raise DeliveryError(f"{exc} (after {attempt} attempts)") from None
            return RecipientResult(
                partner.email, partner.name, "failed_temporary", attempt, str(exc)
            )
        except DeliveryError as exc:
            # Leave no row 'pending' for a message that was never accepted.
            if conn is not None:
                ledger.mark_failed(conn, *ids, permanent=False, error=f"run stopped: {exc}")
            raise
        if conn is not None:
            ledger.mark_sent(conn, *ids)
            return RecipientResult(partner.email, partner.name, "sent", attempt)
        return RecipientResult(partner.email, partner.name, "written", attempt, path=path)
    raise AssertionError("unreachable: max_attempts >= 1")


def ledger_report(ledger_path: Path, report: ReportEmail) -> list[LedgerRow]:
    """Every ledger row for this report (all revisions), for `sitrep send --status`."""
    if not ledger_path.exists():
        return []
    with contextlib.closing(ledger.open_ledger(ledger_path)) as conn:
        return ledger.status(conn, report_key(report))
