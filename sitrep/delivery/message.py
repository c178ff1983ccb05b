"""One email per partner: subject, plain-text and HTML bodies, the PDF or a link to it.

The bodies carry the highlights, key figures, period and contacts, so a partner reading on a
phone over a poor line learns the essentials without opening the PDF. No remote images: they cost
bandwidth and many clients block them anyway.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime
from html import escape

from sitrep.delivery.model import EmailSettings, Partner, ReportEmail, address_part

# Month names spelled out here: strftime('%B') follows the locale, and the subject format is fixed.
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


# Headers are written with a 998-character limit (RFC 5322's hard limit) instead of 78. The
# stdlib folds a subject of 70-78 characters as "Subject:" CRLF " Haiti: ...", and its own
# parser then returns the subject with a leading space. Bodies are encoded before this policy is
# set, so base64 and quoted-printable lines keep their 76-character limit.
_SEND_POLICY = policy.default.clone(max_line_length=998)


def long_date(day: date) -> str:
    """date(2025, 6, 30) -> '30 June 2025'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def subject_line(report: ReportEmail) -> str:
    """'Haiti: Ouest floods - Situation Report No. 9 (as of 30 June 2025)'."""
    subject = (
        f"{report.country}: {report.crisis} - Situation Report No. {report.number} "
        f"(as of {long_date(report.report_date)})"
    )
    if report.revision > 0:
        subject += f" - Revision {report.revision}"
    return subject


def message_id(report: ReportEmail, recipient: str, from_addr: str) -> str:
    """Stable for (report date, number, revision, recipient), so a resend is recognisable."""
    digest = hashlib.sha1(recipient.strip().casefold().encode()).hexdigest()[:16]
    domain = address_part(from_addr).rpartition("@")[2] or "sitrep.invalid"
    day = report.report_date.isoformat()
    return f"<sitrep-{day}-no{report.number}-r{report.revision}-{digest}@{domain}>"


def _period(report: ReportEmail) -> str:
    return f"{long_date(report.period_start)} to {long_date(report.period_end)}"


def _figure_text(caption: str, value: str, change: str) -> str:
    return f"{value} {caption}" + (f" ({change})" if change else "")


def _uses_link(report: ReportEmail, partner: Partner) -> bool:
    # A partner who asked for a link gets the attachment when nothing is published.
    return partner.format == "link" and bool(report.report_url)


def _size(num_bytes: int) -> str:
    if num_bytes >= 1024 * 1024:
        return f"{num_bytes / (1024 * 1024):.1f} MB"
    return f"{max(1, round(num_bytes / 1024))} KB"


def text_body(report: ReportEmail, partner: Partner, settings: EmailSettings, size: int) -> str:
    lines = [
        f"{report.country}: {report.crisis}",
        f"Situation Report No. {report.number} (as of {long_date(report.report_date)})",
    ]
    if report.revision > 0:
        lines.append(f"Revision {report.revision}: this replaces the earlier issue.")
    lines.append(f"Issued by {report.issuing_office}. Covers {_period(report)}.")
    if report.next_report:
        lines.append(f"Next report: {long_date(report.next_report)}.")
    if report.illustrative:
        lines += ["", "ILLUSTRATIVE: this report uses sample data. Do not cite its figures."]
    if report.highlights:
        lines += ["", "HIGHLIGHTS"] + [f"- {item}" for item in report.highlights]
    if report.key_figures:
        lines += ["", "KEY FIGURES"]
        lines += [f"- {_figure_text(f.caption, f.value, f.change)}" for f in report.key_figures]
    lines.append("")
    if _uses_link(report, partner):
        lines.append(f"Full report (PDF): {report.report_url}")
    else:
        lines.append(f"The full report is attached: {report.pdf_path.name} ({_size(size)}).")
    if report.contacts:
        lines += ["", "CONTACTS"]
        lines += [f"- {c.name}, {c.title}, {c.organisation}, {c.email}" for c in report.contacts]
    if settings.unsubscribe:
        lines += ["", f"To stop receiving these reports: {settings.unsubscribe}"]
    return "\n".join(lines) + "\n"


