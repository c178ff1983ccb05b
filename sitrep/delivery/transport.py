"""How messages leave over SMTP: one connection kept open for the whole run.

SMTP replies are sorted into four kinds because each needs a different response:
temporary (4xx, dropped connection before the message was handed over) is retried by the caller
with backoff, permanent (5xx for one recipient) is recorded and the run goes on, unknown (the
message was handed over, then no reply came to the final ".") is never retried, and fatal
(authentication, TLS, sender refused) stops the run with a DeliveryError.

"Handed over" starts when the final "." is written: a server may not deliver a message whose
end it never saw (RFC 5321 4.1.1.4), so a failure while the body is still being written is
temporary. The caller is told just before the body goes out (`on_data`), to record it first.

No message or error text ever contains the password: server replies are scrubbed in case a
server echoes what it was sent.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self, runtime_checkable

from sitrep.errors import DeliveryError
from sitrep.safety.secrets import redact, secret_forms
from sitrep.settings.smtp_url import SmtpTarget as SmtpTarget
from sitrep.settings.smtp_url import parse_smtp_url as parse_smtp_url

if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

_AUTH_CODES = (530, 534, 535)


class TemporaryFailure(Exception):
    """A 4xx reply or a lost connection: worth trying again later."""

    def __init__(self, code: int | None, text: str, *, connecting: bool = False) -> None:
        self.code = code
        self.text = text
        self.connecting = connecting  # True when no connection could be made at all
        super().__init__(f"{code} {text}" if code else text)


class UnknownOutcome(Exception):
    """The whole message went out but no reply came: the server may have delivered it."""


class PermanentFailure(Exception):
    """A 5xx reply for one recipient: do not retry, carry on with the others."""

    def __init__(self, code: int, text: str) -> None:
        self.code = code
        self.text = text
        super().__init__(f"{code} {text}")


class CircuitBreaker:
    """Stops a run trying a server that fails every message: after `limit` temporary failures
    in a row (4xx replies, connections refused or lost), whoever the recipients, or once one
    recipient's every try found no connection at all. A 2xx or 5xx answer (the server is
    answering) starts the count again. `reason` says why it tripped, once it has.

    Without it a server answering 4xx to everyone costs every recipient `max_attempts` tries
    and their backoff (about 7 s each at the defaults: 1,000 partners, two hours of a cron
    lock); with it, at the defaults, 10 tries in all.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_a_row = 0
        self.reason: str | None = None

    def failed(self, exc: TemporaryFailure, tries: int, *, last: bool) -> None:
        """A try failed for a while; `last`: the recipient's tries ran out."""
        self.in_a_row += 1
        if self.in_a_row >= self.limit:
            self.reason = f"{self.in_a_row} temporary failures in a row, the last: {exc}"
        elif exc.connecting and last:
            self.reason = f"no connection in {tries} tries: {exc}"

    def answered(self) -> None:
        """The server took a message or refused one for good: it is answering."""
        self.in_a_row = 0


OnData = Callable[[], None]  # called once the server is ready for the message, before any byte


class Transport(Protocol):
    """What send_report needs. `send` returns the file written, or None when sent over SMTP."""

    records_delivery: bool  # False for the outbox: writing a file reaches nobody

    def send(
        self, message: EmailMessage, sender: str, recipient: str, on_data: OnData | None = None
    ) -> Path | None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: object, exc: object, traceback: object, /) -> None: ...


def _reply_text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


@runtime_checkable
class BytesTransport(Transport, Protocol):
    """A transport that also takes a message already serialised (see MessageFactory), which
    spares serialising the shared parts of every message again. send_report uses it when
    can_send_bytes() says yes, and send() otherwise."""

    linesep: str  # the line ends `send_bytes` expects

    def can_send_bytes(self, sender: str, recipient: str) -> bool: ...

    def send_bytes(
        self, data: bytes, sender: str, recipient: str, on_data: OnData | None = None
    ) -> Path | None: ...


def quote_periods(data: bytes) -> bytes:
    """RFC 5321 4.5.2 dot-stuffing: a line that starts with '.' gets a second one.

    The same bytes as smtplib's multiline regex substitution, which takes over a millisecond
    for a message with a 100 KB attachment; bytes.replace takes a few microseconds.
    """
    stuffed = data.replace(b"\n.", b"\n..")
    return b"." + stuffed if stuffed.startswith(b".") else stuffed


