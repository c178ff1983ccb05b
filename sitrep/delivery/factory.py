"""The per-run fast path: every partner's message, with the shared work done once per format.

Partners in one run differ only in To and Message-ID (and in getting the PDF or a link), so the
first message of each format is serialised by the email package and cut around those two
headers. With a per-recipient unsubscribe link the bodies differ too; then only the PDF's base64
is shared. Either way the bytes are those build_message() would give (checked at run time).
"""

from __future__ import annotations

import base64
import binascii
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import Policy

from sitrep.delivery.message import (
    build_message,
    message_id,
    per_recipient_unsubscribe,
    to_header,
    uses_link,
)
from sitrep.delivery.model import Partner, ReportEmail
from sitrep.settings.email import EmailSettings, unsubscribe_fields

SMTP_LINESEP = "\r\n"  # RFC 5321/5322 line ends, which smtplib.sendmail() sends unchanged
# Only these two headers depend on the partner; the format (PDF or link) picks the template.
_PER_PARTNER = ("to", "message-id")


@dataclass(frozen=True)
class _Template:
    """One format's message, serialised once and cut around To and Message-ID."""

    policy: Policy  # _SEND_POLICY with the template's line ends
    before_to: bytes  # folded headers before To
    between: bytes  # folded headers between To and Message-ID
    after: bytes  # the remaining headers, the blank line and the whole MIME body

    def render(self, report: ReportEmail, partner: Partner, settings: EmailSettings) -> bytes:
        return b"".join(
            (
                self.before_to,
                _folded(self.policy, "To", to_header(partner)),
                self.between,
                _folded(
                    self.policy, "Message-ID", message_id(report, partner.email, settings.from_addr)
                ),
                self.after,
            )
        )


def _flatten(msg: EmailMessage, linesep: str) -> bytes:
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=msg.policy.clone(linesep=linesep)).flatten(msg)
    return buffer.getvalue()


def _base64_lines(data: bytes) -> str:
    """Base64 as the email package writes an attachment: 76 characters a line, each ending in
    a newline (its default policy's 78-character limit, in whole 4-character groups)."""
    step = 78 // 4 * 3
    return "".join(
        binascii.b2a_base64(data[i : i + step]).decode("ascii") for i in range(0, len(data), step)
    )


def _folded(pol: Policy, name: str, value: str) -> bytes:
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

    def __init__(
        self,
        report: ReportEmail,
        settings: EmailSettings,
        now: datetime,
        token_for: Callable[[str], str] | None = None,
    ) -> None:
        self.report = report
        self.settings = settings
        self.now = now
        self.token_for = token_for  # recipient -> unsubscribe token, for {token}
        self._templates: dict[tuple[bool, str], _Template] = {}
        self._marker: bytes | None = None  # per-recipient messages: see _per_recipient
        self._encoded_pdf = ""

    def build(self, partner: Partner, attachment: bytes | None = None) -> EmailMessage:
        """The plain EmailMessage, for a transport that serialises messages itself."""
        token = None
        if self.settings.unsubscribe and "token" in unsubscribe_fields(self.settings.unsubscribe):
            if self.token_for is None:
                raise ValueError("the unsubscribe setting uses {token}: MessageFactory needs one")
            token = self.token_for(partner.email)
        return build_message(self.report, partner, self.settings, self.now, token, attachment)

    def as_bytes(self, partner: Partner, linesep: str = SMTP_LINESEP) -> bytes:
        """The serialised message for `partner`, every line ending in `linesep`."""
        if per_recipient_unsubscribe(self.settings):
            return self._per_recipient(partner, linesep)
        key = (uses_link(self.report, partner), linesep)
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = self._template(partner, linesep)
        return template.render(self.report, partner, self.settings)

    def _per_recipient(self, partner: Partner, linesep: str) -> bytes:
        """The unsubscribe link is in both bodies too, so no two messages share a body: each is
        serialised whole, except the PDF. Its base64 (a good part of the work) is made once;
        each message carries a random marker in its place, swapped for it after serialising.
        Still about 10 ms a message with a 100 KB PDF, against under 1 ms for a shared link."""
        if uses_link(self.report, partner):
            return _flatten(self.build(partner), linesep)
        if self._marker is None:
            pdf = self.report.pdf_path.read_bytes()
            self._marker = secrets.token_bytes(18)  # base64: one 24-character line, no padding
            self._encoded_pdf = _base64_lines(pdf)
            raw = self._swap(_flatten(self.build(partner, self._marker), linesep), linesep)
            parsed = BytesParser(policy=policy.default).parsebytes(raw)
            if [p.get_content() for p in parsed.iter_attachments()] != [pdf]:
                raise AssertionError("MessageFactory did not carry the PDF over")
            return raw
        return self._swap(_flatten(self.build(partner, self._marker), linesep), linesep)

    def _swap(self, raw: bytes, linesep: str) -> bytes:
        assert self._marker is not None
        marker = base64.b64encode(self._marker) + linesep.encode()
        if raw.count(marker) != 1:
            raise AssertionError("the PDF's marker is not where MessageFactory expects it")
        return raw.replace(marker, self._encoded_pdf.replace("\n", linesep).encode("ascii"))

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
