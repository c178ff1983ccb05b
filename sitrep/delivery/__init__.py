"""The email delivery stage: build one message per partner and send it exactly once.

Typical use (the CLI does this):

    settings, problems = parse_email_settings(config["email"])
    partners = select_recipients(partners_from_records(rows), lists)
    with make_transport(settings, os.environ.get("SITREP_SMTP_PASSWORD"), outbox) as transport:
        summary = send_report(report, partners, settings=settings, transport=transport,
                              ledger_path=ledger, now=now, progress=sys.stderr.isatty())
"""

from sitrep.delivery.ledger import LedgerRow
from sitrep.delivery.message import build_message, subject_line
from sitrep.delivery.model import (
    ContactLine,
    EmailSettings,
    KeyFigureLine,
    Partner,
    ReportEmail,
    parse_email_settings,
)
from sitrep.delivery.outbox import OutboxTransport
from sitrep.delivery.recipients import partners_from_records, select_recipients
from sitrep.delivery.send import (
    RecipientResult,
    SendSummary,
    ledger_report,
    make_transport,
    report_key,
    send_report,
)
from sitrep.delivery.transport import SmtpTarget, SmtpTransport, parse_smtp_url

__all__ = [
    "ContactLine",
    "EmailSettings",
    "KeyFigureLine",
    "LedgerRow",
    "OutboxTransport",
    "Partner",
    "RecipientResult",
    "ReportEmail",
    "SendSummary",
    "SmtpTarget",
    "SmtpTransport",
    "build_message",
    "ledger_report",
    "make_transport",
    "parse_email_settings",
    "parse_smtp_url",
    "partners_from_records",
    "report_key",
    "select_recipients",
    "send_report",
    "subject_line",
]