class _Smtp(smtplib.SMTP):
    """smtplib.SMTP whose DATA tells the caller before the message goes out, waits
    `data_timeout` for the reply to the final ".", and raises UnknownOutcome when that reply
    never comes. Dots are stuffed with quote_periods, not a regex: the same wire bytes."""

    on_data: OnData | None = None
    data_timeout: float = 600.0

    def data(self, msg: Buffer | str) -> tuple[int, bytes]:
        if isinstance(msg, str):
            # smtplib's own line-end fix, as SMTP.data does for a str (private: not in its stubs)
            fixed: str = smtplib._fix_eols(msg)  # type: ignore[attr-defined]
            msg = fixed.encode("ascii")
        msg = bytes(msg)  # sendmail and send_message pass bytes: no copy then
        # smtplib.SMTP.data for bytes, minus its debug output.
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if self.on_data is not None:
            self.on_data()  # the ledger says 'sending' before the first byte of the message
        stuffed = quote_periods(msg)
        if not stuffed.endswith(b"\r\n"):
            stuffed += b"\r\n"
        self.send(stuffed)  # a failure here: the server never saw the end, nothing delivered
        sock = self.sock
        try:
            if sock is not None:
                sock.settimeout(self.data_timeout)  # RFC 5321 4.5.3.2: 10 minutes for "."
            self.send(b".\r\n")
            code, reply = self.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise UnknownOutcome(_ended_how(exc, self.data_timeout)) from None
        if sock is not None and self.sock is sock:
            sock.settimeout(self.timeout)
        if 200 <= code < 300:
            return 250, reply  # 250 is what sendmail() takes for success
        if not 400 <= code < 600:
            self.close()
            raise UnknownOutcome(f"the reply to the end of the message was garbled ({code})")
        return code, reply


def _ended_how(exc: BaseException, data_timeout: float) -> str:
    if timed_out(exc):
        return f"no reply to the end of the message within {data_timeout:g} s"
    return "the connection was lost after the whole message was sent, before the reply"


