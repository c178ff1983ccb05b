"""Secret redaction: the SMTP password, in every form SMTP sends it, never reaches a log, message
or file.

See SECURITY.md.
"""

from __future__ import annotations

import base64
import os
import traceback
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

REDACTED = "***"


def secret_forms(secret: str | None, username: str | None = None) -> set[str]:
    """The ways a password can appear in text: as is, URL-quoted, and base64 as SMTP AUTH sends it.

    Empty for no secret. Very short secrets are still included: leaking a 3-character password
    is as bad as leaking a long one, and over-redaction only costs readability.
    """
    if not secret:
        return set()
    user = username or ""
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret, safe="/:"),
        base64.b64encode(secret.encode()).decode(),  # AUTH LOGIN
        base64.b64encode(f"\0{user}\0{secret}".encode()).decode(),  # AUTH PLAIN
        base64.b64encode(f"{user}\0{user}\0{secret}".encode()).decode(),
        repr(secret)[1:-1],  # how it looks inside a repr()'d string or tuple
    }
    return {f for f in forms if f}


def environment_secrets() -> set[str]:
    """Every form of the SMTP password (SITREP_SMTP_PASSWORD, or inside SITREP_SMTP_URL)."""
    forms = secret_forms(os.environ.get("SITREP_SMTP_PASSWORD"))
    try:
        url = urlsplit(os.environ.get("SITREP_SMTP_URL", ""))
        forms |= secret_forms(url.password, url.username)
    except ValueError:
        pass  # a malformed URL is reported by the sender; its text is redacted anyway
    return forms


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of every secret replaced by '***' (longest first)."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def format_exception_redacted(exc: BaseException, secrets: Iterable[str]) -> str:
    """A full traceback (for --debug) with the secrets removed, locals and messages included."""
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return redact(text, secrets)
