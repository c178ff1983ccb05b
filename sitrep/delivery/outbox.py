"""The outbox: one .eml file per recipient, for review or for sending with another mail program.

Used when no SMTP server is configured. Nothing is delivered, so the ledger is not touched.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path
from typing import Self

from sitrep.fsutil import atomic_write


def _file_name(recipient: str) -> str:
    # Addresses are de-duplicated case-insensitively, so the lowered form is unique in a run.
    return re.sub(r"[^a-z0-9._@+-]", "_", recipient.strip().casefold()) + ".eml"


class OutboxTransport:
    """Write one .eml per recipient into a folder, each file replaced atomically."""

    records_delivery = False
    # Files keep the local convention, as message.as_bytes() writes them; mail programs and
    # Python's parser read either.
    linesep = "\n"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, message: EmailMessage, sender: str, recipient: str) -> Path | None:
        return self.send_bytes(message.as_bytes(), sender, recipient)

    def can_send_bytes(self, sender: str, recipient: str) -> bool:
        return True

    def send_bytes(self, data: bytes, sender: str, recipient: str) -> Path | None:
        """Write `data` (a serialised message) as the recipient's .eml; a reader never sees
        half a file."""
        target = self.directory / _file_name(recipient)
        atomic_write(target, data, private=True)  # it holds the partner's address
        return target

    def close(self) -> None:
        """Nothing to release; here so both transports are used the same way."""