def timed_out(exc: BaseException) -> bool:
    """Whether `exc` is a socket timeout, or was raised while handling one: smtplib turns a
    timeout in `getreply` into SMTPServerDisconnected, with the TimeoutError as its context."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, TimeoutError):  # socket.timeout is TimeoutError (Python 3.10+)
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


class _SmtpSsl(_Smtp, smtplib.SMTP_SSL):
    """smtplib.SMTP_SSL with the same DATA."""


class SmtpTransport:
    """One SMTP connection reused for every message; reconnects after the server drops it."""

    records_delivery = True
    linesep = "\r\n"

    def __init__(self, target: SmtpTarget) -> None:
        self.target = target
        self._conn: _Smtp | None = None
        self.connections = 0  # how many times we connected; tests and the bench read it

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _scrub(self, text: str) -> str:
        return redact(text, secret_forms(self.target.password, self.target.username))

    def _drop(self) -> None:
        # After a dropped connection or 421 the socket is useless; the next send reconnects.
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        """Say QUIT politely; ignore a server that has already gone."""
        if self._conn is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._conn.quit()
        self._drop()

    def _connect(self) -> _Smtp:
        t = self.target
        context = t.ssl_context or ssl.create_default_context()
        conn: _Smtp | None = None
        try:
            if t.security == "tls":
                conn = _SmtpSsl(t.host, t.port, timeout=t.timeout, context=context)
            else:
                conn = _Smtp(t.host, t.port, timeout=t.timeout)
            conn.data_timeout = t.data_timeout
            conn.ehlo()
            if t.security != "tls":
                if conn.has_extn("starttls"):
                    conn.starttls(context=context)
                    conn.ehlo()
                elif t.security == "starttls":
                    raise DeliveryError(
                        f"{t.display()} does not offer STARTTLS, which smtp+starttls:// "
                        "requires; use smtps:// if the server expects TLS from the start"
                    )
                elif t.password:
                    raise DeliveryError(
                        f"{t.display()} does not offer STARTTLS; refusing to send the password "
                        "unencrypted. Use smtps:// or smtp+starttls:// on a port with TLS"
                    )
            if t.username:
                if not conn.has_extn("auth"):
                    raise DeliveryError(
                        f"{t.display()} does not offer authentication (AUTH); "
                        "remove the user from the URL or use the submission port (587)"
                    )
                conn.login(t.username, t.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            self._close_quietly(conn)
            raise DeliveryError(
                f"{t.display()} refused the login for user {t.username!r} "
                f"({exc.smtp_code} {self._scrub(_reply_text(exc.smtp_error))}). Check the user "
                "in the SMTP URL and the SITREP_SMTP_PASSWORD environment variable"
            ) from None
        except ssl.SSLError as exc:
            self._close_quietly(conn)
            reason = getattr(exc, "verify_message", None) or exc.reason or type(exc).__name__
            raise DeliveryError(
                f"TLS with {t.display()} failed: {reason}. Check the host name and port "
                "(smtps:// is usually 465, smtp+starttls:// 587)"
            ) from None
        except DeliveryError:
            self._close_quietly(conn)
            raise
        except smtplib.SMTPResponseException as exc:
            self._close_quietly(conn)
            text = self._scrub(_reply_text(exc.smtp_error))
            if 400 <= exc.smtp_code < 500:
                raise TemporaryFailure(exc.smtp_code, text, connecting=True) from None
            raise DeliveryError(
                f"{t.display()} refused the session: {exc.smtp_code} {text}"
            ) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._close_quietly(conn)
            raise TemporaryFailure(
                None, f"cannot connect to {t.display()}: {self._scrub(str(exc))}", connecting=True
            ) from None
        self.connections += 1
        return conn

    @staticmethod
    def _close_quietly(conn: smtplib.SMTP | None) -> None:
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def send(
        self, message: EmailMessage, sender: str, recipient: str, on_data: OnData | None = None
    ) -> Path | None:
        """Send one message to one recipient; raise TemporaryFailure, PermanentFailure or
        UnknownOutcome. `on_data` runs once the server is ready for the message."""
        # send_message also covers non-ASCII addresses (SMTPUTF8, with UTF-8 headers).
        self._submit(
            lambda conn: conn.send_message(message, from_addr=sender, to_addrs=[recipient]),
            on_data,
        )
        return None

    def can_send_bytes(self, sender: str, recipient: str) -> bool:
        """False for a non-ASCII address: only send() knows how to write it for SMTPUTF8."""
        return sender.isascii() and recipient.isascii()

    def send_bytes(
        self, data: bytes, sender: str, recipient: str, on_data: OnData | None = None
    ) -> Path | None:
        """Like send() for a message already serialised with CRLF line ends (MessageFactory
        makes them so). smtplib sends bytes as they are: a bare LF would reach the server."""
        self._submit(lambda conn: conn.sendmail(sender, [recipient], data), on_data)
        return None

    def _submit(self, submit: Callable[[_Smtp], object], on_data: OnData | None) -> None:
        if self._conn is None:
            self._conn = self._connect()
        conn = self._conn
        conn.on_data = on_data
        try:
            submit(conn)
        except UnknownOutcome:
            self._drop()  # the session is in an unknown state: the next message reconnects
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, raw = next(iter(exc.recipients.values()))
            raise self._classify(code, _reply_text(raw), sender_refused=False) from None
        except smtplib.SMTPSenderRefused as exc:
            error = _reply_text(exc.smtp_error)
            raise self._classify(exc.smtp_code, error, sender_refused=True) from None
        except smtplib.SMTPServerDisconnected:
            self._drop()
            raise TemporaryFailure(None, "the server closed the connection") from None
        except smtplib.SMTPResponseException as exc:
            error = _reply_text(exc.smtp_error)
            raise self._classify(exc.smtp_code, error, sender_refused=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TemporaryFailure(None, f"connection error: {self._scrub(str(exc))}") from None
        except BaseException:  # the ledger failed in on_data, Ctrl+C: dropped, then re-raised
            # The session may be inside DATA, where a QUIT would be read as the message.
            self._drop()
            raise
        finally:
            conn.on_data = None

    def _classify(self, code: int, raw: str, *, sender_refused: bool) -> Exception:
        """The exception for an SMTP error reply; the caller raises it `from None` so the
        original smtplib exception, which may hold an unscrubbed reply, is not chained."""
        text = self._scrub(raw)
        if code in _AUTH_CODES:
            self._drop()
            return DeliveryError(
                f"{self.target.display()} requires authentication ({code} {text}); "
                "put the user in the SMTP URL and set SITREP_SMTP_PASSWORD"
            )
        if code == 421 or not 400 <= code < 600:
            # 421: the server is closing the channel; smtplib has closed its side already.
            self._drop()
            return TemporaryFailure(code, text)
        if code < 500:
            return TemporaryFailure(code, text)
        if sender_refused and code != 552:
            # Refusing the sender refuses every message; 552 at MAIL is about size instead.
            return DeliveryError(
                f"{self.target.display()} refused the sender address: {code} {text}. "
                "Check email.from in sitrep.toml"
            )
        return PermanentFailure(code, text)