def html_body(report: ReportEmail, partner: Partner, settings: EmailSettings, size: int) -> str:
    e = escape  # quote=True by default, so values are safe inside attributes too
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(subject_line(report))}</title></head>",
        '<body style="font-family: sans-serif; max-width: 40em; line-height: 1.4;">',
        (
            f'<h1 style="font-size: 1.2em;">{e(report.country)}: {e(report.crisis)}<br>'
            f"Situation Report No. {report.number} "
            f"(as of {e(long_date(report.report_date))})</h1>"
        ),
    ]
    if report.revision > 0:
        parts.append(
            f"<p><strong>Revision {report.revision}</strong>: this replaces the earlier issue.</p>"
        )
    meta = f"Issued by {e(report.issuing_office)}. Covers {e(_period(report))}."
    if report.next_report:
        meta += f" Next report: {e(long_date(report.next_report))}."
    parts.append(f"<p>{meta}</p>")
    if report.illustrative:
        parts.append(
            '<p style="border: 2px solid #c00; padding: 0.5em;"><strong>ILLUSTRATIVE</strong>: '
            "this report uses sample data. Do not cite its figures.</p>"
        )
    if report.highlights:
        items = "".join(f"<li>{e(item)}</li>" for item in report.highlights)
        parts.append(f'<h2 style="font-size: 1.1em;">Highlights</h2><ul>{items}</ul>')
    if report.key_figures:
        items = "".join(
            f"<li><strong>{e(f.value)}</strong> {e(f.caption)}"
            + (f" ({e(f.change)})" if f.change else "")
            + "</li>"
            for f in report.key_figures
        )
        parts.append(f'<h2 style="font-size: 1.1em;">Key figures</h2><ul>{items}</ul>')
    if _uses_link(report, partner):
        url = e(report.report_url or "")
        parts.append(f'<p><a href="{url}">Full report (PDF)</a></p>')
    else:
        parts.append(
            f"<p>The full report is attached: {e(report.pdf_path.name)} ({_size(size)}).</p>"
        )
    if report.contacts:
        items = "".join(
            f"<li>{e(c.name)}, {e(c.title)}, {e(c.organisation)}, "
            f'<a href="mailto:{e(c.email)}">{e(c.email)}</a></li>'
            for c in report.contacts
        )
        parts.append(f'<h2 style="font-size: 1.1em;">Contacts</h2><ul>{items}</ul>')
    if settings.unsubscribe:
        link = e(settings.unsubscribe)
        parts.append(
            f'<p style="font-size: 0.9em;"><a href="{link}">Stop receiving these reports</a></p>'
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def build_message(
    report: ReportEmail, partner: Partner, settings: EmailSettings, now: datetime
) -> EmailMessage:
    """The email for one partner. Reads the PDF only when it is attached; `now` sets Date."""
    link = _uses_link(report, partner)
    pdf = b"" if link else report.pdf_path.read_bytes()
    size = report.pdf_path.stat().st_size if link else len(pdf)
    msg = EmailMessage()
    msg["Subject"] = subject_line(report)
    msg["From"] = settings.from_addr
    msg["To"] = _to_header(partner)
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    # A naive datetime is taken as UTC rather than the machine's zone, so output is reproducible.
    msg["Date"] = format_datetime(now if now.tzinfo else now.replace(tzinfo=UTC))
    msg["Message-ID"] = message_id(report, partner.email, settings.from_addr)
    if settings.unsubscribe:
        msg["List-Unsubscribe"] = f"<{settings.unsubscribe}>"
        if settings.unsubscribe.startswith("https:"):
            # RFC 8058 one-click unsubscribe; only meaningful for an https endpoint.
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text_body(report, partner, settings, size))
    msg.add_alternative(html_body(report, partner, settings, size), subtype="html")
    if not link:
        # Adding an attachment turns multipart/alternative into multipart/mixed around it.
        msg.add_attachment(
            pdf, maintype="application", subtype="pdf", filename=report.pdf_path.name
        )
    msg.policy = _SEND_POLICY
    return msg


