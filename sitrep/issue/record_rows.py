"""The issue record's table: its schema, the versions' added columns, and rows <-> `Issued`.

`sitrep.issue.record` keeps the record (the lock, reading, changing, recovery); this module says
what a row of it is, so that the schema and its upgrades are read in one place.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from typing import Any

from sitrep.issue.entries import Issued

SCHEMA_VERSION = 3

SCHEMA = (
    """
CREATE TABLE reports (
    area TEXT NOT NULL,           -- '' for the workspace's report; an area report's P-code
    date TEXT NOT NULL,
    revision INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'issued')),
    number INTEGER NOT NULL,
    pdf TEXT NOT NULL,
    html TEXT NOT NULL,
    pdf_sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    data_latest TEXT NOT NULL,
    files_sha256 TEXT NOT NULL,
    editions TEXT NOT NULL,       -- JSON: language -> [pdf, html, pdf_sha256]
    content_sha256 TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '',  -- the workspace's report: what it says (issue.content)
    word TEXT NOT NULL DEFAULT '{}',  -- JSON: language -> [docx, sha256] (the Word editions)
    PRIMARY KEY (area, date, revision, state)
)""",
    """
CREATE TABLE area_batches (       -- the last complete `build --each` of a date
    date TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    files_sha256 TEXT NOT NULL,
    data_latest TEXT NOT NULL,
    areas TEXT NOT NULL           -- JSON: the P-codes it issued or found unchanged
)""",
)


FIELDS = [f.name for f in dataclasses.fields(Issued)]
COLUMNS = ", ".join(["state", *FIELDS])
JSON_FIELDS = ("editions", "word")  # the fields kept as JSON text
# The columns each version added, with their defaults (a record is brought up to date when next
# changed, under the lock; until then it is read as it is)
ADDED = {"content": (2, "''"), "word": (3, "'{}'")}


def columns_of(conn: sqlite3.Connection) -> str:
    """`COLUMNS` as this record has them: the columns added since its version read as defaults."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    return ", ".join(
        f"{ADDED[name][1]} AS {name}" if name in ADDED and version < ADDED[name][0] else name
        for name in ["state", *FIELDS]
    )


def upgrade(conn: sqlite3.Connection) -> None:
    """Bring a record made by an older sitrep up to this one's schema (in the transaction)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    there = {row[1] for row in conn.execute("PRAGMA table_info(reports)")}
    for name, (added, default) in ADDED.items():
        if version < added and name not in there:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {name} TEXT NOT NULL DEFAULT {default}")
    if version < SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def entry_of(values: dict[str, Any]) -> Issued:
    known = {k: v for k, v in values.items() if k in FIELDS}
    for name in JSON_FIELDS:
        if isinstance(known.get(name), str):
            known[name] = json.loads(known[name])
    return Issued(**known)


def row_entry(row: tuple) -> Issued:
    """The entry of a row of `SELECT {COLUMNS}` (its state first)."""
    return entry_of(dict(zip(FIELDS, row[1:], strict=True)))


def row_values(state: str, entry: Issued) -> tuple:
    row = [state, *(getattr(entry, name) for name in FIELDS)]
    for name in JSON_FIELDS:
        row[FIELDS.index(name) + 1] = json.dumps(getattr(entry, name), sort_keys=True)
    return tuple(row)
