"""Clearance before release: who cleared exactly which content of a report, and when.

With `[report] clearance = true`, a build whose report is not issued unchanged makes a draft
(`needs_clearance`) and records what that draft says (`record_draft`: its content, see
`sitrep.issue.content`). `sitrep clear --date D --by NAME` (`clear_report`) records that NAME
cleared that very content, once it is what the inputs give now; a build then issues it, and
`send` sends it. Content that is not cleared is never issued nor sent: the message says what
changed since the content that was cleared. Without the setting nothing here is used.

The record's `drafts` and `clearances` tables (in `output/issued.sqlite`, beside the reports;
made the first time a draft or a clearance is recorded) keep every clearance: date, content
fingerprint, who, when (UTC). `status_lines` is `sitrep status`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import SitrepError
from sitrep.issue.content import ReportContent, report_content, what_changed
from sitrep.issue.entries import latest_issue
from sitrep.issue.numbering import content_unchanged
from sitrep.issue.record import changing, connection, load_record
from sitrep.settings.config import load_config, template_dirs

if TYPE_CHECKING:
    from sitrep.pipeline import BuildOptions

_TABLES = (
    "CREATE TABLE IF NOT EXISTS drafts (date TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, "
    "content TEXT NOT NULL, built_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS clearances (date TEXT NOT NULL, fingerprint TEXT NOT NULL, "
    "content TEXT NOT NULL, cleared_by TEXT NOT NULL, cleared_at TEXT NOT NULL, "
    "PRIMARY KEY (date, fingerprint))",
)


class NotCleared(SitrepError):
    """Clearance is required ([report] clearance) and this content has not been cleared."""


@dataclass(frozen=True)
class Clearance:
    date: str
    fingerprint: str
    content: str
    cleared_by: str
    cleared_at: str  # ISO, UTC


def _rows(output_dir: Path, query: str, args: tuple = ()) -> list[tuple]:
    with connection(output_dir) as conn:
        if conn is None:
            return []
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"drafts", "clearances"} <= names:
            return []
        return conn.execute(query, args).fetchall()


def clearances(output_dir: Path, day: dt.date | None = None) -> list[Clearance]:
    """Every clearance recorded (of `day`), oldest first."""
    where, args = ("WHERE date = ?", (day.isoformat(),)) if day else ("", ())
    rows = _rows(output_dir, f"SELECT * FROM clearances {where} ORDER BY cleared_at", args)
    return [Clearance(*row) for row in rows]


def draft_of(output_dir: Path, day: dt.date) -> tuple[str, str, str] | None:
    """(fingerprint, content, built at) of the last draft of `day` built for clearance."""
    rows = _rows(output_dir, "SELECT fingerprint, content, built_at FROM drafts WHERE date = ?",
                 (day.isoformat(),))  # fmt: skip
    return rows[0] if rows else None


def _since_cleared(output_dir: Path, day: dt.date, content: ReportContent) -> str:
    """What changed since the last content of `day` that was cleared, as lines; '' if none."""
    done = clearances(output_dir, day)
    if not done or not (before := ReportContent.from_json(done[-1].content)):
        return ""
    lines = what_changed(before, content) or ["(nothing it prints: the settings or templates)"]
    said = "".join(f"\n  - {line}" for line in lines)
    return f" Cleared by {done[-1].cleared_by} ({done[-1].cleared_at}); changed since:{said}\n"


def needs_clearance(
    output_dir: Path, options: BuildOptions, day: dt.date, content: ReportContent
) -> tuple[BuildOptions, str]:
    """`options` as they are when this content may be issued (issued unchanged, or cleared),
    else a draft's, with a note that says so (`NotCleared` for `send`: it sends no draft)."""
    if options.draft:
        return options, ""
    issued = latest_issue(load_record(output_dir), day)
    if issued and content_unchanged(issued, content) and not options.revise:
        return options, ""  # issued unchanged: the issued report is returned
    if any(c.fingerprint == content.fingerprint for c in clearances(output_dir, day)):
        return options, ""
    since = _since_cleared(output_dir, day, content)
    if options.cleared_only:
        raise NotCleared(
            f"The report of {day} is not cleared ([report] clearance), so it is not sent."
            f"{since or ' '}Build its draft (sitrep build --date {day}), have it reviewed, "
            f"then run: sitrep clear --date {day} --by NAME"
        )
    note = (
        f"clearance is required ([report] clearance): this is a draft, not issued.{since or ' '}"
        f"Have it reviewed, then run: sitrep clear --date {day} --by NAME, and build again "
        f"to issue it"
    )
    return replace(options, draft=True), note


