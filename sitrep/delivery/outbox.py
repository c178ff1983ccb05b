"""The outbox: one .eml file per recipient, for review or for sending with another mail program.

Used when no SMTP server is configured. Nothing is delivered, so the ledger is not touched.
"""

from __future__ import annotations

import os
import re
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Self


def _file_name(recipient: str) -> str:
    # Addresses are de-duplicated case-insensitively, so the lowered form is unique in a run.
    return re.sub(r"[^a-z0-9._@+-]", "_", recipient.strip().casefold()) + ".eml"


class OutboxTransport:
    """Write one .eml per recipient into a folder, each file replaced atomically."""

    records_delivery = False

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, message: EmailMessage, sender: str, recipient: str) -> Path | None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / _file_name(recipient)
        # Temp file in the same folder, then os.replace: a reader never sees half a message.
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".eml.tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def close(self) -> None:
        """Nothing to release; here so both transports are used the same way."""
