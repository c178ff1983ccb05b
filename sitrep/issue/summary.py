"""What `sitrep build`, `build --each` and `publish` say when they are done.

The command line passes its `echo` (`sitrep.cli.say`): the reports' paths go to stdout, one a
line, for scripts; everything else to stderr. With `--format json`, one JSON object on stdout
and nothing else there (`built_json`, `batch_json`, `published_json`: README, "Scripts: --format
json" lists the keys, which scripts rely on). Nothing here imports click or pandas.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.problems import Wording, problem_lines, problems_fields

if TYPE_CHECKING:
    from sitrep.issue.batch import BatchResult
    from sitrep.issue.publish import Published
    from sitrep.issue.results import BuildResult

Echo = Callable[..., None]  # echo(text, err=False, fg=None): sitrep.cli.say


def say_built(result: BuildResult, draft: bool, echo: Echo) -> None:
    """`sitrep build`: its warnings and notes, which report it is, then its PDFs."""
    for line in problem_lines(result.problems) if result.problems else []:
        echo(line, err=True)
    for warning in result.render_warnings:
        echo(f"warning: renderer: {warning}", err=True, fg="yellow")
    for note in result.notes:
        echo(f"note: {note}", err=True)
    how = "the latest date in the data" if result.date_was_chosen else "as asked"
    draft = draft or result.draft  # --draft, or a draft awaiting clearance
    kind = "unchanged since issued" if result.reused else ("draft" if draft else "built")
    rev = f", revision {result.revision}" if result.revision else ""
    echo(f"Report No. {result.number}{rev} for {result.date} ({how}), {kind}:", err=True)
    echo(str(result.pdf))  # the first language's; the others follow, one per line
    for other_pdf, _ in list(result.editions.values())[1:]:
        echo(str(other_pdf))


def say_batch(batch: BatchResult, echo: Echo) -> None:
    """`sitrep build --each area`: each area's PDF, then how many were built."""
    for line in problem_lines(batch.problems) if batch.problems else []:
        echo(line, err=True)
    for note in batch.notes:
        echo(f"note: {note}", err=True)
    for report in batch.reports:
        for warning in report.render_warnings:
            echo(f"warning: renderer: {report.name}: {warning}", err=True, fg="yellow")
        echo(str(report.pdf))
    count, reused = len(batch.reports), sum(r.reused for r in batch.reports)
    reports = "1 area report" if count == 1 else f"{count} area reports"
    echo(
        f"Report No. {batch.number} for {batch.date}: {reports}, "
        f"{count - reused} built, {reused} unchanged since issued.",
        err=True,
    )


def say_published(result: Published, echo: Echo) -> None:
    """`sitrep publish`: the files written, then what the folder holds."""
    for path in result.copied + result.pages:
        echo(str(path))
    echo(
        f"Published {len(result.entries)} issued report(s) in {result.folder}: "
        f"{len(result.copied)} file(s) copied, {result.unchanged} already there, "
        f"{len(result.pages)} of index.html and feed.xml rewritten.",
        err=True,
    )


# -- --format json ----------------------------------------------------------------------------
EDITIONS = ("pdf", "html", "docx")  # the files a report may have, beside one another


def _files(pdf: Path, html: Path) -> dict[str, str | None]:
    """One language's files: its PDF, HTML edition and Word edition (None: not made)."""
    docx = pdf.with_suffix(".docx")
    return {"pdf": str(pdf), "html": str(html), "docx": str(docx) if docx.is_file() else None}


def status(reused: bool, draft: bool) -> str:
    """'unchanged' (the issued report, as it was), 'draft' or 'issued'."""
    return "unchanged" if reused else ("draft" if draft else "issued")


def built_json(result: BuildResult, draft: bool, wording: Wording | None = None) -> str:
    """`sitrep build --format json`: which report, what became of it, its files in each
    language, and its problems with their codes (in the workspace's language: `wording`)."""
    editions = result.editions or {"": (result.pdf, result.html)}
    summary: dict[str, object] = {
        "date": result.date.isoformat(),
        "date_was_chosen": result.date_was_chosen,
        "number": result.number,
        "revision": result.revision,
        "status": status(result.reused, draft or result.draft),
        "files": [{"language": lang, **_files(*paths)} for lang, paths in editions.items()],
        **problems_fields(result.problems, wording),
        "renderer_warnings": list(result.render_warnings),
        "build_notes": list(result.notes),
    }
    return json.dumps(summary, indent=2, ensure_ascii=False)


def batch_json(batch: BatchResult, wording: Wording | None = None) -> str:
    """`sitrep build --each area --format json`: the same, one entry per area report."""
    reports = [
        {
            "area": report.area,
            "name": report.name,
            "revision": report.revision,
            "status": status(report.reused, False),
            **_files(report.pdf, report.html),
            "renderer_warnings": list(report.render_warnings),
        }
        for report in batch.reports
    ]
    summary: dict[str, object] = {
        "date": batch.date.isoformat(),
        "number": batch.number,
        "reports": reports,
        **problems_fields(batch.problems, wording),
        "build_notes": list(batch.notes),
    }
    return json.dumps(summary, indent=2, ensure_ascii=False)


def published_json(result: Published) -> str:
    """`sitrep publish --format json`: the folder, the files copied, those already there, the
    pages rewritten."""
    summary = {
        "folder": str(result.folder),
        "reports": len(result.entries),
        "copied": [str(path) for path in result.copied],
        "unchanged": result.unchanged,
        "pages": [str(path) for path in result.pages],
    }
    return json.dumps(summary, indent=2, ensure_ascii=False)
