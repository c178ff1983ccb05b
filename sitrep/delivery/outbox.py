"""The outbox: one .eml file per recipient, for review or for sending with another mail program.

Used when no SMTP server is configured. Nothing is delivered, so the ledger's deliveries are not
touched. Each file carries `X-Unsent: 1`, so Outlook and Thunderbird open it as a message ready
to send. Files are private (0600): they hold a partner's address.

The caller gives each issue and revision its own folder (`sitrep send` uses
`output/<date>/outbox/no<N>-r<revision>/`), and a run that ends normally removes the `.eml`
files it did not write from that folder, so the folder holds exactly the messages of the last
send of that revision: as many files as the summary says.

File names: the address as mail servers compare it (see model.mailbox_key) with unsafe
characters replaced, plus a short hash of that address, so `a!b@`, `a#b@` and `a_b@example.org`
get three files: `a_b@example.org-1b2c3d4e.eml` and so on.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Self

from sitrep.delivery.model import mailbox_key
from sitrep.delivery.transport import OnData

_READABLE_CHARS = 60  # of the address in the name; the hash keeps longer ones apart


def file_name(recipient: str) -> str:
    """'A!b@Example.org' -> 'a_b@example.org-<8 hex>.eml'; unique per mailbox."""
    key = mailbox_key(recipient)
    readable = re.sub(r"[^a-z0-9._@+-]", "_", key)[:_READABLE_CHARS].lstrip(".") or "_"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}.eml"


def write_private(path: Path, data: bytes) -> None:
    """Write atomically with mode 0600 whatever the umask (mkstemp's mode), then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:  # any failure, Ctrl+C too: no temporary file left, then re-raised
        Path(tmp).unlink(missing_ok=True)
        raise


class OutboxTransport:
    """Write one .eml per recipient into a folder, each file replaced atomically."""

    records_delivery = False
    # Files keep the local convention, as message.as_bytes() writes them; mail programs and
    # Python's parser read either.
    linesep = "\n"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.written: set[Path] = set()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if exc_type is None:
            self.prune()
        self.close()

    def send(
        self, message: EmailMessage, sender: str, recipient: str, on_data: OnData | None = None
    ) -> Path | None:
        return self.send_bytes(message.as_bytes(), sender, recipient, on_data)

    def can_send_bytes(self, sender: str, recipient: str) -> bool:
        return True

    def send_bytes(
        self, data: bytes, sender: str, recipient: str, on_data: OnData | None = None
    ) -> Path | None:
        """Write `data` (a serialised message) as the recipient's .eml; a reader never sees
        half a file."""
        target = self.directory / file_name(recipient)
        newline = b"\r\n" if data.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
        write_private(target, b"X-Unsent: 1" + newline + data)
        self.written.add(target)
        return target

    def prune(self) -> list[Path]:
        """Remove the folder's .eml files this run did not write (an earlier partner list's)."""
        removed = []
        if self.directory.is_dir():
            for path in self.directory.glob("*.eml"):
                if path not in self.written:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                        removed.append(path)
        return removed

    def close(self) -> None:
        """Nothing to release; here so both transports are used the same way."""
