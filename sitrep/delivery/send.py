"""Send one report to its recipients exactly once, resumably, and say what happened to each.

Run order: check the PDF is the one the report was built with, take the ledger lock, turn rows
a killed run left `sending` into `unknown`, then for each recipient: skip if the ledger says
sent, or unknown (unless resend_unknown), else build the message and send it. The transport
calls back once the server is ready for the message; the ledger then says `sending` before the
first byte goes out. After that: `sent` on 2xx, `unknown` when the reply never came (never
retried: the partner may have it), a retry after a definite temporary failure (4xx, a connection
lost before the final "."), `failed_permanent` on 5xx. See ledger.py for the states.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
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
from sitrep.delivery.factory import MessageFactory
from sitrep.delivery.ledger import LedgerRow
from sitrep.delivery.model import (
    EmailSettings,
    Partner,
    ReportEmail,
    address_part,
    unsubscribe_fields,
)
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.transport import (
    BytesTransport,
    OnData,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    UnknownOutcome,
    parse_smtp_url,
)
from sitrep.errors import DeliveryError

Outcome = Literal[
    "sent", "already_sent", "written", "unknown", "failed_permanent", "failed_temporary"
]
_REACHED = ("sent", "already_sent", "written")
_ORDER: tuple[Outcome, ...] = (
    "sent", "already_sent", "written", "unknown", "failed_permanent", "failed_temporary",
)  # fmt: skip
RESEND_HINT = "not sent again; 'sitrep send --resend-unknown' sends it"


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
        """False when anyone is not confirmed (unknown, refused, or retries ran out)."""
        return all(r.outcome in _REACHED for r in self.results)

    @property
    def unknown(self) -> list[str]:
        """The recipients who may or may not have the report."""
        return [r.email for r in self.results if r.outcome == "unknown"]

    @property
    def files(self) -> list[Path]:
        return [r.path for r in self.results if r.path is not None]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def lines(self) -> list[str]:
        """Human-readable: one total line, then one line per recipient not reached."""
        totals = ", ".join(
            f"{self.count(o)} {o.replace('_', ' ')}" for o in _ORDER if self.count(o)
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
    """'mozambique-cabo-delgado-2024-03-24-no9': one report, all its revisions."""
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
        settings.smtp,
        password,
        ssl_context=ssl_context,
        timeout=settings.timeout_seconds,
        data_timeout=settings.data_timeout_seconds,
    )
    return SmtpTransport(target)


@contextlib.contextmanager
def _exclusive(ledger_path: Path) -> Iterator[None]:
    """Two concurrent runs on one ledger could both send; the second one stops instead."""
    lock_path = ledger_path.with_name(ledger_path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    with open(fd, "a+b") as handle:
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
    resend_unknown: bool = False,
) -> SendSummary:
    """Send the report to each recipient not yet served; the caller owns (and closes) transport.

    A recipient whose outcome is unknown (see ledger.py) is sent to again only with
    `resend_unknown`. Raises DeliveryError when the run cannot go on (authentication, TLS, no
    connection after retries, PDF changed since the report was built, another run in progress).
    """
    if not report.pdf_path.is_file():
        raise DeliveryError(f"the report PDF {report.pdf_path} does not exist; build it first")
    if file_sha256(report.pdf_path) != report.pdf_sha256:
        raise DeliveryError(
            f"{report.pdf_path} has changed since the report was built; rebuild it before sending"
        )
    fast = transport if isinstance(transport, BytesTransport) else None
    key = report_key(report)
    tokens = bool(settings.unsubscribe and "token" in unsubscribe_fields(settings.unsubscribe))
    if not transport.records_delivery:
        # An outbox file reaches nobody: keeping it out of the ledger's deliveries means a
        # later SMTP run still sends to everyone. Rewriting the same files is harmless. The
        # ledger is opened only for the partners' unsubscribe tokens, if the link uses them.
        with contextlib.ExitStack() as stack:
            token_for = None
            if tokens:
                conn = stack.enter_context(contextlib.closing(ledger.open_ledger(ledger_path)))
                token_for = functools.partial(ledger.unsubscribe_token, conn)
            messages = MessageFactory(report, settings, now, token_for)
            job = _Job(report, settings, transport, None, key, now, sleep, messages, fast, False)
            return SendSummary(key, report.revision, _run(job, recipients, progress))
    ledger_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(ledger_path), contextlib.closing(ledger.open_ledger(ledger_path)) as conn:
        ledger.settle_interrupted(conn)  # we hold the lock: a 'sending' row is a killed run's
        others = ledger.delivered_other_pdf(conn, key, report.revision, report.pdf_sha256)
        if others:
            raise DeliveryError(
                f"Situation Report No. {report.number} revision {report.revision} was already "
                f"sent (or may have been) to {others} recipient(s) with a different PDF. Issue "
                f"it as revision {report.revision + 1} so partners can tell the versions apart"
            )
        token_for = functools.partial(ledger.unsubscribe_token, conn) if tokens else None
        messages = MessageFactory(report, settings, now, token_for)
        job = _Job(
            report, settings, transport, conn, key, now, sleep, messages, fast, resend_unknown
        )
        results = _run(job, recipients, progress)
    return SendSummary(key, report.revision, results)


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
    resend_unknown: bool  # send again to recipients who may have the report already


def _run(job: _Job, recipients: list[Partner], progress: bool) -> list[RecipientResult]:
    bar = (
        click.progressbar(recipients, label="Sending", file=sys.stderr)
        if progress
        else contextlib.nullcontext(recipients)
    )
    with bar as items:
        return [_deliver(job, partner) for partner in items]


def _sender(job: _Job, sender: str, partner: Partner) -> Callable[[OnData | None], Path | None]:
    """Build the partner's message once; the result sends it (again, on a retry)."""
    fast = job.bytes_transport
    if fast is not None and fast.can_send_bytes(sender, partner.email):
        data = job.messages.as_bytes(partner, fast.linesep)
        return lambda on_data: fast.send_bytes(data, sender, partner.email, on_data)
    message = job.messages.build(partner)
    return lambda on_data: job.transport.send(message, sender, partner.email, on_data)


