"""What `sitrep send` and `sitrep send --status` print (to stdout, through the CLI's `echo`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitrep.delivery.distribute import SendOutcome
    from sitrep.delivery.ledger import LedgerRow
    from sitrep.delivery.model import ReportEmail

Echo = Callable[..., None]  # echo(text, err=False, fg=None): sitrep.cli.say


def say_status(report: ReportEmail, rows: list[LedgerRow], echo: Echo) -> None:
    """The send ledger of one report: each recipient's state, and who may not have it."""
    echo(
        f"Situation Report No. {report.number} ({report.report_date}), "
        f"revision {report.revision}: {len(rows)} recipient(s) in the ledger"
    )
    for row in rows:
        error = f"  ({row.last_error})" if row.last_error else ""
        language = f"  in {row.language}" if row.language else ""
        echo(f"  {row.state:<17} {row.recipient}  attempts {row.attempts}{language}{error}")
    unknown = [r.recipient for r in rows if r.state in ("unknown", "sending")]
    if unknown:
        echo(
            f"{len(unknown)} recipient(s) may or may not have it: {', '.join(unknown)}. "
            "'sitrep send --resend-unknown' sends to them again."
        )


def say_sent(outcome: SendOutcome, echo: Echo) -> None:
    """What a send did: per state, the outbox's files, the languages missing, the unconfirmed."""
    summary = outcome.summary
    echo(
        f"Situation Report No. {outcome.report.number} ({outcome.report.report_date}) "
        f"via {outcome.transport}:"
    )
    for line in summary.lines():
        echo(f"  {line}")
    for path in summary.files:
        echo(f"  {path}")
    if outcome.missing_languages:
        echo(
            f"  No report in {', '.join(outcome.missing_languages)}: partners asking for it got "
            f"the {outcome.report.language} report."
        )
    if summary.stopped:
        echo(
            f"  Stopped trying {outcome.transport}: {summary.stopped}. "
            f"{summary.count('not_sent')} recipient(s) were not sent the report and are recorded "
            "as not sent: run 'sitrep send' again later (once the server takes messages) and it "
            "sends to them and to the others not reached."
        )
    if summary.unknown:
        echo(
            f"  Not confirmed: {len(summary.unknown)} recipient(s) may have been sent the report "
            f"but the server did not confirm it: {', '.join(summary.unknown)}. They are not sent "
            "to again; check with them, then 'sitrep send --resend-unknown' if needed."
        )
