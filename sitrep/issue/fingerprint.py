"""What a report is read from, as a hash: the quick check before its content is compared.

`files_fingerprint` is the plain bytes of every file a report is read from, a check that needs
no import: equal bytes mean equal content, so `build` returns an unchanged report at once.
When they differ, the workspace's report is compared by its content (`sitrep.issue.content`:
the rows up to its date, its narrative, the settings that print), which needs the tables.

`fingerprint` is the area reports' quick check (`build --each`, whose reports are compared by
their HTML after it): the report's own inputs, every table but the partners, the narrative,
the templates, the settings but those that never print (`sitrep.issue.content`), and sitrep's
version. A workbook that holds the partners sheet beside other tables is hashed by the cells
of those other sheets.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep import __version__
from sitrep.settings.config import CONFIG_NAME, Config, InputSource

if TYPE_CHECKING:
    from sitrep.issue.entries import AreaBatch, Issued

DISTRIBUTION_TABLES = frozenset({"partners"})  # who receives it, not what it says
# the settings that never change what a report prints (sitrep.issue.content's)
NOT_PRINTED = frozenset({"email", "publish", "limits"})
NOT_PRINTED_KEYS = {"report": frozenset({"stale_days", "clearance", "editions"})}


def _name(path: Path, root: Path) -> str:
    # Relative names: the same workspace in another folder has the same fingerprint.
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def _other_files(config: Config, dirs: list[Path]) -> list[Path]:
    files = []
    if config.geography_pcodes is not None:  # the COD file names and places the rows
        files.append(config.geography_pcodes.path)
    for boundaries in (config.geography_boundaries, config.boundaries):  # the maps' shapes
        if boundaries is not None:
            files.append(boundaries)
    if (words_file := config.workspace / "inputs" / "words.toml").is_file():
        files.append(words_file)  # the workspace's own input words (sitrep.inputs.words)
    if config.narrative_dir.is_dir():
        files += sorted(config.narrative_dir.rglob("*.md"))
    for folder in dirs:
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    return files


def add_file(digest, path: Path, config: Config) -> None:
    """The file's bytes into `digest`, a megabyte at a time (the same hash as all at once).
    A file over `[limits] max_file_mb` (or a narrative over `max_narrative_kb`), which no build
    reads, by its size and time instead: read whole, a 5 GB file (the COD file's or a table's)
    took the memory before any limit."""
    if not path.is_file():
        digest.update(b"<missing>")
        return
    stat = path.stat()
    limit = config.limits.max_file_mb * 1024 * 1024
    if path.suffix == ".md" and path.is_relative_to(config.narrative_dir):
        limit = min(limit, config.limits.max_narrative_kb * 1024)
    if stat.st_size > limit:
        digest.update(f"<{stat.st_size} bytes at {stat.st_mtime_ns}>".encode())
        return
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)


def files_fingerprint(config: Config, inputs: dict[str, InputSource], dirs: list[Path]) -> str:
    """A hash of the bytes of every file a report is read from (the partners' included)."""
    digest = hashlib.sha256(f"sitrep {__version__}\n".encode())
    root = config.workspace
    files = [config.workspace / CONFIG_NAME]
    files += sorted({p.path for s in {**config.inputs, **inputs}.values() for p in s.parts})
    for path in files:
        digest.update(f"{_name(path, root)}\n".encode())
        add_file(digest, path, config)
    for path in _other_files(config, dirs):
        digest.update(f"{_name(path, root)}\n".encode())
        add_file(digest, path, config)
    for name, source in sorted(inputs.items()):
        for part in source.parts:
            digest.update(f"{name}={part.path}#{part.sheet}\n".encode())
    return digest.hexdigest()


def _settings(config: Config) -> bytes:
    """The settings that print: parsed, so a comment changes nothing either."""
    data = tomllib.loads((config.workspace / CONFIG_NAME).read_text("utf-8"))
    for section in NOT_PRINTED:
        data.pop(section, None)
    for section, keys in NOT_PRINTED_KEYS.items():
        if isinstance(data.get(section), dict):
            data[section] = {k: v for k, v in data[section].items() if k not in keys}
    for table in DISTRIBUTION_TABLES:
        data.get("inputs", {}).pop(table, None)
    return json.dumps(data, sort_keys=True, default=str).encode()


def _sheet_bytes(source: InputSource, config: Config) -> bytes:
    # pandas (0.55 s) only here, for a workbook that holds the partners' sheet: an unchanged
    # build imports this module for its quick check and must not pay for it (test_fast_paths)
    from sitrep.inputs.readers import read_grid

    try:
        return read_grid(source, config.limits).to_csv().encode()
    except Exception:  # unreadable: the build says why; hash what is there
        digest = hashlib.sha256()
        add_file(digest, source.path, config)
        return digest.digest()


def fingerprint(config: Config, inputs: dict[str, InputSource], dirs: list[Path]) -> str:
    """A hash of everything a report is made from, and of nothing it is only sent with."""
    digest = hashlib.sha256(f"sitrep {__version__}\n".encode())
    root = config.workspace
    digest.update(_settings(config))
    sources = {**config.inputs, **inputs}
    shared = {s.path for t, s in sources.items() if t in DISTRIBUTION_TABLES}
    used = {t: s for t, s in sources.items() if t not in DISTRIBUTION_TABLES}
    for path in sorted({p.path for s in used.values() for p in s.parts}):
        digest.update(f"{_name(path, root)}\n".encode())
        if path not in shared:
            add_file(digest, path, config)
            continue
        for table, source in sorted(used.items()):
            if source.path == path:  # a sheet beside the partners': its cells, not the file
                digest.update(f"#{table}={source.sheet}\n".encode())
                digest.update(_sheet_bytes(source, config))
    for path in _other_files(config, dirs):
        digest.update(f"{_name(path, root)}\n".encode())
        add_file(digest, path, config)
    for name, source in sorted(used.items()):
        if name in inputs:
            for part in source.parts:
                digest.update(f"{name}={part.path}#{part.sheet}\n".encode())
    return digest.hexdigest()


def unchanged(issued: Issued | AreaBatch, files_fp: str, fp: str | None) -> bool:
    """Whether `issued` (a report, or a batch of area reports) was made from what gives
    `files_fp` (bytes) or `fp` (content) now.

    `fp` None: only the quick check. An entry from before `files_sha256` was recorded holds the
    bytes' hash as its fingerprint.
    """
    if files_fp in (issued.files_sha256, issued.fingerprint):
        return True
    return fp is not None and issued.fingerprint == fp