def _deliver(job: _Job, partner: Partner) -> RecipientResult:
    report, settings, conn = job.report, job.settings, job.conn
    ids = (job.key, report.revision, partner.email, report.pdf_sha256)
    row = ledger.lookup(conn, ids) if conn is not None else None
    if row is not None and row.state == "sent":
        return RecipientResult(partner.email, partner.name, "already_sent")
    if row is not None and row.state == "unknown" and not job.resend_unknown:
        error = f"{row.last_error or ledger.MAY_HAVE_BEEN_DELIVERED}; {RESEND_HINT}"
        return RecipientResult(partner.email, partner.name, "unknown", 0, error)
    before = row.attempts if row is not None else 0
    sender = address_part(settings.from_addr)
    send = _sender(job, sender, partner)

    def record(state: ledger.State, attempt: int, error: str | None = None) -> None:
        if conn is not None:
            ledger.record(conn, ids, state, before + attempt, error)

    for attempt in range(1, settings.max_attempts + 1):
        try:
            path = send(functools.partial(record, "sending", attempt))
        except UnknownOutcome as exc:
            error = f"{ledger.MAY_HAVE_BEEN_DELIVERED}: {exc}"
            record("unknown", attempt, error)
            return RecipientResult(
                partner.email, partner.name, "unknown", attempt, f"{error}; {RESEND_HINT}"
            )
        except PermanentFailure as exc:
            record("failed_permanent", attempt, str(exc))
            return RecipientResult(
                partner.email, partner.name, "failed_permanent", attempt, str(exc)
            )
        except TemporaryFailure as exc:
            # Recorded at once: a row left 'sending' while we wait would read as unknown.
            record("failed_temporary", attempt, str(exc))
            if attempt < settings.max_attempts:
                job.sleep(backoff_delay(attempt, settings))
                continue
            if exc.connecting:
                raise DeliveryError(f"{exc} (after {attempt} attempts)") from None
            return RecipientResult(
                partner.email, partner.name, "failed_temporary", attempt, str(exc)
            )
        except DeliveryError as exc:
            # A definite refusal (authentication, sender): the message did not go out.
            record("failed_temporary", attempt, f"run stopped: {exc}")
            raise
        if conn is not None:
            record("sent", attempt)
            return RecipientResult(partner.email, partner.name, "sent", attempt)
        return RecipientResult(partner.email, partner.name, "written", attempt, path=path)
    raise AssertionError("unreachable: max_attempts >= 1")


def ledger_report(ledger_path: Path, report: ReportEmail) -> list[LedgerRow]:
    """Every ledger row for this report (all revisions), for `sitrep send --status`."""
    if not ledger_path.exists():
        return []
    with contextlib.closing(ledger.open_ledger(ledger_path)) as conn:
        return ledger.status(conn, report_key(report))
