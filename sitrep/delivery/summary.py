"""What `sitrep send` and `sitrep send --status` print (to stdout, through the CLI's `echo`);
with `--format json`, one JSON object (`sent_json`, `status_json`: README, "Scripts: --format
json" lists the keys)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from sitrep.problems import Wording

if TYPE_CHECKING:
    from sitrep.delivery.distribute import SendOutcome
    from sitrep.delivery.ledger import LedgerRow
    from sitrep.delivery.model import ReportEmail
    from sitrep.delivery.send import Outcome

Echo = Callable[..., None]  # echo(text, err=False, fg=None): sitrep.cli.say


def say_status(
    report: ReportEmail, rows: list[LedgerRow], echo: Echo, wording: Wording | None = None
) -> None:
    """The send ledger of one report: each recipient's state, and who may not have it; in the
    workspace's language (`wording`)."""
    say = wording or Wording()
    echo(
        say.cli(
            "ledger",
            number=report.number,
            date=report.report_date,
            revision=report.revision,
            recipients=say.cli("recipients", count=len(rows)),
        )
    )
    for row in rows:
        error = f"  ({row.last_error})" if row.last_error else ""
        language = f"  in {row.language}" if row.language else ""
        echo(f"  {row.state:<17} {row.recipient}  attempts {row.attempts}{language}{error}")
    unknown = [r.recipient for r in rows if r.state in ("unknown", "sending")]
    if unknown:
        recipients = say.cli("recipients", count=len(unknown))
        echo(say.cli("may_have_it", recipients=recipients, emails=", ".join(unknown)))


def say_sent(outcome: SendOutcome, echo: Echo, wording: Wording | None = None) -> None:
    """What a send did: per state, the outbox's files, the languages missing, the unconfirmed."""
    say, summary, report = wording or Wording(), outcome.summary, outcome.report
    sent_via = say.cli(
        "sent_via", number=report.number, date=report.report_date, transport=outcome.transport
    )
    echo(sent_via)
    for line in summary.lines():
        echo(f"  {line}")
    for path in summary.files:
        echo(f"  {path}")
    if outcome.missing_languages:
        languages = ", ".join(outcome.missing_languages)
        echo("  " + say.cli("missing_language", languages=languages, language=report.language))
    if summary.stopped:
        recipients = say.cli("recipients", count=summary.count("not_sent"))
        stopped = say.cli(
            "stopped", transport=outcome.transport, reason=summary.stopped, recipients=recipients
        )
        echo(f"  {stopped}")
    if summary.unknown:
        recipients = say.cli("recipients", count=len(summary.unknown))
        echo(
            "  "
            + say.cli("not_confirmed", recipients=recipients, emails=", ".join(summary.unknown))
        )


# -- --format json ----------------------------------------------------------------------------
# every state a recipient can be in after a send, counted even when 0 (stable keys)
OUTCOMES: tuple[Outcome, ...] = (
    "sent", "already_sent", "written", "unknown", "failed_permanent", "failed_temporary",
    "not_sent",
)  # fmt: skip


def _report(report: ReportEmail) -> dict[str, object]:
    return {
        "date": report.report_date.isoformat(),
        "number": report.number,
        "revision": report.revision,
        "pdf": str(report.pdf_path),
    }


def sent_json(outcome: SendOutcome) -> str:
    """`sitrep send --format json`: the report, the transport, how many recipients ended in
    each state, each recipient, and those who may or may not have it (`unknown`)."""
    summary = outcome.summary
    recipients = [
        {
            "email": r.email,
            "name": r.name,
            "state": r.outcome,
            "attempts": r.attempts,
            "language": r.language,
            "error": r.error,
            "file": str(r.path) if r.path else None,
        }
        for r in summary.results
    ]
    return json.dumps(
        {
            **_report(outcome.report),
            "transport": outcome.transport,
            "ok": summary.ok,
            "counts": {state: summary.count(state) for state in OUTCOMES},
            "unknown": summary.unknown,
            "stopped": summary.stopped,
            "missing_languages": list(outcome.missing_languages),
            "recipients": recipients,
        },
        indent=2,
        ensure_ascii=False,
    )


def status_json(report: ReportEmail, rows: list[LedgerRow]) -> str:
    """`sitrep send --status --format json`: the ledger of one report, state by recipient."""
    states = Counter(row.state for row in rows)
    recipients = [
        {
            "email": row.recipient,
            "state": row.state,
            "attempts": row.attempts,
            "language": row.language,
            "error": row.last_error,
            "updated_at": row.updated_at,
        }
        for row in rows
    ]
    unknown = [r.recipient for r in rows if r.state in ("unknown", "sending")]
    return json.dumps(
        {**_report(report), "counts": states, "unknown": unknown, "recipients": recipients},
        indent=2,
        ensure_ascii=False,
    )
