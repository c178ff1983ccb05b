"""Atomic file writes: a reader sees the old file or the new one, never half of one.

The final file gets the mode a plain `open(path, "w")` would give it (0o666 less the umask), so
a colleague, a web server or a share can read what sitrep writes; `private=True` gives 0o600, for
files holding addresses or secrets. A temporary file carries the writer's process id in its name
(`.NAME.PID.RANDOM.tmp`), so the next build can remove those a killed process left behind. A full
disk is a `DiskFullError` that says how much was being written and where.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

from sitrep.errors import DiskFullError

PRIVATE_MODE = 0o600
FULL_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT}
TEMP_SUFFIX = ".tmp"
# mkstemp's random part is letters, digits and underscores: no dot, so the PID is the field before.
_TEMP_RE = re.compile(r"^\..+\.(\d+)\.[A-Za-z0-9_]+\.tmp$")


def _import_umask() -> int:
    # Setting and restoring the umask is racy once threads run: do it once, at import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_IMPORT_UMASK = _import_umask()


def current_umask() -> int:
    """The process's umask, read without changing it (Linux: /proc), else as it was at import."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return _IMPORT_UMASK


def file_mode(private: bool = False) -> int:
    """The mode a new file gets: what a normal write gives, or 0o600 when `private`."""
    return PRIVATE_MODE if private else 0o666 & ~current_umask()


def atomic_write(path: Path, data: bytes, *, private: bool = False, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    `durable=False` skips the flush to disk (fsync): the rename is still atomic for every other
    process, but a power cut may lose the write (for a file whose loss is safe, the record's
    pending entry). The temporary file is removed on any error or exception; only SIGKILL or a
    power cut can leave one, and `remove_stale_temporaries` clears those later.
    """
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{path.name}.{os.getpid()}."
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), file_mode(private))
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        if exc.errno in FULL_DISK_ERRORS:
            raise disk_full(path, len(data)) from None
        raise
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def unwritable_folder(folder: Path) -> str | None:
    """Why files cannot be written in `folder` (made if missing), or None. Tried by writing a
    temporary file there: permissions alone do not say it (/proc, a read-only mount, root)."""
    if folder.exists() and not folder.is_dir():
        return f"{folder} is not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(
            prefix=f".probe.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=folder
        )
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"files cannot be written in {folder} ({exc.strerror or exc})"
    return None


def disk_full(path: Path, size: int) -> DiskFullError:
    """The error for a write of `size` bytes to `path` that found the disk full."""
    folder = path.parent
    try:
        free = f"{human_size(shutil.disk_usage(_existing(folder)).free)} free"
    except OSError:
        free = "free space unknown"
    return DiskFullError(
        f"the disk is full: writing {path.name} needs about {human_size(size)} in {folder} "
        f"({free}). Nothing was issued. Free some space there and run the command again."
    )


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def human_size(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def remove_stale_temporaries(folder: Path, recursive: bool = False) -> list[Path]:
    """Remove the temporary files in `folder` (and below) whose writer process is dead."""
    removed: list[Path] = []
    for root, dirs, files in os.walk(folder):
        for name in files:
            match = _TEMP_RE.match(name) if name.endswith(TEMP_SUFFIX) else None
            if match and not _alive(int(match.group(1))):
                Path(root, name).unlink(missing_ok=True)
                removed.append(Path(root, name))
        if not recursive:
            dirs.clear()
    return removed


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The file's SHA-256, read a megabyte at a time (a PDF may be large)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def cache_folder(name: str) -> Path | None:
    """`name` in the user's own cache folder, created 0700; None when it cannot be used.

    The folder is `$SITREP_CACHE_DIR`, else `$XDG_CACHE_HOME/sitrep`, else `~/.cache/sitrep`,
    never inside a workspace (a workspace may be shared; what is cached is the user's): the
    compiled templates' (`sitrep.render.html`) and the boundary files' (`sitrep.inputs.boundaries`).
    """
    try:
        if custom := os.environ.get("SITREP_CACHE_DIR"):
            root = Path(custom)
        else:
            root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitrep"
    except RuntimeError:  # no home folder
        return None
    folder = root / name
    return folder if private_folder(root) and private_folder(folder) else None


def private_folder(path: Path) -> bool:
    """`path` exists or is created as a folder only this user can read or write (0700)."""
    try:
        path.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    owner_only = not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owner_only and mine
