"""Send one report to its recipients exactly once, resumably, and say what happened to each.

Run order: check the PDF is the one the report was built with, take the ledger lock, turn rows
a killed run left `sending` into `unknown`, then for each recipient: skip if the ledger says
sent, or unknown (unless resend_unknown), else build the message and send it. The transport
calls back once the server is ready for the message; the ledger then says `sending` before the
first byte goes out. After that: `sent` on 2xx, `unknown` when the reply never came (never
retried: the partner may have it), a retry after a definite temporary failure (4xx, a connection
lost before the final "."), `failed_permanent` on 5xx. See ledger.py for the states.

Once the circuit breaker (transport.py) stops trying a server that fails every message, the rest
of the run tries no one: each remaining recipient is recorded `failed_temporary` ("not sent,
retry later", no attempt counted), which the next run sends to, and the summary says so.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import ssl
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from sitrep.delivery import ledger
from sitrep.delivery.factory import MessageFactory
from sitrep.delivery.ledger import LedgerRow
from sitrep.delivery.model import Partner, ReportEmail
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.recipients import partner_language
from sitrep.delivery.transport import (
    BytesTransport,
    CircuitBreaker,
    OnData,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    UnknownOutcome,
    parse_smtp_url,
)
from sitrep.errors import DeliveryError
from sitrep.files import sha256_file
from sitrep.settings.email import EmailSettings, address_part, unsubscribe_fields

Outcome = Literal[
    "sent", "already_sent", "written", "unknown", "failed_permanent", "failed_temporary",
    "not_sent",
]  # fmt: skip
_REACHED = ("sent", "already_sent", "written")
_ORDER: tuple[Outcome, ...] = (
    "sent", "already_sent", "written", "unknown", "failed_permanent", "failed_temporary",
    "not_sent",
)  # fmt: skip
RESEND_HINT = "not sent again; 'sitrep send --resend-unknown' sends it"
Progress = Callable[[int, int, str], None]  # (sent, recipients, the last one's address)
NOT_SENT = "not sent, retry later: the run stopped trying the server"


@dataclass(frozen=True)
class RecipientResult:
    """What happened to one recipient in this run."""

    email: str
    name: str
    outcome: Outcome
    attempts: int = 0  # attempts made in this run
    error: str | None = None
    path: Path | None = None  # the .eml written, for the outbox
    language: str = ""  # the locale of the report sent (or found sent): "fr", "en"


@dataclass(frozen=True)
class SendSummary:
    """Per-recipient results of one send_report run."""

    report_key: str
    revision: int
    results: list[RecipientResult]
    stopped: str | None = None  # why the run stopped trying the server (the circuit breaker)

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
        languages = Counter(r.language for r in self.results if r.outcome in _REACHED)
        if len(languages) > 1:  # a report in several languages: how many got each
            out[0] += " (" + ", ".join(f"{n} in {lang}" for lang, n in languages.items()) + ")"
        out += [
            f"  {r.email}: {r.outcome.replace('_', ' ')}: {r.error}"
            for r in self.results
            if r.outcome not in (*_REACHED, "not_sent")  # those: one line, by the caller
        ]
        return out


def _slug(text: str) -> str:
    # Not settings.config.slugify (which drops accents: "Haïti" -> "haiti"): this one is part of
    # every ledger key already written, and a changed key would send a report a second time.
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def report_key(report: ReportEmail) -> str:
    """'mozambique-cabo-delgado-2024-03-24-no9': one report, all its revisions."""
    return (
        f"{_slug(report.country)}-{_slug(report.crisis)}-"
        f"{report.report_date.isoformat()}-no{report.number}"
    )


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
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    resend_unknown: bool = False,
    translations: Sequence[ReportEmail] = (),
) -> SendSummary:
    """Send the report to each recipient not yet served; the caller owns (and closes) transport.

    `translations` are the same report in other languages: a partner whose Language column
    names one of them gets it, everyone else `report` (the first language). The ledger knows
    the report by `report` alone, so a recipient gets one language, once.

    A recipient whose outcome is unknown (see ledger.py) is sent to again only with
    `resend_unknown`. A server that fails every message trips the circuit breaker (see above):
    the summary's `stopped` says why. Raises DeliveryError when the run cannot go on
    (authentication, TLS, PDF changed since the report was built, another run in progress, the
    ledger damaged or locked).
    """
    reports = (report, *translations)
    for each in reports:
        if not each.pdf_path.is_file():
            raise DeliveryError(f"the report PDF {each.pdf_path} does not exist; build it first")
        if sha256_file(each.pdf_path) != each.pdf_sha256:
            raise DeliveryError(
                f"{each.pdf_path} has changed since the report was built; rebuild it before sending"
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
                conn = stack.enter_context(ledger.opened(ledger_path))
                token_for = functools.partial(ledger.unsubscribe_token, conn)
            editions = _editions(reports, settings, now, token_for)
            job = _Job(editions, settings, transport, None, key, now, sleep, fast, False)
            return SendSummary(key, report.revision, _run(job, recipients, progress))
    ledger_path.parent.mkdir(parents=True, exist_ok=True)
    with ledger.exclusive(ledger_path), ledger.opened(ledger_path) as conn:
        ledger.settle_interrupted(conn)  # we hold the lock: a 'sending' row is a killed run's
        shas = {each.pdf_sha256 for each in reports}
        others = ledger.delivered_other_pdf(conn, key, report.revision, shas)
        if others:
            raise DeliveryError(
                f"Situation Report No. {report.number} revision {report.revision} was already "
                f"sent (or may have been) to {others} recipient(s) with a different PDF. Issue "
                f"it as revision {report.revision + 1} so partners can tell the versions apart"
            )
        token_for = functools.partial(ledger.unsubscribe_token, conn) if tokens else None
        editions = _editions(reports, settings, now, token_for)
        job = _Job(editions, settings, transport, conn, key, now, sleep, fast, resend_unknown)
        results = _run(job, recipients, progress)
    return SendSummary(key, report.revision, results, job.breaker.reason)


def _editions(
    reports: Sequence[ReportEmail],
    settings: EmailSettings,
    now: datetime,
    token_for: Callable[[str], str] | None,
) -> tuple[MessageFactory, ...]:
    return tuple(MessageFactory(each, settings, now, token_for) for each in reports)


@dataclass(frozen=True)
class _Job:
    """Everything one run shares; conn is None for the outbox."""

    # One per language, the first language first; each builds its messages, the shared parts
    # encoded once per run.
    editions: tuple[MessageFactory, ...]
    settings: EmailSettings
    transport: Transport
    conn: sqlite3.Connection | None
    key: str
    now: datetime
    sleep: Callable[[float], None]
    bytes_transport: BytesTransport | None  # `transport`, when it also takes serialised messages
    resend_unknown: bool  # send again to recipients who may have the report already
    breaker: CircuitBreaker = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "breaker", CircuitBreaker(self.settings.max_failures_in_a_row))

    def messages_for(self, partner: Partner) -> MessageFactory:
        """The partner's language's edition, else the first language's."""
        if len(self.editions) == 1:
            return self.editions[0]
        locales = [factory.report.language for factory in self.editions]
        found = partner_language(partner.language, locales)
        return self.editions[found or 0]