def _to_header(partner: Partner) -> str:
    from email.headerregistry import Address

    if partner.name:
        username, _, domain = partner.email.strip().rpartition("@")
        return str(Address(display_name=partner.name, username=username, domain=domain))
    return partner.email.strip()


# --- the per-run fast path -------------------------------------------------------------------

SMTP_LINESEP = "\r\n"  # RFC 5321/5322 line ends, which smtplib.sendmail() sends unchanged
# Only these two headers depend on the partner; the format (PDF or link) picks the template.
_PER_PARTNER = ("to", "message-id")


@dataclass(frozen=True)
class _Template:
    """One format's message, serialised once and cut around To and Message-ID."""

    policy: EmailPolicy  # _SEND_POLICY with the template's line ends
    before_to: bytes  # folded headers before To
    between: bytes  # folded headers between To and Message-ID
    after: bytes  # the remaining headers, the blank line and the whole MIME body

    def render(self, report: ReportEmail, partner: Partner, settings: EmailSettings) -> bytes:
        return b"".join(
            (
                self.before_to,
                _folded(self.policy, "To", _to_header(partner)),
                self.between,
                _folded(
                    self.policy, "Message-ID", message_id(report, partner.email, settings.from_addr)
                ),
                self.after,
            )
        )


def _folded(pol: EmailPolicy, name: str, value: str) -> bytes:
    # What `msg[name] = value` followed by BytesGenerator does for one header.
    name, header = pol.header_store_parse(name, value)
    return pol.fold_binary(name, header)


class MessageFactory:
    """Every partner's message for one run, with the shared work done once per format.

    Partners in one run differ only in To and Message-ID, and in getting the PDF or a link.
    So the first partner of each format gets a message from build_message, serialised once by the
    email package (base64 of the PDF, bodies, MIME boundary); every partner after that costs two
    folded header lines and one join. The result is the same message build_message() would give,
    headers in the same order, except that all partners of a format share one MIME boundary.
    """

    def __init__(self, report: ReportEmail, settings: EmailSettings, now: datetime) -> None:
        self.report = report
        self.settings = settings
        self.now = now
        self._templates: dict[tuple[bool, str], _Template] = {}

    def build(self, partner: Partner) -> EmailMessage:
        """The plain EmailMessage, for a transport that serialises messages itself."""
        return build_message(self.report, partner, self.settings, self.now)

    def as_bytes(self, partner: Partner, linesep: str = SMTP_LINESEP) -> bytes:
        """The serialised message for `partner`, every line ending in `linesep`."""
        key = (_uses_link(self.report, partner), linesep)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._template(partner, linesep)
        return template.render(self.report, partner, self.settings)

    def _template(self, partner: Partner, linesep: str) -> _Template:
        msg = self.build(partner)
        pol = msg.policy.clone(linesep=linesep)
        buffer = io.BytesIO()
        BytesGenerator(buffer, policy=pol).flatten(msg)
        raw = buffer.getvalue()
        # Flattening fixed the MIME boundaries in `msg`, so folding its headers again gives the
        # bytes just written; the body is everything after them.
        items = list(msg.raw_items())
        folded = [pol.fold_binary(name, value) for name, value in items]
        names = [name.lower() for name, _ in items]
        head = b"".join(folded)
        if not raw.startswith(head) or any(names.count(n) != 1 for n in _PER_PARTNER):
            raise AssertionError("the message layout is not what MessageFactory expects")
        to, mid = names.index("to"), names.index("message-id")
        if to > mid:
            raise AssertionError("MessageFactory expects To before Message-ID")
        template = _Template(
            policy=pol,
            before_to=b"".join(folded[:to]),
            between=b"".join(folded[to + 1 : mid]),
            after=b"".join(folded[mid + 1 :]) + raw[len(head) :],
        )
        if template.render(self.report, partner, self.settings) != raw:
            raise AssertionError("MessageFactory does not reproduce the generator's output")
        if raw.count(b"\n") != raw.count(linesep.encode()):
            raise AssertionError(f"the serialised message has line ends other than {linesep!r}")
        return template
