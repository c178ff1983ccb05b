"""One email per partner: subject, plain-text and HTML bodies, the PDF or a link to it.

The bodies carry the highlights, key figures, period and contacts, so a partner reading on a
phone over a poor line learns the essentials without opening the PDF. No remote images: they cost
bandwidth and many clients block them anyway. The logo travels inside the message as a
`cid:` part of a multipart/related HTML body.

Every word comes from the `[email]` section of the report's message catalogue, in the report's
language (see wording.py); a right-to-left language gets `dir="rtl"` and right-aligned text.

Unsubscribing: `[email] unsubscribe` may hold `{email}` (the recipient's address, URL-quoted)
or `{token}` (a random per-recipient token kept in the send ledger). Such a link is per
recipient, and only then, when it is https, is RFC 8058's one-click List-Unsubscribe-Post
header added: a one-click POST to a list-wide URL would unsubscribe nobody in particular.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from sitrep.delivery.model import Partner, ReportEmail, mailbox_key
from sitrep.delivery.wording import Html, Wording, default_translator, wording
from sitrep.render.bidi import isolate, isolate_runs, plain
from sitrep.safety.addresses import address_character, unsafe_character
from sitrep.safety.xmlchars import xml_safe
from sitrep.settings.email import EmailSettings, address_part, unsubscribe_fields
from sitrep.settings.languages import right_to_left
from sitrep.settings.locales import language_tag

# Headers are written with a 998-character limit (RFC 5322's hard limit) instead of 78. The
# stdlib folds a subject of 70-78 characters as "Subject:" CRLF " Country: ...", and its own
# parser then returns the subject with a leading space. Bodies are encoded before this policy is
# set, so base64 and quoted-printable lines keep their 76-character limit.
_SEND_POLICY = policy.default.clone(max_line_length=998)


def long_date(day: date, locale: str = "en") -> str:
    """date(2021, 8, 24) -> '24 August 2021' ('24 août 2021' in French)."""
    return Wording(default_translator(locale), locale).date(day)


def subject_line(report: ReportEmail) -> str:
    """'Mozambique: Cabo Delgado - Situation Report No. 9 (as of 24 March 2024)'."""
    w = wording(report)
    subject = w(
        "subject",
        title=w("title", country=report.country, crisis=report.crisis),
        number=w.number(report.number),
        date=w.date(report.report_date),
    )
    if report.revision > 0:
        subject = w("subject_revision", subject=subject, revision=w.number(report.revision))
    return plain(subject)  # a header: without the isolates the bodies have


def message_id(report: ReportEmail, recipient: str, from_addr: str) -> str:
    """Stable for (report date, number, revision, recipient), so a resend is recognisable."""
    digest = hashlib.sha1(mailbox_key(recipient).encode()).hexdigest()[:16]
    domain = address_part(from_addr).rpartition("@")[2] or "sitrep.invalid"
    day = report.report_date.isoformat()
    return f"<sitrep-{day}-no{report.number}-r{report.revision}-{digest}@{domain}>"


def _period(w: Wording, report: ReportEmail) -> str:
    return w("period", start=w.date(report.period_start), end=w.date(report.period_end))


def _figure_text(w: Wording, caption: str, value: str, change: str) -> str:
    # no value: the caption says the number in its words (an Arabic dual, "حالتا حصار")
    figure = w("figure", value=value, caption=caption) if value else caption
    return w("figure_change", figure=figure, change=change) if change else figure


def uses_link(report: ReportEmail, partner: Partner) -> bool:
    """Whether `partner` gets the report as a link (else attached).

    A partner who asked for a link gets the attachment when nothing is published.
    """
    return partner.format == "link" and bool(report.report_url)


def unsubscribe_link(settings: EmailSettings, recipient: str, token: str | None) -> str | None:
    """The recipient's unsubscribe URL: `{email}` and `{token}` filled in (None: no setting)."""
    template = settings.unsubscribe
    if template is None:
        return None
    fields = unsubscribe_fields(template)
    if "token" in fields and not token:
        raise ValueError("the unsubscribe setting uses {token}: pass the recipient's token")
    link = template.replace("{email}", quote(recipient.strip(), safe="@"))
    return link.replace("{token}", quote(token or "", safe=""))


def per_recipient_unsubscribe(settings: EmailSettings) -> bool:
    return bool(settings.unsubscribe and unsubscribe_fields(settings.unsubscribe))


def logo_cid(report: ReportEmail) -> str:
    """A Content-ID that depends on the logo's bytes only, so messages stay reproducible."""
    digest = hashlib.sha256(report.logo or b"").hexdigest()[:16]
    return f"logo-{digest}@sitrep.invalid"


