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


def say_built(result: BuildResult, draft: bool, echo: Echo, wording: Wording | None = None) -> None:
    """`sitrep build`: its warnings and notes, which report it is, then its PDFs; in the
    workspace's language (`wording`: its catalogue's `[cli]` and `[problems]` entries)."""
    say = wording or Wording()
    for line in problem_lines(result.problems, say) if result.problems else []:
        echo(line, err=True)
    for warning in result.render_warnings:
        echo(say.cli("renderer_warning", warning=warning), err=True, fg="yellow")
    for note in result.notes:
        echo(say.cli("note", note=note), err=True)
    how = say.cli("date_chosen" if result.date_was_chosen else "date_asked")
    draft = draft or result.draft  # --draft, or a draft awaiting clearance
    kind = say.cli("unchanged" if result.reused else ("draft" if draft else "issued"))
    rev = say.cli("revision", revision=result.revision) if result.revision else ""
    line = say.cli("report", number=result.number, revision=rev, date=result.date, how=how,
                   kind=kind)  # fmt: skip
    echo(line, err=True)
    echo(str(result.pdf))  # the first language's; the others follow, one per line
    for other_pdf, _ in list(result.editions.values())[1:]:
        echo(str(other_pdf))


def say_batch(batch: BatchResult, echo: Echo, wording: Wording | None = None) -> None:
    """`sitrep build --each area`: each area's PDF, then how many were built."""
    say = wording or Wording()
    for line in problem_lines(batch.problems, say) if batch.problems else []:
        echo(line, err=True)
    for note in batch.notes:
        echo(say.cli("note", note=note), err=True)
    for report in batch.reports:
        for warning in report.render_warnings:
            said = say.cli("renderer_warning", warning=f"{report.name}: {warning}")
            echo(said, err=True, fg="yellow")
        echo(str(report.pdf))
    count, reused = len(batch.reports), sum(r.reused for r in batch.reports)
    reports = say.cli("area_reports", count=count)
    # drafts: --draft, or [report] clearance and the date's content not cleared yet
    line = say.cli("batch_draft" if batch.draft else "batch", number=batch.number,
                   date=batch.date, reports=reports, built=count - reused,
                   unchanged=reused)  # fmt: skip
    echo(line, err=True)


def say_published(result: Published, echo: Echo, wording: Wording | None = None) -> None:
    """`sitrep publish`: the files written, then what the folder holds."""
    say = wording or Wording()
    for path in result.copied + result.pages:
        echo(str(path))
    line = say.cli(
        "published",
        reports=say.cli("issued_reports", count=len(result.entries)),
        folder=str(result.folder),
        copied=say.cli("files_copied", count=len(result.copied)),
        unchanged=result.unchanged,
        pages=len(result.pages),
    )
    echo(line, err=True)


# -- --format json ----------------------------------------------------------------------------


def _files(pdf: Path, html: Path, docx: Path | None = None) -> dict[str, str | None]:
    """One language's files: its PDF, HTML edition and Word edition (None: not made)."""
    return {"pdf": str(pdf), "html": str(html), "docx": str(docx) if docx else None}


def _word(result: BuildResult, language: str) -> Path | None:
    """The Word edition of a language as the build recorded it (`""`: the report's only one)."""
    if language == "" and len(result.word) == 1:
        return next(iter(result.word.values()))
    return result.word.get(language)


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
        "files": [
            {"language": lang, **_files(*paths, _word(result, lang))}
            for lang, paths in editions.items()
        ],
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
