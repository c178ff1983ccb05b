"""A real local SMTP server (aiosmtpd) for the delivery tests and the send benchmark,
and the message helpers the delivery tests share (parse_message, assert_same_message).

It listens on 127.0.0.1 on a free port, optionally with STARTTLS or implicit TLS using a
self-signed certificate made at test time (openssl, as `cryptography` is not installed), and
optionally AUTH LOGIN/PLAIN with a known user. Its handler can be scripted to answer RCPT with
given replies (or one reply to everyone: `handler.rcpt_everyone`, with `handler.rcpt_count`
counting every RCPT), to drop the connection at the Nth DATA, or to hold the Nth message until
the client is killed. It records every message it accepts.

Faults per address (`handler.fault(address, *faults)`, one fault per attempt, then normal):
- "delay": take the message (it counts as delivered), then reply only after `delay_seconds`,
  longer than the client's data timeout in the tests;
- "drop_after_dot": take the message, then close the connection without a reply;
- "hold": take the message and never reply (until the client is killed);
- "451" / "554": reply so to the final dot, without taking the message;
- "drop_before_data": close the connection at RCPT, before any DATA;
- "hold_before_data": never answer RCPT (until the client is killed).
The tests count copies per recipient with `handler.copies()`.

Use it as a context manager:

    with SmtpTestServer(tls="starttls", auth=("sitrep", "pw")) as server:
        url = server.url("smtp+starttls", user="sitrep")
        context = server.client_context()   # trusts the self-signed certificate
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

TlsMode = Literal["none", "starttls", "implicit"]


@functools.cache
def certificate() -> tuple[Path, Path]:
    """(cert.pem, key.pem) for 127.0.0.1/localhost, made once per process, removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="sitrep-smtp-cert-"))
    atexit.register(shutil.rmtree, folder, True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "2",
            "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage
    session: int  # which connection it came on (1-based, in order of first MAIL)
    tls: bool
    login: str | None


class ScriptedHandler:
    """aiosmtpd handler: records messages; replies as scripted."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.rcpt_script: dict[str, list[str]] = {}  # address -> next replies, then 250
        self.rcpt_always: dict[str, str] = {}  # address -> reply to every RCPT
        self.rcpt_everyone: str | None = None  # the reply to every RCPT, whoever it is for
        self.rcpt_count = 0  # RCPT commands received (every attempt, answered or not)
        self.drop_at_data: set[int] = set()  # Nth DATA command (1-based, all attempts)
        self.hold_at_data: int | None = None  # Nth DATA waits until the client goes away
        self.held = threading.Event()  # set once a message is being held
        self.data_count = 0
        self.accepted = 0
        self.keep_messages = True  # the benchmark turns this off to measure the client's memory
        self.faults: dict[str, list[str]] = {}  # address -> one fault per attempt (see above)
        self.delay_seconds = 3.0
        self.holding = threading.Event()  # set once a "hold" fault holds a message
        self._sessions: dict[int, int] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)

    def script_rcpt(self, address: str, *replies: str) -> None:
        self.rcpt_script[address.casefold()] = list(replies)

    def fault(self, address: str, *faults: str) -> None:
        """The next attempts for `address` meet these faults, in order; then all is well."""
        self.faults[address.casefold()] = list(faults)

    def _fault(self, address: str, stage: set[str]) -> str | None:
        queue = self.faults.get(address.casefold())
        if queue and queue[0] in stage:
            return queue.pop(0)
        return None

    def copies(self) -> Counter[str]:
        """How many copies each recipient was handed (messages the server took)."""
        return Counter(to.casefold() for r in self.received for to in r.rcpt_tos)

    @property
    def sessions(self) -> int:
        return len(self._sessions)

    def wait_for(self, count: int, timeout: float = 10) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.received) >= count, timeout)

    def recipients(self) -> list[str]:
        return [to for r in self.received for to in r.rcpt_tos]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            self.rcpt_count += 1
        key = address.casefold()
        fault = self._fault(key, {"drop_before_data", "hold_before_data"})
        if fault == "drop_before_data":
            server.transport.close()
            await asyncio.sleep(5)
            return "451 not reached"
        if fault == "hold_before_data":
            self.holding.set()
            await asyncio.Event().wait()
        if self.rcpt_everyone is not None:
            return self.rcpt_everyone
        if key in self.rcpt_always:
            return self.rcpt_always[key]
        if self.rcpt_script.get(key):
            return self.rcpt_script[key].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.data_count += 1
            number = self.data_count
        if number in self.drop_at_data:
            server.transport.close()  # connection_lost then cancels this coroutine
            await asyncio.sleep(5)
            return "451 not reached"
        if self.hold_at_data == number:
            self.held.set()
            await asyncio.Event().wait()  # cancelled when the killed client's socket closes
        first = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        fault = self._fault(first, {"delay", "drop_after_dot", "hold", "451", "554"})
        if fault in ("451", "554"):
            return f"{fault} {'4.3.0 try again later' if fault == '451' else '5.7.1 refused'}"
        if fault is not None:
            self._record(server, session, envelope)  # the worst case: delivered, not confirmed
            if fault == "drop_after_dot":
                server.transport.close()
                await asyncio.sleep(5)
            elif fault == "hold":
                self.holding.set()
                await asyncio.Event().wait()
            else:
                await asyncio.sleep(self.delay_seconds)
            return "250 Message accepted for delivery (too late)"
        if not self.keep_messages:
            with self._lock:
                self.accepted += 1
            return "250 Message accepted for delivery"
        self._record(server, session, envelope)
        return "250 Message accepted for delivery"

    def _record(self, server, session, envelope) -> None:
        raw = bytes(envelope.original_content or envelope.content)
        message = BytesParser(policy=policy.default).parsebytes(raw)
        with self._changed:
            self.accepted += 1
            session_number = self._sessions.setdefault(id(session), len(self._sessions) + 1)
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    raw=raw,
                    message=message,
                    session=session_number,
                    # session.ssl is only set by STARTTLS; implicit TLS shows on the transport.
                    tls=session.ssl is not None
                    or server.transport.get_extra_info("ssl_object") is not None,
                    login=_login(session.auth_data),
                )
            )
            self._changed.notify_all()


def _login(auth_data: object) -> str | None:
    return auth_data.login.decode() if isinstance(auth_data, LoginPassword) else None


class SmtpTestServer:
    """aiosmtpd Controller on 127.0.0.1; see the module docstring."""

    def __init__(
        self,
        *,
        tls: TlsMode = "none",
        require_starttls: bool = False,
        auth: tuple[str, str] | None = None,
        auth_required: bool = False,
        auth_require_tls: bool = True,
        auth_failure_reply: str | None = None,  # e.g. a reply that echoes the password
    ) -> None:
        self.handler = ScriptedHandler()
        self.host = "127.0.0.1"
        self.port = free_port()
        self.tls = tls
        self.auth = auth
        self._auth_failure_reply = auth_failure_reply
        kwargs: dict[str, object] = {
            "server_hostname": "sitrep-test.invalid",  # avoids a slow getfqdn()
            # aiosmtpd only counts STARTTLS as TLS; on an implicit-TLS port the whole session is
            # encrypted, so AUTH must be allowed "before TLS" or it is never offered.
            "auth_require_tls": auth_require_tls and tls != "implicit",
            "auth_required": auth_required,
            "authenticator": self._authenticate,
            "ready_timeout": 10,
        }
        if tls != "none":
            cert, key = certificate()
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_context.load_cert_chain(cert, key)
            if tls == "starttls":
                kwargs["tls_context"] = server_context
                kwargs["require_starttls"] = require_starttls
            else:
                kwargs["ssl_context"] = server_context
        self.controller = Controller(self.handler, hostname=self.host, port=self.port, **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if (
            self.auth is not None
            and isinstance(auth_data, LoginPassword)
            and (auth_data.login.decode(), auth_data.password.decode()) == self.auth
        ):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False, message=self._auth_failure_reply)

    def url(
        self, scheme: str = "smtp", user: str | None = None, password: str | None = None
    ) -> str:
        cred = ""
        if user:
            cred = user + (f":{password}" if password else "") + "@"
        return f"{scheme}://{cred}{self.host}:{self.port}"

    @staticmethod
    def client_context() -> ssl.SSLContext:
        """A client TLS context that trusts this server's self-signed certificate."""
        return ssl.create_default_context(cafile=str(certificate()[0]))

    def __enter__(self) -> SmtpTestServer:
        self.controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.controller.stop()


class _SinkSMTP(SMTP):
    """aiosmtpd's SMTP session, except that DATA is read in blocks, counted and thrown away.

    aiosmtpd reads DATA a line at a time in Python (about 2,000 awaits for a 100 KB PDF in
    base64), which makes it slower than the sender it is meant to measure. Everything before DATA
    (EHLO, MAIL, RCPT and their checks) is aiosmtpd's own.
    """

    accepted = 0  # messages accepted by this process

    async def smtp_DATA(self, arg: str) -> None:
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        # The client waits for our reply after the terminating dot, so it ends what we have read
        # (a lone dot inside the message is sent as '..', never as '.').
        tail = b"\r\n"  # as if a line had just ended, so an empty message ('.') is seen too
        while not tail.endswith(b"\r\n.\r\n"):
            block = await self._reader.read(1 << 16)
            if not block:
                return  # the client went away
            tail = (tail + block)[-5:]
        _SinkSMTP.accepted += 1
        self._set_post_data_state()
        await self.push("250 Message accepted for delivery")


class _SinkController(Controller):
    def factory(self) -> SMTP:
        return _SinkSMTP(self.handler, **self.SMTP_kwargs)


def _serve_sink(port: int) -> None:
    """The sink process: 'ready' on stdout once listening; answers 'count' on stdin with the
    number of messages accepted; stops when stdin closes."""
    controller = _SinkController(
        object(),  # no handler hooks: _SinkSMTP answers DATA itself
        hostname="127.0.0.1",
        port=port,
        server_hostname="sitrep-test.invalid",
        ready_timeout=10,
    )
    controller.start()
    try:
        print("ready", flush=True)
        for line in sys.stdin:
            if line.strip() == "count":
                print(_SinkSMTP.accepted, flush=True)
    finally:
        controller.stop()


class SinkServerProcess:
    """A plain SMTP server (aiosmtpd, no TLS, no AUTH) in a separate process, for the benchmark.

    In the same process the server's work (reading DATA, parsing) competes with the sender for
    the GIL, so the benchmark would partly measure the server. This one reads each message in
    blocks and only counts it (see _SinkSMTP).
    """

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self._process: subprocess.Popen[str] | None = None

    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def accepted(self) -> int:
        """How many messages the server has accepted so far."""
        assert self._process is not None and self._process.stdin and self._process.stdout
        self._process.stdin.write("count\n")
        self._process.stdin.flush()
        return int(self._process.stdout.readline())

    def __enter__(self) -> SinkServerProcess:
        root = Path(__file__).resolve().parents[1]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.smtp_server", "sink", str(self.port)],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        if self._process.stdout.readline().strip() != "ready":
            self.__exit__()
            raise RuntimeError("the SMTP sink process did not start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is None:
            return
        try:
            self._process.communicate(timeout=10)  # closes stdin: the sink stops
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
        self._process = None


# --- sample data shared by the delivery tests and the benchmark -----------------------------


def minimal_pdf() -> bytes:
    """A small valid one-page PDF (xref offsets computed, so strict readers accept it)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def sample_report(folder: Path, **changes: object):
    """A ReportEmail for Afghanistan No. 9 with its PDF written into `folder`."""
    import dataclasses
    import hashlib
    from datetime import date

    from sitrep.delivery.model import ContactLine, KeyFigureLine, ReportEmail

    pdf = folder / "afghanistan-sitrep-2021-08-24-no9.pdf"
    pdf.write_bytes(minimal_pdf())
    report = ReportEmail(
        country="Afghanistan",
        crisis="North-east",
        issuing_office="OCHA Afghanistan",
        number=9,
        revision=0,
        report_date=date(2021, 8, 24),
        period_start=date(2021, 8, 18),
        period_end=date(2021, 8, 24),
        next_report=date(2021, 8, 31),
        pdf_path=pdf,
        pdf_sha256=hashlib.sha256(pdf.read_bytes()).hexdigest(),
        highlights=[
            "12,600 people displaced in Kunduz since 10 Aug",
            "Water trucking reaches 4 sites <1 km apart",
        ],
        key_figures=[
            KeyFigureLine("people displaced", "12,600", "+3,500 since 23 Aug"),
            KeyFigureLine("sites with water trucking", "4", "new"),
        ],
        contacts=[ContactLine("Amina Yusuf", "Head of Office", "OCHA", "amina@example.org")],
        report_url="https://reports.example.org/afg/sitrep-9.pdf",
        illustrative=True,
    )
    return dataclasses.replace(report, **changes) if changes else report


def sample_partners(count: int, domain: str = "partners.example.org") -> list:
    """`count` active partners on the WASH list, p001@domain, p002@domain, ..."""
    from sitrep.delivery.model import Partner

    return [
        Partner(
            name=f"Partner {i}",
            email=f"p{i:03d}@{domain}",
            organisation="NGO",
            lists=("WASH",),
            format="attach",
            language=None,
            active=True,
        )
        for i in range(1, count + 1)
    ]


if __name__ == "__main__":
    # `python -m tests.smtp_server sink PORT`: the benchmark's server (SinkServerProcess).
    if sys.argv[1:2] != ["sink"] or len(sys.argv) != 3:
        sys.exit("usage: python -m tests.smtp_server sink PORT")
    _serve_sink(int(sys.argv[2]))


def parse_message(raw: bytes) -> EmailMessage:
    """A raw message read back as a mail client would (policy.default)."""
    return BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[return-value]


def same_boundaries(raw: bytes) -> bytes:
    """The message with its random MIME boundaries renamed in order: B0, B1, ..."""
    boundaries = [p.get_boundary() for p in parse_message(raw).walk() if p.is_multipart()]
    for number, boundary in enumerate(boundaries):
        raw = raw.replace(boundary.encode(), b"B%d" % number)
    return raw


def assert_same_message(fast: bytes, plain: bytes) -> None:
    """Two raw messages are the same: headers, parts, attachments, and bytes (boundaries aside)."""
    a, b = parse_message(fast), parse_message(plain)
    assert a.items() != [] and [(k, str(v)) for k, v in a.items() if k != "Content-Type"] == [
        (k, str(v)) for k, v in b.items() if k != "Content-Type"
    ]
    assert [p.get_content_type() for p in a.walk()] == [p.get_content_type() for p in b.walk()]
    leaves = [(p, q) for p, q in zip(a.walk(), b.walk(), strict=True) if not p.is_multipart()]
    for p, q in leaves:
        assert p.items() == q.items() and p.get_content() == q.get_content()
    assert [p.get_content() for p in a.iter_attachments()] == [
        p.get_content() for p in b.iter_attachments()
    ]
    # Stronger still: byte for byte the same, once the random boundaries are given one name.
    assert same_boundaries(fast) == same_boundaries(plain)


# The sample report's subject line, as `send` writes it.
SUBJECT = ("Afghanistan: North-east (Panjshir, Andarab, Salang) - Situation Report No. 10 "
           "(as of 24 August 2021)")  # fmt: skip


def run_sitrep(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m sitrep -w WORKSPACE ARGS...` with only the given SITREP_* variables set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    return subprocess.run([sys.executable, "-m", "sitrep", "-w", str(workspace), *args],
                          capture_output=True, text=True, env={**clean, **env})  # fmt: skip