def text_body(
    report: ReportEmail,
    partner: Partner,
    settings: EmailSettings,
    size: int,
    unsubscribe: str | None = None,
) -> str:
    w = wording(report)
    number, day = w.number(report.number), w.date(report.report_date)
    lines = [
        w("title", country=report.country, crisis=report.crisis),
        w("sitrep_no", number=number, date=day),
    ]
    if report.revision > 0:
        lines.append(w("replaces", revision=w("revision", revision=w.number(report.revision))))
    lines.append(w("issued", office=report.issuing_office, period=_period(w, report)))
    if report.next_report:
        lines.append(w("next_report", date=w.date(report.next_report)))
    if report.illustrative:
        lines += ["", w("illustrative", label=w("illustrative_label"))]
    if report.highlights:
        lines += ["", w("highlights")] + [f"- {_runs(report, item)}" for item in report.highlights]
    if report.key_figures:
        lines += ["", w("key_figures")]
        lines += [f"- {_figure_text(w, f.caption, f.value, f.change)}" for f in report.key_figures]
    lines.append("")
    if uses_link(report, partner):
        lines.append(w("link", url=report.report_url))
    else:
        lines.append(w("attached", file=report.pdf_path.name, size=w.size(size)))
    if report.contacts:
        lines += ["", w("contacts")]
        lines += [
            "- " + w("contact", name=c.name, title=c.title, organisation=c.organisation,
                     email=c.email)
            for c in report.contacts
        ]  # fmt: skip
    if unsubscribe:
        lines += ["", w("unsubscribe", link=unsubscribe)]
    return "\n".join(lines) + "\n"


def html_body(
    report: ReportEmail,
    partner: Partner,
    settings: EmailSettings,
    size: int,
    unsubscribe: str | None = None,
) -> str:
    e = escape  # quote=True by default, so values are safe inside attributes too
    logo = (
        f'<img src="cid:{logo_cid(report)}" alt="{e(report.issuing_office)}" width="48" '
        'height="48" style="float: right; width: 48px; height: 48px; margin-left: 12px;">'
        if report.logo
        else ""
    )
    # The report's title band: the accent colour behind white text and the (white) logo.
    accent = report.accent if re.fullmatch(r"#[0-9a-fA-F]{6}", report.accent) else "#0b5ea8"

    w = wording(report)
    number, day = w.number(report.number), w.date(report.report_date)
    rtl = right_to_left(report.language)
    lang = e(language_tag(report.language))
    direction = ' dir="rtl"' if rtl else ""
    # Right to left: the whole body's direction and alignment, for clients that drop dir=.
    align = " direction: rtl; text-align: right;" if rtl else ""
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"{direction}><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(subject_line(report))}</title></head>",
        f'<body style="font-family: sans-serif; max-width: 40em; line-height: 1.4;{align}">',
        (  # the title band, then the message itself: landmarks a screen reader jumps between
            f'<header style="background: {accent}; color: #ffffff; padding: 12px 14px;">{logo}'
            f'<h1 style="font-size: 1.2em; margin: 0; color: #ffffff;">'
            f"{e(w('title', country=report.country, crisis=report.crisis))}<br>"
            f"{w.html('sitrep_no', number=number, date=day)}</h1>"
            '<div style="clear: both;"></div></header><main>'
        ),
    ]
    if report.revision > 0:
        revision = w("revision", revision=w.number(report.revision))
        strong = Html(f"<strong>{e(revision)}</strong>")
        parts.append(f"<p>{w.html('replaces', revision=strong)}</p>")
    meta = w.html("issued", office=report.issuing_office, period=_period(w, report))
    if report.next_report:
        meta += " " + w.html("next_report", date=w.date(report.next_report))
    parts.append(f"<p>{meta}</p>")
    if report.illustrative:
        label = Html(f"<strong>{e(w('illustrative_label'))}</strong>")
        parts.append(
            '<p style="border: 2px solid #c00; padding: 0.5em;">'
            f"{w.html('illustrative', label=label)}</p>"
        )
    if report.highlights:
        items = "".join(f"<li>{_runs(report, e(item))}</li>" for item in report.highlights)
        heading = e(w("highlights_heading"))
        parts.append(f'<h2 style="font-size: 1.1em;">{heading}</h2><ul>{items}</ul>')
    if report.key_figures:
        items = "".join(
            "<li>" + _figure_html(w, f.caption, f.value, f.change) + "</li>"
            for f in report.key_figures
        )
        heading = e(w("key_figures_heading"))
        parts.append(f'<h2 style="font-size: 1.1em;">{heading}</h2><ul>{items}</ul>')
    if uses_link(report, partner):
        url = e(report.report_url or "")
        parts.append(f'<p><a href="{url}">{e(w("link_label"))}</a></p>')
    else:
        attached = w.html("attached", file=report.pdf_path.name, size=w.size(size))
        parts.append(f"<p>{attached}</p>")
    if report.contacts:
        items = "".join(
            "<li>"
            + w.html(
                "contact", name=c.name, title=c.title, organisation=c.organisation,
                email=Html(f'<a href="mailto:{e(c.email)}">{e(isolate(c.email, rtl))}</a>'),
            )
            + "</li>"
            for c in report.contacts
        )  # fmt: skip
        heading = e(w("contacts_heading"))
        parts.append(f'<h2 style="font-size: 1.1em;">{heading}</h2><ul>{items}</ul>')
    if unsubscribe:
        link = e(unsubscribe)
        parts.append(
            f'<p style="font-size: 0.9em;"><a href="{link}">{e(w("unsubscribe_label"))}</a></p>'
        )
    parts.append("</main></body></html>")
    return xml_safe("\n".join(parts)) + "\n"  # contacts and figures are cell text