def record_draft(output_dir: Path, day: dt.date, content: ReportContent, at: str) -> None:
    """What the draft of `day` built for clearance says: what `sitrep clear` clears."""
    with changing(output_dir, view=False) as conn:
        for statement in _TABLES:
            conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?)",
            (day.isoformat(), content.fingerprint, content.to_json(), at),
        )


def clear_report(
    output_dir: Path, day: dt.date, by: str, now: ReportContent, at: dt.datetime
) -> str:
    """Record that `by` cleared the content of the draft of `day`, which `now` must still be."""
    by = " ".join(by.split())
    if not by:
        raise NotCleared("--by: give the name of who clears the report")
    draft = draft_of(output_dir, day)
    if draft is None:
        raise NotCleared(
            f"There is no draft of {day} to clear. Build it (sitrep build --date {day}) with "
            f"[report] clearance = true, have it reviewed, then clear it."
        )
    if draft[0] != now.fingerprint:
        drafted = ReportContent.from_json(draft[1])
        lines = what_changed(drafted, now) if drafted is not None else []
        said = "".join(f"\n  - {line}" for line in lines)
        raise NotCleared(
            f"The inputs have changed since the draft of {day} was built ({draft[2]}), so what "
            f"was reviewed is not what would be issued:{said}\nNothing was cleared. Build the "
            f"draft again (sitrep build --date {day}), have it reviewed, then clear it."
        )
    stamp = at.astimezone(dt.UTC).isoformat(timespec="seconds")
    with changing(output_dir, view=False) as conn:
        for statement in _TABLES:
            conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO clearances VALUES (?, ?, ?, ?, ?)",
            (day.isoformat(), now.fingerprint, now.to_json(), by, stamp),
        )
    return (
        f"The report of {day} (content {now.fingerprint[:12]}) was cleared by {by} at {stamp}. "
        f"Run sitrep build --date {day} to issue it."
    )


def clear_workspace(workspace: Path, day: dt.date, by: str, at: dt.datetime) -> str:
    """`sitrep clear`: the content of `day` as the inputs give it now, cleared by `by`."""
    from sitrep.pipeline import prepare  # pandas: not for a build that returns an issued report

    config = load_config(workspace)
    now = report_content(prepare(config, day), template_dirs(config.templates_dir))
    return clear_report(config.output_dir, day, by, now, at)


def status_lines(workspace: Path) -> list[str]:
    """`sitrep status`: each date's issued reports, its draft and who cleared what, when."""
    output_dir = load_config(workspace).output_dir
    record = load_record(output_dir)
    cleared = clearances(output_dir)
    dates = sorted({e.date for e in record} | {c.date for c in cleared})
    dates += [d for (d,) in _rows(output_dir, "SELECT date FROM drafts") if d not in dates]
    lines = []

    def who(date: str, fingerprint: str, otherwise: str) -> str:
        by = [c for c in cleared if c.date == date and c.fingerprint == fingerprint]
        return f"cleared by {by[-1].cleared_by} at {by[-1].cleared_at}" if by else otherwise

    for date in sorted(dates):
        for entry in (e for e in record if e.date == date):
            rev = f", revision {entry.revision}" if entry.revision else ""
            cleared_by = who(date, entry.fingerprint, "not cleared")
            lines.append(f"{date}  No. {entry.number}{rev}: issued ({cleared_by}) {entry.pdf}")
        draft = draft_of(output_dir, dt.date.fromisoformat(date))
        if draft and draft[0] not in {e.fingerprint for e in record if e.date == date}:
            cleared_by = who(date, draft[0], "awaiting clearance")
            lines.append(f"{date}  draft built {draft[2]} (content {draft[0][:12]}): {cleared_by}")
    return lines or ["Nothing issued, drafted or cleared yet."]