def _run(job: _Job, recipients: list[Partner], progress: Progress | None) -> list[RecipientResult]:
    results = []
    for done, partner in enumerate(recipients, 1):
        results.append(_deliver(job, partner))
        if progress:  # the command line's bar, on a terminal
            progress(done, len(recipients), partner.email)
    return results


def _sender(
    job: _Job, messages: MessageFactory, sender: str, partner: Partner
) -> Callable[[OnData | None], Path | None]:
    """Build the partner's message once; the result sends it (again, on a retry)."""
    fast = job.bytes_transport
    if fast is not None and fast.can_send_bytes(sender, partner.email):
        data = messages.as_bytes(partner, fast.linesep)
        return lambda on_data: fast.send_bytes(data, sender, partner.email, on_data)
    message = messages.build(partner)
    return lambda on_data: job.transport.send(message, sender, partner.email, on_data)


def _deliver(job: _Job, partner: Partner) -> RecipientResult:
    messages = job.messages_for(partner)
    report, settings, conn = messages.report, job.settings, job.conn
    language = report.language
    ids = (job.key, report.revision, partner.email, report.pdf_sha256)
    # Any language counts: a partner whose Language changed since does not get a second copy.
    shas = {factory.report.pdf_sha256 for factory in job.editions}
    rows = ledger.lookup_any(conn, ids, shas) if conn is not None else []
    if sent := [r for r in rows if r.state == "sent"]:
        return RecipientResult(
            partner.email, partner.name, "already_sent", language=sent[-1].language
        )
    unknown = [r for r in rows if r.state == "unknown"]
    if unknown and not job.resend_unknown:
        error = f"{unknown[-1].last_error or ledger.MAY_HAVE_BEEN_DELIVERED}; {RESEND_HINT}"
        return RecipientResult(
            partner.email, partner.name, "unknown", 0, error, language=unknown[-1].language
        )
    row = next((r for r in rows if r.pdf_sha256 == report.pdf_sha256), None)
    before = row.attempts if row is not None else 0

    def record(state: ledger.State, attempt: int, error: str | None = None) -> None:
        if conn is not None:
            ledger.record(conn, ids, state, before + attempt, error, language=language)

    def result(
        outcome: Outcome, attempt: int, error: str | None = None, path: Path | None = None
    ) -> RecipientResult:
        return RecipientResult(
            partner.email, partner.name, outcome, attempt, error, path=path, language=language
        )

    if job.breaker.reason is not None:  # the run stopped trying the server: the next run will
        record("failed_temporary", 0, f"{NOT_SENT} ({job.breaker.reason})")
        return result("not_sent", 0, NOT_SENT)
    sender = address_part(settings.from_addr)
    send = _sender(job, messages, sender, partner)
    for attempt in range(1, settings.max_attempts + 1):
        try:
            path = send(functools.partial(record, "sending", attempt))
        except UnknownOutcome as exc:
            error = f"{ledger.MAY_HAVE_BEEN_DELIVERED}: {exc}"
            record("unknown", attempt, error)
            return result("unknown", attempt, f"{error}; {RESEND_HINT}")
        except PermanentFailure as exc:
            job.breaker.answered()
            record("failed_permanent", attempt, str(exc))
            return result("failed_permanent", attempt, str(exc))
        except TemporaryFailure as exc:
            # Recorded at once: a row left 'sending' while we wait would read as unknown.
            record("failed_temporary", attempt, str(exc))
            job.breaker.failed(exc, attempt, last=attempt == settings.max_attempts)
            if attempt < settings.max_attempts and job.breaker.reason is None:
                job.sleep(backoff_delay(attempt, settings))
                continue
            return result("failed_temporary", attempt, str(exc))
        except DeliveryError as exc:
            # A definite refusal (authentication, sender): the message did not go out.
            record("failed_temporary", attempt, f"run stopped: {exc}")
            raise
        job.breaker.answered()
        if conn is not None:
            record("sent", attempt)
            return result("sent", attempt)
        return result("written", attempt, path=path)
    raise AssertionError("unreachable: max_attempts >= 1")


def ledger_report(ledger_path: Path, report: ReportEmail) -> list[LedgerRow]:
    """Every ledger row for this report (all revisions), for `sitrep send --status`."""
    if not ledger_path.exists():
        return []
    with ledger.opened(ledger_path) as conn:
        return ledger.status(conn, report_key(report))