def _runs(report: ReportEmail, text: str) -> str:
    """A highlight's runs of Latin letters and digits isolated in a right-to-left email."""
    return isolate_runs(text) if right_to_left(report.language) else text


def _figure_html(w: Wording, caption: str, value: str, change: str) -> str:
    strong = Html(f"<strong>{escape(value or caption)}</strong>")
    figure = w.html("figure", value=strong, caption=caption) if value else strong
    return w.html("figure_change", figure=Html(figure), change=change) if change else figure


def build_message(
    report: ReportEmail,
    partner: Partner,
    settings: EmailSettings,
    now: datetime,
    token: str | None = None,
    attachment: bytes | None = None,
) -> EmailMessage:
    """The email for one partner. Reads the PDF only when it is attached; `now` sets Date.

    `token` is the partner's unsubscribe token, needed when the unsubscribe setting has {token}.
    `attachment` replaces the PDF's bytes (MessageFactory attaches a marker it swaps for the
    PDF, encoded once per run); the body still gives the PDF's size.
    """
    for text, check in ((partner.email, address_character), (partner.name, unsafe_character)):
        if bad := check(text):
            # The partners table is validated before this; a NUL must never reach a header.
            raise ValueError(f"partner {partner.email!r}: {bad} in {text!r}")
    link = uses_link(report, partner)
    if link:
        pdf, size = b"", report.pdf_path.stat().st_size
    elif attachment is not None:
        pdf, size = attachment, report.pdf_path.stat().st_size
    else:
        pdf = report.pdf_path.read_bytes()
        size = len(pdf)
    msg = EmailMessage()
    msg["Subject"] = subject_line(report)
    msg["From"] = settings.from_addr
    msg["To"] = to_header(partner)
    if settings.reply_to:
        msg["Reply-To"] = settings.reply_to
    # A naive datetime is taken as UTC rather than the machine's zone, so output is reproducible.
    msg["Date"] = format_datetime(now if now.tzinfo else now.replace(tzinfo=UTC))
    msg["Message-ID"] = message_id(report, partner.email, settings.from_addr)
    # RFC 3834: a report is sent by a program, so out-of-office replies are not sent back on
    # every daily send
    msg["Auto-Submitted"] = "auto-generated"
    unsubscribe = unsubscribe_link(settings, partner.email, token)
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https:") and per_recipient_unsubscribe(settings):
            # RFC 8058 one-click: a POST to this URL unsubscribes this recipient, so the URL
            # must name them and be https.
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text_body(report, partner, settings, size, unsubscribe))
    msg.add_alternative(html_body(report, partner, settings, size, unsubscribe), subtype="html")
    if report.logo:
        html_part = list(msg.iter_parts())[1]
        maintype, _, subtype = report.logo_type.partition("/")
        # inline, without a file name: a part of the HTML body (multipart/related), which mail
        # clients show in the body and never list as an attachment
        html_part.add_related(
            report.logo, maintype=maintype, subtype=subtype, cid=f"<{logo_cid(report)}>",
            disposition="inline",
        )  # fmt: skip
    if not link:
        # Adding an attachment turns multipart/alternative into multipart/mixed around it.
        msg.add_attachment(
            pdf, maintype="application", subtype="pdf", filename=report.pdf_path.name
        )
    # BCP 47 ("ar-SD", not "ar_SD"); last, as set_content and the multipart parts move the
    # Content- headers set before them into the body's parts
    msg["Content-Language"] = language_tag(report.language)
    msg.policy = _SEND_POLICY
    return msg


def to_header(partner: Partner) -> str:
    """The To header for `partner`: "Name <address>", or the address alone."""
    if partner.name:
        username, _, domain = partner.email.strip().rpartition("@")
        return str(Address(display_name=partner.name, username=username, domain=domain))
    return partner.email.strip()
