"""Where sitrep sends mail: the SMTP URL, parsed into a target whose repr never shows the
password (`sitrep.safety.secrets` removes it from any text a server sends back)."""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from sitrep.errors import SitrepError

Security = Literal["starttls-if-offered", "starttls", "tls"]

_SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("starttls-if-offered", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}


@dataclass(frozen=True, repr=False, kw_only=True)
class SmtpTarget:
    """Where and how to connect. repr() and display() never show the password."""

    host: str
    port: int
    security: Security
    username: str | None = None
    password: str | None = None
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)
    timeout: float = 60.0
    data_timeout: float = 600.0  # the wait for the reply to the final "."

    def display(self) -> str:
        """'smtps://user@host:465' (no password)."""
        scheme = {v[0]: k for k, v in _SCHEMES.items()}[self.security]
        user = f"{quote(self.username, safe='')}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"

    def __repr__(self) -> str:
        password = "'***'" if self.password else "None"
        return (
            f"SmtpTarget(host={self.host!r}, port={self.port}, security={self.security!r}, "
            f"username={self.username!r}, password={password}, timeout={self.timeout}, "
            f"data_timeout={self.data_timeout})"
        )

    __str__ = display


def parse_smtp_url(
    url: str,
    password_env: str | None,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 60.0,
    data_timeout: float = 600.0,
) -> SmtpTarget:
    """Parse smtp://, smtp+starttls:// or smtps:// [user[:password]@]host[:port].

    `password_env` is the value of SITREP_SMTP_PASSWORD (the caller reads the environment); it
    wins over a password in the URL. `ssl_context` lets tests trust a self-signed certificate.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        # The message from urllib may quote the URL, password included; do not pass it on.
        raise SitrepError("the SMTP URL is malformed (check the port number)") from None
    shown = _display_url(url)
    if parts.scheme not in _SCHEMES:
        raise SitrepError(f"{shown!r}: the scheme must be smtp://, smtp+starttls:// or smtps://")
    if not parts.hostname:
        raise SitrepError(f"{shown!r}: no host name, e.g. smtp+starttls://relay.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SitrepError(f"{shown!r}: only user, host and port are allowed in the URL")
    security, default_port = _SCHEMES[parts.scheme]
    username = unquote(parts.username) if parts.username else None
    password = password_env or (unquote(parts.password) if parts.password else None)
    return SmtpTarget(
        host=parts.hostname,
        port=port or default_port,
        security=security,
        username=username,
        password=password,
        ssl_context=ssl_context,
        timeout=timeout,
        data_timeout=data_timeout,
    )


def _display_url(url: str) -> str:
    # Remove 'user:password@' -> 'user@' before a URL goes into any message.
    return re.sub(r"(//[^/@:]*):[^/]*@", r"\1:***@", url.strip())
