"""The email delivery stage: build one message per partner and send it exactly once.

Typical use (the CLI does this):

    settings, problems = parse_email_settings(config["email"])
    partners = select_recipients(partners_from_records(rows), lists)
    with make_transport(settings, os.environ.get("SITREP_SMTP_PASSWORD"), outbox) as transport:
        summary = send_report(report, partners, settings=settings, transport=transport,
                              ledger_path=ledger, now=now, progress=sys.stderr.isatty())
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


# Where each name is: imported on first use, so that a module reading one part (the settings
# walker reads `sitrep.delivery.model`) does not import the email, SMTP and ledger machinery.
_WHERE = {
    "ContactLine": "sitrep.delivery.model",
    "EmailSettings": "sitrep.delivery.model",
    "KeyFigureLine": "sitrep.delivery.model",
    "LedgerRow": "sitrep.delivery.ledger",
    "OutboxTransport": "sitrep.delivery.outbox",
    "Partner": "sitrep.delivery.model",
    "RecipientResult": "sitrep.delivery.send",
    "ReportEmail": "sitrep.delivery.model",
    "SendSummary": "sitrep.delivery.send",
    "SmtpTarget": "sitrep.delivery.transport",
    "SmtpTransport": "sitrep.delivery.transport",
    "build_message": "sitrep.delivery.message",
    "ledger_report": "sitrep.delivery.send",
    "make_transport": "sitrep.delivery.send",
    "parse_email_settings": "sitrep.delivery.model",
    "parse_smtp_url": "sitrep.delivery.transport",
    "partners_from_records": "sitrep.delivery.recipients",
    "report_key": "sitrep.delivery.send",
    "select_recipients": "sitrep.delivery.recipients",
    "send_report": "sitrep.delivery.send",
    "subject_line": "sitrep.delivery.message",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # once
    return value
